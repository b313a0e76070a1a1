//! Site builds are byte-identical across time zones and incremental: nothing changed, one
//! report changed, one report deleted.

use super::{build_site, check_site, tree};
use crate::support::{Sandbox, xinbao};
use std::collections::BTreeSet;

#[test]
fn site_builds_are_byte_identical_and_incremental() {
    let sandbox = Sandbox::from_fixture("repo");
    let (a, b) = (sandbox.root().join("a"), sandbox.root().join("b"));
    build_site(sandbox.root(), &a);
    let other = xinbao()
        .env("TZ", "America/New_York")
        .args(["build", "--drafts", "--only", "site", "--out"])
        .arg(&b)
        .current_dir(sandbox.root())
        .output()
        .unwrap();
    assert!(other.status.code().is_some_and(|c| c <= 1));
    let first = tree(&a);
    assert_eq!(first, tree(&b), "two builds of the same input differ");

    // Nothing changed: nothing written.
    let again = build_site(sandbox.root(), &a);
    assert!(again.contains("档案网站：写入 0 个文件"), "{again}");

    // One report changed: its page, the pages listing it and the search index.
    let path = sandbox.root().join("reports/2026/03/2026-03-02-good-work.md");
    let text =
        std::fs::read_to_string(&path).unwrap().replace("安排下一步工作", "部署下一阶段工作");
    std::fs::write(&path, text).unwrap();
    let after = build_site(sandbox.root(), &a);
    let second = tree(&a);
    let changed: BTreeSet<&String> =
        first.keys().filter(|k| first.get(*k) != second.get(*k)).collect();
    assert!(changed.contains(&"reports/2026-03-02-good-work.html".to_string()), "{changed:?}");
    assert!(!changed.contains(&"reports/2026-03-03-good-research.html".to_string()));
    assert!(
        changed
            .iter()
            .all(|p| !p.starts_with("reports/") || p.contains("good-work") || p.contains("follow")),
        "{changed:?}"
    );
    assert!(
        after.contains(&format!("档案网站：写入 {} 个文件", changed.len() - 1)),
        "{after} vs {changed:?}"
    );
    assert!(
        String::from_utf8_lossy(&second["reports/2026-03-02-good-work.html"])
            .contains("部署下一阶段工作")
    );

    // A deleted report's page goes, and nothing links to it any more.
    std::fs::remove_file(sandbox.root().join("reports/2026/03/2026-03-08-good-tags.md")).unwrap();
    let removed = build_site(sandbox.root(), &a);
    assert!(removed.contains("删除 1 个"), "{removed}");
    assert!(!a.join("reports/2026-03-08-good-tags.html").exists());
    check_site(&a);
}

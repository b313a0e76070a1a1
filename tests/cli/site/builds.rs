//! Site builds are byte-identical across time zones and incremental: nothing changed, one
//! report changed, one report deleted; the archive made beside the documents is the
//! site-only archive.

use super::{build_site, check_site, tree};
use crate::support::{Sandbox, xinbao};
use std::collections::{BTreeMap, BTreeSet};

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

/// The archive a build makes from the documents it renders (each report laid out
/// once, for its DOCX, its PDF and its page) is the archive a site-only build makes
/// over the same output folder, and a page links exactly the documents present.
#[test]
fn the_archive_built_with_the_documents_is_the_site_only_archive() {
    let sandbox = Sandbox::from_fixture("repo");
    let out = sandbox.root().join("out");
    let full = xinbao()
        .args(["build", "--drafts", "--only", "docx", "--only", "pdf", "--only", "site", "--out"])
        .arg(&out)
        .current_dir(sandbox.root())
        .output()
        .unwrap();
    assert!(full.status.code().is_some_and(|c| c <= 1));
    let site = |tree: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        tree.into_iter().filter(|(path, _)| !path.starts_with("files/")).collect()
    };
    let with_documents = site(tree(&out));
    let page = "reports/2026-03-02-good-work.html";
    let html = String::from_utf8_lossy(&with_documents[page]).into_owned();
    assert!(html.contains("files/2026-03-02-good-work.docx"), "{html}");
    assert!(html.contains("files/2026-03-02-good-work.pdf"), "{html}");

    let again = build_site(sandbox.root(), &out);
    assert!(again.contains("档案网站：写入 0 个文件"), "{again}");
    assert_eq!(site(tree(&out)), with_documents);

    // A document gone: the next build that does not render it links only the other.
    std::fs::remove_file(out.join("files/2026-03-02-good-work.docx")).unwrap();
    let pdf_only = xinbao()
        .args(["build", "--drafts", "--only", "pdf", "--only", "site", "--out"])
        .arg(&out)
        .current_dir(sandbox.root())
        .output()
        .unwrap();
    assert!(pdf_only.status.code().is_some_and(|c| c <= 1));
    let html = std::fs::read_to_string(out.join(page)).unwrap();
    assert!(!html.contains("2026-03-02-good-work.docx"), "{html}");
    assert!(html.contains("files/2026-03-02-good-work.pdf"), "{html}");
}

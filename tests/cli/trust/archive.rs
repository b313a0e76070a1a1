//! The archive is what the office published (SPEC §7): a report that is only approved or
//! submitted has no page, list entry, search entry or download, except in the internal
//! preview (`build --drafts`), where it is marked 未发布; phone numbers are masked on the
//! pages unless `site.show_phone` says otherwise.

use super::{MERGED, PUBLISHED, Report};
use crate::bureau::Bureau;
use crate::support::stderr;
use std::path::Path;

const PUBLISHED_ID: &str = "2026-03-02-fabu";
const APPROVED_ID: &str = "2026-03-02-shenhe";
const SUBMITTED_ID: &str = "2026-03-02-baosong";

/// One published, one approved and one submitted report, by real signed commits.
fn bureau() -> Option<Bureau> {
    let bureau = Bureau::new()?;
    let published = Report::new(PUBLISHED_ID, "投资科").body("已发布的信息，正文含甲字。");
    let approved = Report::new(APPROVED_ID, "投资科").body("已审核的信息，正文含乙字。");
    let submitted = Report::new(SUBMITTED_ID, "价格科").body("待审核的信息，正文含丙字。");
    bureau.propose("zhang/a", &[published, approved]);
    bureau.propose("wang/b", &[submitted]);
    bureau.merge("zhang/a", MERGED, Some("li"));
    bureau.merge("wang/b", MERGED, None);
    bureau.commit(PUBLISHED, Some("qian"), &format!("发布\n\nPublished: {PUBLISHED_ID}"));
    assert_eq!(bureau.state(PUBLISHED_ID).0, "published");
    assert_eq!(bureau.state(APPROVED_ID).0, "approved");
    assert_eq!(bureau.state(SUBMITTED_ID).0, "submitted");
    Some(bureau)
}

/// Every file of the site in `out` (not the documents) as text, by path.
fn site_text(out: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/"))
        .filter(|p| !p.starts_with("files/") && !p.starts_with("bulletins/"))
        .map(|p| {
            let text = String::from_utf8_lossy(&std::fs::read(out.join(&p)).unwrap()).into_owned();
            (p, text)
        })
        .collect()
}

fn build(bureau: &Bureau, args: &[&str]) {
    let mut all = vec!["build", "--only", "docx,site"];
    all.extend(args);
    let out = bureau.xinbao(&all, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn the_archive_holds_only_published_reports_and_masks_phones() {
    let Some(bureau) = bureau() else { return };
    let out = bureau.root().join("public");
    build(&bureau, &[]);

    // Only the published report has a page, documents, list and search entries.
    assert!(out.join(format!("reports/{PUBLISHED_ID}.html")).is_file());
    for id in [APPROVED_ID, SUBMITTED_ID] {
        assert!(!out.join(format!("reports/{id}.html")).exists(), "{id} has a page");
    }
    let mut files: Vec<String> = std::fs::read_dir(out.join("files"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, [".xinbao-inputs.json".to_string(), format!("{PUBLISHED_ID}.docx")]);
    let site = site_text(&out);
    for (path, text) in &site {
        for id in [APPROVED_ID, SUBMITTED_ID] {
            assert!(!text.contains(id), "{path} names {id}");
        }
        assert!(!text.contains("乙字") && !text.contains("丙字"), "{path} shows unpublished text");
        assert!(!text.contains("未发布"), "{path}: a published archive has no 未发布 mark");
        assert!(!text.contains("13800000000"), "{path} shows the whole phone number");
    }
    let docs = &site.iter().find(|(p, _)| p == "search/docs.js").unwrap().1;
    assert!(docs.contains(&format!("[\"{PUBLISHED_ID}\",")), "{docs}");
    let category = &site.iter().find(|(p, _)| p == "category/work.html").unwrap().1;
    assert!(category.contains(&format!("reports/{PUBLISHED_ID}.html")));
    let page = &site.iter().find(|(p, _)| p == &format!("reports/{PUBLISHED_ID}.html")).unwrap().1;
    assert!(page.contains("联系电话：138****0000"), "{page}");
    assert!(page.contains(&format!("../files/{PUBLISHED_ID}.docx")), "the download");

    // The internal preview: all three, the unpublished ones marked on every page
    // that shows them; the published one is not marked.
    let preview = bureau.outside("preview");
    build(&bureau, &["--drafts", "--out", &preview.display().to_string()]);
    let page = |id: &str| std::fs::read_to_string(preview.join(format!("reports/{id}.html")));
    let mark = "未发布（";
    assert!(page(APPROVED_ID).unwrap().contains("s-approved\">未发布（已审核）"));
    assert!(page(SUBMITTED_ID).unwrap().contains("s-submitted\">未发布（待审核）"));
    let published = page(PUBLISHED_ID).unwrap();
    assert!(published.contains("s-published\">已发布") && !published.contains(mark));
    assert!(published.contains("内部预览"), "every page of the preview says so");
    let work = std::fs::read_to_string(preview.join("category/work.html")).unwrap();
    assert!(work.contains("未发布（已审核）") && work.contains("内部预览"));
    for id in [PUBLISHED_ID, APPROVED_ID, SUBMITTED_ID] {
        assert!(preview.join(format!("files/{id}.docx")).is_file(), "{id}");
    }
    let english =
        bureau.xinbao(&["--lang", "en", "build", "--drafts", "--only", "site", "--out", "en"], &[]);
    assert!(english.status.success(), "{}", stderr(&english));
    let en = std::fs::read_to_string(bureau.root().join(format!("en/reports/{APPROVED_ID}.html")));
    assert!(en.unwrap().contains("unpublished (approved)"));

    // A preview built into public/ is taken back by the next build.
    build(&bureau, &["--drafts"]);
    assert!(out.join(format!("files/{APPROVED_ID}.docx")).is_file());
    build(&bureau, &[]);
    assert!(!out.join(format!("reports/{APPROVED_ID}.html")).exists());
    assert!(!out.join(format!("files/{APPROVED_ID}.docx")).exists());

    // The bureau may choose to show the numbers (a names-and-layout setting).
    let settings = bureau.root().join("xinbao.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("site:\n  show_phone: true\n{text}")).unwrap();
    build(&bureau, &[]);
    let page = std::fs::read_to_string(out.join(format!("reports/{PUBLISHED_ID}.html"))).unwrap();
    assert!(page.contains("联系电话：13800000000"), "{page}");
}

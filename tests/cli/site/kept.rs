//! The pages kept between builds (`.git/xinbao/pages.bin`): after each kind of
//! change a kept page depends on — the report's text, a picture's bytes, a
//! referenced report's title, the settings, the language, the approval and
//! publication state — the archive is the one a build into an empty folder makes;
//! a tampered cache is ignored, even when the output folder was tampered to match.

use super::{build_site_with as build, tree};
use crate::bureau::{Bureau, PUBLISHED, Report};
use crate::support::Sandbox;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Builds into `out` (kept pages in use) and into an empty folder beside it,
/// and asserts the two archives are the same.
fn build_and_compare(root: &Path, global: &[&str], out: &Path) {
    build(root, global, out);
    let fresh = out.with_file_name("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    build(root, global, &fresh);
    let (kept, made) = (tree(out), tree(&fresh));
    let differ: Vec<&String> = made.keys().filter(|p| kept.get(*p) != made.get(*p)).collect();
    assert!(differ.is_empty() && kept.len() == made.len(), "stale after the change: {differ:?}");
    std::fs::remove_dir_all(&fresh).unwrap();
}

/// The fixture repository committed in git, so that pages are kept.
fn committed_fixture() -> Sandbox {
    let sandbox = Sandbox::from_fixture("repo");
    sandbox.git_init();
    sandbox.commit_all("2026-03-12T12:00:00+08:00", "信息");
    sandbox
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn kept_pages_are_made_again_when_what_they_show_changes() {
    let sandbox = committed_fixture();
    let root = sandbox.root();
    let out = root.join("out");
    build(root, &[], &out);
    let cache = root.join(".git/xinbao/pages.bin");
    let stored = std::fs::metadata(&cache).expect("the pages are kept").modified().unwrap();
    let again = build(root, &[], &out);
    assert!(again.contains("档案网站：写入 0 个文件"), "{again}");
    assert_eq!(std::fs::metadata(&cache).unwrap().modified().unwrap(), stored, "rewritten");

    // The report's text.
    let work = "reports/2026/03/2026-03-02-good-work.md";
    edit(root, work, "安排下一步工作", "部署下一阶段工作");
    build_and_compare(root, &[], &out);
    let page = std::fs::read_to_string(out.join("reports/2026-03-02-good-work.html")).unwrap();
    assert!(page.contains("部署下一阶段工作"));

    // A picture's bytes, the text unchanged.
    let picture = root.join("reports/2026/03/images/ok.png");
    let before = std::fs::read_to_string(out.join("reports/2026-03-05-good-images.html")).unwrap();
    image::GrayImage::from_pixel(8, 8, image::Luma([7])).save(&picture).unwrap();
    build_and_compare(root, &[], &out);
    let after = std::fs::read_to_string(out.join("reports/2026-03-05-good-images.html")).unwrap();
    assert_ne!(before, after, "the page shows the new picture");

    // The title of the report a follow-up links to.
    let first = "reports/2026/03/2026-03-02-good-emergency.md";
    edit(root, first, "title: ", "title: 更正：");
    build_and_compare(root, &[], &out);
    let follow_up =
        std::fs::read_to_string(out.join("reports/2026-03-02-good-follow-up.html")).unwrap();
    assert!(follow_up.contains("更正："), "{follow_up}");

    // The settings: the bureau's name is on every page.
    edit(root, "xinbao.yaml", "bureau: 测试县", "bureau: 示范县");
    build_and_compare(root, &[], &out);
    let page = std::fs::read_to_string(out.join("reports/2026-03-02-good-work.html")).unwrap();
    assert!(page.contains("示范县") && !page.contains("测试县"));

    // The language of the site, and back.
    build_and_compare(root, &["--lang", "en"], &out);
    let page = std::fs::read_to_string(out.join("reports/2026-03-02-good-work.html")).unwrap();
    assert!(page.contains("Approval trail"), "{page}");
    build_and_compare(root, &[], &out);
}

#[test]
fn a_kept_page_follows_the_reports_approval_and_publication() {
    let Some(bureau) = Bureau::new() else { return };
    let report = Report::new("2026-03-02-huancun", "投资科").body("缓存的信息。");
    let page = bureau.root().join(format!("out/reports/{}.html", report.id));
    let out = bureau.root().join("out");
    let shows = |words: &str| std::fs::read_to_string(&page).unwrap().contains(words);

    // A draft in the work tree, then the same text approved, then published.
    bureau.write(report);
    build_and_compare(bureau.root(), &[], &out);
    assert!(shows("未发布（草稿）"));
    std::fs::remove_file(bureau.root().join(report.file())).unwrap();
    bureau.submit("zhang/a", &[report], Some("li"));
    assert_eq!(bureau.state(report.id).0, "approved");
    build_and_compare(bureau.root(), &[], &out);
    assert!(shows("未发布（已审核）"));
    bureau.commit(PUBLISHED, Some("qian"), &format!("发布\n\nPublished: {}", report.id));
    assert_eq!(bureau.state(report.id).0, "published");
    build_and_compare(bureau.root(), &[], &out);
    assert!(shows("办公室发布") && !shows("未发布（"));
}

#[test]
fn a_tampered_cache_is_ignored() {
    let sandbox = committed_fixture();
    let root = sandbox.root();
    let out = root.join("out");
    build(root, &[], &out);
    let path = "reports/2026-03-02-good-work.html";
    let genuine = std::fs::read(out.join(path)).unwrap();

    // A forged page in the output folder, its manifest and the kept entry made to
    // agree with it: trusted, the cache would keep the forgery.
    let text = String::from_utf8(genuine.clone()).unwrap();
    let forged = text.replacen("安排下一步工作", "伪造的记录", 1).into_bytes();
    assert_ne!(forged, genuine);
    let hex = |bytes: &[u8]| -> String {
        Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    };
    std::fs::write(out.join(path), &forged).unwrap();
    let manifest = out.join(".xinbao-site.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace(&hex(&genuine), &hex(&forged))).unwrap();
    let cache = root.join(".git/xinbao/pages.bin");
    let bytes = std::fs::read(&cache).unwrap();
    let (old, new) = (Sha256::digest(&genuine), Sha256::digest(&forged));
    let at = bytes.windows(32).position(|w| w == old.as_slice()).expect("the page's entry");
    let mut tampered = bytes.clone();
    tampered[at..at + 32].copy_from_slice(&new);
    std::fs::write(&cache, &tampered).unwrap();

    build(root, &[], &out);
    assert_eq!(std::fs::read(out.join(path)).unwrap(), genuine, "the forgery was kept");
    assert_ne!(std::fs::read(&cache).unwrap(), tampered, "the tampered file is replaced");

    // A cache cut short or of garbage: laid out again, no error.
    for damage in [&bytes[..bytes.len() / 2], b"not a cache".as_slice()] {
        std::fs::write(&cache, damage).unwrap();
        build_and_compare(root, &[], &out);
    }
}

/// The reports kept parsed between command line runs (`.git/xinbao/parsed.bin`):
/// a run that reads them gives the findings and the archive a run without them
/// gives; a report edited since is parsed again; a store edited by hand (its
/// seal no longer verifies), cut short or of garbage is ignored.
#[test]
fn reports_kept_parsed_between_runs_change_no_finding_and_no_page() {
    let sandbox = committed_fixture();
    let root = sandbox.root();
    // A file changed within two seconds of a run is not kept: its times could not
    // tell a second change in the same tick.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let first = sandbox.check_json(&[]);
    let store = root.join(".git/xinbao/parsed.bin");
    let stored = std::fs::read(&store).expect("the parses are kept");
    assert_eq!(sandbox.check_json(&[]), first, "from the kept parses, the same findings");
    assert_eq!(std::fs::read(&store).unwrap(), stored, "nothing parsed afresh, nothing stored");

    // The archive from the kept parses is the one made without them.
    let (out, fresh) = (root.join("out"), root.join("fresh"));
    build(root, &[], &out);
    std::fs::remove_file(&store).unwrap();
    build(root, &[], &fresh);
    assert_eq!(tree(&out), tree(&fresh), "the archive from the kept parses differs");
    std::fs::remove_dir_all(&fresh).unwrap();

    // A report edited since it was kept is read and parsed again.
    let work = "reports/2026/03/2026-03-02-good-work.md";
    edit(root, work, "title: 投资科召开", "title: 投资科举行");
    build(root, &[], &out);
    let page = std::fs::read_to_string(out.join("reports/2026-03-02-good-work.html")).unwrap();
    assert!(page.contains("投资科举行重点项目调度会"), "the edit is not shown");

    // The kept title changed by hand, as a forger would: the seal fails, the
    // store is ignored, and the report's own text decides.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    build(root, &[], &out);
    let bytes = std::fs::read(&store).unwrap();
    let title = "投资科举行重点项目调度会".as_bytes();
    let at = bytes.windows(title.len()).position(|w| w == title).expect("the kept title");
    let mut forged = bytes.clone();
    forged[at..at + title.len()].copy_from_slice("伪造的记录伪造的记录伪造".as_bytes());
    let damaged = [forged.as_slice(), &bytes[..bytes.len() / 2], b"not a store".as_slice()];
    for (damage, bytes) in ["forged", "cut short", "garbage"].iter().zip(damaged) {
        std::fs::write(&store, bytes).unwrap();
        assert_eq!(sandbox.check_json(&[]).0, first.0);
        build(root, &[], &out);
        let page = std::fs::read_to_string(out.join("reports/2026-03-02-good-work.html")).unwrap();
        assert!(page.contains("投资科举行重点项目调度会") && !page.contains("伪造"), "{damage}");
    }
}

/// `check`'s template-text findings, with where they stand and what they say.
fn template_text(bureau: &Bureau) -> Vec<String> {
    let out = bureau.xinbao(&["check", "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = json["diagnostics"].as_array().unwrap().iter();
    let found = all.filter(|d| d["rule"] == "template-text");
    found.map(|d| format!("{} {}:{} {}", d["file"], d["line"], d["column"], d["message"])).collect()
}

#[test]
fn template_text_is_judged_from_kept_parses_under_the_templates_in_force() {
    let Some(bureau) = Bureau::new() else { return };
    let published = Report::new("2026-03-02-pub", "投资科");
    bureau.submit("zhang/pub", &[published], Some("li"));
    bureau.commit(PUBLISHED, Some("qian"), "发布\n\nPublished: 2026-03-02-pub");
    let body = "{{日期}}召开调度会（会议为期一整天），安排下一步工作。";
    let draft = Report::new("2026-03-04-draft", "价格科").body(body);
    bureau.write(draft);
    // A template pushed without the office's signature is not in force.
    let template = "---\ntitle: \ncategory: work\n---\n\n（会议为期一整天）\n";
    bureau.put("templates/work.md", template);
    bureau.commit("2026-03-04T09:00:00+08:00", None, "改模板");
    let store = bureau.root().join(".git/xinbao/parsed.bin");
    let unfilled = |found: &[String]| {
        found.len() == 1 && found[0].contains(&draft.file()) && found[0].contains("{{日期}}")
    };

    // Parsed under the work tree's template, judged under the one in force;
    // from the kept parse (its text read when the rule needs it) the same.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let first = template_text(&bureau);
    assert!(unfilled(&first), "{first:?}");
    let stored = std::fs::read(&store).expect("the parses are kept");
    assert_eq!(template_text(&bureau), first, "from the kept parses");
    assert_eq!(std::fs::read(&store).unwrap(), stored, "nothing parsed afresh");
    std::fs::remove_file(&store).unwrap();
    assert_eq!(template_text(&bureau), first, "without them");

    // Signed by the office, the template's sentence is found too, kept or not.
    bureau.put("templates/work.md", format!("{template}\n"));
    bureau.commit("2026-03-05T09:00:00+08:00", Some("qian"), "办公室改模板");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let signed = template_text(&bureau);
    assert_eq!(signed.len(), 2, "{signed:?}");
    assert!(signed.iter().any(|f| f.contains("（会议为期一整天）")), "{signed:?}");
    assert_eq!(template_text(&bureau), signed, "from the kept parses");
}

//! Publication by the office: by trailer with `xinbao publish`, by a signed normalizing edit
//! with its diff kept, never without approval; and the approval block in the DOCX.

use super::{PUBLISHED, Report, WRITTEN, bureau};
use crate::bureau::document_xml;
use crate::support::stderr;
use serde_json::Value;

#[test]
fn the_office_publishes_by_trailer_with_xinbao_publish() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    bureau.configure_signer("钱七", "qian");
    let out = bureau.xinbao(&["publish", "2026-03-02-r1"], &[("GIT_COMMITTER_DATE", PUBLISHED)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let message = bureau.git(WRITTEN, None, &["log", "-1", "--format=%B"]);
    assert!(message.contains("Published: 2026-03-02-r1"), "{message}");
    let status = bureau.reports();
    let report = &status["2026-03-02-r1"];
    assert_eq!(report["state"], "published");
    assert_eq!(report["published_by"][0]["name"], "钱七");
    assert_eq!(report["published_by"][0]["key"], bureau.ssh_fingerprint("qian").as_str());
    assert_eq!(report["approved_by"][0]["name"], "李四");
}

#[test]
fn the_office_publishes_by_a_normalizing_edit_and_the_diff_is_kept() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    bureau.write(
        Report::new("2026-03-02-r1", "投资科").body("3月2日，投资科召开调度会，安排下一步工作。"),
    );
    bureau.git(PUBLISHED, Some("qian"), &["commit", "-q", "-S", "-am", "规范文字"]);
    assert_eq!(bureau.state("2026-03-02-r1"), ("published".into(), vec![]));
    let out = bureau.xinbao(&["log", "2026-03-02-r1", "--format", "json"], &[]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps: Vec<&str> =
        json["trail"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["submitted", "approved", "published"]);
    let diff = json["trail"][2]["diff"].as_str().unwrap();
    assert!(
        diff.contains("-3月2日召开调度会") && diff.contains("+3月2日，投资科召开调度会"),
        "{diff}"
    );
    let human = bureau.xinbao(&["log", "2026-03-02-r1"], &[]);
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(human.contains("发布  钱七") && human.contains("+3月2日，投资科"), "{human}");
}

#[test]
fn an_office_signature_without_approval_publishes_nothing() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], None);
    bureau.git(
        PUBLISHED,
        Some("qian"),
        &["commit", "-q", "-S", "--allow-empty", "-m", "发布\n\nPublished: 2026-03-02-r1"],
    );
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec!["not-approved".into()]));
    // xinbao publish refuses before signing anything.
    bureau.configure_signer("钱七", "qian");
    let head = bureau.head();
    let out = bureau.xinbao(&["publish", "2026-03-02-r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not-approved"), "{}", stderr(&out));
    assert_eq!(bureau.head(), head);
}

#[test]
fn publish_commits_the_offices_staged_edit_and_refuses_unrelated_changes() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    bureau.configure_signer("钱七", "qian");
    bureau.write(Report::new("2026-03-02-r1", "投资科").body("3月2日，投资科召开调度会。"));
    // An unstaged edit is refused: the office stages what it publishes.
    let out = bureau.xinbao(&["publish", "2026-03-02-r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("git add"), "{}", stderr(&out));
    // So is a staged change to another file.
    bureau.git(WRITTEN, None, &["add", "-A"]);
    bureau.put("notes.txt", "无关\n");
    bureau.git(WRITTEN, None, &["add", "notes.txt"]);
    let out = bureau.xinbao(&["publish", "2026-03-02-r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("notes.txt"), "{}", stderr(&out));
    bureau.git(WRITTEN, None, &["rm", "-q", "--cached", "notes.txt"]);

    let out = bureau.xinbao(
        &["--lang", "en", "publish", "2026-03-02-r1"],
        &[("GIT_COMMITTER_DATE", PUBLISHED)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("钱七 published 1 reports"));
    let log = bureau.xinbao(&["log", "2026-03-02-r1", "--format", "json"], &[]);
    let json: Value = serde_json::from_slice(&log.stdout).unwrap();
    assert_eq!(json["state"], "published");
    assert!(json["trail"][2]["diff"].as_str().unwrap().contains("+3月2日，投资科召开调度会。"));
    let table = bureau.xinbao(&["--lang", "en", "status"], &[]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("published") && table.contains("1 reports: published 1"), "{table}");
}

#[test]
fn the_docx_carries_the_approval_block() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    bureau.git(
        PUBLISHED,
        Some("qian"),
        &["commit", "-q", "-S", "--allow-empty", "-m", "发布\n\nPublished: 2026-03-02-r1"],
    );
    let out = bureau.xinbao(&["render", "2026-03-02-r1", "--docx", "../r1.docx"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = bureau.root().join("../r1.docx");
    let document = document_xml(&path);
    std::fs::remove_file(path).unwrap();
    assert!(document.contains(">审核：李四　2026年3月2日</w:t>"), "{document}");
    // The fingerprint in 五号 on the line of its label: a run of its own.
    assert!(document.contains(">审核密钥：</w:t>"), "{document}");
    assert!(document.contains(&format!(">{}</w:t>", bureau.ssh_fingerprint("li"))));
    assert!(document.contains(">发布：钱七　2026年3月3日</w:t>"));
    assert!(document.contains(">签章：</w:t>"));
}

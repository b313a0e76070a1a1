//! SPEC §6.3: every record that decides something is the office's signed word —
//! requests, bulletin records, templates and adoptions — a unit speaks only for
//! itself, one id is one record, and a moved report keeps its approval only with
//! the same pictures.

use super::{
    AMENDED, CHANGED, MERGED, PUBLISHED, Report, WRITTEN, all_problems, r1_published, report,
    state_of, trust_problems,
};
use crate::bureau::{Bureau, document_xml};
use crate::support::stderr;
use serde_json::Value;

/// The figures of `unit` in `stats --quarter 2026Q1 --format json`.
fn figures(bureau: &Bureau, unit: &str) -> Value {
    let out = bureau.xinbao(&["stats", "--quarter", "2026Q1", "--format", "json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    stats["units"].as_array().unwrap().iter().find(|u| u["unit"] == unit).unwrap().clone()
}

fn request(id: &str, unit: &str, deadline: &str) -> String {
    format!(
        "id: {id}\ntitle: 重点项目进展约稿\nfrom: 县委办\nunits: [{unit}]\nissued_at: 2026-03-01\ndeadline: {deadline}\n"
    )
}

/// The rules of `check --approvals` findings about `file`.
fn rules_of(findings: &[(String, String, String)], file: &str) -> Vec<String> {
    findings.iter().filter(|(f, _, _)| f == file).map(|(_, rule, _)| rule.clone()).collect()
}

// ---- Office records ----

#[test]
fn an_unsigned_request_change_stays_without_effect_until_the_office_signs_one() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.put("requests/2026/r1.yaml", request("r1", "投资科", "2026-03-10T18:00:00+08:00"));
    bureau.commit(AMENDED, Some("qian"), "约稿");
    let answer = Report::new("2026-03-02-r1", "投资科").front("request: r1\n");
    bureau.submit("zhang/r1", &[answer], Some("li"));
    // A writer with push access moves the deadline before the answer and names
    // 价格科 in a new request that is already past.
    bureau.put("requests/2026/r1.yaml", request("r1", "投资科", "2026-03-01T18:00:00+08:00"));
    bureau.put("requests/2026/r2.yaml", request("r2", "价格科", "2026-03-03T18:00:00+08:00"));
    let forged = bureau.commit(CHANGED, None, "改约稿");
    let status = bureau.status();
    assert!(
        trust_problems(&status).contains(&("record-unsigned".into(), forged.clone())),
        "{status:#}"
    );
    let (code, findings) = bureau.check(&["--approvals"]);
    assert_eq!(code, 1);
    assert!(findings.iter().any(|(_, rule, _)| rule == "record-unsigned"), "{findings:?}");
    assert!(!findings.iter().any(|(_, rule, _)| rule == "deadline-exceeded"), "{findings:?}");
    let (touzi, jiage) = (figures(&bureau, "投资科"), figures(&bureau, "价格科"));
    assert_eq!((touzi["late"].as_u64(), touzi["on_time"].as_u64()), (Some(0), Some(1)), "{touzi}");
    assert_eq!(jiage["missed"], 0, "{jiage}");

    // The office signs the same versions: now they count.
    // (The rejected versions are in the tree already: the office writes them again.)
    for (file, id, unit, deadline) in [
        ("requests/2026/r1.yaml", "r1", "投资科", "2026-03-01T18:00:00+08:00"),
        ("requests/2026/r2.yaml", "r2", "价格科", "2026-03-03T18:00:00+08:00"),
    ] {
        bureau.put(file, format!("# 办公室确认\n{}", request(id, unit, deadline)));
    }
    bureau.commit("2026-03-05T09:00:00+08:00", Some("qian"), "办公室修改约稿");
    let (touzi, jiage) = (figures(&bureau, "投资科"), figures(&bureau, "价格科"));
    assert_eq!(touzi["late"], 1, "{touzi}");
    assert_eq!(jiage["missed"], 1, "{jiage}");
}

#[test]
fn a_supervisors_merge_does_not_make_a_request_the_offices() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.branch("zhang/req", WRITTEN, |bureau| {
        bureau.put("requests/2026/r2.yaml", request("r2", "价格科", "2026-03-03T18:00:00+08:00"));
    });
    let merge = bureau.merge("zhang/req", MERGED, Some("li"));
    let status = bureau.status();
    assert!(trust_problems(&status).contains(&("record-unsigned".into(), merge)), "{status:#}");
    assert_eq!(figures(&bureau, "价格科")["missed"], 0);
}

#[test]
fn an_unsigned_bulletin_record_does_not_change_the_printed_issue() {
    let Some(bureau) = Bureau::new() else { return };
    let published = Report::new("2026-03-02-pub", "投资科");
    let unapproved = Report::new("2026-03-02-raw", "价格科");
    bureau.propose("wang/raw", &[unapproved]);
    bureau.submit("zhang/pub", &[published], Some("li"));
    bureau.commit(PUBLISHED, Some("qian"), "发布\n\nPublished: 2026-03-02-pub");
    bureau.git(
        CHANGED,
        None,
        &["merge", "-q", "--no-ff", "--no-gpg-sign", "-m", "合并", "wang/raw"],
    );
    let record = "from: 2026-03-01\nto: 2026-03-31\ndate: 2026-03-31\nreports:\n";
    bureau.put("bulletins/2026/01.yaml", format!("{record}  - 2026-03-02-pub\n"));
    bureau.commit("2026-03-05T09:00:00+08:00", Some("qian"), "编期刊");
    bureau.put("bulletins/2026/01.yaml", format!("{record}  - 2026-03-02-raw\n"));
    let forged = bureau.commit("2026-03-06T09:00:00+08:00", None, "换稿");
    assert!(trust_problems(&bureau.status()).contains(&("record-unsigned".into(), forged)));

    let out_dir = bureau.outside("public");
    let out = bureau.xinbao(&["build", "--only", "docx", "--out", out_dir.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let document = document_xml(&out_dir.join("bulletins/2026-01.docx"));
    assert!(document.contains("投资科召开调度会"), "the published report is printed");
    assert!(!document.contains("价格科召开调度会"), "the unapproved report is not");
}

#[test]
fn templates_in_force_are_the_offices_and_never_fail_a_signed_report() {
    let Some(bureau) = Bureau::new() else { return };
    let body = "3月2日召开调度会（会议为期一整天），安排下一步工作。";
    let published = Report::new("2026-03-02-pub", "投资科").body(body);
    bureau.submit("zhang/pub", &[published], Some("li"));
    bureau.commit(PUBLISHED, Some("qian"), "发布\n\nPublished: 2026-03-02-pub");
    // Anyone can push a template line quoting the published text: it is not in force.
    let template = "---\ntitle: \ncategory: work\n---\n\n（会议为期一整天）\n";
    bureau.put("templates/work.md", template);
    let forged = bureau.commit(CHANGED, None, "改模板");
    assert!(trust_problems(&bureau.status()).contains(&("record-unsigned".into(), forged)));
    let (_, findings) = bureau.check(&["--approvals"]);
    assert!(!findings.iter().any(|(_, rule, _)| rule == "template-text"), "{findings:?}");

    // Signed by the office it is in force: a new report keeping that sentence fails,
    // the published one does not.
    bureau.put("templates/work.md", format!("{template}\n"));
    bureau.commit("2026-03-05T09:00:00+08:00", Some("qian"), "办公室改模板");
    let fresh = Report::new("2026-03-02-new", "投资科").body(body);
    bureau.write(fresh);
    let (code, findings) = bureau.check(&[]);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&findings, &fresh.file()), ["template-text"], "{findings:?}");
    let (_, findings) = bureau.check(&["--approvals"]);
    let published_file = published.file();
    assert!(rules_of(&findings, &published_file).is_empty(), "{findings:?}");
    let out_dir = bureau.outside("public");
    std::fs::remove_file(bureau.root().join(fresh.file())).unwrap();
    let out = bureau.xinbao(&["build", "--only", "docx", "--out", out_dir.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out_dir.join("files/2026-03-02-pub.docx").is_file());
}

// ---- Adoptions ----

#[test]
fn adoptions_count_only_when_the_office_signed_them() {
    let Some(bureau) = Bureau::new() else { return };
    let adoption =
        "adoptions:\n  - {by: 国务院办公厅《政务信息》, level: national, date: 2026-03-05}\n";
    let claimed = Report::new("2026-03-02-claimed", "投资科").front(adoption);
    bureau.submit("zhang/claimed", &[claimed], Some("li"));
    bureau.commit(PUBLISHED, Some("qian"), "发布\n\nPublished: 2026-03-02-claimed");
    let touzi = figures(&bureau, "投资科");
    assert_eq!(touzi["published"], 1, "{touzi}");
    assert_eq!(touzi["score"], 2, "submitted and published, no adoption: {touzi}");

    // The office records an adoption itself, in a commit it signs.
    let path = bureau.root().join(claimed.file());
    let text = std::fs::read_to_string(&path).unwrap().replace(
        adoption,
        &format!("{adoption}  - {{by: 县委办《每日要情》, level: county, date: 2026-03-06}}\n"),
    );
    std::fs::write(&path, text).unwrap();
    bureau.commit(CHANGED, Some("qian"), "登记采用");
    let touzi = figures(&bureau, "投资科");
    assert_eq!(touzi["score"], 4, "county adoption: 2 points: {touzi}");
}

#[test]
fn approve_names_the_adoptions_a_writer_wrote() {
    let Some(bureau) = Bureau::new() else { return };
    let adoption =
        "adoptions:\n  - {by: 国务院办公厅《政务信息》, level: national, date: 2026-03-05}\n";
    bureau.propose("zhang/claimed", &[Report::new("2026-03-02-claimed", "投资科").front(adoption)]);
    bureau.configure_signer("李四", "li");
    let out = bureau.approve(&["zhang/claimed"], MERGED);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("adoptions") && said.contains("国务院办公厅《政务信息》"), "{said}");
}

// ---- A unit speaks for itself ----

#[test]
fn a_retraction_of_another_units_report_counts_only_when_the_office_publishes_it() {
    let Some(bureau) = Bureau::new() else { return };
    let victim = Report::new("2026-03-02-jiage", "价格科");
    let retraction = Report::new("2026-03-02-fake", "投资科")
        .front("retracts: 2026-03-02-jiage\nreason: 数据有误。\n");
    bureau.submit("zhang/fake", &[victim, retraction], Some("wu"));
    // Approved by a supervisor of both units, not published: it retracts nothing.
    let (code, findings) = bureau.check(&["--approvals"]);
    assert_eq!(code, 1, "{findings:?}");
    assert_eq!(rules_of(&findings, &retraction.file()), ["cross-unit-reference"], "{findings:?}");
    assert_eq!(figures(&bureau, "价格科")["false"], 0);
    // The plain check warns, before any verdict.
    let (_, findings) = bureau.check(&[]);
    let severity =
        findings.iter().find(|(f, r, _)| *f == retraction.file() && r == "cross-unit-reference");
    assert_eq!(severity.map(|(_, _, s)| s.as_str()), Some("warning"), "{findings:?}");

    // An unapproved report of the office's own unit retracts nothing either.
    let office = Report::new("2026-03-03-office", "办公室")
        .times("2026-03-03T07:00:00+08:00", "2026-03-03T07:55:00+08:00")
        .front("retracts: 2026-03-02-jiage\nreason: 经核实有误。\n");
    bureau.branch("office/retract", "2026-03-03T08:00:00+08:00", |b| b.write(office));
    bureau.git(
        "2026-03-03T08:30:00+08:00",
        None,
        &["merge", "-q", "--no-ff", "--no-gpg-sign", "-m", "更正", "office/retract"],
    );
    assert_eq!(figures(&bureau, "价格科")["false"], 0);

    // Published by the office, the retraction is the office's word and counts.
    bureau.commit(PUBLISHED, Some("qian"), "发布\n\nPublished: 2026-03-02-fake");
    let (_, findings) = bureau.check(&["--approvals"]);
    assert!(rules_of(&findings, &retraction.file()).is_empty(), "{findings:?}");
    assert_eq!(figures(&bureau, "价格科")["false"], 1);
}

// ---- One id, one record ----

#[test]
fn a_second_file_with_a_published_id_never_takes_its_trail() {
    let Some((bureau, original)) = r1_published() else { return };
    // Another unit's file, in another month, with the same id.
    let intruder = "reports/2026/01/2026-03-02-r1.md";
    let text = Report::new("2026-03-02-r1", "价格科").body("冒名顶替的正文。").text();
    bureau.branch("wang/r1", CHANGED, |b| b.put(intruder, &text));
    bureau.git(
        "2026-03-04T10:00:00+08:00",
        None,
        &["merge", "-q", "--no-ff", "--no-gpg-sign", "-m", "合并", "wang/r1"],
    );
    let status = bureau.status();
    let listed = report(&status, "2026-03-02-r1").unwrap();
    assert_eq!(listed["file"], original.file().as_str(), "{status:#}");
    assert_eq!(listed["unit"], "投资科");
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("published".into(), vec![]));
    let (_, findings) = bureau.check(&["--approvals"]);
    let severity = |file: &str| {
        findings
            .iter()
            .find(|(f, r, _)| f == file && r == "duplicate-id")
            .map(|(_, _, s)| s.clone())
    };
    assert_eq!(severity(intruder).as_deref(), Some("error"), "{findings:?}");
    assert_eq!(severity(&original.file()).as_deref(), Some("warning"), "{findings:?}");
    // The archive's document is the original's, with its approval.
    let out_dir = bureau.outside("public");
    let out = bureau.xinbao(&["build", "--only", "docx", "--out", out_dir.to_str().unwrap()], &[]);
    let document = document_xml(&out_dir.join("files/2026-03-02-r1.docx"));
    assert!(document.contains("投资科召开调度会"), "{}", stderr(&out));
    assert!(!document.contains("冒名顶替"));
}

// ---- Pictures bound wherever they are ----

/// `status` after a report showing `images/p.png` is published in 03/ and moved to
/// 04/, where `images/p.png` is a picture of grey `shade` (40: the same bytes).
fn moved_onto_a_picture(shade: u8) -> Option<Value> {
    let bureau = Bureau::new()?;
    let report = Report::new("2026-03-02-r1", "投资科").picture("p.png");
    bureau.branch("zhang/r1", WRITTEN, |b| {
        b.write(report);
        b.draw("p.png", 40);
    });
    bureau.merge("zhang/r1", MERGED, Some("li"));
    bureau.commit(PUBLISHED, Some("qian"), "发布\n\nPublished: 2026-03-02-r1");
    bureau.draw_at("reports/2026/04/images/p.png", shade);
    bureau.git(CHANGED, None, &["mv", &report.file(), "reports/2026/04/2026-03-02-r1.md"]);
    bureau.commit(CHANGED, None, "移动");
    Some(bureau.status())
}

#[test]
fn a_moved_report_that_picks_up_another_picture_is_stale() {
    let Some(status) = moved_onto_a_picture(200) else { return };
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("stale".into(), vec!["approval-stale".into()]));
}

#[test]
fn a_moved_report_with_the_same_picture_bytes_keeps_its_trail() {
    let Some(status) = moved_onto_a_picture(40) else { return };
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("published".into(), vec![]), "{status:#}");
    assert!(all_problems(&status).is_empty(), "{status:#}");
}

// ---- Nothing disappears without a signature ----

#[test]
fn an_unsigned_deletion_keeps_a_published_report_in_the_archive_and_the_figures() {
    let Some((bureau, r1)) = r1_published() else { return };
    // Another file takes the id, then the original is removed, both unsigned.
    let text = Report::new("2026-03-02-r1", "价格科").body("冒名顶替的正文。").text();
    bureau.put("reports/2026/01/2026-03-02-r1.md", &text);
    bureau.commit(CHANGED, None, "同名");
    bureau.delete(r1, "2026-03-04T10:00:00+08:00", None);
    let touzi = figures(&bureau, "投资科");
    assert_eq!((touzi["submitted"].as_u64(), touzi["published"].as_u64()), (Some(1), Some(1)));
    let out_dir = bureau.outside("public");
    let out = bureau.xinbao(&["build", "--only", "docx", "--out", out_dir.to_str().unwrap()], &[]);
    let docx = out_dir.join("files/2026-03-02-r1.docx");
    assert!(docx.is_file(), "{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
    assert!(document_xml(&docx).contains("投资科召开调度会"));
}

#[test]
fn a_picture_reached_through_a_symlink_is_refused() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.draw_at("reports/2026/02/images/store.png", 40);
    let report = Report::new("2026-03-02-r1", "投资科").picture("p.png");
    bureau.write(report);
    let link = bureau.root().join("reports/2026/03/images/p.png");
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink("../../02/images/store.png", &link).unwrap();
    let (code, findings) = bureau.check(&[]);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&findings, &report.file()), ["image-outside-repo"], "{findings:?}");
}

// ---- A stale report counts as it was signed ----

#[test]
fn an_unsigned_edit_after_publication_moves_no_figure() {
    let Some(bureau) = Bureau::new() else { return };
    // Late: submitted two days after the event.
    let late = Report::new("2026-03-02-late", "投资科")
        .times("2026-03-02T09:00:00+08:00", "2026-03-04T10:00:00+08:00");
    bureau.branch("zhang/late", "2026-03-04T10:05:00+08:00", |b| b.write(late));
    bureau.merge("zhang/late", "2026-03-04T11:00:00+08:00", Some("li"));
    bureau.commit("2026-03-04T12:00:00+08:00", Some("qian"), "发布\n\nPublished: 2026-03-02-late");
    assert_eq!(figures(&bureau, "投资科")["late"], 1);
    // Unsigned: another unit, and a submission in time.
    let path = bureau.root().join(late.file());
    let text =
        std::fs::read_to_string(&path).unwrap().replace("unit: 投资科", "unit: 价格科").replace(
            "submitted_at: 2026-03-04T10:00:00+08:00",
            "submitted_at: 2026-03-02T17:00:00+08:00",
        );
    std::fs::write(&path, text).unwrap();
    bureau.commit("2026-03-05T09:00:00+08:00", None, "改");
    assert_eq!(bureau.state(late.id).0, "stale");
    let (touzi, jiage) = (figures(&bureau, "投资科"), figures(&bureau, "价格科"));
    assert_eq!(
        (touzi["submitted"].as_u64(), touzi["late"].as_u64()),
        (Some(1), Some(1)),
        "{touzi}"
    );
    assert_eq!(jiage["submitted"], 0, "{jiage}");
}

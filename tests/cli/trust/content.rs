//! An approval covers content: a changed picture or unit, a deletion, what `approve` merges
//! and what a rendered document prints are all held to the signed approval.

use super::{
    CHANGED, MERGED, PUBLISHED, Report, STRANGER, WRITTEN, report, state_of, trust_problems,
};
use crate::bureau::Bureau;
use crate::support::stderr;
use serde_json::{Value, json};

// ---- Approval covers content ----

#[test]
fn a_changed_picture_makes_an_approved_or_published_report_stale() {
    let Some(bureau) = Bureau::new() else { return };
    let approved = Report::new("2026-03-02-r1", "投资科").picture("r1.png");
    let published = Report::new("2026-03-02-r2", "投资科").picture("r2.png");
    bureau.branch("zhang/r1", WRITTEN, |bureau| {
        bureau.write(approved);
        bureau.write(published);
        bureau.draw("r1.png", 40);
        bureau.draw("r2.png", 80);
    });
    bureau.merge("zhang/r1", MERGED, Some("li"));
    bureau.commit(PUBLISHED, Some("qian"), "发布\n\nPublished: 2026-03-02-r2");
    assert_eq!(bureau.state("2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(bureau.state("2026-03-02-r2"), ("published".into(), vec![]));
    bureau.draw("r1.png", 200);
    bureau.draw("r2.png", 220);
    bureau.commit(CHANGED, None, "换图");
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("stale".into(), vec!["approval-stale".into()]));
    assert_eq!(state_of(&status, "2026-03-02-r2"), ("stale".into(), vec!["approval-stale".into()]));
    assert_eq!(bureau.check(&["--approvals"]).0, 1);
}

// ---- Nothing disappears without a signature ----

#[test]
fn an_unsigned_deletion_keeps_the_report_with_unsigned_deletion() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科");
    let r2 = Report::new("2026-03-02-r2", "投资科");
    bureau.submit("zhang/r", &[r1, r2], Some("li"));
    let unsigned = bureau.delete(r1, CHANGED, None);
    // 赵六 supervises 价格科, not the report's unit.
    let foreign = bureau.delete(r2, CHANGED, Some("zhao"));
    let status = bureau.status();
    for (deleted, commit) in [(r1, unsigned), (r2, foreign)] {
        assert_eq!(
            state_of(&status, deleted.id),
            ("approved".into(), vec!["unsigned-deletion".into()])
        );
        let listed = report(&status, deleted.id).unwrap();
        assert_eq!(listed["file"], deleted.file().as_str());
        assert_eq!(listed["problems"][0]["commit"], commit.as_str());
    }
    let (code, findings) = bureau.check(&["--approvals"]);
    assert_eq!(code, 1);
    let deletions = findings.iter().filter(|(_, rule, _)| rule == "unsigned-deletion").count();
    assert_eq!(deletions, 2, "{findings:?}");
}

#[test]
fn a_supervisors_deletion_removes_the_report_but_stats_still_count_it() {
    let Some(bureau) = Bureau::new() else { return };
    // Submitted two days after the event: late (routine limit: the next day).
    let late = Report::new("2026-03-02-late", "投资科")
        .times("2026-03-02T09:00:00+08:00", "2026-03-04T10:00:00+08:00");
    bureau.branch("zhang/late", "2026-03-04T10:05:00+08:00", |bureau| bureau.write(late));
    bureau.merge("zhang/late", "2026-03-04T11:00:00+08:00", Some("li"));
    bureau.delete(late, "2026-03-05T09:00:00+08:00", Some("li"));
    let status = bureau.status();
    assert!(report(&status, late.id).is_none(), "{status:#}");
    assert_eq!(trust_problems(&status), []);
    assert_eq!(bureau.check(&["--approvals"]).0, 0);
    let out = bureau.xinbao(&["stats", "--quarter", "2026Q1", "--format", "json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unit = stats["units"].as_array().unwrap().iter().find(|u| u["unit"] == "投资科").unwrap();
    assert_eq!((unit["submitted"].as_u64(), unit["late"].as_u64()), (Some(1), Some(1)), "{unit:#}");
    assert_eq!(stats["totals"]["submitted"], 1);
    assert_eq!(stats["totals"]["late"], 1);
}

// ---- Identity: a change of unit needs both units ----

#[test]
fn moving_a_report_to_another_unit_needs_a_signer_of_both_units() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科");
    let r2 = Report::new("2026-03-02-r2", "投资科");
    bureau.submit("zhang/r", &[r1, r2], None);
    // 赵六 supervises only the new unit.
    bureau.branch("zhang/move1", PUBLISHED, |bureau| {
        bureau.write(Report { unit: "价格科", ..r1 })
    });
    bureau.merge("zhang/move1", "2026-03-03T10:00:00+08:00", Some("zhao"));
    // 吴十 supervises both.
    bureau
        .branch("zhang/move2", CHANGED, |bureau| bureau.write(Report { unit: "价格科", ..r2 }));
    bureau.merge("zhang/move2", "2026-03-04T10:00:00+08:00", Some("wu"));
    let status = bureau.status();
    assert_eq!(
        state_of(&status, r1.id),
        ("submitted".into(), vec!["signer-not-authorized".into()])
    );
    assert_eq!(report(&status, r1.id).unwrap()["approved_by"], json!([]));
    assert_eq!(state_of(&status, r2.id), ("approved".into(), vec![]));
    assert_eq!(report(&status, r2.id).unwrap()["approved_by"][0]["name"], "吴十");
}

#[test]
fn an_unsigned_change_of_unit_does_not_hand_the_report_to_another_supervisor() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科");
    bureau.submit("zhang/r1", &[r1], Some("li"));
    // An unsigned commit on main moves it to 价格科: stale.
    bureau.write(Report { unit: "价格科", ..r1 });
    bureau.commit(PUBLISHED, None, "改科室");
    assert_eq!(bureau.state(r1.id), ("stale".into(), vec!["approval-stale".into()]));
    // 赵六 supervises only 价格科: his Approved: trailer does not approve it.
    let message = format!("审核\n\nApproved: {}", r1.id);
    bureau.commit("2026-03-03T10:00:00+08:00", Some("zhao"), &message);
    let (state, rules) = bureau.state(r1.id);
    assert_eq!(state, "stale");
    assert!(rules.contains(&"signer-not-authorized".to_string()), "{rules:?}");
    // 吴十 supervises both units: he may.
    bureau.commit(CHANGED, Some("wu"), &message);
    assert_eq!(bureau.state(r1.id), ("approved".into(), vec![]));
}

// ---- Approve sees everything it merges ----

#[test]
fn approve_refuses_a_branch_that_changes_the_settings() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.branch("zhang/r1", WRITTEN, |bureau| {
        bureau.write(Report::new("2026-03-02-r1", "投资科"));
        bureau.add_person(&bureau.person(STRANGER));
    });
    bureau.configure_signer("李四", "li");
    let head = bureau.head();
    let out = bureau.approve(&["zhang/r1"], MERGED);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("xinbao.yaml"), "{}", stderr(&out));
    assert_eq!(bureau.head(), head, "nothing was merged");
    // 李四 is no office: even when he says he means it.
    let out = bureau.approve(&["--include-other-changes", "zhang/r1"], MERGED);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(bureau.head(), head, "nothing was merged");
    assert!(!bureau.root().join(".git/MERGE_HEAD").exists(), "the merge was aborted");
}

#[test]
fn approve_merges_a_deletion_only_when_included() {
    let Some(bureau) = Bureau::new() else { return };
    let old = Report::new("2026-03-02-old", "投资科");
    bureau.submit("zhang/old", &[old], Some("li"));
    let new = Report::new("2026-03-02-new", "投资科")
        .times("2026-03-02T09:00:00+08:00", "2026-03-03T09:58:00+08:00");
    bureau.branch("zhang/new", "2026-03-03T10:00:00+08:00", |bureau| {
        bureau.write(new);
        std::fs::remove_file(bureau.root().join(old.file())).unwrap();
    });
    bureau.configure_signer("李四", "li");
    let head = bureau.head();
    let out = bureau.approve(&["zhang/new"], "2026-03-03T11:00:00+08:00");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(&old.file()), "{}", stderr(&out));
    assert_eq!(bureau.head(), head, "nothing was merged");
    let out =
        bureau.approve(&["--include-other-changes", "zhang/new"], "2026-03-03T11:00:00+08:00");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(bureau.head(), head);
    let status = bureau.status();
    assert!(report(&status, old.id).is_none(), "{status:#}");
    assert_eq!(state_of(&status, new.id), ("approved".into(), vec![]));
    assert_eq!(trust_problems(&status), []);
}

// ---- Documents print what was approved ----

/// Asserts that `document` carries no approval and says the text is not the approved one.
fn assert_not_the_approved_version(document: &str) {
    assert!(!document.contains("审核：李四"), "{document}");
    assert!(document.contains("非审核稿"), "{document}");
}

#[test]
fn render_of_an_edited_text_says_it_is_not_the_approved_version() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科");
    bureau.submit("zhang/r1", &[r1], Some("li"));
    assert!(bureau.rendered(r1.id).contains("审核：李四"), "the approved text has its block");
    bureau.write(r1.body("未经审核改动的正文。"));
    assert_not_the_approved_version(&bureau.rendered(r1.id));
}

#[test]
fn render_with_an_edited_picture_says_it_is_not_the_approved_version() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科").picture("r1.png");
    bureau.branch("zhang/r1", WRITTEN, |bureau| {
        bureau.write(r1);
        bureau.draw("r1.png", 40);
    });
    bureau.merge("zhang/r1", MERGED, Some("li"));
    assert!(bureau.rendered(r1.id).contains("审核：李四"), "the approved text has its block");
    bureau.draw("r1.png", 200);
    assert_not_the_approved_version(&bureau.rendered(r1.id));
}

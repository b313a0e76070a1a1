//! SPEC §6.3: the main line cannot be rewritten. A push that puts a new first
//! parent under the signed record is `history-rewritten`, and verdicts follow the
//! line it pushed aside.

use super::{CHANGED, MERGED, PUBLISHED, Report, WRITTEN, r1_published, state_of, trust_problems};
use crate::bureau::Bureau;

/// Moves main onto a merge of main's tree whose first parent is the root and
/// second the old tip (a fast-forward that pushes the record aside), signed by
/// `signer`; returns the merge.
fn root_under_main(bureau: &Bureau, signer: Option<&str>) -> String {
    let (root, tip) = (bureau.root_commit(), bureau.head());
    let tree = bureau.git(CHANGED, None, &["rev-parse", "HEAD^{tree}"]);
    let sign = if signer.is_some() { "-S" } else { "--no-gpg-sign" };
    let forged = bureau.git(
        CHANGED,
        signer,
        &["commit-tree", sign, "-p", &root, "-p", &tip, "-m", "合并", &tree],
    );
    bureau.git(CHANGED, None, &["reset", "-q", "--hard", &forged]);
    forged
}

#[test]
fn a_merge_that_puts_the_root_under_main_is_history_rewritten() {
    let Some((bureau, r1)) = r1_published() else { return };
    let forged = root_under_main(&bureau, None);
    let status = bureau.status();
    assert_eq!(state_of(&status, r1.id), ("published".into(), vec![]), "{status:#}");
    assert!(trust_problems(&status).contains(&("history-rewritten".into(), forged)), "{status:#}");
    assert_eq!(bureau.check(&["--approvals"]).0, 1);
}

#[test]
fn an_old_supervisors_merge_as_first_parent_does_not_undo_his_removal() {
    let Some(bureau) = Bureau::new() else { return };
    let old_merge =
        bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    // The office removes 李四.
    bureau.write_settings(&bureau.people(&["李四"]));
    bureau.commit(PUBLISHED, Some("qian"), "李四调离");
    let tip = bureau.head();
    // 李四 signs a merge of a new report whose first parent is his own old merge.
    let r2 = Report::new("2026-03-02-r2", "投资科");
    bureau.write(r2);
    bureau.git(CHANGED, None, &["add", "-A"]);
    let tree = bureau.git(CHANGED, None, &["write-tree"]);
    let forged = bureau.git(
        CHANGED,
        Some("li"),
        &["commit-tree", "-S", "-p", &old_merge, "-p", &tip, "-m", "审核通过", &tree],
    );
    bureau.git(CHANGED, None, &["reset", "-q", "--hard", &forged]);
    let status = bureau.status();
    assert!(trust_problems(&status).contains(&("history-rewritten".into(), forged)), "{status:#}");
    // The removal stands: 李四's signature approves nothing any more.
    let (state, _) = state_of(&status, r2.id);
    assert_eq!(state, "submitted", "{status:#}");
    assert_eq!(state_of(&status, "2026-03-02-r1").0, "approved");
}

#[test]
fn a_supervisors_merge_of_a_branch_with_his_own_signed_commit_is_no_rewrite() {
    let Some(bureau) = Bureau::new() else { return };
    bureau
        .branch("zhang/r1", WRITTEN, |bureau| bureau.write(Report::new("2026-03-02-r1", "投资科")));
    bureau.git(WRITTEN, None, &["checkout", "-q", "zhang/r1"]);
    // 李四 signs a commit of a record's shape on the writer's branch.
    bureau.commit("2026-03-02T18:00:00+08:00", Some("li"), "审核\n\nApproved: 2026-03-02-r1");
    bureau.git(WRITTEN, None, &["checkout", "-q", "main"]);
    let merge = bureau.merge("zhang/r1", MERGED, Some("li"));
    let status = bureau.status();
    assert!(
        !trust_problems(&status).iter().any(|(rule, _)| rule == "history-rewritten"),
        "{status:#}"
    );
    assert_eq!(state_of(&status, "2026-03-02-r1").0, "approved", "merged by {merge}");
}

#[test]
fn a_supervisors_signature_does_not_push_the_offices_record_aside() {
    let Some((bureau, r1)) = r1_published() else { return };
    // 李四, a supervisor valid on both lines, signs the merge that puts the root first.
    let forged = root_under_main(&bureau, Some("li"));
    let status = bureau.status();
    assert!(trust_problems(&status).contains(&("history-rewritten".into(), forged)), "{status:#}");
    assert_eq!(state_of(&status, r1.id).0, "published", "{status:#}");
}

#[test]
fn the_office_acknowledges_a_pushed_aside_line_and_it_stays_as_a_warning() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科");
    bureau.submit("zhang/r1", &[r1], Some("li"));
    let forged = root_under_main(&bureau, None);
    assert_eq!(bureau.check(&["--approvals"]).0, 1);
    let message = format!("确认\n\nHistory-rewritten-from: {forged}\n");
    bureau.commit("2026-03-05T09:00:00+08:00", Some("qian"), &message);
    let (code, findings) = bureau.check(&["--approvals"]);
    assert_eq!(code, 0, "{findings:?}");
    assert!(findings.contains(&(
        "xinbao.yaml".to_string(),
        "history-rewritten".to_string(),
        "warning".to_string()
    )));
    assert_eq!(state_of(&bureau.status(), r1.id).0, "approved");
}

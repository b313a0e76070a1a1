//! The supervisor's commands: `approve` (a branch, or `--on-main`), what it refuses, and
//! `pending`, the branches waiting for each supervisor.

use super::{MERGED, PUBLISHED, Report, WRITTEN, bureau};
use crate::support::stderr;
use serde_json::Value;

#[test]
fn approve_merges_with_a_signature_and_trailers() {
    let Some(bureau) = bureau() else { return };
    bureau.propose(
        "zhang/r1",
        &[Report::new("2026-03-02-r1", "投资科"), Report::new("2026-03-02-r2", "投资科")],
    );
    bureau.configure_signer("李四", "li");
    let out = bureau.xinbao(&["approve", "zhang/r1"], &[("GIT_COMMITTER_DATE", MERGED)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("李四 已审核并合并 2 条信息"));
    let parents = bureau.git(WRITTEN, None, &["log", "-1", "--format=%P"]);
    assert_eq!(parents.split_whitespace().count(), 2, "a --no-ff merge");
    let message = bureau.git(WRITTEN, None, &["log", "-1", "--format=%B"]);
    assert!(
        message.contains("Approved: 2026-03-02-r1") && message.contains("Approved: 2026-03-02-r2")
    );
    let status = bureau.reports();
    assert_eq!(status["2026-03-02-r1"]["state"], "approved");
    assert_eq!(status["2026-03-02-r2"]["approved_by"][0]["name"], "李四");
}

#[test]
fn approve_refuses_a_dirty_tree_a_failing_report_and_a_signer_without_the_right() {
    let Some(bureau) = bureau() else { return };
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    let head = bureau.head();

    // Another unit's supervisor.
    bureau.configure_signer("赵六", "zhao");
    let out = bureau.xinbao(&["approve", "zhang/r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("赵六 无权审核"), "{}", stderr(&out));

    // A dirty work tree.
    bureau.configure_signer("李四", "li");
    bureau.put("xinbao.yaml", "# 改动\n");
    let out = bureau.xinbao(&["approve", "zhang/r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("工作区有未提交的修改"), "{}", stderr(&out));
    bureau.git(WRITTEN, None, &["checkout", "--", "xinbao.yaml"]);

    // A report that fails the check.
    bureau.git(WRITTEN, None, &["checkout", "-q", "-b", "zhang/bad"]);
    bureau.put(
        "reports/2026/03/2026-03-02-bad.md",
        "---\ntitle: 缺字段\nunit: 投资科\n---\n\n正文。\n",
    );
    bureau.git(WRITTEN, None, &["add", "-A"]);
    bureau.git(WRITTEN, None, &["commit", "-qm", "坏"]);
    bureau.git(WRITTEN, None, &["checkout", "-q", "main"]);
    let out = bureau.xinbao(&["approve", "zhang/bad"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("missing-field"));
    assert_eq!(bureau.head(), head, "nothing was merged");
    assert!(!bureau.root().join(".git/MERGE_HEAD").exists(), "the merge was aborted");
}

#[test]
fn approve_on_main_approves_a_report_already_there() {
    let Some(bureau) = bureau() else { return };
    // Pushed straight to main, unsigned: they wait on main.
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], None);
    bureau.submit("zhang/r2", &[Report::new("2026-03-02-r2", "投资科")], None);
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec![]));
    // An unsigned commit naming a report in an Approved: trailer approves nothing.
    bureau.git(
        MERGED,
        None,
        &["commit", "-q", "--allow-empty", "-m", "审核\n\nApproved: 2026-03-02-r2"],
    );
    assert_eq!(
        bureau.state("2026-03-02-r2"),
        ("submitted".into(), vec!["signature-invalid".into()])
    );
    // Another unit's supervisor may not approve.
    bureau.configure_signer("赵六", "zhao");
    let head = bureau.head();
    let out = bureau.xinbao(&["approve", "--on-main", "2026-03-02-r1"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(bureau.head(), head);
    bureau.configure_signer("李四", "li");
    let out = bureau.xinbao(
        &["approve", "--on-main", "2026-03-02-r1"],
        &[("GIT_COMMITTER_DATE", PUBLISHED), ("GIT_AUTHOR_DATE", PUBLISHED)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("git push"));
    let message = bureau.git(WRITTEN, None, &["log", "-1", "--format=%B"]);
    assert!(message.contains("Approved: 2026-03-02-r1"), "{message}");
    let status = bureau.reports();
    assert_eq!(status["2026-03-02-r1"]["state"], "approved");
    assert_eq!(status["2026-03-02-r1"]["approved_by"][0]["name"], "李四");
    // An approved report is not approved again.
    let out = bureau.xinbao(&["approve", "--on-main", "2026-03-02-r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn pending_lists_the_waiting_branches_per_supervisor() {
    let Some(bureau) = bureau() else { return };
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    bureau.propose("wang/r2", &[Report::new("2026-03-02-r2", "价格科")]);
    bureau.submit("zhang/done", &[Report::new("2026-03-02-r3", "投资科")], Some("li"));
    let out = bureau.xinbao(&["pending", "--format", "json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lists: Vec<(String, Vec<String>)> = json["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let branches = g["branches"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| format!("{}:{}", b["branch"].as_str().unwrap(), b["reports"][0]["id"]))
                .collect();
            (g["supervisor"].as_str().unwrap().to_string(), branches)
        })
        .collect();
    // 李四 and 周九 supervise 投资科, 赵六 价格科; the merged branch waits for nothing.
    assert_eq!(
        lists,
        [
            ("周九".to_string(), vec!["zhang/r1:\"2026-03-02-r1\"".to_string()]),
            ("李四".to_string(), vec!["zhang/r1:\"2026-03-02-r1\"".to_string()]),
            ("赵六".to_string(), vec!["wang/r2:\"2026-03-02-r2\"".to_string()]),
        ]
    );
    let mine = bureau.xinbao(&["pending", "--for", "赵六"], &[]);
    let text = String::from_utf8_lossy(&mine.stdout);
    assert!(text.contains("wang/r2") && !text.contains("zhang/r1"), "{text}");
    assert!(text.contains("xinbao approve wang/r2"), "{text}");
}

//! Time does not run backwards: `time-order` for commits from the future, backdated merges
//! and author times, and the last second of a key's window as git itself judges it.

use super::{MERGED, Report, all_problems, pair, report, state_of, trust_problems};
use crate::bureau::Bureau;
use crate::support::stderr;
use serde_json::json;

// ---- Time does not run backwards ----

#[test]
fn time_order_a_commit_from_the_future_does_not_hold_back_later_ones() {
    let Some(bureau) = Bureau::new() else { return };
    // Someone pushes a commit dated 2031: it is itself time-order…
    let future = bureau.commit("2031-01-01T00:00:00+08:00", None, "来自未来");
    // …but an honest approval made now is judged now, not in 2031.
    let now = chrono::Local::now().fixed_offset().to_rfc3339();
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    bureau.merge("zhang/r1", &now, Some("li"));
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert!(trust_problems(&status).contains(&pair("time-order", &future)), "{status:#}");
}

#[test]
fn time_order_a_merge_older_than_its_parents_approves_nothing() {
    let Some(bureau) = Bureau::new() else { return };
    // 周九's key ends 2025-12-31; the merge claims that day, on top of 2026 commits.
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    let merge = bureau.merge("zhang/r1", "2025-12-31T23:59:59+08:00", Some("zhou"));
    let status = bureau.status();
    let (state, rules) = state_of(&status, "2026-03-02-r1");
    assert_eq!(state, "submitted");
    assert!(
        !rules.is_empty() && rules.iter().all(|r| r == "time-order" || r == "key-expired"),
        "{rules:?}"
    );
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"], json!([]));
    assert!(all_problems(&status).contains(&pair("time-order", &merge)), "{status:#}");
}

#[test]
fn time_order_a_backdated_author_time() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    let out = bureau
        .git_command(MERGED, Some("li"))
        .env("GIT_AUTHOR_DATE", "2026-01-05T09:00:00+08:00")
        .args(["merge", "-q", "--no-ff", "-S", "-m", "合并", "zhang/r1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let status = bureau.status();
    assert!(all_problems(&status).contains(&pair("time-order", &bureau.head())), "{status:#}");
}

#[test]
fn git_and_xinbao_agree_on_both_sides_of_a_key_windows_end() {
    let Some(bureau) = Bureau::unsettled() else { return };
    bureau.settle("2025-06-01T09:00:00+08:00", &bureau.people(&[]));
    let times = ("2025-12-31T09:00:00+08:00", "2025-12-31T17:40:00+08:00");
    let last = Report::new("2025-12-31-last", "投资科").times(times.0, times.1);
    let after = Report::new("2025-12-31-after", "投资科").times(times.0, times.1);
    bureau.branch("zhang/last", "2025-12-31T17:45:00+08:00", |bureau| bureau.write(last));
    bureau.branch("zhang/after", "2025-12-31T17:46:00+08:00", |bureau| bureau.write(after));
    let merges = [
        (last, bureau.merge("zhang/last", "2025-12-31T23:59:59+08:00", Some("zhou"))),
        (after, bureau.merge("zhang/after", "2026-01-01T00:00:00+08:00", Some("zhou"))),
    ];
    let status = bureau.status();
    for (merged, merge) in merges {
        let verify = bureau.verify(&merge);
        let good = verify.status.success();
        let listed = report(&status, merged.id).unwrap();
        assert_eq!(listed["state"] == "approved", good, "git: {}\n{listed:#}", stderr(&verify));
        assert_eq!(listed["approved_by"].as_array().unwrap().is_empty(), !good, "{listed:#}");
    }
}

//! Trust (SPEC §6.1): the record of approvals must not be forgeable. Each test builds a
//! real repository with real keys (ssh-keygen, gpg) and real signed commits, commits one
//! forgery or loophole, and checks that `xinbao` is not fooled by it. Commit times rise
//! through every history, so no test trips `time-order` by accident.
//!
//! The fixture is [`crate::bureau::Bureau`]; the tests are grouped by behaviour in the
//! submodules.

mod archive;
mod content;
mod fail_closed;
mod records;
mod rewrite;
mod settings;
mod time_order;

use crate::bureau::{MERGED, PUBLISHED, Report, SETTLED, STRANGER, WRITTEN, report, state_of};
use serde_json::Value;

/// A change of the settings on main, after the root and before any report.
const AMENDED: &str = "2026-03-02T10:00:00+08:00";
/// When a report or picture is changed or deleted on main, after it was approved.
const CHANGED: &str = "2026-03-04T09:00:00+08:00";

/// A bureau whose report 2026-03-02-r1 (投资科) 李四 approved and 钱七 published.
fn r1_published() -> Option<(crate::bureau::Bureau, Report<'static>)> {
    let bureau = crate::bureau::Bureau::new()?;
    let r1 = Report::new("2026-03-02-r1", "投资科");
    bureau.submit("zhang/r1", &[r1], Some("li"));
    bureau.commit(PUBLISHED, Some("qian"), "发布\n\nPublished: 2026-03-02-r1");
    Some((bureau, r1))
}

/// A `problems` array as `(rule, commit)`.
fn pairs(problems: &Value) -> Vec<(String, String)> {
    let text = |p: &Value, key: &str| p[key].as_str().unwrap().to_string();
    problems.as_array().unwrap().iter().map(|p| (text(p, "rule"), text(p, "commit"))).collect()
}

/// The trust problems of `status` as `(rule, commit)`.
fn trust_problems(status: &Value) -> Vec<(String, String)> {
    assert!(status["trust"]["problems"].is_array(), "no trust.problems: {status:#}");
    pairs(&status["trust"]["problems"])
}

/// Every problem of `status`, of the reports and of the trust section, as `(rule, commit)`.
fn all_problems(status: &Value) -> Vec<(String, String)> {
    let mut all = trust_problems(status);
    for report in status["reports"].as_array().unwrap() {
        all.extend(pairs(&report["problems"]));
    }
    all
}

fn pair(rule: &str, commit: &str) -> (String, String) {
    (rule.to_string(), commit.to_string())
}

fn finding(file: &str, rule: &str, severity: &str) -> (String, String, String) {
    (file.to_string(), rule.to_string(), severity.to_string())
}

/// The trust anchor of `status` as `(kind, commit)`.
fn anchor(status: &Value) -> (String, String) {
    let anchor = &status["trust"]["anchor"];
    let text = |key: &str| anchor[key].as_str().unwrap_or_default().to_string();
    (text("kind"), text("commit"))
}

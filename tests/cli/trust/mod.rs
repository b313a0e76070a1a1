//! Trust (SPEC §6.1): the record of approvals must not be forgeable. Each test builds a
//! real repository with real keys (ssh-keygen, gpg) and real signed commits, commits one
//! forgery or loophole, and checks that `xinbao` is not fooled by it. Commit times rise
//! through every history, so no test trips `time-order` by accident.
//!
//! The fixture, [`bureau::Bureau`], is in `bureau.rs`; the tests are grouped by behaviour
//! in the submodules.

mod archive;
mod bureau;
mod content;
mod fail_closed;
mod records;
mod rewrite;
mod settings;
mod time_order;

use serde_json::Value;

/// The root commit: the bureau's first settings.
const SETTLED: &str = "2026-03-01T09:00:00+08:00";
/// A change of the settings on main, after the root and before any report.
const AMENDED: &str = "2026-03-02T10:00:00+08:00";
/// When writers commit (within the skew of the reports' default `submitted_at`).
const WRITTEN: &str = "2026-03-02T17:45:00+08:00";
/// When supervisors merge.
const MERGED: &str = "2026-03-02T20:00:00+08:00";
/// When the office publishes.
const PUBLISHED: &str = "2026-03-03T09:00:00+08:00";
/// When a report or picture is changed or deleted on main, after it was approved.
const CHANGED: &str = "2026-03-04T09:00:00+08:00";

/// A person who is in no bureau's settings until a test adds them: a supervisor of 投资科.
const STRANGER: &str = "陌生人";

/// A work report to write: its id, unit and times, with defaults for the rest.
#[derive(Clone, Copy)]
struct Report<'a> {
    id: &'a str,
    unit: &'a str,
    occurred: &'a str,
    submitted: &'a str,
    picture: Option<&'a str>,
    body: &'a str,
    /// More front-matter lines (each ending in a newline).
    front: &'a str,
}

impl<'a> Report<'a> {
    /// Report `id` of `unit`, about an event of 2026-03-02, submitted the same day.
    fn new(id: &'a str, unit: &'a str) -> Report<'a> {
        Report {
            id,
            unit,
            occurred: "2026-03-02T09:00:00+08:00",
            submitted: "2026-03-02T17:40:00+08:00",
            picture: None,
            body: "3月2日召开调度会，安排下一步工作。",
            front: "",
        }
    }

    fn times(self, occurred: &'a str, submitted: &'a str) -> Report<'a> {
        Report { occurred, submitted, ..self }
    }

    /// The report references `images/FILE` (relative to its folder) with a caption.
    fn picture(self, file: &'a str) -> Report<'a> {
        Report { picture: Some(file), ..self }
    }

    fn body(self, body: &'a str) -> Report<'a> {
        Report { body, ..self }
    }

    /// More front-matter lines, such as `request: r1\n`.
    fn front(self, front: &'a str) -> Report<'a> {
        Report { front, ..self }
    }

    /// `reports/YYYY/MM`, from the event's date.
    fn folder(&self) -> String {
        format!("reports/{}/{}", &self.occurred[..4], &self.occurred[5..7])
    }

    fn file(&self) -> String {
        format!("{}/{}.md", self.folder(), self.id)
    }

    fn text(&self) -> String {
        let author = if self.unit == "投资科" { "张三" } else { "王五" };
        let images = self
            .picture
            .map(|file| format!("images:\n  - file: images/{file}\n    caption: 调度会现场\n"))
            .unwrap_or_default();
        format!(
            "---\ntitle: {unit}召开调度会\ncategory: work\nunit: {unit}\nauthor: {author}\nphone: \"13800000000\"\noccurred_at: {occurred}\nsubmitted_at: {submitted}\n{images}{front}---\n\n{body}\n",
            unit = self.unit,
            occurred = self.occurred,
            submitted = self.submitted,
            body = self.body,
            front = self.front,
        )
    }
}

/// Report `id` of a `status --format json` output, when listed.
fn report<'a>(status: &'a Value, id: &str) -> Option<&'a Value> {
    status["reports"].as_array().unwrap().iter().find(|r| r["id"] == id)
}

/// The rule ids of a `problems` array.
fn rules(problems: &Value) -> Vec<String> {
    problems.as_array().unwrap().iter().map(|p| p["rule"].as_str().unwrap().to_string()).collect()
}

/// The state and problem rules of report `id` in `status`.
fn state_of(status: &Value, id: &str) -> (String, Vec<String>) {
    let report = report(status, id).unwrap_or_else(|| panic!("{id} is not listed: {status:#}"));
    (report["state"].as_str().unwrap().to_string(), rules(&report["problems"]))
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

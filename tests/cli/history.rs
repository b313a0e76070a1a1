//! The checks that read git: submitted_at against the file's first commit, and
//! `--changed-since` for pull requests. Real repositories made with git itself.

use crate::support::{Sandbox, finding_list, fixture};

fn report(submitted: &str) -> String {
    format!(
        "---\ntitle: 调度会\ncategory: county-project\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\nsubmitted_at: {submitted}\n---\n\n正文。\n"
    )
}

fn repo_with_history() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.git_init();
    sandbox.write("xinbao.yaml", std::fs::read(fixture("repo/xinbao.yaml")).unwrap());
    // Imported from an older archive: submitted long before the root commit.
    sandbox.write("reports/2025/12/2025-12-01-imported.md", report("2025-12-01T10:00:00+08:00"));
    sandbox.commit_all("2026-03-01T08:00:00+08:00", "root");
    // Submitted 09:55, committed 10:00: within the 10 minute skew.
    sandbox.write("reports/2026/03/2026-03-02-on-time.md", report("2026-03-02T09:55:00+08:00"));
    // Claims 08:00 but the file first appeared at 10:00.
    sandbox.write("reports/2026/03/2026-03-02-backdated.md", report("2026-03-02T08:00:00+08:00"));
    sandbox.commit_all("2026-03-02T10:00:00+08:00", "two reports");
    // A later edit does not move the first commit.
    sandbox.write(
        "reports/2026/03/2026-03-02-on-time.md",
        report("2026-03-02T09:55:00+08:00") + "补充。\n",
    );
    sandbox.commit_all("2026-03-05T10:00:00+08:00", "edit");
    sandbox
}

#[test]
fn submitted_before_the_first_commit_is_time_order() {
    let sandbox = repo_with_history();
    let (code, json) = sandbox.check_json(&[]);
    assert_eq!(
        finding_list(&json),
        [("reports/2026/03/2026-03-02-backdated.md".to_string(), 7, "time-order".to_string())],
        "{json}"
    );
    assert_eq!(code, 1);
}

#[test]
fn history_is_read_through_merges_and_branches() {
    let sandbox = repo_with_history();
    sandbox.git("2026-03-06T08:00:00+08:00", &["checkout", "-q", "-b", "writer"]);
    sandbox.write("reports/2026/03/2026-03-06-branch.md", report("2026-03-06T08:55:00+08:00"));
    sandbox.commit_all("2026-03-06T09:00:00+08:00", "on a branch");
    sandbox.git("2026-03-06T12:00:00+08:00", &["checkout", "-q", "main"]);
    sandbox.git("2026-03-06T12:00:00+08:00", &["merge", "-q", "--no-ff", "-m", "merge", "writer"]);
    let (_, json) = sandbox.check_json(&["reports/2026/03/2026-03-06-branch.md"]);
    // First added by the branch commit at 09:00, not by the merge at 12:00.
    assert_eq!(json["errors"], 0, "{json}");
}

#[test]
fn outside_git_the_commit_check_is_skipped_with_a_note() {
    let sandbox = Sandbox::new();
    sandbox.write("xinbao.yaml", std::fs::read(fixture("repo/xinbao.yaml")).unwrap());
    sandbox.write("reports/2026/03/2026-03-02-a.md", report("2026-03-02T08:00:00+08:00"));
    let out = sandbox.run(&["check", "--root", "."]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("不在 git 仓库中"));
}

#[test]
fn changed_since_checks_only_what_a_pull_request_touches() {
    let sandbox = repo_with_history();
    sandbox.write("reports/2026/03/2026-03-10-new.md", report("昨天"));
    sandbox.write("reports/2026/03/2026-03-02-on-time.md", report("今天"));
    let (code, json) = sandbox.check_json(&["--changed-since", "HEAD"]);
    let files: Vec<_> =
        finding_list(&json).into_iter().map(|(file, _, rule)| (file, rule)).collect();
    assert_eq!(
        files,
        [
            ("reports/2026/03/2026-03-02-on-time.md".to_string(), "invalid-value".to_string()),
            ("reports/2026/03/2026-03-10-new.md".to_string(), "invalid-value".to_string()),
        ],
        "the backdated report is unchanged and not reported: {json}"
    );
    assert_eq!(json["files"], 2);
    assert_eq!(code, 1);
}

#[test]
fn changed_since_an_unknown_revision_is_a_usage_error() {
    let sandbox = repo_with_history();
    let out = sandbox.run(&["check", "--changed-since", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-branch"));
}

#[test]
fn of_two_files_with_one_id_the_one_committed_first_keeps_it() {
    let sandbox = repo_with_history();
    // A copy in an earlier folder, never committed: it does not take the id.
    let text =
        std::fs::read_to_string(sandbox.root().join("reports/2026/03/2026-03-02-on-time.md"));
    let copy = text.unwrap().replace("title: 调度会", "title: 副本");
    sandbox.write("reports/2026/01/2026-03-02-on-time.md", copy);
    let (_, json) = sandbox.check_json(&[]);
    let severity = |file: &str| {
        let found = json["diagnostics"].as_array().unwrap().iter().find(|d| {
            d["file"] == format!("reports/2026/{file}/2026-03-02-on-time.md")
                && d["rule"] == "duplicate-id"
        });
        found.map(|d| d["severity"].as_str().unwrap().to_string())
    };
    assert_eq!(severity("03").as_deref(), Some("warning"), "{json}");
    assert_eq!(severity("01").as_deref(), Some("error"), "{json}");
    // And the id is the original's everywhere: `render` lays it out, not the copy.
    sandbox.run(&["render", "2026-03-02-on-time", "--docx", "id.docx"]);
    let docx = crate::render::unzip(&sandbox.root().join("id.docx"));
    let document = String::from_utf8_lossy(&docx["word/document.xml"]).into_owned();
    assert!(document.contains("调度会") && !document.contains("副本"), "{document}");
    // Committed later than the original, it still does not.
    sandbox.commit_all("2026-03-06T10:00:00+08:00", "copy");
    let (_, json) = sandbox.check_json(&[]);
    let errors: Vec<_> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "duplicate-id" && d["severity"] == "error")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["reports/2026/01/2026-03-02-on-time.md"], "{json}");
}

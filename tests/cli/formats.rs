//! The output formats of `check` and the exit codes.

use crate::support::{Sandbox, fixture};

fn one_late_report() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write("xinbao.yaml", std::fs::read(fixture("repo/xinbao.yaml")).unwrap());
    let text =
        std::fs::read_to_string(fixture("repo/reports/2026/03/2026-03-11-bad-deadline-routine.md"))
            .unwrap();
    sandbox.write("reports/2026/03/2026-03-11-late,50%.md", text);
    sandbox
}

#[test]
fn human_output_shows_the_line_with_carets() {
    let out = one_late_report().run(&["check"]);
    let text = String::from_utf8(out.stdout).unwrap();
    // Late is recorded, not blocking (SPEC §6.2): a warning that says 迟报 and by how much.
    assert!(text.contains("警告[deadline-exceeded]: 迟报 1 分："), "{text}");
    assert!(text.contains("--> reports/2026/03/2026-03-11-late,50%.md:8:1"), "{text}");
    assert!(text.contains("8 | submitted_at: 2026-03-04T00:00:01+08:00"), "{text}");
    assert!(text.contains("  | ^^^^^^^^^^^^\n"), "{text}");
    assert!(text.contains("检查 1 个文件：0 个错误，1 个警告"), "{text}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn english_on_request() {
    let out = one_late_report().run(&["check", "--lang", "en"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("warning[deadline-exceeded]: late by 1 min (迟报): same or next day"),
        "{text}"
    );
    assert!(text.contains("1 files checked: 0 errors, 1 warnings"), "{text}");
}

#[test]
fn json_has_the_spec_shape() {
    let (_, json) = one_late_report().check_json(&[]);
    assert_eq!(json["files"], 1);
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 1);
    let d = &json["diagnostics"][0];
    let mut keys: Vec<_> = d.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["column", "file", "line", "message", "rule", "severity"]);
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64(), d["severity"].as_str()),
        (Some(8), Some(1), Some("warning"))
    );
}

#[test]
fn github_annotations_are_escaped_and_summarized() {
    let sandbox = one_late_report();
    let summary = sandbox.root().join("summary.md");
    let out = sandbox.run_with_env(
        &["check", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("::warning file=reports/2026/03/2026-03-11-late%2C50%25.md,line=8,col=1,title=deadline-exceeded::迟报 1 分："),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1);
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(
        summary.contains(
            "| `reports/2026/03/2026-03-11-late,50%.md` | 8 | warning | `deadline-exceeded` |"
        ),
        "{summary}"
    );
}

#[test]
fn sarif_is_2_1_0_with_rules_and_locations() {
    let out = one_late_report().run(&["check", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "xinbao");
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        xinbao::diag::Rule::ALL.len()
    );
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "deadline-exceeded");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 8);
    // The file `…-late,50%.md` as a URI (RFC 3986): percent-encoded.
    let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "reports/2026/03/2026-03-11-late%2C50%25.md");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "deadline-exceeded");
}

#[test]
fn output_is_identical_across_runs() {
    let sandbox = crate::support::Sandbox::from_fixture("repo");
    let first = sandbox.run(&["check", "--format", "json"]).stdout;
    let second = sandbox.run(&["check", "--format", "json"]).stdout;
    assert_eq!(first, second);
}

#[test]
fn usage_errors_exit_two() {
    let sandbox = one_late_report();
    assert_eq!(sandbox.run(&["check", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(sandbox.run(&["check", "no/such/file.md"]).status.code(), Some(2));
    assert_eq!(sandbox.run(&["check", "--root", "/no/such/dir"]).status.code(), Some(2));
    assert_eq!(sandbox.run(&["frobnicate"]).status.code(), Some(2));
}

/// A finding about a front-matter value covers the whole value: carets under it
/// in the human output, its end in SARIF and in GitHub's annotations.
#[test]
fn a_bad_value_is_marked_from_its_first_to_its_last_character() {
    let sandbox = one_late_report();
    let file = "reports/2026/03/2026-03-11-late,50%.md";
    let text = std::fs::read_to_string(sandbox.root().join(file)).unwrap();
    let bad = text.replace("submitted_at: 2026-03-04T00:00:01+08:00", "submitted_at: 三月四日下午");
    sandbox.write(file, bad);

    let human = String::from_utf8(sandbox.run(&["check"]).stdout).unwrap();
    assert!(human.contains("8 | submitted_at: 三月四日下午 # expect"), "{human}");
    // Fourteen columns in, one caret per column of the six wide characters.
    assert!(human.contains(&format!("  | {}{}\n", " ".repeat(14), "^".repeat(12))), "{human}");

    let sarif: serde_json::Value =
        serde_json::from_slice(&sandbox.run(&["check", "--format", "sarif"]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let invalid = results.iter().find(|r| r["ruleId"] == "invalid-value").expect("invalid-value");
    let region = &invalid["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startLine"], &region["startColumn"], &region["endLine"], &region["endColumn"]),
        (&8.into(), &15.into(), &8.into(), &21.into()),
        "{region}"
    );

    let github = String::from_utf8(sandbox.run(&["check", "--format", "github"]).stdout).unwrap();
    assert!(
        github.contains("line=8,col=15,endLine=8,endColumn=21,title=invalid-value::"),
        "{github}"
    );
}

/// A command that cannot run as asked says why in one language, in the same
/// style as a refusal, and exits with 2.
#[test]
fn a_command_that_cannot_run_says_why_in_the_users_language() {
    let sandbox = one_late_report();
    let zh = sandbox.run(&["render", "2026-13-99-none"]);
    assert_eq!(zh.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&zh.stderr), "错误：没有编号为 2026-13-99-none 的信息\n");
    let en = sandbox.run(&["--lang", "en", "render", "2026-13-99-none"]);
    assert_eq!(String::from_utf8_lossy(&en.stderr), "error: no report with id 2026-13-99-none\n");
}

/// GitLab's Code Quality report (docs.gitlab.com/ci/testing/code_quality, "Code
/// Quality report format"): an array of issues, each with a description, a
/// check name, a unique fingerprint, one of GitLab's five severities, and the
/// file with the first line.
#[test]
fn gitlab_code_quality_has_gitlabs_documented_fields() {
    let sandbox = crate::support::Sandbox::from_fixture("repo");
    let out = sandbox.run(&["check", "--format", "gitlab"]);
    assert_eq!(out.status.code(), Some(1), "the fixtures have errors");
    let issues: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let issues = issues.as_array().expect("an array");
    assert!(issues.len() > 20);
    let mut fingerprints = std::collections::BTreeSet::new();
    for issue in issues {
        let object = issue.as_object().unwrap();
        let mut keys: Vec<_> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["check_name", "description", "fingerprint", "location", "severity"]);
        assert!(xinbao::diag::Rule::ALL.iter().any(|r| r.id() == issue["check_name"]), "{issue}");
        assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(sandbox.root().join(path).exists() && !path.starts_with('/'), "{path}");
        assert!(issue["location"]["lines"]["begin"].as_u64().is_some_and(|l| l >= 1), "{issue}");
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()), "{issue}");
    }
    // Errors rank above warnings; the fingerprints are the same in the next run.
    assert!(
        issues.iter().any(|i| i["severity"] == "major")
            && issues.iter().any(|i| i["severity"] == "minor")
    );
    assert_eq!(sandbox.run(&["check", "--format", "gitlab"]).stdout, out.stdout);
}

/// `brief` (the server hooks'): errors in full as `human` shows them, warnings only
/// counted by rule in the closing line.
#[test]
fn brief_lists_the_errors_and_counts_the_warnings_by_rule() {
    let sandbox = one_late_report();
    let out = sandbox.run(&["check", "--format", "brief"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "检查 1 个文件：0 个错误，1 个警告（deadline-exceeded 1）\n"
    );

    let bad = std::fs::read_to_string(fixture("repo/reports/2026/03/2026-03-02-good-work.md"))
        .unwrap()
        .replace("unit: 投资科", "unit: 不存在科");
    sandbox.write("reports/2026/03/2026-03-02-bad.md", bad);
    let out = sandbox.run(&["check", "--format", "brief", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[unknown-unit]"), "{text}");
    assert!(text.contains("--> reports/2026/03/2026-03-02-bad.md:"), "{text}");
    assert!(!text.contains("warning["), "{text}");
    assert!(
        text.ends_with(
            "2 files checked: 1 errors, 2 warnings (deadline-exceeded 1, unknown-author 1)\n"
        ),
        "{text}"
    );
}

//! `check` and the pre-commit hook warn of a late report and let it through.

use super::*;

#[test]
fn check_warns_of_a_late_report_with_how_late_and_why() {
    let Some(bureau) = bureau() else { return };
    propose(&bureau, "zhang/late", ID, LATE, WRITTEN);
    bureau.git(WRITTEN, None, &["checkout", "-q", "zhang/late"]);

    let out = bureau.run(&["check", "--format", "json", FILE]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json["errors"].as_u64(), json["warnings"].as_u64()), (Some(0), Some(1)), "{json}");
    let findings = json["diagnostics"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    let finding = &findings[0];
    assert_eq!(finding["file"], FILE);
    assert_eq!(finding["line"], 8, "at submitted_at");
    assert_eq!(finding["rule"], "deadline-exceeded");
    assert_eq!(finding["severity"], "warning");
    let message = finding["message"].as_str().unwrap();
    assert!(message.starts_with(LATE_ZH), "{message}");
    assert!(
        message.contains("应于 2026-03-04 00:00 +08:00 前报送，实际 2026-03-05 10:00 +08:00"),
        "{message}"
    );
    assert!(message.ends_with(&format!("；迟报原因：{REASON}")), "{message}");

    // The same in English.
    let out = bureau.run(&["--lang", "en", "check", "--format", "json", FILE]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.starts_with(LATE_EN), "{message}");
    assert!(message.ends_with(&format!("; reason: {REASON}")), "{message}");

    // The pull request's check in CI annotates it as a warning.
    let out = bureau.run(&["check", "--changed-since", "main", "--format", "github"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let prefix = "::warning file=reports/2026/03/2026-03-02-late.md,line=8,col=";
    assert!(lines[0].starts_with(prefix), "{}", lines[0]);
    assert!(lines[0].contains(&format!(",title=deadline-exceeded::{LATE_ZH}")), "{}", lines[0]);
    assert!(lines[0].ends_with(&format!("；迟报原因：{REASON}")), "{}", lines[0]);
}

#[test]
fn the_pre_commit_hook_lets_a_late_report_through_with_a_warning() {
    let Some(bureau) = bureau() else { return };
    let out = bureau.run(&["hook", "install"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    bureau.git(WRITTEN, None, &["checkout", "-q", "-b", "zhang/late"]);
    bureau.put(FILE, LATE);
    bureau.git(WRITTEN, None, &["add", "-A"]);

    // The hook's xinbao speaks the language of git's environment: Chinese.
    let out = bureau
        .git_command(WRITTEN, None)
        .env("LANG", "zh_CN.UTF-8")
        .args(["commit", "-m", "投资科：调度会"])
        .output()
        .unwrap();
    let said = said(&out);
    assert_eq!(out.status.code(), Some(0), "the hook refused a late report: {said}");
    assert!(said.contains(&format!("[deadline-exceeded]: {LATE_ZH}")), "{said}");
    assert!(said.contains(REASON), "{said}");
    assert!(said.contains("0 个错误，1 个警告"), "{said}");
    let files = bureau.git(WRITTEN, None, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, FILE, "the commit was made");
}

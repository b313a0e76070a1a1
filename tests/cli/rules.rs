//! Every rule of SPEC §9 against the fixture repository: each `bad-*` file breaks
//! rules and says which with `# expect:` comments; each `good-*` file breaks none.

use crate::support::{Sandbox, expectations, finding_list};
use xinbao::diag::Rule;

fn fixture_repo() -> Sandbox {
    let sandbox = Sandbox::from_fixture("repo");
    // A picture that is a symlink out of the repository (not kept in git as such).
    let outside = tempfile::NamedTempFile::new().unwrap().into_temp_path().keep().unwrap();
    std::fs::write(&outside, b"\x89PNG\r\n\x1a\n").unwrap();
    std::os::unix::fs::symlink(
        &outside,
        sandbox.root().join("reports/2026/03/images/link-out.png"),
    )
    .unwrap();
    sandbox
}

#[test]
fn findings_are_exactly_the_expected_ones() {
    let sandbox = fixture_repo();
    let (code, json) = sandbox.check_json(&[]);
    let expected = expectations(sandbox.root());
    let found = finding_list(&json);
    let missing: Vec<_> = expected.iter().filter(|e| !found.contains(e)).collect();
    let extra: Vec<_> = found.iter().filter(|f| !expected.contains(f)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
    assert_eq!(found, expected, "counts of repeated findings differ");
    assert_eq!(code, 1);
}

#[test]
fn every_rule_has_a_breaking_and_a_satisfying_fixture() {
    let sandbox = fixture_repo();
    let expected = expectations(sandbox.root());
    // The approval and trust rules are about commits and keys, not report files:
    // tests/cli/approvals.rs and tests/cli/trust.rs break each; settings-placeholder
    // is about xinbao.yaml itself: tests/cli/commands.rs breaks it.
    let approval = [
        "settings-placeholder",
        "settings-unsigned",
        "unsigned-deletion",
        "duplicate-key",
        "not-approved",
        "approval-stale",
        "signature-invalid",
        "key-unknown",
        "key-expired",
        "signer-not-authorized",
        "record-unsigned",
        "history-rewritten",
    ];
    for rule in Rule::ALL.iter().filter(|r| !approval.contains(&r.id())) {
        assert!(expected.iter().any(|(_, _, r)| r == rule.id()), "no fixture breaks {}", rule.id());
    }
    let good =
        walkdir::WalkDir::new(sandbox.root().join("reports")).into_iter().filter_map(Result::ok);
    let good: Vec<_> =
        good.filter(|e| e.file_name().to_string_lossy().contains("-good-")).collect();
    assert!(good.len() >= 10, "satisfying fixtures: {}", good.len());
}

#[test]
fn good_reports_alone_pass() {
    let sandbox = fixture_repo();
    let (code, json) = sandbox.check_json(&[
        "reports/2026/03/2026-03-02-good-emergency.md",
        "reports/2026/03/2026-03-05-good-images.md",
    ]);
    assert_eq!(json["errors"], 0, "{json}");
    assert_eq!(json["files"], 2);
    assert_eq!(code, 0);
}

#[test]
fn warnings_alone_exit_zero() {
    let sandbox = fixture_repo();
    let (code, json) = sandbox.check_json(&["reports/2026/03/2026-03-10-bad-title-too-long.md"]);
    assert_eq!((json["errors"].as_u64(), json["warnings"].as_u64()), (Some(0), Some(1)), "{json}");
    assert_eq!(code, 0);
}

#[test]
fn explicit_folder_limits_the_findings() {
    let sandbox = fixture_repo();
    let (_, json) = sandbox.check_json(&["requests"]);
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["file"].as_str().unwrap().starts_with("requests/")),
        "{json}"
    );
    assert_eq!(json["files"], 2);
}

#[test]
fn limits_come_from_the_settings() {
    let sandbox = fixture_repo();
    let settings = std::fs::read_to_string(sandbox.root().join("xinbao.yaml")).unwrap();
    sandbox.write(
        "xinbao.yaml",
        settings.replace("limits:\n", "limits:\n  routine: same-day\n  emergency_general: 3h\n"),
    );
    let (_, json) = sandbox.check_json(&[
        "reports/2026/03/2026-03-02-good-label.md",
        "reports/2026/03/2026-03-11-bad-deadline-general.md",
    ]);
    let rules: Vec<_> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [("reports/2026/03/2026-03-02-good-label.md", "deadline-exceeded")]);
}

#[test]
fn a_file_checked_alone_has_exactly_its_findings_of_the_whole_check() {
    // `check FILE` judges only the named reports' own rules (the desk checks a
    // draft that way): each file must get what the whole check finds for it.
    let sandbox = fixture_repo();
    let (_, whole) = sandbox.check_json(&[]);
    let of = |json: &serde_json::Value, file: &str| -> Vec<serde_json::Value> {
        let items = json["diagnostics"].as_array().unwrap();
        items.iter().filter(|d| d["file"] == file).cloned().collect()
    };
    let files: std::collections::BTreeSet<String> =
        walkdir::WalkDir::new(sandbox.root().join("reports"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| xinbao::load::relative(sandbox.root(), e.path()))
            .collect();
    assert!(files.len() > 50, "{files:?}");
    let mut with_findings = 0;
    for file in &files {
        let (_, alone) = sandbox.check_json(&[file.as_str()]);
        let expected = of(&whole, file);
        with_findings += usize::from(!expected.is_empty());
        assert_eq!(of(&alone, file), expected, "{file}");
    }
    assert!(with_findings > 30, "only {with_findings} files have findings");
}

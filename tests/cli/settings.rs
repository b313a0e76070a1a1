//! `xinbao.yaml`: missing, unreadable, and wrong in ways that name the line.

use crate::support::{Sandbox, finding_list};

fn with_settings(text: &str) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write("xinbao.yaml", text);
    sandbox
}

#[test]
fn missing_settings_say_how_to_create_them() {
    let sandbox = Sandbox::new();
    sandbox.write("reports/.keep", "");
    let out = sandbox.run(&["check", "--root", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("xinbao init"));
}

#[test]
fn unparsable_settings_exit_two_with_the_line() {
    let out = with_settings("bureau: x\nunits: [a, b\n").run(&["check", "--root", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("xinbao.yaml:3:") || err.contains("xinbao.yaml:2:"), "{err}");
}

#[test]
fn wrong_settings_are_diagnostics_with_lines() {
    let sandbox = with_settings(
        "bureau: 测试局\nunits: [投资科, 投资科]\nunitz: []\npeople:\n  - name: 张三\n    unit: 规划科\n    roles: [writer]\n  - name: 张三\n    unit: 投资科\n    roles: [boss]\ntimezone: Asia/Shanghai\nlimits:\n  routine: tomorrow\n  commit_skew: 10\nquotas:\n  default: six\n  价格科: 3\nscoring:\n  late: -1.5\n  per_item: 9223372036854775807\n  adoption:\n    县级: -9223372036854775808\n",
    );
    let (code, json) = sandbox.check_json(&[]);
    let found: Vec<_> =
        finding_list(&json).into_iter().map(|(_, line, rule)| (line, rule)).collect();
    let expected: Vec<(u64, String)> = [
        (2, "duplicate-id"),
        (3, "unknown-field"),
        (6, "unknown-unit"),
        (8, "duplicate-id"),
        (10, "invalid-value"),
        (11, "invalid-value"),
        (13, "invalid-value"),
        (14, "invalid-value"),
        (16, "invalid-value"),
        (17, "unknown-unit"),
        (19, "invalid-value"),
        (20, "invalid-value"),
        (22, "invalid-value"),
    ]
    .into_iter()
    .map(|(line, rule)| (line, rule.to_string()))
    .collect();
    assert_eq!(found, expected, "{json}");
    assert_eq!(code, 1);
}

#[test]
fn supervisors_need_units_to_supervise() {
    let sandbox = with_settings(
        "bureau: 测试局\nunits: [投资科]\npeople:\n  - name: 李四\n    roles: [supervisor]\n",
    );
    let (_, json) = sandbox.check_json(&[]);
    assert_eq!(json["diagnostics"][0]["rule"], "missing-field", "{json}");
    assert_eq!(json["diagnostics"][0]["line"], 4);
}

#[test]
fn keys_that_cannot_be_read_are_diagnostics_with_lines() {
    let sandbox = with_settings(
        "bureau: 测试局\nunits: [投资科]\npeople:\n  - name: 李四\n    roles: [supervisor]\n    supervises: [投资科]\n    keys:\n      - ssh: \"ssh-ed25519 AAAA-not-base64 lisi\"\n      - openpgp: keys/missing.asc\n      - openpgp: ../outside.asc\n      - openpgp: keys/garbage.asc\n      - ssh: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGIXJbMRgC6/eM0qfL6fsUPcFMzCBMpSXJs0nnPhEbZ5 good\"\n        valid_from: 2026-01-01\n      - ssh: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGIXJbMRgC6/eM0qfL6fsUPcFMzCBMpSXJs0nnPhEbZ5 backwards\"\n        valid_from: 2026-06-01\n        valid_until: 2026-01-01\n",
    );
    sandbox.write(
        "keys/garbage.asc",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----\n",
    );
    let (code, json) = sandbox.check_json(&[]);
    let found: Vec<_> =
        finding_list(&json).into_iter().map(|(_, line, rule)| (line, rule)).collect();
    let expected: Vec<(u64, String)> =
        [8, 9, 10, 11, 16].into_iter().map(|line| (line, "invalid-value".to_string())).collect();
    assert_eq!(found, expected, "{json}");
    assert_eq!(code, 1);
    // The good key is still listed.
    let out = sandbox.run(&["keys", "list"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("李四\tsupervisor\tssh\tSHA256:"));
}

#[cfg(unix)]
#[test]
fn font_files_outside_the_repository_are_invalid_and_never_read() {
    let sandbox = Sandbox::from_fixture("repo");
    let away = tempfile::tempdir().unwrap();
    let evil = away.path().join("evil.ttf");
    std::fs::write(&evil, "not a font, but outside").unwrap();
    let up = sandbox.root().parent().unwrap();
    let climb = format!("../{}/evil.ttf", away.path().strip_prefix(up).unwrap().display());
    std::fs::create_dir_all(sandbox.root().join("fonts")).unwrap();
    std::os::unix::fs::symlink(&evil, sandbox.root().join("fonts/link.ttf")).unwrap();
    let settings = std::fs::read_to_string(sandbox.root().join("xinbao.yaml")).unwrap();
    sandbox.write(
        "xinbao.yaml",
        format!(
            "{settings}fonts:\n  files:\n    - {}\n    - {climb}\n    - fonts/link.ttf\n",
            evil.display()
        ),
    );
    let (_, json) = sandbox.check_json(&[]);
    let found: Vec<(u64, String)> = finding_list(&json)
        .into_iter()
        .filter(|(file, _, _)| file == "xinbao.yaml")
        .map(|(_, line, rule)| (line, rule))
        .collect();
    let invalid = |line| (line, "invalid-value".to_string());
    assert_eq!(found, [invalid(24), invalid(25), invalid(26)], "{json}");

    // Rendering reads none of them: an unreadable font would be named as such.
    let out = sandbox.run(&["render", "reports/2026/03/2026-03-02-good-work.md", "--pdf", "a.pdf"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains("不是可用的字体文件"), "a font outside was read: {said}");
    assert!(sandbox.root().join("a.pdf").is_file());
}

/// `archive:` (SPEC §7.1): a good section gives no finding; a fonds or unit code
/// that cannot stand in a 档号, a retention period that is none of Y/D30/D10, a
/// retention key that is no category id, an unknown key and a unit not in
/// `units` are findings at their lines.
#[test]
fn the_archive_settings_are_checked_where_they_are_written() {
    let sandbox = Sandbox::from_fixture("repo");
    let settings = std::fs::read_to_string(sandbox.root().join("xinbao.yaml")).unwrap();
    let first = settings.lines().count() as u64;
    let good = "archive:\n  fonds: Z109\n  fonds_name: 测试局\n  retention:\n    default: D30\n    emergency: Y\n  unit_codes:\n    投资科: TZK\n";
    sandbox.write("xinbao.yaml", format!("{settings}{good}"));
    let (_, json) = sandbox.check_json(&[]);
    let found = |json: &serde_json::Value| -> Vec<(u64, String)> {
        finding_list(json)
            .into_iter()
            .filter(|(file, _, _)| file == "xinbao.yaml")
            .map(|(_, line, rule)| (line, rule))
            .collect()
    };
    assert_eq!(found(&json), [], "{json}");
    let bad = "archive:\n  fonds: Z-109\n  retention:\n    default: D20\n    emergncy: Y\n  unit_codes:\n    投资科: T-K\n    外单位: WDW\n  shelf: 3\n";
    sandbox.write("xinbao.yaml", format!("{settings}{bad}"));
    let (_, json) = sandbox.check_json(&[]);
    let at = |n: u64, rule: &str| (first + n, rule.to_string());
    let mut got = found(&json);
    got.sort();
    assert_eq!(
        got,
        [
            at(2, "invalid-value"),
            at(4, "invalid-value"),
            at(5, "invalid-value"),
            at(7, "invalid-value"),
            at(8, "unknown-unit"),
            at(9, "unknown-field"),
        ],
        "{json}"
    );
}

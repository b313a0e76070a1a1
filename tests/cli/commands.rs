//! `init`, `new` and `schema`: what a new user does first.

use crate::support::{Sandbox, git, rule_list};
use serde_json::Value;

#[test]
fn init_makes_a_repository_that_passes_check() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["init", "bureau"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let root = sandbox.root().join("bureau");
    for file in [
        "xinbao.yaml",
        ".github/workflows/xinbao.yml",
        ".gitignore",
        "reports",
        "requests",
        "templates/work.md",
        "templates/emergency.md",
        ".git",
    ] {
        assert!(root.join(file).exists(), "{file}");
    }
    let check = sandbox.run(&["check", "--root", "bureau"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    // A new bureau's repository: branch main (what the pipelines and the server
    // hooks watch), placeholders to replace, no other bureau's people or names.
    let head = std::fs::read_to_string(root.join(".git/HEAD")).unwrap();
    assert_eq!(head.trim(), "ref: refs/heads/main");
    let settings = std::fs::read_to_string(root.join("xinbao.yaml")).unwrap();
    for foreign in ["息烽", "发改信息", "息发改办", "张三", "李四", "ssh-ed25519 AAAAC3"]
    {
        assert!(!settings.contains(foreign), "{foreign} in a new bureau's settings");
    }
    for role in ["[writer]", "[supervisor]", "[office]", "[admin]", "# keys:"] {
        assert!(settings.contains(role), "{role}");
    }
    assert!(!root.join("reports/2026").exists(), "no sample report");
    // The pipeline installs this version of xinbao, pinned.
    let workflow = std::fs::read_to_string(root.join(".github/workflows/xinbao.yml")).unwrap();
    assert!(workflow.contains(env!("CARGO_PKG_VERSION")) && !workflow.contains("@XINBAO_VERSION@"));
    // The other forges.
    for (forge, file) in [("gitlab", ".gitlab-ci.yml"), ("gitea", ".gitea/workflows/xinbao.yml")] {
        assert!(sandbox.run(&["init", forge, "--ci", forge]).status.success());
        let text = std::fs::read_to_string(sandbox.root().join(forge).join(file)).unwrap();
        assert!(
            text.contains(env!("CARGO_PKG_VERSION")) && !text.contains("@XINBAO_VERSION@"),
            "{file}"
        );
        assert!(!sandbox.root().join(forge).join(".github").exists());
    }
    // A second init keeps what is there.
    std::fs::write(root.join("xinbao.yaml"), "bureau: 改过的\nunits: [办公室]\n").unwrap();
    assert!(sandbox.run(&["init", "bureau"]).status.success());
    assert_eq!(
        std::fs::read_to_string(root.join("xinbao.yaml")).unwrap(),
        "bureau: 改过的\nunits: [办公室]\n"
    );
}

#[test]
fn check_warns_while_the_settings_hold_the_placeholders_of_init() {
    let sandbox = Sandbox::new();
    assert!(sandbox.run(&["init"]).status.success());
    let check = sandbox.run(&["check", "--format", "json"]);
    assert!(check.status.success(), "warnings only");
    let found: Value = serde_json::from_slice(&check.stdout).unwrap();
    let placeholders: Vec<(u64, &str)> = found["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "settings-placeholder")
        .map(|d| (d["line"].as_u64().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    let settings = std::fs::read_to_string(sandbox.root().join("xinbao.yaml")).unwrap();
    let line_of = |text: &str| settings.lines().position(|l| l.contains(text)).unwrap() as u64 + 1;
    assert_eq!(placeholders.len(), 2, "{found:#}");
    assert_eq!(placeholders[0].0, line_of("bureau: 某某县某某局"));
    assert!(
        placeholders[0].1.starts_with("`某某县某某局` 是 `xinbao init` 写入的示例"),
        "{found:#}"
    );
    assert_eq!(placeholders[1].0, line_of("editor: 某某县某某局办公室"));

    // Once the names are the bureau's own, the warnings are gone.
    let named = settings
        .replace("bureau: 某某县某某局", "bureau: 测试县测试局")
        .replace("editor: 某某县某某局办公室", "editor: 测试县测试局办公室");
    sandbox.write("xinbao.yaml", &named);
    let check = sandbox.run(&["check"]);
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success() && !out.contains("settings-placeholder"), "{out}");
}

/// `init`, then the sample bureau's settings (息烽县发展和改革局: 张三 of 投资科,
/// 李四…), filled in as a bureau does after `init`.
fn init_sample(sandbox: &Sandbox) {
    assert!(sandbox.run(&["init"]).status.success());
    sandbox.write("xinbao.yaml", include_str!("../../xinbao.yaml"));
}

#[test]
fn new_fills_the_template_from_git_user_and_settings() {
    let sandbox = Sandbox::new();
    init_sample(&sandbox);
    assert!(
        git(sandbox.root(), "2026-03-02T09:00:00+08:00", &["config", "user.name", "张三"])
            .status
            .success()
    );
    let new_report = || {
        let args = [
            "new",
            "work",
            "--title",
            "投资科召开重点项目调度会",
            "--occurred-at",
            "2026-03-02T09:00",
        ];
        sandbox.run_with_env(&args, &[("SOURCE_DATE_EPOCH", "1772445600")])
    };
    let out = new_report();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = "reports/2026/03/2026-03-02-touzikezhaokaizhongdianxiang.md";
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(file),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = std::fs::read_to_string(sandbox.root().join(file)).unwrap();
    assert!(text.contains("title: \"投资科召开重点项目调度会\"\n"), "{text}");
    assert!(
        text.contains("unit: \"投资科\"\nauthor: \"张三\"\nphone: \"13800000000\"\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "occurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T18:00:00+08:00   # 提交前运行 xinbao touch 2026-03-02-touzikezhaokaizhongdianxiang 改为当前时间"
        ),
        "{text}"
    );
    assert!(text.contains("3月2日，投资科"), "{text}");
    // Unedited, the template's placeholder sentence is not a report yet.
    let (code, json) = sandbox.check_json(&[file]);
    assert_eq!((code, json["errors"].as_u64()), (1, Some(1)), "{json}");
    assert_eq!(json["diagnostics"][0]["rule"], "template-text", "{json}");
    // Written out, it passes.
    let start = text.find("……（").unwrap();
    let end = start + text[start..].find('）').unwrap() + '）'.len_utf8();
    let written =
        format!("{}召开重点项目调度会，研究解决项目推进中的问题。{}", &text[..start], &text[end..]);
    sandbox.write(file, written);
    let (code, json) = sandbox.check_json(&[file]);
    assert_eq!((code, json["errors"].as_u64()), (0, Some(0)), "{json}");
    // The same title again gets a free name instead of overwriting.
    let again = new_report();
    assert!(String::from_utf8_lossy(&again.stdout).contains("touzikezhaokaizhongdianxiang-2.md"));
    // A time written in UTC is filed on the bureau's day (+08:00: 3 March).
    let args = ["new", "work", "--title", "夜间", "--occurred-at", "2026-03-02T20:00:00Z"];
    let utc = sandbox.run_with_env(&args, &[("SOURCE_DATE_EPOCH", "1772445600")]);
    let said = String::from_utf8_lossy(&utc.stdout);
    assert!(said.contains("reports/2026/03/2026-03-03-yejian.md"), "{said}");
    let text = std::fs::read_to_string(sandbox.root().join("reports/2026/03/2026-03-03-yejian.md"));
    assert!(text.unwrap().contains("3月3日"));
}

#[test]
fn new_refuses_unknown_categories_and_units() {
    let sandbox = Sandbox::new();
    init_sample(&sandbox);
    assert_eq!(
        sandbox.run(&["new", "memo", "--title", "x", "--unit", "投资科"]).status.code(),
        Some(2)
    );
    assert_eq!(
        sandbox.run(&["new", "work", "--title", "x", "--unit", "规划科"]).status.code(),
        Some(2)
    );
    // No git user and no --unit: say what to do.
    let out = sandbox.run(&["new", "work", "--title", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--unit"));
}

#[test]
fn new_emergency_starts_with_every_element_to_fill() {
    let sandbox = Sandbox::new();
    init_sample(&sandbox);
    let out = sandbox.run(&[
        "new",
        "突发紧急",
        "--title",
        "管道泄漏",
        "--unit",
        "能源股",
        "--slug",
        "guandao",
    ]);
    assert!(out.status.success());
    let (_, json) = sandbox.check_json(&[]);
    let rules = rule_list(&json);
    assert!(rules.contains(&"missing-emergency-element"), "{json}");
}

/// `xinbao new … | head -0`: the reader is gone before `new` says what it made.
/// The report is written and `new` exits as usual (no panic, no 101); `schema`
/// into a closed pipe too.
#[test]
fn new_into_a_closed_pipe_writes_the_report_and_does_not_panic() {
    let sandbox = Sandbox::new();
    init_sample(&sandbox);
    let closed = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        writer
    };
    let run = |args: &[&str]| {
        let mut command = crate::support::xinbao();
        command.current_dir(sandbox.root()).args(args).stdout(closed());
        command.output().unwrap().status.code()
    };
    // No arguments at all, as in `xinbao new | head -1`: a usage error.
    assert_eq!(run(&["new"]), Some(2));
    assert_eq!(run(&["schema"]), Some(0));
    let args = ["new", "work", "--title", "管道", "--unit", "投资科", "--slug", "guandao"];
    assert_eq!(run(&args), Some(0));
    let reports = walkdir::WalkDir::new(sandbox.root().join("reports")).into_iter();
    let names: Vec<String> =
        reports.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into()).collect();
    assert!(names.iter().any(|n| n.ends_with("-guandao.md")), "{names:?}");
}

/// A bureau's own template that leaves out a field its category needs: `new`
/// adds it, empty and labelled from the field table, and `check` asks for it.
#[test]
fn new_adds_a_needed_field_its_template_left_out() {
    let sandbox = Sandbox::new();
    init_sample(&sandbox);
    let template = xinbao::templates::report_template(xinbao::report::Category::LeaderVisit);
    sandbox.write("templates/leader-visit.md", template.replace("leaders: [领导姓名]", "tags: []"));
    let args = ["new", "leader-visit", "--title", "视察", "--unit", "投资科", "--slug", "shicha"];
    let out = sandbox.run(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1).unwrap().to_string();
    let text = std::fs::read_to_string(sandbox.root().join(&file)).unwrap();
    assert!(text.contains("\nleaders:   # 领导，如 王五\n---\n"), "{text}");
    let (_, json) = sandbox.check_json(&[&file]);
    let missing = json["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["rule"] == "missing-field" && d["message"].as_str().unwrap().contains("leaders")
    });
    assert!(missing, "{json}");
}

#[test]
fn schema_describes_every_field() {
    let sandbox = Sandbox::new();
    init_sample(&sandbox);
    let out = sandbox.run(&["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
    for key in xinbao::report::field::keys(xinbao::report::field::REPORT) {
        assert!(schema["properties"].get(key).is_some(), "{key}");
    }
    // Each field is empty (not written) or its value, a choice as an editor completes it.
    let choices = |key: &str| schema["properties"][key]["anyOf"][1]["anyOf"][0]["enum"].clone();
    let units = choices("unit");
    assert!(units.as_array().unwrap().iter().any(|u| u == "投资科"), "{units}");
    let categories = choices("category");
    let categories = categories.as_array().unwrap();
    assert_eq!(categories.len(), 20);
}

/// Before a commit exists, the hook's check warns that a new report's old
/// `submitted_at` would become a time-order error; `touch` sets it to now.
#[test]
fn before_commit_warns_of_a_stale_submitted_at_and_touch_refreshes_it() {
    let sandbox = Sandbox::new();
    init_sample(&sandbox);
    let date = "2026-03-02T09:00:00+08:00";
    git(
        sandbox.root(),
        date,
        &[
            "-c",
            "user.name=张三",
            "-c",
            "user.email=z@x",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "根",
        ],
    );
    let file = "reports/2026/03/2026-03-02-r1.md";
    sandbox.write(
        file,
        "---\ntitle: 投资科召开调度会\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T10:00:00+08:00   # 提交前运行 xinbao touch\n---\n\n正文。\n",
    );
    let (code, json) = sandbox.check_json(&["--changed-since", "HEAD", "--before-commit"]);
    assert_eq!(code, 0, "a warning only: {json}");
    let warned: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "time-order" && d["file"] == file)
        .collect();
    assert_eq!(warned.len(), 1, "{json}");
    assert_eq!(warned[0]["severity"], "warning");
    assert!(warned[0]["message"].as_str().unwrap().contains("xinbao touch 2026-03-02-r1"));
    // Without --before-commit (as in CI) there is nothing to warn about yet.
    let (_, plain) = sandbox.check_json(&["--changed-since", "HEAD"]);
    assert!(!plain.to_string().contains("time-order"), "{plain}");

    let out = sandbox.run(&["touch", "2026-03-02-r1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(sandbox.root().join(file)).unwrap();
    let line = text.lines().find(|l| l.starts_with("submitted_at:")).unwrap();
    assert!(line.ends_with("   # 提交前运行 xinbao touch"), "{line}");
    assert!(!line.contains("2026-03-02T10:00:00"), "{line}");
    let (_, after) = sandbox.check_json(&["--changed-since", "HEAD", "--before-commit"]);
    let left = after["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["rule"] == "time-order" && d["file"] == file);
    assert!(!left, "{after}");
    assert_eq!(sandbox.run(&["touch", "no-such-id"]).status.code(), Some(2));
}

/// `xinbao … | head -1`: the reader has gone before the command writes. No command
/// panics (exit 101) on the closed pipe, clap's help and errors included.
#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let sandbox = Sandbox::from_fixture("repo");
    sandbox.git_init();
    sandbox.commit_all("2026-03-02T10:00:00+08:00", "the fixture");
    let cases: [&[&str]; 9] = [
        &["--help"],
        &["--lang", "en", "--help"],
        &["check", "--help"],
        &["check", "--format", "json"],
        &["check"],
        &["new"],
        &["schema"],
        &["log", "2026-03-02-good-date-only"],
        &["status"],
    ];
    for args in cases {
        for closed in ["stdout", "stderr"] {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            let mut command = crate::support::xinbao();
            command.current_dir(sandbox.root()).args(args).env("SOURCE_DATE_EPOCH", "1772416800");
            let out = if closed == "stdout" {
                command.stdout(writer).output().unwrap()
            } else {
                command.stderr(writer).output().unwrap()
            };
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_ne!(
                out.status.code(),
                Some(101),
                "xinbao {args:?} with a closed {closed}: {said}"
            );
            assert!(!said.contains("panicked"), "xinbao {args:?} with a closed {closed}: {said}");
        }
    }
    // A mistake on the command line, its explanation going to a closed stderr.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = crate::support::xinbao().arg("--no-such-flag").stderr(writer).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
}

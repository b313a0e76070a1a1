//! What a 信息员 reads when something is wrong: the commonest input-method slips
//! (a full-width colon, a tab, no space after the colon) named in Chinese at
//! their own line, in reports and in `xinbao.yaml`; unknown units and categories
//! with the valid choices; time limits in 小时 and 分钟; the settings' findings
//! before the reports' they cause.

use crate::support::Sandbox;

fn fixture_with(file: &str, text: &str) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox
        .write("xinbao.yaml", std::fs::read(crate::support::fixture("repo/xinbao.yaml")).unwrap());
    sandbox.write(file, text);
    sandbox
}

const REPORT: &str = "---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T17:40:00+08:00\n---\n\n3月2日，投资科召开重点项目调度会。\n";

fn human(sandbox: &Sandbox) -> String {
    String::from_utf8(sandbox.run(&["check"]).stdout).unwrap()
}

#[test]
fn a_full_width_colon_is_named_at_its_line() {
    let file = "reports/2026/03/2026-03-02-a.md";
    let sandbox = fixture_with(file, &REPORT.replace("category: work", "category：work"));
    let text = human(&sandbox);
    assert!(text.contains("错误[yaml-syntax]: 第 3 行用了全角冒号“：”，应为半角冒号“:”（后面再加一个空格）：category: …"), "{text}");
    assert!(text.contains(&format!("--> {file}:3:9")), "{text}");
}

#[test]
fn a_tab_and_a_missing_space_are_named_at_their_lines() {
    let file = "reports/2026/03/2026-03-02-a.md";
    let sandbox = fixture_with(file, &REPORT.replace("unit: 投资科", "\tunit: 投资科"));
    let text = human(&sandbox);
    assert!(text.contains("第 4 行用了制表符（Tab）缩进：YAML 只能用空格缩进"), "{text}");
    let sandbox = fixture_with(file, &REPORT.replace("title: 投资科", "title:投资科"));
    let text = human(&sandbox);
    assert!(text.contains("第 2 行冒号后缺少空格：应写成“title: …”"), "{text}");
}

#[test]
fn a_slip_in_the_settings_is_named_in_chinese_with_its_line() {
    let sandbox = Sandbox::new();
    let settings = std::fs::read_to_string(crate::support::fixture("repo/xinbao.yaml")).unwrap();
    sandbox.write("xinbao.yaml", settings.replace("office: 办公室", "office：办公室"));
    let out = sandbox.run(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("错误：xinbao.yaml:3:7：第 3 行用了全角冒号“：”"), "{err}");
    let out = sandbox.run(&["--lang", "en", "check"]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("error: xinbao.yaml:3:7: line 3 has a full-width colon")
    );
}

#[test]
fn unknown_units_and_categories_list_the_valid_choices() {
    let file = "reports/2026/03/2026-03-02-a.md";
    let sandbox = fixture_with(
        file,
        &REPORT.replace("unit: 投资科", "unit: 规划科").replace("category: work", "category: wrok"),
    );
    let text = human(&sandbox);
    assert!(
        text.contains("科室 `规划科` 不在 xinbao.yaml 的 units 中；可用：办公室、投资科、价格科"),
        "{text}"
    );
    assert!(text.contains("类别之一（英文编号或中文名均可）：work（工作动态）"), "{text}");
}

#[test]
fn time_limits_are_in_hours_and_minutes_and_settings_come_first() {
    let file = "reports/2026/03/2026-03-02-a.md";
    let emergency = "---\ntitle: 某处管道泄漏\ncategory: emergency\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T13:00:00+08:00\nemergency:\n  severity: general\n  location: 某处\n  cause: 管道老化\n  casualties: {dead: 0, injured: 0, missing: 0}\n  measures: 已处置\n  leaders_on_site: [李四]\n  informant: {name: 张三, phone: \"13800000000\"}\n---\n\n某处管道泄漏。\n";
    let sandbox = fixture_with(file, emergency);
    let settings = std::fs::read_to_string(crate::support::fixture("repo/xinbao.yaml")).unwrap();
    sandbox.write(
        "xinbao.yaml",
        settings.replace(
            "units: [办公室, 投资科, 价格科]",
            "units: [办公室, 投资科, 价格科]\nquotas:\n  规划科: 3",
        ),
    );
    let text = human(&sandbox);
    assert!(text.contains("一般突发事件应在事发后 2 小时内报告"), "{text}");
    assert!(text.contains("书面报告晚于事发后 30 分钟，须在 emergency.phone_reported_at 记录 30 分钟内的电话先行报告"), "{text}");
    assert!(!text.contains("2h") && !text.contains("30m"), "{text}");
    // The settings' finding is printed before the report's.
    let settings_at = text.find("--> xinbao.yaml").expect("a settings finding");
    let report_at = text.find(&format!("--> {file}")).expect("a report finding");
    assert!(settings_at < report_at, "{text}");
}

/// `--help` and a mistake on the command line, in Chinese under the Chinese
/// locale (the sandbox's), in English with `--lang en`.
#[test]
fn help_and_command_line_mistakes_are_chinese_first() {
    let sandbox = Sandbox::new();
    let help = sandbox.run(&["check", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("用法：xinbao check [选项]")
            && text.contains("选项：")
            && text.contains("可选：human、json"),
        "{text}"
    );
    assert!(
        !text.contains("Usage") && !text.contains("Options") && !text.contains("Possible values"),
        "{text}"
    );
    let wrong = sandbox.run(&["chek"]);
    assert_eq!(wrong.status.code(), Some(2));
    let text = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        text.starts_with("错误：没有命令 `chek`；是不是")
            && text.contains("运行 `xinbao --help` 查看帮助。"),
        "{text}"
    );
    let english = sandbox.run(&["--lang", "en", "chek"]);
    assert_eq!(english.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&english.stderr).contains("unrecognized subcommand 'chek'"));
    // Several missing arguments are all named, each in its quotes.
    let missing = sandbox.run(&["new"]);
    assert_eq!(missing.status.code(), Some(2));
    let text = String::from_utf8_lossy(&missing.stderr);
    assert!(text.starts_with("错误：缺少必需的参数：`--title <TITLE>`、`<CATEGORY>`"), "{text}");
}

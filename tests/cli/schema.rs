//! `xinbao schema` and `xinbao check` give the same verdict on a report's front
//! matter. Every fixture report, and a set of the commonest wrong and right ways
//! to write a field, is validated against the published JSON Schema by a real
//! validator (python-jsonschema, `tests/schema/validate.py`) and checked by
//! `xinbao check`; a file is wrong for both or for neither.

use crate::support::Sandbox;
use std::collections::BTreeMap;

/// Findings of `check` that are about the front matter's fields, which the
/// schema describes.
const FIELD_RULES: &[&str] = &[
    "missing-field",
    "unknown-field",
    "invalid-value",
    "unknown-unit",
    "missing-emergency-element",
    "caption-missing",
    "yaml-syntax",
    "front-matter-missing",
];

/// Fixtures the schema cannot judge, and why.
const BEYOND_THE_SCHEMA: &[(&str, &str)] = &[
    ("2026-03-12-bad-follow-up-of-work", "needs the first report's category"),
    ("2026-03-12-bad-follow-up-order", "needs the first report's occurred_at"),
    ("2026-03-13-bad-alias-bomb", "a size limit of check, not a field"),
    ("2026-03-13-bad-deep-nesting", "a size limit of check, not a field"),
];

const WORK: &str = "---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T17:40:00+08:00\n---\n\n正文。\n";

const EMERGENCY: &str = "---\ntitle: 某处管道泄漏\ncategory: emergency\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T10:00:00+08:00\nemergency:\n  severity: general\n  location: 某处\n  cause: 管道老化\n  process: 发现泄漏\n  consequences: 暂无\n  casualties: {dead: 0, injured: 0, missing: 0}\n  property_loss: 暂无\n  impact: 周边\n  trend: 可控\n  measures: 已处置\n  leaders_on_site: [李四]\n  next_steps: 持续监测\n  informant: {name: 张三, phone: \"13800000000\"}\n  source: 巡查\n---\n\n某处管道泄漏。\n";

/// The commonest ways to write a field, right and wrong.
fn cases() -> Vec<(&'static str, String)> {
    let work = |from: &str, to: &str| WORK.replace(from, to);
    let added = |field: &str| WORK.replace("---\n\n", &format!("{field}\n---\n\n"));
    let occurred = "occurred_at: 2026-03-02T09:00:00+08:00";
    vec![
        ("30-february", work(occurred, "occurred_at: 2026-02-30")),
        ("hour-25", work(occurred, "occurred_at: 2026-03-02T25:10")),
        ("month-13", work("submitted_at: 2026-03-02T17:40", "submitted_at: 2026-13-02T17:40")),
        ("29-february-leap", work(occurred, "occurred_at: 2024-02-29")),
        ("29-february-common", work(occurred, "occurred_at: 2026-02-29")),
        ("no-offset", work(occurred, "occurred_at: 2026-03-02 09:00")),
        (
            "submitted-date-only",
            work("submitted_at: 2026-03-02T17:40:00+08:00", "submitted_at: 2026-03-02"),
        ),
        ("emergency", EMERGENCY.to_string()),
        ("emergency-date-only", EMERGENCY.replace(occurred, "occurred_at: 2026-03-02")),
        ("emergency-negative", EMERGENCY.replace("dead: 0", "dead: -1")),
        ("emergency-severity", EMERGENCY.replace("severity: general", "severity: tiny")),
        (
            "adoption",
            added(
                "adoptions:\n  - by: 县委办《每日要情》\n    level: county\n    date: 2026-03-05",
            ),
        ),
        (
            "adoption-level",
            added(
                "adoptions:\n  - by: 县委办《每日要情》\n    level: galactic\n    date: 2026-03-05",
            ),
        ),
        (
            "adoption-date",
            added(
                "adoptions:\n  - by: 县委办《每日要情》\n    level: county\n    date: 2026-02-30",
            ),
        ),
        ("phone-number", work("phone: \"13800000000\"", "phone: 13800000000")),
        ("phone-short", work("phone: \"13800000000\"", "phone: \"12345\"")),
        ("tags-one", added("tags: 项目")),
        ("tags-list", added("tags: [项目, 调度]")),
        (
            "leaders-one",
            work("category: work", "category: leader-visit")
                .replace("---\n\n", "leaders: 王五\n---\n\n"),
        ),
        ("title-number", work("title: 投资科召开重点项目调度会", "title: 2026")),
        ("title-empty", work("title: 投资科召开重点项目调度会", "title: \"\"")),
        ("unit-unknown", work("unit: 投资科", "unit: 规划科")),
        ("category-chinese", work("category: work", "category: 工作动态")),
        ("category-unknown", work("category: work", "category: memo")),
        ("field-unknown", added("color: red")),
        ("caption-missing", added("images:\n  - file: images/ok.png")),
        ("follow-up-of-work-category", added("follow_up_of: 2026-03-02-good-emergency")),
    ]
}

#[test]
fn the_schema_and_check_agree_on_every_fixture_and_common_mistake() {
    if !crate::support::require_python("jsonschema, yaml", "python3-jsonschema and python3-yaml") {
        return;
    }
    let sandbox = Sandbox::from_fixture("repo");
    for (name, text) in cases() {
        sandbox.write(&format!("reports/2026/05/2026-05-01-case-{name}.md"), text);
    }
    let schema = sandbox.run(&["schema"]);
    assert!(schema.status.success());
    sandbox.write("schema.json", &schema.stdout);
    let files: Vec<String> = walkdir::WalkDir::new(sandbox.root().join("reports"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().strip_prefix(sandbox.root()).unwrap().to_string_lossy().into_owned())
        .filter(|f| !BEYOND_THE_SCHEMA.iter().any(|(id, _)| f.contains(id)))
        .collect();
    let validate = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema/validate.py");
    let out = std::process::Command::new("python3")
        .arg(validate)
        .arg("schema.json")
        .args(&files)
        .current_dir(sandbox.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let by_schema: BTreeMap<String, Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    let (_, json) = sandbox.check_json(&[]);
    let mut by_check: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in json["diagnostics"].as_array().unwrap() {
        if FIELD_RULES.contains(&d["rule"].as_str().unwrap()) {
            let file = d["file"].as_str().unwrap().to_string();
            by_check.entry(file).or_default().push(format!("{}: {}", d["rule"], d["message"]));
        }
    }
    let mut disagree = Vec::new();
    for file in &files {
        let schema_wrong = by_schema.get(file).is_some_and(|p| !p.is_empty());
        let check_wrong = by_check.contains_key(file);
        if schema_wrong != check_wrong {
            disagree.push(format!(
                "{file}: schema {:?}, check {:?}",
                by_schema.get(file),
                by_check.get(file)
            ));
        }
    }
    assert!(files.len() > 70, "{}", files.len());
    assert!(disagree.is_empty(), "schema and check disagree:\n{}", disagree.join("\n"));
    // Both find something wrong in the wrong cases, and nothing in the right ones.
    for (name, wrong) in [
        ("30-february", true),
        ("phone-number", false),
        ("emergency-date-only", true),
        ("tags-one", false),
    ] {
        let file = format!("reports/2026/05/2026-05-01-case-{name}.md");
        assert_eq!(by_check.contains_key(&file), wrong, "{name}");
    }
}

use std::path::Path;

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

/// Cases where JSON cannot tell what `check` tells: the value is a number an
/// editor (YAML 1.2) reads as fine, but written in a way `check` reads as a
/// mistake in a count or a phone number. `check` flags them, the schema cannot.
const SPELLINGS_JSON_CANNOT_SEE: &[(&str, &str)] = &[
    ("count-decimal", "`dead: 1.0` is the number 1 in JSON"),
    ("count-hex", "`dead: 0x10` is the number 16 in JSON"),
    ("phone-plus", "`phone: +13800000000` is the number 13800000000 in JSON"),
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
        ("date-one-digit-month", work(occurred, "occurred_at: 2026-3-2")),
        ("date-full-width-digits", work(occurred, "occurred_at: \"２０２６-03-02\"")),
        ("date-padded", work(occurred, "occurred_at: \" 2026-03-02 \"")),
        ("offset-without-colon", work(occurred, "occurred_at: 2026-03-02T09:00:00+0800")),
        ("lower-case-t", work(occurred, "occurred_at: 2026-03-02t09:00:00+08:00")),
        ("lower-case-z", work(occurred, "occurred_at: 2026-03-02T09:00:00z")),
        ("leap-second", work(occurred, "occurred_at: 2026-03-02T09:00:60+08:00")),
        ("one-digit-hour", work(occurred, "occurred_at: 2026-03-02T9:00")),
        ("fraction", work(occurred, "occurred_at: 2026-03-02T09:00:00.5+08:00")),
        ("no-seconds-offset", work(occurred, "occurred_at: 2026-03-02T09:00+08:00")),
        ("space-no-offset", work(occurred, "occurred_at: 2026-03-02 09:00")),
        ("phone-spaces", work("phone: \"13800000000\"", "phone: \"138 0000 0000\"")),
        ("phone-plus", work("phone: \"13800000000\"", "phone: +13800000000")),
        ("phone-country", work("phone: \"13800000000\"", "phone: \"+8613800000000\"")),
        ("phone-landline", work("phone: \"13800000000\"", "phone: 0851-87721234")),
        ("phone-landline-digits", work("phone: \"13800000000\"", "phone: \"085187721234\"")),
        ("count-quoted", EMERGENCY.replace("dead: 0", "dead: \"0\"")),
        ("count-decimal", EMERGENCY.replace("dead: 0", "dead: 1.0")),
        ("count-plus", EMERGENCY.replace("dead: 0", "dead: +1")),
        ("count-hex", EMERGENCY.replace("dead: 0", "dead: 0x10")),
        ("count-underscore", EMERGENCY.replace("dead: 0", "dead: 1_0")),
        ("count-padded", EMERGENCY.replace("dead: 0", "dead: \" 1 \"")),
        ("title-two-lines", work("title: 投资科召开重点项目调度会", "title: \"投资科\\n调度会\"")),
        ("title-block", work("title: 投资科召开重点项目调度会", "title: |\n  投资科调度会\n")),
        ("category-padded", work("category: work", "category: \" work \"")),
        (
            "category-padded-no-occurred-at",
            work("category: work", "category: \" work \"").replace(&format!("{occurred}\n"), ""),
        ),
        ("severity-chinese", EMERGENCY.replace("severity: general", "severity: 一般")),
        (
            "adoption-level-chinese",
            added("adoptions:\n  - by: 县委办\n    level: 县级\n    date: 2026-03-05"),
        ),
        ("retracts-empty", added("retracts: \"\"")),
        ("retracts-without-reason", added("retracts: 2026-03-02-good-work")),
        ("follow-up-of-empty", added("follow_up_of: \"\"")),
        (
            "informant-phone-wrong-name-missing",
            added("emergency:\n  informant: {phone: \"12345\"}"),
        ),
        ("casualties-wrong-one-missing", added("emergency:\n  casualties: {injured: -1}")),
    ]
}

/// A front matter to vary: each key with its YAML as written, a nested mapping,
/// or a list of mappings.
#[derive(Clone)]
enum Yaml {
    Raw(String),
    Map(Vec<(String, Yaml)>),
    Items(Vec<Vec<(String, Yaml)>>),
}

fn raw(text: &str) -> Yaml {
    Yaml::Raw(text.to_string())
}

fn map(entries: &[(&str, Yaml)]) -> Vec<(String, Yaml)> {
    entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// Block-style YAML of `entries`, indented by `indent` spaces.
fn emit(entries: &[(String, Yaml)], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (key, value) in entries {
        match value {
            Yaml::Raw(text) => out += &format!("{pad}{key}: {text}\n"),
            Yaml::Map(inner) => out += &format!("{pad}{key}:\n{}", emit(inner, indent + 2)),
            Yaml::Items(items) => {
                out += &format!("{pad}{key}:\n");
                for item in items {
                    out += &format!("{pad}  - {}", &emit(item, indent + 4)[indent + 4..]);
                }
            }
        }
    }
    out
}

/// `entries` with the value at `path` (through the first item of a list)
/// written as `value`, or taken out when `None`.
fn set(entries: &mut Vec<(String, Yaml)>, path: &[&str], value: Option<&str>) {
    let (key, rest) = (path[0], &path[1..]);
    let at = entries.iter().position(|(k, _)| k == key);
    match (at, rest.is_empty(), value) {
        (Some(i), true, None) => {
            entries.remove(i);
        }
        (Some(i), true, Some(value)) => entries[i].1 = raw(value),
        (None, true, Some(value)) => entries.push((key.to_string(), raw(value))),
        (Some(i), false, _) => match &mut entries[i].1 {
            Yaml::Map(inner) => set(inner, rest, value),
            Yaml::Items(items) => set(&mut items[0], rest, value),
            Yaml::Raw(_) => panic!("{path:?} goes through a scalar"),
        },
        (None, _, _) => {}
    }
}

/// The fields of a well-formed report of `category`, with an emergency block,
/// a picture and an adoption, so that every field of the table is written.
fn base(category: &str) -> Vec<(String, Yaml)> {
    let occurred = if category == "emergency" { "2026-03-02T09:00:00+08:00" } else { "2026-03-02" };
    let mut entries = map(&[
        ("title", raw("某处管道泄漏")),
        ("category", raw(category)),
        ("unit", raw("投资科")),
        ("author", raw("张三")),
        ("phone", raw("\"13800000000\"")),
        ("occurred_at", raw(occurred)),
        ("submitted_at", raw("2026-03-02T10:00:00+08:00")),
        (
            "images",
            Yaml::Items(vec![map(&[("file", raw("images/ok.png")), ("caption", raw("现场"))])]),
        ),
        ("tags", raw("[项目]")),
        (
            "emergency",
            Yaml::Map(map(&[
                ("severity", raw("general")),
                ("source", raw("巡查")),
                ("location", raw("某处")),
                ("cause", raw("管道老化")),
                (
                    "casualties",
                    Yaml::Map(map(&[
                        ("dead", raw("0")),
                        ("injured", raw("0")),
                        ("missing", raw("0")),
                    ])),
                ),
                ("property_loss", raw("暂无")),
                ("process", raw("发现泄漏")),
                ("consequences", raw("暂无")),
                ("impact", raw("周边")),
                ("trend", raw("可控")),
                ("leaders_on_site", raw("[李四]")),
                ("measures", raw("已处置")),
                ("next_steps", raw("持续监测")),
                (
                    "informant",
                    Yaml::Map(map(&[("name", raw("张三")), ("phone", raw("\"13800000000\""))])),
                ),
            ])),
        ),
        (
            "adoptions",
            Yaml::Items(vec![map(&[
                ("by", raw("县委办《每日要情》")),
                ("level", raw("county")),
                ("date", raw("2026-03-05")),
            ])]),
        ),
    ]);
    if category == "leader-visit" {
        entries.push(("leaders".into(), raw("[王五]")));
    }
    entries
}

/// A front matter made of the table's examples, every field that has one.
fn from_examples(fields: &[xinbao::report::Field]) -> Vec<(String, Yaml)> {
    use xinbao::report::field::Kind;
    let quoted = |text: &str| Yaml::Raw(serde_json::to_string(text).unwrap());
    fields
        .iter()
        .filter_map(|f| match f.kind {
            Kind::Record(inner) => Some((f.key.to_string(), Yaml::Map(from_examples(inner)))),
            Kind::Records(inner) => {
                Some((f.key.to_string(), Yaml::Items(vec![from_examples(inner)])))
            }
            _ if f.example.is_empty() => None,
            _ => Some((f.key.to_string(), quoted(f.example))),
        })
        .collect()
}

/// Every way a value can be shaped in YAML, and a field left out.
const SHAPES: &[(&str, Option<&str>)] = &[
    ("number", Some("7")),
    ("quoted-number", Some("\"7\"")),
    ("zero", Some("0")),
    ("quoted-zero", Some("\"0\"")),
    ("negative", Some("-1")),
    ("bool", Some("true")),
    ("list", Some("[甲]")),
    ("empty-list", Some("[]")),
    ("mapping", Some("{甲: 乙}")),
    ("empty-mapping", Some("{}")),
    ("empty", Some("\"\"")),
    ("blank", Some("\"  \"")),
    ("null", Some("~")),
    ("absent", None),
];

/// Every field of the table, at every depth, in every shape: in a report of a
/// category that needs it and in one that does not.
fn shaped_cases() -> Vec<(String, String)> {
    use xinbao::report::field::{self, Field};
    fn paths(fields: &[Field], prefix: &[&'static str], out: &mut Vec<Vec<&'static str>>) {
        for f in fields {
            let path: Vec<&'static str> = prefix.iter().copied().chain([f.key]).collect();
            paths(f.fields(), &path, out);
            out.push(path);
        }
    }
    let mut all = Vec::new();
    paths(field::REPORT, &[], &mut all);
    let mut examples = from_examples(field::REPORT);
    set(&mut examples, &["category"], Some("emergency"));
    let mut cases =
        vec![("examples".to_string(), format!("---\n{}---\n\n正文。\n", emit(&examples, 0)))];
    for category in ["work", "leader-visit", "emergency", "research"] {
        // Leaders and occurred_at are what the other two categories need differently.
        let everything = matches!(category, "work" | "emergency");
        for path in all.iter().filter(|path| everything || path.len() == 1) {
            for (shape, value) in SHAPES {
                let mut entries = base(category);
                set(&mut entries, path, *value);
                let name = format!("{category}-{}-{shape}", path.join("-")).replace('_', "-");
                cases.push((name, format!("---\n{}---\n\n正文。\n", emit(&entries, 0))));
            }
        }
    }
    cases
}

#[test]
fn the_schema_and_check_agree_on_every_fixture_and_common_mistake() {
    if !crate::support::require_python("jsonschema, yaml", "python3-jsonschema and python3-yaml") {
        return;
    }
    let sandbox = Sandbox::from_fixture("repo");
    let hand_written = cases().into_iter().map(|(name, text)| (name.to_string(), text));
    for (name, text) in hand_written.chain(shaped_cases()) {
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
    let unseen = |file: &str| {
        SPELLINGS_JSON_CANNOT_SEE
            .iter()
            .any(|(name, _)| file.ends_with(&format!("-case-{name}.md")))
    };
    for file in &files {
        let schema_wrong = by_schema.get(file).is_some_and(|p| !p.is_empty());
        let check_wrong = by_check.contains_key(file);
        if schema_wrong != (check_wrong && !unseen(file)) {
            disagree.push(format!(
                "{file}: schema {:?}, check {:?}",
                by_schema.get(file),
                by_check.get(file)
            ));
        }
    }
    assert!(files.len() > 1500, "{}", files.len());
    assert!(disagree.is_empty(), "schema and check disagree:\n{}", disagree.join("\n"));
    // Both find something wrong in the wrong cases, and nothing in the right ones.
    for (name, wrong) in [
        ("30-february", true),
        ("phone-number", false),
        ("emergency-date-only", true),
        ("tags-one", false),
        ("emergency-emergency-casualties-dead-quoted-zero", false),
        ("emergency-emergency-casualties-dead-negative", true),
        ("emergency-emergency-casualties-dead-absent", true),
        ("work-emergency-casualties-dead-absent", false),
        ("work-emergency-informant-name-absent", false),
        ("work-emergency-informant-phone-bool", true),
        ("emergency-emergency-source-null", true),
        ("research-occurred-at-absent", false),
        ("work-occurred-at-blank", true),
        ("work-request-null", false),
        ("leader-visit-leaders-empty-list", false),
        ("leader-visit-leaders-empty", true),
        ("work-title-bool", false),
        ("work-images-caption-blank", true),
        ("work-adoptions-level-mapping", true),
        ("examples", false),
        ("count-quoted", false),
        ("count-underscore", true),
        ("count-decimal", true),
        ("count-hex", true),
        ("phone-plus", true),
        ("date-one-digit-month", false),
        ("offset-without-colon", false),
        ("leap-second", true),
        ("category-padded", false),
        ("informant-phone-wrong-name-missing", true),
        ("casualties-wrong-one-missing", true),
    ] {
        let file = format!("reports/2026/05/2026-05-01-case-{name}.md");
        assert_eq!(by_check.contains_key(&file), wrong, "{name}");
    }
}

use std::path::Path;

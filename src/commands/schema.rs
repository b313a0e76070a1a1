//! `xinbao schema`: the JSON Schema of a report's front matter, for editors
//! (yaml-language-server) to complete and check fields while writing.

use crate::config;
use crate::diag::Diagnostics;
use crate::report::{Category, Emergency};
use crate::run::Run;
use serde_json::{Value, json};
use std::process::ExitCode;

/// Runs `schema`; units and adoption levels come from `xinbao.yaml` when the
/// repository has one.
pub fn run(run: Option<&Run>) -> anyhow::Result<ExitCode> {
    let settings =
        run.and_then(|run| config::load(run.workspace(), &mut Diagnostics::default()).ok());
    let units = settings.as_ref().map(|s| s.units.as_slice());
    let levels: Vec<String> = match &settings {
        Some(settings) => settings.scoring.adoption.keys().cloned().collect(),
        None => config::Scoring::default().adoption.keys().cloned().collect(),
    };
    println!("{}", serde_json::to_string_pretty(&schema(units, &levels))?);
    Ok(ExitCode::SUCCESS)
}

/// A calendar date `YYYY-MM-DD`: each month's days, 29 February in leap years only.
const DATE: &str = concat!(
    "(?:\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))",
    "|(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"
);

/// A time of day and an optional offset: `09:00`, `09:00:00+08:00`.
const CLOCK: &str = "[T ](?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)?";

/// The schema; `units` become an enum when known, `levels` are the adoption levels.
/// It judges as `check` does: every scalar a text field reads (a number too),
/// one text where a list is allowed, real calendar dates and clock times.
pub fn schema(units: Option<&[String]>, levels: &[String]) -> Value {
    let text = json!({"type": ["string", "number", "boolean"], "minLength": 1});
    let texts = json!({"anyOf": [{"type": ["string", "number"], "minLength": 1},
        {"type": "array", "items": {"type": ["string", "number"]}}]});
    let time = json!({"type": "string", "description": "RFC 3339，如 2026-03-02T09:00:00+08:00",
        "pattern": format!("^{DATE}{CLOCK}$")});
    let date_or_time = json!({"type": "string", "description": "日期或 RFC 3339 时间，如 2026-03-02T09:00:00+08:00",
        "pattern": format!("^{DATE}(?:{CLOCK})?$")});
    let date = json!({"type": "string", "pattern": format!("^{DATE}$")});
    let phone = json!({"description": "联系电话", "anyOf": [
        {"type": "string", "pattern": "^(1[3-9]\\d{9}|0\\d{2,3}-?\\d{7,8})$"},
        {"type": "integer", "minimum": 13_000_000_000u64, "maximum": 19_999_999_999u64}]});
    let categories: Vec<Value> =
        Category::ALL.iter().flat_map(|c| [json!(c.id()), json!(c.label())]).collect();
    let unit = match units {
        Some(units) => json!({"enum": units, "description": "供稿科室"}),
        None => json!({"type": ["string", "number"], "minLength": 1, "description": "供稿科室"}),
    };
    let mut elements = serde_json::Map::new();
    for (key, name) in Emergency::TEXT {
        elements.insert(
            key.to_string(),
            json!({"type": ["string", "number"], "minLength": 1, "description": name}),
        );
    }
    elements.insert("severity".into(), json!({"enum": ["especially-major", "major", "large", "general", "特别重大", "重大", "较大", "一般"], "description": "事件等级"}));
    let count = json!({"type": "integer", "minimum": 0});
    elements.insert("casualties".into(), json!({"type": "object", "description": "伤亡人数", "additionalProperties": false,
        "required": ["dead", "injured", "missing"], "properties": {"dead": count, "injured": count, "missing": count}}));
    elements.insert(
        "leaders_on_site".into(),
        json!({"description": "相关领导到位情况", "allOf": [texts]}),
    );
    elements.insert(
        "informant".into(),
        json!({"type": "object", "description": "责任单位信息员", "additionalProperties": false,
        "required": ["name", "phone"], "properties": {"name": text, "phone": phone}}),
    );
    elements.insert(
        "phone_reported_at".into(),
        json!({"description": "电话先行报告时间", "allOf": [time.clone()]}),
    );
    let required_elements: Vec<&str> =
        Emergency::ELEMENTS.iter().map(|(k, _)| *k).filter(|k| *k != "phone_reported_at").collect();
    let with_category = |ids: &[Category]| -> Value {
        let names: Vec<Value> =
            ids.iter().flat_map(|c| [json!(c.id()), json!(c.label())]).collect();
        json!({"properties": {"category": {"enum": names}}, "required": ["category"]})
    };
    let timed: Vec<Category> =
        Category::ALL.iter().copied().filter(|c| c.needs_occurred_at()).collect();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://xinbao.invalid/schema/report.json",
        "title": "xinbao 信息报送元数据",
        "type": "object",
        "additionalProperties": false,
        "required": ["title", "category", "unit", "author", "phone", "submitted_at"],
        "properties": {
            "title": {"type": ["string", "number", "boolean"], "minLength": 1, "description": "标题（一行，主题凝练）"},
            "category": {"enum": categories, "description": "类别"},
            "unit": unit,
            "author": {"type": ["string", "number"], "minLength": 1, "description": "供稿人"},
            "phone": phone,
            "occurred_at": {"description": "发生时间", "allOf": [date_or_time]},
            "submitted_at": {"description": "报送时间", "allOf": [time.clone()]},
            "images": {"type": "array", "description": "图片与图说", "items": {"type": "object", "additionalProperties": false,
                "required": ["file", "caption"], "properties": {"file": text, "caption": {"type": ["string", "number"], "minLength": 1, "description": "图说"}}}},
            "request": {"type": ["string", "number"], "description": "所答约稿的编号"},
            "follow_up_of": {"type": ["string", "number"], "description": "续报：首报的编号"},
            "retracts": {"type": ["string", "number"], "description": "更正：被更正信息的编号"},
            "reason": {"type": ["string", "number"], "description": "更正原因"},
            "late_reason": {"type": ["string", "number"], "description": "迟报原因（超过报送时限时说明）"},
            "leaders": {"description": "领导（一人可不写成列表）", "allOf": [texts.clone()]},
            "tags": {"description": "标签（一个可不写成列表）", "allOf": [texts]},
            "emergency": {"type": "object", "description": "突发事件要素", "additionalProperties": false,
                "required": required_elements, "properties": elements},
            "adoptions": {"type": "array", "description": "采用情况（由局办公室在发布后登记）", "items": {"type": "object",
                "additionalProperties": false, "required": ["by", "level", "date"], "properties": {
                    "by": {"type": ["string", "number"], "minLength": 1, "description": "采用单位或刊物，如 县委办《每日要情》"},
                    "level": {"enum": levels, "description": "采用级别：scoring.adoption 中的键"},
                    "date": {"description": "采用日期", "allOf": [date]}}}},
        },
        "allOf": [
            {"if": with_category(&timed), "then": {"required": ["occurred_at"]}},
            {"if": with_category(&[Category::LeaderVisit]), "then": {"required": ["leaders"]}},
            {"if": with_category(&[Category::Emergency]), "then": {"required": ["emergency"],
                "properties": {"occurred_at": {"description": "突发事件须写明时刻", "allOf": [time]}}}},
            {"if": {"required": ["retracts"]}, "then": {"required": ["reason"]}},
            {"if": {"required": ["follow_up_of"]}, "then": {"properties": {"category": {"enum": ["emergency", "突发紧急"]}}}},
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_front_matter_key() {
        let schema = schema(None, &["county".into()]);
        let properties = schema["properties"].as_object().unwrap();
        let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
        for key in crate::report::KEYS {
            assert!(keys.contains(key), "{key}");
        }
        assert_eq!(keys.len(), crate::report::KEYS.len());
    }
}

//! `xinbao schema`: the JSON Schema of a report's front matter, for editors
//! (yaml-language-server) to complete and check fields while writing.

use crate::config;
use crate::diag::Diagnostics;
use crate::report::field::{self, Field, Kind, Need};
use crate::report::{Category, Severity};
use crate::run::Run;
use crate::time::{CLOCK_PATTERN, DATE_PATTERN};
use serde_json::{Value, json};
use std::io::Write as _;
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
    let text = serde_json::to_string_pretty(&schema(units, &levels))?;
    // `xinbao schema | head` is a reader that stops early, not a failure.
    let _ = writeln!(std::io::stdout(), "{text}");
    Ok(ExitCode::SUCCESS)
}

/// What the schema needs besides the field table: the bureau's units (an enum
/// when known) and adoption levels.
struct Choices<'a> {
    units: Option<&'a [String]>,
    levels: &'a [String],
}

/// The schema; `units` become an enum when known, `levels` are the adoption levels.
/// It is made from the field table ([`field::REPORT`]) and judges as `check`
/// does: every scalar a text field reads (a number too), one text where a list
/// is allowed, a count written `0` or `"0"`, real calendar dates and clock
/// times, and an empty value (nothing, `~`, spaces) as not written.
pub fn schema(units: Option<&[String]>, levels: &[String]) -> Value {
    let choices = Choices { units, levels };
    let mut schema = record(field::REPORT, &choices);
    schema["$schema"] = json!("http://json-schema.org/draft-07/schema#");
    schema["$id"] = json!("https://xinbao.invalid/schema/report.json");
    schema["title"] = json!("xinbao 信息报送元数据");
    let by_category = Category::ALL.iter().filter_map(|category| {
        let then = needs_of(field::REPORT, *category, &choices)?;
        Some(json!({"if": with_category(&[*category]), "then": then}))
    });
    let only_for = field::REPORT.iter().filter(|f| !f.only_for.is_empty()).map(|field| {
        json!({"if": written(field.key),
            "then": {"properties": {"category": one_of(&category_names(field.only_for))}}})
    });
    let mut all = schema["allOf"].as_array().cloned().unwrap_or_default();
    all.extend(by_category.chain(only_for));
    schema["allOf"] = json!(all);
    schema
}

/// A mapping of `fields`: no other keys, those needed whenever it is written
/// required and not empty, and those needed with another written when it is.
fn record(fields: &[Field], choices: &Choices) -> Value {
    let properties: serde_json::Map<String, Value> =
        fields.iter().map(|f| (f.key.to_string(), property(f, choices))).collect();
    let always: Vec<&str> =
        fields.iter().filter(|f| f.need == Need::Always).map(|f| f.key).collect();
    let with = fields.iter().filter_map(|f| match f.need {
        Need::With(other) => Some(json!({"if": written(other), "then": written(f.key)})),
        _ => None,
    });
    let always_written = (!always.is_empty()).then(|| written_all(&always));
    let all: Vec<Value> = always_written.into_iter().chain(with).collect();
    let mut record =
        json!({"type": "object", "additionalProperties": false, "properties": properties});
    if !always.is_empty() {
        record["required"] = json!(always);
    }
    if !all.is_empty() {
        record["allOf"] = json!(all);
    }
    record
}

/// A field's schema: its value, or an empty one.
fn property(field: &Field, choices: &Choices) -> Value {
    let mut property =
        json!({"description": field.hint, "anyOf": [empty(), value(field.kind, choices)]});
    if !field.example.is_empty() {
        let example = match field.kind {
            Kind::Count => field.example.parse::<u32>().map_or(json!(field.example), |n| json!(n)),
            _ => json!(field.example),
        };
        property["examples"] = json!([example]);
    }
    property
}

/// A value of `kind` that is written (not empty).
fn value(kind: Kind, choices: &Choices) -> Value {
    let scalar = json!(["string", "number", "boolean"]);
    let pattern = |p: &str| json!({"type": "string", "pattern": format!("^\\s*(?:{p})\\s*$")});
    match kind {
        Kind::Text => json!({"type": scalar}),
        Kind::Line => json!({"type": scalar,
            "not": {"type": "string", "pattern": "\\S[\\s\\S]*\\n[\\s\\S]*\\S"}}),
        Kind::Texts => json!({"type": ["string", "number", "boolean", "array"],
            "items": {"type": ["string", "number", "boolean", "null"]}}),
        Kind::Date => pattern(DATE_PATTERN),
        Kind::Time => pattern(&format!("(?:{DATE_PATTERN}){CLOCK_PATTERN}")),
        Kind::DateOrTime => pattern(&format!("(?:{DATE_PATTERN})(?:{CLOCK_PATTERN})?")),
        Kind::Phone => json!({"anyOf": [pattern("1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}"),
            {"type": "integer", "minimum": 13_000_000_000u64, "maximum": 19_999_999_999u64}]}),
        Kind::Category => one_of(&category_names(Category::ALL)),
        Kind::Unit => match choices.units {
            Some(units) => one_of(&units.iter().map(String::as_str).collect::<Vec<_>>()),
            None => json!({"type": scalar}),
        },
        Kind::Severity => one_of(
            &Severity::ALL.iter().flat_map(|(_, id, label)| [*id, *label]).collect::<Vec<_>>(),
        ),
        Kind::Level => {
            let labels = choices.levels.iter().map(|l| config::Scoring::level_label(l));
            let mut names: Vec<&str> = choices.levels.iter().map(String::as_str).collect();
            names.extend(labels.filter(|l| !choices.levels.iter().any(|k| k == l)));
            one_of(&names)
        }
        Kind::Count => json!({"anyOf": [
            {"type": "integer", "minimum": 0, "maximum": i64::MAX},
            pattern("\\+?[0-9]+|-0+")]}),
        Kind::Record(fields) => record(fields, choices),
        Kind::Records(fields) => json!({"type": "array", "items": record(fields, choices)}),
    }
}

/// What a report of `category` must write among `fields` beyond what every
/// report does, nested mappings included; `None` when nothing.
fn needs_of(fields: &[Field], category: Category, choices: &Choices) -> Option<Value> {
    let mut required = Vec::new();
    let mut properties = serde_json::Map::new();
    for field in fields {
        let mut rules = Vec::new();
        if matches!(field.need, Need::For(_)) && field.required_for(Some(category)) {
            required.push(field.key);
            rules.push(json!({"not": empty()}));
        }
        let kind = field.kind_for(Some(category));
        if kind != field.kind {
            rules.push(json!({"anyOf": [empty(), value(kind, choices)]}));
        }
        match field.kind {
            Kind::Record(inner) => rules.extend(needs_of(inner, category, choices)),
            Kind::Records(inner) => {
                rules.extend(needs_of(inner, category, choices).map(|n| json!({"items": n})))
            }
            _ => {}
        }
        if !rules.is_empty() {
            properties.insert(field.key.to_string(), json!({"allOf": rules}));
        }
    }
    (!properties.is_empty()).then(|| json!({"required": required, "properties": properties}))
}

/// One of `names`, as an editor completes it, or written with spaces around
/// (which `check` reads without them).
fn one_of(names: &[&str]) -> Value {
    let escaped: Vec<String> = names.iter().map(|name| escape(name)).collect();
    json!({"anyOf": [{"enum": names},
        {"type": "string", "pattern": format!("^\\s*(?:{})\\s*$", escaped.join("|"))}]})
}

/// `text` as a regular expression that matches just it.
fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A value that counts as not written: nothing, `~`, or only spaces.
fn empty() -> Value {
    json!({"anyOf": [{"type": "null"}, {"type": "string", "pattern": "^\\s*$"}]})
}

/// `key` is written with a value that is not empty.
fn written(key: &str) -> Value {
    written_all(&[key])
}

/// Each of `keys` is written with a value that is not empty.
fn written_all(keys: &[&str]) -> Value {
    let properties: serde_json::Map<String, Value> =
        keys.iter().map(|k| (k.to_string(), json!({"not": empty()}))).collect();
    json!({"required": keys, "properties": properties})
}

/// Every way to write the categories `ids`: id and Chinese label.
fn category_names(ids: &[Category]) -> Vec<&'static str> {
    ids.iter().flat_map(|c| [c.id(), c.label()]).collect()
}

/// The report is of one of the categories `ids`.
fn with_category(ids: &[Category]) -> Value {
    json!({"properties": {"category": one_of(&category_names(ids))}, "required": ["category"]})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_front_matter_key() {
        let schema = schema(None, &["county".into()]);
        let properties = schema["properties"].as_object().unwrap();
        let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
        let mut table = field::keys(field::REPORT);
        table.sort();
        assert_eq!(keys, table);
    }
}

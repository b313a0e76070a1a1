//! Front matter → values, each read as the field table ([`super::field`]) says:
//! the one place where a field's kind decides how its value is read and what
//! `invalid-value` says of it. The parser only assembles what this found.

use super::field::{self, Field, Kind, Need};
use super::{Category, Severity};
use crate::config::{Scoring, Settings};
use crate::diag::{Diagnostics, Rule};
use crate::fields::{Fields, Spanned};
use crate::source::Pos;
use crate::time::Time;
use crate::yaml::Node;
use chrono::NaiveDate;

/// A value read as its field's kind says; a value that is not what the kind
/// wants is not here (it is an `invalid-value`).
pub enum Value<'a> {
    /// `Text`, `Line`, `Unit` and `Phone` (kept when not a phone number: that
    /// is a finding, not a loss).
    Text(Spanned<String>),
    /// `Texts`.
    Texts(Vec<Spanned<String>>),
    /// `Time`, and `DateOrTime` (a date alone where the category allows it).
    Time(Spanned<Time>),
    /// `Date`.
    Date(Spanned<NaiveDate>),
    /// `Category`.
    Category(Spanned<Category>),
    /// `Severity`.
    Severity(Spanned<Severity>),
    /// `Level`: the key of `scoring.adoption` it names.
    Level(Spanned<String>),
    /// `Count`.
    Count(Spanned<u32>),
    /// `Record`: where its key is written, and its values.
    Record(Pos, Values<'a>),
    /// `Records`: each item that is a mapping; in `images`, a path alone
    /// stands for a picture without a caption (`images: [a.jpg]`).
    Records(Vec<Item<'a>>),
}

/// One item of a list of mappings.
pub struct Item<'a> {
    /// The item as written.
    pub node: &'a Node,
    /// Its values.
    pub values: Values<'a>,
}

/// The values read from one mapping, by key.
#[derive(Default)]
pub struct Values<'a> {
    found: Vec<(&'static str, Value<'a>)>,
}

/// What reading a report's values needs besides the YAML.
pub struct Context<'s> {
    /// The report file, for the findings.
    pub file: &'s str,
    /// The settings in force: the time zone and the adoption levels.
    pub settings: &'s Settings,
}

/// Reads `map` as the mapping of `fields`: `unknown-field` for a key not in the
/// table, `invalid-value` for a value its kind does not allow, and
/// `missing-field` for a part a list item must always write (the report's own
/// fields and the emergency's elements are required by the rules, which know
/// the category).
pub fn mapping<'a>(
    map: &'a Node,
    fields: &'static [Field],
    cx: &Context,
    diags: &mut Diagnostics,
) -> Values<'a> {
    let mut f = Fields::new(map, &field::keys(fields), cx.file, diags);
    read(&mut f, fields, cx)
}

/// The values of `fields` in the mapping `f` reads.
fn read<'a>(f: &mut Fields<'a, '_>, fields: &'static [Field], cx: &Context) -> Values<'a> {
    let mut values = Values::default();
    for field in fields {
        // A date alone will do for when a meeting happened, not for an emergency.
        let kind = field.kind_for(values.category().map(|c| c.value));
        if let Some(value) = value(f, field, kind, cx) {
            values.found.push((field.key, value));
        }
    }
    values
}

/// The value of `field`, read as `kind`.
fn value<'a>(f: &mut Fields<'a, '_>, field: &Field, kind: Kind, cx: &Context) -> Option<Value<'a>> {
    let key = field.key;
    let zone = cx.settings.timezone;
    Some(match kind {
        Kind::Text | Kind::Line | Kind::Unit => Value::Text(f.string(key)?),
        Kind::Phone => {
            let phone = f.string(key)?;
            if !super::is_phone(&phone.value) {
                f.invalid_value(
                    key,
                    "手机号（11 位，1[3-9] 开头）或固定电话（如 0851-87721234）",
                    "a mobile number (11 digits, 1[3-9]…) or a landline (0851-87721234 style)",
                );
            }
            Value::Text(phone)
        }
        Kind::Texts => Value::Texts(f.strings(key)),
        Kind::Time => Value::Time(f.time(key, zone, false)?),
        Kind::DateOrTime => Value::Time(f.time(key, zone, true)?),
        Kind::Date => Value::Date(f.date(key)?),
        Kind::Count => {
            let count = f.integer(key, false)?;
            Value::Count(count.with(count.value.min(u32::MAX as i64) as u32))
        }
        Kind::Category => {
            let text = f.string(key)?;
            let Some(category) = Category::parse(&text.value) else {
                let zh: Vec<_> =
                    Category::ALL.iter().map(|c| format!("{}（{}）", c.id(), c.label())).collect();
                let en: Vec<_> = Category::ALL.iter().map(|c| c.id()).collect();
                let want_en = format!("one of {} (or its Chinese name)", en.join(", "));
                let want_zh = format!("类别之一（英文编号或中文名均可）：{}", zh.join("、"));
                f.invalid_value(key, &want_zh, &want_en);
                return None;
            };
            Value::Category(text.with(category))
        }
        Kind::Severity => {
            let text = f.string(key)?;
            let Some(severity) = Severity::parse(&text.value) else {
                let (zh, en) = (
                    " especially-major、major、large 或 general",
                    "especially-major, major, large or general",
                );
                f.invalid_value(key, zh, en);
                return None;
            };
            Value::Severity(text.with(severity))
        }
        Kind::Level => {
            let text = f.string(key)?;
            let levels = &cx.settings.scoring.adoption;
            let known = levels
                .keys()
                .find(|level| **level == text.value || Scoring::level_label(level) == text.value);
            let Some(known) = known else {
                let names: Vec<&str> = levels.keys().map(String::as_str).collect();
                let zh = format!("scoring.adoption 中的级别之一：{}", names.join("、"));
                let en = format!("one of the levels of scoring.adoption: {}", names.join(", "));
                f.invalid_value(key, &zh, &en);
                return None;
            };
            Value::Level(text.with(known.clone()))
        }
        Kind::Record(fields) => {
            let pos = f.key_pos(key)?;
            let node = f.map(key)?;
            let mut nested = f.nested(node, &field::keys(fields));
            Value::Record(pos, read(&mut nested, fields, cx))
        }
        Kind::Records(fields) => {
            let shape = format!("{{{}}}", field::keys(fields).join(", "));
            let mut items = Vec::new();
            for node in f.list(key) {
                // A picture's path alone is read as a picture without a caption
                // (`caption-missing`, found with the pictures in the text).
                if let (Some(text), Some(first), "images") = (node.as_str(), fields.first(), key) {
                    let text = Spanned::at(text.trim().to_string(), node);
                    let values = Values { found: vec![(first.key, Value::Text(text))] };
                    items.push(Item { node, values });
                } else if node.entries().is_none() {
                    f.invalid(node, key, &shape, &shape);
                } else {
                    let mut nested = f.nested(node, &field::keys(fields));
                    for part in fields {
                        if part.need == Need::Always && part.missing == Rule::MissingField {
                            nested.require(part.key, node.pos);
                        }
                    }
                    items.push(Item { node, values: read(&mut nested, fields, cx) });
                }
            }
            Value::Records(items)
        }
    })
}

impl<'a> Values<'a> {
    fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.found.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    fn take(&mut self, key: &str) -> Option<Value<'a>> {
        let at = self.found.iter().position(|(k, _)| *k == key)?;
        Some(self.found.remove(at).1)
    }

    /// The category, when read.
    pub fn category(&self) -> Option<&Spanned<Category>> {
        match self.get("category")? {
            Value::Category(category) => Some(category),
            _ => None,
        }
    }

    /// The text of `key`.
    pub fn text(&mut self, key: &str) -> Option<Spanned<String>> {
        match self.take(key)? {
            Value::Text(text) | Value::Level(text) => Some(text),
            _ => None,
        }
    }

    /// The texts of `key` (none when absent).
    pub fn texts(&mut self, key: &str) -> Vec<Spanned<String>> {
        match self.take(key) {
            Some(Value::Texts(texts)) => texts,
            _ => Vec::new(),
        }
    }

    /// The time of `key`.
    pub fn time(&mut self, key: &str) -> Option<Spanned<Time>> {
        match self.take(key)? {
            Value::Time(time) => Some(time),
            _ => None,
        }
    }

    /// The date of `key`.
    pub fn date(&mut self, key: &str) -> Option<Spanned<NaiveDate>> {
        match self.take(key)? {
            Value::Date(date) => Some(date),
            _ => None,
        }
    }

    /// The severity of `key`.
    pub fn severity(&mut self, key: &str) -> Option<Spanned<Severity>> {
        match self.take(key)? {
            Value::Severity(severity) => Some(severity),
            _ => None,
        }
    }

    /// The count of `key`.
    pub fn count(&mut self, key: &str) -> Option<u32> {
        match self.take(key)? {
            Value::Count(count) => Some(count.value),
            _ => None,
        }
    }

    /// The mapping of `key`: where its key is written, and its values.
    pub fn record(&mut self, key: &str) -> Option<(Pos, Values<'a>)> {
        match self.take(key)? {
            Value::Record(pos, values) => Some((pos, values)),
            _ => None,
        }
    }

    /// The items of `key` (none when absent).
    pub fn records(&mut self, key: &str) -> Vec<Item<'a>> {
        match self.take(key) {
            Some(Value::Records(items)) => items,
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        let text = include_str!("../../xinbao.yaml").as_bytes().to_vec();
        crate::config::from_bytes(text, &mut Diagnostics::default()).unwrap()
    }

    /// Each field's example, as YAML, nested fields by their own examples.
    fn example(field: &Field, indent: usize) -> String {
        let pad = " ".repeat(indent);
        match field.kind {
            Kind::Record(fields) => {
                let inner: Vec<String> = fields.iter().map(|f| example(f, indent + 2)).collect();
                format!("{pad}{}:\n{}", field.key, inner.join(""))
            }
            Kind::Records(fields) => {
                let inner: Vec<String> = fields.iter().map(|f| example(f, indent + 4)).collect();
                let item =
                    inner.join("").replacen(&" ".repeat(indent + 4), &format!("{pad}  - "), 1);
                format!("{pad}{}:\n{item}", field.key)
            }
            _ if field.example.is_empty() => String::new(),
            _ => format!("{pad}{}: \"{}\"\n", field.key, field.example),
        }
    }

    #[test]
    fn every_field_of_the_table_is_read_as_its_kind_says() {
        let settings = settings();
        let mut yaml: String = field::REPORT.iter().map(|f| example(f, 0)).collect();
        yaml = yaml.replace("category: \"work\"", "category: \"emergency\"");
        let map = crate::yaml::parse(&yaml, 1).unwrap();
        let mut diags = Diagnostics::default();
        let cx = Context { file: "r.md", settings: &settings };
        let values = mapping(&map, field::REPORT, &cx, &mut diags);
        assert_eq!(diags.iter().count(), 0, "{yaml}\n{:?}", diags.iter().collect::<Vec<_>>());
        let written = |f: &Field| !f.example.is_empty() || !f.fields().is_empty();
        for field in field::REPORT.iter().filter(|f| written(f)) {
            assert!(values.get(field.key).is_some(), "{} not read from\n{yaml}", field.key);
        }
        let Some(Value::Record(_, emergency)) = values.get("emergency") else { panic!() };
        for element in field::EMERGENCY {
            assert!(emergency.get(element.key).is_some(), "emergency.{}", element.key);
        }
    }

    #[test]
    fn each_part_of_an_item_is_judged_though_another_is_missing() {
        let settings = settings();
        let yaml = "adoptions:\n  - level: moon\n    date: 2026-13-01\n";
        let map = crate::yaml::parse(yaml, 1).unwrap();
        let mut diags = Diagnostics::default();
        let cx = Context { file: "r.md", settings: &settings };
        let mut values = mapping(&map, field::REPORT, &cx, &mut diags);
        let rules: Vec<(u32, Rule)> = diags.iter().map(|d| (d.pos.line, d.rule)).collect();
        assert_eq!(
            rules,
            [(2, Rule::MissingField), (2, Rule::InvalidValue), (3, Rule::InvalidValue)],
            "{:?}",
            diags.iter().collect::<Vec<_>>()
        );
        let items = values.records("adoptions");
        assert_eq!(items.len(), 1);
        assert!(items[0].values.get("level").is_none() && items[0].values.get("date").is_none());
    }
}

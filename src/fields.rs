//! Typed reading of YAML mappings, with a diagnostic for every value that is not
//! what the schema wants. Shared by the settings, report and request parsers.

use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::source::{Pos, Span};
use crate::time::{self, Time};
use crate::yaml::{self, Kind, Node};
use chrono::{FixedOffset, NaiveDate};

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// The position of the value in its file.
    pub pos: Pos,
    /// Just past the value's last character (`pos` when not known).
    pub end: Pos,
}

impl<T> Spanned<T> {
    /// `value` read from `node`, with the node's range.
    pub fn at(value: T, node: &Node) -> Spanned<T> {
        Spanned { value, pos: node.pos, end: node.end }
    }

    /// `value` in place of this one, at the same range.
    pub fn with<U>(&self, value: U) -> Spanned<U> {
        Spanned { value, pos: self.pos, end: self.end }
    }

    /// The range of the value in its file.
    pub fn span(&self) -> Span {
        Span::new(self.pos, self.end)
    }
}

/// The text of an optional text field, empty when it is absent.
pub fn text(field: &Option<Spanned<String>>) -> &str {
    field.as_ref().map_or("", |f| f.value.as_str())
}

/// Reads the keys of one mapping of one file, recording problems as diagnostics.
pub struct Fields<'a, 'd> {
    map: &'a Node,
    file: &'d str,
    diags: &'d mut Diagnostics,
}

impl<'a, 'd> Fields<'a, 'd> {
    /// Starts reading `map`; every key not in `known` is an `unknown-field`.
    pub fn new(map: &'a Node, known: &[&str], file: &'d str, diags: &'d mut Diagnostics) -> Self {
        for entry in map.entries().unwrap_or_default() {
            if !known.contains(&entry.key.as_str()) {
                diags.push(
                    file,
                    entry.key_pos,
                    Rule::UnknownField,
                    Text::new(
                        format!("未知字段 `{}`（可用字段：{}）", entry.key, known.join("、")),
                        format!(
                            "unknown field `{}` (known fields: {})",
                            entry.key,
                            known.join(", ")
                        ),
                    ),
                );
            }
        }
        Fields { map, file, diags }
    }

    /// Reads a mapping nested in this one, sharing the file and the diagnostics.
    pub fn nested<'m, 'n>(&'n mut self, map: &'m Node, known: &[&str]) -> Fields<'m, 'n> {
        Fields::new(map, known, self.file, self.diags)
    }

    /// Records a diagnostic in this file.
    pub fn report(&mut self, at: impl Into<Span>, rule: Rule, message: Text) {
        self.diags.push(self.file, at, rule, message);
    }

    /// Where `key` is written, if it is.
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.map.entry(key).map(|e| e.key_pos)
    }

    /// The value of `key` unless it is absent or empty.
    pub fn node(&self, key: &str) -> Option<&'a Node> {
        self.map.get(key).filter(|node| !node.is_empty())
    }

    /// Records `missing-field` for `key` when it is absent or empty; `at` is used when absent.
    pub fn require(&mut self, key: &str, at: Pos) {
        if self.node(key).is_some() {
            return;
        }
        let (pos, zh, en) = match self.map.entry(key) {
            Some(entry) => {
                (entry.key_pos, format!("字段 `{key}` 为空"), format!("field `{key}` is empty"))
            }
            None => {
                (at, format!("缺少必填字段 `{key}`"), format!("missing required field `{key}`"))
            }
        };
        self.report(pos, Rule::MissingField, Text::new(zh, en));
    }

    /// Records `invalid-value` for `node`, explaining what `key` should be.
    pub fn invalid(&mut self, node: &Node, key: &str, want_zh: &str, want_en: &str) {
        let shown = node
            .as_str()
            .map(|s| format!("`{}`", crate::source::shown(s)))
            .unwrap_or_else(|| node.type_name().into());
        self.report(
            node.span(),
            Rule::InvalidValue,
            Text::new(
                format!("`{key}` 的值 {shown} 不合法：应为{want_zh}"),
                format!("`{key}` has invalid value {shown}: expected {want_en}"),
            ),
        );
    }

    /// Records `invalid-value` for the value written under `key`, explaining
    /// what it should be (nothing when no value is written).
    pub fn invalid_value(&mut self, key: &str, want_zh: &str, want_en: &str) {
        if let Some(node) = self.node(key) {
            self.invalid(node, key, want_zh, want_en);
        }
    }

    /// A text value (any scalar, as written).
    pub fn string(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.node(key)?;
        self.scalar_text(node, key)
    }

    fn scalar_text(&mut self, node: &Node, key: &str) -> Option<Spanned<String>> {
        match node.as_str() {
            // An escape (`"\x01"`) can write a control character no document can
            // hold: a warning, and the text without it.
            Some(text) if text.chars().any(crate::source::is_unseen_control) => {
                let shown = crate::source::shown(text);
                self.diags.push_as(
                    crate::diag::Severity::Warning,
                    self.file,
                    node.span(),
                    Rule::InvalidValue,
                    Text::new(
                        format!("`{key}` 的值 `{shown}` 含有看不见的控制字符，已略去：请删去"),
                        format!("`{key}` has the value `{shown}`, with invisible control characters, left out: delete them"),
                    ),
                );
                let kept: String =
                    text.chars().filter(|c| !crate::source::is_unseen_control(*c)).collect();
                Some(Spanned::at(kept.trim().to_string(), node))
            }
            Some(text) => Some(Spanned::at(text.trim().to_string(), node)),
            None => {
                self.invalid(node, key, "一段文字", "a text");
                None
            }
        }
    }

    /// A list of texts; a single text is taken as a list of one.
    pub fn strings(&mut self, key: &str) -> Vec<Spanned<String>> {
        let Some(node) = self.node(key) else { return Vec::new() };
        match &node.kind {
            Kind::Seq(items) => items
                .iter()
                .filter(|item| !item.is_empty())
                .filter_map(|item| self.scalar_text(item, key))
                .collect(),
            _ => self.scalar_text(node, key).into_iter().collect(),
        }
    }

    /// The items of a list value (empty when absent).
    pub fn list(&mut self, key: &str) -> &'a [Node] {
        match self.node(key).map(|node| (node, &node.kind)) {
            Some((_, Kind::Seq(items))) => items,
            Some((node, _)) => {
                self.invalid(node, key, "一个列表", "a list");
                &[]
            }
            None => &[],
        }
    }

    /// A mapping value.
    pub fn map(&mut self, key: &str) -> Option<&'a Node> {
        let node = self.node(key)?;
        if node.entries().is_some() {
            return Some(node);
        }
        self.invalid(node, key, "一组键值", "a mapping");
        None
    }

    /// A time (see [`time::parse_time`]).
    pub fn time(&mut self, key: &str, zone: FixedOffset, date_only: bool) -> Option<Spanned<Time>> {
        let text = self.string(key)?;
        match time::parse_time(&text.value, zone, date_only) {
            Some(value) => Some(text.with(value)),
            None => {
                let node = self.node(key)?;
                self.invalid(
                    node,
                    key,
                    "RFC 3339 时间，如 2026-03-02T09:00:00+08:00",
                    "an RFC 3339 time such as 2026-03-02T09:00:00+08:00",
                );
                None
            }
        }
    }

    /// A date `YYYY-MM-DD`.
    pub fn date(&mut self, key: &str) -> Option<Spanned<NaiveDate>> {
        let text = self.string(key)?;
        match time::parse_date(&text.value) {
            Some(value) => Some(text.with(value)),
            None => {
                let node = self.node(key)?;
                self.invalid(node, key, "日期，如 2026-03-02", "a date such as 2026-03-02");
                None
            }
        }
    }

    /// A whole number, negative allowed when `signed`.
    pub fn integer(&mut self, key: &str, signed: bool) -> Option<Spanned<i64>> {
        let node = self.node(key)?;
        match node.as_str().and_then(|s| s.trim().parse::<i64>().ok()) {
            Some(value) if signed || value >= 0 => Some(Spanned::at(value, node)),
            _ => {
                let (zh, en) = if signed {
                    ("整数", "a whole number")
                } else {
                    ("非负整数", "a whole number ≥ 0")
                };
                self.invalid(node, key, zh, en);
                None
            }
        }
    }
}

/// Parses YAML that must be a mapping (`key: value` pairs), recording why not as a
/// diagnostic: `yaml-syntax` for bad YAML or another shape, `file-too-large` past the limits.
pub fn parse_mapping(
    file: &str,
    text: &str,
    first_line: u32,
    diags: &mut Diagnostics,
) -> Option<Node> {
    let (pos, rule, message) = match yaml::parse(text, first_line) {
        Ok(node) if node.entries().is_some() => return Some(node),
        Ok(node) => match yaml::slip(text, first_line, u32::MAX) {
            Some((pos, slip)) => (pos, Rule::YamlSyntax, slip),
            None => (
                node.pos,
                Rule::YamlSyntax,
                Text::new("应为“字段: 值”的形式", "expected `key: value` pairs"),
            ),
        },
        Err(yaml::Error::Syntax { pos, message }) => {
            let (pos, text) = yaml::explain(text, first_line, pos, &message);
            (pos, Rule::YamlSyntax, text)
        }
        Err(yaml::Error::TooLarge { pos }) => (
            pos,
            Rule::FileTooLarge,
            Text::new(
                format!("嵌套超过 {} 层或别名展开超过 {} 个节点", yaml::MAX_DEPTH, yaml::MAX_NODES),
                format!(
                    "nested deeper than {} or aliased beyond {} nodes",
                    yaml::MAX_DEPTH,
                    yaml::MAX_NODES
                ),
            ),
        ),
    };
    diags.push(file, pos, rule, message);
    None
}

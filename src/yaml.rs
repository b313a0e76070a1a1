//! YAML as a small tree that remembers where every key and value came from.
//!
//! Built from saphyr-parser's events rather than deserialized with serde so that
//! one pass yields *every* problem of a report (serde stops at the first), and so
//! that hostile input stays bounded: nesting deeper than [`MAX_DEPTH`] and alias
//! expansion past [`MAX_NODES`] nodes stop the build with [`Error::TooLarge`].

use crate::lang::Text;
use crate::source::{Pos, Span};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};
use std::collections::HashMap;

/// Deepest nesting of sequences and mappings accepted.
pub const MAX_DEPTH: usize = 32;
/// Most nodes a document may have, counting every alias expansion.
pub const MAX_NODES: usize = 20_000;

/// A YAML value with where it is in its file.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Node {
    /// The value.
    pub kind: Kind,
    /// Where the value starts in the file.
    pub pos: Pos,
    /// Just past a scalar's last character; `pos` for a collection or an alias.
    pub end: Pos,
}

/// The shape of a YAML value. Scalars keep their text; the reader decides the type.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// `~`, `null` or nothing.
    Null,
    /// Any other scalar, as written (quotes removed).
    Scalar(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping with scalar keys, in document order.
    Map(Vec<Entry>),
}

/// One key of a mapping.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// The key's text.
    pub key: String,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

/// Why a YAML text could not become a tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// Not valid YAML (or a construct front matter cannot have), at `pos`.
    Syntax {
        /// Where the fault is.
        pos: Pos,
        /// The parser's explanation.
        message: String,
    },
    /// Nested or aliased beyond [`MAX_DEPTH`] / [`MAX_NODES`].
    TooLarge {
        /// Where the limit was passed.
        pos: Pos,
    },
}

impl Node {
    /// The range of the value in its file.
    pub fn span(&self) -> Span {
        Span::new(self.pos, self.end)
    }

    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entry for `key`, if this is a mapping that has it.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries()?.iter().find(|e| e.key == key)
    }

    /// The value of `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// True for null and for scalars that are empty or only spaces.
    pub fn is_empty(&self) -> bool {
        match &self.kind {
            Kind::Null => true,
            Kind::Scalar(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// A word for the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Scalar(_) => "scalar",
            Kind::Seq(_) => "list",
            Kind::Map(_) => "mapping",
        }
    }

    fn size(&self) -> usize {
        match &self.kind {
            Kind::Null | Kind::Scalar(_) => 1,
            Kind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Kind::Map(entries) => 1 + entries.iter().map(|e| 1 + e.value.size()).sum::<usize>(),
        }
    }
}

/// Parses `text` whose first line is line `first_line` of its file.
///
/// An empty document gives an empty mapping.
pub fn parse(text: &str, first_line: u32) -> Result<Node, Error> {
    let mut builder = Builder::new(first_line);
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|err| {
            let pos = builder.pos(*err.marker());
            // The scanner has its own nesting limit, reached before ours when it looks ahead.
            if err.info().contains("recursion limit") {
                Error::TooLarge { pos }
            } else {
                Error::Syntax { pos, message: err.info().to_string() }
            }
        })?;
        builder.on_event(event, builder.pos(span.start), builder.pos(span.end))?;
    }
    let start = Pos::new(first_line, 1);
    Ok(builder.root.unwrap_or(Node { kind: Kind::Map(Vec::new()), pos: start, end: start }))
}

/// Why a YAML text did not parse, in words a writer understands: the commonest
/// slips of a Chinese input method (a full-width colon or space, a tab, no space
/// after the colon) found on their own line, else the parser's complaint at
/// `pos` explained. `first_line` is the file's line of the text's first line.
pub fn explain(text: &str, first_line: u32, pos: Pos, message: &str) -> (Pos, Text) {
    // The parser may give up on the line before the slip (it was still reading a value).
    if let Some(slip) = slip(text, first_line, pos.line + 1) {
        return slip;
    }
    let hint = HINTS.iter().find(|(english, _)| message.contains(english)).map(|(_, zh)| *zh);
    let zh = match hint {
        Some(hint) => format!("第 {} 行附近 YAML 格式有误：{hint}", pos.line),
        None => format!("第 {} 行附近 YAML 格式有误（{message}）", pos.line),
    };
    (pos, Text::new(zh, format!("YAML syntax error near line {}: {message}", pos.line)))
}

/// The parser's complaints, explained.
const HINTS: &[(&str, &str)] = &[
    ("could not find expected ':'", "缺少半角冒号“:”，应写成“字段: 值”"),
    ("did not find expected key", "缩进不一致，或上一行的引号、括号没有闭合"),
    ("mapping values are not allowed", "这里不能出现“字段: 值”：检查缩进，值里有冒号时请加引号"),
    (
        "found character that cannot start any token",
        "有不能出现在开头的字符（如制表符、@、`），值里有这些字符时请加引号",
    ),
    ("did not find expected node content", "值的写法有误：列表写成 [甲, 乙]，多个值用半角逗号分隔"),
    ("found unexpected end of stream", "引号或括号没有闭合"),
    ("comment intercepting", "注释“#”前须有空格，或把含“#”的值加引号"),
    ("found a tab", "用了制表符（Tab），YAML 只能用空格缩进"),
    ("tabs disallowed", "用了制表符（Tab），YAML 只能用空格缩进"),
    ("duplicate key", "字段重复"),
];

/// The first input-method slip in `text` up to line `until` (where the parser
/// gave up): a tab or a full-width space in the indentation, a key followed by
/// a full-width colon, or a key's colon without the space after it.
pub fn slip(text: &str, first_line: u32, until: u32) -> Option<(Pos, Text)> {
    for (index, line) in text.lines().enumerate() {
        let number = first_line + index as u32;
        if number > until {
            break;
        }
        let trimmed = line.trim_start_matches([' ', '\t', '\u{3000}']);
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        let column = |byte: usize| line[..byte].chars().count() as u32 + 1;
        if let Some(at) = indent.find('\t') {
            return Some((
                Pos::new(number, column(at)),
                Text::new(
                    format!("第 {number} 行用了制表符（Tab）缩进：YAML 只能用空格缩进"),
                    format!("line {number} is indented with a tab: YAML indents with spaces only"),
                ),
            ));
        }
        if let Some(at) = indent.find('\u{3000}') {
            return Some((
                Pos::new(number, column(at)),
                Text::new(
                    format!("第 {number} 行用了全角空格“　”缩进：应为半角空格"),
                    format!("line {number} is indented with a full-width space: use ASCII spaces"),
                ),
            ));
        }
        let item = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        let key_end = item.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        let Some(key_end) = key_end.filter(|&end| end > 0) else { continue };
        let after = &item[key_end..];
        let at = line.len() - after.len();
        if after.starts_with('：') {
            let key = &item[..key_end];
            return Some((
                Pos::new(number, column(at)),
                Text::new(
                    format!(
                        "第 {number} 行用了全角冒号“：”，应为半角冒号“:”（后面再加一个空格）：{key}: …"
                    ),
                    format!(
                        "line {number} has a full-width colon “：” after `{key}`: use an ASCII colon and a space (`{key}: …`)"
                    ),
                ),
            ));
        }
        let scheme = matches!(&item[..key_end], "http" | "https" | "ftp" | "mailto" | "file");
        if let Some(rest) = after.strip_prefix(':')
            && rest.chars().next().is_some_and(|c| !c.is_whitespace())
            && !scheme
        {
            let key = &item[..key_end];
            return Some((
                Pos::new(number, column(at + 1)),
                Text::new(
                    format!("第 {number} 行冒号后缺少空格：应写成“{key}: …”"),
                    format!("line {number} has no space after the colon: write `{key}: …`"),
                ),
            ));
        }
    }
    None
}

enum Frame {
    Seq { items: Vec<Node>, pos: Pos, anchor: usize },
    Map { entries: Vec<Entry>, pos: Pos, anchor: usize, key: Option<(String, Pos)> },
}

struct Builder {
    first_line: u32,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    documents: usize,
    root: Option<Node>,
}

impl Builder {
    fn new(first_line: u32) -> Builder {
        Builder {
            first_line,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            documents: 0,
            root: None,
        }
    }

    fn pos(&self, marker: Marker) -> Pos {
        Pos::new(self.first_line + marker.line() as u32 - 1, marker.col() as u32 + 1)
    }

    fn on_event(&mut self, event: Event<'_>, pos: Pos, end: Pos) -> Result<(), Error> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(syntax(pos, "more than one YAML document"));
                }
            }
            Event::Scalar(text, style, anchor, _) => {
                let kind = if style == ScalarStyle::Plain && is_null(&text) {
                    Kind::Null
                } else {
                    Kind::Scalar(text.into_owned())
                };
                self.count(1, pos)?;
                // A scalar ends on its own line; one running over lines is marked
                // at its start only.
                let end = if end.line == pos.line { end } else { pos };
                self.finish(Node { kind, pos, end }, anchor)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.open(Frame::Seq { items: Vec::new(), pos, anchor }, pos)?
            }
            Event::MappingStart(anchor, _) => {
                self.open(Frame::Map { entries: Vec::new(), pos, anchor, key: None }, pos)?
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq { items, pos, anchor }) => {
                        (Node { kind: Kind::Seq(items), pos, end: pos }, anchor)
                    }
                    Some(Frame::Map { entries, pos, anchor, .. }) => {
                        (Node { kind: Kind::Map(entries), pos, end: pos }, anchor)
                    }
                    None => return Err(syntax(pos, "unbalanced collection end")),
                };
                self.finish(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id) else {
                    return Err(syntax(pos, "alias to an unknown anchor"));
                };
                let node = Node { kind: node.kind.clone(), pos, end: pos };
                self.count(node.size(), pos)?;
                self.finish(node, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn count(&mut self, nodes: usize, pos: Pos) -> Result<(), Error> {
        self.nodes += nodes;
        if self.nodes > MAX_NODES { Err(Error::TooLarge { pos }) } else { Ok(()) }
    }

    fn open(&mut self, frame: Frame, pos: Pos) -> Result<(), Error> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Error::TooLarge { pos });
        }
        self.count(1, pos)?;
        self.stack.push(frame);
        Ok(())
    }

    /// Attaches a completed node to its parent, remembering it under its anchor.
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), Error> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let text = match node.kind {
                        Kind::Scalar(text) => text,
                        Kind::Null => String::new(),
                        _ => return Err(syntax(node.pos, "a mapping key must be a plain word")),
                    };
                    if entries.iter().any(|e| e.key == text) {
                        return Err(syntax(node.pos, &format!("duplicate key `{text}`")));
                    }
                    *key = Some((text, node.pos));
                }
                Some((key, key_pos)) => entries.push(Entry { key, key_pos, value: node }),
            },
        }
        Ok(())
    }
}

fn syntax(pos: Pos, message: &str) -> Error {
    Error::Syntax { pos, message: message.to_string() }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_in_file_coordinates() {
        let node = parse("title: 调度会\nimages:\n  - file: a.png\n", 2).unwrap();
        let title = node.entry("title").unwrap();
        assert_eq!(title.key_pos, Pos::new(2, 1));
        assert_eq!(title.value.pos, Pos::new(2, 8));
        assert_eq!(title.value.end, Pos::new(2, 11), "just past 调度会");
        let image = &node.get("images").unwrap();
        let Kind::Seq(items) = &image.kind else { panic!("not a list") };
        assert_eq!(items[0].entry("file").unwrap().value.pos, Pos::new(4, 11));
    }

    /// The slips of a Chinese input method are named at their own line, in words.
    #[test]
    fn input_method_slips_are_explained_at_their_line() {
        let explained = |text: &str| {
            let Err(Error::Syntax { pos, message }) = parse(text, 2) else { panic!("{text}") };
            explain(text, 2, pos, &message)
        };
        let (pos, why) = explained("title: 会议\ncategory：work\nunit: 投资科\n");
        assert_eq!(
            (pos, why.zh.as_str()),
            (
                Pos::new(3, 9),
                "第 3 行用了全角冒号“：”，应为半角冒号“:”（后面再加一个空格）：category: …"
            )
        );
        let (pos, why) = explained("title: 会议\ncategory: work\n\tunit: 投资科\n");
        assert_eq!(
            (pos, why.zh.as_str()),
            (Pos::new(4, 1), "第 4 行用了制表符（Tab）缩进：YAML 只能用空格缩进")
        );
        let (pos, why) = explained("title: 会议\n\u{3000}unit: 投资科\nx: [\n");
        assert_eq!(pos.line, 3, "{why:?}");
        assert!(why.zh.contains("全角空格"), "{why:?}");
        let (_, why) = explained("title:会议\ncategory: work\n");
        assert!(why.zh.starts_with("第 2 行冒号后缺少空格"), "{why:?}");
        // No slip: the parser's complaint, explained.
        let (_, why) = explained("units: [办公室, 投资科\n");
        assert!(why.zh.starts_with("第 ") && why.zh.contains("YAML 格式有误"), "{why:?}");
        // A link is not a key without its space.
        assert!(slip("links:\n  - https://example.org\n", 1, 9).is_none());
    }

    #[test]
    fn syntax_errors_point_at_the_fault() {
        let err = parse("a: 1\nb: [1, 2\n", 2).unwrap_err();
        let Error::Syntax { pos, .. } = err else { panic!("{err:?}") };
        assert!(pos.line >= 3, "{pos:?}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        assert!(matches!(
            parse("a: 1\na: 2\n", 1),
            Err(Error::Syntax { pos: Pos { line: 2, .. }, .. })
        ));
    }

    #[test]
    fn alias_bombs_stop() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert!(matches!(parse(&text, 1), Err(Error::TooLarge { .. })));
    }

    #[test]
    fn deep_nesting_stops() {
        let text = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(parse(&text, 1), Err(Error::TooLarge { .. })));
    }

    #[test]
    fn small_aliases_are_fine() {
        let node = parse("a: &x [1]\nb: *x\n", 1).unwrap();
        assert_eq!(
            node.get("b").unwrap().kind,
            Kind::Seq(vec![Node {
                kind: Kind::Scalar("1".into()),
                pos: Pos::new(1, 8),
                end: Pos::new(1, 9)
            }])
        );
    }

    #[test]
    fn empty_values_are_null() {
        let node = parse("a:\nb: ''\n", 1).unwrap();
        assert!(node.get("a").unwrap().is_empty());
        assert!(node.get("b").unwrap().is_empty());
        assert_eq!(parse("", 1).unwrap().entries().unwrap().len(), 0);
    }
}

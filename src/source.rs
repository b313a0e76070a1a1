//! A file's text and positions in it.
//!
//! Reports are read once, with a UTF-8 BOM removed and CRLF or lone CR line ends
//! turned into LF, so every later stage counts lines the way an editor shows them.

use serde::{Deserialize, Serialize};

/// A 1-based line and column (columns count characters, not bytes).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

impl Pos {
    /// The start of the file.
    pub const START: Pos = Pos { line: 1, column: 1 };

    /// A position from its line and column.
    pub fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
}

/// A range of a file between two positions; `end` is just past the last
/// character (equal to `start` when only the start is known).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    /// The first character.
    pub start: Pos,
    /// Just past the last character.
    pub end: Pos,
}

impl Span {
    /// The range from `start` to `end`.
    pub fn new(start: Pos, end: Pos) -> Span {
        Span { start, end: end.max(start) }
    }
}

impl From<Pos> for Span {
    fn from(start: Pos) -> Span {
        Span { start, end: start }
    }
}

/// Positions of byte offsets in one text in logarithmic time: the line by
/// binary search over the line starts, the column from the number of characters
/// before every 64th byte. Finding every position in a file is linear overall.
pub struct Locator<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// Characters before byte `64 * k`, for each `k`.
    chars_before: Vec<usize>,
}

/// Bytes between two entries of [`Locator`]'s character counts.
const STRIDE: usize = 64;

impl<'a> Locator<'a> {
    /// Indexes the lines and characters of `text`.
    pub fn new(text: &'a str) -> Locator<'a> {
        let line_starts = line_starts(text);
        let mut chars_before = vec![0];
        for chunk in text.as_bytes().chunks(STRIDE) {
            let last = chars_before.last().copied().unwrap_or_default();
            chars_before.push(last + starts_of_chars(chunk));
        }
        Locator { text, line_starts, chars_before }
    }

    /// The number of characters before byte `offset` (a char boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoint = offset / STRIDE;
        let counted = self.chars_before[checkpoint];
        counted + starts_of_chars(&self.text.as_bytes()[checkpoint * STRIDE..offset])
    }

    /// The position of byte `offset` (clamped to the text, and to a char boundary).
    pub fn pos(&self, offset: usize) -> Pos {
        let text = self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let column = self.chars_before(offset) - self.chars_before(self.line_starts[line]) + 1;
        Pos::new(line as u32 + 1, column as u32)
    }

    /// The span of the byte range `range`.
    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.pos(range.start), self.pos(range.end))
    }
}

/// The byte offsets at which the lines of `text` start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// How many characters start in `bytes` (UTF-8 bytes that are not continuations).
fn starts_of_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Decodes a file's bytes into normalized text, or says where the first invalid UTF-8 byte is.
pub fn decode(bytes: Vec<u8>) -> Result<String, Pos> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let bytes = err.as_bytes();
            let valid = err.utf8_error().valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            return Err(position(prefix, valid));
        }
    };
    Ok(normalize(text))
}

/// Whether `c` is a control character other than a tab or a line end: it cannot
/// be seen, and no document holds it (XML forbids most of them).
pub fn is_unseen_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n')
}

/// `text` as a message shows it: each character that cannot be seen (a control
/// character, a zero-width space or joiner, a direction mark, a soft hyphen, a
/// BOM) as `<U+XXXX>`, so that `投资科` followed by a zero-width space does not
/// read as `投资科`.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let unseen = |c: char| {
        is_unseen_control(c)
            || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}')
            || matches!(c, '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if !text.chars().any(unseen) {
        return text.into();
    }
    text.chars()
        .map(|c| if unseen(c) { format!("<U+{:04X}>", u32::from(c)) } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// Removes a leading BOM and turns CRLF and lone CR into LF.
pub fn normalize(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    text
}

/// The position of byte `offset` in `text` (clamped to the text, and to a char boundary).
pub fn position(text: &str, offset: usize) -> Pos {
    Locator::new(text).pos(offset)
}

/// A text with the starts of its lines, for fetching many lines by number.
pub struct Lines {
    text: String,
    starts: Vec<usize>,
}

impl Lines {
    /// Indexes the lines of `text`.
    pub fn new(text: String) -> Lines {
        let starts =
            std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    /// The text of 1-based line `line`, without its line end.
    pub fn line(&self, line: u32) -> Option<&str> {
        let start = *self.starts.get((line as usize).checked_sub(1)?)?;
        let rest = &self.text[start..];
        Some(&rest[..rest.find('\n').unwrap_or(rest.len())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_cannot_be_seen_is_shown_by_its_code() {
        assert_eq!(shown("投资科"), "投资科");
        assert_eq!(shown("投资科\u{200b}"), "投资科<U+200B>");
        assert_eq!(shown("a\u{1}b\u{202e}c\td"), "a<U+0001>b<U+202E>c\td");
    }

    #[test]
    fn positions_count_characters() {
        let text = "---\ntitle: 调度会\n";
        assert_eq!(position(text, 0), Pos::new(1, 1));
        assert_eq!(position(text, text.find('调').unwrap()), Pos::new(2, 8));
        assert_eq!(position(text, text.len()), Pos::new(3, 1));
    }

    #[test]
    fn the_locator_agrees_in_any_order() {
        let text = "ab\n调度会 x\n\nlast";
        let locator = Locator::new(text);
        let offsets: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        let forward: Vec<Pos> = offsets.iter().map(|&i| locator.pos(i)).collect();
        let backward: Vec<Pos> = offsets.iter().rev().map(|&i| locator.pos(i)).collect();
        assert_eq!(forward, backward.into_iter().rev().collect::<Vec<_>>());
        assert_eq!(forward[4], Pos::new(2, 2));
        assert_eq!(locator.span(3..12), Span::new(Pos::new(2, 1), Pos::new(2, 4)));
    }

    #[test]
    fn long_lines_are_counted_in_characters() {
        let text = format!("x\n{}y", "调".repeat(1000));
        let locator = Locator::new(&text);
        assert_eq!(locator.pos(text.len() - 1), Pos::new(2, 1001));
        assert_eq!(locator.pos(2 + 3 * 100 + 1), Pos::new(2, 101));
    }

    #[test]
    fn bom_and_crlf_are_normalized() {
        let text = decode(b"\xef\xbb\xbf---\r\na: 1\r\n".to_vec()).unwrap();
        assert_eq!(text, "---\na: 1\n");
        assert_eq!(normalize("a\rb".into()), "a\nb");
    }

    #[test]
    fn invalid_utf8_is_located() {
        assert_eq!(decode(b"ab\ncd\xff".to_vec()), Err(Pos::new(2, 3)));
    }

    #[test]
    fn lines_are_one_based() {
        let lines = Lines::new("a\nb\n".into());
        assert_eq!((lines.line(1), lines.line(2), lines.line(3)), (Some("a"), Some("b"), Some("")));
        assert_eq!((lines.line(0), lines.line(4)), (None, None));
    }
}

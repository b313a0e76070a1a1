//! A file's text and positions in it.
//!
//! Reports are read once, with a UTF-8 BOM removed and CRLF or lone CR line ends
//! turned into LF, so every later stage counts lines the way an editor shows them.

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    Pos::new(line as u32, column as u32)
}

/// The text of 1-based line `line`, without its line end.
pub fn line_text(text: &str, line: u32) -> Option<&str> {
    text.split('\n').nth((line as usize).checked_sub(1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "---\ntitle: 调度会\n";
        assert_eq!(position(text, 0), Pos::new(1, 1));
        assert_eq!(position(text, text.find('调').unwrap()), Pos::new(2, 8));
        assert_eq!(position(text, text.len()), Pos::new(3, 1));
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
    fn line_text_is_one_based() {
        assert_eq!(line_text("a\nb\n", 2), Some("b"));
        assert_eq!(line_text("a", 0), None);
    }
}

//! ASCII names for files and pages: from Chinese text, by pinyin, and for URLs,
//! percent-encoded.

use pinyin::ToPinyin;

/// At most this many syllables go into a slug.
const SYLLABLES: usize = 8;

/// An ASCII slug from Chinese text: the pinyin of its first characters, with
/// ASCII words kept (`调度会` → `tiaoduhui`); `xinxi` when nothing is left.
pub fn from_chinese(text: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut syllables = 0;
    let mut ascii = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            ascii.push(c.to_ascii_lowercase());
            continue;
        }
        if !ascii.is_empty() {
            parts.push(std::mem::take(&mut ascii));
        }
        if let Some(pinyin) = c.to_pinyin() {
            if syllables == SYLLABLES {
                break;
            }
            syllables += 1;
            match parts.last_mut() {
                Some(last) if !last.chars().all(|c| c.is_ascii_digit()) && syllables > 1 => {
                    last.push_str(pinyin.plain())
                }
                _ => parts.push(pinyin.plain().to_string()),
            }
        }
    }
    if !ascii.is_empty() {
        parts.push(ascii);
    }
    let slug = parts.join("-");
    if slug.is_empty() { "xinxi".to_string() } else { slug }
}

/// The initials of a Chinese name, upper case (`办公室` → `BGS`), ASCII letters
/// and digits kept: a unit's default code in an archival reference (档号).
pub fn initials(text: &str) -> String {
    let mut code = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c.to_ascii_uppercase());
        } else if let Some(pinyin) = c.to_pinyin() {
            code.extend(pinyin.plain().chars().next().map(|c| c.to_ascii_uppercase()));
        }
    }
    code.truncate(16);
    code
}

/// `text` percent-encoded for a URL: every byte but the unreserved ones
/// (`A–Z a–z 0–9 - _ . ~`) and, with `slashes`, `/` (a path of segments).
pub fn percent_encoded(text: &str, slashes: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || slashes && byte == b'/'
        {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(from_chinese("工作会议"), "gongzuohuiyi");
        assert_eq!(from_chinese("召开2026年工作会议"), "zhaokai-2026-niangongzuohuiyi");
        assert_eq!(from_chinese("！！"), "xinxi");
    }

    #[test]
    fn initials_make_a_unit_code() {
        assert_eq!(initials("办公室"), "BGS");
        assert_eq!(initials("价格科"), "JGK");
        assert_eq!(initials("第2科"), "D2K");
    }
}

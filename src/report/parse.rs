//! Text → [`Report`]: split, YAML, typed fields, body scan.

use super::field::{self, Kind};
use super::front_matter::{SplitError, split};
use super::read::{self, Item, Values};
use super::{
    Adoption, Body, Casualties, Emergency, Image, Informant, Placeholders, Report, TemplateText,
};
use crate::config::Settings;
use crate::diag::{Diagnostics, Rule};
use crate::fields::parse_mapping;
use crate::lang::Text;
use crate::source::Pos;
use crate::yaml::Node;

/// Records `invalid-value` (a warning) at the first control character (tab
/// aside) of each line of `text`: it cannot be seen, and no document can hold it
/// (XML forbids most of them; the documents leave it out).
fn control_characters(file: &str, text: &str, diags: &mut Diagnostics) {
    // Most texts have none: a pass over the bytes that the compiler can vectorize
    // (no early exit), and C1 controls (C2 80–9F) only where a C2 byte is.
    let bytes = text.as_bytes();
    let ascii = |b: u8| (b < 0x20 && b != b'\n' && b != b'\t') | (b == 0x7F);
    let c1 = || bytes.windows(2).any(|w| w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]));
    let any_ascii = bytes.iter().fold(false, |found, &b| found | ascii(b));
    if !(any_ascii || bytes.contains(&0xC2) && c1()) {
        return;
    }
    for (line, content) in (1u32..).zip(text.split('\n')) {
        let found =
            (1u32..).zip(content.chars()).find(|(_, c)| crate::source::is_unseen_control(*c));
        let Some((column, c)) = found else { continue };
        let code = u32::from(c);
        // A warning: a report signed or published with one keeps its record, and
        // the documents leave the character out.
        diags.push_as(
            crate::diag::Severity::Warning,
            file,
            Pos { line, column },
            Rule::InvalidValue,
            Text::new(
                format!("第 {line} 行含有看不见的控制字符 U+{code:04X}，公文中不能有（已略去）：请删去"),
                format!(
                    "line {line} holds the invisible control character U+{code:04X}, which no document can hold (it is left out): delete it"
                ),
            ),
        );
    }
}

/// Parses the report `file` (repository-relative) from its normalized text,
/// finding the text left of the `placeholders` of its category's templates.
///
/// Returns `None` when the front matter cannot be read at all; the reason is a diagnostic.
pub fn parse(
    file: &str,
    id: &str,
    text: &str,
    settings: &Settings,
    placeholders: &Placeholders,
    diags: &mut Diagnostics,
) -> Option<Report> {
    control_characters(file, text, diags);
    let (front, _, body_offset) = parse_front_matter(file, text, diags)?;
    let cx = read::Context { file, settings };
    let mut values = read::mapping(&front, field::REPORT, &cx, diags);
    let category = values.category().cloned();
    let read = category.as_ref().map(|c| c.value);
    let report = Report {
        read: None,
        id: id.to_string(),
        file: file.to_string(),
        title: values.text("title"),
        unit: values.text("unit"),
        author: values.text("author"),
        phone: values.text("phone"),
        occurred_at: values.time("occurred_at"),
        submitted_at: values.time("submitted_at"),
        images: values.records("images").into_iter().filter_map(image).collect(),
        request: values.text("request"),
        follow_up_of: values.text("follow_up_of"),
        retracts: values.text("retracts"),
        reason: values.text("reason"),
        late_reason: values.text("late_reason"),
        leaders: values.texts("leaders"),
        tags: values.texts("tags").into_iter().map(|t| t.value).collect(),
        emergency: values.record("emergency").map(emergency),
        adoptions: values.records("adoptions").into_iter().filter_map(adoption).collect(),
        category,
        body: Body::scan(text, body_offset),
        template_text: TemplateText::find(text, read, placeholders),
        front: front.clone(),
    };
    Some(report)
}

/// Splits `text` and parses its front matter into a mapping, with the body and its offset.
pub fn parse_front_matter<'t>(
    file: &str,
    text: &'t str,
    diags: &mut Diagnostics,
) -> Option<(Node, &'t str, usize)> {
    let split = match split(text) {
        Ok(split) => split,
        Err(SplitError::Missing) => {
            diags.push(
                file,
                Pos::START,
                Rule::FrontMatterMissing,
                Text::new(
                    "文件开头缺少 `---` 元数据块（标题、类别、科室等）",
                    "no `---` front-matter block at the top (title, category, unit, …)",
                ),
            );
            return None;
        }
        Err(SplitError::Unclosed) => {
            diags.push(
                file,
                Pos::START,
                Rule::FrontMatterMissing,
                Text::new(
                    "元数据块没有以 `---` 结束",
                    "the front-matter block is never closed by `---`",
                ),
            );
            return None;
        }
    };
    let node = parse_mapping(file, split.yaml, split.yaml_line, diags)?;
    Some((node, split.body, split.body_offset))
}

fn image(mut item: Item) -> Option<Image> {
    let file = item.values.text("file")?;
    let caption = item.values.text("caption").map(|c| c.value).unwrap_or_default();
    Some(Image { file, caption, pos: item.node.pos })
}

/// One `adoptions:` item: `{by, level, date}`, kept when all three are read.
fn adoption(mut item: Item) -> Option<Adoption> {
    let by = item.values.text("by")?;
    let level = item.values.text("level")?;
    let date = item.values.date("date")?;
    let key = super::adoption_key(item.node)?;
    Some(Adoption { by: by.value, level: level.value, date: date.value, pos: item.node.pos, key })
}

fn emergency((pos, mut values): (Pos, Values)) -> Emergency {
    let severity = values.severity("severity");
    let texts = field::EMERGENCY
        .iter()
        .filter(|element| element.kind == Kind::Text)
        .filter_map(|element| values.text(element.key).map(|text| (element.key, text.value)))
        .collect();
    let casualties = values.record("casualties").and_then(|(_, mut c)| {
        let (dead, injured, missing) = (c.count("dead"), c.count("injured"), c.count("missing"));
        Some(Casualties { dead: dead?, injured: injured?, missing: missing? })
    });
    let leaders_on_site = values.texts("leaders_on_site").into_iter().map(|s| s.value).collect();
    let informant = values.record("informant").and_then(|(_, mut i)| {
        let (name, phone) = (i.text("name"), i.text("phone"));
        Some(Informant { name: name?.value, phone: phone?.value })
    });
    let phone_reported_at = values.time("phone_reported_at");
    Emergency { pos, severity, texts, casualties, leaders_on_site, informant, phone_reported_at }
}

/// A mainland mobile number (`13800000000`) or landline (`0851-87721234`, `085187721234`).
pub fn is_phone(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let text = text.trim();
    let mobile = text.len() == 11
        && digits(text)
        && text.starts_with('1')
        && (b'3'..=b'9').contains(&text.as_bytes()[1]);
    let landline = match text.split_once('-') {
        Some((area, number)) => {
            digits(area)
                && area.starts_with('0')
                && (3..=4).contains(&area.len())
                && digits(number)
                && (7..=8).contains(&number.len())
        }
        None => digits(text) && text.starts_with('0') && (10..=12).contains(&text.len()),
    };
    mobile || landline
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert!(is_phone("13800000000"));
        assert!(is_phone("0851-87721234"));
        assert!(is_phone("085187721234"));
        assert!(!is_phone("12800000000"));
        assert!(!is_phone("1380000000"));
        assert!(!is_phone("851-87721234"));
        assert!(!is_phone("电话"));
    }
}

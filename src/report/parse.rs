//! Text → [`Report`]: split, YAML, typed fields, body scan.

use super::field::{self, Kind};
use super::front_matter::{SplitError, split};
use super::{
    Adoption, Body, Casualties, Category, Emergency, Image, Informant, Placeholders, Report,
    Severity, TemplateText,
};
use crate::config::Settings;
use crate::diag::{Diagnostics, Rule};
use crate::fields::{Fields, Spanned, parse_mapping};
use crate::lang::Text;
use crate::source::Pos;
use crate::yaml::{self, Node};

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
    let front = parse_front_matter(file, text, diags)?;
    let (front, _, body_offset) = front;
    let mut f = Fields::new(&front, &field::keys(field::REPORT), file, diags);
    let category = f.string("category").and_then(|text| match Category::parse(&text.value) {
        Some(value) => Some(text.with(value)),
        None => {
            let node = f.node("category").expect("present");
            let zh: Vec<_> =
                Category::ALL.iter().map(|c| format!("{}（{}）", c.id(), c.label())).collect();
            let en: Vec<_> = Category::ALL.iter().map(|c| c.id()).collect();
            f.invalid(
                node,
                "category",
                &format!("类别之一（英文编号或中文名均可）：{}", zh.join("、")),
                &format!("one of {} (or its Chinese name)", en.join(", ")),
            );
            None
        }
    });
    // A date alone will do for when a meeting happened, not for an emergency.
    let read = category.as_ref().map(|c| c.value);
    let occurred = field::find(field::REPORT, "occurred_at").map(|f| f.kind_for(read));
    let date_only = occurred == Some(Kind::DateOrTime);
    let zone = settings.timezone;
    let phone = f.string("phone");
    if let Some(phone) = &phone {
        check_phone(&mut f, "phone", phone);
    }
    let report = Report {
        read: None,
        id: id.to_string(),
        file: file.to_string(),
        title: f.string("title"),
        unit: f.string("unit"),
        author: f.string("author"),
        phone,
        occurred_at: f.time("occurred_at", zone, date_only),
        submitted_at: f.time("submitted_at", zone, false),
        images: f.list("images").iter().filter_map(|node| image(node, &mut f)).collect(),
        request: f.string("request"),
        follow_up_of: f.string("follow_up_of"),
        retracts: f.string("retracts"),
        reason: f.string("reason"),
        late_reason: f.string("late_reason"),
        leaders: f.strings("leaders"),
        tags: f.strings("tags").into_iter().map(|t| t.value).collect(),
        emergency: f.map("emergency").map(|node| emergency(node, settings, &mut f)),
        adoptions: f
            .list("adoptions")
            .iter()
            .filter_map(|n| adoption(n, settings, &mut f))
            .collect(),
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

/// `missing-field` for each of `parts` an item must always write and lacks (a
/// missing caption is `caption-missing`, found with the pictures in the text).
fn require_parts(f: &mut Fields, parts: &[field::Field], at: Pos) {
    for part in parts {
        if part.need == field::Need::Always && part.missing == Rule::MissingField {
            f.require(part.key, at);
        }
    }
}

fn image(node: &Node, f: &mut Fields) -> Option<Image> {
    if let Some(path) = node.as_str() {
        let file = Spanned::at(path.trim().to_string(), node);
        return Some(Image { file, caption: String::new(), pos: node.pos });
    }
    if node.entries().is_none() {
        f.invalid(node, "images", "{file, caption}", "{file, caption}");
        return None;
    }
    let mut item = f.nested(node, &field::keys(field::IMAGE));
    require_parts(&mut item, field::IMAGE, node.pos);
    let file = item.string("file")?;
    let caption = item.string("caption").map(|c| c.value).unwrap_or_default();
    Some(Image { file, caption, pos: node.pos })
}

/// One `adoptions:` item: `{by, level, date}`, the level one of `scoring.adoption`
/// (its Chinese name, 县级 for county, is accepted too).
fn adoption(node: &Node, settings: &Settings, parent: &mut Fields) -> Option<Adoption> {
    if node.entries().is_none() {
        parent.invalid(node, "adoptions", "{by, level, date}", "{by, level, date}");
        return None;
    }
    let mut f = parent.nested(node, &field::keys(field::ADOPTION));
    require_parts(&mut f, field::ADOPTION, node.pos);
    let by = f.string("by")?;
    let level = f.string("level")?;
    let levels = &settings.scoring.adoption;
    let known = levels.keys().find(|key| {
        **key == level.value || crate::config::Scoring::level_label(key) == level.value
    });
    let Some(known) = known.cloned() else {
        let names: Vec<&str> = levels.keys().map(String::as_str).collect();
        let node = f.node("level").expect("present");
        f.invalid(
            node,
            "level",
            &format!("scoring.adoption 中的级别之一：{}", names.join("、")),
            &format!("one of the levels of scoring.adoption: {}", names.join(", ")),
        );
        return None;
    };
    let date = f.date("date")?;
    let key = super::adoption_key(node)?;
    Some(Adoption { by: by.value, level: known, date: date.value, pos: node.pos, key })
}

fn emergency(node: &Node, settings: &Settings, parent: &mut Fields) -> Emergency {
    let pos = parent.key_pos("emergency").unwrap_or(node.pos);
    let mut f = parent.nested(node, &field::keys(field::EMERGENCY));
    let severity = f.string("severity").and_then(|text| match Severity::parse(&text.value) {
        Some(value) => Some(text.with(value)),
        None => {
            let node = f.node("severity").expect("present");
            f.invalid(
                node,
                "severity",
                " especially-major、major、large 或 general",
                "especially-major, major, large or general",
            );
            None
        }
    });
    let texts = field::EMERGENCY
        .iter()
        .filter(|element| element.kind == Kind::Text)
        .filter_map(|element| f.string(element.key).map(|text| (element.key, text.value)))
        .collect();
    let casualties = f.map("casualties").and_then(|node| {
        let mut c = f.nested(node, &field::keys(field::CASUALTIES));
        let mut count =
            |key: &str| c.integer(key, false).map(|n| n.value.min(u32::MAX as i64) as u32);
        // Each is read, so a wrong one is found even when another is missing.
        let (dead, injured, missing) = (count("dead"), count("injured"), count("missing"));
        Some(Casualties { dead: dead?, injured: injured?, missing: missing? })
    });
    let leaders_on_site = f.strings("leaders_on_site").into_iter().map(|s| s.value).collect();
    let informant = f.map("informant").and_then(|node| {
        let mut i = f.nested(node, &field::keys(field::INFORMANT));
        let name = i.string("name");
        let phone = i.string("phone");
        if let Some(phone) = &phone {
            check_phone(&mut i, "phone", phone);
        }
        Some(Informant { name: name?.value, phone: phone?.value })
    });
    let phone_reported_at = f.time("phone_reported_at", settings.timezone, false);
    Emergency { pos, severity, texts, casualties, leaders_on_site, informant, phone_reported_at }
}

/// Records `invalid-value` unless `phone` is a mainland mobile or landline number.
fn check_phone(f: &mut Fields, key: &str, phone: &Spanned<String>) {
    if is_phone(&phone.value) {
        return;
    }
    let node =
        Node { kind: yaml::Kind::Scalar(phone.value.clone()), pos: phone.pos, end: phone.end };
    f.invalid(
        &node,
        key,
        "手机号（11 位，1[3-9] 开头）或固定电话（如 0851-87721234）",
        "a mobile number (11 digits, 1[3-9]…) or a landline (0851-87721234 style)",
    );
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

//! What goes on the page of one report (SPEC §7), independent of the output
//! format: the title, the emergency elements, the body blocks, the pictures with
//! their captions, the contributor line and the approval block.

use super::markdown;
use crate::approval::Trail;
use crate::report::{Emergency, Report};
use chrono::{DateTime, FixedOffset};
use std::path::{Path, PathBuf};

/// A run of text with its emphasis.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inline {
    /// The text.
    pub text: String,
    /// `**strong**`.
    pub bold: bool,
    /// `*emphasis*`.
    pub italic: bool,
    /// `~~strikethrough~~`.
    pub strike: bool,
    /// The target of the link this text is in, as written (print ignores it; the
    /// archive keeps it when it is safe).
    pub link: Option<String>,
}

impl Inline {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Inline {
        Inline { text: text.into(), ..Inline::default() }
    }
}

/// A block of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A body paragraph: 2-character first-line indent.
    Paragraph(Vec<Inline>),
    /// A heading of official level 1–4 (一、 （一） 1. （1）), its marker included.
    Heading {
        /// 1 to 4.
        level: u8,
        /// The text, starting with its marker.
        text: Vec<Inline>,
    },
    /// A list item, its marker (`1.`, `•`) included, at a nesting depth from 0.
    ListItem {
        /// Nesting depth.
        depth: usize,
        /// The text, starting with its marker.
        text: Vec<Inline>,
    },
    /// A block quote's paragraphs, indented.
    Quote(Vec<Vec<Inline>>),
    /// A table; the first row is the header.
    Table(Vec<Vec<Vec<Inline>>>),
    /// Two columns of label and value (the emergency elements).
    Pairs(Vec<(String, String)>),
    /// A picture scaled to the text width, its caption beneath.
    Picture(Picture),
    /// Preformatted lines (code), kept as they are.
    Preformatted(String),
}

/// A picture and its caption.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// The file on disk.
    pub path: PathBuf,
    /// 图说.
    pub caption: String,
    /// Pixel size from the file's header.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
}

/// A signature shown in the approval block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// 审核 or 发布.
    pub role: &'static str,
    /// Who signed.
    pub name: String,
    /// The date, as 2026年3月2日.
    pub date: String,
    /// The verified key fingerprint.
    pub key: String,
}

/// One report laid out for print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The report id.
    pub id: String,
    /// 标题.
    pub title: String,
    /// Everything between the title and the contributor line.
    pub blocks: Vec<Block>,
    /// （供稿：unit author 联系电话：phone）.
    pub credit: String,
    /// The approval and publication, newest of each; empty when not approved.
    pub signatures: Vec<Signed>,
    /// The issuing body, for the document's metadata.
    pub bureau: String,
}

/// A date as official documents write it: `2026年3月2日`.
pub fn chinese_date(at: i64, zone: FixedOffset) -> String {
    let date = DateTime::from_timestamp(at, 0).unwrap_or_default().with_timezone(&zone);
    date.format("%Y年%-m月%-d日").to_string()
}

/// Lays out `report` (whose Markdown body is `body`); pictures are found relative to
/// the report's folder under `root`. Unreadable pictures are left out (the check
/// reports them).
pub fn layout(
    report: &Report,
    body: &str,
    root: &Path,
    trail: Option<&Trail>,
    bureau: &str,
    zone: FixedOffset,
) -> Document {
    let folder = root.join(report.file.rsplit_once('/').map_or("", |(dir, _)| dir));
    let mut blocks = Vec::new();
    if let Some(emergency) = &report.emergency {
        blocks.push(Block::Pairs(emergency_pairs(emergency, zone)));
    }
    blocks.extend(markdown::blocks(body, &folder, root));
    for image in &report.images {
        if let Some(picture) = markdown::picture(&folder, root, &image.file.value, &image.caption) {
            blocks.push(Block::Picture(picture));
        }
    }
    let text = |field: &Option<crate::fields::Spanned<String>>| {
        field.as_ref().map(|f| f.value.clone()).unwrap_or_default()
    };
    let credit = format!(
        "（供稿：{} {} 联系电话：{}）",
        text(&report.unit),
        text(&report.author),
        text(&report.phone)
    );
    let mut signatures = Vec::new();
    if let Some(trail) = trail.filter(|t| t.state.is_approved()) {
        for (role, signature) in
            [("审核", trail.approved_by.last()), ("发布", trail.published_by.last())]
        {
            if let Some(s) = signature {
                signatures.push(Signed {
                    role,
                    name: s.name.clone(),
                    date: chinese_date(s.at, zone),
                    key: s.key.clone(),
                });
            }
        }
    }
    Document {
        id: report.id.clone(),
        title: text(&report.title),
        blocks,
        credit,
        signatures,
        bureau: bureau.to_string(),
    }
}

/// The emergency elements as label–value rows, in the order of the rules.
fn emergency_pairs(emergency: &Emergency, zone: FixedOffset) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for (key, label) in Emergency::ELEMENTS {
        let value = match *key {
            "severity" => emergency.severity.as_ref().map(|s| s.value.label().to_string()),
            "casualties" => emergency.casualties.map(|c| {
                format!("死亡 {} 人，受伤 {} 人，失踪 {} 人", c.dead, c.injured, c.missing)
            }),
            "leaders_on_site" => Some(if emergency.leaders_on_site.is_empty() {
                "暂无".to_string()
            } else {
                emergency.leaders_on_site.join("、")
            }),
            "informant" => emergency.informant.as_ref().map(|i| format!("{} {}", i.name, i.phone)),
            "phone_reported_at" => emergency
                .phone_reported_at
                .as_ref()
                .map(|t| t.value.with_timezone(&zone).format("%Y年%-m月%-d日 %H:%M").to_string()),
            key => emergency.text(key).map(str::to_string),
        };
        if let Some(value) = value {
            rows.push((label.to_string(), value));
        }
    }
    rows
}

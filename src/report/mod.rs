//! A report: its front matter as typed fields (SPEC §3) and what the body contains.
//!
//! [`parse`] turns one file's text into a [`Report`], recording every problem of
//! syntax and type as a diagnostic; the rules in [`crate::rules`] judge the rest.

pub mod body;
pub mod bulletin;
pub mod field;
pub mod front_matter;
mod parse;
pub mod picture;
mod read;
mod template_text;

/// The most pictures one report lays out: more is hostile input (a finding, and
/// the rest left out of the documents), not a report.
pub const MAX_PICTURES: usize = 200;

pub use crate::category::Category;
pub use body::{Body, Heading, InlineImage, Link, markdown_options};
pub use field::Field;
pub use front_matter::{Split, split};
pub use parse::{is_phone, parse, parse_front_matter};
pub use template_text::{Placeholders, TemplateText};

use crate::fields::Spanned;
use crate::source::Pos;
use crate::time::Time;
use crate::workspace::Workspace;
use crate::yaml::Node;
use std::sync::{Arc, OnceLock};

/// A report's text as the loader read it from the work tree: the length and
/// digest of the file's bytes, and the text once read. A parse kept between
/// runs ([`crate::parsed`]) brings the length and digest only: its text is read
/// again when something needs it ([`ReadText::loaded`]), and must hash the same.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ReadText {
    /// The file's length in bytes, as it is on disk.
    pub len: u64,
    /// The BLAKE3 digest of the file's bytes as they are on disk: what is made
    /// from the text (an archive page) is keyed by it.
    pub digest: [u8; 32],
    #[serde(skip)]
    loaded: OnceLock<Loaded>,
}

/// The text of a [`ReadText`], read.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The text, normalized (see [`crate::source::decode`]).
    pub text: Arc<str>,
    /// The file's bytes as they are on disk, kept only when normalizing changed
    /// them (a BOM, CR line ends); otherwise they are the text's.
    pub original: Option<Arc<[u8]>>,
}

impl ReadText {
    /// What a file holding `bytes` reads as; the position of the first byte
    /// that is not UTF-8, if one is not.
    pub fn of(bytes: Vec<u8>) -> Result<ReadText, Pos> {
        let len = bytes.len() as u64;
        let digest = *blake3::hash(&bytes).as_bytes();
        let normalized = bytes.starts_with(b"\xef\xbb\xbf") || bytes.contains(&b'\r');
        let original = normalized.then(|| bytes.clone().into());
        let text = crate::source::decode(bytes)?.into();
        Ok(ReadText { len, digest, loaded: OnceLock::from(Loaded { text, original }) })
    }

    /// The text `text` (a version from the history), read.
    pub fn of_text(text: String) -> ReadText {
        let len = text.len() as u64;
        let digest = *blake3::hash(text.as_bytes()).as_bytes();
        ReadText {
            len,
            digest,
            loaded: OnceLock::from(Loaded { text: text.into(), original: None }),
        }
    }

    /// The text of the report file `file` (relative to the root of `ws`): read
    /// from it the first time it is asked for, if a parse was kept. None if the
    /// file no longer holds the bytes that were parsed (or is no longer a
    /// regular file): it changed during the run.
    pub fn loaded(&self, ws: &Workspace, file: &str) -> Option<&Loaded> {
        if let Some(loaded) = self.loaded.get() {
            return Some(loaded);
        }
        let bytes = ws.read_file(file, self.len).ok().filter(|b| b.len() as u64 == self.len)?;
        let read = ReadText::of(bytes).ok()?;
        let loaded = read.loaded.into_inner().filter(|_| read.digest == self.digest)?;
        Some(self.loaded.get_or_init(|| loaded))
    }

    /// The text ([`ReadText::loaded`]).
    pub fn text(&self, ws: &Workspace, file: &str) -> Option<&Arc<str>> {
        self.loaded(ws, file).map(|loaded| &loaded.text)
    }

    /// The git blob id of the file's bytes as they are on disk; computed when
    /// asked (only documents need it), not on the check's path.
    pub fn blob(&self, ws: &Workspace, file: &str) -> Option<git2::Oid> {
        let loaded = self.loaded(ws, file)?;
        let bytes = loaded.original.as_deref().unwrap_or(loaded.text.as_bytes());
        git2::Oid::hash_object(git2::ObjectType::Blob, bytes).ok()
    }
}

/// One report file, parsed.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// The text it was read from, when it was read from the work tree (a report
    /// deleted from the work tree but still counted has none).
    pub read: Option<ReadText>,
    /// The file stem, unique in the repository (`2026-03-02-tiaoduhui`).
    pub id: String,
    /// Repository-relative path with `/` separators.
    pub file: String,
    /// The front matter as written, for positions of keys.
    pub front: Node,
    /// 标题.
    pub title: Option<Spanned<String>>,
    /// The category, read from its id or Chinese label.
    pub category: Option<Spanned<Category>>,
    /// 供稿科室.
    pub unit: Option<Spanned<String>>,
    /// 供稿人.
    pub author: Option<Spanned<String>>,
    /// 联系电话.
    pub phone: Option<Spanned<String>>,
    /// When the event, meeting or activity happened.
    pub occurred_at: Option<Spanned<Time>>,
    /// When the written report was submitted.
    pub submitted_at: Option<Spanned<Time>>,
    /// Pictures with captions listed in the front matter.
    pub images: Vec<Image>,
    /// The commissioned draft (约稿) this report answers.
    pub request: Option<Spanned<String>>,
    /// The emergency report this one continues (续报).
    pub follow_up_of: Option<Spanned<String>>,
    /// The report this one retracts (误报).
    pub retracts: Option<Spanned<String>>,
    /// Why the retracted report was wrong.
    pub reason: Option<Spanned<String>>,
    /// Why the report came late (迟报原因), shown with its 迟报 mark.
    pub late_reason: Option<Spanned<String>>,
    /// Leaders named (required for leader visits).
    pub leaders: Vec<Spanned<String>>,
    /// Free keywords.
    pub tags: Vec<String>,
    /// The emergency elements, for emergency reports.
    pub emergency: Option<Emergency>,
    /// Adoptions by higher bodies (采用), recorded by the office.
    pub adoptions: Vec<Adoption>,
    /// What the Markdown body contains.
    pub body: Body,
    /// The template text its body still holds.
    pub template_text: TemplateText,
}

/// One adoption (采用) of a report by a higher body, as the office records it under
/// `adoptions:` in the published report; it scores by `scoring.adoption[level]`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Adoption {
    /// Who adopted it, e.g. 县委办《每日要情》.
    pub by: String,
    /// The level of that body: a key of `scoring.adoption` (county, city, …).
    pub level: String,
    /// The day it was adopted; the adoption counts in the period of this day.
    pub date: chrono::NaiveDate,
    /// Where the list item starts.
    pub pos: Pos,
    /// The entry as written (see [`adoption_key`]): what the history's office
    /// signature is checked against.
    pub key: String,
}

/// One `adoptions` entry as written, its `by`, `level` and `date` joined: the
/// same key whether read from the work tree or from a version in the history.
pub fn adoption_key(node: &crate::yaml::Node) -> Option<String> {
    let field = |key: &str| node.get(key).and_then(|n| n.as_str()).map(str::trim);
    Some(format!("{}\u{1f}{}\u{1f}{}", field("by")?, field("level")?, field("date")?))
}

/// The keys of the `adoptions` entries in front matter `front`.
pub fn adoption_keys(front: &crate::yaml::Node) -> Vec<String> {
    match front.get("adoptions").map(|n| &n.kind) {
        Some(crate::yaml::Kind::Seq(items)) => items.iter().filter_map(adoption_key).collect(),
        _ => Vec::new(),
    }
}

impl Report {
    /// Where `key` is written in the front matter, or the top of the file.
    pub fn key_pos(&self, key: &str) -> Pos {
        self.front.entry(key).map_or(Pos::START, |e| e.key_pos)
    }

    /// The category, when it was read.
    pub fn category(&self) -> Option<Category> {
        self.category.as_ref().map(|c| c.value)
    }
}

/// A picture listed under `images:`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Image {
    /// Path relative to the report's folder.
    pub file: Spanned<String>,
    /// 图说 (empty when missing).
    pub caption: String,
    /// Where the list item starts.
    pub pos: Pos,
}

/// What a report's category means for the rules.
impl Category {
    /// True when a time limit runs from `occurred_at`, which is then required.
    pub fn needs_occurred_at(self) -> bool {
        field::TIMED.contains(&self)
    }

    /// True for the categories judged by the `routine` limit.
    pub fn is_routine(self) -> bool {
        matches!(self, Category::Work | Category::LeaderVisit | Category::HolidaySafety)
    }
}

/// The severity of an emergency (特别重大/重大/较大/一般).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// 特别重大.
    EspeciallyMajor,
    /// 重大.
    Major,
    /// 较大.
    Large,
    /// 一般.
    General,
}

impl Severity {
    /// Each severity with its id and Chinese label, the gravest first.
    pub const ALL: [(Severity, &'static str, &'static str); 4] = [
        (Severity::EspeciallyMajor, "especially-major", "特别重大"),
        (Severity::Major, "major", "重大"),
        (Severity::Large, "large", "较大"),
        (Severity::General, "general", "一般"),
    ];

    /// Reads an id (`major`) or a Chinese label (`重大`).
    pub fn parse(text: &str) -> Option<Severity> {
        let text = text.trim();
        Severity::ALL
            .iter()
            .find(|(_, id, label)| *id == text || *label == text)
            .map(|(s, _, _)| *s)
    }

    /// The id used in files.
    pub fn id(self) -> &'static str {
        Severity::ALL.iter().find(|(s, _, _)| *s == self).map_or("", |(_, id, _)| id)
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        Severity::ALL.iter().find(|(s, _, _)| *s == self).map_or("", |(_, _, label)| label)
    }

    /// True for 较大 and above, which have the one-hour limit.
    pub fn is_major(self) -> bool {
        self != Severity::General
    }
}

/// The elements of an emergency report (§三(十)). Text elements may say 暂无.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Emergency {
    /// Where `emergency:` is written.
    pub pos: Pos,
    /// 事件等级.
    pub severity: Option<Spanned<Severity>>,
    /// The text elements by key (`source`, `location`, `cause`, …), in the order of [`field::EMERGENCY`].
    #[serde(with = "element_texts")]
    pub texts: Vec<(&'static str, String)>,
    /// 伤亡人数: dead, injured, missing.
    pub casualties: Option<Casualties>,
    /// 相关领导到位情况 (empty = none yet).
    pub leaders_on_site: Vec<String>,
    /// 责任单位信息员.
    pub informant: Option<Informant>,
    /// 电话先行报告时间.
    pub phone_reported_at: Option<Spanned<Time>>,
}

/// The text elements kept as key and text, each key read back as the field
/// table's (an unknown key is no emergency of this version).
mod element_texts {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(texts: &[(&str, String)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(texts)
    }

    pub fn deserialize<'de, D>(d: D) -> Result<Vec<(&'static str, String)>, D::Error>
    where
        D: Deserializer<'de>,
    {
        let texts: Vec<(String, String)> = Deserialize::deserialize(d)?;
        let known = |key: &str| super::field::EMERGENCY.iter().find(|e| e.key == key);
        let element = |(key, text): (String, String)| match known(&key) {
            Some(element) => Ok((element.key, text)),
            None => Err(D::Error::custom(format!("no emergency element {key}"))),
        };
        texts.into_iter().map(element).collect()
    }
}

impl Emergency {
    /// The text of element `key`, if given.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.texts.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }
}

/// 伤亡人数.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Casualties {
    /// 死亡.
    pub dead: u32,
    /// 受伤.
    pub injured: u32,
    /// 失踪.
    pub missing: u32,
}

/// 责任单位信息员.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Informant {
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
}

impl Report {
    /// The repository paths of every picture the report references (listed under
    /// `images:` or inline), as approval binds them (SPEC §6.1).
    pub fn picture_paths(&self) -> Vec<String> {
        let listed = self.images.iter().map(|i| i.file.value.as_str());
        let inline = self.body.images.iter().map(|i| i.target.as_str());
        picture_paths(&self.file, listed.chain(inline))
    }
}

/// The pictures a report's raw text references, as repository paths; read without
/// the settings, for reports as stored in the history. Unreadable front matter
/// references only its inline pictures.
pub fn pictures_in(file: &str, text: &str) -> Vec<String> {
    let Ok(split) = front_matter::split(text) else {
        let body = Body::scan(text, 0);
        return picture_paths(file, body.images.iter().map(|i| i.target.as_str()));
    };
    let listed: Vec<String> = crate::yaml::parse(split.yaml, split.yaml_line)
        .ok()
        .and_then(|node| match &node.get("images")?.kind {
            crate::yaml::Kind::Seq(items) => Some(
                items
                    .iter()
                    .filter_map(|item| item.get("file")?.as_str().map(str::to_string))
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    let body = Body::scan(text, split.body_offset);
    let inline = body.images.iter().map(|i| i.target.as_str());
    picture_paths(file, listed.iter().map(String::as_str).chain(inline))
}

/// Resolves picture targets written in `file` to normalized repository paths,
/// leaving out remote, absolute and escaping ones (the check reports those).
fn picture_paths<'t>(file: &str, targets: impl Iterator<Item = &'t str>) -> Vec<String> {
    let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut paths: Vec<String> = targets
        .filter_map(|target| {
            let target = target.trim();
            if target.contains(':') || target.starts_with('/') || target.starts_with('\\') {
                return None;
            }
            let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
            for part in target.split(['/', '\\']) {
                match part {
                    "" | "." => {}
                    ".." => {
                        parts.pop()?;
                    }
                    name => parts.push(name),
                }
            }
            Some(parts.join("/"))
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_text_is_read_again_only_if_the_file_still_holds_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = "\u{feff}---\r\ntitle: 一\r\n---\r\n正文\r\n".as_bytes();
        std::fs::write(dir.path().join("r.md"), bytes).unwrap();
        let read = ReadText::of(bytes.to_vec()).unwrap();
        let ws = Workspace::new(dir.path(), chrono::Utc::now());
        let blob = read.blob(&ws, "r.md").unwrap();
        assert_eq!(blob, git2::Oid::hash_object(git2::ObjectType::Blob, bytes).unwrap());
        // Kept: the digest only, as a stored parse brings it.
        let kept: ReadText = postcard::from_bytes(&postcard::to_stdvec(&read).unwrap()).unwrap();
        assert!(kept.loaded.get().is_none());
        // Changed to the same length: not the text that was parsed.
        let other = "\u{feff}---\r\ntitle: 二\r\n---\r\n正文\r\n".as_bytes();
        std::fs::write(dir.path().join("r.md"), other).unwrap();
        assert!(kept.text(&ws, "r.md").is_none());
        // Back as it was: read, normalized, and its blob the bytes on disk.
        std::fs::write(dir.path().join("r.md"), bytes).unwrap();
        assert_eq!(kept.text(&ws, "r.md").map(|t| &**t), Some("---\ntitle: 一\n---\n正文\n"));
        assert_eq!(kept.blob(&ws, "r.md"), Some(blob));
        // A link in its place is not followed.
        std::fs::remove_file(dir.path().join("r.md")).unwrap();
        std::fs::write(dir.path().join("elsewhere.md"), bytes).unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere.md"), dir.path().join("r.md"))
            .unwrap();
        let again: ReadText = postcard::from_bytes(&postcard::to_stdvec(&read).unwrap()).unwrap();
        assert!(again.text(&ws, "r.md").is_none());
    }
}

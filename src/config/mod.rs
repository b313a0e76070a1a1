//! `xinbao.yaml`: the bureau's units, people, keys, time limits, quotas and scoring (SPEC §2).
//!
//! This module is the model; [`read`] reads it from the file. A missing or
//! unparsable file stops the run (exit 2); anything else wrong in it is a
//! diagnostic with the line, and the defaults of SPEC §2 stand in.

pub mod placeholders;
mod read;

pub use read::{font_file_problem, from_bytes, load};

use crate::fields::Spanned;
use crate::lang::Text;
use crate::source::Pos;
use chrono::{Duration, FixedOffset, NaiveDate};
use std::collections::BTreeMap;

/// The settings `xinbao init` writes, with the placeholders a bureau replaces.
pub const INIT: &str = include_str!("../scaffold/xinbao.yaml");

/// The settings file's name at the repository root.
pub const FILE: &str = crate::workspace::SETTINGS_FILE;

/// The bureau's settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The issuing body (发文机关).
    pub bureau: String,
    /// The unit that normalizes and publishes.
    pub office: String,
    /// The offset for times written without one; also where days begin.
    pub timezone: FixedOffset,
    /// Events before this date are not judged by time limits.
    pub effective_from: Option<NaiveDate>,
    /// The units (科室) that report.
    pub units: Vec<String>,
    /// Everyone who writes, approves or publishes.
    pub people: Vec<Person>,
    /// Time limits.
    pub limits: Limits,
    /// Items each unit must submit per quarter.
    pub quotas: Quotas,
    /// Points of the annual assessment.
    pub scoring: Scoring,
    /// Font names written into documents.
    pub fonts: Fonts,
    /// The bulletin's name and distribution (《发改信息》, 报/送/发).
    pub bulletin: Bulletin,
    /// The quarterly notice's addressees and copies (主送, 抄送).
    pub notice: Notice,
    /// How the archive site shows reports (verdict-free, no signature needed).
    pub site: Site,
    /// The transfer package's archival settings (`archive:`, SPEC §7.1).
    pub archive: Archive,
}

/// What the county archive assigns (`archive:` in `xinbao.yaml`, SPEC §7.1): the
/// fonds (全宗号), how long each category is kept, and each unit's code in the
/// 档号. Names only: they decide no verdict, so they change without a signature.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Archive {
    /// 全宗号, e.g. Z109; empty until the archive assigns one.
    pub fonds: String,
    /// 立档单位名称; the bureau's name when empty.
    pub fonds_name: String,
    /// 保管期限.
    pub retention: RetentionRules,
    /// 机构（问题）代码 by unit, e.g. 办公室: BGS.
    pub unit_codes: BTreeMap<String, String>,
}

/// How long reports are kept: a default and per category.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetentionRules {
    /// For every category not listed.
    pub default: Retention,
    /// By category id (`emergency: Y`).
    pub categories: BTreeMap<String, Retention>,
}

impl RetentionRules {
    /// The period for reports of the category with id `category` (`emergency`).
    pub fn of(&self, category: Option<&str>) -> Retention {
        category.and_then(|c| self.categories.get(c).copied()).unwrap_or(self.default)
    }
}

/// 保管期限 (DA/T 22-2015): 永久, 定期30年, 定期10年.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Retention {
    /// 永久 (Y).
    Permanent,
    /// 定期30年 (D30).
    #[default]
    Thirty,
    /// 定期10年 (D10).
    Ten,
}

impl Retention {
    /// Reads `Y`, `D30` or `D10`.
    pub fn parse(text: &str) -> Option<Retention> {
        match text.trim() {
            "Y" => Some(Retention::Permanent),
            "D30" => Some(Retention::Thirty),
            "D10" => Some(Retention::Ten),
            _ => None,
        }
    }

    /// The code in the 档号: Y, D30, D10.
    pub fn code(self) -> &'static str {
        match self {
            Retention::Permanent => "Y",
            Retention::Thirty => "D30",
            Retention::Ten => "D10",
        }
    }

    /// As the catalogue writes it: 永久, 30年, 10年.
    pub fn label(self) -> &'static str {
        match self {
            Retention::Permanent => "永久",
            Retention::Thirty => "30年",
            Retention::Ten => "10年",
        }
    }
}

/// Whether `text` can stand in a 档号: ASCII letters and digits, not empty.
pub fn is_code(text: &str) -> bool {
    !text.is_empty() && text.len() <= 16 && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The archive site's settings (`site:` in `xinbao.yaml`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Site {
    /// Show phone numbers whole on the archive's pages; masked (`138****0001`)
    /// by default (SPEC §7).
    pub show_phone: bool,
}

/// The bulletin (期刊) the office compiles from published reports (FORMAT.md §3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bulletin {
    /// The bulletin's name in its red masthead, e.g. 发改信息.
    pub name: String,
    /// The editing unit printed under the name (编发单位); the bureau's office by default.
    pub editor: String,
    /// 报: the higher offices that receive it.
    pub report_to: Vec<String>,
    /// 送: leaders and bodies of the same level.
    pub send_to: Vec<String>,
    /// 发: the units below.
    pub issue_to: Vec<String>,
    /// The print run (共印N份), when given.
    pub copies: Option<u32>,
}

/// The quarterly notice and the annual assessment (通报, FORMAT.md §3.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// 主送: the addressees, written before the body.
    pub to: String,
    /// 抄送: who gets a copy, in the end block.
    pub cc: Vec<String>,
    /// 机关代字 of the 发文字号, e.g. 息发改办: with `stats --number N` the notice
    /// is numbered 息发改办〔2026〕N号.
    pub code: String,
}

/// A person of the bureau.
#[derive(Clone, Debug)]
pub struct Person {
    /// Full name, unique in the bureau.
    pub name: String,
    /// Where the name is written in `xinbao.yaml`.
    pub pos: Pos,
    /// The unit the person belongs to.
    pub unit: Option<Spanned<String>>,
    /// What the person may do.
    pub roles: Vec<Role>,
    /// For a supervisor: the units whose reports the person approves (分管).
    pub supervises: Vec<Spanned<String>>,
    /// Contact phone.
    pub phone: Option<String>,
    /// The keys that sign this person's commits.
    pub keys: Vec<Key>,
}

/// What a person may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Writes reports (信息员).
    Writer,
    /// Approves the reports of the units supervised (分管负责人).
    Supervisor,
    /// Normalizes and publishes (局办公室).
    Office,
    /// Keeps the settings (people, keys, limits) with the office's authority.
    Admin,
    /// The server that receives pushes and signs their receipts.
    Server,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] =
        [Role::Writer, Role::Supervisor, Role::Office, Role::Admin, Role::Server];

    /// The id written in `roles:` (`writer`, `supervisor`, `office`, `admin`, `server`).
    pub fn id(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Supervisor => "supervisor",
            Role::Office => "office",
            Role::Admin => "admin",
            Role::Server => "server",
        }
    }
}

impl Person {
    /// Whether the person may change the settings (role `office` or `admin`).
    pub fn keeps_settings(&self) -> bool {
        self.roles.iter().any(|r| matches!(r, Role::Office | Role::Admin))
    }

    /// Whether the person approves reports of `unit` (a supervisor who supervises it).
    pub fn supervises(&self, unit: &str) -> bool {
        self.roles.contains(&Role::Supervisor) && self.supervises.iter().any(|u| u.value == unit)
    }
}

/// A signing key and its validity window.
#[derive(Clone, Debug)]
pub struct Key {
    /// Where the key is written in `xinbao.yaml`.
    pub pos: Pos,
    /// The public key.
    pub material: KeyMaterial,
    /// First day the key counts.
    pub valid_from: Option<NaiveDate>,
    /// Last day the key counts.
    pub valid_until: Option<NaiveDate>,
}

/// Where a public key comes from.
#[derive(Clone, Debug)]
pub enum KeyMaterial {
    /// An OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
    Ssh(String),
    /// A repository path to an armored OpenPGP public key.
    OpenPgp(String),
}

/// The font families of the official layout (FORMAT.md §2.1), by role. Word and
/// LibreOffice substitute what a machine lacks; the PDF embeds free faces.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fonts {
    /// 标题: 二号小标宋.
    pub title: String,
    /// 正文 and level-3/4 headings: 三号仿宋.
    pub body: String,
    /// Level-1 headings (一、): 黑体.
    pub heading1: String,
    /// Level-2 headings (（一）): 楷体.
    pub heading2: String,
    /// 页码: 四号宋体.
    pub page_number: String,
    /// Latin letters and digits.
    pub latin: String,
    /// Font files (repository-relative paths inside the repository, SPEC §6.3)
    /// the PDF may use before the embedded faces, found by the family names above.
    pub files: Vec<String>,
}

impl Default for Fonts {
    fn default() -> Fonts {
        Fonts {
            title: "方正小标宋简体".into(),
            body: "仿宋_GB2312".into(),
            heading1: "黑体".into(),
            heading2: "楷体_GB2312".into(),
            page_number: "宋体".into(),
            latin: "Times New Roman".into(),
            files: Vec::new(),
        }
    }
}

/// How long after the event a routine report may come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoutineLimit {
    /// By 24:00 of the event's day.
    SameDay,
    /// By 24:00 of the day after the event (the rules' 当天或次日).
    NextDay,
    /// Within a fixed time of the event.
    Within(Duration),
}

/// The time limits of SPEC §4.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Work, leader visits, holiday safety.
    pub routine: RoutineLimit,
    /// Emergencies of severity large, major or especially major.
    pub emergency_major: Duration,
    /// General emergencies.
    pub emergency_general: Duration,
    /// Phone report when the written one comes later.
    pub emergency_phone: Duration,
    /// Tolerated gap between submitted_at and the file's first commit.
    pub commit_skew: Duration,
    /// Titles longer than this many characters are warned about.
    pub title_max_chars: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            routine: RoutineLimit::NextDay,
            emergency_major: Duration::hours(1),
            emergency_general: Duration::hours(2),
            emergency_phone: Duration::minutes(30),
            commit_skew: Duration::minutes(10),
            title_max_chars: 40,
        }
    }
}

/// Quarterly quotas: a default and per-unit exceptions.
#[derive(Clone, Debug)]
pub struct Quotas {
    /// Items per quarter for units without their own figure.
    pub default: u32,
    /// Per-unit figures.
    pub units: BTreeMap<String, u32>,
}

impl Quotas {
    /// The quarterly quota of `unit`.
    pub fn of(&self, unit: &str) -> u32 {
        self.units.get(unit).copied().unwrap_or(self.default)
    }
}

/// Points of the annual assessment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scoring {
    /// Per submitted item.
    pub per_item: i64,
    /// Per published item.
    pub per_published: i64,
    /// Per late item (迟报).
    pub late: i64,
    /// Per missed request (漏报).
    pub missed: i64,
    /// Per retracted item (误报).
    pub false_report: i64,
    /// Per item adopted by a higher body (采用), by the level of that body.
    pub adoption: BTreeMap<String, i64>,
}

impl Default for Scoring {
    fn default() -> Scoring {
        let adoption = [("county", 2), ("city", 4), ("province", 8), ("national", 16)]
            .into_iter()
            .map(|(level, points)| (level.to_string(), points))
            .collect();
        Scoring { per_item: 1, per_published: 1, late: -1, missed: -2, false_report: -3, adoption }
    }
}

impl Scoring {
    /// The Chinese name of an adoption level; custom levels are shown as written.
    pub fn level_label(level: &str) -> &str {
        match level {
            "county" => "县级",
            "city" => "市级",
            "province" => "省级",
            "national" => "国家级",
            other => other,
        }
    }
}

impl Settings {
    /// The person named `name`.
    pub fn person(&self, name: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.name == name)
    }

    /// True when `unit` is one of the bureau's units.
    pub fn has_unit(&self, unit: &str) -> bool {
        self.units.iter().any(|u| u == unit)
    }

    /// These settings with everything that decides verdicts taken from `in_force`
    /// (the signed settings of the history): names and layout may change freely,
    /// the rest only with the office's signature (SPEC §6.1).
    pub fn with_verdicts_of(&self, in_force: &Settings) -> Settings {
        Settings {
            timezone: in_force.timezone,
            effective_from: in_force.effective_from,
            units: in_force.units.clone(),
            people: in_force.people.clone(),
            limits: in_force.limits.clone(),
            quotas: in_force.quotas.clone(),
            scoring: in_force.scoring.clone(),
            ..self.clone()
        }
    }

    /// The repository paths of the OpenPGP key files the people's keys name.
    pub fn key_files(&self) -> Vec<&str> {
        let files = self.people.iter().flat_map(|p| &p.keys).filter_map(|k| match &k.material {
            KeyMaterial::OpenPgp(path) => Some(path.as_str()),
            KeyMaterial::Ssh(_) => None,
        });
        let mut files: Vec<&str> = files.collect();
        files.sort_unstable();
        files.dedup();
        files
    }

    /// Everything of the settings that decides a verdict (SPEC §6.1: units, people,
    /// roles, supervises, keys, timezone, effective_from, limits, quotas, scoring),
    /// written out without positions: two settings with the same text here judge
    /// every commit alike, whatever their names, layout and comments.
    pub fn verdict_text(&self) -> String {
        let people: Vec<String> = self
            .people
            .iter()
            .map(|p| {
                let keys: Vec<String> = p
                    .keys
                    .iter()
                    .map(|k| format!("{:?} {:?} {:?}", k.material, k.valid_from, k.valid_until))
                    .collect();
                let supervises: Vec<&str> = p.supervises.iter().map(|u| u.value.as_str()).collect();
                format!(
                    "{:?} {:?} {:?} {:?} {:?}",
                    p.name,
                    p.unit.as_ref().map(|u| &u.value),
                    p.roles,
                    supervises,
                    keys
                )
            })
            .collect();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            self.units,
            people,
            self.timezone,
            self.effective_from,
            self.limits,
            self.quotas,
            self.scoring
        )
    }
}

/// The message for a unit that is not in `units`, with the units it could be.
pub fn unknown_unit(unit: &str, units: &[String]) -> Text {
    let unit = crate::source::shown(unit);
    let full_width = if unit.contains(['，', '、']) {
        (
            "（多个科室之间用了全角逗号？列表写成 [甲, 乙]，用半角逗号）",
            " (a full-width comma between units? write [a, b])",
        )
    } else {
        ("", "")
    };
    Text::new(
        format!(
            "科室 `{unit}` 不在 xinbao.yaml 的 units 中{}；可用：{}",
            full_width.0,
            units.join("、")
        ),
        format!(
            "unit `{unit}` is not in `units` of xinbao.yaml{}; use one of: {}",
            full_width.1,
            units.join(", ")
        ),
    )
}

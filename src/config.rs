//! `xinbao.yaml`: the bureau's units, people, keys, time limits, quotas and scoring (SPEC §2).
//!
//! A missing or unparsable file stops the run (exit 2); anything else wrong in it
//! is a diagnostic with the line, and the defaults of SPEC §2 stand in.

use crate::diag::{Diagnostics, Rule};
use crate::fields::{Fields, Spanned};
use crate::lang::Text;
use crate::source::{self, Pos};
use crate::time::{parse_duration, parse_offset};
use crate::yaml::{self, Node};
use anyhow::{Context, bail};
use chrono::{Duration, FixedOffset, NaiveDate};
use std::collections::BTreeMap;
use std::path::Path;

/// The settings file's name at the repository root.
pub const FILE: &str = "xinbao.yaml";

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
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Font files (repository-relative or absolute) the PDF may use before the
    /// embedded faces, found by the family names above.
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

const KEYS: &[&str] = &[
    "bureau",
    "office",
    "timezone",
    "effective_from",
    "units",
    "people",
    "limits",
    "quotas",
    "scoring",
    "fonts",
    "bulletin",
    "notice",
];
const PERSON_KEYS: &[&str] = &["name", "unit", "roles", "supervises", "phone", "keys"];
const KEY_KEYS: &[&str] = &["ssh", "openpgp", "valid_from", "valid_until"];
const LIMIT_KEYS: &[&str] = &[
    "routine",
    "emergency_major",
    "emergency_general",
    "emergency_phone",
    "commit_skew",
    "title_max_chars",
];
const FONT_KEYS: &[&str] =
    &["title", "body", "heading1", "heading2", "page_number", "latin", "files"];
const SCORING_KEYS: &[&str] =
    &["per_item", "per_published", "late", "missed", "false_report", "adoption"];
const BULLETIN_KEYS: &[&str] = &["name", "editor", "report_to", "send_to", "issue_to", "copies"];
const NOTICE_KEYS: &[&str] = &["to", "cc", "code"];

/// Reads `xinbao.yaml` from `root`. Fails (exit 2) when it is missing or not YAML.
pub fn load(root: &Path, diags: &mut Diagnostics) -> anyhow::Result<Settings> {
    load_in(&crate::workspace::Workspace::open(root), diags)
}

/// Reads `xinbao.yaml` of the workspace `ws`.
pub fn load_in(
    ws: &crate::workspace::Workspace,
    diags: &mut Diagnostics,
) -> anyhow::Result<Settings> {
    let path = ws.root().join(FILE);
    if !path.is_file() {
        bail!(
            "{} 不存在：请先运行 `xinbao init` 创建配置 / {} not found: run `xinbao init` to create one",
            path.display(),
            FILE
        );
    }
    let bytes = ws.read(&path).with_context(|| format!("reading {}", path.display()))?;
    from_bytes(bytes, diags)
}

/// Reads settings from the bytes of a `xinbao.yaml` (from the work tree or from a
/// commit). Fails when they are not UTF-8, not YAML or not a mapping.
pub fn from_bytes(bytes: Vec<u8>, diags: &mut Diagnostics) -> anyhow::Result<Settings> {
    let text = source::decode(bytes).map_err(|pos| {
        anyhow::anyhow!("{FILE}:{}:{}: 不是有效的 UTF-8 / not valid UTF-8", pos.line, pos.column)
    })?;
    let node = yaml::parse(&text, 1).map_err(|err| match err {
        yaml::Error::Syntax { pos, message } => {
            anyhow::anyhow!(
                "{FILE}:{}:{}: YAML 语法错误 / YAML syntax error: {message}",
                pos.line,
                pos.column
            )
        }
        yaml::Error::TooLarge { pos } => anyhow::anyhow!(
            "{FILE}:{}:{}: 嵌套或别名过多 / nested or aliased beyond limits",
            pos.line,
            pos.column
        ),
    })?;
    if node.entries().is_none() {
        bail!(
            "{FILE}:{}:{}: 配置应为键值映射 / settings must be a mapping",
            node.pos.line,
            node.pos.column
        );
    }
    Ok(parse(&node, diags))
}

fn parse(node: &Node, diags: &mut Diagnostics) -> Settings {
    let mut f = Fields::new(node, KEYS, FILE, diags);
    f.require("bureau", Pos::START);
    f.require("units", Pos::START);
    let bureau = f.string("bureau").map(|s| s.value).unwrap_or_default();
    let office = f.string("office").map_or_else(|| "办公室".to_string(), |s| s.value);
    // China Standard Time when the setting is absent or wrong.
    let beijing = FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset");
    let timezone = match f.string("timezone") {
        None => beijing,
        Some(text) => parse_offset(&text.value).unwrap_or_else(|| {
            let node = f.node("timezone").expect("present");
            f.invalid(node, "timezone", "时区偏移，如 \"+08:00\"", "an offset such as \"+08:00\"");
            beijing
        }),
    };
    let effective_from = f.date("effective_from").map(|d| d.value);
    let units = unique_units(&mut f);
    let people = f.list("people").iter().filter_map(|p| person(p, &mut f)).collect::<Vec<_>>();
    let limits = f.map("limits").map(|n| limits(n, &mut f)).unwrap_or_default();
    let quotas = quotas(f.map("quotas"), &units, &mut f);
    let scoring = f.map("scoring").map(|n| scoring(n, &mut f)).unwrap_or_default();
    let fonts = f.map("fonts").map(|n| fonts(n, &mut f)).unwrap_or_default();
    let bulletin = bulletin(f.map("bulletin"), &bureau, &office, &mut f);
    let notice = notice(f.map("notice"), &mut f);
    let settings = Settings {
        bureau,
        office,
        timezone,
        effective_from,
        units,
        people,
        limits,
        quotas,
        scoring,
        fonts,
        bulletin,
        notice,
    };
    check_people(&settings, diags);
    settings
}

fn unique_units(f: &mut Fields) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    for unit in f.strings("units") {
        if units.contains(&unit.value) {
            f.report(
                unit.pos,
                Rule::DuplicateId,
                Text::new(
                    format!("科室 `{}` 重复", unit.value),
                    format!("unit `{}` listed twice", unit.value),
                ),
            );
        } else {
            units.push(unit.value);
        }
    }
    units
}

fn person(node: &Node, parent: &mut Fields) -> Option<Person> {
    if node.entries().is_none() {
        parent.invalid(
            node,
            "people",
            "人员（name、unit、roles…）",
            "a person (name, unit, roles…)",
        );
        return None;
    }
    let mut f = parent.nested(node, PERSON_KEYS);
    f.require("name", node.pos);
    f.require("roles", node.pos);
    let name = f.string("name")?;
    let unit = f.string("unit");
    let mut roles = Vec::new();
    for role in f.list("roles") {
        match role.as_str().and_then(|id| Role::ALL.into_iter().find(|r| r.id() == id)) {
            Some(known) => roles.push(known),
            None => f.invalid(
                role,
                "roles",
                " writer、supervisor、office、admin 或 server",
                "writer, supervisor, office, admin or server",
            ),
        }
    }
    let supervises = f.strings("supervises");
    if roles.contains(&Role::Supervisor) && supervises.is_empty() {
        f.require("supervises", node.pos);
    }
    let phone = f.string("phone").map(|s| s.value);
    let keys = f.list("keys").iter().filter_map(|k| key(k, &mut f)).collect();
    Some(Person { name: name.value, pos: name.pos, unit, roles, supervises, phone, keys })
}

fn key(node: &Node, parent: &mut Fields) -> Option<Key> {
    if node.entries().is_none() {
        parent.invalid(node, "keys", "密钥（ssh 或 openpgp）", "a key (ssh or openpgp)");
        return None;
    }
    let mut f = parent.nested(node, KEY_KEYS);
    let material = match (f.string("ssh"), f.string("openpgp")) {
        (Some(ssh), None) => {
            if ssh.value.split_whitespace().count() < 2 {
                let node = f.node("ssh").expect("present");
                f.invalid(
                    node,
                    "ssh",
                    "OpenSSH 公钥行（ssh-ed25519 AAAA…）",
                    "an OpenSSH public key line",
                );
            }
            Some(KeyMaterial::Ssh(ssh.value))
        }
        (None, Some(path)) => {
            // The file is read and checked with the other keys (approval::keys).
            Some(KeyMaterial::OpenPgp(path.value))
        }
        _ => {
            f.invalid(node, "keys", "恰好一个 ssh 或 openpgp", "exactly one of ssh or openpgp");
            None
        }
    };
    let valid_from = f.date("valid_from").map(|d| d.value);
    let valid_until = f.date("valid_until").map(|d| d.value);
    Some(Key { pos: node.pos, material: material?, valid_from, valid_until })
}

fn limits(node: &Node, parent: &mut Fields) -> Limits {
    let mut limits = Limits::default();
    let mut f = parent.nested(node, LIMIT_KEYS);
    if let Some(text) = f.string("routine") {
        match text.value.as_str() {
            "same-day" => limits.routine = RoutineLimit::SameDay,
            "next-day" => limits.routine = RoutineLimit::NextDay,
            other => match parse_duration(other) {
                Some(d) => limits.routine = RoutineLimit::Within(d),
                None => {
                    let node = f.node("routine").expect("present");
                    f.invalid(
                        node,
                        "routine",
                        " same-day、next-day 或时长（如 24h）",
                        "same-day, next-day or a duration (24h)",
                    );
                }
            },
        }
    }
    for (key, slot) in [
        ("emergency_major", &mut limits.emergency_major),
        ("emergency_general", &mut limits.emergency_general),
        ("emergency_phone", &mut limits.emergency_phone),
        ("commit_skew", &mut limits.commit_skew),
    ] {
        if let Some(text) = f.string(key) {
            match parse_duration(&text.value) {
                Some(d) => *slot = d,
                None => {
                    let node = f.node(key).expect("present");
                    f.invalid(node, key, "时长，如 1h、30m", "a duration such as 1h or 30m");
                }
            }
        }
    }
    if let Some(n) = f.integer("title_max_chars", false) {
        limits.title_max_chars = n.value as usize;
    }
    limits
}

fn quotas(node: Option<&Node>, units: &[String], f: &mut Fields) -> Quotas {
    let mut quotas = Quotas { default: 6, units: BTreeMap::new() };
    for entry in node.and_then(Node::entries).unwrap_or_default() {
        let Some(n) = entry.value.as_str().and_then(|s| s.trim().parse::<u32>().ok()) else {
            f.invalid(&entry.value, &entry.key, "非负整数", "a whole number ≥ 0");
            continue;
        };
        if entry.key == "default" {
            quotas.default = n;
        } else {
            if !units.contains(&entry.key) {
                f.report(entry.key_pos, Rule::UnknownUnit, unknown_unit(&entry.key));
            }
            quotas.units.insert(entry.key.clone(), n);
        }
    }
    quotas
}

fn scoring(node: &Node, parent: &mut Fields) -> Scoring {
    let mut scoring = Scoring::default();
    let mut f = parent.nested(node, SCORING_KEYS);
    for (key, slot) in [
        ("per_item", &mut scoring.per_item),
        ("per_published", &mut scoring.per_published),
        ("late", &mut scoring.late),
        ("missed", &mut scoring.missed),
        ("false_report", &mut scoring.false_report),
    ] {
        if let Some(n) = f.integer(key, true) {
            *slot = n.value;
        }
    }
    if let Some(levels) = f.map("adoption") {
        scoring.adoption.clear();
        for entry in levels.entries().unwrap_or_default() {
            match entry.value.as_str().and_then(|s| s.trim().parse::<i64>().ok()) {
                Some(points) => {
                    scoring.adoption.insert(entry.key.clone(), points);
                }
                None => f.invalid(&entry.value, &entry.key, "整数", "a whole number"),
            }
        }
    }
    scoring
}

fn bulletin(node: Option<&Node>, bureau: &str, office: &str, parent: &mut Fields) -> Bulletin {
    let mut bulletin = Bulletin {
        name: "政务信息".to_string(),
        editor: format!("{bureau}{office}"),
        report_to: Vec::new(),
        send_to: Vec::new(),
        issue_to: Vec::new(),
        copies: None,
    };
    let Some(node) = node else { return bulletin };
    let mut f = parent.nested(node, BULLETIN_KEYS);
    if let Some(name) = f.string("name").filter(|n| !n.value.is_empty()) {
        bulletin.name = name.value;
    }
    if let Some(editor) = f.string("editor").filter(|n| !n.value.is_empty()) {
        bulletin.editor = editor.value;
    }
    let list = |f: &mut Fields, key| f.strings(key).into_iter().map(|s| s.value).collect();
    bulletin.report_to = list(&mut f, "report_to");
    bulletin.send_to = list(&mut f, "send_to");
    bulletin.issue_to = list(&mut f, "issue_to");
    bulletin.copies = f.integer("copies", false).and_then(|n| u32::try_from(n.value).ok());
    bulletin
}

fn notice(node: Option<&Node>, parent: &mut Fields) -> Notice {
    let mut notice =
        Notice { to: "局机关各科室".to_string(), cc: Vec::new(), code: String::new() };
    let Some(node) = node else { return notice };
    let mut f = parent.nested(node, NOTICE_KEYS);
    if let Some(to) = f.string("to").filter(|n| !n.value.is_empty()) {
        notice.to = to.value;
    }
    notice.cc = f.strings("cc").into_iter().map(|s| s.value).collect();
    notice.code = f.string("code").map(|s| s.value).unwrap_or_default();
    notice
}

fn fonts(node: &Node, parent: &mut Fields) -> Fonts {
    let mut fonts = Fonts::default();
    let mut f = parent.nested(node, FONT_KEYS);
    for (key, slot) in [
        ("title", &mut fonts.title),
        ("body", &mut fonts.body),
        ("heading1", &mut fonts.heading1),
        ("heading2", &mut fonts.heading2),
        ("page_number", &mut fonts.page_number),
        ("latin", &mut fonts.latin),
    ] {
        if let Some(name) = f.string(key) {
            *slot = name.value;
        }
    }
    fonts.files = f.strings("files").into_iter().map(|s| s.value).collect();
    fonts
}

/// Cross-checks: units named by people exist, and no one is listed twice.
fn check_people(settings: &Settings, diags: &mut Diagnostics) {
    for (i, person) in settings.people.iter().enumerate() {
        if let Some(first) = settings.people[..i].iter().find(|p| p.name == person.name) {
            diags.push(
                FILE,
                person.pos,
                Rule::DuplicateId,
                Text::new(
                    format!("人员 `{}` 重复（第 {} 行已列出）", person.name, first.pos.line),
                    format!(
                        "person `{}` is listed twice (first on line {})",
                        person.name, first.pos.line
                    ),
                ),
            );
        }
        for unit in person.unit.iter().chain(&person.supervises) {
            if !settings.has_unit(&unit.value) {
                diags.push(FILE, unit.pos, Rule::UnknownUnit, unknown_unit(&unit.value));
            }
        }
    }
}

/// The message for a unit that is not in `units`.
pub fn unknown_unit(unit: &str) -> Text {
    Text::new(
        format!("科室 `{unit}` 不在 xinbao.yaml 的 units 中"),
        format!("unit `{unit}` is not in `units` of xinbao.yaml"),
    )
}

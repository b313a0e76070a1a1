//! Reading `xinbao.yaml` into [`Settings`]: every key checked, with its line.

use super::{
    Archive, Bulletin, FILE, Fonts, Key, KeyMaterial, Limits, Notice, Person, Quotas, Role,
    RoutineLimit, Scoring, Settings, Site, unknown_unit,
};
use crate::diag::{Diagnostics, Rule};
use crate::fields::Fields;
use crate::lang::Text;
use crate::source::{self, Pos};
use crate::time::{parse_duration, parse_offset};
use crate::yaml::{self, Node};
use anyhow::{Context, bail};
use chrono::FixedOffset;
use std::collections::BTreeMap;
use std::path::Path;

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
    "site",
    "archive",
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
const SITE_KEYS: &[&str] = &["show_phone"];
const ARCHIVE_KEYS: &[&str] = &["fonds", "fonds_name", "retention", "unit_codes"];

/// Reads `xinbao.yaml` of the workspace `ws`. Fails (exit 2) when it is missing
/// or not YAML.
pub fn load(ws: &crate::workspace::Workspace, diags: &mut Diagnostics) -> anyhow::Result<Settings> {
    let path = ws.root().join(FILE);
    if !path.is_file() {
        bail!(
            "{} 不存在：请先运行 `xinbao init` 创建配置 / {} not found: run `xinbao init` to create one",
            path.display(),
            FILE
        );
    }
    let bytes = ws.read_file(FILE, crate::workspace::MAX_FILE_BYTES).map_err(std::io::Error::from);
    let bytes = bytes.with_context(|| format!("无法读取 {0} / cannot read {0}", path.display()))?;
    read_bytes(bytes, Some(ws.root()), diags)
}

/// Reads settings from the bytes of a `xinbao.yaml` (from the work tree or from a
/// commit). Fails when they are not UTF-8, not YAML or not a mapping.
pub fn from_bytes(bytes: Vec<u8>, diags: &mut Diagnostics) -> anyhow::Result<Settings> {
    read_bytes(bytes, None, diags)
}

/// [`from_bytes`]; with the work tree's `root`, the font files are also looked
/// at on disk (a symlink out of the repository is refused).
fn read_bytes(
    bytes: Vec<u8>,
    root: Option<&Path>,
    diags: &mut Diagnostics,
) -> anyhow::Result<Settings> {
    let text = source::decode(bytes).map_err(|pos| {
        anyhow::anyhow!("{FILE}:{}:{}: 不是有效的 UTF-8 / not valid UTF-8", pos.line, pos.column)
    })?;
    let node = yaml::parse(&text, 1).map_err(|err| match err {
        yaml::Error::Syntax { pos, message } => {
            let (pos, why) = yaml::explain(&text, 1, pos, &message);
            crate::lang::unable(
                format!("{FILE}:{}:{}：{}", pos.line, pos.column, why.zh),
                format!("{FILE}:{}:{}: {}", pos.line, pos.column, why.en),
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
    // `check` lints the work tree's file: placeholders `init` wrote are warned about.
    if root.is_some() {
        super::placeholders::lint(&node, diags);
    }
    Ok(parse(&node, root, diags))
}

fn parse(node: &Node, root: Option<&Path>, diags: &mut Diagnostics) -> Settings {
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
            f.invalid_value("timezone", "时区偏移，如 \"+08:00\"", "an offset such as \"+08:00\"");
            beijing
        }),
    };
    let effective_from = f.date("effective_from").map(|d| d.value);
    let units = unique_units(&mut f);
    let people = f.list("people").iter().filter_map(|p| person(p, &mut f)).collect::<Vec<_>>();
    let limits = f.map("limits").map(|n| limits(n, &mut f)).unwrap_or_default();
    let quotas = quotas(f.map("quotas"), &units, &mut f);
    let scoring = f.map("scoring").map(|n| scoring(n, &mut f)).unwrap_or_default();
    let fonts = f.map("fonts").map(|n| fonts(n, root, &mut f)).unwrap_or_default();
    let bulletin = bulletin(f.map("bulletin"), &bureau, &office, &mut f);
    let notice = notice(f.map("notice"), &mut f);
    let site = f.map("site").map(|n| site(n, &mut f)).unwrap_or_default();
    let archive = f.map("archive").map(|n| archive(n, &units, &mut f)).unwrap_or_default();
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
        site,
        archive,
    };
    check_people(&settings, diags);
    settings
}

fn unique_units(f: &mut Fields) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    for unit in f.strings("units") {
        if units.contains(&unit.value) {
            f.report(
                unit.span(),
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
                f.invalid_value(
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
    if let (Some(from), Some(until)) = (valid_from, valid_until)
        && until < from
    {
        f.invalid_value("valid_until", "不早于 valid_from 的日期", "a date not before valid_from");
    }
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
                    f.invalid_value(
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
                    f.invalid_value(key, "时长，如 1h、30m", "a duration such as 1h or 30m");
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
                f.report(entry.key_pos, Rule::UnknownUnit, unknown_unit(&entry.key, units));
            }
            quotas.units.insert(entry.key.clone(), n);
        }
    }
    quotas
}

/// The most points (either way) one item of the scoring may be worth: a score
/// of millions of reports stays far from overflowing, and the ranking with it.
const MAX_POINTS: u64 = 1_000_000;

/// What a score should be, in both languages.
const POINTS: (&str, &str) =
    ("−1000000 到 1000000 之间的整数", "a whole number from −1000000 to 1000000");

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
        match f.integer(key, true) {
            Some(n) if n.value.unsigned_abs() > MAX_POINTS => {
                f.invalid_value(key, POINTS.0, POINTS.1)
            }
            Some(n) => *slot = n.value,
            None => {}
        }
    }
    if let Some(levels) = f.map("adoption") {
        scoring.adoption.clear();
        for entry in levels.entries().unwrap_or_default() {
            let points = entry.value.as_str().and_then(|s| s.trim().parse::<i64>().ok());
            match points.filter(|p| p.unsigned_abs() <= MAX_POINTS) {
                Some(points) => {
                    scoring.adoption.insert(entry.key.clone(), points);
                }
                None => f.invalid(&entry.value, &entry.key, POINTS.0, POINTS.1),
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

/// `archive:` (SPEC §7.1): the fonds, the retention periods and the units' codes
/// of the transfer package; verdict-free, so no signature is needed to change it.
fn archive(node: &Node, units: &[String], parent: &mut Fields) -> Archive {
    let mut archive = Archive::default();
    let mut f = parent.nested(node, ARCHIVE_KEYS);
    archive.fonds = f.string("fonds").map(|s| s.value).unwrap_or_default();
    if !archive.fonds.is_empty() && !super::is_code(&archive.fonds) {
        f.invalid_value("fonds", "全宗号：字母和数字", "letters and digits");
        archive.fonds.clear();
    }
    archive.fonds_name = f.string("fonds_name").map(|s| s.value).unwrap_or_default();
    for entry in f.map("retention").and_then(Node::entries).unwrap_or_default() {
        let Some(period) = entry.value.as_str().and_then(super::Retention::parse) else {
            f.invalid(&entry.value, &entry.key, "Y、D30 或 D10", "Y, D30 or D10");
            continue;
        };
        let category = crate::category::Category::ALL.iter().find(|c| c.id() == entry.key);
        match (entry.key.as_str(), category) {
            ("default", _) => archive.retention.default = period,
            (_, Some(_)) => {
                archive.retention.categories.insert(entry.key.clone(), period);
            }
            (key, None) => {
                let ids: Vec<&str> =
                    crate::category::Category::ALL.iter().map(|c| c.id()).collect();
                let message = Text::new(
                    format!(
                        "archive.retention 的 `{key}` 不是信息类别（可用：default、{}）",
                        ids.join("、")
                    ),
                    format!(
                        "`{key}` in archive.retention is not a category (known: default, {})",
                        ids.join(", ")
                    ),
                );
                f.report(entry.key_pos, Rule::InvalidValue, message);
            }
        }
    }
    for entry in f.map("unit_codes").and_then(Node::entries).unwrap_or_default() {
        let code = entry.value.as_str().map(str::trim).unwrap_or_default();
        if !super::is_code(code) {
            f.invalid(&entry.value, &entry.key, "机构代码：字母和数字", "letters and digits");
        } else if !units.contains(&entry.key) {
            f.report(entry.key_pos, Rule::UnknownUnit, unknown_unit(&entry.key, units));
        } else {
            archive.unit_codes.insert(entry.key.clone(), code.to_string());
        }
    }
    archive
}

fn site(node: &Node, parent: &mut Fields) -> Site {
    let mut site = Site::default();
    let mut f = parent.nested(node, SITE_KEYS);
    if let Some(show) = f.string("show_phone") {
        match show.value.as_str() {
            "true" => site.show_phone = true,
            "false" => site.show_phone = false,
            _ => {
                f.invalid_value("show_phone", " true 或 false", "true or false");
            }
        }
    }
    site
}

fn fonts(node: &Node, root: Option<&Path>, parent: &mut Fields) -> Fonts {
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
    for file in f.strings("files") {
        match font_file_problem(root, &file.value) {
            // An entry that leaves the repository is shown and ignored (SPEC §6.3).
            Some(why) => f.report(
                file.span(),
                Rule::InvalidValue,
                Text::new(
                    format!("`files` 的值 `{}` 不合法：{}", file.value, why.zh),
                    format!("`files` has invalid value `{}`: {}", file.value, why.en),
                ),
            ),
            None => fonts.files.push(file.value),
        }
    }
    fonts
}

/// Why the font file `path` of `fonts.files` is refused: it must be a
/// repository-relative path inside the repository (no absolute path, no `..`,
/// and, when the work tree's `root` is given, no symlink out of it).
pub fn font_file_problem(root: Option<&Path>, path: &str) -> Option<Text> {
    if !crate::out_dir::is_plain(path) {
        return Some(Text::new(
            "应为仓库内的相对路径（不能是绝对路径，不能含 ..）",
            "expected a path inside the repository (not absolute, no ..)",
        ));
    }
    let root = root?;
    let file = root.join(path);
    std::fs::symlink_metadata(&file).ok()?;
    let inside = match (file.canonicalize(), root.canonicalize()) {
        (Ok(real), Ok(root)) => real.starts_with(root),
        _ => false,
    };
    (!inside)
        .then(|| Text::new("经符号链接指向仓库之外", "is a symbolic link out of the repository"))
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
                let message = unknown_unit(&unit.value, &settings.units);
                diags.push(FILE, unit.span(), Rule::UnknownUnit, message);
            }
        }
    }
}

//! 四性检测 (DA/T 70-2018) of a transfer package, offline, from the package
//! alone (SPEC §7.1): 真实性 (digests, 档号, files as described, approvals and
//! publications verified from the bundled history against the keys in force,
//! metadata as the signed history says), 完整性 (counts, 件号 without gaps,
//! mandatory elements, catalogue = metadata), 可用性 (XML well formed, PDFs that
//! open, unencrypted, fonts embedded, PDF/A-2b, the page count said) and 安全性
//! (nothing outside the manifest, no link, no `..`). Nothing in the package is
//! followed out of it: a path with a link on its way is not read.

use super::record::{self, Record};
use super::{BUNDLE, CATALOGUE, ITEMS, MANIFEST, README, hex};
use crate::lang::{Lang, Text};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The four properties of DA/T 70.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    /// 真实性.
    Authentic,
    /// 完整性.
    Complete,
    /// 可用性.
    Usable,
    /// 安全性.
    Secure,
}

impl Aspect {
    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Aspect::Authentic, Lang::Zh) => "真实性",
            (Aspect::Complete, Lang::Zh) => "完整性",
            (Aspect::Usable, Lang::Zh) => "可用性",
            (Aspect::Secure, Lang::Zh) => "安全性",
            (Aspect::Authentic, Lang::En) => "authenticity",
            (Aspect::Complete, Lang::En) => "integrity",
            (Aspect::Usable, Lang::En) => "usability",
            (Aspect::Secure, Lang::En) => "security",
        }
    }
}

/// The most failures one check's line names.
const SHOWN: usize = 20;

/// One check and what failed it (each naming the 件 and the element or file).
pub struct Check {
    /// Which property it checks.
    pub aspect: Aspect,
    /// What it checks.
    pub what: Text,
    /// What it covered, when it passed (`52 个文件`).
    pub covered: String,
    /// Its failures; none: passed.
    pub failures: Vec<String>,
}

impl Check {
    fn new(aspect: Aspect, zh: &str, en: &str) -> Check {
        Check { aspect, what: Text::new(zh, en), covered: String::new(), failures: Vec::new() }
    }

    fn fail(&mut self, failure: impl Into<String>) {
        self.failures.push(failure.into());
    }

    /// The check's one line: ✓ or ✗, the property, what, and the failures.
    pub fn line(&self, lang: Lang) -> String {
        let what = self.what.get(lang);
        match self.failures.as_slice() {
            [] => format!("✓ {}：{what}（{}）", self.aspect.label(lang), self.covered),
            failures => {
                let shown: Vec<&str> = failures.iter().take(SHOWN).map(String::as_str).collect();
                let more = match failures.len() {
                    n if n > SHOWN => format!("；另 {} 处", n - SHOWN),
                    _ => String::new(),
                };
                format!("✗ {}：{what} — {}{more}", self.aspect.label(lang), shown.join("；"))
            }
        }
    }
}

/// What hayro-syntax reads of a PDF: pages, encryption, embedded fonts, PDF/A-2b.
pub struct PdfFacts {
    /// Its page count.
    pub pages: usize,
    /// Whether the trailer names an encryption dictionary.
    pub encrypted: bool,
    /// Fonts whose program is not in the file.
    pub unembedded: usize,
    /// Whether its XMP says PDF/A-2b.
    pub archival: bool,
}

/// The page count of a PDF, if it opens.
pub fn pdf_pages(bytes: &[u8]) -> Option<usize> {
    pdf_facts(bytes).map(|f| f.pages)
}

/// Reads `bytes` as a PDF; `None` if it does not open.
pub fn pdf_facts(bytes: &[u8]) -> Option<PdfFacts> {
    use hayro_syntax::object::{Dict, Name, Object};
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    let encrypted = has(b"/Encrypt");
    let pdf = hayro_syntax::Pdf::new(bytes.to_vec()).ok()?;
    let pages = pdf.pages().len();
    let mut unembedded = 0;
    for object in pdf.objects() {
        if let Object::Dict(dict) = object {
            let dict: Dict = dict;
            let kind: Option<Name> = dict.get(b"Type");
            if kind.is_some_and(|k| k.as_ref() == b"FontDescriptor")
                && !["FontFile", "FontFile2", "FontFile3"].iter().any(|k| dict.contains_key(k))
            {
                unembedded += 1;
            }
        }
    }
    let archival = has(b"<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>")
        || (has(b"pdfaid:part=\"2\"") && has(b"pdfaid:conformance=\"B\""));
    Some(PdfFacts { pages, encrypted, unembedded, archival })
}

/// Reads the regular file `rel` inside `dir`, refusing a link anywhere on its
/// way and any path that is not plain.
fn read_inside(dir: &Path, rel: &str) -> Option<Vec<u8>> {
    std::fs::read(file_inside(dir, rel)?).ok()
}

/// The regular file `rel` inside `dir`, when it is reached without a link and
/// `rel` is plain.
fn file_inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    if !crate::out_dir::is_plain(rel) {
        return None;
    }
    let mut path = dir.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if meta.file_type().is_symlink() {
            return None;
        }
    }
    std::fs::symlink_metadata(&path).ok().filter(|m| m.is_file())?;
    Some(path)
}

/// One 件 found in the package.
struct Found {
    /// Its folder, relative.
    folder: String,
    /// Its metadata file's record.
    record: Record,
}

/// Checks the package at `dir`; the history is judged from `trust_root` when
/// given (the root commit the bureau registered), else as it anchors itself.
pub fn verify(dir: &Path, lang: Lang, trust_root: Option<String>) -> Vec<Check> {
    let mut checks = Vec::new();
    // 安全性 first: what may be read at all.
    let mut links =
        Check::new(Aspect::Secure, "无符号链接、无特殊文件", "no symbolic link or special file");
    let mut present: BTreeSet<String> = BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name() {
        let Ok(entry) = entry else {
            links.fail("无法读取目录 / unreadable folder");
            continue;
        };
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let rel = rel.join("/");
        let kind = entry.file_type();
        if kind.is_symlink() {
            links.fail(format!("{rel}：符号链接 / a symbolic link"));
        } else if kind.is_file() {
            present.insert(rel);
        } else if !kind.is_dir() {
            links.fail(format!("{rel}：不是普通文件 / not a regular file"));
        }
    }
    links.covered = format!("{} 个文件", present.len());

    let manifest_text =
        read_inside(dir, MANIFEST).map(|b| String::from_utf8_lossy(&b).into_owned());
    let mut paths =
        Check::new(Aspect::Secure, "清单中的路径都在包内", "every manifest path stays inside");
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    match &manifest_text {
        None => paths.fail(format!("缺少 {MANIFEST} / missing")),
        Some(text) => {
            for (n, line) in text.lines().enumerate() {
                let Some((digest, rel)) = line.split_once("  ") else {
                    paths.fail(format!(
                        "{MANIFEST} 第 {} 行格式不对 / line {} malformed",
                        n + 1,
                        n + 1
                    ));
                    continue;
                };
                if !crate::out_dir::is_plain(rel) {
                    paths.fail(format!("{rel}：不是包内的相对路径 / not a plain relative path"));
                    continue;
                }
                listed.insert(rel.to_string(), digest.to_string());
            }
        }
    }
    paths.covered = format!("{} 条", listed.len());
    let mut extra =
        Check::new(Aspect::Secure, "没有清单之外的文件", "no file outside the manifest");
    for rel in present.iter().filter(|r| *r != MANIFEST && !listed.contains_key(*r)) {
        extra.fail(format!("{}{rel}：不在清单中 / not in the manifest", item_of(rel)));
    }
    extra.covered = format!("{} 个文件", present.len());

    let mut digests = Check::new(
        Aspect::Authentic,
        "每个文件的 SHA-256 与清单一致",
        "every file's SHA-256 matches the manifest",
    );
    for (rel, digest) in &listed {
        match read_inside(dir, rel) {
            None => digests.fail(format!("{}{rel}：缺失 / missing", item_of(rel))),
            Some(bytes) if hex(&Sha256::digest(&bytes)) != *digest => {
                digests.fail(format!("{}{rel}：数字摘要不符 / digest differs", item_of(rel)))
            }
            Some(_) => {}
        }
    }
    digests.covered = format!("{} 个文件", listed.len());

    // The metadata: each 件's own file and the catalogue.
    let mut xml = Check::new(Aspect::Usable, "XML 格式良好", "the XML is well formed");
    let mut found: Vec<Found> = Vec::new();
    for rel in present.iter().filter(|r| r.ends_with(".xml")) {
        let Some(bytes) = read_inside(dir, rel) else { continue };
        let text = String::from_utf8_lossy(&bytes);
        match record::read(&text) {
            Err(why) => xml.fail(format!("{}{rel}：{why}", item_of(rel))),
            Ok(records) if rel.starts_with(&format!("{ITEMS}/")) => {
                let folder = rel.rsplit_once('/').map_or("", |(f, _)| f).to_string();
                match records.as_slice() {
                    [record] => found.push(Found { folder, record: record.clone() }),
                    _ => xml.fail(format!(
                        "{}{rel}：应恰有一个 <文件> / one <文件> expected",
                        item_of(rel)
                    )),
                }
            }
            Ok(_) => {}
        }
    }
    xml.covered = format!("{} 个 XML 文件", present.iter().filter(|r| r.ends_with(".xml")).count());
    let catalogue: Vec<Record> = read_inside(dir, CATALOGUE)
        .and_then(|b| record::read(&String::from_utf8_lossy(&b)).ok())
        .unwrap_or_default();

    let mut codes = Check::new(
        Aspect::Authentic,
        "档号格式正确、与元数据一致且唯一",
        "each archival code is well formed, matches its metadata and is unique",
    );
    let mut seen = BTreeSet::new();
    for f in &found {
        let r = &f.record;
        let expected = format!(
            "{}-{}·{}-{}-{}-{}",
            r.fonds,
            super::CLASS,
            r.year,
            r.retention,
            r.unit_code,
            r.item
        );
        let well_formed = crate::config::is_code(&r.fonds)
            && r.year.len() == 4
            && r.year.bytes().all(|b| b.is_ascii_digit())
            && crate::config::Retention::parse(&r.retention).is_some()
            && crate::config::is_code(&r.unit_code)
            && r.item.len() == 4
            && r.item.bytes().all(|b| b.is_ascii_digit());
        if !well_formed || r.code != expected {
            codes.fail(format!("件 {}：档号 / archival code", r.code));
        }
        let folder = format!("{ITEMS}/{}/{}/{}", r.year, r.retention, r.code);
        if f.folder != folder {
            codes.fail(format!("件 {}：目录位置 {} / folder", r.code, f.folder));
        }
        if !seen.insert(r.code.clone()) {
            codes.fail(format!("件 {}：档号重复 / duplicate", r.code));
        }
    }
    codes.covered = format!("{} 件", found.len());

    let mut files = Check::new(
        Aspect::Authentic,
        "文件名、大小、格式、摘要与元数据一致",
        "file name, size, format and digest as the metadata say",
    );
    let mut pdfs = Check::new(
        Aspect::Usable,
        "PDF 可打开、未加密、字体嵌入、PDF/A-2b、页数与元数据一致",
        "each PDF opens, is not encrypted, embeds its fonts, is PDF/A-2b and has the pages its metadata say",
    );
    for f in &found {
        let r = &f.record;
        if r.file_name != format!("{}.pdf", r.code) {
            files.fail(format!("件 {}：计算机文件名 / file name", r.code));
        }
        let Some(bytes) = read_inside(dir, &format!("{}/{}", f.folder, r.file_name)) else {
            files.fail(format!("件 {}：计算机文件名 {} 不存在 / missing", r.code, r.file_name));
            continue;
        };
        if r.file_size != bytes.len().to_string() {
            files.fail(format!("件 {}：计算机文件大小 / file size", r.code));
        }
        if r.digest != hex(&Sha256::digest(&bytes)) {
            files.fail(format!("件 {}：数字摘要 / digest", r.code));
        }
        if r.format != super::FORMAT {
            files.fail(format!("件 {}：格式信息 / format", r.code));
        }
        check_pdf(&mut pdfs, &format!("件 {}", r.code), &bytes, Some(&r.pages));
    }
    for rel in
        present.iter().filter(|r| r.ends_with(".pdf") && !r.starts_with(&format!("{ITEMS}/")))
    {
        if let Some(bytes) = read_inside(dir, rel) {
            check_pdf(&mut pdfs, rel, &bytes, None);
        }
    }
    files.covered = format!("{} 件", found.len());
    pdfs.covered = format!("{} 个 PDF", present.iter().filter(|r| r.ends_with(".pdf")).count());

    let mut elements = Check::new(
        Aspect::Complete,
        "每件的必备元数据齐全",
        "every mandatory element of every 件 is present",
    );
    for r in found.iter().map(|f| &f.record).chain(&catalogue) {
        for (name, value, mandatory) in record::elements(r) {
            if mandatory && value.trim().is_empty() {
                elements.fail(format!("件 {}：{name}", r.code));
            }
        }
        for kind in ["起草", "审核", "发布", "归档"] {
            if r.action(kind).is_none_or(|a| a.person.is_empty() || a.time.is_empty()) {
                elements.fail(format!("件 {}：业务行为 {kind}", r.code));
            }
        }
    }
    elements.covered = format!("{} 件", found.len());

    let mut agree = Check::new(
        Aspect::Complete,
        "归档文件目录与各件元数据一致",
        "the catalogue agrees with each 件's metadata",
    );
    let by_code: BTreeMap<&str, &Record> =
        found.iter().map(|f| (f.record.code.as_str(), &f.record)).collect();
    for c in &catalogue {
        match by_code.get(c.code.as_str()) {
            None => agree.fail(format!("件 {}：目录中有、包中没有 / listed, not present", c.code)),
            Some(r) => {
                for ((name, a, _), (_, b, _)) in record::elements(c).iter().zip(record::elements(r))
                {
                    if *a != b {
                        agree.fail(format!("件 {}：{name}", c.code));
                    }
                }
                if c.actions != r.actions {
                    agree.fail(format!("件 {}：业务行为", c.code));
                }
            }
        }
    }
    for code in by_code.keys().filter(|code| !catalogue.iter().any(|c| c.code == **code)) {
        agree.fail(format!("件 {code}：不在归档文件目录中 / not in the catalogue"));
    }
    agree.covered = format!("{} 条目录", catalogue.len());

    let mut numbers = Check::new(
        Aspect::Complete,
        "件号在年度、期限、机构内连续",
        "item numbers run without gaps within year, retention and unit",
    );
    let mut groups: BTreeMap<(String, String, String), Vec<u32>> = BTreeMap::new();
    for r in found.iter().map(|f| &f.record) {
        let key = (r.year.clone(), r.retention.clone(), r.unit_code.clone());
        groups.entry(key).or_default().push(r.item.parse().unwrap_or(0));
    }
    for ((year, retention, unit), mut items) in groups {
        items.sort_unstable();
        if items != (1..=items.len() as u32).collect::<Vec<_>>() {
            numbers.fail(format!("{year}-{retention}-{unit}：件号 {items:?}"));
        }
    }
    numbers.covered = format!("{} 件", found.len());

    // The history: every approval and publication verified from the bundle.
    let readme = read_inside(dir, README)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let field = |name: &str| {
        readme.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_string())
    };
    let stated: Option<usize> =
        field("件数：").and_then(|v| v.split('（').next()?.trim().parse().ok());
    let mut history = Check::new(
        Aspect::Authentic,
        "审核、发布的签名由历史包验证，元数据与签名历史一致",
        "approvals and publications verify from the bundled history, and the metadata agree with it",
    );
    let mut sources = Check::new(
        Aspect::Authentic,
        "源文件是签名的原稿和图片",
        "the sources are the signed text and pictures",
    );
    let published = judge_history(
        dir,
        lang,
        trust_root,
        field("主分支提交：").as_deref(),
        &found,
        &mut history,
        &mut sources,
    );
    history.covered = format!("{} 件", found.len());
    sources.covered = format!("{} 件", found.len());

    let mut counts = Check::new(
        Aspect::Complete,
        "说明文件、目录、各件目录和历史中的件数一致",
        "the counts agree across the description, the catalogue, the folders and the history",
    );
    let folders = present
        .iter()
        .filter(|r| r.starts_with(&format!("{ITEMS}/")))
        .filter_map(|r| r.split('/').nth(3))
        .collect::<BTreeSet<_>>()
        .len();
    let n = found.len();
    for (what, count) in [
        ("说明文件 / description", stated),
        ("归档文件目录 / catalogue", Some(catalogue.len())),
        ("各件目录 / folders", Some(folders)),
        ("历史中已发布 / published in the history", published),
    ] {
        if count != Some(n) {
            let count = count.map_or("?".to_string(), |c| c.to_string());
            counts.fail(format!("{what}：{count}，元数据 {n} 件"));
        }
    }
    counts.covered = format!("{n} 件");

    checks.extend([
        links, paths, extra, digests, codes, files, history, sources, counts, numbers, elements,
        agree, xml, pdfs,
    ]);
    checks
}

/// `件 CODE：` for a path inside a 件's folder, else nothing.
fn item_of(rel: &str) -> String {
    match rel.strip_prefix(&format!("{ITEMS}/")).and_then(|r| r.split('/').nth(2)) {
        Some(code) => format!("件 {code}："),
        None => String::new(),
    }
}

/// Checks one PDF for [`verify`]'s 可用性.
fn check_pdf(check: &mut Check, name: &str, bytes: &[u8], pages: Option<&str>) {
    let Some(facts) = pdf_facts(bytes) else {
        check.fail(format!("{name}：PDF 无法打开 / does not open"));
        return;
    };
    if facts.encrypted {
        check.fail(format!("{name}：加密 / encrypted"));
    }
    if facts.unembedded > 0 {
        check.fail(format!("{name}：{} 个字体未嵌入 / fonts not embedded", facts.unembedded));
    }
    if !facts.archival {
        check.fail(format!("{name}：不是 PDF/A-2b / not PDF/A-2b"));
    }
    if pages.is_some_and(|p| p != facts.pages.to_string()) {
        check.fail(format!("{name}：页数 {} / pages", facts.pages));
    }
}

/// Clones the bundle, judges its history and compares every 件 with it: returns
/// how many reports the history says were published in the package's year.
fn judge_history(
    dir: &Path,
    lang: Lang,
    trust_root: Option<String>,
    tip: Option<&str>,
    found: &[Found],
    history: &mut Check,
    sources: &mut Check,
) -> Option<usize> {
    let Some(bundle) = file_inside(dir, BUNDLE) else {
        history.fail(format!("缺少 {BUNDLE} / missing"));
        return None;
    };
    let scratch = Scratch::new();
    let clone = scratch.0.join("repository");
    let out = std::process::Command::new("git")
        .args(["clone", "--quiet", "--no-hardlinks", "--branch", "main"])
        .arg(&bundle)
        .arg(&clone)
        .output();
    if !out.as_ref().is_ok_and(|o| o.status.success()) {
        let why = out
            .map(|o| String::from_utf8_lossy(&o.stderr).trim().to_string())
            .unwrap_or_else(|e| e.to_string());
        history.fail(format!("{BUNDLE}：无法读取 / unreadable: {why}"));
        return None;
    }
    let run = crate::run::Run::open(&clone, lang, trust_root);
    let verdicts =
        match crate::pipeline::judge(&run, crate::pipeline::Purpose::Figures { deleted: false }) {
            Ok(v) => v,
            Err(err) => {
                history.fail(format!("{BUNDLE}：{err:#}"));
                return None;
            }
        };
    let ledger = verdicts.ledger.as_ref()?;
    let git = run.git()?;
    let head = git.find_reference("refs/heads/main").ok()?.peel_to_commit().ok()?.id().to_string();
    if tip.is_some_and(|t| t != head) || tip.is_none() {
        history.fail(format!("历史包的 main 是 {head}，说明文件所记为 {} / the bundle's main is not the commit the description names", tip.unwrap_or("?")));
    }
    let years: BTreeSet<i32> = found.iter().filter_map(|f| f.record.year.parse().ok()).collect();
    let zone = verdicts.repo.settings.timezone;
    let mut published = 0;
    for year in &years {
        let volume = crate::volume::select(
            &verdicts.repo,
            ledger,
            &verdicts.late,
            crate::stats::Period::Year(*year),
            crate::volume::By::Category,
        );
        published += volume.entries().count();
        let in_year: BTreeSet<&str> = volume.entries().map(|e| e.report.id.as_str()).collect();
        for id in &in_year {
            if !found.iter().any(|f| f.record.id == *id) {
                history.fail(format!(
                    "{id}：历史中已发布，包中没有 / published in the history, not in the package"
                ));
            }
        }
    }
    for f in found {
        let r = &f.record;
        let Some(report) = verdicts.repo.report(&r.id) else {
            history.fail(format!(
                "件 {}：电子文件号 {} 不在历史中 / not in the history",
                r.code, r.id
            ));
            continue;
        };
        let Some(trail) = ledger.trail_of(report) else {
            history.fail(format!("件 {}：电子文件号 {} 不在主分支上 / not on main", r.code, r.id));
            continue;
        };
        if trail.state != crate::approval::State::Published {
            history.fail(format!(
                "件 {}：历史中未经有效签名发布 / not published with a valid signature",
                r.code
            ));
        }
        let day = |at: i64| {
            chrono::DateTime::from_timestamp(at, 0)
                .unwrap_or_default()
                .with_timezone(&zone)
                .format("%Y%m%d")
                .to_string()
        };
        let mut differs = |name: &str, ok: bool| {
            if !ok {
                history.fail(format!("件 {}：{name}", r.code));
            }
        };
        differs("题名 / title", r.title == crate::fields::text(&report.title));
        differs("责任者 / unit", r.unit == crate::fields::text(&report.unit));
        let signed = |kind: &str, signature: Option<&crate::approval::Signature>| {
            let action = r.action(kind);
            match (action, signature) {
                (Some(a), Some(s)) => {
                    a.person == s.name
                        && a.commit == s.commit.to_string()
                        && a.key == s.key
                        && a.time == crate::time::rfc3339(s.at, zone)
                }
                _ => false,
            }
        };
        differs("业务行为 审核 / approval", signed("审核", trail.approved_by.last()));
        differs("业务行为 发布 / publication", signed("发布", trail.published_by.last()));
        differs("日期 / date", trail.published_by.last().is_some_and(|s| day(s.at) == r.date));
        let submitted = trail.steps.iter().find_map(|s| match s {
            crate::approval::Step::Submitted { commit, .. } => Some(commit.to_string()),
            _ => None,
        });
        differs(
            "业务行为 起草 / drafting",
            r.action("起草").is_some_and(|a| Some(&a.commit) == submitted.as_ref()),
        );
        // The sources: the signed text and pictures, byte for byte.
        let Some(content) = trail.signed_content() else { continue };
        let blob = |rel: &str| {
            read_inside(dir, &format!("{}/源文件/{rel}", f.folder))
                .and_then(|bytes| git2::Oid::hash_object(git2::ObjectType::Blob, &bytes).ok())
        };
        if blob(&trail.file) != Some(content.text) {
            sources.fail(format!("件 {}：源文件 {}", r.code, trail.file));
        }
        for (path, signed) in &content.pictures {
            if signed.is_some() && blob(path) != *signed {
                sources.fail(format!("件 {}：图片 {path}", r.code));
            }
        }
    }
    Some(published)
}

/// A folder of our own under the system's temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("xinbao-verify-{}-{nanos}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

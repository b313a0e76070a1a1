//! The archive (SPEC §7): a static site that opens straight from disk, with no
//! server, no network and no script from any report. It has pages by category, by
//! date (year → month), by unit and by request, one page per report with its
//! pictures, emergency elements, relations and approval trail, and a Chinese
//! full-text search that runs in the browser from an index written at build time.
//!
//! [`generate`] turns the checked reports into [`Page`]s in memory; [`write()`] puts
//! on disk only the pages whose bytes changed, each atomically: pictures, assets
//! and the search index first, then the pages, the front page last, removals at
//! the end. An interrupted build leaves every file whole (old or new); running it
//! again completes the site.

mod html;
mod lists;
mod report_page;
pub mod search;
mod statistics;

use crate::approval::{State, Trail};
use crate::lang::Lang;
use crate::layout::Document;
use crate::load::Repository;
use crate::report::{Category, Report};
use crate::time::Time;
use anyhow::Context as _;
use chrono::Datelike as _;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The record of what the site's files hold, kept in the output folder.
pub const MANIFEST: &str = ".xinbao-site.json";

/// One report going into the archive.
pub struct Entry<'a> {
    /// The parsed report (it passed the check).
    pub report: &'a Report,
    /// Its laid-out text, the same as in its DOCX and PDF.
    pub document: &'a Document,
    /// Its approval state and history, when git was readable.
    pub trail: Option<&'a Trail>,
    /// Why it is late (迟报: its time-limit findings); empty when on time.
    pub late: &'a [crate::lang::Text],
    /// When the server received it (its receipt), if confirmed.
    pub received: Option<i64>,
}

impl Entry<'_> {
    fn id(&self) -> &str {
        &self.report.id
    }

    fn title(&self) -> &str {
        &self.document.title
    }

    fn category(&self) -> Category {
        self.report.category().unwrap_or(Category::Work)
    }

    fn unit(&self) -> &str {
        crate::fields::text(&self.report.unit)
    }

    /// When the report was submitted (its place in the date index).
    fn submitted(&self) -> Option<Time> {
        self.report.submitted_at.as_ref().map(|t| t.value)
    }

    fn is_late(&self) -> bool {
        !self.late.is_empty()
    }

    fn state(&self) -> State {
        self.trail.map_or(State::Draft, |t| t.state)
    }
}

/// What the archive is built from.
pub struct Input<'a> {
    /// The repository with its settings.
    pub repo: &'a Repository,
    /// The reports that passed the check, in any order.
    pub entries: Vec<Entry<'a>>,
    /// The documents present in `OUT/files/` (`<id>.docx`, `<id>.pdf`).
    pub files: &'a BTreeSet<String>,
    /// The language of the site's own words.
    pub lang: Lang,
    /// The statistics and the bulletin issues.
    pub assessment: &'a Assessment,
}

/// The statistics and bulletins of the archive.
#[derive(Debug, Default)]
pub struct Assessment {
    /// Every quarter from the first report on main to the last, oldest first.
    pub quarters: Vec<crate::stats::Stats>,
    /// The years of those quarters, oldest first.
    pub years: Vec<crate::stats::Stats>,
    /// The files in `OUT/bulletins/` (`2026-01.docx`, `2026-01.pdf`), to link the
    /// issues of `repo.bulletins` to their documents.
    pub bulletin_files: BTreeSet<String>,
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path under the output folder, with `/` separators.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Write order: files linked to (0) before the pages that link to them.
    pub tier: u8,
}

/// The archive as a whole, shared by every page while it is generated.
struct Site<'a> {
    input: &'a Input<'a>,
    /// Entries newest first.
    entries: Vec<&'a Entry<'a>>,
    by_id: BTreeMap<&'a str, &'a Entry<'a>>,
    /// Unit name → page slug.
    units: BTreeMap<String, String>,
    /// Report id → the follow-ups (续报) that continue it, oldest first.
    follow_ups: BTreeMap<&'a str, Vec<&'a Entry<'a>>>,
    /// Report id → the reports that retract it.
    retracted_by: BTreeMap<&'a str, Vec<&'a Entry<'a>>>,
    /// Request id → the reports that answer it, oldest first.
    answers: BTreeMap<&'a str, Vec<&'a Entry<'a>>>,
    /// (year, month) → its reports (newest first); months oldest first.
    months: BTreeMap<(i32, u32), Vec<&'a Entry<'a>>>,
}

impl<'a> Site<'a> {
    fn new(input: &'a Input<'a>) -> Site<'a> {
        let mut entries: Vec<&Entry> = input.entries.iter().collect();
        entries.sort_by(|a, b| b.submitted().cmp(&a.submitted()).then_with(|| a.id().cmp(b.id())));
        let by_id = entries.iter().map(|e| (e.id(), *e)).collect();
        let mut units = BTreeMap::new();
        let mut taken = BTreeSet::new();
        let names = input.repo.settings.units.iter().map(|u| u.as_str());
        for name in names.chain(entries.iter().map(|e| e.unit())) {
            if name.is_empty() || units.contains_key(name) {
                continue;
            }
            let base = crate::slug::from_chinese(name);
            let slug = (1..)
                .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
                .find(|s| !taken.contains(s))
                .unwrap_or(base);
            taken.insert(slug.clone());
            units.insert(name.to_string(), slug);
        }
        let (mut follow_ups, mut retracted_by, mut answers) =
            (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for entry in entries.iter().rev() {
            let report = entry.report;
            let links = [
                (&report.follow_up_of, &mut follow_ups),
                (&report.retracts, &mut retracted_by),
                (&report.request, &mut answers),
            ];
            for (field, map) in links {
                if let Some(target) = field {
                    map.entry(target.value.as_str()).or_insert_with(Vec::new).push(*entry);
                }
            }
        }
        let mut site = Site {
            input,
            entries,
            by_id,
            units,
            follow_ups,
            retracted_by,
            answers,
            months: BTreeMap::new(),
        };
        let mut months: BTreeMap<(i32, u32), Vec<&Entry>> = BTreeMap::new();
        for entry in &site.entries {
            if let Some(date) = site.date(entry) {
                months.entry((date.year(), date.month())).or_default().push(entry);
            }
        }
        site.months = months;
        site
    }

    /// The language of the site's own words.
    fn lang(&self) -> Lang {
        self.input.lang
    }

    /// The site's words in its language.
    fn t<'s>(&self, zh: &'s str, en: &'s str) -> &'s str {
        self.lang().pick(zh, en)
    }

    fn bureau(&self) -> &str {
        &self.input.repo.settings.bureau
    }

    fn category_name(&self, category: Category) -> &'static str {
        match self.lang() {
            Lang::Zh => category.label(),
            Lang::En => category.english(),
        }
    }

    fn state_name(&self, state: State) -> &'static str {
        match (self.lang(), state) {
            (Lang::Zh, State::Draft) => "草稿",
            (Lang::Zh, State::Submitted) => "待审核",
            (Lang::Zh, State::Approved) => "已审核",
            (Lang::Zh, State::Published) => "已发布",
            (Lang::Zh, State::Stale) => "审核失效",
            (Lang::En, state) => state.id(),
        }
    }

    /// A moment in the bureau's time zone, as `2026年3月2日 09:30`.
    fn time(&self, at: Time) -> String {
        let local = at.with_timezone(&self.input.repo.settings.timezone);
        match self.lang() {
            Lang::Zh => local.format("%Y年%-m月%-d日 %H:%M").to_string(),
            Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// Seconds since the epoch as a local time.
    fn epoch(&self, at: i64) -> String {
        let zone = self.input.repo.settings.timezone;
        self.time(chrono::DateTime::from_timestamp(at, 0).unwrap_or_default().with_timezone(&zone))
    }

    /// The local date of a report: its submission day.
    fn date(&self, entry: &Entry) -> Option<chrono::NaiveDate> {
        let zone = self.input.repo.settings.timezone;
        entry.submitted().map(|t| t.with_timezone(&zone).date_naive())
    }

    fn day_name(&self, date: chrono::NaiveDate) -> String {
        match self.lang() {
            Lang::Zh => date.format("%Y年%-m月%-d日").to_string(),
            Lang::En => date.format("%Y-%m-%d").to_string(),
        }
    }

    fn month_name(&self, year: i32, month: u32) -> String {
        match self.lang() {
            Lang::Zh => format!("{year}年{month}月"),
            Lang::En => format!("{year}-{month:02}"),
        }
    }
}

/// Every file of the archive for `input`.
pub fn generate(input: &Input) -> Vec<Page> {
    let site = Site::new(input);
    let mut pages: Vec<Page> =
        site.entries.par_iter().flat_map_iter(|entry| report_page::page(&site, entry)).collect();
    pages.extend(lists::pages(&site));
    pages.extend(search::pages(&site));
    pages.extend(statistics::pages(&site));
    pages.push(asset("assets/style.css", include_str!("style.css")));
    pages.push(asset("assets/favicon.svg", include_str!("favicon.svg")));
    pages.push(asset("assets/search.js", include_str!("search.js")));
    // One copy of each picture, however many reports show it.
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages.dedup_by(|a, b| a.path == b.path);
    pages
}

fn asset(path: &str, text: &str) -> Page {
    Page { path: path.to_string(), bytes: text.as_bytes().to_vec(), tier: 0 }
}

/// What [`write()`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Files written because they are new or changed.
    pub written: usize,
    /// Files left as they were.
    pub kept: usize,
    /// Files of the previous build that are gone.
    pub removed: usize,
}

/// Writes `pages` under `out`: only those whose bytes differ from the previous
/// build (or that are missing), each atomically, in tier order; then removes the
/// previous build's files that are no longer part of the site.
pub fn write(out: &Path, pages: &[Page]) -> anyhow::Result<Written> {
    let manifest_path = out.join(MANIFEST);
    let old: BTreeMap<String, String> = std::fs::read(&manifest_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let hashes: Vec<String> = pages.par_iter().map(|p| hex(&Sha256::digest(&p.bytes))).collect();
    let dirs: BTreeSet<&Path> = pages.iter().filter_map(|p| Path::new(&p.path).parent()).collect();
    for dir in dirs {
        let dir = out.join(dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut done = Written::default();
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by_key(|&i| pages[i].tier);
    for tier in order.chunk_by(|&a, &b| pages[a].tier == pages[b].tier) {
        let results: Vec<anyhow::Result<bool>> = tier
            .par_iter()
            .map(|&i| {
                let page = &pages[i];
                let target = out.join(&page.path);
                if old.get(&page.path) == Some(&hashes[i]) && target.is_file() {
                    return Ok(false);
                }
                crate::atomic::write_unsynced(&target, &page.bytes)
                    .with_context(|| format!("writing {}", target.display()))?;
                Ok(true)
            })
            .collect();
        for result in results {
            if result? {
                done.written += 1;
            } else {
                done.kept += 1;
            }
        }
    }
    let manifest: BTreeMap<String, String> =
        pages.iter().zip(hashes).map(|(p, h)| (p.path.clone(), h)).collect();
    crate::atomic::write(&manifest_path, &serde_json::to_vec_pretty(&manifest)?)
        .context("writing the site manifest")?;
    for path in old.keys().filter(|p| !manifest.contains_key(*p)) {
        // Only plain relative paths the manifest could have written.
        if path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
            && std::fs::remove_file(out.join(path)).is_ok()
        {
            done.removed += 1;
        }
    }
    Ok(done)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

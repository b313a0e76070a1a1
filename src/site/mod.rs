//! The archive (SPEC §7): a static site that opens straight from disk, with no
//! server, no network and no script from any report. It has pages by category, by
//! date (year → month), by unit and by request, one page per report with its
//! pictures, emergency elements, relations and approval trail, and a Chinese
//! full-text search that runs in the browser from an index written at build time.
//!
//! An [`Archive`] takes the checked reports a batch at a time, each with the same
//! laid-out [`Document`] its DOCX and PDF were made from (the build lays every
//! report out once), turns them into [`Page`]s, and its [`Writer`] puts on disk
//! only the pages whose bytes changed, each atomically. What it made of each
//! report is kept between builds ([`kept`]): a report whose page cannot have
//! changed is not laid out again. Order of writing: assets first, then each
//! batch's pictures before its report pages, then the search index, statistics
//! and lists, the front page last, removals at the end.
//! An interrupted build leaves every file whole (old or new); running it again
//! completes the site.
//!
//! The archive is what the office published (SPEC §7): the build hands in only
//! published reports, unless it is an internal preview (`--drafts`), whose every
//! page says so and whose unpublished reports are marked 未发布 wherever they
//! appear. Phone numbers are masked on the pages ([`privacy`]).

mod html;
mod kept;
pub use kept::Previous;
mod lists;
mod privacy;
mod report_page;
pub mod search;
mod statistics;
mod volumes;
mod writer;

use crate::approval::{State, Trail};
use crate::lang::Lang;
use crate::layout::Document;
use crate::load::Repository;
use crate::out_dir::OutDir;
use crate::report::{Category, Report};
use crate::time::Time;
use chrono::Datelike as _;
use kept::Made;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
pub use writer::Written;
use writer::{Writer, hex};

/// The record of what the site's files hold, kept in the output folder.
pub const MANIFEST: &str = ".xinbao-site.json";

/// One report going into the archive.
pub struct Entry<'a> {
    /// The parsed report (it passed the check).
    pub report: &'a Report,
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

    /// The path of its page in the site.
    fn page(&self) -> String {
        format!("reports/{}.html", self.id())
    }

    /// Its title, as in its DOCX and PDF.
    fn title(&self) -> &str {
        crate::fields::text(&self.report.title)
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
    /// The reports that passed the check and can be laid out (read from the work
    /// tree), in any order.
    pub entries: Vec<Entry<'a>>,
    /// The language of the site's own words.
    pub lang: Lang,
    /// The statistics and the bulletin issues.
    pub assessment: &'a Assessment,
    /// An internal preview (`build --drafts`): `entries` may hold unpublished
    /// reports, and every page says it is a preview.
    pub drafts: bool,
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
    /// Each year with published reports, newest first, with its catalogue.
    pub volumes: Vec<(i32, Vec<crate::transfer::Row>)>,
    /// The files in `OUT/volumes/` (`信息汇编-2026.pdf`), made by `xinbao volume`.
    pub volume_files: BTreeSet<String>,
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
        entries.sort_by(|a, b| newest_first(a.report, b.report));
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

    /// A state as the archive shows it; in an internal preview every state but
    /// `published` is marked 未发布 (a published archive shows no other state).
    fn state_name(&self, state: State) -> &'static str {
        let marked = self.input.drafts && state != State::Published;
        match (self.lang(), state) {
            (Lang::Zh, State::Published) => "已发布",
            (Lang::Zh, State::Draft) if marked => "未发布（草稿）",
            (Lang::Zh, State::Submitted) if marked => "未发布（待审核）",
            (Lang::Zh, State::Approved) if marked => "未发布（已审核）",
            (Lang::Zh, State::Stale) if marked => "未发布（审核失效）",
            (Lang::Zh, State::Draft) => "草稿",
            (Lang::Zh, State::Submitted) => "待审核",
            (Lang::Zh, State::Approved) => "已审核",
            (Lang::Zh, State::Stale) => "审核失效",
            (Lang::En, State::Draft) if marked => "unpublished (draft)",
            (Lang::En, State::Submitted) if marked => "unpublished (submitted)",
            (Lang::En, State::Approved) if marked => "unpublished (approved)",
            (Lang::En, State::Stale) if marked => "unpublished (stale)",
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

/// The archive's order of reports: newest submission first, then by id. The
/// build lays reports out in this order so that the archive can take each batch
/// of documents as it is rendered.
pub fn newest_first(a: &Report, b: &Report) -> std::cmp::Ordering {
    let submitted = |r: &Report| r.submitted_at.as_ref().map(|t| t.value);
    submitted(b).cmp(&submitted(a)).then_with(|| a.id.cmp(&b.id))
}

/// The archive being written: the assets when it begins, each batch of report
/// pages as the build lays the reports out, the search index, statistics and
/// lists when it finishes. What it made of each report is kept for the next
/// build ([`kept`]): a report whose page cannot have changed is not laid out
/// again.
pub struct Archive<'a> {
    site: Site<'a>,
    writer: Writer,
    index: search::Index,
    kept: kept::Kept,
    /// For the next batch ([`Archive::plan`]): each entry's key and what is kept of it.
    planned: Vec<(Option<kept::Hash>, Option<kept::Made>)>,
    /// How many of `site.entries` (newest first) have been added.
    added: usize,
}

impl<'a> Archive<'a> {
    /// Starts the archive of `input` under `out`, writing its assets; what the
    /// `previous` build made is kept where it still holds (none outside git).
    pub fn begin(
        out: &OutDir,
        input: &'a Input<'a>,
        previous: Option<kept::Previous>,
    ) -> anyhow::Result<Archive<'a>> {
        let mut writer = Writer::open(out);
        writer.put(vec![
            asset("assets/style.css", include_str!("style.css")),
            asset("assets/favicon.svg", include_str!("favicon.svg")),
            asset("assets/search.js", include_str!("search.js")),
        ])?;
        let site = Site::new(input);
        let kept = kept::Kept::open(previous, &site);
        // Room for the previous build's search pairs and a quarter more: growing
        // a vector of millions by doubling copies it, and touches fresh memory.
        let index = search::Index::with_capacity(kept.pairs() / 4 * 5);
        Ok(Archive { site, writer, index, kept, planned: Vec::new(), added: 0 })
    }

    /// Looks up the next `batch` of reports in the archive's order
    /// ([`newest_first`]); `files` are the documents present in `OUT/files/`
    /// (`<id>.docx`, `<id>.pdf`) for them. Says, report by report, which need no
    /// document because their page, pictures and search keys are kept.
    pub fn plan(&mut self, batch: &[&Report], files: &BTreeSet<String>) -> Vec<bool> {
        let site = &self.site;
        let count = batch.iter().filter(|r| r.read.is_some()).count();
        let entries = site.entries.get(self.added..self.added + count).unwrap_or_default();
        let (kept, writer) = (&self.kept, &self.writer);
        let found: Vec<(Option<kept::Hash>, bool)> = entries
            .par_iter()
            .map(|entry| {
                let key = kept.key(site, entry, files);
                let made = key.as_ref().and_then(|key| kept.get(key));
                let on_disk = made.is_some_and(|made| {
                    writer.has(&entry.page(), &made.page)
                        && made.pictures.iter().all(|(path, hash)| writer.has(path, hash))
                });
                (key, on_disk)
            })
            .collect();
        self.planned = found
            .into_iter()
            .map(|(key, on_disk)| {
                let made = key.as_ref().filter(|_| on_disk).and_then(|key| self.kept.take(key));
                (key, made)
            })
            .collect();
        let mut planned = self.planned.iter();
        batch
            .iter()
            .map(|r| r.read.is_some() && planned.next().is_some_and(|(_, made)| made.is_some()))
            .collect()
    }

    /// Writes the pages of the next `documents`, as [planned](Archive::plan):
    /// each report of the input's entries with the document its DOCX and PDF
    /// were made from, or none when its page is kept. `files` are those given
    /// to the plan.
    pub fn add(
        &mut self,
        documents: Vec<(&Report, Option<Document>)>,
        files: &BTreeSet<String>,
    ) -> anyhow::Result<()> {
        let site = &self.site;
        let first = self.added;
        let entries = site.entries.get(first..first + documents.len()).unwrap_or_default();
        let in_order = entries.len() == documents.len()
            && self.planned.len() == documents.len()
            && entries.iter().zip(&documents).all(|(e, (r, _))| std::ptr::eq(e.report, *r));
        anyhow::ensure!(
            in_order,
            "the archive was given reports out of its order, or without their plan"
        );
        let planned = std::mem::take(&mut self.planned);
        let show_phone = site.input.repo.settings.site.show_phone;
        let made: Vec<anyhow::Result<Added>> = entries
            .par_iter()
            .zip(documents)
            .zip(planned.into_par_iter())
            .map(|((entry, (_, document)), (key, kept))| match (kept, document) {
                (Some(made), _) => Ok((key, made, Vec::new(), Vec::new(), true)),
                (None, Some(document)) => {
                    let document = privacy::for_archive(document, entry.report, show_phone);
                    let (made, pages, hashes) = make(site, entry, &document, files);
                    Ok((key, made, pages, hashes, false))
                }
                (None, None) => {
                    anyhow::bail!("{}: the archive was not given its document", entry.report.file)
                }
            })
            .collect();
        let mut pages = Vec::new();
        let mut hashes = Vec::new();
        let mut made_all = Vec::with_capacity(made.len());
        for (entry, result) in entries.iter().zip(made) {
            let (key, made, fresh, fresh_hashes, kept) = result?;
            if kept {
                self.writer.keep(&entry.page(), &made.page);
                made.pictures.iter().for_each(|(path, hash)| self.writer.keep(path, hash));
            }
            pages.extend(fresh);
            hashes.extend(fresh_hashes);
            made_all.push((key, made, kept));
        }
        self.writer.put_hashed(pages, hashes)?;
        for (key, made, kept) in made_all {
            self.index.push(&made.keys, &made.summary);
            self.kept.put(key, made, kept);
        }
        self.added += entries.len();
        Ok(())
    }

    /// Writes the search index, the statistics and the lists, the front page
    /// last, and removes what the previous build wrote that is gone; keeps what
    /// it made of each report for the next build.
    pub fn finish(mut self) -> anyhow::Result<Written> {
        let site = &self.site;
        anyhow::ensure!(
            self.added == site.entries.len(),
            "the archive was given {} of its {} reports",
            self.added,
            site.entries.len()
        );
        let index = std::mem::take(&mut self.index);
        // Each made beside the others: none reads what another makes; what was
        // made of each report is stored for the next build meanwhile.
        let kept = std::mem::take(&mut self.kept);
        let ((mut pages, (statistics, lists)), ()) = rayon::join(
            || {
                rayon::join(
                    || index.pages(site),
                    || rayon::join(|| statistics::pages(site), || lists::pages(site)),
                )
            },
            || kept.store(),
        );
        pages.extend(volumes::pages(site));
        pages.extend(statistics);
        pages.extend(lists);
        self.writer.put(pages)?;
        let written = self.writer.finish()?;
        Ok(written)
    }
}

/// One report added to the archive: its key, what is kept of it, its pages made
/// afresh and their SHA-256 (none when kept), and whether it was kept.
type Added = (Option<kept::Hash>, Made, Vec<Page>, Vec<kept::Hash>, bool);

/// The page of `entry` laid out as `document` (phone numbers masked), with the
/// pictures it copies and their SHA-256, and what is kept of it.
fn make(
    site: &Site,
    entry: &Entry,
    document: &Document,
    files: &BTreeSet<String>,
) -> (Made, Vec<Page>, Vec<kept::Hash>) {
    let pages = report_page::page(site, entry, document, files);
    let hashes: Vec<kept::Hash> = pages.iter().map(|p| Sha256::digest(&p.bytes).into()).collect();
    let page = entry.page();
    let keys = search::keys(&search::text(entry, document));
    let mut made = Made { keys, summary: search::summary_of(document), ..Made::default() };
    for (p, hash) in pages.iter().zip(&hashes) {
        if p.path == page {
            made.page = *hash;
        } else {
            made.pictures.push((p.path.clone(), *hash));
        }
    }
    (made, pages, hashes)
}

fn asset(path: &str, text: &str) -> Page {
    Page { path: path.to_string(), bytes: text.as_bytes().to_vec(), tier: 0 }
}

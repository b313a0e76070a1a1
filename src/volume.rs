//! The period's 信息汇编 (SPEC §7.1, seed §六 定期整理): which reports go into
//! the volume, in which groups and in which order. Only what the office
//! published counts, each report in the period of its arrival (its receipt, else
//! `submitted_at`, as the statistics count it); a report retracted by another on
//! main is listed as 已撤回 and not reprinted. The layout is
//! [`crate::layout::volume`], the PDF [`crate::render::volume`].

use crate::approval::{Ledger, State, Trail};
use crate::load::Repository;
use crate::report::Report;
use crate::rules::Lateness;
use crate::stats::Period;
use chrono::{DateTime, Datelike as _, NaiveDate, Utc};
use std::collections::BTreeMap;

/// How the contents are grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum By {
    /// By category, in the order of the rules (工作动态, 会议活动, …).
    #[default]
    Category,
    /// By month of arrival.
    Month,
}

/// One report of the volume.
#[derive(Clone)]
pub struct Entry<'r> {
    /// The report as the history puts it (the signed text).
    pub report: &'r Report,
    /// Its trail: published.
    pub trail: &'r Trail,
    /// When it arrived: its place in its group.
    pub arrived: DateTime<Utc>,
    /// The local day it arrived: its date in the contents.
    pub day: NaiveDate,
    /// Whether it came late (迟报).
    pub late: bool,
    /// The report that retracts it: listed, not reprinted.
    pub retracted_by: Option<String>,
}

impl Entry<'_> {
    /// Its title as the contents show it.
    pub fn title(&self) -> &str {
        crate::fields::text(&self.report.title)
    }

    /// Its unit.
    pub fn unit(&self) -> &str {
        crate::fields::text(&self.report.unit)
    }

    /// Whether it is printed in the volume (not retracted).
    pub fn printed(&self) -> bool {
        self.retracted_by.is_none()
    }
}

/// One group of the contents.
pub struct Group<'r> {
    /// 工作动态, or 2026年3月.
    pub name: String,
    /// Its reports, by arrival.
    pub entries: Vec<Entry<'r>>,
}

/// The volume of one period.
pub struct Volume<'r> {
    /// The quarter or year.
    pub period: Period,
    /// How it is grouped.
    pub by: By,
    /// The groups, none empty.
    pub groups: Vec<Group<'r>>,
    /// When its last report was published: the volume's date, so that the same
    /// history gives the same volume whenever it is compiled.
    pub date: DateTime<Utc>,
}

impl<'r> Volume<'r> {
    /// Every entry, in the order of the contents.
    pub fn entries(&self) -> impl Iterator<Item = &Entry<'r>> {
        self.groups.iter().flat_map(|g| &g.entries)
    }

    /// 《息烽县发展和改革局信息汇编（2026年）》's title, without the brackets.
    pub fn title(&self, bureau: &str) -> String {
        format!("{bureau}信息汇编（{}）", self.period.chinese())
    }

    /// The file stem: 信息汇编-2026, 信息汇编-2026Q3.
    pub fn stem(&self) -> String {
        format!("信息汇编-{}", self.period)
    }
}

/// The published reports of `period`, grouped `by` category or month.
pub fn select<'r>(
    repo: &'r Repository,
    ledger: &'r Ledger,
    late: &Lateness,
    period: Period,
    by: By,
) -> Volume<'r> {
    Published::of(repo, ledger, late).volume(period, by)
}

/// Every published report with its day of arrival, found once for the volumes
/// of several periods (the archive's catalogue of each year).
pub struct Published<'r> {
    entries: Vec<Entry<'r>>,
    zone: chrono::FixedOffset,
}

impl<'r> Published<'r> {
    /// The published reports of `repo`, by arrival.
    pub fn of(repo: &'r Repository, ledger: &'r Ledger, late: &Lateness) -> Published<'r> {
        let zone = repo.settings.timezone;
        // Reports on main (not drafts) that retract another: SPEC §6.3 severed the
        // references across units already.
        let mut retracted_by: BTreeMap<&str, &str> = BTreeMap::new();
        for report in repo.reports.iter() {
            let on_main = ledger.trail_of(report).is_some_and(|t| t.state != State::Draft);
            if let (true, Some(target)) = (on_main, &report.retracts)
                && target.value != report.id
            {
                retracted_by.entry(target.value.as_str()).or_insert(report.id.as_str());
            }
        }
        let mut entries: Vec<Entry> = repo
            .reports
            .iter()
            .filter_map(|report| {
                let trail = ledger.trail_of(report).filter(|t| t.state == State::Published)?;
                let submitted = report.submitted_at.as_ref()?.value;
                let arrived = late
                    .received(&report.file)
                    .and_then(|at| DateTime::from_timestamp(at, 0))
                    .map_or(submitted.to_utc(), |at| at);
                Some(Entry {
                    report,
                    trail,
                    arrived,
                    day: arrived.with_timezone(&zone).date_naive(),
                    late: !late.of(&report.file).is_empty(),
                    retracted_by: retracted_by.get(report.id.as_str()).map(|id| id.to_string()),
                })
            })
            .collect();
        entries.sort_by(|a, b| (a.arrived, &a.report.id).cmp(&(b.arrived, &b.report.id)));
        Published { entries, zone }
    }

    /// The volume of `period`, grouped `by` category or month.
    pub fn volume(&self, period: Period, by: By) -> Volume<'r> {
        let mut entries: Vec<Entry> =
            self.entries.iter().filter(|e| period.contains(e.day)).cloned().collect();
        let date = entries
            .iter()
            .flat_map(|e| e.trail.published_by.iter().map(|s| s.at))
            .max()
            .and_then(|at| DateTime::from_timestamp(at, 0))
            .unwrap_or_else(|| {
                let day = period.to().and_time(chrono::NaiveTime::MIN);
                let zone = self.zone;
                day.and_local_timezone(zone).single().map_or_else(|| day.and_utc(), |t| t.to_utc())
            });

        let mut groups: Vec<Group> = Vec::new();
        let key = |entry: &Entry| match by {
            By::Category => entry.report.category().map_or(usize::MAX, |c| {
                crate::report::Category::ALL.iter().position(|x| *x == c).unwrap_or(usize::MAX)
            }),
            By::Month => (entry.day.year() as usize) * 12 + entry.day.month0() as usize,
        };
        let name = |entry: &Entry| match by {
            By::Category => entry.report.category().map_or("其他", |c| c.label()).to_string(),
            By::Month => format!("{}年{}月", entry.day.year(), entry.day.month()),
        };
        entries.sort_by_key(|e| key(e));
        for entry in entries {
            match groups.last_mut() {
                Some(group) if group.name == name(&entry) => group.entries.push(entry),
                _ => groups.push(Group { name: name(&entry), entries: vec![entry] }),
            }
        }
        Volume { period, by, groups, date }
    }
}

//! Statistics and assessment (SPEC §8): per unit and period, what was submitted,
//! approved and published, on time or late, missed and retracted, adopted by
//! higher bodies, the quota, the score and the rank, each figure with the reports
//! behind it ([`Evidence`]). [`notice`] turns the figures into the quarterly notice
//! and the annual assessment.
//!
//! Everything is derived from the reports on the main branch (their state from
//! [`crate::approval`]), the findings of the check (a report is late when it has a
//! `deadline-exceeded` or `phone-report-missing` finding) and the requests.

pub mod notice;
pub mod period;

pub use period::Period;

use crate::approval::{Ledger, State};
use crate::lang::Text;
use crate::load::Repository;
use crate::report::{Category, Report};
use crate::rules::Lateness;
use crate::time::{Time, format_time};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What the figures are computed from.
pub struct Input<'a> {
    /// The reports, requests and settings.
    pub repo: &'a Repository,
    /// Each report's state on the main branch.
    pub ledger: &'a Ledger,
    /// The late reports, as the check judged them.
    pub late: &'a Lateness,
    /// The present moment: a request whose deadline is still ahead is not missed.
    pub now: Time,
}

/// The statistics of one period (`stats --format json`).
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    /// `2026Q1` or `2026`.
    pub period: String,
    /// The first day, `YYYY-MM-DD`.
    pub from: String,
    /// The last day.
    pub to: String,
    /// Every unit of the settings, best rank first.
    pub units: Vec<Figures>,
    /// The bureau's totals.
    pub totals: Totals,
    /// For a year: the units below their quota, not eligible for commendation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_eligible: Option<Vec<String>>,
    /// The period itself.
    #[serde(skip)]
    pub span: Period,
}

/// One unit's figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Figures {
    /// The unit.
    pub unit: String,
    /// Reports on main submitted in the period.
    pub submitted: u32,
    /// Of those, approved or published.
    pub approved: u32,
    /// Of those, published.
    pub published: u32,
    /// Submitted per category id.
    pub by_category: BTreeMap<&'static str, u32>,
    /// Submitted within every time limit (or with none).
    pub on_time: u32,
    /// Submitted past a time limit (迟报).
    pub late: u32,
    /// Requests naming the unit, due in the period, never answered (漏报).
    pub missed: u32,
    /// Reports retracted by a later report (误报).
    #[serde(rename = "false")]
    pub false_reports: u32,
    /// (research + public-concern) / submitted.
    pub problem_share: f64,
    /// Items due in the period (the quarterly quota, × 4 for a year).
    pub quota: u32,
    /// max(0, quota − submitted).
    pub quota_shortfall: u32,
    /// Adoptions by higher bodies dated in the period (采用), of published reports.
    pub adopted: u32,
    /// Their points by `scoring.adoption`.
    pub adoption_points: i64,
    /// The score by `scoring`.
    pub score: i64,
    /// 1 = highest score; ties share a rank.
    pub rank: u32,
    /// The reports and requests behind the figures.
    #[serde(skip)]
    pub evidence: Evidence,
}

/// The bureau's totals.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    /// Reports submitted.
    pub submitted: u32,
    /// Approved or published.
    pub approved: u32,
    /// Published.
    pub published: u32,
    /// On time.
    pub on_time: u32,
    /// Late.
    pub late: u32,
    /// Missed requests.
    pub missed: u32,
    /// Retracted reports.
    #[serde(rename = "false")]
    pub false_reports: u32,
    /// Adoptions.
    pub adopted: u32,
}

/// What a unit's figures are made of (`stats --explain UNIT`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Evidence {
    /// Every report counted as submitted.
    pub reports: Vec<Item>,
    /// Every request missed.
    pub missed: Vec<Missed>,
    /// Every report retracted, with the report that retracts it.
    pub retracted: Vec<Retracted>,
    /// Every adoption counted.
    pub adoptions: Vec<Adopted>,
}

/// A submitted report.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// The report id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its category id.
    pub category: &'static str,
    /// `submitted`, `approved`, `published` or `stale`.
    pub state: &'static str,
    /// When it was submitted.
    pub submitted_at: String,
    /// The moment as a document writes it: `2026年3月4日10时`.
    pub submitted_day: String,
    /// Why it is late (the time-limit findings); empty when on time.
    pub late: Vec<Text>,
    /// The writer's own explanation (迟报原因), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_reason: Option<String>,
}

/// A request that was never answered.
#[derive(Clone, Debug, Serialize)]
pub struct Missed {
    /// The request id.
    pub request: String,
    /// Its title.
    pub title: String,
    /// Its deadline.
    pub deadline: String,
    /// The deadline as a document writes it: `2026年3月20日` (a deadline at
    /// midnight is the end of the day before), with the hour when it has one.
    pub due: String,
}

/// A retracted report.
#[derive(Clone, Debug, Serialize)]
pub struct Retracted {
    /// The report found false.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The report that retracts it.
    pub by: String,
}

/// An adoption that scores.
#[derive(Clone, Debug, Serialize)]
pub struct Adopted {
    /// The report adopted.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Who adopted it.
    pub by: String,
    /// The level.
    pub level: String,
    /// The day.
    pub date: String,
    /// The points.
    pub points: i64,
}

/// When `report` (submitted at `submitted`) arrived: its receipt time where the
/// server received it (SPEC §6.3), else `submitted`.
fn arrival(late: &Lateness, report: &Report, submitted: Time) -> Time {
    late.received(&report.file)
        .and_then(|at| chrono::DateTime::from_timestamp(at, 0))
        .map_or(submitted, |at| at.with_timezone(&submitted.timezone()))
}

/// The reports on main with a known unit and a submission time, each with its
/// state and arrival day, and what every period's figures look up: read once for
/// all the periods of a build ([`compute_all`]).
pub struct OnMain<'a> {
    reports: Vec<OnMainReport<'a>>,
    /// Report id → the first report on main that retracts it.
    retracted_by: BTreeMap<&'a str, &'a str>,
    /// (request, unit) answered.
    answered: BTreeSet<(&'a str, &'a str)>,
}

/// One report of [`OnMain`].
struct OnMainReport<'a> {
    report: &'a Report,
    unit: &'a str,
    submitted: Time,
    state: State,
    trail: Option<&'a crate::approval::Trail>,
    /// The local day of its arrival: a report belongs to the period of its arrival
    /// (SPEC §8): its receipt, else submitted_at.
    arrived: chrono::NaiveDate,
}

impl<'a> OnMain<'a> {
    /// The reports on main of `input`.
    pub fn new(input: &Input<'a>) -> OnMain<'a> {
        let settings = &input.repo.settings;
        let zone = settings.timezone;
        let reports: Vec<OnMainReport> = input
            .repo
            .reports
            .iter()
            .filter_map(|report| {
                let trail = input.ledger.trail_of(report);
                let state = trail.map_or(State::Draft, |t| t.state);
                if state == State::Draft {
                    return None;
                }
                let unit = report.unit.as_ref().map(|u| u.value.as_str());
                let unit = unit.filter(|u| settings.has_unit(u))?;
                let submitted = report.submitted_at.as_ref()?.value;
                let arrived = arrival(input.late, report, submitted);
                let arrived = arrived.with_timezone(&zone).date_naive();
                Some(OnMainReport { report, unit, submitted, state, trail, arrived })
            })
            .collect();
        let mut retracted_by: BTreeMap<&str, &str> = BTreeMap::new();
        let mut answered: BTreeSet<(&str, &str)> = BTreeSet::new();
        for OnMainReport { report, unit, .. } in &reports {
            if let Some(target) = report.retracts.as_ref().filter(|t| t.value != report.id) {
                retracted_by.entry(target.value.as_str()).or_insert(report.id.as_str());
            }
            if let Some(request) = &report.request {
                answered.insert((request.value.as_str(), unit));
            }
        }
        OnMain { reports, retracted_by, answered }
    }
}

/// The figures of `period`.
pub fn compute(input: &Input, period: Period) -> Stats {
    compute_on(input, &OnMain::new(input), period, true)
}

/// The figures of each of `periods`, in order, without the evidence behind
/// them (the archive shows the figures): the reports on main are read once.
pub fn compute_all(input: &Input, periods: &[Period]) -> Vec<Stats> {
    use rayon::prelude::*;
    let on_main = OnMain::new(input);
    periods.par_iter().map(|period| compute_on(input, &on_main, *period, false)).collect()
}

/// The figures of `period` from the reports `on_main` of `input`, with the
/// reports, requests and adoptions behind each (`evidence`) or not.
fn compute_on(input: &Input, on_main: &OnMain, period: Period, evidence: bool) -> Stats {
    let repo = input.repo;
    let settings = &repo.settings;
    let zone = settings.timezone;
    let day = |t: &Time| t.with_timezone(&zone).date_naive();
    let text = |field| crate::fields::text(field).to_string();
    let OnMain { reports: on_main, retracted_by, answered } = on_main;
    let index: BTreeMap<&str, usize> =
        settings.units.iter().enumerate().map(|(i, u)| (u.as_str(), i)).collect();
    let mut units: Vec<Figures> = settings
        .units
        .iter()
        .map(|unit| Figures {
            unit: unit.clone(),
            quota: settings.quotas.of(unit).saturating_mul(period.quarters()),
            ..Figures::default()
        })
        .collect();

    for OnMainReport { report, unit, submitted, state: report_state, trail, arrived } in on_main {
        let (report, submitted, report_state) = (*report, submitted, *report_state);
        let f = &mut units[index[unit]];
        // Adoptions count in the period of their own day, for published reports only.
        if report_state == State::Published {
            // Only the entries the office signed count (SPEC §6.3).
            let vouched = |key: &str| trail.is_some_and(|t| t.vouched.contains(key));
            // Each entry once, however often the text repeats it.
            let mut seen = BTreeSet::new();
            let counted =
                report.adoptions.iter().filter(|a| vouched(&a.key) && seen.insert(a.key.as_str()));
            for adoption in counted.filter(|a| period.contains(a.date)) {
                let points = settings.scoring.adoption.get(&adoption.level).copied().unwrap_or(0);
                f.adopted += 1;
                f.adoption_points = f.adoption_points.saturating_add(points);
                if !evidence {
                    continue;
                }
                f.evidence.adoptions.push(Adopted {
                    id: report.id.clone(),
                    title: text(&report.title),
                    by: adoption.by.clone(),
                    level: adoption.level.clone(),
                    date: adoption.date.to_string(),
                    points,
                });
            }
        }
        if !period.contains(*arrived) {
            continue;
        }
        f.submitted += 1;
        f.approved += u32::from(report_state.is_approved());
        f.published += u32::from(report_state == State::Published);
        let category = report.category();
        if let Some(category) = category {
            *f.by_category.entry(category.id()).or_default() += 1;
        }
        let late = input.late.of(&report.file);
        if late.is_empty() {
            f.on_time += 1;
        } else {
            f.late += 1;
        }
        if let Some(by) = retracted_by.get(report.id.as_str()) {
            f.false_reports += 1;
            if evidence {
                f.evidence.retracted.push(Retracted {
                    id: report.id.clone(),
                    title: text(&report.title),
                    by: by.to_string(),
                });
            }
        }
        if !evidence {
            continue;
        }
        f.evidence.reports.push(Item {
            id: report.id.clone(),
            title: text(&report.title),
            category: category.map_or("", Category::id),
            state: report_state.id(),
            submitted_at: format_time(submitted),
            submitted_day: hour(&submitted.with_timezone(&zone)),
            late_reason: report
                .late_reason
                .as_ref()
                .map(|r| r.value.trim().to_string())
                .filter(|r| !r.is_empty() && !late.is_empty()),
            late: late.to_vec(),
        });
    }

    for request in &repo.requests {
        let Some(deadline) = &request.deadline else { continue };
        // A deadline at midnight is the end of the day before (a date-only deadline).
        let due_day = day(&(deadline.value - chrono::Duration::seconds(1)));
        let before_rules = settings.effective_from.is_some_and(|from| due_day < from);
        if !period.contains(due_day) || deadline.value > input.now || before_rules {
            continue;
        }
        let named: BTreeSet<&str> = request.units.iter().map(String::as_str).collect();
        for unit in named.into_iter().filter(|u| index.contains_key(u)) {
            if !answered.contains(&(request.id.as_str(), unit)) {
                let f = &mut units[index[unit]];
                f.missed += 1;
                if !evidence {
                    continue;
                }
                f.evidence.missed.push(Missed {
                    request: request.id.clone(),
                    title: request.title.clone(),
                    deadline: format_time(&deadline.value),
                    due: due(&deadline.value.with_timezone(&zone)),
                });
            }
        }
    }

    let scoring = &settings.scoring;
    for f in &mut units {
        let problems = [Category::Research, Category::PublicConcern]
            .iter()
            .map(|c| f.by_category.get(c.id()).copied().unwrap_or(0))
            .sum::<u32>();
        f.problem_share =
            if f.submitted == 0 { 0.0 } else { f64::from(problems) / f64::from(f.submitted) };
        f.quota_shortfall = f.quota.saturating_sub(f.submitted);
        f.score = [
            (scoring.per_item, f.submitted),
            (scoring.per_published, f.published),
            (scoring.late, f.late),
            (scoring.missed, f.missed),
            (scoring.false_report, f.false_reports),
        ]
        .iter()
        .map(|(points, n)| points.saturating_mul(i64::from(*n)))
        .fold(f.adoption_points, i64::saturating_add);
    }
    let scores: Vec<i64> = units.iter().map(|f| f.score).collect();
    for f in &mut units {
        f.rank = 1 + scores.iter().filter(|s| **s > f.score).count() as u32;
    }
    let not_eligible = period
        .is_year()
        .then(|| units.iter().filter(|f| f.quota_shortfall > 0).map(|f| f.unit.clone()).collect());
    // Best first; equal ranks keep the order of `units`.
    units.sort_by_key(|f| f.rank);

    let mut totals = Totals::default();
    for f in &units {
        totals.submitted += f.submitted;
        totals.approved += f.approved;
        totals.published += f.published;
        totals.on_time += f.on_time;
        totals.late += f.late;
        totals.missed += f.missed;
        totals.false_reports += f.false_reports;
        totals.adopted += f.adopted;
    }
    Stats {
        period: period.to_string(),
        from: period.from().to_string(),
        to: period.to().to_string(),
        units,
        totals,
        not_eligible,
        span: period,
    }
}

/// `2026年3月20日` for a deadline at the end of that day, `2026年3月20日18时` otherwise.
fn due(deadline: &Time) -> String {
    use chrono::Timelike as _;
    if deadline.hour() == 0 && deadline.minute() == 0 {
        let day = deadline.date_naive().pred_opt().unwrap_or(deadline.date_naive());
        return crate::time::chinese_day(day);
    }
    hour(deadline)
}

/// A moment as a document writes it: `2026年3月4日10时`, `2026年3月4日10时30分`.
fn hour(at: &Time) -> String {
    at.format("%Y年%-m月%-d日%-H时%M分").to_string().replace("时00分", "时")
}

/// Most quarters the archive's statistics show, the latest kept.
pub const MAX_QUARTERS: usize = 40;

/// The quarters with reports on main, from the first to the last, for the
/// archive's trend chart: not before `effective_from`, not after the present
/// quarter, at most [`MAX_QUARTERS`] (a mistyped year must not make thousands);
/// empty when nothing is on main.
pub fn quarters(input: &Input) -> Vec<Period> {
    let settings = &input.repo.settings;
    let zone = settings.timezone;
    let today = input.now.with_timezone(&zone).date_naive();
    let earliest = settings.effective_from.unwrap_or(chrono::NaiveDate::MIN);
    let days: BTreeSet<chrono::NaiveDate> = input
        .repo
        .reports
        .iter()
        .filter(|r| input.ledger.trail_of(r).is_some_and(|t| t.state != State::Draft))
        .filter_map(|r| {
            let submitted = r.submitted_at.as_ref()?.value;
            Some(arrival(input.late, r, submitted).with_timezone(&zone).date_naive())
        })
        .filter(|day| (earliest..=today).contains(day))
        .collect();
    let (Some(first), Some(last)) = (days.first(), days.last()) else { return Vec::new() };
    let mut quarters = vec![Period::quarter_of(*last)];
    while let Some(&Period::Quarter(year, q)) = quarters.last() {
        let previous =
            if q == 1 { Period::Quarter(year - 1, 4) } else { Period::Quarter(year, q - 1) };
        if previous.to() < *first || quarters.len() == MAX_QUARTERS {
            break;
        }
        quarters.push(previous);
    }
    quarters.reverse();
    quarters
}

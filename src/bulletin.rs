//! Compiling a bulletin issue (《发改信息》第N期, FORMAT.md §3.1): which
//! published reports of a period go into it, which number it gets, and what the
//! office should know before it is issued. The record is [`crate::report::bulletin`],
//! the layout [`crate::layout::bulletin`].

use crate::approval::{Ledger, State};
use crate::fields::Spanned;
use crate::load::Repository;
use crate::report::Report;
use crate::report::bulletin::{Issue, file, next_number};
use crate::source::Pos;
use chrono::{Datelike as _, NaiveDate};

/// The published reports submitted from `from` to `to` (local days), oldest first.
pub fn select<'r>(
    repo: &'r Repository,
    ledger: &Ledger,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<&'r Report> {
    let zone = repo.settings.timezone;
    let mut reports: Vec<&Report> = repo
        .reports
        .iter()
        .map(|r| &**r)
        .filter(|r| ledger.trail_of(r).is_some_and(|t| t.state == State::Published))
        .filter(|r| {
            r.submitted_at
                .as_ref()
                .is_some_and(|s| (from..=to).contains(&s.value.with_timezone(&zone).date_naive()))
        })
        .collect();
    reports.sort_by_key(|r| (r.submitted_at.as_ref().map(|s| s.value), r.id.clone()));
    reports
}

/// The issue for `from`–`to`: the recorded one with that period (or with
/// `number`), or a new one with the next number and today's date. Fails when
/// `number` is taken by another period, or nothing was published in the period.
pub fn plan(
    issues: &[Issue],
    repo: &Repository,
    ledger: &Ledger,
    (from, to): (NaiveDate, NaiveDate),
    number: Option<u32>,
    today: NaiveDate,
) -> anyhow::Result<(Issue, bool)> {
    let year = to.year();
    let same = |i: &&Issue| i.year == year && i.from == from && i.to == to;
    if let Some(number) = number {
        if let Some(recorded) = issues.iter().find(|i| same(i) && i.number != number) {
            anyhow::bail!(
                "{from} 至 {to} 已编为{year}年第{}期（{}）；要重新编号请先删除该记录 / {from} to {to} is already issue {} ({}); remove that record to renumber it",
                recorded.number,
                recorded.file,
                recorded.number,
                recorded.file
            );
        }
        if let Some(taken) = issues.iter().find(|i| i.year == year && i.number == number) {
            if same(&taken) {
                return Ok((taken.clone(), false));
            }
            anyhow::bail!(
                "{year}年第{number}期已用于 {}–{}（{}），期号不能重复；下一个可用期号是 {} / issue {number} of {year} is taken by {}–{}; the next free number is {}",
                taken.from,
                taken.to,
                taken.file,
                next_number(issues, year),
                taken.from,
                taken.to,
                next_number(issues, year)
            );
        }
    } else if let Some(recorded) = issues.iter().find(same) {
        return Ok((recorded.clone(), false));
    }
    let number = number.unwrap_or_else(|| next_number(issues, year));
    let reports: Vec<Spanned<String>> = select(repo, ledger, from, to)
        .iter()
        .map(|r| Spanned { value: r.id.clone(), pos: Pos::START, end: Pos::START })
        .collect();
    if reports.is_empty() {
        anyhow::bail!(
            "{from} 至 {to} 没有已发布的信息，无法编期 / nothing was published from {from} to {to}"
        );
    }
    let issue = Issue { year, number, file: file(year, number), from, to, date: today, reports };
    Ok((issue, true))
}

/// What the office should know about `issue` among the recorded `issues` (SPEC
/// §6.2): periods that overlap another issue's, reports already in another
/// issue, and — for an issue already recorded — reports published in its period
/// since, which its frozen list leaves out.
pub fn warnings(
    issues: &[Issue],
    issue: &Issue,
    repo: &Repository,
    ledger: &Ledger,
    recorded: bool,
) -> Vec<crate::lang::Text> {
    use crate::lang::Text;
    let mut found = Vec::new();
    let others = issues.iter().filter(|i| i.file != issue.file);
    for other in others.clone().filter(|o| o.from <= issue.to && issue.from <= o.to) {
        found.push(Text::new(
            format!(
                "期间 {}–{} 与{}年第{}期（{}–{}）重叠",
                issue.from, issue.to, other.year, other.number, other.from, other.to
            ),
            format!(
                "the period {}–{} overlaps issue {} of {} ({}–{})",
                issue.from, issue.to, other.number, other.year, other.from, other.to
            ),
        ));
    }
    for id in &issue.reports {
        for other in others.clone().filter(|o| o.reports.iter().any(|r| r.value == id.value)) {
            found.push(Text::new(
                format!("信息 {} 已收入{}年第{}期", id.value, other.year, other.number),
                format!(
                    "report {} is already in issue {} of {}",
                    id.value, other.number, other.year
                ),
            ));
        }
    }
    if recorded {
        for report in select(repo, ledger, issue.from, issue.to) {
            if !issue.reports.iter().any(|r| r.value == report.id) {
                found.push(Text::new(
                    format!(
                        "信息 {} 在本期期间内已发布，但不在本期已定的目录中（{}）；如需收入，请另编一期或修改记录",
                        report.id, issue.file
                    ),
                    format!(
                        "report {} was published in this issue's period but is not in its frozen list ({}); compile another issue or edit the record to include it",
                        report.id, issue.file
                    ),
                ));
            }
        }
    }
    found
}

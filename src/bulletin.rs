//! Bulletin issues (《发改信息》第N期, FORMAT.md §3.1): the published reports of a
//! period compiled into one issue with the red masthead, the items with their
//! credits, and the 报/送/发 end block.
//!
//! Each issue is recorded in the repository as `bulletins/YYYY/NN.yaml` (its
//! period, date and reports). The file name is the number, so two issues of a
//! year cannot share one, and an issue is rendered again from its record with the
//! same items even after later reports are published.

use crate::approval::{Ledger, State};
use crate::config::Settings;
use crate::diag::Diagnostics;
use crate::fields::{Fields, Spanned, parse_mapping};
use crate::load::Repository;
use crate::render::document::{Align, Block, Document, Face, Imprint, Inline, Masthead};
use crate::report::Report;
use crate::source::Pos;
use anyhow::Context as _;
use chrono::{Datelike as _, NaiveDate};

/// The folder of the issue records.
pub const DIR: &str = "bulletins";

/// One issue as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    /// The year of the issue (its folder).
    pub year: i32,
    /// The number within the year (its file name).
    pub number: u32,
    /// The record, repository-relative.
    pub file: String,
    /// The first day of the period compiled.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
    /// The issue's date, printed in the masthead.
    pub date: NaiveDate,
    /// The ids of its reports, in order, where each is written in the record.
    pub reports: Vec<Spanned<String>>,
}

impl Issue {
    /// `2026-01`: the name of the issue's DOCX and PDF.
    pub fn stem(&self) -> String {
        format!("{}-{:02}", self.year, self.number)
    }

    /// The record's text.
    pub fn record(&self, settings: &Settings) -> String {
        let name: String = settings.bulletin.name.chars().filter(|c| !c.is_control()).collect();
        let mut text = format!(
            "# 《{name}》{}年第{}期：由 `xinbao bulletin` 编成。期号即文件名，提交后即被占用。\nfrom: {}\nto: {}\ndate: {}\nreports:\n",
            self.year, self.number, self.from, self.to, self.date
        );
        for id in &self.reports {
            // A JSON string is a YAML double-quoted scalar: any id reads back as written.
            let quoted = serde_json::to_string(&id.value).unwrap_or_default();
            text.push_str(&format!("  - {quoted}\n"));
        }
        text
    }
}

/// The path of issue `number` of `year`.
pub fn file(year: i32, number: u32) -> String {
    format!("{DIR}/{year}/{number:02}.yaml")
}

/// Parses the issue record `file` (repository-relative, `bulletins/2026/01.yaml`):
/// its year and number come from its path, which must be exactly [`file()`] of them.
pub fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> Option<Issue> {
    let mut parts = file.rsplit('/');
    let number = parts
        .next()
        .and_then(|name| name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")))
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| *n > 0);
    let year = parts.next().and_then(|n| n.parse::<i32>().ok());
    let (Some(year), Some(number)) = (year, number) else {
        diags.push(
            file,
            Pos::START,
            crate::diag::Rule::InvalidValue,
            crate::lang::Text::new(
                "期刊记录应为 bulletins/年份/期号.yaml，如 bulletins/2026/01.yaml",
                "an issue record is bulletins/YEAR/NUMBER.yaml, e.g. bulletins/2026/01.yaml",
            ),
        );
        return None;
    };
    let expected = self::file(year, number);
    if file != expected {
        diags.push(
            file,
            Pos::START,
            crate::diag::Rule::InvalidValue,
            crate::lang::Text::new(
                format!("期刊记录应命名为 {expected}，同一期号只能有一个文件"),
                format!("the record should be named {expected}: one file per number"),
            ),
        );
        return None;
    }
    let node = parse_mapping(file, text, 1, diags)?;
    let mut f = Fields::new(&node, &["from", "to", "date", "reports"], file, diags);
    for key in ["from", "to", "date", "reports"] {
        f.require(key, Pos::START);
    }
    let reports = f.strings("reports");
    Some(Issue {
        year,
        number,
        file: file.to_string(),
        from: f.date("from")?.value,
        to: f.date("to")?.value,
        date: f.date("date")?.value,
        reports,
    })
}

/// Checks the issue records of `repo`: each is readable, its period runs forward,
/// no report is listed twice (`duplicate-id`) and every report it names exists
/// (`dangling-reference`).
pub fn check(repo: &Repository, diags: &mut Diagnostics) {
    for issue in &repo.bulletins {
        if issue.to < issue.from {
            diags.push(
                &issue.file,
                Pos::START,
                crate::diag::Rule::TimeOrder,
                crate::lang::Text::new(
                    format!("期刊的截止日期 {} 早于起始日期 {}", issue.to, issue.from),
                    format!(
                        "the issue's period ends on {}, before it starts on {}",
                        issue.to, issue.from
                    ),
                ),
            );
        }
        for (i, id) in issue.reports.iter().enumerate() {
            if issue.reports[..i].iter().any(|earlier| earlier.value == id.value) {
                diags.push(
                    &issue.file,
                    id.pos,
                    crate::diag::Rule::DuplicateId,
                    crate::lang::Text::new(
                        format!("期刊重复收录信息 `{}`", id.value),
                        format!("the issue lists `{}` twice", id.value),
                    ),
                );
            }
        }
        for id in issue.reports.iter().filter(|id| repo.report(&id.value).is_none()) {
            diags.push(
                &issue.file,
                id.pos,
                crate::diag::Rule::DanglingReference,
                crate::lang::Text::new(
                    format!("期刊收录的信息 `{}` 不存在", id.value),
                    format!("the issue lists `{}`, which is no report", id.value),
                ),
            );
        }
    }
}

/// The next free number of `year`.
pub fn next_number(issues: &[Issue], year: i32) -> u32 {
    issues.iter().filter(|i| i.year == year).map(|i| i.number).max().unwrap_or(0).saturating_add(1)
}

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
        .filter(|r| ledger.trails.get(&r.id).is_some_and(|t| t.state == State::Published))
        .filter(|r| {
            r.submitted_at
                .as_ref()
                .is_some_and(|s| (from..=to).contains(&s.value.with_timezone(&zone).date_naive()))
        })
        .collect();
    reports.sort_by_key(|r| (r.submitted_at.as_ref().map(|s| s.value), r.id.clone()));
    reports
}

/// Lays out `issue`: the masthead, a contents list when it has several items, each
/// item's title, body and credit, and the 报/送/发 end block. Reports of the record
/// that no longer exist are left out and named in the error list.
pub fn document(
    issue: &Issue,
    repo: &Repository,
    ledger: &Ledger,
) -> anyhow::Result<(Document, Vec<String>)> {
    let settings = &repo.settings;
    let b = &settings.bulletin;
    let date = crate::render::document::chinese_day(issue.date);
    let masthead = Masthead {
        name: b.name.clone(),
        drop_mm: 0,
        number: Some(format!("{}年第{}期", issue.year, issue.number)),
        sides: Some((b.editor.clone(), date.clone())),
    };
    let id = format!("{}-{}", b.name, issue.stem());
    let mut document = Document::issue(id, masthead, String::new(), &settings.bureau);
    let mut missing = Vec::new();
    let mut items = Vec::new();
    for id in issue.reports.iter().map(|id| &id.value) {
        match repo.report(id) {
            Some(report) => {
                let laid = crate::render::prepare(repo, report, ledger.trails.get(id))
                    .with_context(|| id.clone())?;
                items.push((report, laid));
            }
            None => missing.push(id.clone()),
        }
    }
    let blocks = &mut document.blocks;
    if items.len() > 1 {
        blocks.push(Block::Line {
            text: "本期要目".to_string(),
            align: Align::Left,
            face: Face::Heading,
        });
        for (n, (_, laid)) in items.iter().enumerate() {
            blocks.push(Block::Paragraph(vec![Inline::plain(format!(
                "{}. {}",
                n + 1,
                laid.title
            ))]));
        }
        blocks.push(Block::Blank);
    }
    for (n, (report, laid)) in items.into_iter().enumerate() {
        if n > 0 {
            blocks.push(Block::Blank);
        }
        blocks.push(Block::Line { text: laid.title, align: Align::Center, face: Face::Title });
        blocks.push(Block::Blank);
        blocks.extend(laid.blocks);
        let text = crate::fields::text;
        blocks.push(Block::Line {
            text: format!("（供稿：{} {}）", text(&report.unit), text(&report.author)),
            align: Align::Right,
            face: Face::Body,
        });
    }
    let list = |prefix: &str, names: &[String]| {
        (!names.is_empty()).then(|| format!("{prefix}：{}。", names.join("，")))
    };
    let lines = [list("报", &b.report_to), list("送", &b.send_to), list("发", &b.issue_to)]
        .into_iter()
        .flatten()
        .collect();
    let right = match b.copies {
        Some(copies) => format!("共印{copies}份"),
        None => format!("{date}印发"),
    };
    document.imprint = Some(Imprint { lines, left: b.editor.clone(), right });
    Ok((document, missing))
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
        .map(|r| Spanned { value: r.id.clone(), pos: Pos::START })
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

//! Bulletin issue records (《发改信息》第N期): `bulletins/YYYY/NN.yaml`, each an
//! issue's period, date and reports. The file name is the number, so two issues
//! of a year cannot share one, and an issue is rendered again from its record
//! with the same items even after later reports are published.

use crate::config::Settings;
use crate::diag::Diagnostics;
use crate::fields::{Fields, Spanned, parse_mapping};
use crate::source::Pos;
use chrono::NaiveDate;

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

impl Issue {
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
}

/// The next free number of `year`.
pub fn next_number(issues: &[Issue], year: i32) -> u32 {
    issues.iter().filter(|i| i.year == year).map(|i| i.number).max().unwrap_or(0).saturating_add(1)
}

//! The period a statistic covers: a quarter (`2026Q1`) or a year (`2026`).

use chrono::{Datelike as _, NaiveDate};
use std::fmt;

/// A quarter or a year of the calendar, in the bureau's local days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// A quarter: the year and 1 to 4.
    Quarter(i32, u32),
    /// A whole year.
    Year(i32),
}

impl Period {
    /// Reads `2026Q1` (also `2026q1`, `2026-Q1`) or `2026`.
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let year = |s: &str| s.parse::<i32>().ok().filter(|y| (1900..=9999).contains(y));
        match text.to_ascii_uppercase().split_once('Q') {
            Some((y, q)) => {
                let q = q.parse::<u32>().ok().filter(|q| (1..=4).contains(q))?;
                Some(Period::Quarter(year(y.trim_end_matches('-'))?, q))
            }
            None => Some(Period::Year(year(text)?)),
        }
    }

    /// The quarter containing `date`.
    pub fn quarter_of(date: NaiveDate) -> Period {
        Period::Quarter(date.year(), date.month0() / 3 + 1)
    }

    /// The first day.
    pub fn from(self) -> NaiveDate {
        let (year, month) = match self {
            Period::Quarter(year, q) => (year, 3 * q - 2),
            Period::Year(year) => (year, 1),
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default()
    }

    /// The last day.
    pub fn to(self) -> NaiveDate {
        let next = match self {
            Period::Quarter(year, 4) | Period::Year(year) => {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            }
            Period::Quarter(year, q) => NaiveDate::from_ymd_opt(year, 3 * q + 1, 1),
        };
        next.and_then(|d| d.pred_opt()).unwrap_or_default()
    }

    /// Whether `date` falls in the period.
    pub fn contains(self, date: NaiveDate) -> bool {
        (self.from()..=self.to()).contains(&date)
    }

    /// How many quarters the period spans: the multiplier of the quarterly quota.
    pub fn quarters(self) -> u32 {
        match self {
            Period::Quarter(..) => 1,
            Period::Year(_) => 4,
        }
    }

    /// True for a year (the annual assessment).
    pub fn is_year(self) -> bool {
        matches!(self, Period::Year(_))
    }

    /// The year the period is in.
    pub fn year(self) -> i32 {
        match self {
            Period::Quarter(year, _) | Period::Year(year) => year,
        }
    }

    /// As official documents name it: `2026年第一季度`, `2026年度`.
    pub fn chinese(self) -> String {
        match self {
            Period::Quarter(year, q) => {
                let n = ["一", "二", "三", "四"][(q as usize - 1).min(3)];
                format!("{year}年第{n}季度")
            }
            Period::Year(year) => format!("{year}年度"),
        }
    }

    /// In English: `2026 Q1`, `2026`.
    pub fn english(self) -> String {
        match self {
            Period::Quarter(year, q) => format!("{year} Q{q}"),
            Period::Year(year) => year.to_string(),
        }
    }
}

/// `2026Q1` or `2026`, as the command line and the JSON write it.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Quarter(year, q) => write!(f, "{year}Q{q}"),
            Period::Year(year) => write!(f, "{year}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_years_have_their_days() {
        let q1 = Period::parse("2026Q1").unwrap();
        assert_eq!(
            (q1.from().to_string(), q1.to().to_string()),
            ("2026-01-01".into(), "2026-03-31".into())
        );
        let q4 = Period::parse("2024q4").unwrap();
        assert_eq!(q4.to().to_string(), "2024-12-31");
        assert_eq!(Period::parse("2024-Q1").unwrap().to().to_string(), "2024-03-31");
        let year = Period::parse("2026").unwrap();
        assert_eq!(
            (year.from().to_string(), year.to().to_string()),
            ("2026-01-01".into(), "2026-12-31".into())
        );
        assert_eq!(q1.chinese(), "2026年第一季度");
        assert_eq!(year.chinese(), "2026年度");
        assert_eq!(q1.to_string(), "2026Q1");
        for bad in ["2026Q5", "2026Q0", "Q1", "26", "abc", "2026Q"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        let day = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        assert_eq!(Period::quarter_of(day), Period::Quarter(2026, 2));
        assert!(!q1.contains(day) && year.contains(day));
    }
}

//! Commissioned drafts (约稿, SPEC §5): `requests/YYYY/ID.yaml`.

use crate::config::{self, Settings};
use crate::diag::{Diagnostics, Rule};
use crate::fields::{Fields, Spanned, parse_mapping};
use crate::lang::Text;
use crate::source::Pos;
use crate::time::{self, Time};

/// A request from a higher body for items from some units, by a deadline.
#[derive(Clone, Debug)]
pub struct Request {
    /// The id, equal to the file stem.
    pub id: String,
    /// Repository-relative path.
    pub file: String,
    /// What is asked for.
    pub title: String,
    /// Who asks (县委, 县政府, …).
    pub from: String,
    /// The units asked.
    pub units: Vec<String>,
    /// When it was issued.
    pub issued_at: Option<Time>,
    /// The last moment an answer counts as on time; a date alone means the end of that day.
    pub deadline: Option<Spanned<Time>>,
}

const KEYS: &[&str] = &["id", "title", "from", "units", "issued_at", "deadline"];

impl Request {
    /// Parses the request `file` whose stem is `stem`.
    pub fn parse(
        file: &str,
        stem: &str,
        text: &str,
        settings: &Settings,
        diags: &mut Diagnostics,
    ) -> Option<Request> {
        let node = parse_mapping(file, text, 1, diags)?;
        let mut f = Fields::new(&node, KEYS, file, diags);
        for key in KEYS {
            f.require(key, Pos::START);
        }
        let id = f.string("id").map_or_else(
            || stem.to_string(),
            |id| {
                if id.value != stem {
                    f.invalid_value(
                        "id",
                        &format!("与文件名一致的 `{stem}`"),
                        &format!("`{stem}`, the file's stem"),
                    );
                }
                id.value
            },
        );
        let mut units = Vec::new();
        for unit in f.strings("units") {
            if !settings.has_unit(&unit.value) {
                let message = config::unknown_unit(&unit.value, &settings.units);
                f.report(unit.span(), Rule::UnknownUnit, message);
            }
            units.push(unit.value);
        }
        let zone = settings.timezone;
        let issued_at = f.time("issued_at", zone, true).map(|t| t.value);
        let deadline =
            f.time("deadline", zone, true).map(|t| t.with(end_of_day_if_date(&f, t.clone())));
        if let (Some(issued), Some(deadline)) = (issued_at, &deadline)
            && deadline.value < issued
        {
            f.report(
                deadline.span(),
                Rule::TimeOrder,
                Text::new("截止时间早于下发时间", "the deadline is earlier than the issue time"),
            );
        }
        Some(Request {
            id,
            file: file.to_string(),
            title: f.string("title").map(|s| s.value).unwrap_or_default(),
            from: f.string("from").map(|s| s.value).unwrap_or_default(),
            units,
            issued_at,
            deadline,
        })
    }
}

/// A deadline written as a date means 24:00 of that day.
fn end_of_day_if_date(f: &Fields, deadline: Spanned<Time>) -> Time {
    let written = f.node("deadline").and_then(|n| n.as_str()).unwrap_or_default();
    if time::parse_date(written).is_some() {
        let zone = *deadline.value.offset();
        return time::local_midnight_after(&deadline.value, zone, 1).unwrap_or(deadline.value);
    }
    deadline.value
}

//! The bureau's rules (SPEC §3–§5, §9), one family per file, run over a loaded
//! repository. Rules record diagnostics and never stop: every report is judged
//! completely, so a writer sees all problems at once.

mod body;
mod bulletin;
mod emergency;
mod fields;
pub mod images;
mod references;
mod timing;

use crate::diag::Diagnostics;
use crate::history::History;
use crate::lang::Text;
use crate::load::Repository;
use crate::report::Report;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// What the rules may consult besides the report itself.
pub struct Context<'a> {
    /// The whole repository, for references and settings.
    pub repo: &'a Repository,
    /// When files were first committed; `None` outside git.
    pub history: Option<&'a History>,
}

/// The late reports (迟报) and why, by report file: the time-limit verdicts of
/// the check, which the statistics, `status` and the archive count; and when the
/// server received each report, the time they were judged on.
#[derive(Clone, Debug, Default)]
pub struct Lateness {
    late: BTreeMap<String, Vec<Text>>,
    received: BTreeMap<String, i64>,
}

impl Lateness {
    /// Why the report in `file` is late; empty when it is on time.
    pub fn of(&self, file: &str) -> &[Text] {
        self.late.get(file).map_or(&[], Vec::as_slice)
    }

    /// When the server received the report in `file` (its receipt, SPEC §6.2;
    /// seconds since the epoch), if it did.
    pub fn received(&self, file: &str) -> Option<i64> {
        self.received.get(file).copied()
    }
}

/// Judges every report and request of `repo`; returns which reports are late.
pub fn check(repo: &Repository, history: Option<&History>, diags: &mut Diagnostics) -> Lateness {
    check_only(repo, history, &|_| true, diags)
}

/// Judges the reports of `repo` that are `wanted`, each in the light of all
/// the others, and what is judged across reports and requests; returns which of
/// the wanted reports are late. A report's own findings are all about its file,
/// so they are the same as [`check`] finds for it.
pub fn check_only(
    repo: &Repository,
    history: Option<&History>,
    wanted: &(dyn Fn(&Report) -> bool + Sync),
    diags: &mut Diagnostics,
) -> Lateness {
    let cx = Context { repo, history };
    let per_report: Vec<(Diagnostics, Vec<Text>)> = repo
        .reports
        .par_iter()
        .map(|report| {
            if !wanted(report) {
                return (Diagnostics::default(), Vec::new());
            }
            let mut local = Diagnostics::default();
            let late = check_report(&cx, report, &mut local);
            (local, late)
        })
        .collect();
    let mut lateness = Lateness::default();
    for ((local, late), report) in per_report.into_iter().zip(&repo.reports) {
        diags.merge(local);
        if !late.is_empty() {
            lateness.late.entry(report.file.clone()).or_default().extend(late);
        }
        if let Some(at) = history.and_then(|h| h.received.get(&report.id)) {
            lateness.received.insert(report.file.clone(), *at);
        }
    }
    references::check_ids(repo, diags);
    bulletin::check(repo, diags);
    lateness
}

fn check_report(cx: &Context, report: &Report, diags: &mut Diagnostics) -> Vec<Text> {
    fields::check(cx, report, diags);
    body::check(report, diags);
    body::check_template_text(report, &cx.repo.placeholders, &cx.repo.workspace, diags);
    emergency::check(report, diags);
    images::check(cx, report, diags);
    let late = timing::check(cx, report, diags);
    references::check(cx, report, diags);
    late
}

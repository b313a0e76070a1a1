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
use crate::load::Repository;
use crate::report::Report;
use rayon::prelude::*;

/// What the rules may consult besides the report itself.
pub struct Context<'a> {
    /// The whole repository, for references and settings.
    pub repo: &'a Repository,
    /// When files were first committed; `None` outside git.
    pub history: Option<&'a History>,
}

/// Judges every report and request of `repo`.
pub fn check(repo: &Repository, history: Option<&History>, diags: &mut Diagnostics) {
    let cx = Context { repo, history };
    let per_report: Vec<Diagnostics> = repo
        .reports
        .par_iter()
        .map(|report| {
            let mut local = Diagnostics::default();
            check_report(&cx, report, &mut local);
            local
        })
        .collect();
    for local in per_report {
        diags.extend(local);
    }
    references::check_ids(repo, diags);
    bulletin::check(repo, diags);
}

fn check_report(cx: &Context, report: &Report, diags: &mut Diagnostics) {
    fields::check(cx, report, diags);
    body::check(report, diags);
    emergency::check(report, diags);
    images::check(cx, report, diags);
    timing::check(cx, report, diags);
    references::check(cx, report, diags);
}

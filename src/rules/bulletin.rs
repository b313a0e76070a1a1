//! The bulletin issue records: readable, periods that run forward, no report
//! listed twice, and no report that does not exist.

use crate::diag::Diagnostics;
use crate::load::Repository;
use crate::source::Pos;

/// Checks the issue records of `repo`: each is readable, its period runs forward,
/// no report is listed twice (`duplicate-id`) and every report it names exists
/// (`dangling-reference`).
pub(super) fn check(repo: &Repository, diags: &mut Diagnostics) {
    for issue in &repo.record_files.bulletins {
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
                    id.span(),
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
                id.span(),
                crate::diag::Rule::DanglingReference,
                crate::lang::Text::new(
                    format!("期刊收录的信息 `{}` 不存在", id.value),
                    format!("the issue lists `{}`, which is no report", id.value),
                ),
            );
        }
    }
}

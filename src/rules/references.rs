//! Ids and the links between reports: unique ids, follow-ups (续报) that continue
//! an emergency, retractions (误报) and answers to requests (约稿).

use super::Context;
use crate::diag::{Diagnostics, Rule, Severity};
use crate::fields::Spanned;
use crate::lang::Text;
use crate::load::Repository;
use crate::report::{Category, Report};
use crate::source::Pos;
use std::collections::HashMap;

pub(super) fn check(cx: &Context, report: &Report, diags: &mut Diagnostics) {
    let repo = cx.repo;
    let exists = |id: &str| repo.files.iter().any(|(other, _)| other == id);
    for (key, target) in [("follow_up_of", &report.follow_up_of), ("retracts", &report.retracts)] {
        let Some(target) = target else { continue };
        if target.value == report.id {
            // Not after itself: out of order, as a retraction before what it retracts.
            diags.push(
                &report.file,
                target.span(),
                Rule::TimeOrder,
                Text::new(
                    format!("`{key}` 指向这条信息自己：应为另一条信息的编号"),
                    format!("`{key}` names this report itself: name another report"),
                ),
            );
        } else if !exists(&target.value) {
            dangling(report, key, target, diags);
        }
    }
    if let Some(request) = &report.request
        && repo.request(&request.value).is_none()
    {
        dangling(report, "request", request, diags);
    }
    if let Some(target) = &report.follow_up_of {
        // A follow-up is an emergency report, whatever it continues.
        if report.category().is_some_and(|c| c != Category::Emergency) {
            diags.push(
                &report.file,
                report.category.as_ref().map_or(Pos::START, |c| c.pos),
                Rule::InvalidValue,
                Text::new(
                    "续报本身也是突发紧急信息：category 应为 emergency",
                    "a follow-up is itself an emergency report: category must be emergency",
                ),
            );
        }
        if let Some(original) = repo.report(&target.value).filter(|o| o.id != report.id) {
            check_follow_up(report, target, original, diags);
        }
    }
    // A retraction comes after what it retracts: two reports cannot retract each other.
    if let Some(target) = &report.retracts
        && let Some(original) = repo.report(&target.value).filter(|o| o.id != report.id)
    {
        let earlier = match (&report.submitted_at, &original.submitted_at) {
            (Some(ours), Some(theirs)) => ours.value < theirs.value,
            _ => false,
        };
        let each_other = original.retracts.as_ref().is_some_and(|r| r.value == report.id);
        if earlier || each_other {
            let (zh, en) = match each_other {
                true => ("与被更正的信息互相撤回", "retracts a report that retracts it"),
                false => ("早于被更正的信息报送", "was submitted before the report it retracts"),
            };
            diags.push(
                &report.file,
                report.key_pos("submitted_at"),
                Rule::TimeOrder,
                Text::new(
                    format!("更正信息{zh}：`{}`", original.id),
                    format!("the retraction {en}, `{}`", original.id),
                ),
            );
        }
    }
}

fn dangling(report: &Report, key: &str, target: &Spanned<String>, diags: &mut Diagnostics) {
    let (zh, en) = if key == "request" {
        (
            format!("约稿 `{}` 不存在（requests/ 中没有此编号）", target.value),
            format!("no request `{}` in requests/", target.value),
        )
    } else {
        (
            format!("`{key}` 指向的信息 `{}` 不存在", target.value),
            format!("`{key}` names no report `{}`", target.value),
        )
    };
    diags.push(&report.file, target.span(), Rule::DanglingReference, Text::new(zh, en));
}

/// A follow-up is an emergency report continuing an emergency with the same occurred_at, later.
fn check_follow_up(
    report: &Report,
    target: &Spanned<String>,
    original: &Report,
    diags: &mut Diagnostics,
) {
    let file = &report.file;
    if original.category() != Some(Category::Emergency) {
        diags.push(
            file,
            target.span(),
            Rule::InvalidValue,
            Text::new(
                format!("续报只能接续突发紧急信息，`{}` 不是", original.id),
                format!("a follow-up continues an emergency report; `{}` is not one", original.id),
            ),
        );
        return;
    }
    if let (Some(ours), Some(theirs)) = (&report.occurred_at, &original.occurred_at)
        && ours.value != theirs.value
    {
        diags.push(
            file,
            ours.span(),
            Rule::InvalidValue,
            Text::new(
                format!("续报的 occurred_at 应与首报 `{}` 相同", original.id),
                format!("a follow-up has the occurred_at of its first report `{}`", original.id),
            ),
        );
    }
    if let (Some(ours), Some(theirs)) = (&report.submitted_at, &original.submitted_at)
        && ours.value <= theirs.value
    {
        diags.push(
            file,
            report.key_pos("submitted_at"),
            Rule::TimeOrder,
            Text::new(
                format!("续报应晚于首报 `{}` 报送", original.id),
                format!("a follow-up must be submitted after its first report `{}`", original.id),
            ),
        );
    }
}

/// Report ids and request ids are unique in the repository: every file of an id
/// used twice gets `duplicate-id`, naming the others (SPEC §6.3). The file that
/// holds the id keeps it (a warning), the others are errors: for a report, the
/// one the repository gives for its id (main's record, else the first committed:
/// `pipeline::judge`), else the first by path; with the approvals, main's
/// history decides (`pipeline::judged_by_history`).
pub(super) fn check_ids(repo: &Repository, diags: &mut Diagnostics) {
    let reports = repo.files.iter().map(|(id, file)| (id.as_str(), file.as_str()));
    let requests = repo.record_files.requests.iter().map(|r| (r.id.as_str(), r.file.as_str()));
    for (kind, items) in [("report", reports.collect::<Vec<_>>()), ("request", requests.collect())]
    {
        let mut by_id: HashMap<&str, Vec<&str>> = HashMap::new();
        for (id, file) in &items {
            by_id.entry(id).or_default().push(file);
        }
        for (id, file) in items {
            let others: Vec<&str> =
                by_id[id].iter().copied().filter(|other| *other != file).collect();
            if others.is_empty() {
                continue;
            }
            let given = repo.report(id).map(|r| r.file.as_str()).filter(|_| kind == "report");
            let holder = given.filter(|g| by_id[id].contains(g)).or(by_id[id].first().copied());
            let first = holder == Some(file);
            let others = others.join(", ");
            let what = if kind == "report" { "信息" } else { "约稿" };
            diags.push_as(
                if first { Severity::Warning } else { Severity::Error },
                file,
                Pos::START,
                Rule::DuplicateId,
                Text::new(
                    format!("编号 `{id}` 与 {others} 重复（{what}编号须全库唯一）"),
                    format!("{kind} id `{id}` is also used by {others}; ids are unique in the repository"),
                ),
            );
        }
    }
}

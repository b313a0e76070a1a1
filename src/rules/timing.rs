//! Time limits (SPEC §4): routine next-day, emergencies 1 h / 2 h with a phone
//! report in 30 min, request deadlines, and the order of events and commits.

use super::Context;
use crate::config::RoutineLimit;
use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::report::{Category, Report};
use crate::time::{Time, format_duration, format_time, late_by, local_midnight_after};

/// Judges `report`'s times; returns why it is late (迟报), empty when on time.
pub(super) fn check(cx: &Context, report: &Report, diags: &mut Diagnostics) -> Vec<Text> {
    let mut late = Vec::new();
    judge(cx, report, diags, &mut late);
    late
}

fn judge(cx: &Context, report: &Report, diags: &mut Diagnostics, late: &mut Vec<Text>) {
    let Some(submitted) = &report.submitted_at else { return };
    let at = report.key_pos("submitted_at");
    let file = &report.file;
    let occurred = report.occurred_at.as_ref().map(|o| o.value);
    if let Some(occurred) = occurred
        && submitted.value < occurred
    {
        diags.push(
            file,
            at,
            Rule::TimeOrder,
            Text::new(
                format!(
                    "报送时间 {} 早于发生时间 {}",
                    format_time(&submitted.value),
                    format_time(&occurred)
                ),
                format!(
                    "submitted at {}, before it occurred at {}",
                    format_time(&submitted.value),
                    format_time(&occurred)
                ),
            ),
        );
    }
    let submitted_day = submitted.value.with_timezone(&cx.repo.settings.timezone).date_naive();
    for adoption in report.adoptions.iter().filter(|a| a.date < submitted_day) {
        diags.push(
            file,
            adoption.pos,
            Rule::TimeOrder,
            Text::new(
                format!("采用日期 {} 早于报送日期 {submitted_day}", adoption.date),
                format!("adopted on {}, before it was submitted on {submitted_day}", adoption.date),
            ),
        );
    }
    check_commit(cx, report, &submitted.value, diags);
    if !judged(cx, report, &submitted.value) {
        return;
    }
    // Where the server signed a receipt, the deadline is judged on it, whatever
    // submitted_at and the commit dates say (SPEC §6.2).
    let zone = cx.repo.settings.timezone;
    let history = cx.history;
    if let Some(why) = history.and_then(|h| h.bad_receipts.get(&report.id)) {
        // A warning: a note anyone could push must not stop the check.
        diags.push_as(
            crate::diag::Severity::Warning,
            file,
            at,
            Rule::SignatureInvalid,
            Text::new(
                format!("服务器收条无效，已忽略：{}", why.zh),
                format!("a server receipt is ignored: {}", why.en),
            ),
        );
    }
    let received = history
        .and_then(|h| h.received.get(&report.id))
        .and_then(|t| chrono::DateTime::from_timestamp(*t, 0))
        .map(|t| t.with_timezone(&zone));
    if let (Some(received), Some(occurred)) = (received, occurred)
        && received < occurred
    {
        diags.push(
            file,
            at,
            Rule::TimeOrder,
            Text::new(
                format!(
                    "服务器在 {} 就收到了此信息的文件，早于发生时间 {}：同一编号的文件在事件之前已推送",
                    format_time(&received),
                    format_time(&occurred)
                ),
                format!(
                    "the server received this report's file at {}, before the event at {}: a file with this id was pushed before the event",
                    format_time(&received),
                    format_time(&occurred)
                ),
            ),
        );
    }
    let arrived = received.unwrap_or(submitted.value);
    let (was_zh, was_en) = match received {
        Some(t) => (
            format!("服务器收到于 {}", format_time(&t)),
            format!("received by the server {}", format_time(&t)),
        ),
        None => (
            format!("实际 {}", format_time(&submitted.value)),
            format!("submitted {}", format_time(&submitted.value)),
        ),
    };
    for (due, zh, en) in deadlines(cx, report, occurred) {
        if arrived > due {
            let (by_zh, by_en) = late_by(arrived - due);
            let (why_zh, why_en) = late_reason(report);
            let text = Text::new(
                format!("迟报 {by_zh}：{zh}，应于 {} 前报送，{was_zh}{why_zh}", format_time(&due)),
                format!(
                    "late by {by_en} (迟报): {en}, due by {}, {was_en}{why_en}",
                    format_time(&due)
                ),
            );
            late.push(text.clone());
            diags.push(file, at, Rule::DeadlineExceeded, text);
        }
    }
    check_phone_report(cx, report, occurred, &arrived, diags, late);
}

/// The report's own `late_reason`, as the end of a lateness message.
fn late_reason(report: &Report) -> (String, String) {
    match report.late_reason.as_ref().map(|r| r.value.trim()).filter(|r| !r.is_empty()) {
        Some(reason) => (format!("；迟报原因：{reason}"), format!("; reason: {reason}")),
        None => (String::new(), String::new()),
    }
}

/// Events before `effective_from` are not judged by time limits.
fn judged(cx: &Context, report: &Report, submitted: &Time) -> bool {
    let Some(from) = cx.repo.settings.effective_from else { return true };
    let event = report.occurred_at.as_ref().map_or(submitted, |o| &o.value);
    event.with_timezone(&cx.repo.settings.timezone).date_naive() >= from
}

/// The limits that apply to this report: `(due, what in Chinese, what in English)`.
fn deadlines(cx: &Context, report: &Report, occurred: Option<Time>) -> Vec<(Time, String, String)> {
    let settings = &cx.repo.settings;
    let limits = &settings.limits;
    let mut due = Vec::new();
    match (report.category(), occurred) {
        (Some(category), Some(occurred)) if category.is_routine() => {
            let (end, zh, en) = match limits.routine {
                RoutineLimit::SameDay => (
                    local_midnight_after(&occurred, settings.timezone, 1),
                    "当天报送".into(),
                    "same day".into(),
                ),
                RoutineLimit::NextDay => (
                    local_midnight_after(&occurred, settings.timezone, 2),
                    "当天或次日报送".into(),
                    "same or next day".into(),
                ),
                RoutineLimit::Within(d) => {
                    let (zh, en) = format_duration(d);
                    (Some(occurred + d), format!("{zh}内报送"), format!("within {en}"))
                }
            };
            due.extend(end.map(|end| (end, zh, en)));
        }
        (Some(Category::Emergency), Some(occurred)) if report.follow_up_of.is_none() => {
            if let Some(severity) = report.emergency.as_ref().and_then(|e| e.severity.as_ref()) {
                let limit = if severity.value.is_major() {
                    limits.emergency_major
                } else {
                    limits.emergency_general
                };
                let (hours, hours_en) = format_duration(limit);
                due.push((
                    occurred + limit,
                    format!("{}突发事件应在事发后 {hours}内报告", severity.value.label()),
                    format!(
                        "a {} emergency is due within {hours_en} of the event",
                        severity.value.id()
                    ),
                ));
            }
        }
        _ => {}
    }
    if let Some(request) = report.request.as_ref().and_then(|r| cx.repo.request(&r.value))
        && let Some(deadline) = &request.deadline
    {
        due.push((
            deadline.value,
            format!("约稿《{}》的截止时间", request.title),
            format!("the deadline of request “{}”", request.id),
        ));
    }
    due
}

/// An emergency written later than 30 minutes needs a phone report within 30 minutes.
fn check_phone_report(
    cx: &Context,
    report: &Report,
    occurred: Option<Time>,
    submitted: &Time,
    diags: &mut Diagnostics,
    late: &mut Vec<Text>,
) {
    let (Some(Category::Emergency), Some(occurred), None) =
        (report.category(), occurred, &report.follow_up_of)
    else {
        return;
    };
    let limit = cx.repo.settings.limits.emergency_phone;
    let due = occurred + limit;
    if *submitted <= due {
        return;
    }
    let phone = report.emergency.as_ref().and_then(|e| e.phone_reported_at.as_ref());
    let (minutes, minutes_en) = format_duration(limit);
    let (by_zh, by_en) = late_by(*submitted - due);
    let (why_zh, why_en) = late_reason(report);
    let (pos, zh, en) = match phone {
        Some(phone) if phone.value <= due && phone.value >= occurred => return,
        Some(phone) => (
            phone.pos,
            format!(
                "迟报 {by_zh}：电话先行报告时间 {} 不在事发后 {minutes}内{why_zh}",
                format_time(&phone.value)
            ),
            format!(
                "late by {by_en} (迟报): the phone report at {} is not within {minutes_en} of the event{why_en}",
                format_time(&phone.value)
            ),
        ),
        None => (
            report.emergency.as_ref().map_or(report.key_pos("category"), |e| e.pos),
            format!(
                "迟报 {by_zh}：书面报告晚于事发后 {minutes}，须在 emergency.phone_reported_at 记录 {minutes}内的电话先行报告{why_zh}"
            ),
            format!(
                "late by {by_en} (迟报): the written report came later than {minutes_en}: record a phone report within {minutes_en} in emergency.phone_reported_at{why_en}"
            ),
        ),
    };
    let text = Text::new(zh, en);
    late.push(text.clone());
    diags.push(&report.file, pos, Rule::PhoneReportMissing, text);
}

/// A report cannot be submitted before its file was first committed (imported reports excepted).
fn check_commit(cx: &Context, report: &Report, submitted: &Time, diags: &mut Diagnostics) {
    let Some(history) = cx.history else { return };
    let Some(&added) = history.added_by_id.get(&report.id) else { return };
    let submitted_secs = submitted.timestamp();
    if history.root_time.is_some_and(|root| submitted_secs < root) {
        return;
    }
    let skew = cx.repo.settings.limits.commit_skew;
    if submitted_secs + skew.num_seconds() >= added {
        return;
    }
    let first = chrono::DateTime::from_timestamp(added, 0)
        .map(|t| t.with_timezone(&cx.repo.settings.timezone))
        .map_or_else(|| added.to_string(), |t| format_time(&t));
    diags.push(
        &report.file,
        report.key_pos("submitted_at"),
        Rule::TimeOrder,
        Text::new(
            format!(
                "报送时间 {} 早于文件首次提交 {first}（允许误差 {}）",
                format_time(submitted),
                format_duration(skew).0
            ),
            format!(
                "submitted at {}, before the file was first committed at {first} (tolerance {})",
                format_time(submitted),
                format_duration(skew).1
            ),
        ),
    );
}

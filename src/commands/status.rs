//! `xinbao status` and `xinbao log`: each report's approval state, and the full
//! trail of one report.

use crate::approval::{Anchor, Ledger, Signature, State, Step, Trail, trail::short};
use crate::cli::{LogArgs, StatusArgs, StatusFormat};
use crate::diag::Diagnostics;
use crate::lang::{Lang, Text};
use crate::pipeline::Verdicts;
use crate::report::Report;
use crate::run::Run;
use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

/// Every report's approval state up to `rev`, as `status` and `log` show it.
pub fn judge(run: &Run, rev: Option<&str>) -> anyhow::Result<Verdicts> {
    crate::pipeline::judge(run, crate::pipeline::Purpose::Approvals { rev })
}

/// Runs `status`.
pub fn run(run: &Run, args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let lang = run.lang();
    let loaded = judge(run, args.rev.as_deref())?;
    let ledger = loaded.ledger()?;
    let trails = crate::pipeline::select(run, ledger, &args.ids)?;
    let zone = loaded.repo.settings.timezone;
    let text = match args.format {
        StatusFormat::Json => {
            let reports: Vec<Value> = trails.iter().map(|t| entry_json(&loaded, t, lang)).collect();
            let trust = trust_json(ledger, lang);
            format!("{}\n", json!({ "reports": reports, "trust": trust }))
        }
        StatusFormat::Human if args.ids.is_empty() => {
            format!("{}{}", table(&trails, zone, lang), trust_text(ledger, zone, lang))
        }
        StatusFormat::Human => trails.iter().map(|t| trail_text(t, zone, lang)).collect(),
    };
    print(&text)
}

/// Runs `log`: the trail of one report.
pub fn log(run: &Run, args: &LogArgs) -> anyhow::Result<ExitCode> {
    let lang = run.lang();
    let loaded = judge(run, args.rev.as_deref())?;
    let trails = crate::pipeline::select(run, loaded.ledger()?, std::slice::from_ref(&args.id))?;
    let zone = loaded.repo.settings.timezone;
    let trail = trails[0];
    let (late, reason) = lateness(run, &loaded, &trail.id);
    let text = match args.format {
        StatusFormat::Json => {
            let mut value = trail_json(trail, zone, lang);
            value["received_at"] = received_json(&loaded, trail, zone);
            value["trail"] = trail.steps.iter().map(|s| step_json(s, zone, lang)).collect();
            value["late"] = late.iter().map(|t| t.get(lang)).collect();
            value["late_reason"] = reason.into();
            format!("{value}\n")
        }
        StatusFormat::Human => {
            let mut text = trail_text(trail, zone, lang);
            if trail.state != State::Draft {
                let line = match (loaded.received(&trail.id), lang) {
                    (Some(at), Lang::Zh) => format!("服务器收到：{}", local(at, zone)),
                    (Some(at), Lang::En) => format!("received by the server: {}", local(at, zone)),
                    (None, Lang::Zh) => "报送时间未经服务器确认".to_string(),
                    (None, Lang::En) => {
                        "the time of submission is not confirmed by the server".to_string()
                    }
                };
                let _ = writeln!(text, "  {line}");
            }
            for why in &late {
                let _ = writeln!(text, "  {}", why.get(lang));
            }
            text
        }
    };
    print(&text)
}

/// The entry of `trail` in `status --format json` (SPEC §9), with the time the
/// server received it.
pub fn entry_json(loaded: &Verdicts, trail: &Trail, lang: Lang) -> Value {
    let zone = loaded.repo.settings.timezone;
    let mut value = trail_json(trail, zone, lang);
    value["received_at"] = received_json(loaded, trail, zone);
    value
}

/// When the server received the report: RFC 3339, or null (未经服务器确认).
fn received_json(loaded: &Verdicts, trail: &Trail, zone: FixedOffset) -> Value {
    loaded.received(&trail.id).map_or(Value::Null, |at| crate::time::rfc3339(at, zone).into())
}

/// Why the report `id` is late (迟报, SPEC §6.2) and the writer's reason, as the
/// check finds it: lateness is recorded with the trail.
fn lateness(run: &Run, loaded: &Verdicts, id: &str) -> (Vec<Text>, Option<String>) {
    let Some(report) = loaded.repo.report(id) else { return (Vec::new(), None) };
    let this = |r: &Report| r.file == report.file;
    let late = late_where(run, loaded, &this).of(&report.file).to_vec();
    let reason = report.late_reason.as_ref().map(|r| r.value.clone()).filter(|_| !late.is_empty());
    (late, reason)
}

/// Which of the `wanted` reports are late, as the check finds it, in verdicts
/// that did not check (`status`'s).
pub fn late_where(
    run: &Run,
    loaded: &Verdicts,
    wanted: &(dyn Fn(&Report) -> bool + Sync),
) -> crate::rules::Lateness {
    let repo = &loaded.repo;
    // The history `load` read for the receipts, else read now for the first commits.
    let read;
    let history = match &loaded.history {
        Some(history) => Some(history),
        None => {
            read = crate::pipeline::history_times(run, &repo.settings, loaded.ledger.as_ref());
            read.as_ref()
        }
    };
    crate::rules::check_only(repo, history, wanted, &mut Diagnostics::default())
}

fn print(text: &str) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn local(at: i64, zone: FixedOffset) -> String {
    DateTime::from_timestamp(at, 0)
        .unwrap_or_default()
        .with_timezone(&zone)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn signature_json(s: &Signature, zone: FixedOffset) -> Value {
    json!({ "name": s.name, "commit": s.commit.to_string(), "key": s.key, "at": crate::time::rfc3339(s.at, zone) })
}

/// One report as in SPEC §9.
pub fn trail_json(trail: &Trail, zone: FixedOffset, lang: Lang) -> Value {
    json!({
        "id": trail.id,
        "file": trail.file,
        "unit": trail.unit,
        "state": trail.state.id(),
        "approved_by": trail.approved_by.iter().map(|s| signature_json(s, zone)).collect::<Vec<_>>(),
        "published_by": trail.published_by.iter().map(|s| signature_json(s, zone)).collect::<Vec<_>>(),
        "problems": trail.problems.iter().map(|p| json!({
            "rule": p.rule.id(), "commit": p.commit.to_string(), "message": p.message.get(lang),
        })).collect::<Vec<_>>(),
    })
}

/// Where trust starts and the problems of the history itself (SPEC §6.1).
fn trust_json(ledger: &Ledger, lang: Lang) -> Value {
    json!({
        "anchor": {
            "kind": ledger.anchor.kind(),
            "commit": ledger.anchor.commit().map(|c| c.to_string()),
        },
        "problems": ledger.problems.iter().map(|p| json!({
            "rule": p.rule.id(), "commit": p.commit.to_string(), "message": p.message.get(lang),
        })).collect::<Vec<_>>(),
    })
}

/// The trust anchor and the history's problems, under the table.
fn trust_text(ledger: &Ledger, zone: FixedOffset, lang: Lang) -> String {
    let mut out = String::new();
    let anchor = match (ledger.anchor, lang) {
        (Anchor::Root(c), Lang::Zh) => format!("信任起点：根提交 {} 的设置", short(c)),
        (Anchor::Root(c), Lang::En) => format!("trust anchor: the settings of the root commit {}", short(c)),
        (Anchor::Pinned(c), Lang::Zh) => format!("信任起点：指定的提交 {} 的设置", short(c)),
        (Anchor::Pinned(c), Lang::En) => format!("trust anchor: the settings of the pinned commit {}", short(c)),
        (Anchor::OfficeKey(c), Lang::Zh) => {
            format!("信任起点：提交 {} 首次列出办公室或管理员密钥的设置", short(c))
        }
        (Anchor::OfficeKey(c), Lang::En) => {
            format!("trust anchor: commit {}, the first settings with an office or admin key", short(c))
        }
        (Anchor::None, Lang::Zh) => {
            "信任起点：尚无：设置中没有办公室或管理员的密钥，任何人都能修改设置".to_string()
        }
        (Anchor::None, Lang::En) => {
            "trust anchor: none yet: no office or admin key in the settings, so anyone can change them".to_string()
        }
    };
    let _ = writeln!(out, "{anchor}");
    for p in &ledger.problems {
        let _ = writeln!(
            out,
            "  {}  {}  {}：{}",
            local(p.at, zone),
            short(p.commit),
            p.rule.id(),
            p.message.get(lang)
        );
    }
    out
}

fn step_json(step: &Step, zone: FixedOffset, lang: Lang) -> Value {
    match step {
        Step::Submitted { commit, at, author } | Step::Changed { commit, at, author } => {
            let kind = if matches!(step, Step::Submitted { .. }) { "submitted" } else { "changed" };
            json!({ "step": kind, "commit": commit.to_string(), "at": crate::time::rfc3339(*at, zone), "author": author })
        }
        Step::Approved(s) => {
            let mut value = signature_json(s, zone);
            value["step"] = "approved".into();
            value
        }
        Step::Published { signature, diff } => {
            let mut value = signature_json(signature, zone);
            value["step"] = "published".into();
            value["diff"] = diff.clone().into();
            value
        }
        Step::Problem(p) => json!({
            "step": "problem", "rule": p.rule.id(), "commit": p.commit.to_string(),
            "at": crate::time::rfc3339(p.at, zone),
            "message": p.message.get(lang),
        }),
    }
}

/// Pads `text` with spaces to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

fn table(trails: &[&Trail], zone: FixedOffset, lang: Lang) -> String {
    let header = match lang {
        Lang::Zh => ["编号", "科室", "状态", "审核人", "审核时间", "问题"],
        Lang::En => ["id", "unit", "state", "approver", "approved at", "problems"],
    };
    let rows: Vec<[String; 6]> = trails
        .iter()
        .map(|t| {
            let approval = t.last_approval();
            [
                t.id.clone(),
                t.unit.clone().unwrap_or_default(),
                t.state.label().get(lang).to_string(),
                approval.map(|s| s.name.clone()).unwrap_or_default(),
                approval.map(|s| local(s.at, zone)).unwrap_or_default(),
                t.problems.iter().map(|p| p.rule.id()).collect::<Vec<_>>().join(" "),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.width());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let mut out = String::new();
    let line = |cells: &[&str]| {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| pad(c, w)).collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    out.push_str(&line(&header));
    for row in &rows {
        out.push_str(&line(&row.each_ref().map(String::as_str)));
    }
    let count = |state: State| trails.iter().filter(|t| t.state == state).count();
    let states = [State::Published, State::Approved, State::Submitted, State::Stale, State::Draft];
    let parts: Vec<String> =
        states.iter().map(|s| format!("{} {}", s.label().get(lang), count(*s))).collect();
    let summary = match lang {
        Lang::Zh => format!("共 {} 条：{}\n", trails.len(), parts.join("，")),
        Lang::En => format!("{} reports: {}\n", trails.len(), parts.join(", ")),
    };
    out.push_str(&summary);
    out
}

/// The trail of one report, for people.
pub fn trail_text(trail: &Trail, zone: FixedOffset, lang: Lang) -> String {
    let mut out = String::new();
    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_string();
    let _ = writeln!(out, "{}  {}", trail.id, trail.file);
    let _ = writeln!(
        out,
        "{}：{}  {}：{}",
        t("科室", "unit"),
        trail.unit.as_deref().unwrap_or("-"),
        t("状态", "state"),
        trail.state.label().get(lang)
    );
    for step in &trail.steps {
        let (at, commit, what) = match step {
            Step::Submitted { commit, at, author } => {
                (*at, *commit, format!("{}  {author}", t("报送", "submitted")))
            }
            Step::Changed { commit, at, author } => {
                (*at, *commit, format!("{}  {author}", t("修改", "changed")))
            }
            Step::Approved(s) => (
                s.at,
                s.commit,
                format!("{}  {}  {} {}", t("审核", "approved"), s.name, t("密钥", "key"), s.key),
            ),
            Step::Published { signature: s, diff } => {
                let mut what = format!(
                    "{}  {}  {} {}",
                    t("发布", "published"),
                    s.name,
                    t("密钥", "key"),
                    s.key
                );
                match diff {
                    Some(diff) => {
                        what.push_str(&format!(
                            "\n    {}：",
                            t("办公室的修改", "the office's changes")
                        ));
                        for line in diff.lines() {
                            what.push_str(&format!("\n    {line}"));
                        }
                    }
                    None => what.push_str(&format!("  ({})", t("未改动文字", "text unchanged"))),
                }
                (s.at, s.commit, what)
            }
            Step::Problem(p) => (
                p.at,
                p.commit,
                format!("{} {}：{}", t("问题", "problem"), p.rule.id(), p.message.get(lang)),
            ),
        };
        let _ = writeln!(out, "  {}  {}  {what}", local(at, zone), short(commit));
    }
    if trail.steps.is_empty() {
        let _ = writeln!(out, "  {}", t("尚未进入主分支", "not on the main branch yet"));
    }
    out
}

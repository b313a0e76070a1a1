//! The office's documents at the desk (SPEC §11 "Office"): the quarterly notice,
//! typeset as `stats --quarter Q --format pdf|docx` makes it, and a bulletin
//! issue compiled as `bulletin` compiles it — its record committed with the
//! office's signature, so that the issue counts (SPEC §6.3), and its DOCX and PDF
//! made from the record in force; the period's volume (信息汇编, SPEC §7.1) as
//! `volume` makes it.

use super::http::{Failure, Reply, Request};
use super::who::{may_publish, signing_ready};
use crate::pipeline::{Purpose, Verdicts};
use crate::run::Run;
use crate::stats::period::Period;
use serde_json::{Value, json};

/// `GET /api/notice?quarter=2026Q4[&format=docx]`: the quarterly notice as PDF
/// (or DOCX), for the office.
pub fn notice(run: &Run, request: &Request) -> Result<Reply, Failure> {
    may_publish(run)?;
    let asked = request.param("quarter").unwrap_or_default();
    let period = Period::parse(asked).filter(|p| !p.is_year()).ok_or_else(|| {
        Failure::bad(
            format!("不是季度（如 2026Q1）：{asked}"),
            format!("not a quarter such as 2026Q1: {asked}"),
        )
    })?;
    let verdicts = crate::pipeline::judge(run, Purpose::Figures { deleted: true })?;
    let (repo, ledger) = (&verdicts.repo, verdicts.ledger()?);
    let now = run.now().fixed_offset();
    let input = crate::stats::Input { repo, ledger, late: &verdicts.late, now };
    let stats = crate::stats::compute(&input, period);
    let date = crate::pipeline::today(run, &repo.settings);
    let notice = crate::stats::notice::notice(&stats, &repo.settings, date, None);
    let (document, id) =
        crate::commands::stats::notice_document(&notice, &repo.settings, period, date);
    typeset(&verdicts, &document, &id, request.param("format"))
}

/// `GET /api/volume?period=2026|2026Q3[&by=month][&format=docx]`: the period's
/// 信息汇编 as PDF (or DOCX), as `xinbao volume` makes it; 404 when nothing was
/// published in the period.
pub fn volume(run: &Run, request: &Request) -> Result<Reply, Failure> {
    may_publish(run)?;
    let asked = request.param("period").unwrap_or_default();
    let period = Period::parse(asked).ok_or_else(|| {
        Failure::bad(
            format!("不是年度或季度（如 2026、2026Q3）：{asked}"),
            format!("not a year or quarter such as 2026 or 2026Q3: {asked}"),
        )
    })?;
    let by = match request.param("by") {
        Some("month") => crate::volume::By::Month,
        _ => crate::volume::By::Category,
    };
    let verdicts = crate::pipeline::judge(run, Purpose::Figures { deleted: false })?;
    let (repo, ledger) = (&verdicts.repo, verdicts.ledger()?);
    let volume = crate::volume::select(repo, ledger, &verdicts.late, period, by);
    if volume.groups.is_empty() {
        return Err(Failure::not_found(
            format!("{}没有已发布的信息", period.chinese()),
            format!("nothing was published in {}", period.english()),
        ));
    }
    let names = &repo.settings.fonts;
    let (fonts, _) = crate::render::font_set(&repo.workspace, names);
    let written = crate::render::volume::write(&volume, repo, &fonts, names)?;
    match request.param("format").unwrap_or("pdf") {
        "pdf" => Ok(Reply::bytes("application/pdf", written.pdf)),
        "docx" => Ok(Reply::bytes(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            written.docx,
        )),
        other => {
            Err(Failure::bad(format!("不支持的格式 {other}"), format!("no such format {other}")))
        }
    }
}

/// `POST /api/bulletin` `{"from", "to", "number"?}`: the issue of the reports
/// published from `from` to `to` compiled, its record committed with the office's
/// signature and pushed; `{"commit", "file", "year", "number", "reports",
/// "pushed", "pdf", "docx"}`. On any refusal nothing is left behind.
pub fn compile(run: &Run, body: &Value) -> Result<Value, Failure> {
    let date = |key: &str| {
        let text = body.get(key).and_then(Value::as_str).unwrap_or_default();
        crate::time::parse_date(text).ok_or_else(|| {
            Failure::bad(
                format!("{key} 不是日期（如 2026-03-31）"),
                format!("{key} is not a date (2026-03-31)"),
            )
        })
    };
    let (from, to) = (date("from")?, date("to")?);
    if to < from {
        return Err(Failure::bad("截止日期早于起始日期", "`to` is before `from`"));
    }
    let number = match body.get("number").filter(|n| !n.is_null()) {
        None => None,
        Some(n) => {
            Some(n.as_u64().and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0).ok_or_else(
                || Failure::bad("期号应为正整数", "the number must be a positive whole number"),
            )?)
        }
    };
    signing_ready(run)?;
    may_publish(run)?;
    super::branches::sync(run.root());
    let run = &run.reread();
    let verdicts = crate::pipeline::judge(run, Purpose::Figures { deleted: false })?;
    let (repo, ledger) = (&verdicts.repo, verdicts.ledger()?);
    let today = crate::pipeline::today(run, &repo.settings);
    let (issue, new) =
        crate::bulletin::plan(&repo.bulletins, repo, ledger, (from, to), number, today)
            .map_err(|err| Failure::conflict(format!("{err:#}"), format!("{err:#}")))?;
    if !new {
        return Err(Failure::conflict(
            format!("这一期已经编发：{}", issue.file),
            format!("this issue is already recorded: {}", issue.file),
        ));
    }
    if crate::commit::dirty_files(run.root())?
        .iter()
        .any(|f| f.starts_with(crate::report::bulletin::DIR))
    {
        return Err(Failure::conflict(
            "期刊记录有未提交的改动，请先提交或撤销",
            "the issue records have uncommitted changes; commit or undo them first",
        ));
    }
    let dir = crate::report::bulletin::DIR.trim_end_matches('/');
    super::security::write_in(
        run.root(),
        dir,
        &issue.file,
        issue.record(&repo.settings).as_bytes(),
    )
    .map_err(anyhow::Error::from)?;
    let remove = || {
        let _ = crate::commit::run(run.root(), &["reset", "-q", "--", &issue.file], None);
        let _ = std::fs::remove_file(run.root().join(&issue.file));
    };
    let staged = crate::commit::run(run.root(), &["add", "--", &issue.file], None)?;
    if let Err(err) = staged {
        remove();
        return Err(anyhow::anyhow!(err).into());
    }
    let signing = crate::commit::Signing {
        commit: &["commit", "-S", "-q", "-F", "-"],
        abort: &["reset", "-q", "--", crate::report::bulletin::DIR],
        undo: &["reset", "-q", "HEAD^"],
    };
    let message = format!("期刊：{}年第{}期（{} 至 {}）\n", issue.year, issue.number, from, to);
    // The record counts only with an office or admin signature (SPEC §6.3).
    let counted =
        |ledger: &crate::approval::Ledger, _| ledger.records.contains_key(&run.in_git(&issue.file));
    let refusal = (
        "期号记录没有当时生效设置中办公室或管理员的有效签名，不会生效，已撤销",
        "the issue record has no valid office or admin signature under the settings in force and would not count; it was undone",
    );
    let head = super::signed::commit(run, &signing, &message, counted, remove, refusal)?;
    let commit = head.to_string();
    let pushed = super::branches::pushed(run, &commit, "--soft")?;
    let at = format!("/api/bulletins/{}/{}", issue.year, issue.number);
    Ok(json!({
        "commit": commit, "file": issue.file, "year": issue.year, "number": issue.number,
        "reports": issue.reports.len(), "pushed": pushed,
        "pdf": format!("{at}/pdf"), "docx": format!("{at}/docx"),
    }))
}

/// `GET /api/bulletins/{year}/{number}/{pdf|docx}`: an issue in force, typeset.
pub fn issue(run: &Run, year: &str, number: &str, format: &str) -> Result<Reply, Failure> {
    let verdicts = crate::pipeline::judge(run, Purpose::Figures { deleted: false })?;
    let ledger = verdicts.ledger()?;
    let found = verdicts
        .repo
        .bulletins
        .iter()
        .find(|i| i.year.to_string() == year && i.number.to_string() == number);
    let issue = found.ok_or_else(|| {
        Failure::not_found(
            format!("没有 {year} 年第 {number} 期"),
            format!("no issue {number} of {year}"),
        )
    })?;
    let (document, _) = crate::layout::bulletin::issue(issue, &verdicts.repo, ledger)?;
    typeset(&verdicts, &document, &issue.file, Some(format))
}

/// `document` as PDF (the default) or DOCX.
fn typeset(
    verdicts: &Verdicts,
    document: &crate::layout::Document,
    label: &str,
    format: Option<&str>,
) -> Result<Reply, Failure> {
    let (ws, fonts) = (&verdicts.repo.workspace, &verdicts.repo.settings.fonts);
    match format.unwrap_or("pdf") {
        "pdf" => Ok(Reply::bytes(
            "application/pdf",
            crate::render::pdf_bytes(ws, fonts, document, label)?,
        )),
        "docx" => {
            let kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
            Ok(Reply::bytes(kind, crate::render::docx_bytes(document, fonts, label)?))
        }
        other => {
            Err(Failure::bad(format!("不支持的格式 {other}"), format!("no such format {other}")))
        }
    }
}

//! `xinbao stats --quarter 2026Q1 | --year 2026`: the figures of SPEC §8 as JSON,
//! the quarterly notice or annual assessment as Markdown, DOCX or PDF, or, with
//! `--explain UNIT`, the reports and requests behind one unit's figures.

use crate::cli::{StatsArgs, StatsFormat};
use crate::lang::Lang;
use crate::run::Run;
use crate::stats::{self, Figures, Stats};
use anyhow::{Context as _, bail};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// Runs `stats`.
pub fn run(run: &Run, args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let (root, lang) = (run.root(), run.lang());
    let Some(period) = args.quarter.or(args.year) else {
        return Err(crate::lang::unable("请给出 --quarter 或 --year", "give --quarter or --year"));
    };
    let verdicts =
        crate::pipeline::judge(run, crate::pipeline::Purpose::Figures { deleted: true })?;
    let (repo, late, ledger) = (&verdicts.repo, &verdicts.late, verdicts.ledger()?);
    if args.number.is_some() && repo.settings.notice.code.is_empty() {
        return Err(crate::lang::unable(
            "--number 需要 xinbao.yaml 中的 notice.code（机关代字）",
            "--number needs notice.code in xinbao.yaml",
        ));
    }
    crate::pipeline::warn_if_not_main(run, repo, ledger);
    let now = run.now().fixed_offset();
    let input = stats::Input { repo, ledger, late, now };
    let stats = stats::compute(&input, period);

    if args.explain.is_some() && matches!(args.format, StatsFormat::Docx | StatsFormat::Pdf) {
        return Err(crate::lang::unable(
            "--explain 只输出文字或 JSON",
            "--explain prints text or JSON",
        ));
    }
    if let Some(unit) = &args.explain {
        let Some(figures) = stats.units.iter().find(|f| &f.unit == unit) else {
            bail!(
                "科室 `{unit}` 不在 xinbao.yaml 的 units 中 / unit `{unit}` is not in `units` of xinbao.yaml"
            );
        };
        let text = match args.format {
            StatsFormat::Json => {
                let value = serde_json::json!({
                    "period": stats.period, "from": stats.from, "to": stats.to,
                    "unit": figures, "evidence": figures.evidence,
                });
                format!("{}\n", serde_json::to_string_pretty(&value)?)
            }
            _ => explain(&stats, figures, &repo.settings.scoring, lang),
        };
        return emit(args.output.as_deref(), text.as_bytes(), lang);
    }
    if args.format == StatsFormat::Json {
        let text = format!("{}\n", serde_json::to_string_pretty(&stats)?);
        return emit(args.output.as_deref(), text.as_bytes(), lang);
    }
    let date = args.date.unwrap_or_else(|| crate::pipeline::today(run, &repo.settings));
    let notice = stats::notice::notice(&stats, &repo.settings, date, args.number);
    if args.format == StatsFormat::Md {
        return emit(args.output.as_deref(), notice.markdown().as_bytes(), lang);
    }
    let (document, id) = notice_document(&notice, &repo.settings, period, date);
    let extension = if args.format == StatsFormat::Docx { "docx" } else { "pdf" };
    let out = match &args.output {
        Some(out) => out.clone(),
        None => root.join("public").join("stats").join(format!("{period}.{extension}")),
    };
    let (docx, pdf): (Option<&Path>, Option<&Path>) =
        if extension == "docx" { (Some(&out), None) } else { (None, Some(&out)) };
    crate::render::write_files(&repo.workspace, &repo.settings.fonts, &document, &id, docx, pdf)?;
    wrote(&out, lang);
    Ok(ExitCode::SUCCESS)
}

/// The notice of `period` laid out as a document dated `date`, and its id.
pub fn notice_document(
    notice: &stats::notice::Notice,
    settings: &crate::config::Settings,
    period: crate::stats::period::Period,
    date: chrono::NaiveDate,
) -> (crate::layout::Document, String) {
    let id = format!("notice-{period}");
    let dated = crate::layout::document::start_of(date, settings.timezone);
    (crate::layout::notice::notice(notice, &id, dated), id)
}

/// Prints `bytes`, or writes them to `output`.
fn emit(output: Option<&Path>, bytes: &[u8], lang: Lang) -> anyhow::Result<ExitCode> {
    match output {
        None => {
            use std::io::Write as _;
            std::io::stdout().write_all(bytes).context("writing to standard output")?;
        }
        Some(out) => {
            crate::atomic::write(out, bytes)
                .with_context(|| format!("writing {}", out.display()))?;
            wrote(out, lang);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn wrote(out: &Path, lang: Lang) {
    eprintln!("{} {}", lang.pick("已生成", "wrote"), out.display());
}

/// One unit's figures with the reports, requests and adoptions behind each.
fn explain(stats: &Stats, f: &Figures, scoring: &crate::config::Scoring, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let t = |a: &str, b: &str| if zh { a.to_string() } else { b.to_string() };
    // Chinese punctuation for Chinese, ASCII for English.
    let (colon, comma, semicolon) = if zh { ("：", "，", "；") } else { (": ", ", ", "; ") };
    let period = if zh { stats.span.chinese() } else { stats.span.english() };
    let mut out = if zh {
        format!("{} {period}（{} – {}）\n\n", f.unit, stats.from, stats.to)
    } else {
        format!("{} {period} ({} – {})\n\n", f.unit, stats.from, stats.to)
    };
    let e = &f.evidence;
    let _ = writeln!(
        out,
        "{} {}{colon}{} {}{comma}{} {}{semicolon}{} {}{comma}{} {}",
        t("报送", "submitted"),
        f.submitted,
        t("审核", "approved"),
        f.approved,
        t("发布", "published"),
        f.published,
        t("按时", "on time"),
        f.on_time,
        t("迟报", "late"),
        f.late
    );
    for item in &e.reports {
        let verdict = if item.late.is_empty() {
            t("按时", "on time")
        } else {
            let why: Vec<&str> = item.late.iter().map(|w| w.get(lang)).collect();
            format!("{}{colon}{}", t("迟报", "late"), why.join(semicolon))
        };
        let _ = writeln!(
            out,
            "  {}  {}  {}  {}  {}  {verdict}",
            item.id, item.category, item.state, item.submitted_at, item.title
        );
    }
    let _ = writeln!(out, "\n{} {}", t("漏报", "missed"), f.missed);
    for m in &e.missed {
        let _ = writeln!(out, "  {}  {}  {} {}", m.request, m.title, t("截止", "due"), m.deadline);
    }
    let _ = writeln!(out, "\n{} {}", t("误报", "false"), f.false_reports);
    for r in &e.retracted {
        let _ = writeln!(out, "  {}  {}  ← {}", r.id, r.title, r.by);
    }
    let _ = writeln!(
        out,
        "\n{} {}{comma}{} {}",
        t("采用", "adopted"),
        f.adopted,
        t("得分", "points"),
        f.adoption_points
    );
    for a in &e.adoptions {
        let _ = writeln!(out, "  {}  {}  {}  {}  {:+}", a.id, a.by, a.level, a.date, a.points);
    }
    let _ = writeln!(
        out,
        "\n{} {}{comma}{} {}{semicolon}{} {:.2}",
        t("任务", "quota"),
        f.quota,
        t("差额", "shortfall"),
        f.quota_shortfall,
        t("问题类占比", "problem share"),
        f.problem_share
    );
    let _ = writeln!(
        out,
        "{} = {}×{} + {}×{} + ({})×{} + ({})×{} + ({})×{} + {} = {}{semicolon}{} {}",
        t("得分", "score"),
        scoring.per_item,
        f.submitted,
        scoring.per_published,
        f.published,
        scoring.late,
        f.late,
        scoring.missed,
        f.missed,
        scoring.false_report,
        f.false_reports,
        f.adoption_points,
        f.score,
        t("排名", "rank"),
        f.rank
    );
    out
}

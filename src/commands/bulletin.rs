//! `xinbao bulletin --from D --to D [--number N]`: compiles the reports published
//! in a period into one issue, records it as `bulletins/YYYY/NN.yaml` (the number
//! is taken once that file is committed) and writes its DOCX and PDF.

use crate::bulletin;
use crate::cli::BulletinArgs;
use crate::diag::{self, Severity};
use crate::lang::{Lang, Tone, tell};
use crate::run::Run;
use anyhow::Context as _;
use std::process::ExitCode;

/// Runs `bulletin`.
pub fn run(run: &Run, args: &BulletinArgs) -> anyhow::Result<ExitCode> {
    let (root, lang) = (run.root(), run.lang());
    if args.to < args.from {
        return Err(crate::lang::unable(
            format!("--to {} 早于 --from {}", args.to, args.from),
            format!("--to {} is before --from {}", args.to, args.from),
        ));
    }
    let figures = crate::pipeline::Purpose::Figures { deleted: false };
    let crate::pipeline::Verdicts { repo, diags, ledger, .. } =
        crate::pipeline::judge(run, figures)?;
    let Some(ledger) = ledger else { return Err(crate::run::no_git()) };
    crate::pipeline::warn_if_not_main(run, &repo, &ledger);
    let problems: Vec<diag::Diagnostic> = diags
        .into_sorted()
        .into_iter()
        .filter(|d| {
            d.severity == Severity::Error && d.file.starts_with(crate::report::bulletin::DIR)
        })
        .collect();
    if !problems.is_empty() {
        diag::tell(&problems, lang);
        return Err(crate::lang::unable("期刊记录有误，请先修正", "fix the issue records first"));
    }
    let today = crate::pipeline::today(run, &repo.settings);
    let issues = with_pending(&repo, lang);
    let (issue, new) =
        bulletin::plan(&issues, &repo, &ledger, (args.from, args.to), args.number, today)?;
    for warning in bulletin::warnings(&issues, &issue, &repo, &ledger, !new) {
        tell(lang, Tone::Caution, &warning);
    }
    if new {
        let record = root.join(&issue.file);
        crate::atomic::write(&record, issue.record(&repo.settings).as_bytes())
            .with_context(|| format!("writing {}", record.display()))?;
    }
    let (document, missing) = crate::layout::bulletin::issue(&issue, &repo, &ledger)?;
    for id in &missing {
        eprintln!(
            "{}: 记录中的信息 {id} 已不存在，已略去 / report {id} no longer exists",
            issue.file
        );
    }
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => root.join("public").join("bulletins"),
    };
    let docx = out.join(format!("{}.docx", issue.stem()));
    let pdf = out.join(format!("{}.pdf", issue.stem()));
    crate::render::write_files(
        &repo.workspace,
        &repo.settings.fonts,
        &document,
        &issue.file,
        Some(&docx),
        Some(&pdf),
    )?;
    let name = &repo.settings.bulletin.name;
    let items = issue.reports.len() - missing.len();
    match lang {
        Lang::Zh => {
            println!(
                "《{name}》{}年第{}期：{items} 条信息（{} 至 {}）",
                issue.year, issue.number, issue.from, issue.to
            );
            println!("已生成 {}\n已生成 {}", docx.display(), pdf.display());
            if new {
                println!(
                    "期号记录 {}：请由办公室签名提交（git commit -S），期号即被占用",
                    issue.file
                );
            }
        }
        Lang::En => {
            println!(
                "{name} {} no. {}: {items} reports ({} to {})",
                issue.year, issue.number, issue.from, issue.to
            );
            println!("wrote {}\nwrote {}", docx.display(), pdf.display());
            if new {
                println!(
                    "issue record {}: the office commits it, signed (git commit -S), to take the number",
                    issue.file
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The issue records in force, with the work tree's records that are not (yet):
/// an issue the office has compiled but not committed with its signature keeps its
/// number and its list here, and the office is told that it does not count until
/// then (SPEC §6.3).
fn with_pending(repo: &crate::load::Repository, lang: Lang) -> Vec<crate::report::bulletin::Issue> {
    let mut issues = repo.bulletins.clone();
    for pending in &repo.record_files.bulletins {
        if issues.contains(pending) {
            continue;
        }
        let text = crate::lang::Text::new(
            format!(
                "{}：期号记录尚未经办公室或管理员签名提交，在那之前不生效（build、网站不收这一期）",
                pending.file
            ),
            format!(
                "{}: the issue record is not yet committed with an office or admin signature; until then it has no effect (build and the archive leave it out)",
                pending.file
            ),
        );
        tell(lang, Tone::Caution, &text);
        issues.retain(|issue| issue.file != pending.file);
        issues.push(pending.clone());
    }
    issues.sort_by_key(|issue| (issue.year, issue.number));
    issues
}

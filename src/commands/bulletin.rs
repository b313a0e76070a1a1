//! `xinbao bulletin --from D --to D [--number N]`: compiles the reports published
//! in a period into one issue, records it as `bulletins/YYYY/NN.yaml` (the number
//! is taken once that file is committed) and writes its DOCX and PDF.

use crate::bulletin;
use crate::cli::BulletinArgs;
use crate::diag::{self, Severity};
use crate::lang::{Lang, Tone, tell};
use anyhow::Context as _;
use std::path::Path;
use std::process::ExitCode;

/// Runs `bulletin`.
pub fn run(root: &Path, args: &BulletinArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    if args.to < args.from {
        return Err(crate::lang::unable(
            format!("--to {} 早于 --from {}", args.to, args.from),
            format!("--to {} is before --from {}", args.to, args.from),
        ));
    }
    let crate::pipeline::Judged { repo, diags, ledger, .. } =
        crate::pipeline::load_with_ledger(root, false, lang)?;
    crate::pipeline::warn_if_not_main(root, &repo, &ledger, lang);
    let problems: Vec<diag::Diagnostic> = diags
        .into_sorted()
        .into_iter()
        .filter(|d| {
            d.severity == Severity::Error && d.file.starts_with(crate::report::bulletin::DIR)
        })
        .collect();
    if !problems.is_empty() {
        let none = |_: &str, _: u32| None;
        eprint!("{}", diag::render_human(&problems, lang, false, &none));
        return Err(crate::lang::unable("期刊记录有误，请先修正", "fix the issue records first"));
    }
    let today = crate::pipeline::today(&repo.settings);
    let (issue, new) =
        bulletin::plan(&repo.bulletins, &repo, &ledger, (args.from, args.to), args.number, today)?;
    for warning in bulletin::warnings(&repo.bulletins, &issue, &repo, &ledger, !new) {
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
                println!("期号记录 {}：请提交，期号即被占用", issue.file);
            }
        }
        Lang::En => {
            println!(
                "{name} {} no. {}: {items} reports ({} to {})",
                issue.year, issue.number, issue.from, issue.to
            );
            println!("wrote {}\nwrote {}", docx.display(), pdf.display());
            if new {
                println!("issue record {}: commit it to take the number", issue.file);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `xinbao render <ID|PATH>`: one report as DOCX, for a writer's preview before a
//! pull request. Problems the check finds are shown but do not stop the preview.

use crate::cli::RenderArgs;
use crate::diag;
use crate::load;
use crate::pipeline::{Purpose, Verdicts};
use crate::render;
use crate::run::Run;
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs `render`.
pub fn run(run: &Run, args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let (root, lang) = (run.root(), run.lang());
    let given = Path::new(&args.report);
    let extra: Vec<PathBuf> = if given.extension().is_some_and(|e| e == "md") && given.is_file() {
        vec![std::path::absolute(given).context("resolving the report path")?]
    } else {
        Vec::new()
    };
    // A writer's preview: outside git, or in a shallow clone, there is no approval to print.
    let approvals = run.full_git().is_some();
    let check = Purpose::Check { approvals, rev: None, extra: &extra };
    let Verdicts { repo, mut diags, ledger, .. } = crate::pipeline::judge(run, check)?;
    let id = match extra.first() {
        Some(path) => load::stem(&load::relative(root, path)),
        None => args.report.clone(),
    };
    let Some(report) = repo.report(&id) else {
        return Err(crate::lang::unable(
            format!("没有编号为 {id} 的信息"),
            format!("no report with id {id}"),
        ));
    };
    diags.retain(|d| d.file == report.file);
    let findings = diags.into_sorted();
    if !findings.is_empty() {
        let none = |_: &str, _: u32| None;
        eprint!("{}", diag::render_human(&findings, lang, false, &none));
    }
    let trail = ledger.as_ref().and_then(|l| l.trail_of(report));
    let document = crate::layout::report::prepare(&repo, report, trail)?;
    // Neither flag: both files, named after the report, in the current folder.
    let (docx, pdf) = match (&args.docx, &args.pdf) {
        (None, None) => {
            (Some(PathBuf::from(format!("{id}.docx"))), Some(PathBuf::from(format!("{id}.pdf"))))
        }
        (docx, pdf) => (docx.clone(), pdf.clone()),
    };
    let written = render::write_files(
        &repo.workspace,
        &repo.settings.fonts,
        &document,
        &report.file,
        docx.as_deref(),
        pdf.as_deref(),
    )?;
    for out in written {
        println!("{} {}", lang.pick("已生成", "wrote"), out.display());
    }
    Ok(ExitCode::SUCCESS)
}

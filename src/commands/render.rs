//! `xinbao render <ID|PATH>`: one report as DOCX, for a writer's preview before a
//! pull request. Problems the check finds are shown but do not stop the preview;
//! an error among them makes the exit code 1 (SPEC: exit codes).

use crate::cli::RenderArgs;
use crate::diag;
use crate::load;
use crate::pipeline::{Purpose, Verdicts};
use crate::render;
use crate::run::Run;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs `render`.
pub fn run(run: &Run, args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let lang = run.lang();
    let Preview { repo, document, id, file, errors } = preview(run, &args.report)?;
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
        &file,
        docx.as_deref(),
        pdf.as_deref(),
    )?;
    for out in written {
        println!("{} {}", lang.pick("已生成", "wrote"), out.display());
    }
    // A preview is written whatever the check found; its errors still fail the run.
    Ok(if errors { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// One report laid out for its documents, as `render` and the desk's preview show it.
pub struct Preview {
    /// The repository it was read in.
    pub repo: crate::load::Repository,
    /// The laid-out document.
    pub document: crate::layout::Document,
    /// The report's id.
    pub id: String,
    /// Its file.
    pub file: String,
    /// Whether the check found an error in it (shown on standard error).
    pub errors: bool,
}

/// The report `report` (an id, or a `.md` file) laid out with the approval block
/// the history gives it; the check's findings are shown on standard error.
pub fn preview(run: &Run, report: &str) -> anyhow::Result<Preview> {
    let (root, lang) = (run.root(), run.lang());
    let given = Path::new(report);
    let extra: Vec<PathBuf> = if given.extension().is_some_and(|e| e == "md") && given.is_file() {
        vec![super::in_repository(root, given)?]
    } else {
        Vec::new()
    };
    // A writer's preview: outside git, or in a shallow clone, there is no approval to print.
    let approvals = run.full_git().is_some();
    let check = Purpose::Check { approvals, rev: None, extra: &extra };
    let Verdicts { repo, mut diags, ledger, .. } = crate::pipeline::judge(run, check)?;
    let id = match extra.first() {
        Some(path) => load::stem(&load::relative(root, path)),
        None => report.to_string(),
    };
    // A file of that id whose front matter cannot be read is named, with why.
    let file = match repo.report(&id) {
        Some(report) => report.file.clone(),
        None => match repo.files.iter().find(|(of, _)| *of == id) {
            Some((_, file)) => file.clone(),
            None => {
                return Err(crate::lang::unable(
                    format!("没有编号为 {id} 的信息"),
                    format!("no report with id {id}"),
                ));
            }
        },
    };
    diags.retain(|d| d.file == file);
    let findings = diags.into_sorted();
    diag::tell(&findings, lang);
    let Some(report) = repo.report(&id) else {
        return Err(crate::lang::refuse(
            format!("{file} 的前置信息读不出（见上面的错误），无法排版"),
            format!(
                "{file}: its front matter cannot be read (see the errors above), so it cannot be laid out"
            ),
        ));
    };
    let trail = ledger.as_ref().and_then(|l| l.trail_of(report));
    let document = crate::layout::report::prepare(&repo, report, trail)?;
    let errors = findings.iter().any(|d| d.severity == crate::diag::Severity::Error);
    Ok(Preview { repo, document, id, file, errors })
}

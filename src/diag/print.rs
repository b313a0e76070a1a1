//! Printing the findings of a run on standard output in the format asked for.

use super::Severity;
use super::{
    render_github, render_gitlab, render_human, render_json, render_sarif, render_step_summary,
};
use crate::lang::Lang;
use crate::source;
use crate::workspace::Workspace;
use anyhow::Context as _;
use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::sync::Arc;

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Compiler-style text for people.
    Human,
    /// One JSON object (SPEC §9).
    Json,
    /// GitHub workflow commands, plus the step summary.
    Github,
    /// SARIF 2.1.0.
    Sarif,
    /// GitLab's Code Quality report (merge requests).
    Gitlab,
    /// The errors as `human` shows them, then one line that counts the warnings
    /// by rule: what a push to the server shows (contrib/ hooks).
    Brief,
}

/// Where the human format finds the text of a file it quotes.
pub trait Sources {
    /// The text of `file` (relative to the root), normalized as when it was read.
    fn text(&self, file: &str) -> Option<Arc<str>>;
}

impl Sources for Workspace {
    /// Read from disk: for files the run did not keep; none past the size a
    /// report may have (a finding on a file of gigabytes is not quoted).
    fn text(&self, file: &str) -> Option<Arc<str>> {
        let bytes = self.read_file(file, crate::workspace::MAX_FILE_BYTES).ok()?;
        Some(source::normalize(String::from_utf8_lossy(&bytes).into_owned()).into())
    }
}

/// Tells `findings` on standard error, in the human format without the lines
/// they are on (none when there are none): what a command shows of the check
/// before it goes on.
pub fn tell(findings: &[super::Diagnostic], lang: Lang) {
    if !findings.is_empty() {
        eprint!("{}", render_human(findings, lang, false, &|_, _| None));
    }
}

/// Prints `diagnostics` in `format`, with the summary line of the human format;
/// the lines it quotes come from `sources`.
pub fn print(
    sources: &dyn Sources,
    diagnostics: &[super::Diagnostic],
    files: usize,
    format: Format,
    lang: Lang,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Human | Format::Brief => {
            let brief = format == Format::Brief;
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            // Each file is read once, however many findings it has.
            let texts = std::cell::RefCell::new(std::collections::HashMap::<
                String,
                Option<source::Lines>,
            >::new());
            let line_of = |file: &str, line: u32| {
                let mut texts = texts.borrow_mut();
                let text = texts
                    .entry(file.to_string())
                    .or_insert_with(|| Some(source::Lines::new(sources.text(file)?.to_string())));
                text.as_ref()?.line(line).map(str::to_string)
            };
            let errors: Vec<_>;
            let shown = match brief {
                true => {
                    errors = diagnostics
                        .iter()
                        .filter(|d| d.severity == Severity::Error)
                        .cloned()
                        .collect();
                    &errors
                }
                false => diagnostics,
            };
            write!(out, "{}", render_human(shown, lang, color, &line_of))?;
            writeln!(out, "{}", summary_line(diagnostics, files, brief, lang))?;
        }
        Format::Json => write!(out, "{}", render_json(diagnostics, files, lang))?,
        Format::Sarif => write!(out, "{}", render_sarif(diagnostics, lang))?,
        Format::Gitlab => write!(out, "{}", render_gitlab(diagnostics, lang))?,
        Format::Github => {
            write!(out, "{}", render_github(diagnostics, lang))?;
            if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty())
            {
                let mut file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&summary)
                    .with_context(|| {
                        format!("opening GITHUB_STEP_SUMMARY {}", Path::new(&summary).display())
                    })?;
                file.write_all(render_step_summary(diagnostics, files, lang).as_bytes())?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// `检查 42 个文件：0 个错误，6 个警告`, with the warnings counted by rule when
/// `by_rule` (`（not-approved 6）`).
fn summary_line(
    diagnostics: &[super::Diagnostic],
    files: usize,
    by_rule: bool,
    lang: Lang,
) -> String {
    let (errors, warnings) = super::count(diagnostics);
    let mut line = match lang {
        Lang::Zh => format!("检查 {files} 个文件：{errors} 个错误，{warnings} 个警告"),
        Lang::En => format!("{files} files checked: {errors} errors, {warnings} warnings"),
    };
    let mut rules = std::collections::BTreeMap::<&str, usize>::new();
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Warning) {
        *rules.entry(d.rule.id()).or_default() += 1;
    }
    if by_rule && !rules.is_empty() {
        let counts: Vec<String> = rules.iter().map(|(rule, n)| format!("{rule} {n}")).collect();
        line += &match lang {
            Lang::Zh => format!("（{}）", counts.join("，")),
            Lang::En => format!(" ({})", counts.join(", ")),
        };
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_past_the_size_limit_is_not_read_to_be_quoted() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path(), chrono::Utc::now());
        let big = std::fs::File::create(dir.path().join("big.md")).unwrap();
        big.set_len(crate::workspace::MAX_FILE_BYTES + 1).unwrap();
        std::fs::write(dir.path().join("small.md"), "一\r\n二\n").unwrap();
        assert!(Sources::text(&*ws, "big.md").is_none());
        assert_eq!(Sources::text(&*ws, "small.md").as_deref(), Some("一\n二\n"));
    }
}

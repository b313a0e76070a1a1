//! Findings about reports and settings, and the formats that print them.
//!
//! Every stage pushes [`Diagnostic`]s into a [`Diagnostics`] list and keeps going;
//! nothing is thrown. The renderers in the submodules turn the sorted list into
//! human, JSON, GitHub or SARIF output.

mod github;
mod gitlab;
mod human;
mod json;
mod print;
mod rule;
mod sarif;

pub use github::{render_github, render_step_summary};
pub use gitlab::render_gitlab;
pub use human::render_human;
pub use json::render_json;
pub use print::{Format, print};
pub use rule::Rule;
pub use sarif::render_sarif;

use crate::lang::Text;
use crate::source::{Pos, Span};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Blocks the report: `check` exits 1.
    Error,
    /// Worth fixing; `check` still exits 0.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding: which rule, where, and what to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Repository-relative path with `/` separators.
    pub file: String,
    /// Where in the file the finding starts (1-based).
    pub pos: Pos,
    /// Just past where it ends; equal to `pos` when only the start is known.
    pub end: Pos,
    /// The rule broken.
    pub rule: Rule,
    /// The rule's severity.
    pub severity: Severity,
    /// What is wrong, in both languages.
    pub message: Text,
}

/// The findings of one run, in the order they were found.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a finding of `rule` at `at` (a position or a span) in `file`.
    pub fn push(&mut self, file: &str, at: impl Into<Span>, rule: Rule, message: Text) {
        self.push_as(rule.severity(), file, at, rule, message);
    }

    /// Records a finding with a severity other than the rule's default.
    pub fn push_as(
        &mut self,
        severity: Severity,
        file: &str,
        at: impl Into<Span>,
        rule: Rule,
        message: Text,
    ) {
        let Span { start: pos, end } = at.into();
        self.items.push(Diagnostic { file: file.to_string(), pos, end, rule, severity, message });
    }

    /// Moves all findings of `other` into this list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Keeps only the findings for which `keep` is true.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.items.retain(keep);
    }

    /// The findings sorted by file, position and rule, for stable output.
    /// The findings of `xinbao.yaml` come first: they are often the cause of the
    /// others.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        // `config::FILE`, named here because the settings sit above the findings.
        let settings_first = |d: &Diagnostic| d.file != "xinbao.yaml";
        self.items.sort_by(|a, b| {
            (settings_first(a), &a.file, a.pos, a.rule, &a.message.en).cmp(&(
                settings_first(b),
                &b.file,
                b.pos,
                b.rule,
                &b.message.en,
            ))
        });
        self.items.dedup();
        self.items
    }

    /// The findings so far.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

/// Counts errors and warnings in a list of findings.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    (errors, diagnostics.len() - errors)
}

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
pub use print::{Format, Sources, print, tell};
pub use rule::Rule;
pub use sarif::render_sarif;

use crate::lang::Text;
use crate::source::{Pos, Span};

/// How serious a finding is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// The most findings of one rule listed for one file; beyond it they are
/// counted and summed up in one finding (a hostile file can have 300,000).
pub const MAX_PER_RULE: usize = 100;

/// The findings of one run, in the order they were found.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Per file and rule: how many findings, and the first one not listed.
    counts: std::collections::HashMap<(String, Rule), (usize, Option<Diagnostic>)>,
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
        let diagnostic = Diagnostic { file: file.to_string(), pos, end, rule, severity, message };
        self.add(diagnostic, 1);
    }

    /// Lists `diagnostic` while its file has fewer than [`MAX_PER_RULE`] of its
    /// rule; past that it is only counted, `count` times (the first one kept
    /// for the place of the summary).
    fn add(&mut self, diagnostic: Diagnostic, count: usize) {
        let key = (diagnostic.file.clone(), diagnostic.rule);
        let (seen, first_unlisted) = self.counts.entry(key).or_default();
        let room = *seen < MAX_PER_RULE;
        *seen += count;
        if room && count == 1 {
            self.items.push(diagnostic);
        } else if first_unlisted.is_none() {
            *first_unlisted = Some(diagnostic);
        }
    }

    /// Merges the findings of `other` into this list, each file's count per rule
    /// kept as if they had been found here.
    pub fn merge(&mut self, other: Diagnostics) {
        for item in other.items {
            self.add(item, 1);
        }
        // The first unlisted finding of `other` stands for all its unlisted ones.
        for (seen, first) in other.counts.into_values() {
            if let Some(first) = first {
                self.add(first, seen - MAX_PER_RULE);
            }
        }
    }

    /// Keeps only the findings for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&Diagnostic) -> bool) {
        self.items.retain(&mut keep);
        // The findings only counted go with the first of them.
        self.counts.retain(|_, (_, first)| first.as_ref().is_some_and(&mut keep));
    }

    /// Gives each finding the severity `judge` says, where it says one.
    pub fn reassess(&mut self, judge: impl Fn(&Diagnostic) -> Option<Severity>) {
        for item in &mut self.items {
            if let Some(severity) = judge(item) {
                item.severity = severity;
            }
        }
    }

    /// The findings sorted by file, position and rule, for stable output.
    /// The findings of `xinbao.yaml` come first: they are often the cause of the
    /// others.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        for ((_, rule), (seen, first)) in std::mem::take(&mut self.counts) {
            let Some(first) = first else { continue };
            let more = seen - MAX_PER_RULE;
            self.items.push(Diagnostic {
                message: crate::lang::Text::new(
                    format!("本文件另有 {more} 处同类问题（{}）未一一列出，请先改正上面列出的", rule.id()),
                    format!("{more} more `{}` findings in this file are not listed: fix the ones above first", rule.id()),
                ),
                ..first
            });
        }
        let settings_first = |d: &Diagnostic| d.file != crate::workspace::SETTINGS_FILE;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_past_the_limit_are_counted_in_one() {
        let mut diags = Diagnostics::default();
        let mut local = Diagnostics::default();
        for line in 1..=250 {
            local.push(
                "a.md",
                Pos::new(line, 1),
                Rule::RawHtml,
                Text::new("原始 HTML", "raw HTML"),
            );
        }
        diags.merge(local);
        diags.push("b.md", Pos::new(1, 1), Rule::RawHtml, Text::new("原始 HTML", "raw HTML"));
        let sorted = diags.into_sorted();
        assert_eq!(sorted.len(), MAX_PER_RULE + 1 + 1);
        let summary = &sorted[MAX_PER_RULE];
        assert_eq!(summary.pos, Pos::new(101, 1));
        assert!(
            summary.message.zh.starts_with("本文件另有 150 处同类问题（raw-html）"),
            "{:?}",
            summary.message
        );
        assert_eq!(sorted.last().unwrap().file, "b.md");
    }
}

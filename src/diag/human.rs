//! Compiler-style output for people: the rule, the message, and the offending line.

use super::{Diagnostic, Severity};
use crate::lang::Lang;
use unicode_width::UnicodeWidthStr;

/// Renders findings like a compiler does; `line_of(file, line)` supplies source lines.
pub fn render_human(
    diagnostics: &[Diagnostic],
    lang: Lang,
    color: bool,
    line_of: &dyn Fn(&str, u32) -> Option<String>,
) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        render_one(&mut out, diagnostic, lang, color, line_of);
    }
    out
}

fn render_one(
    out: &mut String,
    d: &Diagnostic,
    lang: Lang,
    color: bool,
    line_of: &dyn Fn(&str, u32) -> Option<String>,
) {
    let (label, paint) = match (d.severity, lang) {
        (Severity::Error, Lang::Zh) => ("错误", "\x1b[1;31m"),
        (Severity::Error, Lang::En) => ("error", "\x1b[1;31m"),
        (Severity::Warning, Lang::Zh) => ("警告", "\x1b[1;33m"),
        (Severity::Warning, Lang::En) => ("warning", "\x1b[1;33m"),
    };
    let (paint, bold, blue, reset) =
        if color { (paint, "\x1b[1m", "\x1b[1;34m", "\x1b[0m") } else { ("", "", "", "") };
    out.push_str(&format!(
        "{paint}{label}[{}]{reset}{bold}: {}{reset}\n",
        d.rule.id(),
        d.message.get(lang)
    ));
    let gutter = d.pos.line.to_string().len();
    let pad = " ".repeat(gutter);
    out.push_str(&format!("{pad}{blue}-->{reset} {}:{}:{}\n", d.file, d.pos.line, d.pos.column));
    let Some(source) = line_of(&d.file, d.pos.line) else {
        out.push('\n');
        return;
    };
    let (before, marked) = split_at_column(&source, d.pos.column);
    let indent = " ".repeat(before.width());
    let carets = "^".repeat(marked.width().max(1));
    out.push_str(&format!("{pad} {blue}|{reset}\n"));
    out.push_str(&format!("{blue}{}{reset} {blue}|{reset} {source}\n", d.pos.line));
    out.push_str(&format!("{pad} {blue}|{reset} {indent}{paint}{carets}{reset}\n\n"));
}

/// Splits a line at a 1-based character column into the text before it and the
/// token that starts there (up to a space, without a trailing `:`).
fn split_at_column(line: &str, column: u32) -> (&str, &str) {
    let start =
        line.char_indices().nth(column.saturating_sub(1) as usize).map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let token = &rest[..end];
    (&line[..start], token.strip_suffix(':').filter(|t| !t.is_empty()).unwrap_or(token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Rule;
    use crate::lang::Text;
    use crate::source::Pos;

    #[test]
    fn shows_the_line_and_carets_under_the_key() {
        let d = Diagnostic {
            file: "reports/a.md".into(),
            pos: Pos::new(8, 1),
            rule: Rule::DeadlineExceeded,
            severity: Severity::Error,
            message: Text::new("超时", "late"),
        };
        let out = render_human(&[d], Lang::En, false, &|_, _| {
            Some("submitted_at: 2026-03-05T10:00:00+08:00".into())
        });
        assert_eq!(
            out,
            "error[deadline-exceeded]: late\n --> reports/a.md:8:1\n  |\n8 | submitted_at: 2026-03-05T10:00:00+08:00\n  | ^^^^^^^^^^^^\n\n"
        );
    }

    #[test]
    fn carets_align_under_wide_characters() {
        let (before, token) = split_at_column("title: 调度会 x", 8);
        assert_eq!((before, token), ("title: ", "调度会"));
        assert_eq!("调度会".width(), 6);
    }
}

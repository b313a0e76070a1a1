//! Compiler-style output for people: the rule, the message, and the offending
//! line with carets under the finding, drawn by annotate-snippets.

use super::{Diagnostic, Severity};
use crate::lang::Lang;
use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};

/// Renders findings like a compiler does; `line_of(file, line)` supplies source lines.
pub fn render_human(
    diagnostics: &[Diagnostic],
    lang: Lang,
    color: bool,
    line_of: &dyn Fn(&str, u32) -> Option<String>,
) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&render_one(&renderer, diagnostic, lang, line_of));
        out.push_str("\n\n");
    }
    out
}

fn render_one(
    renderer: &Renderer,
    d: &Diagnostic,
    lang: Lang,
    line_of: &dyn Fn(&str, u32) -> Option<String>,
) -> String {
    let level = match (d.severity, lang) {
        (Severity::Error, Lang::Zh) => Level::ERROR.with_name("错误"),
        (Severity::Error, Lang::En) => Level::ERROR,
        (Severity::Warning, Lang::Zh) => Level::WARNING.with_name("警告"),
        (Severity::Warning, Lang::En) => Level::WARNING,
    };
    let title = level.primary_title(d.message.get(lang)).id(d.rule.id());
    let (line, column) = (d.pos.line as usize, d.pos.column as usize);
    let report = match line_of(&d.file, d.pos.line) {
        Some(source) => {
            let marked = marked_bytes(&source, d);
            let snippet = Snippet::source(source)
                .line_start(line)
                .path(d.file.as_str())
                .annotation(AnnotationKind::Primary.span(marked));
            [title.element(snippet)]
        }
        None => [title.element(Origin::path(d.file.as_str()).line(line).char_column(column))],
    };
    renderer.render(&report)
}

/// The bytes of `line` to put carets under: the finding's own range when it ends
/// on the same line, else the token that starts at its column (up to a space,
/// without a trailing `:`).
fn marked_bytes(line: &str, d: &Diagnostic) -> std::ops::Range<usize> {
    let byte_at = |column: u32| {
        line.char_indices().nth(column.saturating_sub(1) as usize).map_or(line.len(), |(i, _)| i)
    };
    let start = byte_at(d.pos.column);
    if d.end.line == d.pos.line && d.end.column > d.pos.column {
        return start..byte_at(d.end.column);
    }
    let rest = &line[start..];
    let token = &rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())];
    let token = token.strip_suffix(':').filter(|t| !t.is_empty()).unwrap_or(token);
    start..start + token.len()
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
            end: Pos::new(8, 1),
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
        let d = Diagnostic {
            file: "reports/a.md".into(),
            pos: Pos::new(2, 8),
            end: Pos::new(2, 8),
            rule: Rule::MissingField,
            severity: Severity::Warning,
            message: Text::new("标题", "title"),
        };
        let out = render_human(&[d], Lang::Zh, false, &|_, _| Some("title: 调度会 x".into()));
        assert!(out.contains("2 | title: 调度会 x\n  |        ^^^^^^\n"), "{out}");
        assert!(out.starts_with("警告[missing-field]: 标题\n --> reports/a.md:2:8\n"), "{out}");
    }

    #[test]
    fn a_span_is_marked_whole_and_a_missing_line_still_names_the_place() {
        let mut d = Diagnostic {
            file: "reports/a.md".into(),
            pos: Pos::new(3, 3),
            end: Pos::new(3, 12),
            rule: Rule::MissingField,
            severity: Severity::Error,
            message: Text::new("链接", "link"),
        };
        let out =
            render_human(&[d.clone()], Lang::En, false, &|_, _| Some("x [链接](a b.md) y".into()));
        assert!(out.contains("  |   ^^^^^^^^^^^\n"), "{out}");
        d.end = d.pos;
        let out = render_human(&[d], Lang::En, false, &|_, _| None);
        assert_eq!(out, "error[missing-field]: link\n--> reports/a.md:3:3\n\n");
    }
}

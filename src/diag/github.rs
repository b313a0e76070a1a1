//! `check --format github`: workflow commands that GitHub shows as annotations,
//! and a Markdown table for the job summary (GitHub shows only the first few annotations).

use super::{Diagnostic, Severity, count};
use crate::lang::Lang;

/// Renders one `::error file=…,line=…,col=…,title=RULE::message` line per finding,
/// with `endLine` and `endColumn` when the finding's end is known.
pub fn render_github(diagnostics: &[Diagnostic], lang: Lang) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let end = match d.end != d.pos {
            true => format!(",endLine={},endColumn={}", d.end.line, d.end.column),
            false => String::new(),
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={}{end},title={}::{}\n",
            escape_property(&d.file),
            d.pos.line,
            d.pos.column,
            escape_property(d.rule.id()),
            escape_message(d.message.get(lang)),
        ));
    }
    out
}

/// Renders the Markdown summary of all findings for `$GITHUB_STEP_SUMMARY`.
pub fn render_step_summary(diagnostics: &[Diagnostic], files: usize, lang: Lang) -> String {
    let (errors, warnings) = count(diagnostics);
    let mut out = match lang {
        Lang::Zh => format!(
            "### xinbao 检查结果\n\n检查 {files} 个文件：{errors} 个错误，{warnings} 个警告。\n\n"
        ),
        Lang::En => format!(
            "### xinbao check\n\n{files} files checked: {errors} errors, {warnings} warnings.\n\n"
        ),
    };
    if diagnostics.is_empty() {
        return out;
    }
    out.push_str(match lang {
        Lang::Zh => "| 文件 | 行 | 级别 | 规则 | 说明 |\n| --- | --- | --- | --- | --- |\n",
        Lang::En => {
            "| file | line | severity | rule | message |\n| --- | --- | --- | --- | --- |\n"
        }
    });
    for d in diagnostics {
        out.push_str(&format!(
            "| `{}` | {} | {} | `{}` | {} |\n",
            escape_cell(&d.file),
            d.pos.line,
            d.severity.as_str(),
            d.rule.id(),
            escape_cell(d.message.get(lang)),
        ));
    }
    out
}

/// Escapes a value as the workflow-command rules require.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a message: [`escape_data`], with the characters that cannot be seen
/// shown by their code (a report's ESC never reaches the log as it is). Not for
/// `file=`: the path must stay the file's.
fn escape_message(text: &str) -> String {
    escape_data(&crate::source::shown(text))
}

/// Escapes a property value: like data, plus `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Keeps a table cell on one line and its pipes literal.
fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_workflow_command_rules() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_message("a\u{1b}[31mb"), "a<U+001B>[31mb");
        assert_eq!(escape_property("a\u{200b}.md"), "a\u{200b}.md");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(escape_cell("a|b\nc"), "a\\|b c");
    }
}

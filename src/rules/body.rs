//! The body: one item per report, research sections, raw HTML and unsafe links.

use crate::diag::{Diagnostics, Rule, Severity};
use crate::lang::Text;
use crate::report::body::OverLimit;
use crate::report::{Category, Placeholders, Report, TemplateText};
use crate::workspace::Workspace;

/// The sections a research report must have (§三(四)).
pub const RESEARCH_SECTIONS: [&str; 3] = ["基本情况", "存在问题", "对策建议"];

/// A body that still holds a placeholder sentence of its category's template
/// (`（写明时间、地点……）`), or an unfilled `{{…}}`, was not written yet. Found
/// when the report was parsed, if under the templates in force; else found now
/// in its text.
pub(super) fn check_template_text(
    report: &Report,
    placeholders: &Placeholders,
    ws: &Workspace,
    diags: &mut Diagnostics,
) {
    let found = match &report.template_text {
        found if found.placeholders == placeholders.digest() => found.found.clone(),
        _ => {
            let text = report.read.as_ref().and_then(|read| read.text(ws, &report.file));
            let Some(text) = text else { return };
            TemplateText::find(text, report.category(), placeholders).found
        }
    };
    for at in found {
        // Long placeholders are named by their start.
        let text: String = match at.value.chars().count() > 14 {
            true => at.value.chars().take(12).chain("…）".chars()).collect(),
            false => at.value.clone(),
        };
        diags.push(
            &report.file,
            at.span(),
            Rule::TemplateText,
            Text::new(
                format!("正文仍是模板的提示文字 {text}：请按提示写成信息，并删去提示"),
                format!("the body still holds the template's placeholder {text}: write the report it asks for and delete it"),
            ),
        );
    }
}

pub(super) fn check(report: &Report, diags: &mut Diagnostics) {
    let file = &report.file;
    // What a document would cut short (以下从略) is not the report as written.
    for over in &report.body.over_limits {
        let limits = crate::report::body::LIMITS;
        let (at, zh, en) = match *over {
            OverLimit::Columns(at, n) => {
                let most = limits.columns;
                (
                    at,
                    format!("表格有 {n} 列，公文最多排 {most} 列"),
                    format!("the table has {n} columns; a document lays out {most} at most"),
                )
            }
            OverLimit::Rows(at, n) => {
                let most = limits.rows;
                (
                    at,
                    format!("表格有 {n} 行，公文最多排 {most} 行"),
                    format!("the table has {n} rows; a document lays out {most} at most"),
                )
            }
            OverLimit::Characters(at, n) => {
                let most = limits.characters;
                (
                    at,
                    format!("这一段有 {n} 字，公文一段最多排 {most} 字"),
                    format!("the paragraph has {n} characters; a document lays out {most} at most"),
                )
            }
        };
        // A warning: a report published with such a table keeps its record.
        diags.push_as(
            Severity::Warning,
            file,
            at,
            Rule::FileTooLarge,
            Text::new(
                format!("{zh}：请拆分，否则超出部分不会出现在公文中"),
                format!("{en}: split it, or the rest is left out of the documents"),
            ),
        );
    }
    for heading in report.body.headings.iter().filter(|h| h.level == 1) {
        diags.push(
            file,
            heading.span,
            Rule::MultipleItems,
            Text::new(
                format!("正文不应有一级标题“{}”：一条信息只报一件事，标题写在 title 中", heading.text),
                format!("level-1 heading “{}” in the body: one item per report, the title goes in `title`", heading.text),
            ),
        );
    }
    if report.category() == Some(Category::Research) {
        for (number, section) in ["一", "二", "三"].into_iter().zip(RESEARCH_SECTIONS) {
            let present =
                report.body.headings.iter().any(|h| h.level == 2 && h.text.contains(section));
            if !present {
                diags.push(
                    file,
                    report.key_pos("category"),
                    Rule::MissingSection,
                    Text::new(
                        format!(
                            "调研信息缺少“{section}”部分（二级标题，如 `## {number}、{section}`）"
                        ),
                        format!("research report lacks the section “{section}” (a `##` heading)"),
                    ),
                );
            }
        }
    }
    for span in &report.body.html {
        diags.push(
            file,
            *span,
            Rule::RawHtml,
            Text::new(
                "正文含原始 HTML，输出时将按文字转义",
                "raw HTML in the body; every output escapes it as text",
            ),
        );
    }
    for link in &report.body.links {
        if let Some(why) = unsafe_target(&report.file, &link.target) {
            diags.push(
                file,
                link.span,
                Rule::UnsafeLink,
                Text::new(
                    format!("链接 `{}` {}", link.target, why.zh),
                    format!("link `{}` {}", link.target, why.en),
                ),
            );
        }
    }
}

/// Why a link target is unsafe, if it is: a script or file scheme, an absolute path,
/// or a relative path that climbs out of the repository.
fn unsafe_target(file: &str, target: &str) -> Option<Text> {
    let lower = target.trim().to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| s.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)));
    match scheme {
        Some("http" | "https" | "mailto" | "tel") => return None,
        Some(scheme) if !scheme.is_empty() => {
            return Some(Text::new(
                format!("使用了不安全的协议 {scheme}:"),
                format!("uses the unsafe scheme {scheme}:"),
            ));
        }
        _ => {}
    }
    if lower.starts_with('/') || lower.starts_with('\\') {
        return Some(Text::new(
            "是绝对路径，超出仓库",
            "is an absolute path outside the repository",
        ));
    }
    let depth = file.matches('/').count();
    if crate::report::picture::climbs_out(target, depth) {
        return Some(Text::new("指向仓库之外", "leaves the repository"));
    }
    None
}

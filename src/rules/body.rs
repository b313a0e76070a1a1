//! The body: one item per report, research sections, raw HTML and unsafe links.

use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::report::{Category, Report};

/// The sections a research report must have (§三(四)).
pub const RESEARCH_SECTIONS: [&str; 3] = ["基本情况", "存在问题", "对策建议"];

/// Where each of `placeholders` occurs in `body`, as `match_indices` finds each
/// (`(start, end, text)`): one pass over the body for all of them, from their
/// first character (the templates' sentences all open with `（`).
fn occurrences<'a>(body: &'a str, placeholders: &[String]) -> Vec<(usize, usize, &'a str)> {
    let mut firsts: Vec<char> = placeholders.iter().filter_map(|p| p.chars().next()).collect();
    firsts.sort_unstable();
    firsts.dedup();
    let one_first = match firsts[..] {
        [first] if !placeholders.iter().any(String::is_empty) => Some(first),
        _ => None,
    };
    let Some(first) = one_first else { return each_apart(body, placeholders) };
    // Where each placeholder may match next: its matches do not overlap.
    let mut free = vec![0; placeholders.len()];
    let mut found = Vec::new();
    for (at, _) in body.match_indices(first) {
        for (p, free) in placeholders.iter().zip(&mut free) {
            if at >= *free && body[at..].starts_with(p.as_str()) {
                *free = at + p.len();
                found.push((at, *free, &body[at..*free]));
            }
        }
    }
    found
}

/// Where `{{` (or `}}`: `brace` twice) first stands in `text` from byte `from`:
/// found by its first byte, which is searched for as a single byte is.
fn pair_at(text: &str, from: usize, brace: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        at += bytes.get(at..)?.iter().position(|b| *b == brace)?;
        if bytes.get(at + 1) == Some(&brace) {
            return Some(at);
        }
        at += 1;
    }
}

/// [`occurrences`] one placeholder at a time.
fn each_apart<'a>(body: &'a str, placeholders: &[String]) -> Vec<(usize, usize, &'a str)> {
    let mut found = Vec::new();
    for p in placeholders {
        found.extend(body.match_indices(p.as_str()).map(|(at, text)| (at, at + text.len(), text)));
    }
    found
}

/// A body that still holds a placeholder sentence of its category's template
/// (`（写明时间、地点……）`), or an unfilled `{{…}}`, was not written yet.
pub(super) fn check_template_text(
    report: &Report,
    placeholders: &[String],
    diags: &mut Diagnostics,
) {
    let Some(read) = &report.read else { return };
    let Ok(split) = crate::report::split(&read.text) else { return };
    let base = split.body_offset;
    let body = split.body;
    let mut found = occurrences(body, placeholders);
    let mut rest = 0;
    while let Some(open) = pair_at(body, rest, b'{') {
        let close = pair_at(body, open, b'}').map_or(open + 2, |at| at + 2);
        found.push((open, close, &body[open..close]));
        rest = close;
    }
    found.sort();
    if found.is_empty() {
        return;
    }
    let locator = crate::source::Locator::new(&read.text);
    for (start, end, text) in found {
        // Long placeholders are named by their start.
        let text: String = match text.chars().count() > 14 {
            true => text.chars().take(12).chain("…）".chars()).collect(),
            false => text.to_string(),
        };
        diags.push(
            &report.file,
            locator.span(base + start..base + end),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_of_braces_is_found_as_find_finds_it() {
        for text in ["", "{", "{{", "a{b{{c}}", "{x}{{", "｛{{", "}}{{}}"] {
            for brace in [b'{', b'}'] {
                let pair = if brace == b'{' { "{{" } else { "}}" };
                for from in 0..=text.len() {
                    if text.is_char_boundary(from) {
                        assert_eq!(
                            pair_at(text, from, brace),
                            text[from..].find(pair).map(|i| from + i),
                            "{text} {from}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn placeholders_are_found_in_one_pass_as_one_at_a_time() {
        let sets: [&[&str]; 3] =
            [&["（写明时间、地点）", "（写明参加人员）"], &["（甲（甲", "（甲"], &["（写明）", ""]];
        let bodies = [
            "",
            "（写明时间、地点）和（写明参加人员）（写明时间、地点）",
            "（甲（甲（甲（甲",
            "（写明）（写明）无",
        ];
        for set in sets {
            let set: Vec<String> = set.iter().map(|p| p.to_string()).collect();
            for body in bodies {
                let mut fast = occurrences(body, &set);
                let mut plain = each_apart(body, &set);
                fast.sort();
                plain.sort();
                assert_eq!(fast, plain, "{set:?} in {body}");
            }
        }
    }
}

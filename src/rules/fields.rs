//! Required fields by category, units, authors and titles.

use super::Context;
use crate::config;
use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::report::{Report, field};
use crate::source::Pos;

pub(super) fn check(cx: &Context, report: &Report, diags: &mut Diagnostics) {
    required(report, diags);
    let settings = &cx.repo.settings;
    if let Some(unit) = &report.unit
        && !unit.value.is_empty()
        && !settings.has_unit(&unit.value)
    {
        diags.push(
            &report.file,
            unit.span(),
            Rule::UnknownUnit,
            config::unknown_unit(&unit.value, &cx.repo.settings.units),
        );
    }
    if let (Some(author), Some(unit)) = (&report.author, &report.unit) {
        let person = settings.person(&author.value);
        let of_unit =
            person.is_some_and(|p| p.unit.as_ref().is_some_and(|u| u.value == unit.value));
        if !author.value.is_empty() && !of_unit {
            let (zh, en) = match person {
                None => (
                    format!("供稿人 `{}` 不在 xinbao.yaml 的 people 中", author.value),
                    format!("author `{}` is not in `people` of xinbao.yaml", author.value),
                ),
                Some(_) => (
                    format!("供稿人 `{}` 不是{}的人员", author.value, unit.value),
                    format!("author `{}` is not a person of {}", author.value, unit.value),
                ),
            };
            diags.push(&report.file, author.span(), Rule::UnknownAuthor, Text::new(zh, en));
        }
    }
    if let Some(title) = &report.title {
        let chars = title.value.chars().count();
        let max = settings.limits.title_max_chars;
        if title.value.contains('\n') {
            diags.push(
                &report.file,
                title.span(),
                Rule::InvalidValue,
                Text::new("标题应为一行", "the title must be one line"),
            );
        } else if chars > max {
            diags.push(
                &report.file,
                title.span(),
                Rule::TitleTooLong,
                Text::new(
                    format!("标题 {chars} 字，超过 {max} 字：主题要凝练"),
                    format!("the title has {chars} characters, more than {max}"),
                ),
            );
        }
    }
}

/// `missing-field` for each field the report's category requires and it lacks.
fn required(report: &Report, diags: &mut Diagnostics) {
    let written = |key: &str| report.front.get(key).is_some_and(|n| !n.is_empty());
    let keys = field::REPORT
        .iter()
        .filter(|f| f.missing == Rule::MissingField && f.required(report.category(), written))
        .map(|f| f.key);
    for key in keys {
        let node = report.front.get(key);
        if node.is_some_and(|n| !n.is_empty()) {
            continue;
        }
        let (pos, zh, en) = match report.front.entry(key) {
            Some(entry) => {
                (entry.key_pos, format!("字段 `{key}` 为空"), format!("field `{key}` is empty"))
            }
            None => (
                Pos::START,
                format!("缺少必填字段 `{key}`"),
                format!("missing required field `{key}`"),
            ),
        };
        diags.push(&report.file, pos, Rule::MissingField, Text::new(zh, en));
    }
}

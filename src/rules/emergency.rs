//! The elements of an emergency report (§三(十)): every one present, text may say 暂无.

use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::report::{Category, Field, Report, field};

pub(super) fn check(report: &Report, diags: &mut Diagnostics) {
    if report.category() != Some(Category::Emergency) {
        return;
    }
    let block = report.front.get("emergency").filter(|n| n.entries().is_some());
    let pos = report.key_pos(if block.is_some() { "emergency" } else { "category" });
    // (element, its name, where to point: the empty key, else the block)
    let mut missing = Vec::new();
    let required = |f: &&Field| f.required_for(Some(Category::Emergency));
    for element in field::EMERGENCY.iter().filter(required) {
        let key = element.key;
        let entry = block.and_then(|b| b.entry(key));
        match entry.map(|e| (&e.value, e.key_pos)) {
            None => missing.push((key.to_string(), element.zh, pos)),
            Some((n, key_pos)) if n.is_empty() => {
                missing.push((key.to_string(), element.zh, key_pos))
            }
            Some((n, _)) if n.entries().is_some() => {
                for part in element.fields().iter().filter(required) {
                    if n.get(part.key).is_none_or(|p| p.is_empty()) {
                        missing.push((format!("{key}.{}", part.key), part.zh, n.pos));
                    }
                }
            }
            Some(_) => {}
        }
    }
    for (key, name, pos) in missing {
        diags.push(
            &report.file,
            pos,
            Rule::MissingEmergencyElement,
            Text::new(
                format!("突发事件信息缺少要素“{name}”（emergency.{key}；没有可写 暂无 或 0）"),
                format!(
                    "the emergency block lacks `{key}` ({name}; write 暂无 or 0 when there is none)"
                ),
            ),
        );
    }
}

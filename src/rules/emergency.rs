//! The elements of an emergency report (§三(十)): every one present, text may say 暂无.

use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::report::{Category, Emergency, Report};

pub(super) fn check(report: &Report, diags: &mut Diagnostics) {
    if report.category() != Some(Category::Emergency) {
        return;
    }
    let block = report.front.get("emergency").filter(|n| n.entries().is_some());
    let pos = report.key_pos(if block.is_some() { "emergency" } else { "category" });
    // (element, its name, where to point: the empty key, else the block)
    let mut missing = Vec::new();
    for (key, name) in Emergency::ELEMENTS.iter().filter(|(key, _)| *key != "phone_reported_at") {
        let entry = block.and_then(|b| b.entry(key));
        match entry.map(|e| (&e.value, e.key_pos)) {
            None => missing.push((key.to_string(), *name, pos)),
            Some((n, key_pos)) if n.is_empty() => missing.push((key.to_string(), *name, key_pos)),
            Some((n, _)) if *key == "casualties" || *key == "informant" => {
                let parts: &[(&str, &str)] = if *key == "casualties" {
                    &[("dead", "死亡"), ("injured", "受伤"), ("missing", "失踪")]
                } else {
                    &[("name", "姓名"), ("phone", "联系电话")]
                };
                for (part, part_name) in parts {
                    if n.entries().is_some() && n.get(part).is_none_or(|p| p.is_empty()) {
                        missing.push((format!("{key}.{part}"), part_name, n.pos));
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

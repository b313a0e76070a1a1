//! `check --format sarif`: SARIF 2.1.0 for code-scanning upload.

use super::{Diagnostic, Rule, Severity};
use crate::lang::Lang;
use serde_json::json;

/// Renders a SARIF 2.1.0 log with one run of xinbao.
pub fn render_sarif(diagnostics: &[Diagnostic], lang: Lang) -> String {
    let rules: Vec<_> = Rule::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id(),
                "shortDescription": {"text": rule.summary(lang)},
                "defaultConfiguration": {"level": level(rule.severity())},
            })
        })
        .collect();
    let results: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let mut region = json!({"startLine": d.pos.line, "startColumn": d.pos.column});
            if d.end != d.pos {
                region["endLine"] = d.end.line.into();
                region["endColumn"] = d.end.column.into();
            }
            json!({
                "ruleId": d.rule.id(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == d.rule),
                "level": level(d.severity),
                "message": {"text": d.message.get(lang)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": crate::slug::percent_encoded(&d.file, true), "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }}],
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "xinbao",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    format!("{}\n", serde_json::to_string_pretty(&log).unwrap_or_default())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

//! `check --format json`: one object with counts and the findings (SPEC §9).
//!
//! Shape: `{"files", "errors", "warnings", "diagnostics": [{"file", "line",
//! "column", "severity", "rule", "message"}]}`; lines and columns are 1-based,
//! columns count characters.

use super::{Diagnostic, count};
use crate::lang::Lang;
use serde_json::json;

/// Renders the JSON report of a check over `files` files.
pub fn render_json(diagnostics: &[Diagnostic], files: usize, lang: Lang) -> String {
    let (errors, warnings) = count(diagnostics);
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            json!({
                "file": d.file,
                "line": d.pos.line,
                "column": d.pos.column,
                "severity": d.severity.as_str(),
                "rule": d.rule.id(),
                "message": d.message.get(lang),
            })
        })
        .collect();
    let doc = json!({"files": files, "errors": errors, "warnings": warnings, "diagnostics": items});
    format!("{doc}\n")
}

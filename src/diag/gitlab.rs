//! `check --format gitlab`: GitLab's Code Quality report, which a merge request
//! shows beside the changed lines (`artifacts: reports: codequality:`).
//!
//! Shape: an array of `{"description", "check_name", "fingerprint", "severity",
//! "location": {"path", "lines": {"begin", "end"}}}`; errors are `major`,
//! warnings `minor`. The fingerprint is a hash of the file, rule, place and
//! message, so the same finding keeps its fingerprint from one pipeline to the
//! next and GitLab can tell new findings from old ones.

use super::{Diagnostic, Severity};
use crate::lang::Lang;
use serde_json::json;
use sha2::{Digest as _, Sha256};

/// Renders the Code Quality report of `diagnostics`.
pub fn render_gitlab(diagnostics: &[Diagnostic], lang: Lang) -> String {
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let mut hash = Sha256::new();
            for part in [
                d.file.as_str(),
                d.rule.id(),
                &d.pos.line.to_string(),
                &d.pos.column.to_string(),
                &d.message.zh,
            ] {
                hash.update(part.as_bytes());
                hash.update([0]);
            }
            let fingerprint: String =
                hash.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
            let severity = match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
            };
            json!({
                "description": format!("[{}] {}", d.rule.id(), d.message.get(lang)),
                "check_name": d.rule.id(),
                "fingerprint": fingerprint,
                "severity": severity,
                "location": {
                    "path": d.file,
                    "lines": {"begin": d.pos.line, "end": d.end.line.max(d.pos.line)},
                },
            })
        })
        .collect();
    format!("{}\n", serde_json::Value::Array(items))
}

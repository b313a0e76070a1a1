//! A report judged as `check --format json` judges it, each finding named by the
//! front matter field on its line, so the page shows it beside that field; and
//! its trail as HEAD's signed history judges it.

use super::http::Failure;
use crate::approval::Trail;
use crate::cli::{CheckArgs, Format};
use crate::commands::check;
use crate::pipeline::Purpose;
use crate::run::Run;
use serde_json::Value;

/// `check --format json` of the report `file` as the run reads it.
pub fn findings(run: &Run, file: &str) -> Result<Value, Failure> {
    let args = CheckArgs {
        paths: vec![run.root().join(file)],
        changed_since: None,
        format: Format::Json,
        approvals: false,
        before_commit: true,
        rev: None,
    };
    let found = check::findings(run, &args)?;
    let json = crate::diag::render_json(&found.diagnostics, found.files, run.lang());
    let mut value: Value = serde_json::from_str(&json).unwrap_or_default();
    let report = found.repo.report(&crate::load::stem(file));
    if let Some(text) = report.and_then(|r| r.read.as_ref()?.text(run.workspace(), &r.file)) {
        beside_fields(&mut value, text);
    }
    Ok(value)
}

/// Names, on each finding, the front matter field on its line (`"field"`), so the
/// page shows it beside that field.
fn beside_fields(value: &mut Value, text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    let Some(items) = value.get_mut("diagnostics").and_then(Value::as_array_mut) else { return };
    for item in items {
        let line = item.get("line").and_then(Value::as_u64).unwrap_or(0) as usize;
        let key = lines.get(line.wrapping_sub(1)).and_then(|l| {
            let (key, _) = l.trim_start().trim_start_matches("- ").split_once(':')?;
            key.chars().all(|c| c.is_ascii_lowercase() || c == '_').then(|| key.to_string())
        });
        // A missing field is named in its message's rule, at the front matter's top.
        item["field"] = key.map_or(Value::Null, Value::from);
    }
}

/// The trail of report `id` as HEAD's history judges it (404 when there is none,
/// or when its file is not a plain report path under `reports/`).
pub fn trail_on_head(run: &Run, id: &str) -> Result<Trail, Failure> {
    let loaded = crate::pipeline::judge(run, Purpose::Approvals { rev: Some("HEAD") })?;
    // A path no plain report could have (a hostile tree) is no report of the desk's.
    let plain = |t: &&Trail| super::security::report_path(&t.file).is_some();
    loaded.ledger()?.trails.get(id).filter(plain).cloned().ok_or_else(|| {
        Failure::not_found(format!("没有编号为 {id} 的信息"), format!("no report with id {id}"))
    })
}

/// The text `trail` was last signed with, as the history holds it (empty before any).
pub fn signed_text(run: &Run, trail: &Trail) -> String {
    trail
        .last_signed_text()
        .and_then(|blob| {
            let odb = run.git()?.odb().ok()?;
            crate::tree::text_at_most(&odb, blob, crate::load::MAX_FILE_BYTES)
        })
        .unwrap_or_default()
}

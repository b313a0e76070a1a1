//! The office's 待发布 with the text normalized in place (SPEC §11 "Office", §七
//! 格式或文字规范): an approved report's text opened beside the approved one, the
//! office's edit written to the work tree and staged — not committed: `publish`
//! takes it into its signed commit and records the same diff in the trail.

use super::findings::{findings, signed_text, trail_on_head};
use super::http::Failure;
use super::http::id_of;
use super::who::may_publish;
use crate::approval::State;
use crate::approval::trail::edit_diff;
use crate::run::Run;
use serde_json::{Value, json};

/// An approved report as the office edits it.
struct Approved {
    /// Its file, relative to the repository.
    file: String,
    /// The text the approval signed.
    approved: String,
}

/// `GET /api/approved/{id}`: `{"id", "file", "text", "approved_text", "diff",
/// "diagnostics", "errors", "warnings"}` — the work tree's text (with any saved edit).
pub fn open(run: &Run, id: &str) -> Result<Value, Failure> {
    // The office normalizes what it publishes (§七): publishing is the office's alone.
    may_publish(run)?;
    super::branches::sync(run.root());
    let run = &run.reread();
    let (id, report) = approved(run, id)?;
    let text = run
        .workspace()
        .read_file(&report.file, crate::workspace::MAX_FILE_BYTES)
        .unwrap_or_default();
    answer(run, id, &report, &String::from_utf8_lossy(&text))
}

/// `PUT /api/approved/{id}` `{"text"}`: the text written to the work tree and
/// staged for `publish`; the same answer as [`open`].
pub fn save(run: &Run, id: &str, body: &Value) -> Result<Value, Failure> {
    may_publish(run)?;
    super::branches::sync(run.root());
    let run = &run.reread();
    let (id, report) = approved(run, id)?;
    let text = body
        .get("text")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| Failure::bad("缺少 text", "text is missing"))?;
    super::security::write_under(run.root(), &report.file, text.as_bytes())
        .map_err(anyhow::Error::from)?;
    crate::commit::run(run.root(), &["add", "--", &report.file], None)?
        .map_err(anyhow::Error::msg)?;
    answer(&run.reread(), id, &report, text)
}

/// The answer of [`open`] and [`save`], judged as `check` judges the work tree.
fn answer(run: &Run, id: &str, report: &Approved, text: &str) -> Result<Value, Failure> {
    let found = findings(run, &report.file)?;
    Ok(json!({
        "id": id,
        "file": report.file,
        "text": text,
        "approved_text": report.approved,
        "diff": edit_diff(&report.approved, text),
        "diagnostics": found["diagnostics"],
        "errors": found["errors"],
        "warnings": found["warnings"],
    }))
}

/// Report `id`, approved and not yet published on HEAD (404 no such report; 409
/// not approved).
fn approved<'a>(run: &Run, id: &'a str) -> Result<(&'a str, Approved), Failure> {
    let id = id_of(id)?;
    let trail = trail_on_head(run, id)?;
    if trail.state != State::Approved {
        return Err(Failure::conflict(
            format!("{id} 不是待发布的信息（{}）", trail.state.label().get(run.lang())),
            format!(
                "{id} is not waiting to be published ({})",
                trail.state.label().get(run.lang())
            ),
        ));
    }
    let approved = signed_text(run, &trail);
    Ok((id, Approved { file: trail.file, approved }))
}

//! 采用登记 at the desk (SPEC §11 "Office"): an `adoptions:` entry added to a
//! published report's front matter and published — the command line's way of
//! recording an adoption (docs/office.md: the front matter edited, staged, then
//! `publish`), so the adoption counts only with the office's signature.

use super::branches;
use super::branches::pushed;
use super::findings::{findings, trail_on_head};
use super::http::Failure;
use super::http::id_of;
use super::who::{may_publish, signing_ready};
use crate::approval::State;
use crate::commands::publish;
use crate::run::Run;
use serde_json::{Value, json};

/// `POST /api/adoptions` `{"id", "by", "level", "date"}`: the entry added to the
/// published report `id` and published, pushed; `{"commit", "ids", "signer",
/// "pushed", "diff"}`. On any refusal the report is as it was.
pub fn register(run: &Run, body: &Value) -> Result<Value, Failure> {
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Failure::bad(format!("缺少 {key}"), format!("{key} is missing")))
    };
    let (id, by, level, date) = (id_of(text("id")?)?, text("by")?, text("level")?, text("date")?);
    signing_ready(run)?;
    may_publish(run)?;
    branches::sync(run.root());
    let run = &run.reread();
    let file = published_file(run, id)?;
    let clean = crate::commit::run(run.root(), &["status", "--porcelain", "--", &file], None)?
        .map_err(anyhow::Error::msg)?;
    if !clean.trim().is_empty() {
        return Err(Failure::conflict(
            format!("{file} 有未提交的修改，请先发布或撤销"),
            format!("{file} has uncommitted changes: publish or undo them first"),
        ));
    }
    let before = run
        .workspace()
        .read_file(&file, crate::workspace::MAX_FILE_BYTES)
        .map_err(|why| anyhow::Error::from(std::io::Error::from(why)))?;
    let before = String::from_utf8_lossy(&before).into_owned();
    let after = with_adoption(&before, by, level, date).ok_or_else(|| {
        Failure::bad(format!("{file} 没有元数据"), format!("{file} has no front matter"))
    })?;
    stage(run, &file, &after)?;
    let done = published(&run.reread(), id, &file);
    if done.is_err() {
        let _ = stage(run, &file, &before);
    }
    let (commit, signer, pushed) = done?;
    let diff = crate::approval::trail::unified_diff(&before, &after, "发布稿", "登记采用");
    Ok(json!({"commit": commit, "ids": [id], "signer": signer, "pushed": pushed, "diff": diff}))
}

/// The file of report `id`, published on HEAD (404 no such report, 409 not published).
fn published_file(run: &Run, id: &str) -> Result<String, Failure> {
    let trail = trail_on_head(run, id)?;
    if trail.state != State::Published {
        return Err(Failure::conflict(
            format!(
                "只有已发布的信息才能登记采用：{id}（{}）",
                trail.state.label().get(run.lang())
            ),
            format!(
                "only a published report records adoptions: {id} ({})",
                trail.state.label().get(run.lang())
            ),
        ));
    }
    Ok(trail.file)
}

/// The report checked (400 with its errors), then `publish` and the push.
fn published(run: &Run, id: &str, file: &str) -> Result<(String, String, bool), Failure> {
    let found = findings(run, file)?;
    let errors: Vec<String> = found["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            format!(
                "{}（{}）",
                d["message"].as_str().unwrap_or_default(),
                d["rule"].as_str().unwrap_or_default()
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(Failure::bad(
            format!("采用登记未通过检查，未发布：{}", errors.join("；")),
            format!("the adoption fails the check; nothing was published: {}", errors.join("; ")),
        ));
    }
    let done = publish::publish(run, &[id.to_string()])?;
    let commit = done.head.to_string();
    let pushed = pushed(run, &commit, "--soft")?;
    Ok((commit, done.signer, pushed))
}

/// `text` written to the work tree's `file` and staged.
fn stage(run: &Run, file: &str, text: &str) -> Result<(), Failure> {
    super::security::write_under(run.root(), file, text.as_bytes()).map_err(anyhow::Error::from)?;
    crate::commit::run(run.root(), &["add", "--", file], None)?.map_err(anyhow::Error::msg)?;
    Ok(())
}

/// `text` with one more `adoptions:` entry at the end of its front matter's list
/// (the list made when there is none); `None` without front matter.
fn with_adoption(text: &str, by: &str, level: &str, date: &str) -> Option<String> {
    let quote = |v: &str| Value::from(v).to_string();
    let entry =
        format!("  - by: {}\n    level: {}\n    date: {}\n", quote(by), quote(level), quote(date));
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.first()?.trim_end() != "---" {
        return None;
    }
    let end = 1 + lines[1..].iter().position(|l| l.trim_end() == "---")?;
    let key = lines[1..end].iter().position(|l| l.starts_with("adoptions:")).map(|k| k + 1);
    let (at, head) = match key {
        Some(key) => {
            let items = lines[key + 1..end]
                .iter()
                .take_while(|l| l.starts_with(' ') || l.starts_with('-') || l.trim().is_empty())
                .count();
            // `adoptions: []` becomes a block list.
            let inline = lines[key].strip_prefix("adoptions:").map(str::trim) == Some("[]");
            (key + 1 + items, inline.then_some(key))
        }
        None => (end, None),
    };
    let mut out = String::new();
    for (n, line) in lines.iter().enumerate() {
        if n == at {
            if key.is_none() {
                out.push_str("adoptions:\n");
            }
            out.push_str(&entry);
        }
        if Some(n) == head {
            out.push_str("adoptions:\n");
            continue;
        }
        out.push_str(line);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::with_adoption;

    #[test]
    fn an_adoption_is_added_to_the_front_matter_list() {
        let plain = "---\ntitle: \"T\"\n---\n\n正文\n";
        assert_eq!(
            with_adoption(plain, "县委办《每日要情》", "county", "2026-11-30").unwrap(),
            "---\ntitle: \"T\"\nadoptions:\n  - by: \"县委办《每日要情》\"\n    level: \"county\"\n    date: \"2026-11-30\"\n---\n\n正文\n"
        );
        let listed = "---\nadoptions:  # 登记\n  - by: A\n    level: city\n    date: 2026-11-01\ntags: [x]\n---\n";
        assert_eq!(
            with_adoption(listed, "B", "county", "2026-11-02").unwrap(),
            "---\nadoptions:  # 登记\n  - by: A\n    level: city\n    date: 2026-11-01\n  - by: \"B\"\n    level: \"county\"\n    date: \"2026-11-02\"\ntags: [x]\n---\n"
        );
        assert_eq!(
            with_adoption("---\nadoptions: []\n---\n", "B", "city", "2026-11-02").unwrap(),
            "---\nadoptions:\n  - by: \"B\"\n    level: \"city\"\n    date: \"2026-11-02\"\n---\n"
        );
        assert_eq!(with_adoption("正文\n", "B", "city", "2026-11-02"), None);
    }
}

//! `xinbao touch ID…`: sets a report's `submitted_at` to now, in the bureau's time
//! zone, so that the commit that follows is within `commit_skew` of it. Only that
//! line changes; its comment stays. The file is written atomically.

use crate::cli::TouchArgs;
use crate::run::Run;
use anyhow::{Context as _, bail};
use chrono::SecondsFormat;
use std::path::Path;
use std::process::ExitCode;

/// Runs `touch`.
pub fn run(run: &Run, args: &TouchArgs) -> anyhow::Result<ExitCode> {
    let (root, lang) = (run.root(), run.lang());
    let settings = crate::config::load(run.workspace(), &mut crate::diag::Diagnostics::default())?;
    let now = run.now().with_timezone(&settings.timezone);
    let stamp = now.to_rfc3339_opts(SecondsFormat::Secs, false);
    let mut files = Vec::new();
    for given in &args.ids {
        let file = find(root, given)?;
        let path = root.join(&file);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {file}"))?;
        let Some(updated) = with_submitted_at(&text, &stamp) else {
            bail!(
                "{file}：元数据中没有 submitted_at 一行 / {file}: no submitted_at line in the front matter"
            );
        };
        crate::atomic::write(&path, updated.as_bytes())
            .with_context(|| format!("writing {file}"))?;
        files.push(file);
    }
    println!(
        "{}",
        lang.pick(
            &format!("submitted_at 已改为 {stamp}：{}", files.join("、")),
            &format!("submitted_at set to {stamp}: {}", files.join(", "))
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// The report file of `given` (an id, or a path).
fn find(root: &Path, given: &str) -> anyhow::Result<String> {
    if given.ends_with(".md") {
        let path = super::in_repository(root, Path::new(given))?;
        return Ok(crate::load::relative(root, &path));
    }
    let reports = root.join(crate::load::REPORTS);
    walkdir::WalkDir::new(&reports)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file() && e.path().file_stem().is_some_and(|s| s == given))
        .map(|e| crate::load::relative(root, e.path()))
        .ok_or_else(|| {
            crate::lang::unable(
                format!("没有编号为 {given} 的信息"),
                format!("no report with id {given}"),
            )
        })
}

/// `text` with the value of its front matter's `submitted_at:` line replaced by
/// `stamp` (a comment after it is kept), or `None` without such a line.
fn with_submitted_at(text: &str, stamp: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 32);
    let mut fences = 0;
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            fences += 1;
        }
        match line.strip_prefix("submitted_at:") {
            Some(rest) if fences == 1 && !done => {
                // The comment with the spaces before it, as written.
                let comment = rest.find(" #").map_or("", |i| {
                    let start = rest[..i].trim_end_matches(' ').len();
                    rest[start..].trim_end_matches(['\n', '\r'])
                });
                let ending = if line.ends_with("\r\n") {
                    "\r\n"
                } else if line.ends_with('\n') {
                    "\n"
                } else {
                    ""
                };
                out.push_str(&format!("submitted_at: {stamp}{comment}{ending}"));
                done = true;
            }
            _ => out.push_str(line),
        }
    }
    done.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_submitted_at_line_changes_and_its_comment_stays() {
        let text = "---\ntitle: x\nsubmitted_at: 2026-03-02T17:40:00+08:00   # 提交前运行 xinbao touch\n---\n\nsubmitted_at: in the body\n";
        let out = with_submitted_at(text, "2026-03-05T10:00:00+08:00").unwrap();
        assert_eq!(
            out,
            "---\ntitle: x\nsubmitted_at: 2026-03-05T10:00:00+08:00   # 提交前运行 xinbao touch\n---\n\nsubmitted_at: in the body\n"
        );
        assert!(with_submitted_at("---\ntitle: x\n---\n", "t").is_none());
    }
}

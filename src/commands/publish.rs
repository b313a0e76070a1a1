//! `xinbao publish <ID…>`: the office's signed commit with one `Published:` trailer
//! per report. Staged edits to those reports (the office's normalization of format
//! and wording) go into the same commit; the diff is kept in each report's trail.

use crate::cli::{Format, PublishArgs};
use crate::commit as git;
use crate::commits::PUBLISHED;
use crate::config::Role;
use crate::lang::Text;
use crate::lang::refuse;
use crate::pipeline::Purpose;
use crate::run::Run;
use std::process::ExitCode;

/// Runs `publish`.
pub fn run(run: &Run, args: &PublishArgs) -> anyhow::Result<ExitCode> {
    let Published { signer, ids, head } = publish(run, &args.ids)?;
    let did = Text::new(
        format!("已发布 {} 条信息", ids.len()),
        format!("published {} reports", ids.len()),
    );
    git::tell_done(run.lang(), &signer, did, head, None, &ids);
    Ok(ExitCode::SUCCESS)
}

/// What a publication did.
pub struct Published {
    /// The name of the office person who signed.
    pub signer: String,
    /// The reports published.
    pub ids: Vec<String>,
    /// The signed commit.
    pub head: git2::Oid,
}

/// `publish ID…`: the office's signed commit with a `Published:` trailer per
/// report (and the staged normalization of those reports), verified in-process;
/// refused, with nothing left behind, unless every report is approved, passes the
/// check and the signer is in the office.
pub fn publish(run: &Run, wanted: &[String]) -> anyhow::Result<Published> {
    let (root, lang) = (run.root(), run.lang());
    let loaded = crate::pipeline::judge(run, Purpose::Approvals { rev: Some("HEAD") })?;
    let trails = crate::pipeline::select(run, loaded.ledger()?, wanted)?;
    let unapproved: Vec<String> = trails
        .iter()
        .filter(|t| !t.state.is_approved())
        .map(|t| format!("{}（{}）", t.id, t.state.label().get(lang)))
        .collect();
    if !unapproved.is_empty() {
        return Err(refuse(
            format!("not-approved：以下信息尚无有效审核，不能发布：{}", unapproved.join("、")),
            format!(
                "not-approved: these reports have no valid approval: {}",
                unapproved.join(", ")
            ),
        ));
    }
    let files: Vec<String> = trails.iter().map(|t| t.file.clone()).collect();
    let staged = git::run(root, &["diff", "--cached", "--name-only", "--relative"], None)?
        .map_err(anyhow::Error::msg)?;
    let others: Vec<&str> = staged.lines().filter(|f| !files.iter().any(|x| x == f)).collect();
    if !others.is_empty() {
        return Err(refuse(
            format!("暂存区有与发布无关的修改：{}", others.join("、")),
            format!("staged changes unrelated to publishing: {}", others.join(", ")),
        ));
    }
    let unstaged = git::run(root, &["diff", "--name-only", "--relative"], None)?
        .map_err(anyhow::Error::msg)?;
    let pending: Vec<&str> = unstaged.lines().filter(|f| files.iter().any(|x| x == f)).collect();
    if !pending.is_empty() {
        return Err(refuse(
            format!("这些信息有未暂存的修改，请先 git add：{}", pending.join("、")),
            format!(
                "these reports have unstaged edits; git add them first: {}",
                pending.join(", ")
            ),
        ));
    }
    let settings = &loaded.repo.settings;
    let signer = git::signer(root, settings, loaded.ring())?;
    let person = &settings.people[signer];
    if !person.roles.contains(&Role::Office) {
        return Err(refuse(
            format!("{} 不是办公室人员，不能发布", person.name),
            format!("{} is not in the office and may not publish", person.name),
        ));
    }
    let errors = crate::pipeline::errors_in(run, &files)?;
    if !errors.is_empty() {
        crate::diag::print(run.workspace().as_ref(), &errors, files.len(), Format::Human, lang)?;
        return Err(refuse(
            "信息未通过检查，未发布",
            "the reports fail the check; nothing was published",
        ));
    }

    let ids: Vec<&str> = trails.iter().map(|t| t.id.as_str()).collect();
    let message = git::message(&format!("发布：{}", ids.join("、")), PUBLISHED, &ids);
    // Undone with --soft: the office's edits stay staged.
    let signing = git::Signing {
        commit: &["commit", "-S", "--allow-empty", "-F", "-"],
        abort: &[],
        undo: &["reset", "--soft", "HEAD^"],
    };
    let (after, head) = git::sign_and_verify(run, &signing, &message, &ids, |trail, head| {
        trail.published_by.last().is_some_and(|s| s.commit == head)
    })?;
    crate::pipeline::note_unvouched_adoptions(after.ledger()?, &ids, lang);
    let ids = ids.into_iter().map(str::to_string).collect();
    Ok(Published { signer: person.name.clone(), ids, head })
}

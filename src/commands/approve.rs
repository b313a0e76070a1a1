//! `xinbao approve <BRANCH>`: the supervisor's signed `--no-ff` merge. It refuses on
//! a dirty work tree, when the branch's reports fail `check`, and when the signer may
//! not approve their units; afterwards it verifies its own commit in-process.

use crate::cli::{ApproveArgs, Format};
use crate::commit as git;
use crate::commit::{Branch, changes_since};
use crate::commits::APPROVED;
use crate::config::Role;
use crate::lang::Text;
use crate::lang::refuse;
use crate::pipeline::Purpose;
use crate::run::Run;
use anyhow::{Context as _, bail};
use std::process::ExitCode;

/// Runs `approve`.
pub fn run(run: &Run, args: &ApproveArgs) -> anyhow::Result<ExitCode> {
    let lang = run.lang();
    if args.on_main {
        return on_main(run, args);
    }
    let [branch] = &args.targets[..] else {
        bail!(
            "只能审核一个分支；审核主分支上的信息请用 --on-main ID… / one branch at a time; for reports on main use --on-main ID…"
        );
    };
    let Approved { signer, ids, head, key } = approve(run, branch, args.include_other_changes)?;
    let did = Text::new(
        format!("已审核并合并 {} 条信息", ids.len()),
        format!("approved and merged {} reports", ids.len()),
    );
    git::tell_done(lang, &signer, did, head, key.as_deref(), &ids);
    Ok(ExitCode::SUCCESS)
}

/// What an approval did.
pub struct Approved {
    /// The name of the person who signed.
    pub signer: String,
    /// The reports approved.
    pub ids: Vec<String>,
    /// The signed merge.
    pub head: git2::Oid,
    /// The fingerprint of the key that signed, as verified.
    pub key: Option<String>,
}

/// `approve BRANCH`: the signed `--no-ff` merge of `branch` into HEAD, verified
/// in-process; refused (nothing left behind) on a dirty work tree, failing
/// reports, a signer without the authority, or other changes unless `include_other`.
pub fn approve(run: &Run, branch: &str, include_other: bool) -> anyhow::Result<Approved> {
    let (root, lang) = (run.root(), run.lang());
    refuse_dirty(&git::dirty_files(root)?)?;
    let Branch { proposed, deleted, others } = branch_changes(run, branch)?;
    if proposed.is_empty() && deleted.is_empty() && others.is_empty() {
        return Err(refuse(
            format!("分支 {} 没有新增或修改的信息，无需审核", branch),
            format!("branch {} adds or changes no report; nothing to approve", branch),
        ));
    }
    let loaded = crate::pipeline::judge(run, Purpose::Approvals { rev: Some("HEAD") })?;
    let settings = &loaded.repo.settings;
    let signer = git::signer(root, settings, loaded.ring())?;
    let person = &settings.people[signer];
    let units = proposed.iter().map(|p| (p.id.as_str(), p.unit.as_deref()));
    refuse_outside(person, units)?;
    // Everything else the merge would bring in, shown and judged (SPEC §6.1).
    let key_files = settings.key_files();
    let is_settings = |path: &str| path == crate::config::FILE || key_files.contains(&path);
    let mut lines = Vec::new();
    let mut unauthorized = Vec::new();
    for p in &deleted {
        let unit = p.unit.as_deref().unwrap_or("?");
        lines.push(format!("  删除 / deletes  {}（{unit}）", p.file));
        if !(person.supervises(unit) || person.roles.contains(&Role::Office)) {
            unauthorized.push(p.file.clone());
        }
    }
    for path in &others {
        let what = if is_settings(path) { "设置 / settings" } else { "其他 / other" };
        lines.push(format!("  {what}  {path}"));
        if is_settings(path) && !person.keeps_settings() {
            unauthorized.push(path.clone());
        }
    }
    if !unauthorized.is_empty() {
        return Err(refuse(
            format!(
                "{} 无权合并这些改动（设置须办公室或管理员，删除须该科室分管负责人或办公室）：{}\n{}",
                person.name,
                unauthorized.join("、"),
                lines.join("\n")
            ),
            format!(
                "{} may not merge these changes (settings need office or admin, deletions a supervisor of the unit or the office): {}\n{}",
                person.name,
                unauthorized.join(", "),
                lines.join("\n")
            ),
        ));
    }
    if !lines.is_empty() && !include_other {
        return Err(refuse(
            format!(
                "分支 {} 除信息外还有以下改动，未合并；确认后加 --include-other-changes 再运行：\n{}",
                branch,
                lines.join("\n")
            ),
            format!(
                "branch {} changes more than reports; nothing was merged. Check these and run again with --include-other-changes:\n{}",
                branch,
                lines.join("\n")
            ),
        ));
    }

    if let Err(err) = git::run(root, &["merge", "--no-ff", "--no-commit", branch], None)? {
        let _ = git::run(root, &["merge", "--abort"], None)?;
        return Err(refuse(
            format!("合并 {} 失败，已撤销：{}", branch, err.trim()),
            format!("merging {} failed and was undone: {}", branch, err.trim()),
        ));
    }
    let files: Vec<String> = proposed.iter().map(|p| p.file.clone()).collect();
    // The work tree now holds the merge: read it afresh.
    let merged = run.reread();
    let errors = crate::pipeline::errors_in(&merged, &files)?;
    if !errors.is_empty() {
        git::run(root, &["merge", "--abort"], None)?.map_err(anyhow::Error::msg)?;
        crate::diag::print(merged.workspace().as_ref(), &errors, files.len(), Format::Human, lang)?;
        return Err(refuse(
            "分支中的信息未通过检查，未合并",
            "the branch's reports fail the check; nothing was merged",
        ));
    }
    let ids: Vec<&str> = proposed.iter().map(|p| p.id.as_str()).collect();
    let summary = if ids.is_empty() {
        format!("合并 {}（删除或其他改动）", branch)
    } else {
        format!("审核通过：{}", ids.join("、"))
    };
    let message = git::message(&summary, APPROVED, &ids);
    let signing = git::Signing {
        commit: &["commit", "-S", "-F", "-"],
        abort: &["merge", "--abort"],
        undo: &["reset", "--hard", "HEAD^"],
    };
    let (after, head) = git::sign_and_verify(run, &signing, &message, &ids, approved)?;
    crate::pipeline::note_unvouched_adoptions(after.ledger()?, &ids, lang);
    let key = ids
        .first()
        .and_then(|id| after.ledger.as_ref()?.trails.get(*id)?.last_approval())
        .map(|s| s.key.clone());
    let ids = ids.into_iter().map(str::to_string).collect();
    Ok(Approved { signer: person.name.clone(), ids, head, key })
}

/// Refuses on uncommitted changes: an approval signs exactly what is committed.
fn refuse_dirty(dirty: &[String]) -> anyhow::Result<()> {
    if dirty.is_empty() {
        return Ok(());
    }
    Err(refuse(
        format!("工作区有未提交的修改，请先提交或暂存：{}", dirty.join("、")),
        format!(
            "the work tree has uncommitted changes; commit or stash them: {}",
            dirty.join(", ")
        ),
    ))
}

/// Refuses when `person` does not supervise the unit of each `(id, unit)`.
fn refuse_outside<'a>(
    person: &crate::config::Person,
    reports: impl Iterator<Item = (&'a str, Option<&'a str>)>,
) -> anyhow::Result<()> {
    let outside: Vec<String> = reports
        .filter(|(_, unit)| !person.supervises(unit.unwrap_or_default()))
        .map(|(id, unit)| format!("{id}（{}）", unit.unwrap_or("?")))
        .collect();
    if outside.is_empty() {
        return Ok(());
    }
    Err(refuse(
        format!("{} 无权审核：{}", person.name, outside.join("、")),
        format!("{} may not approve: {}", person.name, outside.join(", ")),
    ))
}

/// Whether the approval of `trail` is the commit `head`.
fn approved(trail: &crate::approval::Trail, head: git2::Oid) -> bool {
    trail.last_approval().is_some_and(|s| s.commit == head)
}

/// `approve --on-main ID…`: a signed empty commit with one `Approved:` trailer per
/// report already on main (pushed directly, or stale after an edit), by a
/// supervisor of each report's unit (SPEC §6.2).
fn on_main(run: &Run, args: &ApproveArgs) -> anyhow::Result<ExitCode> {
    let Approved { signer, ids, head, .. } = approve_on_main(run, &args.targets)?;
    let did = Text::new(
        format!("已审核 {} 条主分支上的信息", ids.len()),
        format!("approved {} reports on main", ids.len()),
    );
    git::tell_done(run.lang(), &signer, did, head, None, &ids);
    Ok(ExitCode::SUCCESS)
}

/// `approve --on-main ID…` without the printing: the signed empty commit with an
/// `Approved:` trailer per report, verified in-process; refused, with nothing left
/// behind, on a dirty work tree, a report neither submitted nor stale, failing
/// reports or a signer who does not supervise their units.
pub fn approve_on_main(run: &Run, targets: &[String]) -> anyhow::Result<Approved> {
    let (root, lang) = (run.root(), run.lang());
    refuse_dirty(&git::dirty_files(root)?)?;
    let loaded = crate::pipeline::judge(run, Purpose::Approvals { rev: Some("HEAD") })?;
    let trails = crate::pipeline::select(run, loaded.ledger()?, targets)?;
    let waiting: Vec<&&crate::approval::Trail> = trails
        .iter()
        .filter(|t| {
            matches!(t.state, crate::approval::State::Submitted | crate::approval::State::Stale)
        })
        .collect();
    let done: Vec<String> = trails
        .iter()
        .filter(|t| {
            !matches!(t.state, crate::approval::State::Submitted | crate::approval::State::Stale)
        })
        .map(|t| format!("{}（{}）", t.id, t.state.label().get(lang)))
        .collect();
    if !done.is_empty() {
        return Err(refuse(
            format!("这些信息不是待审核或审核失效状态：{}", done.join("、")),
            format!("these reports are neither submitted nor stale: {}", done.join(", ")),
        ));
    }
    let settings = &loaded.repo.settings;
    let signer = git::signer(root, settings, loaded.ring())?;
    let person = &settings.people[signer];
    let units = waiting.iter().map(|t| (t.id.as_str(), t.unit.as_deref()));
    refuse_outside(person, units)?;
    let files: Vec<String> = waiting.iter().map(|t| t.file.clone()).collect();
    let errors = crate::pipeline::errors_in(run, &files)?;
    if !errors.is_empty() {
        crate::diag::print(run.workspace().as_ref(), &errors, files.len(), Format::Human, lang)?;
        return Err(refuse(
            "信息未通过检查，未审核",
            "the reports fail the check; nothing was approved",
        ));
    }
    let ids: Vec<&str> = waiting.iter().map(|t| t.id.as_str()).collect();
    let message = git::message(&format!("审核通过：{}", ids.join("、")), APPROVED, &ids);
    let signing = git::Signing {
        commit: &["commit", "-S", "--allow-empty", "-F", "-"],
        abort: &[],
        undo: &["reset", "--hard", "HEAD^"],
    };
    let (after, head) = git::sign_and_verify(run, &signing, &message, &ids, approved)?;
    crate::pipeline::note_unvouched_adoptions(after.ledger()?, &ids, lang);
    let ids = ids.into_iter().map(str::to_string).collect();
    Ok(Approved { signer: person.name.clone(), ids, head, key: None })
}

/// Reads what `branch` changes since it left HEAD, over the whole tree.
fn branch_changes(run: &Run, branch: &str) -> anyhow::Result<Branch> {
    let repo = run.git().context("approve needs a git repository")?;
    let Ok(theirs) = repo.revparse_single(branch).and_then(|o| o.peel_to_commit()) else {
        return Err(crate::lang::unable(
            format!("没有分支 {branch}"),
            format!("no branch {branch}"),
        ));
    };
    let ours = repo.head().and_then(|h| h.peel_to_commit()).context("reading HEAD")?;
    changes_since(run, repo, ours.id(), theirs.id())
}

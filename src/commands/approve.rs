//! `xinbao approve <BRANCH>`: the supervisor's signed `--no-ff` merge. It refuses on
//! a dirty work tree, when the branch's reports fail `check`, and when the signer may
//! not approve their units; afterwards it verifies its own commit in-process.

use super::{check, git, refuse, status};
use crate::approval::walk::{self, APPROVED};
use crate::cli::{ApproveArgs, Format};
use crate::config::Role;
use crate::history;
use crate::lang::Lang;
use crate::load;
use anyhow::{Context as _, bail};
use std::path::Path;
use std::process::ExitCode;

/// A report the branch adds or changes.
struct Proposed {
    id: String,
    file: String,
    unit: Option<String>,
}

/// Runs `approve`.
pub fn run(root: &Path, args: &ApproveArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let dirty = git::dirty_files(root)?;
    if !dirty.is_empty() {
        return Ok(refuse(
            lang,
            &format!("工作区有未提交的修改，请先提交或暂存：{}", dirty.join("、")),
            &format!(
                "the work tree has uncommitted changes; commit or stash them: {}",
                dirty.join(", ")
            ),
        ));
    }
    let proposed = proposed(root, &args.branch)?;
    if proposed.is_empty() {
        return Ok(refuse(
            lang,
            &format!("分支 {} 没有新增或修改的信息，无需审核", args.branch),
            &format!("branch {} adds or changes no report; nothing to approve", args.branch),
        ));
    }
    let loaded = status::load(root, Some("HEAD"))?;
    let settings = &loaded.repo.settings;
    let signer = match git::signer(root, settings, &loaded.ring, lang) {
        Ok(signer) => signer,
        Err(refused) => return Ok(refused),
    };
    let person = &settings.people[signer];
    let outside: Vec<String> = proposed
        .iter()
        .filter(|p| {
            !person.roles.contains(&Role::Supervisor)
                || !person.supervises.iter().any(|u| Some(&u.value) == p.unit.as_ref())
        })
        .map(|p| format!("{}（{}）", p.id, p.unit.as_deref().unwrap_or("?")))
        .collect();
    if !outside.is_empty() {
        return Ok(refuse(
            lang,
            &format!("{} 无权审核：{}", person.name, outside.join("、")),
            &format!("{} may not approve: {}", person.name, outside.join(", ")),
        ));
    }

    if let Err(err) = git::run(root, &["merge", "--no-ff", "--no-commit", &args.branch], None)? {
        let _ = git::run(root, &["merge", "--abort"], None)?;
        return Ok(refuse(
            lang,
            &format!("合并 {} 失败，已撤销：{}", args.branch, err.trim()),
            &format!("merging {} failed and was undone: {}", args.branch, err.trim()),
        ));
    }
    let files: Vec<String> = proposed.iter().map(|p| p.file.clone()).collect();
    let errors = check::errors_in(root, &files)?;
    if !errors.is_empty() {
        git::run(root, &["merge", "--abort"], None)?.map_err(anyhow::Error::msg)?;
        check::print(root, &errors, files.len(), Format::Human, lang)?;
        return Ok(refuse(
            lang,
            "分支中的信息未通过检查，未合并",
            "the branch's reports fail the check; nothing was merged",
        ));
    }
    let ids: Vec<&str> = proposed.iter().map(|p| p.id.as_str()).collect();
    let message = git::message(&format!("审核通过：{}", ids.join("、")), APPROVED, &ids);
    if let Err(err) = git::run(root, &["commit", "-S", "-F", "-"], Some(&message))? {
        let _ = git::run(root, &["merge", "--abort"], None)?;
        return Ok(refuse(
            lang,
            &format!("签名提交失败，已撤销合并：{}", err.trim()),
            &format!("the signed commit failed; the merge was undone: {}", err.trim()),
        ));
    }

    // Verify what was just made, exactly as `status` will.
    let (after, head, failed) = git::not_taken(root, &ids, lang, |trail, head| {
        trail.last_approval().is_some_and(|s| s.commit == head)
    })?;
    if !failed.is_empty() {
        git::run(root, &["reset", "--hard", "HEAD^"], None)?.map_err(anyhow::Error::msg)?;
        return Ok(refuse(
            lang,
            &format!("签名未能通过验证，已撤销合并：\n{}", failed.join("\n")),
            &format!(
                "the signature does not verify as an approval; the merge was undone:\n{}",
                failed.join("\n")
            ),
        ));
    }
    let key =
        after.ledger.trails.get(ids[0]).and_then(|t| t.last_approval()).map(|s| s.key.clone());
    match lang {
        Lang::Zh => println!(
            "{} 已审核并合并 {} 条信息（提交 {}，密钥 {}）：{}",
            person.name,
            ids.len(),
            &head.to_string()[..8],
            key.unwrap_or_default(),
            ids.join("、")
        ),
        Lang::En => println!(
            "{} approved and merged {} reports (commit {}, key {}): {}",
            person.name,
            ids.len(),
            &head.to_string()[..8],
            key.unwrap_or_default(),
            ids.join(", ")
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// The reports that `branch` adds or changes since it left HEAD.
fn proposed(root: &Path, branch: &str) -> anyhow::Result<Vec<Proposed>> {
    let repo = history::open(root).context("approve needs a git repository")?;
    let Ok(theirs) = repo.revparse_single(branch).and_then(|o| o.peel_to_commit()) else {
        bail!("没有分支 {branch} / no branch {branch}");
    };
    let ours = repo.head().and_then(|h| h.peel_to_commit()).context("reading HEAD")?;
    let base = repo.merge_base(ours.id(), theirs.id()).context("no common history with HEAD")?;
    let tracked = history::in_repository(&repo, root, load::REPORTS);
    let subtree = |oid| -> anyhow::Result<Option<git2::Oid>> {
        let tree = repo.find_commit(oid)?.tree()?;
        Ok(tree.get_path(Path::new(&tracked)).ok().map(|e| e.id()))
    };
    let mut changes = Vec::new();
    let odb = repo.odb()?;
    history::diff_trees(&odb, subtree(base)?, subtree(theirs.id())?, &tracked, &mut changes)?;
    let prefix = tracked.len() - load::REPORTS.len();
    Ok(changes
        .into_iter()
        .filter(|c| c.path.ends_with(".md"))
        .filter_map(|c| {
            let blob = c.new?;
            let file = c.path[prefix..].to_string();
            Some(Proposed { id: load::stem(&file), unit: walk::unit_of(&odb, blob), file })
        })
        .collect())
}

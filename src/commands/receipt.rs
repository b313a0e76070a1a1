//! `xinbao receipt`: on the server that receives pushes, sign one receipt for the
//! commits new to it and attach it to each as a note (SPEC §6.2). The time is the
//! server's own clock; nothing on the command line can set it.

use crate::cli::ReceiptArgs;
use crate::config::Role;
use crate::lang::Lang;
use crate::receipt::{self, NOTES_REF};
use anyhow::Context as _;
use git2::{Oid, Repository};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs `receipt` in the repository at `root` (a bare server repository too).
pub fn run(root: Option<&Path>, args: &ReceiptArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let git = match root {
        Some(root) => Repository::open(root),
        None => Repository::open_from_env(),
    }
    .context("xinbao receipt 需要 git 仓库 / xinbao receipt needs a git repository")?;
    let root: PathBuf = git.workdir().unwrap_or_else(|| git.path()).to_path_buf();
    let key_file = args
        .key
        .clone()
        .or_else(|| std::env::var_os("XINBAO_RECEIPT_KEY").map(PathBuf::from))
        .context("需要服务器的私钥：--key 或 XINBAO_RECEIPT_KEY / the server's private key is needed: --key or XINBAO_RECEIPT_KEY")?;
    let key = ssh_key::PrivateKey::read_openssh_file(&key_file)
        .with_context(|| format!("reading {}", key_file.display()))?;
    let ledger = crate::approval::read_history_of(&git, &root, None)?;
    let Some(regime) = ledger.in_force.as_deref() else {
        return Err(crate::lang::unable(
            "主分支上还没有 xinbao.yaml",
            "no xinbao.yaml on the main branch yet",
        ));
    };
    let fingerprint = crate::approval::keys::ssh_fingerprint(key.public_key().key_data());
    let signer = regime
        .ring
        .ssh(&fingerprint)
        .map(|k| &regime.settings.people[k.person])
        .filter(|p| p.roles.contains(&Role::Server));
    let Some(signer) = signer else {
        return Err(crate::lang::refuse(
            format!("密钥 {fingerprint} 不属于 xinbao.yaml 中具有 server 角色的人，不能签发收条"),
            format!(
                "key {fingerprint} is not the key of a person with the server role in xinbao.yaml; no receipt"
            ),
        ));
    };
    let commits = if args.stdin {
        pushed(&git, std::io::stdin().lock())?
    } else {
        listed(&git, &args.commits)?
    };
    if commits.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let at = crate::time::now().timestamp();
    let text = receipt::sign(&key, &signer.name, at, &commits)?;
    let who = git2::Signature::now(&signer.name, "xinbao-receipt@localhost")?;
    for commit in &commits {
        git.note(&who, &who, Some(NOTES_REF), *commit, &text, true)?;
    }
    let when = crate::time::rfc3339(at, regime.settings.timezone);
    match lang {
        Lang::Zh => println!("{} 签收 {} 个提交，收到时间 {when}", signer.name, commits.len()),
        Lang::En => println!(
            "{} signed receipts for {} commits, received {when}",
            signer.name,
            commits.len()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// The commits of `revs` (single commits, or ranges `A..B`), without a receipt.
fn listed(git: &Repository, revs: &[String]) -> anyhow::Result<Vec<Oid>> {
    let mut walk = git.revwalk()?;
    for rev in revs {
        if rev.contains("..") {
            walk.push_range(rev).with_context(|| rev.clone())?;
        } else {
            let commit = git
                .revparse_single(rev)
                .and_then(|o| o.peel_to_commit())
                .with_context(|| rev.clone())?;
            walk.push(commit.id())?;
            for parent in commit.parent_ids() {
                walk.hide(parent)?;
            }
        }
    }
    without_receipt(git, walk)
}

/// The commits a push brought, from git's post-receive lines (`old new ref`): the
/// new tips' history, less what the server held before (the old tips and every
/// other ref), less commits that already have a receipt.
fn pushed(git: &Repository, input: impl std::io::BufRead) -> anyhow::Result<Vec<Oid>> {
    let zero = Oid::ZERO_SHA1;
    let mut walk = git.revwalk()?;
    let mut updated = HashSet::new();
    for line in input.lines() {
        let line = line?;
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [old, new, name] = parts[..] else { continue };
        let (old, new) = (Oid::from_str(old)?, Oid::from_str(new)?);
        updated.insert(name.to_string());
        if name.starts_with("refs/notes/") {
            continue; // notes are not commits of the record
        }
        if new != zero && git.find_commit(new).is_ok() {
            walk.push(new)?;
        }
        if old != zero && git.find_commit(old).is_ok() {
            walk.hide(old)?;
        }
    }
    for reference in git.references()?.flatten() {
        let Ok(name) = reference.name() else { continue };
        if updated.contains(name) || name.starts_with("refs/notes/") {
            continue;
        }
        if let Ok(commit) = reference.peel_to_commit() {
            walk.hide(commit.id())?;
        }
    }
    without_receipt(git, walk)
}

fn without_receipt(git: &Repository, walk: git2::Revwalk) -> anyhow::Result<Vec<Oid>> {
    let mut commits = Vec::new();
    for oid in walk {
        let oid = oid?;
        if git.find_note(Some(NOTES_REF), oid).is_err() {
            commits.push(oid);
        }
    }
    commits.sort();
    Ok(commits)
}

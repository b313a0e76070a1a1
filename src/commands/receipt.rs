//! `xinbao receipt`: on the server that receives pushes, sign one receipt for the
//! commits new to it and attach it to each as a note (SPEC §6.2). The time is the
//! server's own clock; nothing on the command line can set it. The same note
//! records the tip of `main` (SPEC §6.3); `--verify-main` checks main against the
//! last recorded tip.

use crate::cli::ReceiptArgs;
use crate::config::Role;
use crate::lang::{Lang, Text};
use crate::receipt::{self, NOTES_REF};
use crate::run::Run;
use anyhow::Context as _;
use git2::{Oid, Repository};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How often a run that lost the race for the notes ref reads it again.
const ATTEMPTS: u32 = 40;

/// Runs `receipt` in the repository at `root` (a bare server repository too).
pub fn run(
    root: Option<&Path>,
    args: &ReceiptArgs,
    lang: Lang,
    trust_root: Option<String>,
) -> anyhow::Result<ExitCode> {
    let git = match root {
        Some(root) => Repository::open(root),
        None => Repository::open_from_env(),
    }
    .context("xinbao receipt 需要 git 仓库 / xinbao receipt needs a git repository")?;
    let root: PathBuf = git.workdir().unwrap_or_else(|| git.path()).to_path_buf();
    let run = Run::with_git(&root, Some(git), lang, trust_root);
    let git = run.history()?;
    if args.verify_main {
        return verify_main(&run);
    }
    let key_file = args
        .key
        .clone()
        .or_else(|| std::env::var_os("XINBAO_RECEIPT_KEY").map(PathBuf::from))
        .context("需要服务器的私钥：--key 或 XINBAO_RECEIPT_KEY / the server's private key is needed: --key or XINBAO_RECEIPT_KEY")?;
    let key = ssh_key::PrivateKey::read_openssh_file(&key_file)
        .with_context(|| format!("reading {}", key_file.display()))?;
    let ledger = crate::pipeline::read_ledger(&run, None)?;
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
    let mut commits = if args.stdin {
        pushed(git, std::io::stdin().lock())?
    } else {
        listed(git, &args.commits)?
    };
    if args.stdin {
        // Receipts an earlier run lost (it failed, or was stopped) are signed now.
        commits.extend(unreceipted(git, &receipt::noted(git))?);
    }
    commits.sort();
    commits.dedup();
    let signing = Signing {
        git,
        now: run.now().timestamp(),
        key: &key,
        signer: &signer.name,
        periods: &ledger.periods,
        rewritten: ledger.rewritten,
        lang,
    };
    let Some((count, at)) = signing.write(&commits, ledger.tip)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let when = crate::time::rfc3339(at, regime.settings.timezone);
    match lang {
        Lang::Zh => println!("{} 签收 {count} 个提交，收到时间 {when}", signer.name),
        Lang::En => {
            println!("{} signed receipts for {count} commits, received {when}", signer.name)
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One run's signing: the repository, the server's key and name, and the
/// settings periods that judge the receipts already written.
struct Signing<'a> {
    git: &'a Repository,
    /// The server's time of this run: the time of the receipt.
    now: i64,
    key: &'a ssh_key::PrivateKey,
    signer: &'a str,
    periods: &'a [crate::approval::settings::Period],
    /// Whether main skips the recorded tip with no office or admin signature
    /// acknowledging it (`History-rewritten-from:`).
    rewritten: bool,
    lang: Lang,
}

impl Signing<'_> {
    /// Signs one receipt for the commits of `wanted` still without one, with the
    /// tip of main (`main`), and moves the notes ref to it by compare-and-swap
    /// (SPEC §6.3, "Receipts are never lost"): a run that loses the race to another
    /// reads the notes again and retries. Gives how many commits it signed for and
    /// the time; `None` when every commit has its receipt already.
    fn write(&self, wanted: &[Oid], main: Option<Oid>) -> anyhow::Result<Option<(usize, i64)>> {
        for attempt in 0..ATTEMPTS {
            let old = self.git.refname_to_id(NOTES_REF).ok();
            let noted = receipt::noted(self.git);
            let commits: Vec<Oid> = wanted.iter().filter(|c| !noted.contains(c)).copied().collect();
            if commits.is_empty() {
                return Ok(None);
            }
            let state = main.map(|tip| self.state(tip, attempt == 0));
            let at = self.now;
            let text = receipt::sign(self.key, self.signer, at, &commits, state)?;
            match self.swap(old, &commits, &text) {
                Ok(true) => return Ok(Some((commits.len(), at))),
                Ok(false) | Err(_) => std::thread::sleep(backoff(attempt)),
            }
        }
        Err(crate::lang::unable(
            format!("{ATTEMPTS} 次尝试后仍未能写入 {NOTES_REF}（其他推送同时在写）"),
            format!(
                "could not write {NOTES_REF} after {ATTEMPTS} attempts (other pushes writing it)"
            ),
        ))
    }

    /// The tip of main to record: `tip` when its first-parent chain passes through
    /// the last recorded tip (or none is recorded, or the office acknowledged the
    /// rewrite), else that last tip again, so a rewritten main is never recorded
    /// as the line (`warn`: say so). Once acknowledged, the new line is recorded
    /// and guards against the next rewrite.
    fn state(&self, tip: Oid, warn: bool) -> Oid {
        match receipt::recorded_main(self.git, self.periods) {
            Some((last, _)) if self.rewritten && !receipt::passes_through(self.git, tip, last) => {
                if warn {
                    let text = rewritten(tip, last);
                    crate::lang::tell(self.lang, crate::lang::Tone::Caution, &text);
                }
                last
            }
            _ => tip,
        }
    }

    /// Attaches `text` to each of `commits` on a scratch copy of the notes ref at
    /// `old`, then moves the notes ref from `old` to it; `false` when another run
    /// moved it first.
    fn swap(&self, old: Option<Oid>, commits: &[Oid], text: &str) -> anyhow::Result<bool> {
        let git = self.git;
        let scratch = format!("{NOTES_REF}-run-{}", std::process::id());
        match old {
            Some(old) => drop(git.reference(&scratch, old, true, "xinbao receipt")?),
            None => {
                if let Ok(mut stale) = git.find_reference(&scratch) {
                    stale.delete()?;
                }
            }
        }
        let who = git2::Signature::now(self.signer, "xinbao-receipt@localhost")?;
        let noted = commits
            .iter()
            .try_for_each(|c| git.note(&who, &who, Some(&scratch), *c, text, true).map(drop))
            .and_then(|()| git.refname_to_id(&scratch));
        if let Ok(mut reference) = git.find_reference(&scratch) {
            let _ = reference.delete();
        }
        let new = noted?;
        let swapped = match old {
            Some(old) => git.reference_matching(NOTES_REF, new, true, old, "xinbao receipt"),
            None => git.reference(NOTES_REF, new, false, "xinbao receipt"),
        };
        Ok(swapped.is_ok())
    }
}

/// How long to wait before attempt `attempt + 1`: longer each time, and not the
/// same for two runs (their process ids differ).
fn backoff(attempt: u32) -> std::time::Duration {
    let jitter = u64::from(std::process::id().wrapping_mul(7919).wrapping_add(attempt * 131) % 40);
    std::time::Duration::from_millis((10 << attempt.min(5)) + jitter)
}

/// What is said when main does not pass through the tip last recorded.
fn rewritten(tip: Oid, last: Oid) -> Text {
    Text::new(
        format!("main（{tip}）的第一父提交链不经过服务器最后记录的 {last}：主分支历史被改写"),
        format!(
            "main ({tip}) does not pass through {last}, the last tip the server recorded: the main line was rewritten"
        ),
    )
}

/// `--verify-main`: whether main's first-parent chain passes through the last tip
/// of main the receipts recorded (exit 1 when not; 0 when none is recorded).
fn verify_main(run: &Run) -> anyhow::Result<ExitCode> {
    let (git, lang) = (run.history()?, run.lang());
    let ledger = crate::pipeline::read_ledger(run, None)?;
    let recorded = receipt::recorded_main(git, &ledger.periods);
    let (Some(tip), Some((last, at))) = (ledger.tip, recorded) else {
        let text = Text::new("收条中没有记录主分支的状态", "no receipt records a tip of main");
        crate::lang::tell(lang, crate::lang::Tone::Hint, &text);
        return Ok(ExitCode::SUCCESS);
    };
    // A rewrite the office acknowledged (History-rewritten-from) passes.
    if ledger.rewritten {
        crate::lang::tell(lang, crate::lang::Tone::Error, &rewritten(tip, last));
        return Ok(ExitCode::from(1));
    }
    let zone = ledger.in_force.as_ref().map(|r| r.settings.timezone);
    let when = zone.map_or_else(|| at.to_string(), |zone| crate::time::rfc3339(at, zone));
    let text = match receipt::passes_through(git, tip, last) {
        true => Text::new(
            format!("main 经过服务器最后记录的 {last}（{when}）"),
            format!("main passes through {last}, the last tip the server recorded ({when})"),
        ),
        false => Text::new(
            format!(
                "main 不经过服务器最后记录的 {last}（{when}），但这次改写已由办公室或管理员签名确认"
            ),
            format!(
                "main does not pass through {last}, the last tip the server recorded ({when}), but an office or admin signature acknowledged the rewrite"
            ),
        ),
    };
    crate::lang::tell(lang, crate::lang::Tone::Hint, &text);
    Ok(ExitCode::SUCCESS)
}

/// The commits of `revs` (single commits, or ranges `A..B`).
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
    Ok(walk.collect::<Result<_, _>>()?)
}

/// The commits a push brought, from git's post-receive lines (`old new ref`): the
/// new tips' history, less what the server held before (the old tips and every
/// other ref).
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
    Ok(walk.collect::<Result<_, _>>()?)
}

/// The commits the server holds (any ref but notes) with no receipt and no
/// receipted descendant: those whose receipt an earlier run lost (SPEC §6.3).
/// History from before the server's first receipt is behind receipted commits,
/// so it is not signed for now, as if received today.
fn unreceipted(git: &Repository, noted: &HashSet<Oid>) -> anyhow::Result<Vec<Oid>> {
    if noted.is_empty() {
        return Ok(Vec::new());
    }
    let mut walk = git.revwalk()?;
    for reference in git.references()?.flatten() {
        if reference.name().is_ok_and(|name| name.starts_with("refs/notes/")) {
            continue;
        }
        if let Ok(commit) = reference.peel_to_commit() {
            walk.push(commit.id())?;
        }
    }
    for commit in noted {
        // A note may name a commit the server no longer holds.
        let _ = walk.hide(*commit);
    }
    Ok(walk.collect::<Result<_, _>>()?)
}

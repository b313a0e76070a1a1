//! Running git itself for the commands that make signed commits (`approve`,
//! `publish`), so the user's signing set-up (ssh-agent, gpg-agent, `gpg.format`,
//! `user.signingkey`) works unchanged; and finding who that set-up signs as.

use crate::approval::KeyRing;
use crate::approval::keys::ssh_fingerprint;
use crate::config::Settings;
use anyhow::Context as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `git ARGS` in `root` with `input` on standard input; `Ok(stdout)` when it
/// succeeds, `Err(stderr)` when it fails. Failing to start git is an `anyhow` error.
pub fn run(
    root: &Path,
    args: &[&str],
    input: Option<&str>,
) -> anyhow::Result<Result<String, String>> {
    let mut child = Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_MERGE_AUTOEDIT", "no")
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running git (is it installed?)")?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(input.as_bytes()).context("writing to git")?;
    }
    let output = child.wait_with_output().context("waiting for git")?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    Ok(if output.status.success() { Ok(stdout) } else { Err(format!("{stderr}{stdout}")) })
}

/// Tracked files with changes, staged or not (`git status --porcelain`, untracked ignored).
pub fn dirty_files(root: &Path) -> anyhow::Result<Vec<String>> {
    let out = run(root, &["status", "--porcelain", "--untracked-files=no"], None)?
        .map_err(|e| anyhow::anyhow!("git status: {e}"))?;
    Ok(out.lines().filter_map(|l| l.get(3..)).map(str::to_string).collect())
}

/// The person of `people` whose key git will sign with ([`find_signer`]); refuses
/// when that cannot be told.
pub fn signer(root: &Path, settings: &Settings, ring: &KeyRing) -> anyhow::Result<usize> {
    find_signer(root, settings, ring).ok_or_else(|| {
        crate::lang::refuse(
            "无法确定签名人：审核和发布都要签名提交，请先设置签名——git config gpg.format ssh，git config user.signingkey ~/.ssh/id_ed25519.pub（该公钥须已登记在 xinbao.yaml 你名下的 keys 中，见 xinbao 的文档 docs/trust.md“一次性设置”）",
            "cannot tell who signs: approving and publishing make signed commits; set up signing first — git config gpg.format ssh, git config user.signingkey ~/.ssh/id_ed25519.pub (that key must be listed under your name in xinbao.yaml; xinbao's docs/trust.md, one-time set-up)",
        )
    })
}

/// The person of `people` that git will sign as: found from `user.signingkey`
/// (SSH key file or literal, or OpenPGP key id) and, failing that, from the
/// committer's name. Asks git itself, so every way of configuring it counts.
fn find_signer(root: &Path, settings: &Settings, ring: &KeyRing) -> Option<usize> {
    let get = |args: &[&str]| -> Option<String> {
        let value = run(root, args, None).ok()?.ok()?;
        Some(value.trim().to_string()).filter(|v| !v.is_empty())
    };
    let format = get(&["config", "--get", "gpg.format"]).unwrap_or_else(|| "openpgp".into());
    let by_key =
        get(&["config", "--get", "user.signingkey"]).and_then(|key| match format.as_str() {
            "ssh" => ring.ssh(&ssh_key_of(&key)?).map(|k| k.person),
            _ => ring.openpgp_matching(&key).next().map(|k| k.person),
        });
    by_key.or_else(|| {
        // `Name <email> time zone`
        let ident = get(&["var", "GIT_COMMITTER_IDENT"])?;
        let name = ident.split(" <").next()?.trim();
        settings.people.iter().position(|p| p.name == name)
    })
}

/// The fingerprint of the SSH key that `user.signingkey` names ([`ssh_public_key`]).
fn ssh_key_of(value: &str) -> Option<String> {
    ssh_public_key(value).map(|key| ssh_fingerprint(key.key_data()))
}

/// The public SSH key that `user.signingkey` names: `key::…` literal, a public
/// key file, or a private key file (its public half, or the `.pub` beside it).
pub fn ssh_public_key(value: &str) -> Option<ssh_key::PublicKey> {
    let literal = value.strip_prefix("key::").unwrap_or(value).trim();
    if literal.starts_with("ssh-") || literal.starts_with("ecdsa-") {
        return ssh_key::PublicKey::from_openssh(literal).ok();
    }
    let path = match value.strip_prefix("~/") {
        Some(rest) => std::env::home_dir()?.join(rest),
        None => value.into(),
    };
    let text = std::fs::read_to_string(&path).ok()?;
    if let Ok(public) = ssh_key::PublicKey::from_openssh(text.trim()) {
        return Some(public);
    }
    if let Ok(private) = ssh_key::PrivateKey::from_openssh(text.trim()) {
        return Some(private.public_key().clone());
    }
    let public = std::fs::read_to_string(format!("{}.pub", path.display())).ok()?;
    ssh_key::PublicKey::from_openssh(public.trim()).ok()
}

/// A commit message: the summary, a blank line, then `TRAILER: id` for each report.
pub fn message(summary: &str, trailer: &str, ids: &[&str]) -> String {
    let mut message = format!("{summary}\n\n");
    for id in ids {
        message.push_str(&format!("{trailer}: {id}\n"));
    }
    message
}

/// What `approve` and `publish` print once their signed commit verifies: who
/// `did` what (with the count, in both languages), the commit and its key, the
/// reports, and how to push without pushing the signed record off the main line.
pub fn tell_done(
    lang: crate::lang::Lang,
    signer: &str,
    did: crate::lang::Text,
    head: git2::Oid,
    key: Option<&str>,
    ids: &[String],
) {
    let commit = &head.to_string()[..8];
    match lang {
        crate::lang::Lang::Zh => println!(
            "{signer} {}（提交 {commit}{}）：{}；请 git push（若被拒绝，先 git pull --rebase 再推送：用合并的 git pull 会把签名的记录推离主线，记 history-rewritten）",
            did.zh,
            key.map(|k| format!("，密钥 {k}")).unwrap_or_default(),
            ids.join("、")
        ),
        crate::lang::Lang::En => println!(
            "{signer} {} (commit {commit}{}): {}; now git push (if it is refused, git pull --rebase first: a pull that merges pushes the signed record off the main line, history-rewritten)",
            did.en,
            key.map(|k| format!(", key {k}")).unwrap_or_default(),
            ids.join(", ")
        ),
    }
}

/// How a signed commit is made and, when it fails, undone.
pub struct Signing<'a> {
    /// The `git commit` arguments (with `-S`); the message comes on standard input.
    pub commit: &'a [&'a str],
    /// Run when `git commit` itself fails (`merge --abort`, say); empty for nothing.
    pub abort: &'a [&'a str],
    /// Run when the commit exists but does not verify (`reset --hard HEAD^`, say).
    pub undo: &'a [&'a str],
}

/// The signed-commit transaction of `approve` and `publish`: makes the commit with
/// `message`, reads the ledger at HEAD again exactly as `status` will, and checks
/// `took` for each of `ids`. Anything short of that is undone and refused;
/// otherwise the ledger after and the new commit.
pub fn sign_and_verify(
    context: &crate::run::Run,
    signing: &Signing,
    message: &str,
    ids: &[&str],
    took: impl Fn(&crate::approval::Trail, git2::Oid) -> bool,
) -> anyhow::Result<(crate::pipeline::Verdicts, git2::Oid)> {
    let root = context.root();
    if let Err(err) = run(root, signing.commit, Some(message))? {
        if !signing.abort.is_empty() {
            let _ = run(root, signing.abort, None)?;
        }
        return Err(crate::lang::refuse(
            format!("签名提交失败，未留下任何改动：{}", err.trim()),
            format!("the signed commit failed and nothing was left behind: {}", err.trim()),
        ));
    }
    let (after, head, failed) = not_taken(context, ids, took)?;
    if !failed.is_empty() {
        run(root, signing.undo, None)?.map_err(anyhow::Error::msg)?;
        return Err(crate::lang::refuse(
            format!("签名未能通过验证，已撤销提交：\n{}", failed.join("\n")),
            format!(
                "the signature does not verify as xinbao reads it; the commit was undone:\n{}",
                failed.join("\n")
            ),
        ));
    }
    Ok((after, head))
}

/// After a signed commit, reads the ledger at HEAD again, exactly as `status` will,
/// and lists the reports of `ids` for which `took` does not hold (with why).
fn not_taken(
    run: &crate::run::Run,
    ids: &[&str],
    took: impl Fn(&crate::approval::Trail, git2::Oid) -> bool,
) -> anyhow::Result<(crate::pipeline::Verdicts, git2::Oid, Vec<String>)> {
    let (run, lang) = (run.reread(), run.lang());
    let at_head = crate::pipeline::Purpose::Approvals { rev: Some("HEAD") };
    let after = crate::pipeline::judge(&run, at_head)?;
    let ledger = after.ledger()?;
    let head = ledger.tip.context("reading HEAD")?;
    let failed = ids
        .iter()
        .filter_map(|id| {
            let trail = ledger.trails.get(*id)?;
            (!took(trail, head)).then(|| {
                let why: Vec<&str> = trail.problems.iter().map(|p| p.message.get(lang)).collect();
                format!("{id}: {}", why.join("; "))
            })
        })
        .collect();
    Ok((after, head, failed))
}

/// A report the branch adds or changes.
pub struct Proposed {
    /// The report id.
    pub id: String,
    /// Its file.
    pub file: String,
    /// Its unit.
    pub unit: Option<String>,
}

/// What a branch changes since it left HEAD.
pub struct Branch {
    /// Reports it adds or changes.
    pub proposed: Vec<Proposed>,
    /// Reports it deletes (with their unit before).
    pub deleted: Vec<Proposed>,
    /// Every other path it changes, pictures of its reports excepted.
    pub others: Vec<String>,
}

/// What commit `theirs` changes since it left `ours` (their merge base), over the
/// whole tree of the reports repository at `root`.
pub fn changes_since(
    run: &crate::run::Run,
    repo: &git2::Repository,
    ours: git2::Oid,
    theirs: git2::Oid,
) -> anyhow::Result<Branch> {
    let base = repo.merge_base(ours, theirs).context("no common history with HEAD")?;
    let theirs = repo.find_commit(theirs)?;
    let prefix = run.in_git("");
    let base_tree = repo.find_commit(base)?.tree()?;
    let mut changes = Vec::new();
    let odb = repo.odb()?;
    crate::tree::diff_trees(&odb, Some(base_tree.id()), Some(theirs.tree_id()), "", &mut changes)?;
    let mut result = Branch { proposed: Vec::new(), deleted: Vec::new(), others: Vec::new() };
    let mut pictures = Vec::new();
    let mut rest = Vec::new();
    for change in changes {
        // Paths from diff_trees start with "/"; keep those inside the reports repository.
        let Some(file) = change.path.trim_start_matches('/').strip_prefix(&prefix) else {
            continue;
        };
        let file = file.to_string();
        let is_report =
            file.starts_with(&format!("{}/", crate::load::REPORTS)) && file.ends_with(".md");
        if !is_report {
            rest.push(file);
            continue;
        }
        let id = crate::load::stem(&file);
        match change.new {
            Some(blob) => {
                if let Some(text) = crate::commits::text_of(&odb, blob) {
                    pictures.extend(crate::report::pictures_in(&file, &text));
                }
                result.proposed.push(Proposed {
                    id,
                    unit: crate::commits::unit_of(&odb, blob),
                    file,
                });
            }
            None => {
                let unit = change.old.and_then(|blob| crate::commits::unit_of(&odb, blob));
                result.deleted.push(Proposed { id, unit, file });
            }
        }
    }
    // A move is a deletion and an addition of the same id: a change, not a deletion.
    let moved: Vec<String> = result.proposed.iter().map(|p| p.id.clone()).collect();
    result.deleted.retain(|d| !moved.contains(&d.id));
    result.others = rest.into_iter().filter(|path| !pictures.contains(path)).collect();
    Ok(result)
}

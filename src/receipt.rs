//! Receipts (SPEC §6.2): the time a server received a commit, signed by a person
//! with role `server`, kept as a git note under [`NOTES_REF`].
//!
//! A push brings several commits; the server signs one receipt for all of them
//! and attaches the same note to each, so a receipt is verified once however
//! many commits it covers (notes with the same text share one blob). A note
//! counts for a commit only when the commit is listed in it.
//!
//! ```text
//! xinbao receipt
//! received 2026-03-05T02:00:00Z
//! signer 服务器
//! commit 3f1c2a9b…
//! commit 8d2e44c1…
//! -----BEGIN SSH SIGNATURE-----
//! …
//! -----END SSH SIGNATURE-----
//! ```
//!
//! The signature is an SSHSIG (namespace [`NAMESPACE`]) over every line before it.

use crate::approval::keys::{KeyRing, Public, ssh_fingerprint};
use crate::config::{Role, Settings};
use crate::lang::Text;
use git2::Oid;
use rayon::prelude::*;
use std::collections::HashMap;

/// The notes ref that holds receipts.
pub const NOTES_REF: &str = "refs/notes/xinbao/receipts";
/// The SSHSIG namespace of a receipt's signature.
pub const NAMESPACE: &str = "xinbao-receipt";
/// The first line of every receipt.
const HEADER: &str = "xinbao receipt";

/// A receipt that verified: when the server received the commit, and who signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Receipt time, seconds since the epoch.
    pub at: i64,
    /// The server person who signed.
    pub signer: String,
}

/// A note under [`NOTES_REF`] that is not a receipt xinbao can accept.
#[derive(Clone, Debug)]
pub struct Rejected {
    /// The commit the note is attached to.
    pub commit: Oid,
    /// Why it is ignored.
    pub why: Text,
}

/// Every receipt of a repository, verified.
#[derive(Debug, Default)]
pub struct Receipts {
    /// Commit → its receipt.
    pub by_commit: HashMap<Oid, Receipt>,
    /// Notes ignored, with why.
    pub rejected: Vec<Rejected>,
}

/// The text a server signs for `commits` received at `at`.
pub fn payload(at: i64, signer: &str, commits: &[Oid]) -> String {
    let when = chrono::DateTime::from_timestamp(at, 0).unwrap_or_default();
    let mut text =
        format!("{HEADER}\nreceived {}\nsigner {signer}\n", when.format("%Y-%m-%dT%H:%M:%SZ"));
    for commit in commits {
        text.push_str(&format!("commit {commit}\n"));
    }
    text
}

/// A receipt's parts: its time, signer name, commits, and signed text.
struct Parsed<'a> {
    at: i64,
    signer: &'a str,
    commits: Vec<Oid>,
    signed: &'a str,
    signature: &'a str,
}

fn parse(text: &str) -> Option<Parsed<'_>> {
    let start = text.find("-----BEGIN SSH SIGNATURE-----")?;
    let (signed, signature) = text.split_at(start);
    let mut lines = signed.lines();
    (lines.next()? == HEADER).then_some(())?;
    let at = lines.next()?.strip_prefix("received ")?;
    let at = chrono::DateTime::parse_from_rfc3339(at).ok()?.timestamp();
    let signer = lines.next()?.strip_prefix("signer ")?;
    let commits = lines
        .map(|l| l.strip_prefix("commit ").and_then(|c| Oid::from_str(c).ok()))
        .collect::<Option<Vec<Oid>>>()?;
    Some(Parsed { at, signer, commits, signed, signature })
}

/// A verified receipt and the commits it lists, or why a note is not one.
type Checked = Result<(Receipt, Vec<Oid>), Text>;

/// Whose keys may sign receipts.
pub enum ServerKeys<'a> {
    /// Those of one version of the settings (the work tree's, for `check`).
    Settings(&'a Settings, &'a KeyRing),
    /// Those of the settings in force at each receipt's time (for verdicts), so
    /// that a server key rotated later still vouches for its old receipts.
    History(&'a [crate::approval::settings::Period]),
}

impl ServerKeys<'_> {
    /// The settings and keys that judge a receipt made at `at`.
    fn at(&self, at: i64) -> Option<(&Settings, &KeyRing)> {
        match self {
            ServerKeys::Settings(settings, ring) => Some((*settings, *ring)),
            ServerKeys::History(periods) => periods
                .iter()
                .find(|p| p.from.is_none_or(|f| f <= at) && p.until.is_none_or(|u| at <= u))
                .map(|p| (&p.regime.settings, &p.regime.ring)),
        }
    }
}

/// Checks one note's text against `keys`: the receipt, or why not.
fn verify(text: &str, keys: &ServerKeys) -> Checked {
    let parsed = parse(text)
        .ok_or_else(|| Text::new("收条格式无法识别", "the receipt's format is not recognized"))?;
    let (settings, ring) = keys.at(parsed.at).ok_or_else(|| {
        Text::new("收条时间没有生效的设置", "no settings were in force at the receipt's time")
    })?;
    let sig = ssh_key::SshSig::from_pem(parsed.signature.trim())
        .map_err(|_| Text::new("收条的签名无法解析", "the receipt's signature does not parse"))?;
    let fingerprint = ssh_fingerprint(sig.public_key());
    let key = ring.ssh(&fingerprint).ok_or_else(|| {
        Text::new(
            format!("收条签名密钥 {fingerprint} 不属于任何人"),
            format!("the receipt's key {fingerprint} belongs to no one"),
        )
    })?;
    let Public::Ssh(public) = &key.public else {
        return Err(Text::new("收条须用 SSH 密钥签名", "a receipt must be signed with an SSH key"));
    };
    public.verify(NAMESPACE, parsed.signed.as_bytes(), &sig).map_err(|_| {
        Text::new("收条的签名与内容不符", "the receipt's signature does not match its text")
    })?;
    let person = &settings.people[key.person];
    if person.name != parsed.signer {
        return Err(Text::new(
            format!("收条写明签发人 {}，但签名密钥属于 {}", parsed.signer, person.name),
            format!("the receipt names {} but the key is {}'s", parsed.signer, person.name),
        ));
    }
    if !person.roles.contains(&Role::Server) {
        return Err(Text::new(
            format!("收条由 {} 签名，但此人没有 server 角色", person.name),
            format!("the receipt is signed by {}, who does not have the server role", person.name),
        ));
    }
    if key.duplicate || key.revoked || !key.valid_at(parsed.at) {
        return Err(Text::new(
            format!("收条的签名密钥 {fingerprint} 在收到时不可用"),
            format!("the receipt's key {fingerprint} was not usable at the receipt time"),
        ));
    }
    let receipt = Receipt { at: parsed.at, signer: person.name.clone() };
    Ok((receipt, parsed.commits))
}

/// Reads and verifies every receipt of `git` in one pass: each distinct note is
/// verified once, on all cores, against the server keys of `settings`.
pub fn read(git: &git2::Repository, keys: &ServerKeys) -> Receipts {
    let mut receipts = Receipts::default();
    let Ok(odb) = git.odb() else { return receipts };
    let Ok(tree) = git.find_reference(NOTES_REF).and_then(|r| r.peel_to_tree()) else {
        return receipts;
    };
    // The notes tree names each note by its commit's id, flat or fanned out in
    // folders (`ab/cdef…`); read in one pass over the raw tree objects.
    let mut notes = Vec::new();
    crate::history::files_in(&odb, tree.id(), "", &mut notes);
    // Note blob → the commits it is attached to.
    let mut by_blob: HashMap<Oid, Vec<Oid>> = HashMap::new();
    for (path, blob) in notes {
        if let Ok(commit) = Oid::from_str(&path.replace('/', "")) {
            by_blob.entry(blob).or_default().push(commit);
        }
    }
    let texts: Vec<(Oid, String)> = by_blob
        .keys()
        .filter_map(|blob| {
            let object = odb.read(*blob).ok()?;
            Some((*blob, String::from_utf8_lossy(object.data()).into_owned()))
        })
        .collect();
    let verified: Vec<(Oid, Checked)> =
        texts.par_iter().map(|(blob, text)| (*blob, verify(text, keys))).collect();
    for (blob, result) in verified {
        let attached = &by_blob[&blob];
        match result {
            Ok((receipt, listed)) => {
                let listed: std::collections::HashSet<Oid> = listed.into_iter().collect();
                for commit in attached {
                    if listed.contains(commit) {
                        receipts.by_commit.insert(*commit, receipt.clone());
                    } else {
                        receipts.rejected.push(Rejected {
                            commit: *commit,
                            why: Text::new(
                                "收条没有列出它所附的提交",
                                "the receipt does not list the commit it is attached to",
                            ),
                        });
                    }
                }
            }
            Err(why) => receipts
                .rejected
                .extend(attached.iter().map(|c| Rejected { commit: *c, why: why.clone() })),
        }
    }
    receipts.rejected.sort_by_key(|r| r.commit);
    receipts
}

/// Reads the receipts of `git` (the repository of the reports at `root`) into
/// `history`, judged by the settings in force at each receipt's time (`periods`,
/// from the ledger) or, without them, by `settings` (the work tree's); no
/// receipts, no change.
pub fn apply(
    git: &git2::Repository,
    root: &std::path::Path,
    settings: &Settings,
    periods: Option<&[crate::approval::settings::Period]>,
    history: &mut crate::history::History,
) {
    if git.find_reference(NOTES_REF).is_err() {
        return;
    }
    let receipts = match periods {
        Some(periods) => read(git, &ServerKeys::History(periods)),
        None => {
            let ws = crate::workspace::Workspace::open(root);
            let ring = KeyRing::build(settings, &ws, &mut crate::diag::Diagnostics::default());
            read(git, &ServerKeys::Settings(settings, &ring))
        }
    };
    add_receipts(history, &receipts);
}

/// Takes the server's receipts into `history`: each report's time of arrival,
/// and the receipts that were ignored.
fn add_receipts(history: &mut crate::history::History, receipts: &Receipts) {
    for (id, commits) in &history.adding_commits {
        let times = commits.iter().filter_map(|c| receipts.by_commit.get(c)).map(|r| r.at);
        if let Some(first) = times.min() {
            history.received.insert(id.clone(), first);
        }
        if let Some(bad) = receipts.rejected.iter().find(|r| commits.contains(&r.commit)) {
            history.bad_receipts.insert(id.clone(), bad.why.clone());
        }
    }
}

/// Signs a receipt for `commits` received at `at` with `key`, as `signer`.
pub fn sign(
    key: &ssh_key::PrivateKey,
    signer: &str,
    at: i64,
    commits: &[Oid],
) -> anyhow::Result<String> {
    let text = payload(at, signer, commits);
    let signature = key
        .sign(NAMESPACE, ssh_key::HashAlg::Sha512, text.as_bytes())
        .map_err(|err| anyhow::anyhow!("签名收条失败 / signing the receipt failed: {err}"))?;
    let pem = signature
        .to_pem(ssh_key::LineEnding::LF)
        .map_err(|err| anyhow::anyhow!("signing the receipt failed: {err}"))?;
    Ok(format!("{text}{pem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_parses_back() {
        let commit = Oid::from_str("3f1c2a9b3f1c2a9b3f1c2a9b3f1c2a9b3f1c2a9b").unwrap();
        let text = format!(
            "{}-----BEGIN SSH SIGNATURE-----\nx\n",
            payload(1_772_675_200, "服务器", &[commit])
        );
        let parsed = parse(&text).unwrap();
        assert_eq!(parsed.at, 1_772_675_200);
        assert_eq!(parsed.signer, "服务器");
        assert_eq!(parsed.commits, [commit]);
        assert!(parsed.signed.ends_with(&format!("commit {commit}\n")));
        assert!(parse("xinbao receipt\nreceived never\n-----BEGIN SSH SIGNATURE-----").is_none());
    }
}

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
//! main 8d2e44c1…
//! -----BEGIN SSH SIGNATURE-----
//! …
//! -----END SSH SIGNATURE-----
//! ```
//!
//! The signature is an SSHSIG (namespace [`NAMESPACE`]) over every line before it.
//! The `main` line (SPEC §6.3, a reference-state entry) is the tip of `main` the
//! run recorded; receipts written before it existed have none.
//!
//! A report arrived at the earliest receipt along its own line of versions
//! (see [`crate::line`]), counting only versions that share at least half of
//! its approved text.

use crate::approval::keys::{KeyRing, Public, ssh_fingerprint};
use crate::config::{Role, Settings};
use crate::lang::Text;
use crate::load::MAX_FILE_BYTES;
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
    /// The tip of `main` the run recorded, if the receipt says.
    pub main: Option<Oid>,
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
    /// The tips of `main` the verified receipts recorded, with their times.
    pub states: Vec<(i64, Oid)>,
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

/// [`payload`] with the tip of `main` the run records.
pub fn payload_with_main(at: i64, signer: &str, commits: &[Oid], main: Option<Oid>) -> String {
    let mut text = payload(at, signer, commits);
    if let Some(main) = main {
        text.push_str(&format!("main {main}\n"));
    }
    text
}

/// A receipt's parts: its time, signer name, commits, recorded main, and signed text.
struct Parsed<'a> {
    at: i64,
    signer: &'a str,
    commits: Vec<Oid>,
    main: Option<Oid>,
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
    let (mut commits, mut main) = (Vec::new(), None);
    for line in lines {
        // The main line, if any, is the last.
        (main.is_none()).then_some(())?;
        match (line.strip_prefix("commit "), line.strip_prefix("main ")) {
            (Some(commit), _) => commits.push(Oid::from_str(commit).ok()?),
            (_, Some(tip)) => main = Some(Oid::from_str(tip).ok()?),
            _ => return None,
        }
    }
    Some(Parsed { at, signer, commits, main, signed, signature })
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
    /// The settings and keys that may judge a receipt made at `at`: those of the
    /// period containing `at`, then those of the next period. A settings change
    /// is in force from the commit that makes it, but its period starts at the
    /// next commit on main; a receipt made in between (a writer's branch pushed
    /// right after the server's key was registered) is judged by both.
    fn at(&self, at: i64) -> Vec<(&Settings, &KeyRing)> {
        match self {
            ServerKeys::Settings(settings, ring) => vec![(*settings, *ring)],
            ServerKeys::History(periods) => {
                let Some(i) = periods.iter().position(|p| {
                    p.from.is_none_or(|f| f <= at) && p.until.is_none_or(|u| at <= u)
                }) else {
                    return Vec::new();
                };
                periods[i..].iter().take(2).map(|p| (&p.regime.settings, &p.regime.ring)).collect()
            }
        }
    }
}

/// Checks one note's text against `keys`: the receipt, or why not (why the
/// settings in force at its time refuse it).
fn verify(text: &str, keys: &ServerKeys) -> Checked {
    let parsed = parse(text)
        .ok_or_else(|| Text::new("收条格式无法识别", "the receipt's format is not recognized"))?;
    let sig = ssh_key::SshSig::from_pem(parsed.signature.trim())
        .map_err(|_| Text::new("收条的签名无法解析", "the receipt's signature does not parse"))?;
    let mut why = None;
    for (settings, ring) in keys.at(parsed.at) {
        match verify_under(&parsed, &sig, settings, ring) {
            Ok(receipt) => return Ok((receipt, parsed.commits)),
            Err(refused) => why = why.or(Some(refused)),
        }
    }
    Err(why.unwrap_or_else(|| {
        Text::new("收条时间没有生效的设置", "no settings were in force at the receipt's time")
    }))
}

/// Checks a parsed receipt and its signature against one version of the settings.
fn verify_under(
    parsed: &Parsed,
    sig: &ssh_key::SshSig,
    settings: &Settings,
    ring: &KeyRing,
) -> Result<Receipt, Text> {
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
    public.verify(NAMESPACE, parsed.signed.as_bytes(), sig).map_err(|_| {
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
    Ok(Receipt { at: parsed.at, signer: person.name.clone(), main: parsed.main })
}

/// Every note under [`NOTES_REF`]: `(commit, note blob)`. The notes tree names
/// each note by its commit's id, flat or fanned out in folders (`ab/cdef…`); read
/// in one pass over the raw tree objects.
fn notes(git: &git2::Repository) -> Vec<(Oid, Oid)> {
    let Ok(odb) = git.odb() else { return Vec::new() };
    let Ok(tree) = git.find_reference(NOTES_REF).and_then(|r| r.peel_to_tree()) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    crate::tree::files_in(&odb, tree.id(), "", &mut files);
    files
        .into_iter()
        .filter_map(|(path, blob)| Some((Oid::from_str(&path.replace('/', "")).ok()?, blob)))
        .collect()
}

/// The commits that have a note under [`NOTES_REF`], whether it verifies or not.
pub fn noted(git: &git2::Repository) -> std::collections::HashSet<Oid> {
    notes(git).into_iter().map(|(commit, _)| commit).collect()
}

/// Reads and verifies every receipt of `git` in one pass: each distinct note is
/// verified once, on all cores, against the server keys of `settings`.
pub fn read(git: &git2::Repository, keys: &ServerKeys) -> Receipts {
    let mut receipts = Receipts::default();
    let Ok(odb) = git.odb() else { return receipts };
    // Note blob → the commits it is attached to.
    let mut by_blob: HashMap<Oid, Vec<Oid>> = HashMap::new();
    for (commit, blob) in notes(git) {
        by_blob.entry(blob).or_default().push(commit);
    }
    let texts: Vec<(Oid, String)> = by_blob
        .keys()
        .filter_map(|blob| Some((*blob, crate::tree::text_at_most(&odb, *blob, MAX_FILE_BYTES)?)))
        .collect();
    let verified: Vec<(Oid, Checked)> =
        texts.par_iter().map(|(blob, text)| (*blob, verify(text, keys))).collect();
    for (blob, result) in verified {
        let attached = &by_blob[&blob];
        match result {
            Ok((receipt, listed)) => {
                if let Some(main) = receipt.main {
                    receipts.states.push((receipt.at, main));
                }
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
    receipts.states.sort();
    receipts.states.dedup();
    receipts
}

impl Receipts {
    /// The last tip of `main` recorded, with its receipt time: the latest state;
    /// of states recorded in the same second, the one the others lead to on its
    /// first-parent chain (the run that wrote last saw the others').
    pub fn recorded_main(&self, git: &git2::Repository) -> Option<(Oid, i64)> {
        let &(at, _) = self.states.last()?;
        let same: Vec<Oid> =
            self.states.iter().filter(|(t, _)| *t == at).map(|(_, tip)| *tip).collect();
        let last = same
            .iter()
            .find(|tip| same.iter().all(|other| passes_through(git, **tip, *other)))
            .or(same.last())?;
        Some((*last, at))
    }
}

/// The last tip of `main` the server recorded (SPEC §6.3, "The main line cannot be
/// rewritten") and when: read from the receipts of `git` that verify against the
/// server keys of the settings in force at their time (`periods`, from the
/// ledger), as receipts are. `None` when no receipt records one.
pub fn recorded_main(
    git: &git2::Repository,
    periods: &[crate::approval::settings::Period],
) -> Option<(Oid, i64)> {
    git.find_reference(NOTES_REF).ok()?;
    read(git, &ServerKeys::History(periods)).recorded_main(git)
}

/// Whether the first-parent chain of `tip` passes through `commit`.
pub fn passes_through(git: &git2::Repository, tip: Oid, commit: Oid) -> bool {
    let mut next = Some(tip);
    while let Some(oid) = next {
        if oid == commit {
            return true;
        }
        next = git.find_commit(oid).ok().and_then(|c| c.parent_id(0).ok());
    }
    false
}

/// Reads the receipts of `git` (the repository of the reports at `root`) into
/// `history`, judged by the settings in force at each receipt's time (the
/// `ledger`'s periods) or, without it, by `settings` (the work tree's); no
/// receipts, no change. A report's version counts when it shares half of the
/// text the ledger says was approved (else of its text at the tip).
pub fn apply(
    git: &git2::Repository,
    ws: &crate::workspace::Workspace,
    settings: &Settings,
    ledger: Option<&crate::approval::Ledger>,
    history: &mut crate::history::History,
) {
    if git.find_reference(NOTES_REF).is_err() {
        return;
    }
    let receipts = match ledger {
        Some(ledger) => read(git, &ServerKeys::History(&ledger.periods)),
        None => {
            let ring = KeyRing::build(settings, ws, &mut crate::diag::Diagnostics::default());
            read(git, &ServerKeys::Settings(settings, &ring))
        }
    };
    let approved = |id: &str| {
        let trail = ledger?.trails.get(id)?;
        Some(trail.signed_content()?.text)
    };
    add_receipts(git, history, &receipts, &approved);
}

/// Takes the server's receipts into `history`: each report's time of arrival
/// (the earliest receipt along its own line of versions, SPEC §6.3), and the
/// receipts that were ignored.
fn add_receipts(
    git: &git2::Repository,
    history: &mut crate::history::History,
    receipts: &Receipts,
    approved: &dyn Fn(&str) -> Option<Oid>,
) {
    let (received, bad) = arrivals(git, history, receipts, approved);
    history.received = received;
    history.bad_receipts.extend(bad);
}

/// Each report's arrival, and why a receipt of a commit that added it was ignored.
fn arrivals(
    git: &git2::Repository,
    history: &crate::history::History,
    receipts: &Receipts,
    approved: &dyn Fn(&str) -> Option<Oid>,
) -> (HashMap<String, i64>, HashMap<String, Text>) {
    let (mut received, mut bad) = (HashMap::new(), HashMap::new());
    let at_tip = history.tip.as_ref().map_or(&[][..], |(_, files)| files.as_slice());
    let lines = crate::line::Lines::new(history);
    let times: Vec<i64> =
        lines.chain.iter().map(|c| receipts.by_commit.get(c).map_or(i64::MAX, |r| r.at)).collect();
    let earliest = RangeMin::new(times);
    let mut texts = Texts::new(git);
    for (path, blob) in at_tip {
        let id = crate::load::stem(path);
        let target = approved(&id).unwrap_or(*blob);
        let mut first: Option<i64> = None;
        for segment in lines.line(git, path, *blob) {
            let at = match segment.commits {
                crate::line::Stretch::Chain(from, to) => earliest.min(from, to),
                crate::line::Stretch::Commit(commit) => {
                    receipts.by_commit.get(&commit).map_or(i64::MAX, |r| r.at)
                }
            };
            if at < first.unwrap_or(i64::MAX) && texts.shares_half(segment.blob, target) {
                first = Some(at);
            }
        }
        if let Some(first) = first {
            let kept = received.entry(id).or_insert(first);
            *kept = (*kept).min(first);
        }
    }
    for (id, commits) in &history.adding_commits {
        // A report no longer at the tip (deleted): the commits that added it.
        if !at_tip.iter().any(|(path, _)| crate::load::stem(path) == *id) {
            let times = commits.iter().filter_map(|c| receipts.by_commit.get(c)).map(|r| r.at);
            if let Some(first) = times.min() {
                received.insert(id.clone(), first);
            }
        }
        if let Some(rejected) = receipts.rejected.iter().find(|r| commits.contains(&r.commit)) {
            bad.insert(id.clone(), rejected.why.clone());
        }
    }
    (received, bad)
}

/// The least of a list of times over any range, in constant time (a sparse table).
struct RangeMin(Vec<Vec<i64>>);

impl RangeMin {
    fn new(times: Vec<i64>) -> RangeMin {
        let mut levels = vec![times];
        let mut width = 1;
        while width * 2 <= levels[0].len() {
            let last = levels.last().map_or(&[][..], Vec::as_slice);
            let next = last.iter().zip(&last[width..]).map(|(a, b)| *a.min(b)).collect();
            levels.push(next);
            width *= 2;
        }
        RangeMin(levels)
    }

    /// The least time from index `from` to `to`, both included.
    fn min(&self, from: usize, to: usize) -> i64 {
        let (from, to) = (from.min(to), from.max(to));
        let level = (usize::BITS - 1 - (to - from + 1).leading_zeros()) as usize;
        let width = 1 << level;
        let row = &self.0[level];
        match (row.get(from), row.get(to + 1 - width)) {
            (Some(a), Some(b)) => *a.min(b),
            _ => i64::MAX,
        }
    }
}

/// Report texts read once, compared by how much they share.
struct Texts<'a> {
    git: &'a git2::Repository,
    read: HashMap<Oid, Option<String>>,
}

impl<'a> Texts<'a> {
    fn new(git: &'a git2::Repository) -> Texts<'a> {
        Texts { git, read: HashMap::new() }
    }

    fn text(&mut self, blob: Oid) -> Option<&str> {
        let git = self.git;
        self.read
            .entry(blob)
            .or_insert_with(|| crate::tree::text_at_most(&git.odb().ok()?, blob, MAX_FILE_BYTES))
            .as_deref()
    }

    /// Whether `version` shares at least half of the text `target` (`similar`'s
    /// ratio ≥ 0.5, by characters; by lines for texts over 8,000 bytes, which
    /// a character diff would make slow).
    fn shares_half(&mut self, version: Oid, target: Oid) -> bool {
        if version == target {
            return true;
        }
        let Some(old) = self.text(version).map(str::to_string) else { return false };
        let Some(new) = self.text(target) else { return false };
        let ratio = if old.len().max(new.len()) > 8_000 {
            similar::TextDiff::from_lines(old.as_str(), new).ratio()
        } else {
            similar::TextDiff::from_chars(old.as_str(), new).ratio()
        };
        ratio >= 0.5
    }
}

/// Signs a receipt for `commits` received at `at` with `key`, as `signer`,
/// recording `main` as the tip of main.
pub fn sign(
    key: &ssh_key::PrivateKey,
    signer: &str,
    at: i64,
    commits: &[Oid],
    main: Option<Oid>,
) -> anyhow::Result<String> {
    let text = payload_with_main(at, signer, commits, main);
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

    #[test]
    fn the_tip_of_main_is_the_last_line_of_a_payload() {
        let commit = Oid::from_str("3f1c2a9b3f1c2a9b3f1c2a9b3f1c2a9b3f1c2a9b").unwrap();
        let main = Oid::from_str("8d2e44c18d2e44c18d2e44c18d2e44c18d2e44c1").unwrap();
        let signed = payload_with_main(1_772_675_200, "服务器", &[commit], Some(main));
        let text = format!("{signed}-----BEGIN SSH SIGNATURE-----\nx\n");
        let parsed = parse(&text).unwrap();
        assert_eq!((parsed.commits, parsed.main), (vec![commit], Some(main)));
        // Nothing may follow it.
        let text = format!("{signed}commit {commit}\n-----BEGIN SSH SIGNATURE-----\nx\n");
        assert!(parse(&text).is_none());
    }

    #[test]
    fn the_least_time_of_any_range() {
        let times = vec![5, 3, 8, i64::MAX, 1, 9, 4];
        let table = RangeMin::new(times.clone());
        for from in 0..times.len() {
            for to in from..times.len() {
                assert_eq!(table.min(from, to), *times[from..=to].iter().min().unwrap());
            }
        }
    }
}

//! The settings in force at each commit (SPEC §6.1): every commit is judged by the
//! settings (`xinbao.yaml` and the key files it names) in force at its first
//! parent, and a change to what decides verdicts takes effect only when a person
//! with role `office` or `admin` signs it under the settings before it.
//!
//! Each distinct settings blob is parsed once, each distinct set of key files
//! turned into a key ring once; commits that leave the settings alone cost a
//! comparison of blob ids.

use super::keys::KeyRing;
use super::problem::{Problem, short};
use super::verify::{self, Verdict};
use crate::commits::CommitFacts;
use crate::config::{self, Settings};
use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::run::Run;
use git2::Oid;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// One version of the settings, parsed, with its keys.
#[derive(Debug)]
pub struct Regime {
    /// The settings.
    pub settings: Settings,
    /// Their signing keys.
    pub ring: KeyRing,
    /// What decides verdicts, with the key files' blob ids.
    verdict: String,
}

impl Regime {
    /// Whether some person who may change the settings has a usable key: until
    /// then, nobody could sign a change, so changes are accepted unsigned.
    pub fn has_keepers(&self) -> bool {
        self.ring
            .keys
            .iter()
            .any(|k| !k.duplicate && !k.revoked && self.settings.people[k.person].keeps_settings())
    }
}

/// The blobs a version of the settings is read from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Identity {
    settings: Option<Oid>,
    keys: Vec<(String, Option<Oid>)>,
}

/// Where trust starts (SPEC §6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// The root commit's settings name an office or admin key.
    Root(Oid),
    /// The settings of a commit pinned with `--trust-root` or `XINBAO_TRUST_ROOT`.
    Pinned(Oid),
    /// The first settings that name an office or admin key, accepted unsigned.
    OfficeKey(Oid),
    /// No settings so far name an office or admin key: every change is accepted.
    None,
}

impl Anchor {
    /// `root`, `pinned`, `office-key` or `none`.
    pub fn kind(self) -> &'static str {
        match self {
            Anchor::Root(_) => "root",
            Anchor::Pinned(_) => "pinned",
            Anchor::OfficeKey(_) => "office-key",
            Anchor::None => "none",
        }
    }

    /// The anchoring commit.
    pub fn commit(self) -> Option<Oid> {
        match self {
            Anchor::Root(c) | Anchor::Pinned(c) | Anchor::OfficeKey(c) => Some(c),
            Anchor::None => None,
        }
    }
}

/// The settings and signature verdict of every commit of a chain.
pub struct Judged {
    /// Per commit: the settings that judge it, `None` before any settings exist.
    pub regimes: Vec<Option<Arc<Regime>>>,
    /// Per commit: what its signature says under those settings.
    pub verdicts: Vec<Verdict>,
    /// The settings in force after the last commit.
    pub in_force: Option<Arc<Regime>>,
    /// Where trust starts.
    pub anchor: Anchor,
    /// The index of the pinned trust anchor in the chain, when one is pinned.
    pub pinned: Option<usize>,
    /// Settings changes that did not take effect, and commits dated before their parents.
    pub problems: Vec<Problem>,
    /// Each version of the settings in force, oldest first, with the times it
    /// judged: what `keys allowed-signers` tells git.
    pub periods: Vec<Period>,
}

/// A version of the settings and the span of commit times it judged.
#[derive(Clone, Debug)]
pub struct Period {
    /// The settings.
    pub regime: Arc<Regime>,
    /// The first second (none for the first version).
    pub from: Option<i64>,
    /// The last second (none for the version in force now).
    pub until: Option<i64>,
}

/// The periods of `regimes` (per commit) over `commits`, ending with `in_force`.
fn periods(
    commits: &[Arc<CommitFacts>],
    regimes: &[Option<Arc<Regime>>],
    in_force: Option<&Arc<Regime>>,
) -> Vec<Period> {
    let mut periods: Vec<Period> = Vec::new();
    let same = |a: &Arc<Regime>, b: &Arc<Regime>| Arc::ptr_eq(a, b);
    for (commit, regime) in commits.iter().zip(regimes) {
        let Some(regime) = regime else { continue };
        let time = commit.effective_time();
        match periods.last_mut() {
            Some(last) if same(&last.regime, regime) => {}
            Some(last) => {
                last.until = Some(time - 1);
                periods.push(Period { regime: regime.clone(), from: Some(time), until: None });
            }
            None => periods.push(Period { regime: regime.clone(), from: None, until: None }),
        }
    }
    if let Some(now) = in_force {
        let after = commits.last().map(|c| c.effective_time());
        match periods.last_mut() {
            Some(last) if same(&last.regime, now) => {}
            Some(last) => {
                last.until = after;
                periods.push(Period {
                    regime: now.clone(),
                    from: after.map(|t| t + 1),
                    until: None,
                });
            }
            None => periods.push(Period { regime: now.clone(), from: None, until: None }),
        }
    }
    periods
}

/// Judges `commits` (a first-parent chain, oldest first) of the git repository
/// `git`, whose reports repository is `root`. `pin` is a commit of the chain whose
/// settings are trusted as they are. Signatures are verified for the commits that
/// change settings or office records, and, with `reports`, for those that touch
/// reports too.
pub fn judge(
    git: &crate::repo::Repo,
    run: &Run,
    commits: &[Arc<CommitFacts>],
    pin: Option<Oid>,
    reports: bool,
) -> anyhow::Result<Judged> {
    let pin_index = match pin {
        None => None,
        Some(pin) => Some(commits.iter().position(|c| c.id == pin).ok_or_else(|| {
            anyhow::anyhow!(
                "信任起点 {pin} 不在主分支的第一父提交链上 / trust root {pin} is not on the main branch's first-parent chain"
            )
        })?),
    };
    let prefix = run.in_git("");
    let odb = git.odb()?;
    // Each version of xinbao.yaml is parsed once: for the key files it names,
    // then for the regime of each identity it is part of.
    let mut parsed: HashMap<Oid, Option<Settings>> = HashMap::new();
    for blob in commits.iter().filter_map(|c| c.settings) {
        parsed.entry(blob).or_insert_with(|| settings_of(&odb, blob));
    }
    let identities = identities(git, &parsed, &prefix, commits)?;
    let mut versions: HashMap<Identity, Option<Arc<Regime>>> = HashMap::new();
    let mut regime = |identity: &Identity| {
        let settings = identity.settings.and_then(|blob| parsed.get(&blob)?.clone());
        versions
            .entry(identity.clone())
            .or_insert_with(|| Some(parse(&odb, settings?, identity)))
            .clone()
    };
    let mut regimes = Vec::with_capacity(commits.len());
    let mut verdicts = vec![Verdict::Unsigned; commits.len()];
    let mut problems = Vec::new();
    let mut in_force: Option<Arc<Regime>> = None;
    let mut anchor = Anchor::None;
    let now = run.now().timestamp();
    for (i, commit) in commits.iter().enumerate() {
        let anchored = i == 0 || pin_index == Some(i);
        if anchored {
            // The root's settings (or the pinned commit's) are taken as they are,
            // and judge that commit itself.
            in_force = regime(&identities[i]);
            if pin_index == Some(i) {
                anchor = Anchor::Pinned(commit.id);
            }
        }
        regimes.push(in_force.clone());
        let skew = in_force.as_ref().map_or(600, |r| r.settings.limits.commit_skew.num_seconds());
        if let Some(parents) = commit.parents_time
            && commit.author_time.min(commit.time) + skew < parents
        {
            problems.push(backdated(commit, parents));
        }
        if commit.author_time.max(commit.time) > now + skew {
            problems.push(future(commit));
        }
        if !anchored && identities[i] != identities[i - 1] {
            let before_pin = pin_index.is_some_and(|p| i < p);
            let new = regime(&identities[i]);
            let current = in_force.clone();
            match (new, current) {
                (None, _) => problems.push(unreadable(commit)),
                (Some(new), None) => in_force = Some(new),
                (Some(new), Some(current)) => {
                    if new.verdict == current.verdict || before_pin || !current.has_keepers() {
                        in_force = Some(new);
                    } else {
                        let verdict = verdict_of(&odb, &current, commit);
                        let keeper = match &verdict {
                            Verdict::Signed(s) => {
                                current.settings.people[s.person].keeps_settings()
                            }
                            _ => false,
                        };
                        // A commit that changes only names and layout on top of an
                        // earlier rejected change is not a new settings change.
                        let parent = regime(&identities[i - 1]);
                        let own_change = parent.is_none_or(|p| p.verdict != new.verdict);
                        if keeper {
                            in_force = Some(new);
                        } else if own_change {
                            problems.push(unsigned(commit, &verdict, &current));
                        }
                        verdicts[i] = verdict;
                    }
                }
            }
        }
        if anchor == Anchor::None
            && pin_index.is_none()
            && in_force.as_ref().is_some_and(|r| r.has_keepers())
        {
            anchor = if i == 0 { Anchor::Root(commit.id) } else { Anchor::OfficeKey(commit.id) };
        }
    }
    // Signatures of the commits that touch reports, on all cores.
    let needed: Vec<usize> = (0..commits.len())
        .filter(|&i| {
            let c = &commits[i];
            let touches = !c.records.is_empty()
                || reports
                    && (!c.changes.is_empty()
                        || !c.files.is_empty()
                        || !c.published.is_empty()
                        || !c.approved.is_empty());
            c.signed && touches && verdicts[i] == Verdict::Unsigned && regimes[i].is_some()
        })
        .collect();
    let workers = git.workers();
    let found: Vec<(usize, Verdict)> = needed
        .par_chunks(needed.len().div_ceil(rayon::current_num_threads().max(1) * 4).max(1))
        .map(|chunk| {
            workers.with(|repo| {
                let odb = repo.odb()?;
                Ok(chunk
                    .iter()
                    .filter_map(|&i| {
                        let regime = regimes[i].as_ref()?;
                        Some((i, verdict_of(&odb, regime, &commits[i])))
                    })
                    .collect::<Vec<_>>())
            })
        })
        .collect::<Result<Vec<_>, git2::Error>>()?
        .into_iter()
        .flatten()
        .collect();
    for (i, verdict) in found {
        verdicts[i] = verdict;
    }
    let periods = periods(commits, &regimes, in_force.as_ref());
    Ok(Judged { regimes, verdicts, in_force, anchor, pinned: pin_index, problems, periods })
}

/// The verdict on `commit`'s signature under `regime`, at its effective time.
fn verdict_of(odb: &git2::Odb, regime: &Regime, commit: &CommitFacts) -> Verdict {
    match odb.read(commit.id) {
        Ok(object) => verify::verdict(&regime.ring, object.data(), commit.effective_time()),
        Err(_) => Verdict::Unsigned,
    }
}

/// The identity of each commit's settings: the `xinbao.yaml` blob and the blobs of
/// the key files it names, looked up in the commit's tree (on all cores).
fn identities(
    git: &crate::repo::Repo,
    parsed: &HashMap<Oid, Option<Settings>>,
    prefix: &str,
    commits: &[Arc<CommitFacts>],
) -> anyhow::Result<Vec<Identity>> {
    let key_files: HashMap<Oid, Vec<String>> = parsed
        .iter()
        .map(|(blob, settings)| {
            let files = settings.iter().flat_map(|s| s.key_files()).map(str::to_string);
            (*blob, files.collect())
        })
        .collect();
    let workers = git.workers();
    let chunk = commits.len().div_ceil(rayon::current_num_threads().max(1) * 4).max(1);
    let found = commits
        .par_chunks(chunk)
        .map(|chunk| {
            workers.with(|repo| {
                chunk
                    .iter()
                    .map(|commit| {
                        let files = commit.settings.and_then(|b| key_files.get(&b));
                        let keys = match files {
                            Some(files) if !files.is_empty() => {
                                let tree = repo.find_commit(commit.id)?.tree()?;
                                files
                                    .iter()
                                    .map(|file| {
                                        let path = format!("{prefix}{file}");
                                        let blob =
                                            tree.get_path(Path::new(&path)).ok().map(|e| e.id());
                                        (file.clone(), blob)
                                    })
                                    .collect()
                            }
                            _ => Vec::new(),
                        };
                        Ok(Identity { settings: commit.settings, keys })
                    })
                    .collect::<Result<Vec<_>, git2::Error>>()
            })
        })
        .collect::<Result<Vec<_>, git2::Error>>()?;
    Ok(found.into_iter().flatten().collect())
}

/// The settings in a `xinbao.yaml` blob, when they can be read.
fn settings_of(odb: &git2::Odb, blob: Oid) -> Option<Settings> {
    let object = crate::tree::read_at_most(odb, blob, crate::load::MAX_FILE_BYTES).ok()?;
    config::from_bytes(object.data().to_vec(), &mut Diagnostics::default()).ok()
}

/// One version of the settings (`settings`, parsed from `identity`'s blob) with
/// its key files.
fn parse(odb: &git2::Odb, settings: Settings, identity: &Identity) -> Arc<Regime> {
    let files = |path: &str| -> Result<String, Text> {
        let missing =
            || Text::new(format!("{path}：密钥文件不存在"), format!("{path}: no such key file"));
        let blob = identity.keys.iter().find(|(p, _)| p == path).and_then(|(_, b)| *b);
        let blob = blob.ok_or_else(missing)?;
        let object = crate::tree::read_at_most(odb, blob, crate::load::MAX_FILE_BYTES)
            .map_err(|_| missing())?;
        String::from_utf8(object.data().to_vec()).map_err(|_| {
            Text::new(format!("{path}：不是文本文件"), format!("{path}: not a text file"))
        })
    };
    let ring = KeyRing::build_with(&settings, &files, &mut Diagnostics::default());
    let keys: Vec<String> = identity
        .keys
        .iter()
        .map(|(p, b)| format!("{p}={}", b.map(|b| b.to_string()).unwrap_or_default()))
        .collect();
    let verdict = format!("{}\n{}", settings.verdict_text(), keys.join("\n"));
    Arc::new(Regime { settings, ring, verdict })
}

fn unsigned(commit: &CommitFacts, verdict: &Verdict, current: &Regime) -> Problem {
    let why = match verdict {
        Verdict::Unsigned => Text::new("没有签名", "it is not signed"),
        Verdict::Failed(failure) => failure.message.clone(),
        Verdict::Signed(signer) => {
            let name = &current.settings.people[signer.person].name;
            Text::new(
                format!("签名人 {name} 不是办公室人员或管理员"),
                format!("the signer {name} is neither office nor admin"),
            )
        }
    };
    let id = short(commit.id);
    Problem::of(
        Rule::SettingsUnsigned,
        commit,
        Text::new(
            format!(
                "提交 {id} 修改了 {}，但{}；此修改不生效，仍按原设置判定",
                config::FILE,
                why.zh
            ),
            format!(
                "commit {id} changes {} but {}; the change does not take effect and the previous settings stay in force",
                config::FILE,
                why.en
            ),
        ),
    )
}

fn unreadable(commit: &CommitFacts) -> Problem {
    let id = short(commit.id);
    Problem::of(
        Rule::SettingsUnsigned,
        commit,
        Text::new(
            format!("提交 {id} 中的 {} 无法读取；仍按原设置判定", config::FILE),
            format!(
                "{} cannot be read at commit {id}; the previous settings stay in force",
                config::FILE
            ),
        ),
    )
}

fn future(commit: &CommitFacts) -> Problem {
    let id = short(commit.id);
    let at = chrono::DateTime::from_timestamp(commit.author_time.max(commit.time), 0)
        .unwrap_or_default()
        .to_rfc3339();
    Problem::of(
        Rule::TimeOrder,
        commit,
        Text::new(
            format!("提交 {id} 的时间 {at} 在未来：时间不能预支，其后的提交不按它判定"),
            format!("commit {id} is dated {at}, in the future; later commits are not judged by it"),
        ),
    )
}

fn backdated(commit: &CommitFacts, parents: i64) -> Problem {
    let id = short(commit.id);
    let at = |t: i64| chrono::DateTime::from_timestamp(t, 0).unwrap_or_default().to_rfc3339();
    let claimed = commit.author_time.min(commit.time);
    Problem::of(
        Rule::TimeOrder,
        commit,
        Text::new(
            format!(
                "提交 {id} 的时间 {} 早于其父提交 {}：时间不能倒流，按父提交时间判定",
                at(claimed),
                at(parents)
            ),
            format!(
                "commit {id} is dated {}, before its parent's {}: time does not run backwards; it is judged at its parent's time",
                at(claimed),
                at(parents)
            ),
        ),
    )
}

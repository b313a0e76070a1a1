//! Office records in force (SPEC §6.3): requests (约稿), bulletin records and
//! templates decide verdicts, scores and documents, so a version of one takes
//! effect only when the commit that made it is signed by a person with role
//! `office` or `admin` under the settings before it. The root commit, a pinned
//! anchor and the history before it, and the bootstrap (no office or admin key
//! yet) are trusted as the settings are.

use super::problem::{Problem, short};
use super::settings::Judged;
use super::verify::Verdict;
use crate::commits::CommitFacts;
use crate::diag::Rule;
use crate::lang::Text;
use git2::Oid;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The office records in force after the last commit, and the versions that
/// did not take effect.
#[derive(Debug, Default)]
pub struct Records {
    /// Path (relative to the reports repository's root) → the blob in force.
    pub in_force: BTreeMap<String, Oid>,
    /// One `record-unsigned` problem per commit whose record changes were refused.
    pub problems: Vec<Problem>,
}

/// Replays the record changes of `commits` (a first-parent chain, oldest first)
/// under the settings and signature verdicts of `judged`.
pub fn replay(commits: &[Arc<CommitFacts>], judged: &Judged) -> Records {
    let mut records = Records::default();
    for (i, commit) in commits.iter().enumerate().filter(|(_, c)| !c.records.is_empty()) {
        let regime = judged.regimes[i].as_deref();
        let trusted = i == 0
            || judged.pinned.is_some_and(|pin| i <= pin)
            || regime.is_none_or(|r| !r.has_keepers());
        let signer = match (&judged.verdicts[i], regime) {
            (Verdict::Signed(s), Some(regime)) => regime.settings.people.get(s.person),
            _ => None,
        };
        if trusted || signer.is_some_and(|p| p.keeps_settings()) {
            for change in &commit.records {
                match change.blob {
                    Some(blob) => records.in_force.insert(change.path.clone(), blob),
                    None => records.in_force.remove(&change.path),
                };
            }
            continue;
        }
        let why = match (&judged.verdicts[i], signer) {
            (Verdict::Failed(failure), _) => failure.message.clone(),
            (Verdict::Signed(_), Some(person)) => Text::new(
                format!("签名人 {} 不是办公室人员或管理员", person.name),
                format!("the signer {} is neither office nor admin", person.name),
            ),
            _ => Text::new("没有签名", "it is not signed"),
        };
        let paths: Vec<&str> = commit.records.iter().map(|c| c.path.as_str()).collect();
        let (id, paths) = (short(commit.id), paths.join(", "));
        let first = commit.records.first().map(|c| c.path.clone());
        records.problems.push(Problem {
            file: first,
            ..Problem::of(
            Rule::RecordUnsigned,
            commit,
            Text::new(
                format!(
                    "提交 {id} 修改了办公室记录 {paths}，但{}；修改不生效，仍按原版本判定（新文件不起作用；办公室认可时，请在自己签名的提交中再改一次这些文件）",
                    why.zh
                ),
                format!(
                    "commit {id} changes the office records {paths} but {}; the change does not take effect and the previous versions stay in force (a new file has no effect; if the office agrees, it changes these files again in a commit it signs)",
                    why.en
                ),
            ),
        )
        });
    }
    records
}

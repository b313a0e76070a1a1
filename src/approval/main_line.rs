//! The main line, whose verdicts count: the first-parent chain of the main
//! branch, read from the run's [`crate::commits::Commits`] (the same facts the
//! first commits of reports are taken from), and kept from being rewritten
//! (SPEC §6.3). A push that puts a new first parent under the signed record — a
//! merge whose first parent is the root and whose second is the old tip, or an
//! old supervisor's merge — would make approvals vanish or come back. Two guards:
//!
//! * the shape: a commit on the chain that brings in, through a parent other than
//!   its first, a record commit signed by a supervisor, the office or an admin,
//!   is `history-rewritten` unless that commit is itself signed, under the
//!   settings of the line it pushed aside, by the office or an admin, or by the
//!   one supervisor who signed every record it pushes aside; verdicts then follow
//!   that line, as if it had not been pushed aside;
//! * the server's record: a chain that does not pass through the last tip of
//!   `main` recorded in a receipt is `history-rewritten` until an office or admin
//!   signature acknowledges it (`History-rewritten-from: <old tip>`); verdicts
//!   then follow the recorded tip.
//!
//! Reading the chain depends on no settings; signatures are verified on every
//! run, by the settings in force ([`super::settings`]).

use super::problem::{Problem, short};
use super::settings::{self, Judged, Regime};
use super::verify::{self, Verdict};
use crate::cache::Walk;
use crate::commits::CommitFacts;
use crate::config::{Person, Role};
use crate::diag::Rule;
use crate::lang::Text;
use crate::repo::Repo;
use crate::run::Run;
use git2::Oid;
use std::collections::HashSet;
use std::sync::Arc;

/// How many pushed-aside lines are followed at most: each is a real rewrite the
/// history shows, and a hostile history must not make the walk endless.
const MAX_LINES: usize = 16;

/// The chain whose verdicts count, judged, with the rewrites found on the way.
pub struct Line {
    /// The commits, oldest first.
    pub commits: Vec<Arc<CommitFacts>>,
    /// Their settings and signatures.
    pub judged: Judged,
    /// One `history-rewritten` problem per rewrite.
    pub problems: Vec<Problem>,
    /// Whether a rewrite stands unacknowledged: `build` does not publish.
    pub unacknowledged: bool,
}

/// Follows the main line from `tip`: the first-parent chain, except where a
/// rewrite pushed the signed record aside; `recorded` is the last tip of `main`
/// the server recorded, when there is one. `pin` is the pinned trust anchor.
pub fn follow(
    git: &Repo,
    run: &Run,
    tip: Oid,
    pin: Option<Oid>,
    recorded: Option<Oid>,
) -> anyhow::Result<Line> {
    let odb = git.odb()?;
    let judge = |commits: &[Arc<CommitFacts>]| settings::judge(git, run, commits, pin, true);
    let mut commits = read(git, run, tip)?;
    let mut judged = judge(&commits)?;
    let mut problems = Vec::new();
    let mut unacknowledged = false;
    // The server's record: a chain that skips the recorded tip is held to it.
    if let Some(old) = recorded.filter(|old| !commits.iter().any(|c| c.id == *old)) {
        let rewriter = commits.last().map_or(tip, |c| c.id);
        let acknowledged = acknowledged(&odb, &commits, &judged, old);
        problems.push(rewritten(rewriter, &commits, old, acknowledged));
        if !acknowledged {
            unacknowledged = true;
            commits = read(git, run, old)?;
            judged = judge(&commits)?;
        }
    }
    // The shape: each merge that pushes signed records aside, unless deliberate,
    // hands the verdicts to the line it pushed aside.
    let mut decided: HashSet<Oid> = HashSet::new();
    let mut lines = 0;
    while lines < MAX_LINES {
        let Some(merge) = next_merge(&odb, &commits, &judged, &decided) else { break };
        decided.insert(merge.id);
        let (line, at) = aside(git, run, &commits, &merge)?;
        if deliberate(&odb, &settings::judge(git, run, &line, pin, false)?, at, &merge) {
            continue;
        }
        problems.push(pushed_aside(&commits[merge.at], merge.record));
        judged = judge(&line)?;
        commits = line;
        lines += 1;
    }
    // A pushed-aside line the office acknowledged (History-rewritten-from: the
    // merge) stays on the record, as a warning.
    for problem in problems.iter_mut().filter(|p| !p.acknowledged) {
        problem.acknowledged = acknowledged(&odb, &commits, &judged, problem.commit);
    }
    Ok(Line { commits, judged, problems, unacknowledged })
}

/// A merge of the line that brings in, through a parent other than its first,
/// records signed by a supervisor, the office or an admin.
struct Merge {
    /// The merge commit, and where it is on the line.
    id: Oid,
    at: usize,
    /// The parent it brings the records through, and the first of them.
    parent: usize,
    record: Oid,
    /// Who signed each record it brings.
    signers: Vec<String>,
}

/// The first merge of `commits` not yet `decided` that brings in signed records.
fn next_merge(
    odb: &git2::Odb,
    commits: &[Arc<CommitFacts>],
    judged: &Judged,
    decided: &HashSet<Oid>,
) -> Option<Merge> {
    commits.iter().enumerate().find_map(|(at, commit)| {
        if commit.brought.is_empty() || decided.contains(&commit.id) {
            return None;
        }
        let regime = judged.regimes[at].as_deref()?;
        let records: Vec<(usize, Oid, &Person)> = commit
            .brought
            .iter()
            .filter_map(|(k, oid)| Some((*k, *oid, keeper_or_supervisor(odb, regime, *oid)?)))
            .collect();
        let &(parent, record, _) = records.first()?;
        let signers = records.iter().map(|(_, _, p)| p.name.clone()).collect();
        Some(Merge { id: commit.id, at, parent, record, signers })
    })
}

/// The line `merge` pushed aside, the merge read as if that line were its first
/// parent and the commits after it on `commits`; and where the merge is on it.
fn aside(
    git: &Repo,
    run: &Run,
    commits: &[Arc<CommitFacts>],
    merge: &Merge,
) -> anyhow::Result<(Vec<Arc<CommitFacts>>, usize)> {
    let aside = git.find_commit(merge.id)?.parent_id(merge.parent)?;
    let mut line = read(git, run, aside)?;
    let at = line.len();
    line.push(read_against(git, run, merge.id, merge.parent)?);
    line.extend(commits[merge.at + 1..].iter().cloned());
    Ok((line, at))
}

/// Whether `merge` is deliberate: signed, under the settings of the line it
/// pushed aside (`aside`, judged; the merge is number `at` on it), by the office
/// or an admin, or by the one person who signed every record it pushes aside (a
/// supervisor cannot put another's record, or the office's, off the main line).
fn deliberate(odb: &git2::Odb, aside: &Judged, at: usize, merge: &Merge) -> bool {
    aside.regimes[at]
        .as_deref()
        .and_then(|regime| keeper_or_supervisor(odb, regime, merge.id))
        .is_some_and(|person| {
            person.keeps_settings() || merge.signers.iter().all(|name| *name == person.name)
        })
}

/// Resolves the branch whose history records approvals: `rev` when given, else
/// `main`, `master`, their `origin/` counterparts, else HEAD.
pub fn tip(repo: &git2::Repository, rev: Option<&str>) -> Result<Option<Oid>, git2::Error> {
    if let Some(rev) = rev {
        return repo.revparse_single(rev)?.peel_to_commit().map(|c| Some(c.id()));
    }
    for name in ["refs/heads/main", "refs/heads/master", "refs/remotes/origin/main"]
        .into_iter()
        .chain(["refs/remotes/origin/master", "HEAD"])
    {
        if let Ok(commit) = repo.revparse_single(name).and_then(|o| o.peel_to_commit()) {
            return Ok(Some(commit.id()));
        }
    }
    Ok(None)
}

/// Reads the facts of every commit on the first-parent chain ending at `tip`,
/// oldest first. Facts of commits read before come from the cache.
pub fn read(repo: &Repo, run: &Run, tip: Oid) -> Result<Vec<Arc<CommitFacts>>, git2::Error> {
    let commits = run.commits().read(repo, tip, Walk::FirstParent)?;
    // A parent dated in the future does not push its children's time ahead: no
    // commit is judged later than now (one dated in the future is itself time-order).
    let now = run.now().timestamp();
    Ok(commits.into_iter().map(|facts| capped(facts, now)).collect())
}

/// The facts of commit `oid` with its changes taken relative to its parent
/// number `base`: a merge that pushed a signed line aside is read as if that
/// line were its first parent (SPEC §6.3). Not cached.
pub fn read_against(
    repo: &git2::Repository,
    run: &Run,
    oid: Oid,
    base: usize,
) -> Result<Arc<CommitFacts>, git2::Error> {
    let facts = Arc::new(run.commits().read_against(repo, oid, base)?);
    Ok(capped(facts, run.now().timestamp()))
}

/// `facts` with the parents' time capped at `now` (copied only when it is later).
fn capped(mut facts: Arc<CommitFacts>, now: i64) -> Arc<CommitFacts> {
    if facts.parents_time.is_some_and(|p| p > now) {
        Arc::make_mut(&mut facts).parents_time = Some(now);
    }
    facts
}

/// The person with the role of a supervisor, the office or an admin whose valid
/// signature (under `regime`) commit `oid` carries.
fn keeper_or_supervisor<'r>(odb: &git2::Odb, regime: &'r Regime, oid: Oid) -> Option<&'r Person> {
    let object = odb.read(oid).ok()?;
    let time = commit_time(object.data())?;
    let Verdict::Signed(signer) = verify::verdict(&regime.ring, object.data(), time) else {
        return None;
    };
    let person = regime.settings.people.get(signer.person)?;
    let roles = [Role::Supervisor, Role::Office, Role::Admin];
    person.roles.iter().any(|r| roles.contains(r)).then_some(person)
}

/// The committer time of a raw commit object.
fn commit_time(raw: &[u8]) -> Option<i64> {
    let text = String::from_utf8_lossy(raw);
    let line = text.lines().take_while(|l| !l.is_empty()).find(|l| l.starts_with("committer "))?;
    let mut fields = line.rsplitn(3, ' ');
    let _zone = fields.next()?;
    fields.next()?.parse().ok()
}

/// Whether a commit of `commits` signed by the office or an admin (valid under
/// the settings before it) names `old` in `History-rewritten-from:`.
fn acknowledged(odb: &git2::Odb, commits: &[Arc<CommitFacts>], judged: &Judged, old: Oid) -> bool {
    let old = old.to_string();
    commits.iter().enumerate().any(|(i, commit)| {
        commit.rewritten_from.iter().any(|r| r.len() >= 7 && old.starts_with(r.as_str()))
            && judged.regimes[i]
                .as_deref()
                .and_then(|regime| keeper_or_supervisor(odb, regime, commit.id))
                .is_some_and(Person::keeps_settings)
    })
}

fn rewritten(at: Oid, commits: &[Arc<CommitFacts>], old: Oid, acknowledged: bool) -> Problem {
    let commit = commits.iter().find(|c| c.id == at);
    let (id, old) = (short(at), short(old));
    let message = match acknowledged {
        false => Text::new(
            format!(
                "主分支的第一父提交链不经过服务器记录的上一个位置 {old}：历史被改写（若只是本地的 main 落后于服务器，请先 git pull）；按记录的主线判定，办公室或管理员签名确认（History-rewritten-from: {old}）之前不发布"
            ),
            format!(
                "main's first-parent chain does not pass through {old}, the last tip the server recorded: the history was rewritten (if your local main is only behind the server's, git pull first); verdicts follow the recorded line, and nothing is published until an office or admin signature acknowledges it (History-rewritten-from: {old})"
            ),
        ),
        true => Text::new(
            format!("主分支在 {id} 之前被改写（不经过记录的 {old}），已由办公室或管理员签名确认"),
            format!(
                "main was rewritten before {id} (it skips the recorded {old}); an office or admin signature acknowledged it"
            ),
        ),
    };
    let problem = match commit {
        Some(commit) => Problem::of(Rule::HistoryRewritten, commit, message),
        None => Problem {
            rule: Rule::HistoryRewritten,
            commit: at,
            at: 0,
            message,
            file: None,
            acknowledged: false,
        },
    };
    Problem { acknowledged, ..problem }
}

fn pushed_aside(commit: &CommitFacts, record: Oid) -> Problem {
    let (id, record) = (short(commit.id), short(record));
    Problem::of(
        Rule::HistoryRewritten,
        commit,
        Text::new(
            format!(
                "提交 {id} 把已签名的记录（如 {record}）从主线推到了非第一父提交之后，且没有分管负责人、办公室或管理员的有效签名：历史被改写，按被推开的那条线判定（办公室或管理员核实后，可在自己签名的提交中写 History-rewritten-from: {id} 确认，此后只作提示）"
            ),
            format!(
                "commit {id} pushes signed records (such as {record}) off the main line to a parent other than its first, without a valid signature of a supervisor, the office or an admin: the history was rewritten, and verdicts follow the line it pushed aside (once checked, the office or an admin may acknowledge it with History-rewritten-from: {id} in a commit they sign; it then stays as a warning)"
            ),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committer_time_is_read_from_the_header() {
        let raw = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1700000000 +0800\ncommitter C <c@x> 1700000123 +0800\n\nmessage\ncommitter fake 1 +0000\n";
        assert_eq!(commit_time(raw), Some(1_700_000_123));
        assert_eq!(commit_time(b"tree x\n\ncommitter C <c@x> 5 +0000\n"), None);
    }
}

//! The first-parent chain of the main branch, as the approvals read it: the
//! facts of each commit come from the run's [`crate::commits::Commits`], the same
//! facts the first commits of reports are taken from.
//!
//! Nothing here depends on the settings; signatures are verified on every run,
//! by the settings in force ([`super::settings`]).

pub use crate::commits::{
    APPROVED, CommitFacts, FileChange, PUBLISHED, RECORDS, REWRITTEN_FROM, ReportChange, text_of,
    trailer_ids, unit_of,
};
use crate::cache::Walk;
use crate::run::Run;
use git2::{Oid, Repository};

/// Resolves the branch whose history records approvals: `rev` when given, else
/// `main`, `master`, their `origin/` counterparts, else HEAD.
pub fn tip(repo: &Repository, rev: Option<&str>) -> Result<Option<Oid>, git2::Error> {
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
pub fn read(repo: &Repository, run: &Run, tip: Oid) -> Result<Vec<CommitFacts>, git2::Error> {
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
    repo: &Repository,
    run: &Run,
    oid: Oid,
    base: usize,
) -> Result<CommitFacts, git2::Error> {
    Ok(capped(run.commits().read_against(repo, oid, base)?, run.now().timestamp()))
}

/// `facts` with the parents' time capped at `now`.
fn capped(mut facts: CommitFacts, now: i64) -> CommitFacts {
    facts.parents_time = facts.parents_time.map(|p| p.min(now));
    facts
}

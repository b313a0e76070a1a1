//! The first-parent chain of the main branch, as the approvals read it: the
//! facts of each commit come from the run's [`crate::commits::Commits`], the same
//! facts the first commits of reports are taken from.
//!
//! Nothing here depends on the settings; signatures are verified on every run,
//! by the settings in force ([`super::settings`]).

use crate::cache::Walk;
pub use crate::commits::{
    APPROVED, CommitFacts, FileChange, PUBLISHED, RECORDS, REWRITTEN_FROM, ReportChange, text_of,
    trailer_ids, unit_of,
};
use crate::repo::Repo;
use crate::run::Run;
use git2::{Oid, Repository};
use std::sync::Arc;

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
    repo: &Repository,
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

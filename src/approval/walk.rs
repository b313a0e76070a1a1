//! The facts of each commit on the first-parent chain of the main branch: which
//! reports it changes (relative to its first parent), which it names in
//! `Published:` trailers, and whose signature it carries. Commits are read on all
//! cores; signatures are verified only on commits that touch reports.

use super::keys::KeyRing;
use super::verify::{self, Failure, Signer};
use crate::cache;
use crate::history::{self, Change};
use crate::load;
use crate::report::front_matter;
use crate::source;
use crate::yaml;
use git2::{Oid, Repository};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The trailer the office's publishing commit carries, once per report.
pub const PUBLISHED: &str = "Published";
/// The trailer `xinbao approve` writes, once per report approved (informative).
pub const APPROVED: &str = "Approved";

/// What a commit's signature says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// No signature.
    Unsigned,
    /// Verified with a known key valid at the commit's time.
    Signed(Signer),
    /// Signed, but not by a usable key.
    Failed(Failure),
}

/// One report file a commit changes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReportChange {
    /// The report id (file stem).
    pub id: String,
    /// The path relative to the reports repository root.
    pub file: String,
    /// The new blob, `None` when the file is deleted.
    #[serde(with = "crate::cache::oid::option")]
    pub blob: Option<Oid>,
    /// The `unit` of the new text, when it has one.
    pub unit: Option<String>,
}

/// What one first-parent commit does to the reports.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CommitFacts {
    /// The commit id.
    #[serde(with = "crate::cache::oid")]
    pub id: Oid,
    /// Committer time, seconds since the epoch: keys are checked at this time.
    pub time: i64,
    /// The author; for a merge, the author of the merged branch's tip.
    pub author: String,
    /// The first line of the message.
    pub summary: String,
    /// Reports changed relative to the first parent.
    pub changes: Vec<ReportChange>,
    /// Report ids named in `Published:` trailers.
    pub published: Vec<String>,
    /// The signature's verdict (only read when the commit touches reports).
    pub verdict: Verdict,
}

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

/// Reads the facts of every commit on the first-parent chain ending at `tip`, oldest
/// first. Facts of commits read before with the same `settings` (the bytes of
/// `xinbao.yaml`, which hold the keys) come from the cache.
pub fn read(
    repo: &Repository,
    root: &Path,
    tip: Oid,
    ring: &KeyRing,
    settings: &[u8],
) -> Result<Vec<CommitFacts>, git2::Error> {
    let tracked = history::in_repository(repo, root, load::REPORTS);
    let prefix_len = tracked.len() - load::REPORTS.len();
    let key = cache::key(&[b"approvals", tracked.as_bytes(), settings]);
    let mut cached = cache::load::<CommitFacts>(repo, "approvals", &key);
    let (commits, walked) = cached.commits(repo, tip, cache::Walk::FirstParent)?;
    let missing = cached.missing(&commits);
    let known = &mut cached.commits;
    let chunk = missing.len().div_ceil(rayon::current_num_threads().max(1) * 4).max(1);
    let path = repo.path().to_path_buf();
    let chunks = missing
        .par_chunks(chunk)
        .map(|commits| {
            let repo = Repository::open(&path)?;
            let odb = repo.odb()?;
            commits
                .iter()
                .map(|oid| read_commit(&repo, &odb, *oid, &tracked, prefix_len, ring))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, git2::Error>>()?;
    known.extend(chunks.into_iter().flatten().map(|facts| (facts.id.to_string(), facts)));
    let facts: Vec<CommitFacts> =
        commits.iter().filter_map(|oid| known.get(&oid.to_string()).cloned()).collect();
    if walked || !missing.is_empty() {
        cache::store(repo, "approvals", cached, tip, &commits);
    }
    Ok(facts)
}

fn read_commit(
    repo: &Repository,
    odb: &git2::Odb,
    oid: Oid,
    tracked: &str,
    prefix_len: usize,
    ring: &KeyRing,
) -> Result<CommitFacts, git2::Error> {
    let commit = repo.find_commit(oid)?;
    let subtree = |commit: &git2::Commit| -> Result<Option<Oid>, git2::Error> {
        Ok(commit.tree()?.get_path(Path::new(tracked)).ok().map(|entry| entry.id()))
    };
    let new = subtree(&commit)?;
    let old = match commit.parent(0) {
        Ok(parent) => subtree(&parent)?,
        Err(_) => None,
    };
    let mut changes = Vec::new();
    if new != old {
        let mut raw = Vec::new();
        history::diff_trees(odb, old, new, tracked, &mut raw)?;
        changes = report_changes(odb, raw, prefix_len);
    }
    let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
    let published = trailer_ids(&message, PUBLISHED);
    let verdict = if changes.is_empty() && published.is_empty() {
        Verdict::Unsigned
    } else {
        match repo.extract_signature(&oid, None) {
            Ok((signature, data)) => {
                match verify::verify(ring, &signature, &data, commit.committer().when().seconds()) {
                    Ok(signer) => Verdict::Signed(signer),
                    Err(failure) => Verdict::Failed(failure),
                }
            }
            Err(_) => Verdict::Unsigned,
        }
    };
    let author = match commit.parent(1) {
        Ok(merged) => merged.author().name().unwrap_or_default().to_string(),
        Err(_) => commit.author().name().unwrap_or_default().to_string(),
    };
    Ok(CommitFacts {
        id: oid,
        time: commit.committer().when().seconds(),
        author,
        summary: message.lines().next().unwrap_or_default().to_string(),
        changes,
        published,
        verdict,
    })
}

/// The report files among `raw` changes: Markdown files under `reports/`.
fn report_changes(odb: &git2::Odb, raw: Vec<Change>, prefix_len: usize) -> Vec<ReportChange> {
    raw.into_iter()
        .filter(|c| c.path.ends_with(".md"))
        .map(|c| {
            let file = c.path[prefix_len..].to_string();
            let unit = c.new.and_then(|blob| unit_of(odb, blob));
            ReportChange { id: load::stem(&file), file, blob: c.new, unit }
        })
        .collect()
}

/// The `unit` field of the report stored in `blob`.
pub fn unit_of(odb: &git2::Odb, blob: Oid) -> Option<String> {
    let object = odb.read(blob).ok()?;
    if object.len() as u64 > load::MAX_FILE_BYTES {
        return None;
    }
    let text = source::decode(object.data().to_vec()).ok()?;
    let split = front_matter::split(&text).ok()?;
    let node = yaml::parse(split.yaml, split.yaml_line).ok()?;
    node.get("unit")?.as_str().map(str::to_string)
}

/// The values of trailer `key` in `message` (a value may list several ids,
/// separated by commas or spaces).
pub fn trailer_ids(message: &str, key: &str) -> Vec<String> {
    let Ok(trailers) = git2::message_trailers_strs(message) else { return Vec::new() };
    trailers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(key))
        .flat_map(|(_, v)| {
            v.split([',', ' ', '，'])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_name_one_or_several_ids() {
        let message = "发布：两条\n\n正文。\n\nPublished: 2026-03-02-a\npublished: 2026-03-03-b, 2026-03-04-c\nSigned-off-by: 钱七 <q@example.org>\n";
        assert_eq!(
            trailer_ids(message, PUBLISHED),
            ["2026-03-02-a", "2026-03-03-b", "2026-03-04-c"]
        );
        // A line in the body is not a trailer.
        assert!(trailer_ids("Published: x\n\n正文", PUBLISHED).is_empty());
        assert!(trailer_ids("", PUBLISHED).is_empty());
    }
}

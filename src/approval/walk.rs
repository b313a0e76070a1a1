//! The facts of each commit on the first-parent chain of the main branch: which
//! reports and other files under `reports/` it changes (relative to its first
//! parent), which reports it names in `Published:` trailers, which settings its
//! tree holds, and its times. Commits are read on all cores.
//!
//! Nothing here depends on the settings, so the facts of a commit never change
//! and are kept in the (authenticated) history cache; signatures are verified on
//! every run, by the settings in force ([`super::settings`]).

use crate::cache;
use crate::history::{self, Change};
use crate::load;
use crate::report::{self, front_matter};
use crate::source;
use crate::yaml;
use git2::{Oid, Repository};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The trailer the office's publishing commit carries, once per report.
pub const PUBLISHED: &str = "Published";
/// The trailer `xinbao approve` writes, once per report approved (informative).
pub const APPROVED: &str = "Approved";

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
    /// The pictures the new text references (paths relative to the root).
    pub pictures: Vec<String>,
}

/// Another file under `reports/` that a commit changes: a picture, perhaps.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileChange {
    /// The path relative to the reports repository root.
    pub path: String,
    /// The new blob, `None` when the file is deleted.
    #[serde(with = "crate::cache::oid::option")]
    pub blob: Option<Oid>,
}

/// What one first-parent commit does.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CommitFacts {
    /// The commit id.
    #[serde(with = "crate::cache::oid")]
    pub id: Oid,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// Author time.
    pub author_time: i64,
    /// The latest committer time of its parents: time may not run backwards.
    pub parents_time: Option<i64>,
    /// The author; for a merge, the author of the merged branch's tip.
    pub author: String,
    /// The first line of the message.
    pub summary: String,
    /// Reports changed relative to the first parent.
    pub changes: Vec<ReportChange>,
    /// Other files under `reports/` changed relative to the first parent.
    pub files: Vec<FileChange>,
    /// The `xinbao.yaml` blob of this commit's tree.
    #[serde(with = "crate::cache::oid::option")]
    pub settings: Option<Oid>,
    /// Report ids named in `Published:` trailers.
    pub published: Vec<String>,
    /// Report ids named in `Approved:` trailers.
    pub approved: Vec<String>,
    /// Whether the commit carries a signature header.
    pub signed: bool,
}

impl CommitFacts {
    /// The time the commit is judged at: its committer time, or a parent's when
    /// it claims to be older than its parents.
    pub fn effective_time(&self) -> i64 {
        self.parents_time.map_or(self.time, |p| p.max(self.time))
    }
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

/// Reads the facts of every commit on the first-parent chain ending at `tip`,
/// oldest first. Facts of commits read before come from the cache.
pub fn read(repo: &Repository, root: &Path, tip: Oid) -> Result<Vec<CommitFacts>, git2::Error> {
    let tracked = history::in_repository(repo, root, load::REPORTS);
    let settings_path = history::in_repository(repo, root, crate::config::FILE);
    let prefix_len = tracked.len() - load::REPORTS.len();
    let key = cache::key(&[b"approvals", tracked.as_bytes(), settings_path.as_bytes()]);
    let paths = Paths { tracked: &tracked, settings: &settings_path, prefix_len };
    let read = |repo: &Repository, _: &mut (), oid: Oid| read_commit(repo, oid, &paths);
    let commits =
        cache::read_commits(repo, "approvals", &key, tip, cache::Walk::FirstParent, read)?;
    // A parent dated in the future does not push its children's time ahead: no
    // commit is judged later than now (one dated in the future is itself time-order).
    let now = crate::time::now().timestamp();
    Ok(commits
        .into_iter()
        .map(|(_, mut facts)| {
            facts.parents_time = facts.parents_time.map(|p| p.min(now));
            facts
        })
        .collect())
}

/// Where the reports and the settings are in the git repository.
struct Paths<'a> {
    tracked: &'a str,
    settings: &'a str,
    /// Length of the reports repository's folder prefix in git paths.
    prefix_len: usize,
}

fn read_commit(repo: &Repository, oid: Oid, paths: &Paths) -> Result<CommitFacts, git2::Error> {
    let odb = &repo.odb()?;
    let commit = repo.find_commit(oid)?;
    let tree = commit.tree()?;
    let subtree = |tree: &git2::Tree| tree.get_path(Path::new(paths.tracked)).ok().map(|e| e.id());
    let new = subtree(&tree);
    let parents: Vec<git2::Commit> = commit.parents().collect();
    let old = match parents.first() {
        Some(parent) => subtree(&parent.tree()?),
        None => None,
    };
    let mut changes = Vec::new();
    let mut files = Vec::new();
    if new != old {
        let mut raw = Vec::new();
        history::diff_trees(odb, old, new, paths.tracked, &mut raw)?;
        (changes, files) = split_changes(odb, raw, paths.prefix_len);
    }
    let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
    let author = match parents.get(1) {
        Some(merged) => merged.author().name().unwrap_or_default().to_string(),
        None => commit.author().name().unwrap_or_default().to_string(),
    };
    Ok(CommitFacts {
        id: oid,
        time: commit.committer().when().seconds(),
        author_time: commit.author().when().seconds(),
        parents_time: parents.iter().map(|p| p.committer().when().seconds()).max(),
        author,
        summary: message.lines().next().unwrap_or_default().to_string(),
        changes,
        files,
        settings: tree.get_path(Path::new(paths.settings)).ok().map(|e| e.id()),
        published: trailer_ids(&message, PUBLISHED),
        approved: trailer_ids(&message, APPROVED),
        signed: commit.header_field_bytes("gpgsig").is_ok(),
    })
}

/// The report files among `raw` changes (Markdown files under `reports/`), and the rest.
fn split_changes(
    odb: &git2::Odb,
    raw: Vec<Change>,
    prefix_len: usize,
) -> (Vec<ReportChange>, Vec<FileChange>) {
    let mut reports = Vec::new();
    let mut files = Vec::new();
    for change in raw {
        let file = change.path[prefix_len..].to_string();
        if !file.ends_with(".md") {
            files.push(FileChange { path: file, blob: change.new });
            continue;
        }
        let text = change.new.and_then(|blob| text_of(odb, blob));
        let unit = text.as_deref().and_then(unit_in);
        let pictures = text.as_deref().map(|t| report::pictures_in(&file, t)).unwrap_or_default();
        reports.push(ReportChange {
            id: load::stem(&file),
            file,
            blob: change.new,
            unit,
            pictures,
        });
    }
    (reports, files)
}

/// The normalized text of a report blob, when it is one xinbao would read.
pub fn text_of(odb: &git2::Odb, blob: Oid) -> Option<String> {
    let object = odb.read(blob).ok()?;
    if object.len() as u64 > load::MAX_FILE_BYTES {
        return None;
    }
    source::decode(object.data().to_vec()).ok()
}

/// The `unit` field of a report's text.
fn unit_in(text: &str) -> Option<String> {
    let split = front_matter::split(text).ok()?;
    let node = yaml::parse(split.yaml, split.yaml_line).ok()?;
    node.get("unit")?.as_str().map(str::to_string)
}

/// The `unit` field of the report stored in `blob`.
pub fn unit_of(odb: &git2::Odb, blob: Oid) -> Option<String> {
    unit_in(&text_of(odb, blob)?)
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

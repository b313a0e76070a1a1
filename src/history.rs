//! When each report file first appeared in git, from one walk of the history.
//!
//! Every commit reachable from HEAD is compared with its first parent (the root
//! with nothing), descending only into trees whose ids differ, so commits that
//! leave `reports/` alone cost one tree lookup. Trees are compared as raw object
//! bytes, without building an object per entry, and the commits are split among
//! the cores, each with its own handle on the repository. The earliest author
//! time at which a path was added is kept.

use crate::cache::Walk;
use git2::{Oid, Repository};
use std::collections::HashMap;
use std::path::Path;

/// Times (seconds since the epoch) from the history of the repository.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// The author time of the earliest root commit.
    pub root_time: Option<i64>,
    /// Repository-relative path → earliest author time of a commit that added it.
    pub added: HashMap<String, i64>,
    /// File stem (report id) → earliest time a file of that stem was added,
    /// under any path: a report that moves keeps its first commit (SPEC §6.1).
    pub added_by_id: HashMap<String, i64>,
    /// File stem → the commits that added a file of that stem.
    pub adding_commits: HashMap<String, Vec<Oid>>,
    /// File stem → when the server first received it: the earliest verified
    /// receipt of a commit that added it (SPEC §6.2). Absent: unconfirmed.
    pub received: HashMap<String, i64>,
    /// File stem → why a receipt of a commit that added it was ignored.
    pub bad_receipts: HashMap<String, crate::lang::Text>,
    /// Every commit read: its parents and the reports it changes, for the lines
    /// of versions (see [`crate::line`]).
    pub commits: HashMap<Oid, Commit>,
    /// The commit read from (HEAD), and the reports in it: `(path, blob)`.
    pub tip: Option<(Oid, Vec<(String, Oid)>)>,
    /// The path in the git repository of the reports repository's root (`""`,
    /// or `sub/` when it is a folder of a larger repository).
    pub prefix: String,
}

/// One commit as the lines of versions see it.
#[derive(Clone, Debug, Default)]
pub struct Commit {
    /// Its parents, the first parent first.
    pub parents: Vec<Oid>,
    /// The report files (`.md`) it changes relative to its first parent.
    pub changed: Vec<Change>,
}

/// What one commit adds under the folder read.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct Added {
    /// Author time.
    author_time: i64,
    /// The latest committer time of its parents.
    parents_time: Option<i64>,
    /// Whether it is a root commit.
    root: bool,
    /// The paths it adds relative to its first parent.
    paths: Vec<String>,
    /// Its parents (hex ids), the first parent first.
    parents: Vec<String>,
    /// The report files it changes relative to its first parent: path, old
    /// and new blob (hex ids).
    changed: Vec<(String, Option<String>, Option<String>)>,
}

impl Added {
    /// When the commit counts as made (SPEC §6.1): time does not run backwards,
    /// so a commit claiming to be older than a parent counts from that parent's
    /// time; a parent dated after `now` counts from `now`, not from its claim.
    fn time(&self, now: i64) -> i64 {
        self.parents_time.map_or(self.author_time, |p| self.author_time.max(p.min(now)))
    }
}

/// Reads when each file under `dir` (relative to `root`) was first added. What
/// each commit adds is kept in the cache, so only new commits are read.
///
/// A repository without commits gives an empty history.
pub fn read(repo: &Repository, run: &crate::run::Run, dir: &str) -> Result<History, git2::Error> {
    let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) else {
        return Ok(History::default());
    };
    let tracked = run.in_git(dir);

    // v2: the parents' time is kept as it is and capped by the clock when used;
    // v3: each commit's parents and changed reports (the lines of versions).
    let key = crate::cache::key(&[b"added-v3", tracked.as_bytes(), dir.as_bytes()]);
    let read = |repo: &Repository, subtrees: &mut HashMap<Oid, Option<Oid>>, oid: Oid| {
        read_commit(repo, oid, &tracked, dir, subtrees)
    };
    let commits = crate::cache::read_commits(repo, "added", &key, head.id(), Walk::All, read)?;
    let now = run.now().timestamp();
    let mut history = History {
        prefix: tracked[..tracked.len() - dir.len()].to_string(),
        tip: Some((head.id(), reports_at(repo, &head, &tracked, dir))),
        ..History::default()
    };
    for (oid, added) in &commits {
        history.commits.insert(*oid, added.commit());
        let time = added.time(now);
        if added.root {
            history.root_time = Some(history.root_time.map_or(time, |t| t.min(time)));
        }
        for path in &added.paths {
            let first = history.added.entry(path.clone()).or_insert(time);
            *first = (*first).min(time);
            // Only a report's own file says when it came: not a picture of the same name.
            if path.ends_with(".md") {
                history.adding_commits.entry(crate::load::stem(path)).or_default().push(*oid);
            }
        }
    }
    for (path, time) in history.added.iter().filter(|(path, _)| path.ends_with(".md")) {
        let first = history.added_by_id.entry(crate::load::stem(path)).or_insert(*time);
        *first = (*first).min(*time);
    }
    Ok(history)
}

/// The report files (`.md`) under `tracked` in `commit`, as `(path, blob)` with
/// paths starting with `dir`.
fn reports_at(
    repo: &Repository,
    commit: &git2::Commit,
    tracked: &str,
    dir: &str,
) -> Vec<(String, Oid)> {
    let (Ok(odb), Ok(tree)) = (repo.odb(), commit.tree()) else { return Vec::new() };
    let Ok(entry) = tree.get_path(Path::new(tracked)) else { return Vec::new() };
    let mut files = Vec::new();
    files_in(&odb, entry.id(), &format!("{dir}/"), &mut files);
    files.retain(|(path, _)| path.ends_with(".md"));
    files
}

impl Added {
    /// The commit as the lines of versions see it.
    fn commit(&self) -> Commit {
        let oid = |hex: &String| Oid::from_str(hex).ok();
        Commit {
            parents: self.parents.iter().filter_map(oid).collect(),
            changed: self
                .changed
                .iter()
                .map(|(path, old, new)| Change {
                    path: path.clone(),
                    old: old.as_ref().and_then(oid),
                    new: new.as_ref().and_then(oid),
                })
                .collect(),
        }
    }
}

/// The paths under `tracked` that commit `oid` adds relative to its first parent.
/// `subtrees` remembers each commit's `tracked` tree: a commit's parent is usually
/// the next commit of the walk.
fn read_commit(
    repo: &Repository,
    oid: Oid,
    tracked: &str,
    dir: &str,
    subtrees: &mut HashMap<Oid, Option<Oid>>,
) -> Result<Added, git2::Error> {
    let commit = repo.find_commit(oid)?;
    let author_time = commit.author().when().seconds();
    let parents_time = commit.parents().map(|p| p.committer().when().seconds()).max();
    let mut subtree = |commit: &git2::Commit| -> Result<Option<Oid>, git2::Error> {
        if let Some(known) = subtrees.get(&commit.id()) {
            return Ok(*known);
        }
        let found = commit.tree()?.get_path(Path::new(tracked)).ok().map(|entry| entry.id());
        subtrees.insert(commit.id(), found);
        Ok(found)
    };
    let new = subtree(&commit)?;
    let parent = commit.parent_ids().next();
    let old = match parent {
        None => None,
        Some(parent) => subtree(&repo.find_commit(parent)?)?,
    };
    let parents = commit.parent_ids().map(|p| p.to_string()).collect();
    let mut added =
        Added { author_time, parents_time, root: parent.is_none(), parents, ..Added::default() };
    if new != old {
        let odb = repo.odb()?;
        let mut changes = Vec::new();
        diff_trees(&odb, old, new, dir, &mut changes)?;
        let hex = |oid: Option<Oid>| oid.map(|o| o.to_string());
        added.changed = changes
            .iter()
            .filter(|c| c.path.ends_with(".md"))
            .map(|c| (c.path.clone(), hex(c.old), hex(c.new)))
            .collect();
        added.paths = changes
            .into_iter()
            .filter(|c| c.old.is_none() && c.new.is_some())
            .map(|c| c.path)
            .collect();
    }
    Ok(added)
}

/// One entry of a raw tree object: its kind, name and id.
struct Entry<'a> {
    is_tree: bool,
    is_file: bool,
    name: &'a [u8],
    id: &'a [u8],
}

impl Entry<'_> {
    /// Git orders tree entries as if folder names ended with `/`.
    fn cmp_key(&self, other: &Entry) -> std::cmp::Ordering {
        self.key().cmp(other.key())
    }

    fn key(&self) -> impl Iterator<Item = u8> + '_ {
        self.name.iter().copied().chain(self.is_tree.then_some(b'/'))
    }

    fn oid(&self) -> Result<Oid, git2::Error> {
        Oid::from_bytes(self.id)
    }
}

/// Parses a raw tree object (`MODE NAME\0<20 bytes>` repeated).
fn entries(data: &[u8]) -> Vec<Entry<'_>> {
    let mut list = Vec::new();
    let mut rest = data;
    while let Some(space) = rest.iter().position(|&b| b == b' ') {
        let Some(nul) = rest[space..].iter().position(|&b| b == 0).map(|i| space + i) else {
            break;
        };
        if rest.len() < nul + 21 {
            break;
        }
        let mode = &rest[..space];
        list.push(Entry {
            is_tree: mode == b"40000",
            // Regular files only: not symlinks (120000) or submodules (160000).
            is_file: mode.starts_with(b"100"),
            name: &rest[space + 1..nul],
            id: &rest[nul + 1..nul + 21],
        });
        rest = &rest[nul + 21..];
    }
    list
}

/// Every regular file of tree `tree` and its subtrees, as `(path, blob)`, each path
/// `prefix` and the names below `tree` joined by `/` (`dir/…/name` for a prefix
/// `dir/`), read from the raw objects (a notes tree of 20,000 entries in a few
/// milliseconds).
pub fn files_in(odb: &git2::Odb, tree: Oid, prefix: &str, out: &mut Vec<(String, Oid)>) {
    let Ok(object) = odb.read(tree) else { return };
    for entry in entries(object.data()) {
        let Ok(id) = entry.oid() else { continue };
        let path = format!("{prefix}{}", String::from_utf8_lossy(entry.name));
        if entry.is_tree {
            files_in(odb, id, &format!("{path}/"), out);
        } else if entry.is_file {
            out.push((path, id));
        }
    }
}

/// A regular file that differs between two trees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The path, prefixed with the `path` given to [`diff_trees`].
    pub path: String,
    /// The blob before, `None` when the file was added.
    pub old: Option<Oid>,
    /// The blob after, `None` when the file was deleted.
    pub new: Option<Oid>,
}

/// Collects the regular files that differ between trees `old` and `new` (either may
/// be absent), descending only into subtrees whose ids differ.
pub fn diff_trees(
    odb: &git2::Odb,
    old: Option<Oid>,
    new: Option<Oid>,
    path: &str,
    changes: &mut Vec<Change>,
) -> Result<(), git2::Error> {
    let old_data = old.map(|oid| odb.read(oid)).transpose()?;
    let new_data = new.map(|oid| odb.read(oid)).transpose()?;
    let old_entries = old_data.as_ref().map(|o| entries(o.data())).unwrap_or_default();
    let new_entries = new_data.as_ref().map(|o| entries(o.data())).unwrap_or_default();
    let mut old_iter = old_entries.iter().peekable();
    let mut new_iter = new_entries.iter().peekable();
    loop {
        let (before, after) = match (old_iter.peek(), new_iter.peek()) {
            (None, None) => break,
            (Some(o), Some(n)) if o.cmp_key(n).is_eq() => (old_iter.next(), new_iter.next()),
            (Some(o), Some(n)) if o.cmp_key(n).is_lt() => (old_iter.next(), None),
            (Some(_), None) => (old_iter.next(), None),
            _ => (None, new_iter.next()),
        };
        if let (Some(b), Some(a)) = (before, after)
            && b.id == a.id
        {
            continue;
        }
        let Some(name) = after.or(before).map(|e| e.name) else { break };
        let child = format!("{path}/{}", String::from_utf8_lossy(name));
        if after.or(before).is_some_and(|e| e.is_tree) {
            let old_child = before.map(Entry::oid).transpose()?;
            let new_child = after.map(Entry::oid).transpose()?;
            diff_trees(odb, old_child, new_child, &child, changes)?;
        } else {
            let old_blob = before.filter(|e| e.is_file).map(Entry::oid).transpose()?;
            let new_blob = after.filter(|e| e.is_file).map(Entry::oid).transpose()?;
            if old_blob.is_some() || new_blob.is_some() {
                changes.push(Change { path: child, old: old_blob, new: new_blob });
            }
        }
    }
    Ok(())
}

/// The files (relative to `root`, `/`-separated) that differ between `rev` and the
/// work tree, staged and untracked changes included: what a pull request touches.
pub fn changed_since(
    repo: &Repository,
    root: &Path,
    rev: &str,
) -> Result<Vec<String>, git2::Error> {
    let tree = repo.revparse_single(rev)?.peel_to_tree()?;
    let mut options = git2::DiffOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true);
    let diff = repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))?;
    let workdir = repo.workdir().and_then(|w| w.canonicalize().ok()).unwrap_or_default();
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut files = Vec::new();
    for delta in diff.deltas() {
        for file in [delta.new_file(), delta.old_file()] {
            let Some(path) = file.path() else { continue };
            if let Ok(relative) = workdir.join(path).strip_prefix(&root) {
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::Added;

    /// The cache keeps the parents' time as it is; the clock caps it when used,
    /// so a fact cached yesterday judges as one read today.
    #[test]
    fn a_commit_counts_from_its_parent_but_never_after_now() {
        let added = |parents_time| Added { author_time: 100, parents_time, ..Added::default() };
        assert_eq!(added(None).time(1_000), 100);
        assert_eq!(added(Some(50)).time(1_000), 100);
        assert_eq!(added(Some(500)).time(1_000), 500);
        assert_eq!(added(Some(5_000)).time(1_000), 1_000);
        assert_eq!(added(Some(5_000)).time(2_000), 2_000);
    }
}

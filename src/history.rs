//! When each report file first appeared in git, from one walk of the history.
//!
//! Every commit reachable from HEAD is compared with its first parent (the root
//! with nothing), descending only into trees whose ids differ, so commits that
//! leave `reports/` alone cost one tree lookup. The earliest author time at which
//! a path was added is kept.

use git2::{ObjectType, Oid, Repository, Sort, Tree};
use std::collections::HashMap;
use std::path::Path;

/// Times (seconds since the epoch) from the history of the repository.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// The author time of the earliest root commit.
    pub root_time: Option<i64>,
    /// Repository-relative path → earliest author time of a commit that added it.
    pub added: HashMap<String, i64>,
}

/// Opens the git repository that contains `root`, if any.
pub fn open(root: &Path) -> Option<Repository> {
    Repository::discover(root).ok().filter(|repo| repo.workdir().is_some())
}

/// Reads when each file under `dir` (relative to `root`) was first added.
///
/// A repository without commits gives an empty history.
pub fn read(repo: &Repository, root: &Path, dir: &str) -> Result<History, git2::Error> {
    let mut history = History::default();
    let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) else { return Ok(history) };
    let workdir = repo.workdir().and_then(|w| w.canonicalize().ok()).unwrap_or_default();
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // The reports repository may be a folder inside a larger git repository.
    let prefix = root.strip_prefix(&workdir).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    let tracked = if prefix.is_empty() { dir.to_string() } else { format!("{prefix}/{dir}") };

    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    walk.push(head.id())?;
    for oid in walk {
        let commit = repo.find_commit(oid?)?;
        let time = commit.author().when().seconds();
        let subtree = |tree: &Tree| -> Option<Oid> {
            let entry = tree.get_path(Path::new(&tracked)).ok()?;
            (entry.kind() == Some(ObjectType::Tree)).then(|| entry.id())
        };
        let new = subtree(&commit.tree()?);
        let old = match commit.parent_count() {
            0 => {
                history.root_time = Some(history.root_time.map_or(time, |t| t.min(time)));
                None
            }
            _ => subtree(&commit.parent(0)?.tree()?),
        };
        if let Some(new) = new
            && Some(new) != old
        {
            let mut added = Vec::new();
            diff_trees(repo, old, new, dir, &mut added)?;
            for path in added {
                let first = history.added.entry(path).or_insert(time);
                *first = (*first).min(time);
            }
        }
    }
    Ok(history)
}

/// Collects the blob paths (prefixed with `path`) in tree `new` that are not in tree `old`.
fn diff_trees(repo: &Repository, old: Option<Oid>, new: Oid, path: &str, added: &mut Vec<String>) -> Result<(), git2::Error> {
    let new_tree = repo.find_tree(new)?;
    let old_tree = old.map(|oid| repo.find_tree(oid)).transpose()?;
    for entry in new_tree.iter() {
        let Ok(name) = entry.name() else { continue };
        let child = format!("{path}/{name}");
        let before = old_tree.as_ref().and_then(|t| t.get_name(name)).map(|e| (e.id(), e.kind()));
        if before.map(|(id, _)| id) == Some(entry.id()) {
            continue;
        }
        match entry.kind() {
            Some(ObjectType::Tree) => {
                let old_child = before.filter(|(_, kind)| *kind == Some(ObjectType::Tree)).map(|(id, _)| id);
                diff_trees(repo, old_child, entry.id(), &child, added)?;
            }
            Some(ObjectType::Blob) if before.is_none() => added.push(child),
            _ => {}
        }
    }
    Ok(())
}

/// The files (relative to `root`, `/`-separated) that differ between `rev` and the
/// work tree, staged and untracked changes included: what a pull request touches.
pub fn changed_since(repo: &Repository, root: &Path, rev: &str) -> Result<Vec<String>, git2::Error> {
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

//! A report's own line of versions (SPEC §6.3, "Receipts bind content, not
//! names"): from its version at the tip, back through the parent in which the
//! file (same id) existed, to the commit that created it. A commit the line does
//! not pass through does not count: a placeholder grafted in with
//! `merge -s ours` is on another line.
//!
//! Along the tip's first-parent chain a version is carried unchanged until the
//! next commit that changes the file, so a stretch of the chain is found by one
//! binary search; off the chain (a writer's branch) the line is followed commit
//! by commit.

use crate::history::History;
use git2::{Oid, Repository};
use std::collections::HashMap;
use std::path::Path;

/// Commits of a line that all carry the same version of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stretch {
    /// The tip's first-parent chain from index `.0` to `.1` (0 is the tip; both included).
    Chain(usize, usize),
    /// One commit off that chain.
    Commit(Oid),
}

/// A version of the file and the commits of the line that carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The commits.
    pub commits: Stretch,
    /// The file's blob in them.
    pub blob: Oid,
}

/// The tip's first-parent chain, indexed for the lines of every report.
pub struct Lines<'a> {
    history: &'a History,
    /// The chain, the tip first.
    pub chain: Vec<Oid>,
    /// Commit → its index in `chain`.
    on_chain: HashMap<Oid, usize>,
    /// Path → the indices of the chain's commits that change it, ascending.
    changes: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Lines<'a> {
    /// Indexes the first-parent chain of `history`'s tip.
    pub fn new(history: &'a History) -> Lines<'a> {
        let mut chain = Vec::new();
        let mut next = history.tip.as_ref().map(|(tip, _)| *tip);
        while let Some(commit) = next {
            if chain.len() > history.commits.len() {
                break;
            }
            chain.push(commit);
            next = history.commits.get(&commit).and_then(|c| c.parents.first().copied());
        }
        let on_chain = chain.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let mut changes: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, commit) in chain.iter().enumerate() {
            for change in history.commits.get(commit).map_or(&[][..], |c| &c.changes) {
                changes.entry(change.file.as_str()).or_default().push(i);
            }
        }
        Lines { history, chain, on_chain, changes }
    }

    /// The line of the file at `path` with `blob` in the tip, the tip's version first.
    pub fn line(&self, git: &Repository, path: &str, blob: Oid) -> Vec<Segment> {
        let mut segments = Vec::new();
        let Some(&tip) = self.chain.first() else { return segments };
        let (mut commit, mut path, mut blob) = (tip, path.to_string(), blob);
        // Each step goes to a parent: never more steps than commits.
        for _ in 0..=self.history.commits.len() {
            let (stretch, last) = match self.on_chain.get(&commit) {
                Some(&i) => {
                    let end = self.next_change(&path, i);
                    (Stretch::Chain(i, end), self.chain[end])
                }
                None => (Stretch::Commit(commit), commit),
            };
            segments.push(Segment { commits: stretch, blob });
            match self.back(git, last, &path, blob) {
                Some((parent, older_path, older)) => {
                    (commit, path, blob) = (parent, older_path, older)
                }
                None => break,
            }
        }
        segments
    }

    /// The first index from `i` on of a chain commit that changes `path`
    /// (the chain's root when none does).
    fn next_change(&self, path: &str, i: usize) -> usize {
        let last = self.chain.len() - 1;
        let Some(indices) = self.changes.get(path) else { return last };
        let at = indices.partition_point(|&k| k < i);
        indices.get(at).copied().unwrap_or(last)
    }

    /// Where the line goes from `commit`, which holds the file at `path` with
    /// `blob`: the parent the version came from unchanged, else the first parent
    /// holding it (same path, else moved: same id), with its path and blob there.
    /// `None`: `commit` created the file.
    fn back(
        &self,
        git: &Repository,
        commit: Oid,
        path: &str,
        blob: Oid,
    ) -> Option<(Oid, String, Oid)> {
        let facts = self.history.commits.get(&commit)?;
        let (first, others) = facts.parents.split_first()?;
        let change = facts.changes.iter().find(|c| c.file == path);
        let in_first = change.map_or(Some(blob), |c| c.old);
        let same = |p: &Oid| self.blob_at(git, *p, path).filter(|b| *b == blob);
        if in_first == Some(blob) {
            return Some((*first, path.to_string(), blob));
        }
        if let Some(parent) = others.iter().find(|p| same(p).is_some()) {
            return Some((*parent, path.to_string(), blob));
        }
        if let Some(old) = in_first {
            return Some((*first, path.to_string(), old));
        }
        for parent in others {
            if let Some(old) = self.blob_at(git, *parent, path) {
                return Some((*parent, path.to_string(), old));
            }
        }
        // Moved: the same id at another path, in the first parent, then in the others.
        let id = crate::load::stem(path);
        let moved = facts
            .changes
            .iter()
            .find(|c| c.blob.is_none() && crate::load::stem(&c.file) == id)
            .and_then(|c| Some((*first, c.file.clone(), c.old?)));
        moved.or_else(|| {
            others.iter().find_map(|p| {
                let (path, blob) = self.find_id(git, *p, &id)?;
                Some((*p, path, blob))
            })
        })
    }

    /// The blob of the file at `path` (relative to the reports repository) in `commit`.
    fn blob_at(&self, git: &Repository, commit: Oid, path: &str) -> Option<Oid> {
        let tree = git.find_commit(commit).ok()?.tree().ok()?;
        let entry = tree.get_path(Path::new(&format!("{}{path}", self.history.prefix))).ok()?;
        (entry.kind() == Some(git2::ObjectType::Blob)).then(|| entry.id())
    }

    /// A report file of id `id` in `commit`: its path and blob.
    fn find_id(&self, git: &Repository, commit: Oid, id: &str) -> Option<(String, Oid)> {
        let odb = git.odb().ok()?;
        let tree = git.find_commit(commit).ok()?.tree().ok()?;
        let dir = crate::load::REPORTS;
        let entry = tree.get_path(Path::new(&format!("{}{dir}", self.history.prefix))).ok()?;
        let mut files = Vec::new();
        crate::tree::files_in(&odb, entry.id(), &format!("{dir}/"), &mut files);
        files.into_iter().find(|(path, _)| path.ends_with(".md") && crate::load::stem(path) == id)
    }
}

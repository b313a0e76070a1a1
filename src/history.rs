//! When each report file first appeared in git, from the facts of every commit
//! reachable from HEAD (each compared with its first parent: see
//! [`crate::commits`], which the approvals read too). The earliest author time at
//! which a path was added is kept, with the commits that added each report and
//! every commit's parents and report changes for the lines of versions.

use crate::cache::Walk;
use crate::commits::CommitFacts;
use crate::tree::files_in;
use git2::{Oid, Repository};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

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
    pub commits: HashMap<Oid, Arc<CommitFacts>>,
    /// The commit read from (HEAD), and the reports in it: `(path, blob)`.
    pub tip: Option<(Oid, Vec<(String, Oid)>)>,
    /// The path in the git repository of the reports repository's root (`""`,
    /// or `sub/` when it is a folder of a larger repository).
    pub prefix: String,
    /// The clocks under which this history reads the same, from the one it
    /// was read at ([`CommitFacts::steady_until`]).
    pub steady: (i64, i64),
}

impl History {
    /// When the file `file` (relative to the reports repository) was first
    /// committed; none for a file never committed.
    pub fn first_added(&self, file: &str) -> Option<i64> {
        self.added.get(&format!("{}{file}", self.prefix)).copied()
    }
}

/// Reads when each report file and picture was first added, from the facts of
/// every commit of `head` (`commits`, which the approvals read too), the reports
/// being under `tracked` in git; a parent dated after `now` counts from `now`.
pub fn read(
    repo: &crate::repo::Repo,
    head: &git2::Commit,
    commits: &crate::commits::Commits,
    tracked: &str,
    now: i64,
) -> Result<History, git2::Error> {
    let dir = crate::load::REPORTS;
    let commits = commits.read(repo, head.id(), Walk::All)?;
    let mut history = History {
        prefix: tracked[..tracked.len() - dir.len()].to_string(),
        tip: Some((head.id(), reports_at(repo, head, tracked, dir))),
        steady: (now, i64::MAX),
        ..History::default()
    };
    for facts in &commits {
        history.commits.insert(facts.id, facts.clone());
        history.steady.1 = history.steady.1.min(facts.steady_until(now));
        let time = facts.authored_at(now);
        if facts.parents.is_empty() {
            history.root_time = Some(history.root_time.map_or(time, |t| t.min(time)));
        }
        for path in facts.added() {
            let first = history.added.entry(path.to_string()).or_insert(time);
            *first = (*first).min(time);
            // Only a report's own file says when it came: not a picture of the same name.
            if path.ends_with(".md") {
                history.adding_commits.entry(crate::load::stem(path)).or_default().push(facts.id);
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
/// paths starting with `dir`. They are kept in `.git/xinbao/tip.bin` under the
/// id of `tracked`'s tree, which editing the work tree does not change: the
/// next run reads them there instead of a hundred tree objects.
fn reports_at(
    repo: &Repository,
    commit: &git2::Commit,
    tracked: &str,
    dir: &str,
) -> Vec<(String, Oid)> {
    let (Ok(odb), Ok(tree)) = (repo.odb(), commit.tree()) else { return Vec::new() };
    let Ok(entry) = tree.get_path(Path::new(tracked)) else { return Vec::new() };
    let key = [TIP_FORMAT, entry.id().as_bytes(), dir.as_bytes(), b"\n"].concat();
    let kept = crate::cache::read_sealed(repo.path(), TIP_FILE)
        .and_then(|bytes| Some(postcard::from_bytes::<Tip>(bytes.strip_prefix(key.as_slice())?)))
        .and_then(Result::ok);
    if let Some(Tip(files)) = kept {
        return files.into_iter().filter_map(|(path, blob)| Some((path, oid(blob)?))).collect();
    }
    let mut files = Vec::new();
    files_in(&odb, entry.id(), &format!("{dir}/"), &mut files);
    files.retain(|(path, _)| path.ends_with(".md"));
    let blob = |id: &Oid| id.as_bytes().try_into().ok();
    let tip = Tip(files.iter().filter_map(|(path, id)| Some((path.clone(), blob(id)?))).collect());
    if let (true, Ok(bytes)) = (tip.0.len() == files.len(), postcard::to_allocvec(&tip)) {
        crate::cache::write_sealed(repo.path(), TIP_FILE, &[&key, &bytes]);
    }
    files
}

/// The file of `.git/xinbao/` the report files of HEAD's tree are kept in.
const TIP_FILE: &str = "tip.bin";

/// Its first bytes: the layout. Another layout is no file.
const TIP_FORMAT: &[u8] = b"xinbao tip 2\n";

/// The report files of one tree: `(path, blob id)`.
#[derive(serde::Serialize, serde::Deserialize)]
struct Tip(Vec<(String, [u8; 20])>);

/// The blob id `bytes`.
fn oid(bytes: [u8; 20]) -> Option<Oid> {
    Oid::from_bytes(&bytes).ok()
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

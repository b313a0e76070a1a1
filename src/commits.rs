//! What each commit does, read once per run whoever asks: the first commit of
//! each report and the lines of its versions ([`crate::history`]) walk every
//! commit of HEAD, the approvals ([`crate::approval`]) the first-parent chain of
//! the main branch; both take the same facts from one [`Commits`].
//!
//! A commit's facts are what it changes under `reports/` relative to its first
//! parent (with the unit, pictures and adoptions of each changed report), the
//! office records and settings it holds, its trailers, times and parents. Nothing
//! here depends on the settings, so the facts of a commit never change and are
//! kept in the (authenticated) cache ([`crate::cache`]): a run reads only the
//! commits it has not seen, on all cores. Signatures are verified on every run,
//! by the settings in force ([`crate::approval::settings`]).

use crate::cache::{self, Walk};
use crate::load;
use crate::report::{self, front_matter};
use crate::source;
use crate::tree;
use crate::yaml;
use git2::{Oid, Repository};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;

/// The folders of office records: their versions take effect only when the
/// office signs them (SPEC §6.3).
pub const RECORDS: [&str; 3] = [load::REQUESTS, crate::report::bulletin::DIR, "templates"];

/// The trailer the office's publishing commit carries, once per report.
pub const PUBLISHED: &str = "Published";
/// The trailer `xinbao approve` writes, once per report approved (informative).
pub const APPROVED: &str = "Approved";
/// The trailer of the office's commit that acknowledges a rewritten main line.
pub const REWRITTEN_FROM: &str = "History-rewritten-from";

/// One report file a commit changes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReportChange {
    /// The report id (file stem).
    pub id: String,
    /// The path relative to the reports repository root.
    pub file: String,
    /// The old blob, `None` when the file is added.
    #[serde(with = "crate::cache::oid::option")]
    pub old: Option<Oid>,
    /// The new blob, `None` when the file is deleted.
    #[serde(with = "crate::cache::oid::option")]
    pub blob: Option<Oid>,
    /// The `unit` of the new text, when it has one.
    pub unit: Option<String>,
    /// The pictures the new text references (paths relative to the root).
    pub pictures: Vec<String>,
    /// The `adoptions` entries of the new text ([`report::adoption_key`]).
    pub adoptions: Vec<String>,
}

/// Another file under `reports/` that a commit changes: a picture, perhaps.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileChange {
    /// The path relative to the reports repository root.
    pub path: String,
    /// The old blob, `None` when the file is added.
    #[serde(with = "crate::cache::oid::option")]
    pub old: Option<Oid>,
    /// The new blob, `None` when the file is deleted.
    #[serde(with = "crate::cache::oid::option")]
    pub blob: Option<Oid>,
}

/// What one commit does, relative to its first parent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CommitFacts {
    /// The commit id.
    #[serde(with = "crate::cache::oid")]
    pub id: Oid,
    /// Its parents, the first parent first.
    #[serde(with = "crate::cache::oid::list")]
    pub parents: Vec<Oid>,
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
    /// Office records (under `requests/`, `bulletins/`, `templates/`) changed
    /// relative to the first parent (SPEC §6.3).
    pub records: Vec<FileChange>,
    /// The `xinbao.yaml` blob of this commit's tree.
    #[serde(with = "crate::cache::oid::option")]
    pub settings: Option<Oid>,
    /// Report ids named in `Published:` trailers.
    pub published: Vec<String>,
    /// Report ids named in `Approved:` trailers.
    pub approved: Vec<String>,
    /// Old tips named in `History-rewritten-from:` trailers: an office or admin
    /// signature on this commit acknowledges that the main line was rewritten.
    pub rewritten_from: Vec<String>,
    /// Whether the commit carries a signature header.
    pub signed: bool,
    /// For a merge: the signed commits of a record's shape (merges, commits with
    /// `Approved:`/`Published:`, settings or office-record changes, deletions)
    /// that it brings in through a parent other than its first, which does not
    /// contain them, with that parent's number. Non-empty is the shape of a
    /// rewrite of the main line (SPEC §6.3).
    #[serde(with = "crate::cache::oid::numbered")]
    pub brought: Vec<(usize, Oid)>,
}

impl CommitFacts {
    /// The time the commit is judged at: its committer time, or a parent's when
    /// it claims to be older than its parents.
    pub fn effective_time(&self) -> i64 {
        self.parents_time.map_or(self.time, |p| p.max(self.time))
    }

    /// When the commit counts as authored (SPEC §6.1), for the first commit of
    /// a file: time does not run backwards, so a commit claiming to be older
    /// than a parent counts from that parent's time; a parent dated after `now`
    /// counts from `now`, not from its claim.
    pub fn authored_at(&self, now: i64) -> i64 {
        self.parents_time.map_or(self.author_time, |p| self.author_time.max(p.min(now)))
    }

    /// The latest clock from `now` on under which [`CommitFacts::authored_at`]
    /// gives what it gives at `now`: a commit after a parent dated after the
    /// clock counts from the clock, until the clock reaches its own time.
    pub fn steady_until(&self, now: i64) -> i64 {
        match self.parents_time {
            Some(parents) if parents > now => self.author_time.max(now),
            _ => i64::MAX,
        }
    }

    /// The paths (relative to the root) this commit adds under `reports/`.
    pub fn added(&self) -> impl Iterator<Item = &str> {
        let reports = self.changes.iter().filter(|c| c.old.is_none() && c.blob.is_some());
        let files = self.files.iter().filter(|c| c.old.is_none() && c.blob.is_some());
        reports.map(|c| c.file.as_str()).chain(files.map(|c| c.path.as_str()))
    }
}

impl cache::Fact for CommitFacts {
    fn id(&self) -> Oid {
        self.id
    }

    fn first_parent(&self) -> Option<Oid> {
        self.parents.first().copied()
    }
}

/// The facts of the commits of one git repository, loaded from the cache once
/// per run and read through by every walk of the run.
pub struct Commits {
    paths: Paths,
    /// The cache, opened on the first walk.
    store: RefCell<Option<cache::Store<CommitFacts>>>,
    /// Commits read from git by stores already released.
    released: std::cell::Cell<usize>,
    /// Whether the facts stay loaded between runs (a long-lived process).
    warm: bool,
}

impl Commits {
    /// The commits of the reports repository whose folder in git is `prefix`
    /// (`""`, or `sub/`).
    pub fn new(prefix: &str) -> Commits {
        let paths = Paths {
            tracked: format!("{prefix}{}", load::REPORTS),
            settings: format!("{prefix}{}", crate::config::FILE),
            prefix_len: prefix.len(),
        };
        Commits { paths, store: RefCell::new(None), released: std::cell::Cell::new(0), warm: false }
    }

    /// The facts of the commits `walk` names from `tip`, in walk order: the ones
    /// read before from the cache, the others read now.
    pub fn read(
        &self,
        git: &crate::repo::Repo,
        tip: Oid,
        walk: Walk,
    ) -> Result<Vec<Arc<CommitFacts>>, git2::Error> {
        let mut store = self.store.borrow_mut();
        let store = store.get_or_insert_with(|| {
            let (tracked, settings) = (&self.paths.tracked, &self.paths.settings);
            let key = cache::key(&[b"commits-v6", tracked.as_bytes(), settings.as_bytes()]);
            // Before one store served both walks, each had a file of its own;
            // before the facts were stored as postcard, they were JSON.
            let old = ["added.json", "approvals.json", "approvals-aside.json", "commits.json"];
            cache::forget(git, &old);
            cache::Store::open(git, "commits", &key)
        });
        let paths = &self.paths;
        let read = |repo: &Repository, _: &mut (), oid: Oid| read_commit(repo, oid, paths, 0);
        store.read(git, tip, walk, read)
    }

    /// The same commits, kept loaded between the runs of a long-lived process
    /// (the desk): a later run reads only the commits made since.
    pub fn warm(prefix: &str) -> Commits {
        Commits { warm: true, ..Commits::new(prefix) }
    }

    /// Lets the facts go once the history stage of a run is over: they would
    /// otherwise be held while the work tree is read. A later walk opens the
    /// cache again. Kept [warm](Commits::warm), they stay.
    pub fn release(&self) {
        if self.warm {
            return;
        }
        let mut store = self.store.borrow_mut();
        if let Some(store) = store.take() {
            self.released.set(self.released.get() + store.fresh());
        }
    }

    /// How many commits this run read from git rather than from the cache:
    /// each at most once, however many walks asked for it.
    pub fn fresh(&self) -> usize {
        self.released.get() + self.store.borrow().as_ref().map_or(0, cache::Store::fresh)
    }

    /// The facts of commit `oid` with its changes taken relative to its parent
    /// number `base`: a merge that pushed a signed line aside is read as if that
    /// line were its first parent (SPEC §6.3). Not cached.
    pub fn read_against(
        &self,
        git: &Repository,
        oid: Oid,
        base: usize,
    ) -> Result<CommitFacts, git2::Error> {
        read_commit(git, oid, &self.paths, base)
    }
}

/// Where the reports and the settings are in the git repository.
struct Paths {
    tracked: String,
    settings: String,
    /// Length of the reports repository's folder prefix in git paths.
    prefix_len: usize,
}

/// The facts of commit `oid`, its changes taken relative to its parent number
/// `base` (0: the first parent, as on an unaltered chain).
fn read_commit(
    repo: &Repository,
    oid: Oid,
    paths: &Paths,
    base: usize,
) -> Result<CommitFacts, git2::Error> {
    let odb = &repo.odb()?;
    let commit = repo.find_commit(oid)?;
    let tree = commit.tree()?;
    let subtree = |tree: &git2::Tree| tree.get_path(Path::new(&paths.tracked)).ok().map(|e| e.id());
    let new = subtree(&tree);
    let mut parents: Vec<git2::Commit> = commit.parents().collect();
    if base > 0 && base < parents.len() {
        parents.swap(0, base);
    }
    let brought = match base {
        0 => brought(repo, &parents, paths)?,
        _ => Vec::new(),
    };
    let parent_tree = parents.first().map(|p| p.tree()).transpose()?;
    let old = parent_tree.as_ref().and_then(subtree);
    let mut changes = Vec::new();
    let mut files = Vec::new();
    if new != old {
        let mut raw = Vec::new();
        tree::diff_trees(odb, old, new, &paths.tracked, &mut raw)?;
        (changes, files) = split_changes(odb, raw, paths.prefix_len);
    }
    let prefix = &paths.tracked[..paths.prefix_len];
    let mut records = Vec::new();
    for folder in RECORDS {
        let folder = format!("{prefix}{folder}");
        let at = |tree: &git2::Tree| tree.get_path(Path::new(&folder)).ok().map(|e| e.id());
        let (new, old) = (at(&tree), parent_tree.as_ref().and_then(at));
        if new != old {
            let mut raw = Vec::new();
            tree::diff_trees(odb, old, new, &folder, &mut raw)?;
            records.extend(raw.into_iter().map(|change| FileChange {
                path: change.path[paths.prefix_len..].to_string(),
                old: change.old,
                blob: change.new,
            }));
        }
    }
    let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
    let author = match parents.get(1) {
        Some(merged) => merged.author().name().unwrap_or_default().to_string(),
        None => commit.author().name().unwrap_or_default().to_string(),
    };
    Ok(CommitFacts {
        id: oid,
        parents: commit.parent_ids().collect(),
        time: commit.committer().when().seconds(),
        author_time: commit.author().when().seconds(),
        parents_time: parents.iter().map(|p| p.committer().when().seconds()).max(),
        author,
        summary: message.lines().next().unwrap_or_default().to_string(),
        changes,
        files,
        records,
        settings: tree.get_path(Path::new(&paths.settings)).ok().map(|e| e.id()),
        published: trailer_ids(&message, PUBLISHED),
        approved: trailer_ids(&message, APPROVED),
        rewritten_from: trailer_ids(&message, REWRITTEN_FROM),
        signed: commit.header_field_bytes("gpgsig").is_ok(),
        brought,
    })
}

/// The record commits a merge brings in through a parent other than its first
/// (see [`CommitFacts::brought`]), with that parent's number.
fn brought(
    repo: &Repository,
    parents: &[git2::Commit],
    paths: &Paths,
) -> Result<Vec<(usize, Oid)>, git2::Error> {
    let mut found = Vec::new();
    let Some(first) = parents.first() else { return Ok(found) };
    for (number, parent) in parents.iter().enumerate().skip(1) {
        let mut walk = repo.revwalk()?;
        walk.push(parent.id())?;
        walk.hide(first.id())?;
        for oid in walk {
            let oid = oid?;
            if is_record_commit(repo, &repo.find_commit(oid)?, paths)? {
                found.push((number, oid));
            }
        }
    }
    Ok(found)
}

/// Whether `commit` has the shape of a record (SPEC §6.3): signed, and a merge,
/// or carrying `Approved:`/`Published:` trailers, or changing the settings, an
/// office record or a report (a publication by edit, a deletion). Whose
/// signature it is, is judged later.
fn is_record_commit(
    repo: &Repository,
    commit: &git2::Commit,
    paths: &Paths,
) -> Result<bool, git2::Error> {
    if commit.header_field_bytes("gpgsig").is_err() {
        return Ok(false);
    }
    let message = String::from_utf8_lossy(commit.message_bytes());
    if commit.parent_count() > 1
        || !trailer_ids(&message, APPROVED).is_empty()
        || !trailer_ids(&message, PUBLISHED).is_empty()
    {
        return Ok(true);
    }
    let tree = commit.tree()?;
    let parent = commit.parents().next().map(|p| p.tree()).transpose()?;
    let at = |tree: &git2::Tree, path: &str| tree.get_path(Path::new(path)).ok().map(|e| e.id());
    let prefix = &paths.tracked[..paths.prefix_len];
    let watched = std::iter::once(paths.settings.clone())
        .chain(RECORDS.iter().map(|folder| format!("{prefix}{folder}")));
    for path in watched {
        if at(&tree, &path) != parent.as_ref().and_then(|p| at(p, &path)) {
            return Ok(true);
        }
    }
    // A signed change of a report: an approval or publication made by a commit
    // of its own, or a deletion.
    let (new, old) =
        (at(&tree, &paths.tracked), parent.as_ref().and_then(|p| at(p, &paths.tracked)));
    if new == old {
        return Ok(false);
    }
    let mut raw = Vec::new();
    tree::diff_trees(&repo.odb()?, old, new, &paths.tracked, &mut raw)?;
    Ok(raw.iter().any(|c| c.path.ends_with(".md")))
}

/// The report files among `raw` changes (Markdown files under `reports/`), and the rest.
fn split_changes(
    odb: &git2::Odb,
    raw: Vec<tree::Change>,
    prefix_len: usize,
) -> (Vec<ReportChange>, Vec<FileChange>) {
    let mut reports = Vec::new();
    let mut files = Vec::new();
    for change in raw {
        let file = change.path[prefix_len..].to_string();
        if !file.ends_with(".md") {
            files.push(FileChange { path: file, old: change.old, blob: change.new });
            continue;
        }
        let text = change.new.and_then(|blob| text_of(odb, blob));
        let front = text.as_deref().and_then(front_in);
        let unit = front.as_ref().and_then(|f| f.get("unit")?.as_str().map(str::to_string));
        let adoptions = front.as_ref().map(report::adoption_keys).unwrap_or_default();
        let pictures = text.as_deref().map(|t| report::pictures_in(&file, t)).unwrap_or_default();
        reports.push(ReportChange {
            id: load::stem(&file),
            file,
            old: change.old,
            blob: change.new,
            unit,
            pictures,
            adoptions,
        });
    }
    (reports, files)
}

/// The normalized text of a report blob, when it is one xinbao would read: read
/// whole, then held to the size limit (see [`crate::tree`] for why its header is
/// not read first).
pub fn text_of(odb: &git2::Odb, blob: Oid) -> Option<String> {
    let object = odb.read(blob).ok()?;
    if object.len() as u64 > load::MAX_FILE_BYTES {
        return None;
    }
    source::decode(object.data().to_vec()).ok()
}

/// The front matter of a report's text.
fn front_in(text: &str) -> Option<yaml::Node> {
    let split = front_matter::split(text).ok()?;
    yaml::parse(split.yaml, split.yaml_line).ok()
}

/// The `unit` field of a report's text.
fn unit_in(text: &str) -> Option<String> {
    front_in(text)?.get("unit")?.as_str().map(str::to_string)
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

    /// The cache keeps the parents' time as it is; the clock caps it when used,
    /// so a fact cached yesterday judges as one read today.
    #[test]
    fn a_commit_counts_from_its_parent_but_never_after_now() {
        let at = |parents_time| CommitFacts {
            id: Oid::ZERO_SHA1,
            parents: Vec::new(),
            time: 100,
            author_time: 100,
            parents_time,
            author: String::new(),
            summary: String::new(),
            changes: Vec::new(),
            files: Vec::new(),
            records: Vec::new(),
            settings: None,
            published: Vec::new(),
            approved: Vec::new(),
            rewritten_from: Vec::new(),
            signed: false,
            brought: Vec::new(),
        };
        assert_eq!(at(None).authored_at(1_000), 100);
        assert_eq!(at(Some(50)).authored_at(1_000), 100);
        assert_eq!(at(Some(500)).authored_at(1_000), 500);
        assert_eq!(at(Some(5_000)).authored_at(1_000), 1_000);
        assert_eq!(at(Some(5_000)).authored_at(2_000), 2_000);
        // How long each reads the same from a clock of 50.
        for (parents, now) in [(None, 50), (Some(50), 50), (Some(500), 50), (Some(500), 300)] {
            let facts = at(parents);
            let until = facts.steady_until(now);
            for later in [now, now + 1, 99, 100, 101, 499, 500, 5_000] {
                if later >= now && later <= until {
                    assert_eq!(
                        facts.authored_at(later),
                        facts.authored_at(now),
                        "{parents:?} {now} {later}"
                    );
                }
            }
        }
        // A commit of 100 after a parent of 500 reads 100 until the clock passes 100.
        assert_eq!(at(Some(500)).steady_until(50), 100);
        assert_eq!(at(Some(500)).authored_at(101), 101);
        assert_eq!(at(Some(500)).steady_until(300), 300);
    }

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

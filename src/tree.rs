//! Git trees read as raw objects: every file under a tree, and the files that
//! differ between two trees, descending only into subtrees whose ids differ.
//! Trees are compared as raw object bytes, without building an object per
//! entry: a tree of 20,000 entries reads in a few milliseconds.
//!
//! A history is input like any other: no walk descends more than [`MAX_DEPTH`]
//! folders, and a file read from it for its text (settings, keys, office
//! records, receipts) only once its header says it is within a limit
//! ([`read_at_most`]; a few megabytes in a pack can stand for gigabytes). The
//! header of a packed object costs a walk of its delta chain: the trees and the
//! reports' texts read for every commit are not checked this way (it made a cold
//! `status` of 10,000 commits 1.75 times slower).

use git2::Oid;

/// How many folders deep a walk descends below the tree it starts at: reports
/// are filed two deep (`reports/2026/03/`), a notes tree fans out at most 19.
/// A hostile tree nested thousands deep would cost time and memory growing with
/// the square of its depth (every path is spelled out).
pub const MAX_DEPTH: usize = 32;

/// Object `oid` of `odb`, read whole only when its header says it has at most
/// `max` bytes; otherwise an error that says so.
pub fn read_at_most<'o>(
    odb: &'o git2::Odb,
    oid: Oid,
    max: u64,
) -> Result<git2::OdbObject<'o>, git2::Error> {
    let (len, _) = odb.read_header(oid)?;
    if len as u64 > max {
        let message = format!("git object {oid} has {len} bytes, over the limit of {max}");
        return Err(git2::Error::from_str(&message));
    }
    odb.read(oid)
}

/// The text of blob `oid` (invalid UTF-8 replaced), read only when it has at
/// most `max` bytes ([`read_at_most`]).
pub fn text_at_most(odb: &git2::Odb, oid: Oid, max: u64) -> Option<String> {
    let object = read_at_most(odb, oid, max).ok()?;
    Some(String::from_utf8_lossy(object.data()).into_owned())
}

/// One entry of a raw tree object: its kind, name and id.
struct Entry<'a> {
    is_tree: bool,
    is_file: bool,
    name: &'a [u8],
    id: &'a [u8],
}

impl Entry<'_> {
    /// Git orders tree entries as if folder names ended with `/` (git's
    /// `base_name_compare`): the common length compared as bytes, then the
    /// next byte, a folder's end being `/` and a file's less than any byte.
    fn cmp_key(&self, other: &Entry) -> std::cmp::Ordering {
        let common = self.name.len().min(other.name.len());
        let next =
            |entry: &Entry| entry.name.get(common).copied().or(entry.is_tree.then_some(b'/'));
        self.name[..common].cmp(&other.name[..common]).then_with(|| next(self).cmp(&next(other)))
    }

    fn oid(&self) -> Result<Oid, git2::Error> {
        Oid::from_bytes(self.id)
    }
}

/// Whether `name` can name a file or folder of a checkout: git itself refuses
/// to check out an entry named `""`, `.`, `..` or `.git`, or one holding a `/`
/// (`git fsck` calls them `hasDotdot`, `fullPathname` …). A raw tree can hold
/// them all; read as paths, they would point out of the repository. Names that
/// are not UTF-8 are refused too: two of them can read as the same path.
fn is_checkout_name(name: &[u8]) -> bool {
    let plain = name.iter().all(|&b| b != b'/' && b.is_ascii());
    let utf8 = || !name.contains(&b'/') && std::str::from_utf8(name).is_ok();
    !matches!(name, b"" | b"." | b"..") && !name.eq_ignore_ascii_case(b".git") && (plain || utf8())
}

/// Parses a raw tree object (`MODE NAME\0<20 bytes>` repeated). Entries that no
/// checkout can hold ([`is_checkout_name`]) are left out: a file of the history
/// under such a name is known to no commit, so it is never approved. A tree whose
/// entries are not in git's order, or name one file twice (`git fsck`:
/// `treeNotSorted`, `duplicateEntries`), holds nothing: what a checkout of it
/// shows is not certain, so none of it is approved.
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
        let (mode, name) = (&rest[..space], &rest[space + 1..nul]);
        if is_checkout_name(name) {
            list.push(Entry {
                // Git writes `40000`; a zero-padded `040000` is a folder too.
                is_tree: mode == b"40000" || mode == b"040000",
                // Regular files only: not symlinks (120000) or submodules (160000).
                is_file: mode.starts_with(b"100"),
                name,
                id: &rest[nul + 1..nul + 21],
            });
        }
        rest = &rest[nul + 21..];
    }
    if list.windows(2).any(|pair| !pair[0].cmp_key(&pair[1]).is_lt()) {
        return Vec::new();
    }
    list
}

/// Every regular file of tree `tree` and its subtrees, as `(path, blob)`, each path
/// `prefix` and the names below `tree` joined by `/` (`dir/…/name` for a prefix
/// `dir/`), read from the raw objects (a notes tree of 20,000 entries in a few
/// milliseconds).
pub fn files_in(odb: &git2::Odb, tree: Oid, prefix: &str, out: &mut Vec<(String, Oid)>) {
    files_within(odb, tree, prefix, MAX_DEPTH, out);
}

/// [`files_in`], descending at most `depth` more folders; a tree that cannot be
/// read adds nothing.
fn files_within(
    odb: &git2::Odb,
    tree: Oid,
    prefix: &str,
    depth: usize,
    out: &mut Vec<(String, Oid)>,
) {
    let Ok(object) = odb.read(tree) else { return };
    for entry in entries(object.data()) {
        let Ok(id) = entry.oid() else { continue };
        let path = format!("{prefix}{}", String::from_utf8_lossy(entry.name));
        if entry.is_tree {
            if let Some(depth) = depth.checked_sub(1) {
                files_within(odb, id, &format!("{path}/"), depth, out);
            }
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
/// be absent), descending only into subtrees whose ids differ, and no more than
/// [`MAX_DEPTH`] folders: a file deeper is known to no commit, so it is never
/// approved. (Not an error: a history that cannot be read makes `check` skip
/// the first-commit times, which a writer must not be able to choose by
/// pushing such a tree on a branch.)
pub fn diff_trees(
    odb: &git2::Odb,
    old: Option<Oid>,
    new: Option<Oid>,
    path: &str,
    changes: &mut Vec<Change>,
) -> Result<(), git2::Error> {
    diff_within(odb, (old, new), path, MAX_DEPTH, changes)
}

/// [`diff_trees`], descending at most `depth` more folders.
fn diff_within(
    odb: &git2::Odb,
    (old, new): (Option<Oid>, Option<Oid>),
    path: &str,
    depth: usize,
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
            let Some(depth) = depth.checked_sub(1) else { continue };
            diff_within(odb, (old_child, new_child), &child, depth, changes)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_over_the_limit_is_refused_by_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let git = git2::Repository::init(dir.path()).unwrap();
        let odb = git.odb().unwrap();
        // Two mebibytes of zeros: a few kilobytes stored, two mebibytes read.
        let blob = odb.write(git2::ObjectType::Blob, &vec![0; 2 << 20]).unwrap();
        let refused = read_at_most(&odb, blob, 1 << 20).err().unwrap();
        assert!(refused.message().contains("2097152 bytes"), "{refused}");
        assert_eq!(read_at_most(&odb, blob, 2 << 20).unwrap().len(), 2 << 20);
    }

    #[test]
    fn entries_no_checkout_can_hold_are_left_out() {
        let id = [7u8; 20];
        let mut raw = Vec::new();
        for name in [&b"."[..], b"..", b"", b".GIT", b"../../x.md", b"a\xff.md", b"ok.md"] {
            raw.extend_from_slice(b"100644 ");
            raw.extend_from_slice(name);
            raw.push(0);
            raw.extend_from_slice(&id);
        }
        let names: Vec<&[u8]> = entries(&raw).iter().map(|e| e.name).collect();
        assert_eq!(names, [&b"ok.md"[..]]);
    }

    #[test]
    fn a_tree_out_of_order_or_with_a_name_twice_holds_nothing() {
        let tree = |names: &[&str]| {
            let mut raw = Vec::new();
            for name in names {
                raw.extend_from_slice(format!("100644 {name}\0").as_bytes());
                raw.extend_from_slice(&[7u8; 20]);
            }
            raw
        };
        assert_eq!(entries(&tree(&["a.md", "b.md"])).len(), 2);
        assert!(entries(&tree(&["b.md", "a.md"])).is_empty());
        assert!(entries(&tree(&["a.md", "a.md"])).is_empty());
    }

    #[test]
    fn a_walk_stops_at_the_depth_limit() {
        let dir = tempfile::tempdir().unwrap();
        let git = git2::Repository::init(dir.path()).unwrap();
        let blob = git.blob(b"x").unwrap();
        let nest = |depth: usize| {
            let mut builder = git.treebuilder(None).unwrap();
            builder.insert("x.md", blob, 0o100644).unwrap();
            let mut tree = builder.write().unwrap();
            for _ in 0..depth {
                let mut builder = git.treebuilder(None).unwrap();
                builder.insert("a", tree, 0o040000).unwrap();
                tree = builder.write().unwrap();
            }
            tree
        };
        let odb = git.odb().unwrap();
        let (within, beyond) = (nest(MAX_DEPTH), nest(MAX_DEPTH + 1));
        let mut files = Vec::new();
        files_in(&odb, within, "", &mut files);
        assert_eq!(files.len(), 1);
        files_in(&odb, beyond, "", &mut files);
        assert_eq!(files.len(), 1, "the file past the limit is not found");
        let mut changes = Vec::new();
        diff_trees(&odb, None, Some(within), "reports", &mut changes).unwrap();
        assert_eq!(changes.len(), 1);
        diff_trees(&odb, None, Some(beyond), "reports", &mut changes).unwrap();
        assert_eq!(changes.len(), 1, "the change past the limit is not found");
    }
}

//! Git trees read as raw objects: every file under a tree, and the files that
//! differ between two trees, descending only into subtrees whose ids differ.
//! Trees are compared as raw object bytes, without building an object per
//! entry: a tree of 20,000 entries reads in a few milliseconds.

use git2::Oid;

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

//! Puts the archive's files on disk batch by batch, so that the site never has
//! to be held in memory whole: each batch is hashed, only the files whose bytes
//! changed since the previous build (or that are missing) are written, each
//! atomically and in tier order, and then the batch is dropped. Finishing records
//! every file's hash and removes the previous build's files that are gone.

use super::{MANIFEST, Page};
use anyhow::Context as _;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What the archive's writer did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written because they are new or changed.
    pub written: usize,
    /// Files left as they were.
    pub kept: usize,
    /// Files of the previous build that are gone.
    pub removed: usize,
}

/// The site being written under one output folder.
pub struct Writer {
    out: PathBuf,
    /// Path → hash of the previous build's files.
    old: BTreeMap<String, String>,
    /// Path → hash of this build's files so far.
    new: BTreeMap<String, String>,
    /// Folders already created.
    dirs: BTreeSet<PathBuf>,
    done: Written,
}

impl Writer {
    /// Starts writing under `out`, reading what the previous build wrote there.
    pub fn open(out: &Path) -> Writer {
        let old = std::fs::read(out.join(MANIFEST))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let out = out.to_path_buf();
        Writer { out, old, new: BTreeMap::new(), dirs: BTreeSet::new(), done: Written::default() }
    }

    /// Writes the `pages` that changed, lower tiers first. A path already put
    /// keeps its first bytes (a picture shown by several reports is one file).
    pub fn put(&mut self, mut pages: Vec<Page>) -> anyhow::Result<()> {
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        pages.dedup_by(|a, b| a.path == b.path);
        pages.retain(|page| !self.new.contains_key(&page.path));
        for dir in pages.iter().filter_map(|p| Path::new(&p.path).parent()) {
            let dir = self.out.join(dir);
            if !self.dirs.contains(&dir) {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                self.dirs.insert(dir);
            }
        }
        let hashes: Vec<String> =
            pages.par_iter().map(|p| hex(&Sha256::digest(&p.bytes))).collect();
        let mut order: Vec<usize> = (0..pages.len()).collect();
        order.sort_by_key(|&i| pages[i].tier);
        for tier in order.chunk_by(|&a, &b| pages[a].tier == pages[b].tier) {
            let results: Vec<anyhow::Result<bool>> = tier
                .par_iter()
                .map(|&i| {
                    let page = &pages[i];
                    let target = self.out.join(&page.path);
                    if self.old.get(&page.path) == Some(&hashes[i]) && target.is_file() {
                        return Ok(false);
                    }
                    crate::atomic::write_unsynced(&target, &page.bytes)
                        .with_context(|| format!("writing {}", target.display()))?;
                    Ok(true)
                })
                .collect();
            for result in results {
                if result? {
                    self.done.written += 1;
                } else {
                    self.done.kept += 1;
                }
            }
        }
        self.new.extend(pages.into_iter().map(|p| p.path).zip(hashes));
        Ok(())
    }

    /// Records this build's files and removes those of the previous build that
    /// are no longer part of the site.
    pub fn finish(mut self) -> anyhow::Result<Written> {
        crate::atomic::write(&self.out.join(MANIFEST), &serde_json::to_vec_pretty(&self.new)?)
            .context("writing the site manifest")?;
        for path in self.old.keys().filter(|p| !self.new.contains_key(*p)) {
            // Only plain relative paths the manifest could have written.
            if path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
                && std::fs::remove_file(self.out.join(path)).is_ok()
            {
                self.done.removed += 1;
            }
        }
        Ok(self.done)
    }
}

/// Lower-case hexadecimal of `bytes`.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, text: &str, tier: u8) -> Page {
        Page { path: path.into(), bytes: text.as_bytes().to_vec(), tier }
    }

    #[test]
    fn batches_write_changes_only_and_finishing_removes_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let mut first = Writer::open(out);
        first.put(vec![page("a/1.html", "one", 1), page("p/x.png", "x", 0)]).unwrap();
        first.put(vec![page("p/x.png", "a second copy", 0), page("gone.html", "g", 1)]).unwrap();
        let done = first.finish().unwrap();
        assert_eq!(done, Written { written: 3, kept: 0, removed: 0 });
        // A picture shown twice is written once, with its first bytes.
        assert_eq!(std::fs::read_to_string(out.join("p/x.png")).unwrap(), "x");

        let mut second = Writer::open(out);
        second.put(vec![page("a/1.html", "one", 1)]).unwrap();
        second.put(vec![page("p/x.png", "x", 0), page("a/2.html", "two", 1)]).unwrap();
        let done = second.finish().unwrap();
        assert_eq!(done, Written { written: 1, kept: 2, removed: 1 });
        assert!(!out.join("gone.html").exists());
        assert_eq!(std::fs::read_to_string(out.join("a/2.html")).unwrap(), "two");
    }
}

//! Puts the archive's files on disk batch by batch, so that the site never has
//! to be held in memory whole: each batch is hashed, only the files whose bytes
//! changed since the previous build (or that are missing) are written, each
//! atomically and in tier order, and then the batch is dropped. Finishing records
//! every file's hash and removes the previous build's files that are gone.
//! Everything goes through the output folder's [`OutDir`]: a manifest entry that
//! leaves the folder is ignored, and nothing is written through a symlink.

use super::{MANIFEST, Page};
use crate::out_dir::{OutDir, is_plain};
use anyhow::Context as _;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

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
    out: OutDir,
    /// Path → hash of the previous build's files.
    old: BTreeMap<String, String>,
    /// Path → hash of this build's files so far.
    new: BTreeMap<String, String>,
    /// Folders already made real folders.
    dirs: BTreeSet<String>,
    /// The regular files of each folder the previous build's files are looked
    /// for in, listed once ([`Writer::has`]): one folder read, not a stat a file.
    listed: Mutex<HashMap<String, Arc<BTreeSet<String>>>>,
    done: Written,
}

impl Writer {
    /// Starts writing under `out`, reading what the previous build wrote there
    /// (only its plain relative paths).
    pub fn open(out: &OutDir) -> Writer {
        let old: BTreeMap<String, String> = out
            .read(MANIFEST)
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let old = old.into_iter().filter(|(path, _)| is_plain(path)).collect();
        let out = out.clone();
        Writer {
            out,
            old,
            new: BTreeMap::new(),
            dirs: BTreeSet::new(),
            listed: Mutex::default(),
            done: Written::default(),
        }
    }

    /// Writes the `pages` that changed, lower tiers first. A path already put
    /// keeps its first bytes (a picture shown by several reports is one file).
    pub fn put(&mut self, pages: Vec<Page>) -> anyhow::Result<()> {
        let hashes = pages.par_iter().map(|p| Sha256::digest(&p.bytes).into()).collect();
        self.put_hashed(pages, hashes)
    }

    /// [`Writer::put`] for `pages` whose SHA-256 are already known (`hashes`, in
    /// the same order).
    pub fn put_hashed(&mut self, pages: Vec<Page>, hashes: Vec<[u8; 32]>) -> anyhow::Result<()> {
        let mut pages: Vec<(Page, [u8; 32])> = pages.into_iter().zip(hashes).collect();
        pages.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        pages.dedup_by(|a, b| a.0.path == b.0.path);
        pages.retain(|(page, _)| !self.new.contains_key(&page.path));
        let (pages, hashes): (Vec<Page>, Vec<[u8; 32]>) = pages.into_iter().unzip();
        let hashes: Vec<String> = hashes.iter().map(|h| hex(h)).collect();
        for page in &pages {
            anyhow::ensure!(is_plain(&page.path), "not a path of the site: {}", page.path);
            let dir = page.path.rsplit_once('/').map_or("", |(dir, _)| dir);
            if !self.dirs.contains(dir) {
                self.out.make_dir(dir)?;
                self.dirs.insert(dir.to_string());
            }
        }
        let mut order: Vec<usize> = (0..pages.len()).collect();
        order.sort_by_key(|&i| pages[i].tier);
        for tier in order.chunk_by(|&a, &b| pages[a].tier == pages[b].tier) {
            let results: Vec<anyhow::Result<bool>> = tier
                .par_iter()
                .map(|&i| {
                    let page = &pages[i];
                    if self.old.get(&page.path) == Some(&hashes[i]) && self.out.is_file(&page.path)
                    {
                        return Ok(false);
                    }
                    let target = self.out.path().join(&page.path);
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

    /// Whether the file at `path` is on disk with the SHA-256 `hash`, as the
    /// previous build recorded it: then [`Writer::keep`] may stand for writing it.
    pub fn has(&self, path: &str, hash: &[u8; 32]) -> bool {
        if let Some(new) = self.new.get(path) {
            // Written (or kept) by this build.
            return is_hex_of(new, hash);
        }
        self.old.get(path).is_some_and(|old| is_hex_of(old, hash)) && self.on_disk(path)
    }

    /// Whether the previous build's file `path` is still a regular file in a
    /// real folder of the output ([`OutDir::file_names`], read once a folder).
    fn on_disk(&self, path: &str) -> bool {
        let Some((dir, name)) = path.rsplit_once('/') else { return self.out.is_file(path) };
        let mut listed = self.listed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let names = listed
            .entry(dir.to_string())
            .or_insert_with(|| Arc::new(self.out.file_names(dir).into_iter().collect()))
            .clone();
        drop(listed);
        names.contains(name)
    }

    /// Counts the file at `path`, which [`Writer::has`] found with `hash`, as
    /// part of this build, left as it is.
    pub fn keep(&mut self, path: &str, hash: &[u8; 32]) {
        if !self.new.contains_key(path) {
            self.new.insert(path.to_string(), hex(hash));
            self.done.kept += 1;
        }
    }

    /// Records this build's files and removes those of the previous build that
    /// are no longer part of the site.
    pub fn finish(mut self) -> anyhow::Result<Written> {
        self.out
            .write(MANIFEST, &serde_json::to_vec_pretty(&self.new)?, true)
            .context("writing the site manifest")?;
        for path in self.old.keys().filter(|p| !self.new.contains_key(*p)) {
            if self.out.remove(path) {
                self.done.removed += 1;
            }
        }
        Ok(self.done)
    }
}

/// The digits of lower-case hexadecimal.
const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Whether `text` is the lower-case hexadecimal of `hash`.
fn is_hex_of(text: &str, hash: &[u8; 32]) -> bool {
    let text = text.as_bytes();
    text.len() == 64
        && hash.iter().enumerate().all(|(i, b)| {
            text[2 * i] == DIGITS[usize::from(b >> 4)]
                && text[2 * i + 1] == DIGITS[usize::from(b & 15)]
        })
}

/// Lower-case hexadecimal of `bytes`.
pub(super) fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(2 * bytes.len());
    for b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_read_as_their_hexadecimal() {
        let hash: [u8; 32] = Sha256::digest(b"x").into();
        let text = hex(&hash);
        assert_eq!(text, "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");
        assert!(is_hex_of(&text, &hash));
        assert!(!is_hex_of(&text.to_uppercase(), &hash));
        assert!(!is_hex_of(&text[1..], &hash));
        assert!(!is_hex_of(&hex(&[0; 32]), &hash));
    }

    fn page(path: &str, text: &str, tier: u8) -> Page {
        Page { path: path.into(), bytes: text.as_bytes().to_vec(), tier }
    }

    #[test]
    fn batches_write_changes_only_and_finishing_removes_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let folder = OutDir::open(out, out).unwrap();
        let mut first = Writer::open(&folder);
        first.put(vec![page("a/1.html", "one", 1), page("p/x.png", "x", 0)]).unwrap();
        first.put(vec![page("p/x.png", "a second copy", 0), page("gone.html", "g", 1)]).unwrap();
        let done = first.finish().unwrap();
        assert_eq!(done, Written { written: 3, kept: 0, removed: 0 });
        // A picture shown twice is written once, with its first bytes.
        assert_eq!(std::fs::read_to_string(out.join("p/x.png")).unwrap(), "x");

        let mut second = Writer::open(&folder);
        second.put(vec![page("a/1.html", "one", 1)]).unwrap();
        second.put(vec![page("p/x.png", "x", 0), page("a/2.html", "two", 1)]).unwrap();
        let done = second.finish().unwrap();
        assert_eq!(done, Written { written: 1, kept: 2, removed: 1 });
        assert!(!out.join("gone.html").exists());
        assert_eq!(std::fs::read_to_string(out.join("a/2.html")).unwrap(), "two");
    }
}

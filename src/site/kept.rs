//! What the archive made of each report, kept between builds, so that a report
//! whose page cannot have changed is not laid out again: its page's hash, the
//! pictures the page copied, its search keys and its summary. The page's bytes
//! are not kept here: the output folder has them, and a page is kept only while
//! the folder still holds it with the hash the previous build recorded
//! ([`super::writer::Writer::has`]); otherwise the report is laid out again.
//!
//! A report's entry is found by a key, the SHA-256 of everything its page, keys
//! and summary are made from ([`Keys::of`]):
//! - the build: xinbao's version and the binary itself (its size and time, so
//!   that a rebuilt binary of the same version starts afresh), the language,
//!   `--drafts`, and the settings in force (all of them);
//! - the report: its file, the digest of its bytes on disk (or of its text from the history),
//!   its approval trail (state, steps, signatures, what they signed), why it is
//!   late, its receipt, its DOCX and PDF present in the output folder, its unit's
//!   page;
//! - its pictures: each picture it names (inline or listed), resolved as the
//!   layout resolves it, with the SHA-256 of its bytes (or why it is not
//!   there), and the bytes at each path its last signature covers (they decide
//!   whether the text and pictures are the signed ones);
//! - what it shows of other reports: the id and title of the reports it
//!   follows up, retracts, is followed up or retracted by, of the other answers
//!   to its request and the request's title, and where each of its links leads
//!   in this archive.
//!
//! The file (`.git/xinbao/pages.bin`) is sealed like the history cache
//! ([`crate::cache`]): a missing, foreign, edited or unreadable file means
//! every report is laid out again, never an error. Without git, nothing is kept.

use super::search::Keys as SearchKeys;
use super::search::write_number as number;
use super::{Entry, Site};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::hash::Hash as _;

/// The cache's file under `.git/xinbao/`.
const FILE: &str = "pages.bin";

/// The first bytes of that file: its layout. Another layout is no cache.
const FORMAT: &[u8] = b"xinbao pages 1\n";

/// A SHA-256.
pub(super) type Hash = [u8; 32];

/// What the archive made of one report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Made {
    /// The SHA-256 of its page (`reports/<id>.html`).
    pub page: Hash,
    /// The pictures its page copied into the site: path and SHA-256.
    pub pictures: Vec<(String, Hash)>,
    /// Its search keys.
    pub keys: SearchKeys,
    /// The summary under its search results.
    pub summary: String,
}

/// The entries read from the previous build and those of this one.
#[derive(Default)]
pub(super) struct Kept {
    /// What this build's inputs share (none: nothing is kept).
    base: Option<Hash>,
    /// The previous build's entries not taken yet, by key.
    old: HashMap<Hash, Made>,
    /// This build's entries, by key.
    new: Vec<(Hash, Made)>,
    /// How many entries this build made afresh.
    fresh: usize,
    /// The repository's `.git` folder, where the entries are stored.
    git_dir: Option<std::path::PathBuf>,
}

/// What the previous build left in `.git/xinbao/`, read ahead of the build
/// (it does not depend on this build's inputs: each entry has its own key).
pub struct Previous {
    git_dir: std::path::PathBuf,
    entries: HashMap<Hash, Made>,
}

impl Previous {
    /// The entries stored in the `.git` folder `git_dir` (none when its file is
    /// missing or unusable).
    pub fn read(git_dir: &std::path::Path) -> Previous {
        let entries = crate::cache::read_sealed(git_dir, FILE).and_then(|bytes| decode(&bytes));
        Previous { git_dir: git_dir.to_path_buf(), entries: entries.unwrap_or_default() }
    }
}

impl Kept {
    /// The entries the `previous` build left for a site of `site`; none without
    /// git (no `previous`).
    pub fn open(previous: Option<Previous>, site: &Site) -> Kept {
        let (Some(previous), Some(base)) = (previous, base(site)) else { return Kept::default() };
        let Previous { git_dir, entries: old } = previous;
        Kept { base: Some(base), old, new: Vec::new(), fresh: 0, git_dir: Some(git_dir) }
    }

    /// The key of `entry`'s page, when entries are kept at all; `files` are the
    /// documents present in `OUT/files/`.
    pub fn key(&self, site: &Site, entry: &Entry, files: &BTreeSet<String>) -> Option<Hash> {
        Some(Keys::of(site, &self.base?, entry, files))
    }

    /// How many search pairs the previous build's entries hold: about as many
    /// as this build's index will.
    pub fn pairs(&self) -> usize {
        self.old.values().map(|made| made.keys.pairs.len()).sum()
    }

    /// What the previous build made for `key`.
    pub fn get(&self, key: &Hash) -> Option<&Made> {
        self.old.get(key)
    }

    /// Takes what the previous build made for `key` out, to be [put](Kept::put)
    /// back as this build's.
    pub fn take(&mut self, key: &Hash) -> Option<Made> {
        self.old.remove(key)
    }

    /// Records what this build made for `key`: afresh, or `taken` from the
    /// previous build.
    pub fn put(&mut self, key: Option<Hash>, made: Made, taken: bool) {
        if let Some(key) = key {
            self.fresh += usize::from(!taken);
            self.new.push((key, made));
        }
    }

    /// Replaces the stored file with this build's entries, once a
    /// [`crate::cache::AFRESH`] share of them differs from the previous build's (made afresh, or left
    /// behind: a report changed or gone). The entries left behind stay in the
    /// file meanwhile; one is never taken for a page that changed, since its key
    /// or the page on disk differs.
    pub fn store(self) {
        let Some(git_dir) = self.git_dir.as_deref().filter(|_| self.base.is_some()) else {
            return;
        };
        if crate::cache::worth_rewriting(self.fresh + self.old.len(), self.new.len()) {
            crate::cache::write_sealed(git_dir, FILE, &[&encode(&self.new)]);
        }
    }
}

/// What every page of this build depends on besides its report.
fn base(site: &Site) -> Option<Hash> {
    let binary = crate::cache::this_binary()?;
    let mut key = Keys(Sha256::new());
    key.text(FORMAT);
    key.text(env!("CARGO_PKG_VERSION").as_bytes());
    key.debug(&binary);
    key.debug(&(site.lang(), site.input.drafts));
    key.debug(&site.input.repo.settings);
    Some(key.0.finalize().into())
}

/// A key being made: everything is fed in as `Debug` text (quoted and
/// escaped, so that no two inputs read alike), as length-prefixed bytes, or
/// through `Hash`.
struct Keys(Sha256);

impl std::fmt::Write for Keys {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// Fed by `Hash` (length-prefixed and terminated as `Hash` writes them, so
/// that no two inputs read alike).
impl std::hash::Hasher for Keys {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

impl Keys {
    /// The key of `entry`'s page in the build whose shared inputs are `base`.
    fn of(site: &Site, base: &Hash, entry: &Entry, files: &BTreeSet<String>) -> Hash {
        let report = entry.report;
        let mut key = Keys(Sha256::new());
        key.0.update(base);
        key.debug(&(&report.id, &report.file));
        // The file's bytes, by their digest (a kept parse's text is not read).
        match &report.read {
            Some(read) => key.text(&read.digest),
            None => key.debug(&"unread"),
        }
        // Hashed, not formatted: a trail with its steps and diffs is long.
        (entry.trail, entry.late, entry.received).hash(&mut key);
        let present = ["docx", "pdf"].map(|kind| files.contains(&format!("{}.{kind}", report.id)));
        key.debug(&(present, site.units.get(entry.unit())));
        key.others(site, entry);
        key.pictures(site, entry);
        key.0.finalize().into()
    }

    fn debug(&mut self, value: &impl std::fmt::Debug) {
        let _ = writeln!(self, "{value:?}");
    }

    fn text(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// What the page shows of other reports and of its request.
    fn others(&mut self, site: &Site, entry: &Entry) {
        let report = entry.report;
        let shown = |list: Option<&Vec<&Entry>>| -> Vec<(String, String)> {
            let list = list.map(Vec::as_slice).unwrap_or_default();
            list.iter().map(|e| (e.id().to_string(), e.title().to_string())).collect()
        };
        let lookup = |field: &Option<crate::fields::Spanned<String>>| {
            let other = field.as_ref().and_then(|f| site.by_id.get(f.value.as_str()));
            other.map(|e| (e.id(), e.title()))
        };
        self.debug(&(
            shown(site.retracted_by.get(entry.id())),
            shown(site.follow_ups.get(entry.id())),
            lookup(&report.follow_up_of),
            lookup(&report.retracts),
        ));
        let request = report.request.as_ref().and_then(|r| site.input.repo.request(&r.value));
        let answers = request.and_then(|r| site.answers.get(r.id.as_str()));
        self.debug(&(request.map(|r| (&r.id, &r.title)), shown(answers)));
        for link in &report.body.links {
            self.debug(&super::report_page::safe_href(site, entry, &link.target));
        }
    }

    /// The pictures the layout finds for the report, and those its last
    /// signature covers, by the SHA-256 of their bytes.
    fn pictures(&mut self, site: &Site, entry: &Entry) {
        let report = entry.report;
        let ws = &site.input.repo.workspace;
        let inline = report.body.images.iter().map(|i| i.target.as_str());
        let listed = report.images.iter().map(|i| i.file.value.as_str());
        for target in inline.chain(listed) {
            match crate::report::picture::resolve(ws, &report.file, target) {
                Ok(found) => self.debug(&(&found.path, Sha256::digest(&found.bytes))),
                Err((rule, _)) => self.debug(&rule),
            }
        }
        let signed = entry.trail.and_then(|t| t.signed_content());
        for (path, _) in signed.map(|c| c.pictures.as_slice()).unwrap_or_default() {
            let bytes = ws.picture(std::path::Path::new(path));
            self.debug(&(path, bytes.as_deref().ok().map(Sha256::digest)));
        }
    }
}

/// The file's bytes for `entries`: [`FORMAT`], then per entry its key, page
/// hash, pictures, summary, words and pairs (sorted, as gaps), numbers as
/// LEB128.
fn encode(entries: &[(Hash, Made)]) -> Vec<u8> {
    let mut out = FORMAT.to_vec();
    number(&mut out, entries.len() as u64);
    for (key, made) in entries {
        out.extend(key);
        out.extend(made.page);
        number(&mut out, made.pictures.len() as u64);
        for (path, hash) in &made.pictures {
            bytes(&mut out, path.as_bytes());
            out.extend(hash);
        }
        bytes(&mut out, made.summary.as_bytes());
        number(&mut out, made.keys.words.len() as u64);
        made.keys.words.iter().for_each(|word| bytes(&mut out, word.as_bytes()));
        number(&mut out, made.keys.pairs.len() as u64);
        out.extend(made.keys.pairs.gaps());
    }
    out
}

fn bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    number(out, bytes.len() as u64);
    out.extend(bytes);
}

/// The entries of a file written by [`encode`]; none when it is not one.
fn decode(file: &[u8]) -> Option<HashMap<Hash, Made>> {
    let mut reader = Reader(file.strip_prefix(FORMAT)?);
    let count = reader.number()?;
    let mut entries = HashMap::new();
    for _ in 0..count {
        let key = reader.hash()?;
        let page = reader.hash()?;
        let pictures: Option<Vec<(String, Hash)>> =
            (0..reader.number()?).map(|_| Some((reader.text()?, reader.hash()?))).collect();
        let summary = reader.text()?;
        let words = (0..reader.number()?).map(|_| reader.text()).collect::<Option<_>>()?;
        let count = usize::try_from(reader.number()?).ok()?;
        let pairs = reader.gaps(count)?;
        let keys = SearchKeys { pairs, words };
        entries.insert(key, Made { page, pictures: pictures?, keys, summary });
    }
    reader.0.is_empty().then_some(entries)
}

/// The unread rest of a file.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn number(&mut self) -> Option<u64> {
        super::search::read_number(&mut self.0)
    }

    /// `count` search pairs, as their gaps.
    fn gaps(&mut self, count: usize) -> Option<super::search::Pairs> {
        super::search::Pairs::read(count, &mut self.0)
    }

    fn take(&mut self, len: usize) -> Option<&[u8]> {
        let (head, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(head)
    }

    fn hash(&mut self) -> Option<Hash> {
        self.take(32)?.try_into().ok()
    }

    fn text(&mut self) -> Option<String> {
        let len = usize::try_from(self.number()?).ok()?;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_damage_reads_as_none() {
        let made = Made {
            page: [7; 32],
            pictures: vec![("assets/img/ab.png".into(), [9; 32])],
            keys: SearchKeys {
                pairs: super::super::search::Pairs::of(&[3, 5 << 21, 1 << 40]),
                words: vec!["pm2".into()],
            },
            summary: "调度会…".into(),
        };
        let file = encode(&[([1; 32], made.clone())]);
        let back = decode(&file).unwrap();
        assert_eq!(back.get(&[1; 32]), Some(&made));
        assert!(decode(&file[..file.len() - 1]).is_none());
        assert!(decode(&[file.as_slice(), b"x"].concat()).is_none());
        assert!(decode(b"xinbao pages 0\n").is_none());
        let none = Made { keys: SearchKeys::default(), ..made.clone() };
        assert_eq!(decode(&encode(&[([2; 32], none.clone())])).unwrap()[&[2; 32]], none);
    }

    #[test]
    fn the_file_is_written_again_once_one_entry_in_64_differs() {
        use crate::cache::worth_rewriting;
        assert!(!worth_rewriting(0, 10_000), "nothing changed");
        assert!(!worth_rewriting(2, 10_000), "one report edited: its entry made, the old left");
        assert!(worth_rewriting(157, 10_000));
        assert!(worth_rewriting(1, 50), "a small archive is written for one change");
        assert!(worth_rewriting(3, 0), "every report gone");
    }
}

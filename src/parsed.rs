//! Reports kept as they were parsed, between the runs of a long-lived process
//! (the desk) and between command line runs: a report file whose size, times
//! and inode have not changed since it was parsed, under the same settings, is
//! not parsed again, nor read again.
//!
//! A command line run keeps them in `.git/xinbao/parsed.bin`, sealed like the
//! history cache ([`crate::cache`]) and keyed by xinbao's version, the binary
//! itself and the repository's root: a missing, foreign, edited or unreadable
//! file only means every report is parsed again. The texts are not stored, nor
//! read again: a kept report's text is read when something needs it, and must
//! hash as it did ([`crate::report::ReadText::loaded`]). A parse is
//! never a verdict: the rules and the history are judged afresh on every run.
//!
//! A file is recognized unchanged as git's index recognizes it, by its
//! `lstat`; a file whose content or status changed within [`SETTLED`] of being
//! read is not kept (its times could not tell a second change in the same
//! tick, even with its modification time put back), nor is a symbolic link or
//! a draft given by the desk.

use crate::cache::Bytes;
use crate::config::Settings;
use crate::diag::Diagnostics;
use crate::report::{Placeholders, Report};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

/// How long ago a file must have changed for its parse to be kept.
const SETTLED: Duration = Duration::from_secs(2);

/// What a file's `lstat` says of it, compared to tell that it has not changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    modified: SystemTime,
    /// The inode and the status change time, where the system has them.
    node: (u64, i64, i64),
}

impl Stamp {
    /// The stamp of the regular file at `path`; none for anything else.
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        if !meta.file_type().is_file() {
            return None;
        }
        // The inode and the status change time (which no one sets back).
        #[cfg(unix)]
        let node = {
            use std::os::unix::fs::MetadataExt as _;
            (meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let node = (0, 0, 0);
        Some(Stamp { len: meta.len(), modified: meta.modified().ok()?, node })
    }

    /// Whether the file last changed (content or status) long enough before
    /// `now` for this stamp to tell any later change.
    fn settled(&self, now: SystemTime) -> bool {
        let (_, secs, nanos) = self.node;
        let changed = u64::try_from(secs).ok().map(|secs| {
            let nanos = u32::try_from(nanos).unwrap_or(0);
            SystemTime::UNIX_EPOCH + Duration::new(secs, nanos)
        });
        let changed = if cfg!(unix) { changed } else { Some(self.modified) };
        self.modified + SETTLED <= now && changed.is_some_and(|at| at + SETTLED <= now)
    }
}

/// One file's parse: the report (none when it could not be read) and the
/// findings of reading and parsing it.
type Entry = (Stamp, Option<Arc<Report>>, Diagnostics);

/// The reports kept, under the settings they were parsed with: the work
/// tree's and the signed ones in force may differ (`check` reads under the
/// first, the verdicts under the second), so each keeps its own.
#[derive(Default)]
pub struct Parsed {
    kept: RwLock<Vec<Kept>>,
    /// Where they are stored between command line runs (none in memory only).
    stored: Option<Stored>,
}

/// The most versions of the settings kept at once.
const VERSIONS: usize = 2;

/// The file of `.git/xinbao/` the parses are stored in.
const FILE: &str = "parsed.bin";

/// Its first bytes: the layout. Another layout is no store.
const FORMAT: &[u8] = b"xinbao parsed 1\n";

/// Where the parses are stored, and what they depend on besides a file's stamp
/// and the settings.
struct Stored {
    git_dir: PathBuf,
    key: [u8; 32],
}

struct Kept {
    /// The SHA-256 of the settings the entries were parsed under.
    settings: [u8; 32],
    files: HashMap<String, Entry>,
}

/// The SHA-256 of `settings` and the templates' `placeholders`, to tell
/// another version of them.
fn digest(settings: &Settings, placeholders: &Placeholders) -> [u8; 32] {
    let mut digest = Sha256::new();
    digest.update(format!("{settings:?}"));
    digest.update(placeholders.digest());
    digest.finalize().into()
}

impl Parsed {
    /// The parses a command line run stored in the `.git` folder `git_dir` for
    /// the reports repository at `root`; none when there are none to use. They
    /// are stored again when a run parses enough files afresh ([`Parsed::keep`]).
    pub fn stored(git_dir: &Path, root: &Path) -> Parsed {
        let Some(key) = key(root) else { return Parsed::default() };
        let kept = crate::cache::read_sealed(git_dir, FILE).and_then(|bytes| {
            let rest = bytes.strip_prefix(FORMAT)?.strip_prefix(key.as_slice())?;
            decode(rest)
        });
        let stored = Some(Stored { git_dir: git_dir.to_path_buf(), key });
        Parsed { kept: RwLock::new(kept.unwrap_or_default()), stored }
    }

    /// Each of `files` (relative to `root`) as `parse` reads it under `settings`
    /// and the templates' `placeholders`, on all cores, or as it was kept when
    /// its file has not changed since; the `draft` the desk gives (what the
    /// writer is typing, never the file on disk) is always parsed. This run's
    /// parses are kept for the next run.
    pub fn parse_all(
        &self,
        root: &Path,
        files: &[String],
        (settings, placeholders): (&Settings, &Placeholders),
        draft: Option<&str>,
        parse: impl Fn(&str) -> (Option<Arc<Report>>, Diagnostics) + Sync,
    ) -> Vec<(Option<Arc<Report>>, Diagnostics)> {
        let digest = digest(settings, placeholders);
        let began = SystemTime::now();
        let read: Vec<_> = files
            .par_iter()
            .map(|file| {
                let stamp = (draft != Some(file.as_str())).then(|| Stamp::of(&root.join(file)));
                let Some(stamp) = stamp.flatten() else {
                    let (report, diags) = parse(file);
                    return (report, diags, None);
                };
                // A kept parse brings no text: it is read when needed (`ReadText::loaded`).
                let (report, diags, fresh) = match self.take(file, &stamp, &digest) {
                    Some((report, diags)) => (report, diags, false),
                    None => {
                        let (report, diags) = parse(file);
                        (report, diags, true)
                    }
                };
                let entry = (stamp, report.clone(), diags.clone());
                (report, diags, Some((file.clone(), entry, fresh)))
            })
            .collect();
        let mut parses = Vec::with_capacity(read.len());
        let mut kept = Vec::new();
        for (report, diags, entry) in read {
            parses.push((report, diags));
            kept.extend(entry);
        }
        self.keep(&digest, began, kept, files);
        parses
    }

    /// Takes the parse of `file` kept for `stamp` under settings `digest` out
    /// (the run gives it back to [`Parsed::keep`]; taken, it is not shared, and
    /// its text can be added without copying it).
    fn take(
        &self,
        file: &str,
        stamp: &Stamp,
        digest: &[u8; 32],
    ) -> Option<(Option<Arc<Report>>, Diagnostics)> {
        let mut kept = self.kept.write().ok()?;
        let version = kept.iter_mut().find(|k| k.settings == *digest)?;
        let found = version.files.get(file).is_some_and(|(kept, _, _)| kept == stamp);
        let (_, report, diags) = found.then(|| version.files.remove(file))??;
        Some((report, diags))
    }

    /// Keeps the parses of this run, made under settings `digest` at `now`:
    /// those taken, and those made afresh (`true`), which are kept once their
    /// file has settled; files gone from the run are forgotten. Stores them,
    /// if they are stored at all, for other settings, files gone, or once a
    /// [`cache::AFRESH`](crate::cache::AFRESH) share of the files was parsed afresh.
    fn keep(
        &self,
        digest: &[u8; 32],
        now: SystemTime,
        parses: Vec<(String, Entry, bool)>,
        files: &[String],
    ) {
        let Ok(mut kept) = self.kept.write() else { return };
        // The version used last goes first; the oldest beyond VERSIONS is let go.
        let at = kept.iter().position(|k| k.settings == *digest);
        let version = match at {
            Some(at) => kept.remove(at),
            None => Kept { settings: *digest, files: HashMap::new() },
        };
        kept.insert(0, version);
        kept.truncate(VERSIONS);
        let version = &mut kept[0];
        let present: std::collections::HashSet<&str> = files.iter().map(String::as_str).collect();
        let before = version.files.len();
        version.files.retain(|file, _| present.contains(file.as_str()));
        let mut changed = at.is_none() || version.files.len() != before;
        let mut afresh = 0;
        for (file, entry, fresh) in parses {
            afresh += usize::from(fresh);
            if !fresh || entry.0.settled(now) {
                version.files.insert(file, entry);
            } else {
                version.files.remove(&file);
            }
        }
        // A stored entry of a file changed since is never taken (its stamp differs).
        changed |= crate::cache::worth_rewriting(afresh, version.files.len());
        if let (true, Some(stored)) = (changed, &self.stored)
            && let Some(bytes) = encode(&kept)
        {
            let parts = [FORMAT, stored.key.as_slice(), &bytes];
            crate::cache::write_sealed(&stored.git_dir, FILE, &parts);
        }
    }
}

/// One version of the settings as stored: each file's entry encoded apart, so
/// that the entries are encoded and decoded on all cores.
#[derive(Serialize, Deserialize)]
struct StoredVersion<'a> {
    settings: [u8; 32],
    #[serde(borrow)]
    files: Vec<(&'a str, Bytes<'a>)>,
}

/// The stored form of `kept` (none if an entry cannot be encoded).
fn encode(kept: &[Kept]) -> Option<Vec<u8>> {
    /// A version's settings and its files' entries, encoded.
    type Encoded<'a> = ([u8; 32], Vec<(&'a str, Vec<u8>)>);
    let versions: Vec<Encoded> = kept
        .iter()
        .map(|version| {
            let files = version.files.par_iter().map(|(file, entry)| {
                postcard::to_stdvec(entry).ok().map(|bytes| (file.as_str(), bytes))
            });
            Some((version.settings, files.collect::<Option<_>>()?))
        })
        .collect::<Option<_>>()?;
    let stored: Vec<StoredVersion> = versions
        .iter()
        .map(|(settings, files)| StoredVersion {
            settings: *settings,
            files: files.iter().map(|(file, bytes)| (*file, Bytes(bytes))).collect(),
        })
        .collect();
    // Made in one buffer of the size it takes: each new page costs a fault.
    let size = versions.iter().flat_map(|(_, files)| files).map(|(f, b)| f.len() + b.len() + 8);
    let buffer = Vec::with_capacity(size.sum::<usize>() + 64);
    postcard::to_extend(&stored, buffer).ok()
}

/// The versions stored in `bytes` by [`encode`]; none if any entry does not decode.
fn decode(bytes: &[u8]) -> Option<Vec<Kept>> {
    let stored: Vec<StoredVersion> = postcard::from_bytes(bytes).ok()?;
    stored
        .into_iter()
        .map(|version| {
            let files = version.files.par_iter().map(|(file, bytes)| {
                Some((file.to_string(), postcard::from_bytes::<Entry>(bytes.0).ok()?))
            });
            Some(Kept { settings: version.settings, files: files.collect::<Option<_>>()? })
        })
        .collect()
}

/// What stored parses depend on besides each file and the settings: xinbao's
/// version, the binary itself (a rebuilt binary may lay a report out in
/// memory differently) and the repository's root.
fn key(root: &Path) -> Option<[u8; 32]> {
    let binary = crate::cache::this_binary()?;
    let mut key = Sha256::new();
    key.update(FORMAT);
    key.update(format!("{}\n{binary:?}\n", env!("CARGO_PKG_VERSION")));
    key.update(root.as_os_str().as_encoded_bytes());
    Some(key.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    /// A report file written `ago` before now, and its stamp.
    fn written(dir: &Path, text: &str, ago: Duration) -> (std::path::PathBuf, Stamp) {
        let path = dir.join("r.md");
        std::fs::write(&path, text).unwrap();
        let file = File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - ago).unwrap();
        (path.clone(), Stamp::of(&path).unwrap())
    }

    fn entry(stamp: Stamp) -> Entry {
        (stamp, None, Diagnostics::default())
    }

    /// Whether `parsed` keeps `r.md` for `stamp` under `digest`.
    fn kept(parsed: &Parsed, stamp: &Stamp, digest: &[u8; 32]) -> bool {
        let kept = parsed.kept.read().unwrap();
        let version = kept.iter().find(|k| k.settings == *digest);
        version.and_then(|v| v.files.get("r.md")).is_some_and(|(kept, _, _)| kept == stamp)
    }

    #[test]
    fn a_settled_file_is_kept_until_it_or_the_settings_change() {
        let dir = tempfile::tempdir().unwrap();
        let (path, stamp) = written(dir.path(), "title: 一", Duration::from_secs(3600));
        let parsed = Parsed::default();
        let files = ["r.md".to_string()];
        // Read three seconds after it was written: its times are settled.
        let later = SystemTime::now() + Duration::from_secs(3);
        parsed.keep(&[1; 32], later, vec![("r.md".into(), entry(stamp), true)], &files);
        assert!(kept(&parsed, &stamp, &[1; 32]));
        assert!(!kept(&parsed, &stamp, &[2; 32]), "other settings");
        // The work tree's settings and those in force each keep their own.
        parsed.keep(&[2; 32], later, vec![("r.md".into(), entry(stamp), true)], &files);
        assert!(kept(&parsed, &stamp, &[1; 32]) && kept(&parsed, &stamp, &[2; 32]));
        parsed.keep(&[3; 32], SystemTime::now(), Vec::new(), &files);
        assert!(!kept(&parsed, &stamp, &[1; 32]), "two versions at most");
        // Rewritten to the same length with its old time put back: its status
        // change time (and so its stamp) still moved.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, "title: 二").unwrap();
        let file = File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(3600)).unwrap();
        let again = Stamp::of(&path).unwrap();
        assert_ne!(again, stamp);
        assert!(!kept(&parsed, &again, &[1; 32]));
        // A file gone from the run is forgotten.
        parsed.keep(&[1; 32], SystemTime::now(), Vec::new(), &[]);
        assert!(!kept(&parsed, &stamp, &[1; 32]));
    }

    #[test]
    fn a_file_changed_just_now_and_a_link_are_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (path, stamp) = written(dir.path(), "title: 一", Duration::ZERO);
        let parsed = Parsed::default();
        let files = ["r.md".to_string()];
        parsed.keep(&[1; 32], SystemTime::now(), vec![("r.md".into(), entry(stamp), true)], &files);
        assert!(!kept(&parsed, &stamp, &[1; 32]));
        // Its modification time put back an hour: its status changed just now all the same.
        let (_, old) = written(dir.path(), "title: 二", Duration::from_secs(3600));
        parsed.keep(&[1; 32], SystemTime::now(), vec![("r.md".into(), entry(old), true)], &files);
        assert!(!kept(&parsed, &old, &[1; 32]));
        let link = dir.path().join("l.md");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(Stamp::of(&link).is_none());
    }

    #[test]
    fn a_store_read_back_keeps_its_entries_and_takes_a_fresh_one() {
        let dir = tempfile::tempdir().unwrap();
        let (_, old) = written(dir.path(), "title: 一", Duration::from_secs(3600));
        let parsed = Parsed::default();
        let files = ["r.md".to_string(), "s.md".to_string()];
        let later = SystemTime::now() + Duration::from_secs(3);
        let both = vec![("r.md".into(), entry(old), true), ("s.md".into(), entry(old), true)];
        parsed.keep(&[1; 32], later, both, &files);
        let bytes = encode(&parsed.kept.read().unwrap()).unwrap();
        let read = Parsed { kept: RwLock::new(decode(&bytes).unwrap()), stored: None };
        assert!(kept(&read, &old, &[1; 32]));
        // r.md parsed afresh (another stamp), s.md given back as it was taken.
        let (_, new) = written(dir.path(), "title: 二", Duration::from_secs(1800));
        let taken = read.take("s.md", &old, &[1; 32]).unwrap();
        let again = vec![
            ("r.md".into(), entry(new), true),
            ("s.md".into(), (old, taken.0, taken.1), false),
        ];
        read.keep(&[1; 32], later, again, &files);
        let bytes = encode(&read.kept.read().unwrap()).unwrap();
        let back = Parsed { kept: RwLock::new(decode(&bytes).unwrap()), stored: None };
        assert!(kept(&back, &new, &[1; 32]), "the fresh parse is stored");
        let versions = back.kept.read().unwrap();
        assert_eq!(versions[0].files.get("s.md").map(|e| e.0), Some(old), "the other kept");
    }

    #[test]
    fn a_few_files_parsed_afresh_do_not_write_the_store_again() {
        let dir = tempfile::tempdir().unwrap();
        let git_dir = dir.path().join(".git");
        std::fs::create_dir_all(&git_dir).unwrap();
        let (_, stamp) = written(dir.path(), "title: 一", Duration::from_secs(3600));
        let files: Vec<String> = (0..128).map(|i| format!("r{i}.md")).collect();
        let parsed = Parsed::stored(&git_dir, dir.path());
        let later = SystemTime::now() + Duration::from_secs(3);
        let all = files.iter().map(|f| (f.clone(), entry(stamp), true)).collect();
        parsed.keep(&[1; 32], later, all, &files);
        let store = git_dir.join("xinbao").join(FILE);
        let first = std::fs::read(&store).expect("all parsed afresh: stored");
        // `afresh` of the 128 files parsed again, the others given back as taken.
        let run = |afresh: usize| {
            let parses = files.iter().enumerate().map(|(i, f)| {
                let (report, diags) = parsed.take(f, &stamp, &[1; 32]).unwrap();
                (f.clone(), (stamp, report, diags), i < afresh)
            });
            parsed.keep(&[1; 32], later, parses.collect(), &files);
        };
        run(1);
        assert_eq!(std::fs::read(&store).unwrap(), first, "one in 128: not written again");
        std::fs::remove_file(&store).unwrap();
        run(2);
        assert!(store.is_file(), "two in 128 (one in 64): written again");
    }
}

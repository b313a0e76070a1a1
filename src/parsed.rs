//! Reports kept as they were parsed, between the runs of a long-lived process
//! (the desk): a report file whose size, times and inode have not changed since
//! it was parsed, under the same settings, is neither read nor parsed again.
//! A command line run has none of this: it reads every file.
//!
//! A file is recognized unchanged as git's index recognizes it, by its
//! `lstat`; a file whose content or status changed within [`SETTLED`] of being
//! read is not kept (its times could not tell a second change in the same
//! tick, even with its modification time put back), nor is a symbolic link or
//! a draft given by the desk.

use crate::config::Settings;
use crate::diag::Diagnostics;
use crate::report::Report;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

/// How long ago a file must have changed for its parse to be kept.
const SETTLED: Duration = Duration::from_secs(2);

/// What a file's `lstat` says of it, compared to tell that it has not changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

/// The most versions of the settings kept at once.
const VERSIONS: usize = 2;

struct Kept {
    /// The SHA-256 of the settings the entries were parsed under.
    settings: [u8; 32],
    files: HashMap<String, Entry>,
}

/// The SHA-256 of `settings`, to tell another version of them.
pub fn digest(settings: &Settings) -> [u8; 32] {
    Sha256::digest(format!("{settings:?}")).into()
}

impl Parsed {
    /// The parse of `file` kept for `stamp` under settings `digest`.
    pub fn get(
        &self,
        file: &str,
        stamp: &Stamp,
        digest: &[u8; 32],
    ) -> Option<(Option<Arc<Report>>, Diagnostics)> {
        let kept = self.kept.read().ok()?;
        let version = kept.iter().find(|k| k.settings == *digest)?;
        let (kept_stamp, report, diags) = version.files.get(file)?;
        (kept_stamp == stamp).then(|| (report.clone(), diags.clone()))
    }

    /// Keeps the parses of this run, made under settings `digest` at `now`;
    /// files gone from the run are forgotten.
    pub fn keep(
        &self,
        digest: &[u8; 32],
        now: SystemTime,
        parses: Vec<(String, Entry)>,
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
        version.files.retain(|file, _| present.contains(file.as_str()));
        for (file, entry) in parses {
            match entry.0.settled(now) {
                true => version.files.insert(file, entry),
                false => version.files.remove(&file),
            };
        }
    }
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

    #[test]
    fn a_settled_file_is_kept_until_it_or_the_settings_change() {
        let dir = tempfile::tempdir().unwrap();
        let (path, stamp) = written(dir.path(), "title: 一", Duration::from_secs(3600));
        let parsed = Parsed::default();
        let files = ["r.md".to_string()];
        // Read three seconds after it was written: its times are settled.
        let later = SystemTime::now() + Duration::from_secs(3);
        parsed.keep(&[1; 32], later, vec![("r.md".into(), entry(stamp))], &files);
        assert!(parsed.get("r.md", &stamp, &[1; 32]).is_some());
        assert!(parsed.get("r.md", &stamp, &[2; 32]).is_none(), "other settings");
        // The work tree's settings and those in force each keep their own.
        parsed.keep(&[2; 32], later, vec![("r.md".into(), entry(stamp))], &files);
        assert!(
            parsed.get("r.md", &stamp, &[1; 32]).is_some()
                && parsed.get("r.md", &stamp, &[2; 32]).is_some()
        );
        parsed.keep(&[3; 32], SystemTime::now(), Vec::new(), &files);
        assert!(parsed.get("r.md", &stamp, &[1; 32]).is_none(), "two versions at most");
        // Rewritten to the same length with its old time put back: its status
        // change time (and so its stamp) still moved.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, "title: 二").unwrap();
        let file = File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(3600)).unwrap();
        let again = Stamp::of(&path).unwrap();
        assert_ne!(again, stamp);
        assert!(parsed.get("r.md", &again, &[1; 32]).is_none());
        // A file gone from the run is forgotten.
        parsed.keep(&[1; 32], SystemTime::now(), Vec::new(), &[]);
        assert!(parsed.get("r.md", &stamp, &[1; 32]).is_none());
    }

    #[test]
    fn a_file_changed_just_now_and_a_link_are_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (path, stamp) = written(dir.path(), "title: 一", Duration::ZERO);
        let parsed = Parsed::default();
        let files = ["r.md".to_string()];
        parsed.keep(&[1; 32], SystemTime::now(), vec![("r.md".into(), entry(stamp))], &files);
        assert!(parsed.get("r.md", &stamp, &[1; 32]).is_none());
        // Its modification time put back an hour: its status changed just now all the same.
        let (_, old) = written(dir.path(), "title: 二", Duration::from_secs(3600));
        parsed.keep(&[1; 32], SystemTime::now(), vec![("r.md".into(), entry(old))], &files);
        assert!(parsed.get("r.md", &old, &[1; 32]).is_none());
        let link = dir.path().join("l.md");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(Stamp::of(&link).is_none());
    }
}

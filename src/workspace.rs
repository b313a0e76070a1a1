//! The world xinbao reads, in the spirit of typst's `World`: the repository's
//! root, its input files and the clock, in one place.
//!
//! Every input is read through a [`Workspace`]: report and settings files once
//! each by the loader, pictures once each for the whole run (the bytes are kept
//! and shared by the check, the layout, the DOCX, the PDF and the archive). The
//! clock is the run's, read once. Each read from disk is counted,
//! so a test can prove that nothing is read twice.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// A picture's bytes, or why they could not be read.
pub type Shared = Result<Arc<[u8]>, Arc<std::io::Error>>;

/// The repository root, its files and the time of the run.
#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
    now: chrono::DateTime<chrono::Utc>,
    /// Pictures by path, each read by the first thread that asks for it.
    shared: Mutex<HashMap<PathBuf, Arc<OnceLock<Shared>>>>,
    /// How often each file was read from disk.
    reads: Mutex<HashMap<PathBuf, usize>>,
    /// A report's text not (yet) on disk, read instead of the file (the desk's
    /// check as the writer types): its path relative to the root, and its bytes.
    draft: Option<(String, Arc<[u8]>)>,
}

impl Workspace {
    /// The workspace of the repository at `root`, at the run's moment `now`
    /// (made once per run by [`crate::run::Run`]).
    pub fn new(root: &Path, now: chrono::DateTime<chrono::Utc>) -> Arc<Workspace> {
        Arc::new(Workspace {
            root: root.to_path_buf(),
            now,
            shared: Mutex::default(),
            reads: Mutex::default(),
            draft: None,
        })
    }

    /// The workspace of `root` at `now` in which the report file `file` (relative to
    /// the root) reads as `text`, whatever is on disk.
    pub fn with_draft(
        root: &Path,
        now: chrono::DateTime<chrono::Utc>,
        file: &str,
        text: &str,
    ) -> Arc<Workspace> {
        Arc::new(Workspace {
            root: root.to_path_buf(),
            now,
            shared: Mutex::default(),
            reads: Mutex::default(),
            draft: Some((file.to_string(), Arc::from(text.as_bytes()))),
        })
    }

    /// The file (relative to the root) whose text is given instead of read, if any.
    pub fn drafted(&self) -> Option<&str> {
        self.draft.as_ref().map(|(file, _)| file.as_str())
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The time of this run.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.now
    }

    /// The bytes of the repository file `file` (relative to the root), read
    /// only when it is a regular file of at most `max` bytes: a link is never
    /// followed, and a pipe or a device is never opened (reading one could
    /// wait for ever). A drafted file's text is given, not read.
    pub fn read_file(&self, file: &str, max: u64) -> Result<Vec<u8>, Unread> {
        self.read_at(&self.root.join(file), max)
    }

    /// [`Workspace::read_file`] of the absolute `path`.
    fn read_at(&self, path: &Path, max: u64) -> Result<Vec<u8>, Unread> {
        if let Some((drafted, text)) = &self.draft
            && path == self.root.join(drafted)
        {
            let len = text.len() as u64;
            return if len > max { Err(Unread::TooLarge(len)) } else { Ok(text.to_vec()) };
        }
        *self
            .reads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(path.to_path_buf())
            .or_default() += 1;
        let meta = std::fs::symlink_metadata(path).map_err(Unread::Io)?;
        if meta.file_type().is_symlink() {
            return Err(Unread::Link);
        }
        if !meta.is_file() {
            return Err(Unread::NotAFile);
        }
        if meta.len() > max {
            return Err(Unread::TooLarge(meta.len()));
        }
        std::fs::read(path).map_err(Unread::Io)
    }

    /// Reads `path` (absolute, or relative to the root) from disk, whatever its
    /// size, when it is a regular file ([`Workspace::read_file`]).
    pub fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.read_at(&self.root.join(path), u64::MAX).map_err(std::io::Error::from)
    }

    /// The bytes of the picture at `path` (absolute, or relative to the root):
    /// read from disk the first time, shared afterwards.
    pub fn picture(&self, path: &Path) -> Shared {
        let path = self.root.join(path);
        // The map is locked only to find the picture's cell; threads asking for
        // one picture wait on its cell, others go on.
        let cell = self
            .shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(path.clone())
            .or_default()
            .clone();
        cell.get_or_init(|| self.read(&path).map(Arc::from).map_err(Arc::new)).clone()
    }

    /// How often each file was read from disk so far.
    pub fn reads(&self) -> BTreeMap<PathBuf, usize> {
        let reads = self.reads.lock().unwrap_or_else(PoisonError::into_inner);
        reads.iter().map(|(path, count)| (path.clone(), *count)).collect()
    }
}

/// Reports and requests larger than this are refused (`file-too-large`), and
/// no file larger is read to quote it.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Why a repository file was not read ([`Workspace::read_file`]).
#[derive(Debug)]
pub enum Unread {
    /// It is a symbolic link.
    Link,
    /// It is not a regular file: a folder, a pipe, a device.
    NotAFile,
    /// It has this many bytes, more than the limit.
    TooLarge(u64),
    /// Reading it failed.
    Io(std::io::Error),
}

impl From<Unread> for std::io::Error {
    fn from(why: Unread) -> std::io::Error {
        let other = |zh: &str, en: &str| std::io::Error::other(format!("{zh} / {en}"));
        match why {
            Unread::Link => other("是符号链接，未读取", "a symbolic link, not read"),
            Unread::NotAFile => other("不是普通文件", "not a regular file"),
            Unread::TooLarge(len) => {
                other(&format!("有 {len} 字节，超过上限"), &format!("{len} bytes, over the limit"))
            }
            Unread::Io(err) => err,
        }
    }
}

/// The settings file's name at the repository root (`config::FILE`).
pub const SETTINGS_FILE: &str = "xinbao.yaml";

/// `SOURCE_DATE_EPOCH`, when it is a time between 1980 and 9999: `new` writes it
/// as the report's `submitted_at` (the documents are dated from the history and
/// do not need it).
pub fn source_date_epoch() -> Option<chrono::DateTime<chrono::Utc>> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .filter(|d| (1980..=9999).contains(&chrono::Datelike::year(d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_read_once() {
        let dir = std::env::temp_dir().join(format!("xinbao-ws-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.png"), b"png").unwrap();
        let ws = Workspace::new(&dir, chrono::Utc::now());
        assert_eq!(&*ws.picture(Path::new("a.png")).unwrap(), b"png");
        assert_eq!(&*ws.picture(&dir.join("a.png")).unwrap(), b"png");
        assert!(ws.picture(Path::new("missing.png")).is_err());
        assert!(ws.picture(Path::new("missing.png")).is_err());
        assert_eq!(ws.reads().values().copied().collect::<Vec<_>>(), vec![1, 1]);
        std::fs::write(dir.join("b.png"), b"b").unwrap();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| assert_eq!(&*ws.picture(Path::new("b.png")).unwrap(), b"b"));
            }
        });
        assert_eq!(ws.reads()[&dir.join("b.png")], 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn only_a_regular_file_within_the_limit_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path(), chrono::Utc::now());
        std::fs::write(dir.path().join("a.md"), b"text").unwrap();
        std::os::unix::fs::symlink("a.md", dir.path().join("link.md")).unwrap();
        std::fs::create_dir(dir.path().join("folder.md")).unwrap();
        let fifo = std::process::Command::new("mkfifo").arg(dir.path().join("pipe.md")).status();
        assert_eq!(ws.read_file("a.md", 4).unwrap(), b"text");
        assert!(matches!(ws.read_file("a.md", 3), Err(Unread::TooLarge(4))));
        assert!(matches!(ws.read_file("link.md", 10), Err(Unread::Link)));
        assert!(matches!(ws.read_file("folder.md", 10), Err(Unread::NotAFile)));
        assert!(matches!(ws.read_file("none.md", 10), Err(Unread::Io(_))));
        // A pipe with no writer: opening it to read would wait for ever.
        if fifo.is_ok_and(|s| s.success()) {
            assert!(matches!(ws.read_file("pipe.md", 10), Err(Unread::NotAFile)));
        }
        let drafted = Workspace::with_draft(dir.path(), chrono::Utc::now(), "new.md", "draft");
        assert_eq!(drafted.read_file("new.md", 10).unwrap(), b"draft");
    }
}

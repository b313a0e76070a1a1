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

    /// Reads `path` (absolute, or relative to the root) from disk.
    pub fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let path = self.root.join(path);
        if let Some((file, text)) = &self.draft
            && path == self.root.join(file)
        {
            return Ok(text.to_vec());
        }
        *self
            .reads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(path.clone())
            .or_default() += 1;
        std::fs::read(&path)
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
}

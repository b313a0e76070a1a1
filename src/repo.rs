//! The run's git repository, opened once: one handle for the run's own thread,
//! and the handles of the worker threads that read objects on all cores, each
//! opened when first needed and kept for the rest of the run.
//!
//! A `git2::Repository` cannot be shared between threads, so work spread over
//! the cores borrows a handle of its own ([`Workers::with`]) rather than
//! opening the repository again for each piece of work.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// The git repository of a run.
pub struct Repo {
    handle: git2::Repository,
    workers: Workers,
}

/// The handles lent to worker threads; shared by them (it is `Sync`).
pub struct Workers {
    /// The git folder the run's handle has open.
    path: PathBuf,
    /// Handles not lent out now.
    idle: Mutex<Vec<git2::Repository>>,
    /// How many were opened in this run.
    opened: AtomicUsize,
}

impl Repo {
    /// The run's repository, open as `handle`.
    pub fn new(handle: git2::Repository) -> Repo {
        let path = handle.path().to_path_buf();
        let workers = Workers { path, idle: Mutex::default(), opened: AtomicUsize::new(0) };
        Repo { handle, workers }
    }

    /// The handles for worker threads ([`Workers::with`]).
    pub fn workers(&self) -> &Workers {
        &self.workers
    }
}

impl Deref for Repo {
    type Target = git2::Repository;

    fn deref(&self) -> &git2::Repository {
        &self.handle
    }
}

impl Workers {
    /// Runs `work` with a handle of the repository no other thread is using:
    /// an idle one, else one opened now and kept for the run's later work.
    pub fn with<T>(
        &self,
        work: impl FnOnce(&git2::Repository) -> Result<T, git2::Error>,
    ) -> Result<T, git2::Error> {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let handle = match idle {
            Some(handle) => handle,
            None => {
                self.opened.fetch_add(1, Ordering::Relaxed);
                git2::Repository::open(&self.path)?
            }
        };
        let result = work(&handle);
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).push(handle);
        result
    }

    /// How many handles worker threads have had opened in this run: at most
    /// one per thread, however many pieces of work they did.
    pub fn opened(&self) -> usize {
        self.opened.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_handle_is_opened_once_and_lent_again() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repo::new(git2::Repository::init(dir.path()).unwrap());
        let workers = repo.workers();
        for _ in 0..5 {
            let path = workers.with(|git| Ok(git.path().to_path_buf())).unwrap();
            assert_eq!(path, repo.path());
        }
        assert_eq!(workers.opened(), 1);
        // Two at once need two handles.
        workers.with(|_| workers.with(|_| Ok(()))).unwrap();
        assert_eq!(workers.opened(), 2);
    }
}

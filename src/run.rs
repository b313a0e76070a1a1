//! One run of xinbao, in the spirit of typst's `World`: everything a command
//! works in, made once from the parsed arguments and passed down.
//!
//! A [`Run`] holds the repository's [`Workspace`] (its root, every file read and
//! the run's clock), the git repository opened once (none outside git), the
//! user's language, the pinned trust anchor and the facts of its commits, read
//! once. Nothing below the commands opens the repository, walks its history,
//! reads the clock or the environment for these again.

use crate::commits::Commits;
use crate::history::History;
use crate::lang::Lang;
use crate::parsed::Parsed;
use crate::repo::Repo;
use crate::workspace::Workspace;
use anyhow::bail;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

/// Opens the git work tree that contains `root`, if any.
pub fn discover(root: &Path) -> Option<git2::Repository> {
    git2::Repository::discover(root).ok().filter(|repo| repo.workdir().is_some())
}

/// The folder of `root` in `git`'s work tree, ending in `/` (`""` at the top, and
/// in a server's bare repository, which is the reports repository as a whole).
fn prefix_in(git: &git2::Repository, root: &Path) -> String {
    let Some(workdir) = git.workdir().and_then(|w| w.canonicalize().ok()) else {
        return String::new();
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match root.strip_prefix(&workdir).map(|p| p.to_string_lossy().replace('\\', "/")) {
        Ok(folder) if !folder.is_empty() => format!("{folder}/"),
        _ => String::new(),
    }
}

/// Frees `value` on a thread of its own: a command's answer does not wait for
/// the memory of 10,000 parsed reports to be given back (a process that ends
/// does not wait for it at all). Freed here when no thread can be started.
pub fn free_later<T: Send + 'static>(value: T) {
    // Should no thread start, the closure is dropped here, and the value with it.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Why a command that needs the approvals cannot run outside git.
pub fn no_git() -> anyhow::Error {
    anyhow::anyhow!(
        "审核状态记录在 git 历史中：这里不是 git 仓库 / approvals live in the git history: not a git repository"
    )
}

/// The context of one run.
pub struct Run {
    workspace: Arc<Workspace>,
    git: Option<Rc<Repo>>,
    /// Whether the clone is shallow (its history is not all there).
    shallow: bool,
    /// The folder of the reports repository in the git repository (`""`, or
    /// `sub/` when it is a folder of a larger repository).
    prefix: String,
    lang: Lang,
    trust_root: Option<String>,
    /// What each commit does, read once whoever asks.
    commits: Rc<Commits>,
    /// What earlier runs of a long-lived process keep for this one.
    warm: Option<Rc<Warm>>,
    /// The reports earlier command line runs kept parsed.
    stored: Rc<StoredParses>,
}

/// The reports earlier command line runs kept parsed: read ahead on a thread of
/// their own ([`Run::read_ahead`]), or when first asked.
#[derive(Default)]
struct StoredParses {
    reading: std::cell::RefCell<Option<std::thread::JoinHandle<Parsed>>>,
    parsed: std::cell::OnceCell<Option<Parsed>>,
}

/// The parses are freed as the verdicts are ([`free_later`]).
impl Drop for StoredParses {
    fn drop(&mut self) {
        if let Some(parsed) = self.parsed.take() {
            free_later(parsed);
        }
    }
}

/// What a long-lived process (the desk) keeps between its runs on one
/// repository: the facts of the commits and the reports as parsed, so that a
/// run reads only the commits and files that changed since the last one.
pub struct Warm {
    root: std::path::PathBuf,
    commits: Rc<Commits>,
    parsed: Parsed,
    /// The first commits last read, by the commit they were read from.
    history: std::cell::RefCell<Option<(git2::Oid, History)>>,
}

impl Run {
    /// The run on the reports repository at `root`: its git repository is found
    /// once (the enclosing work tree, if any) and the clock read once.
    pub fn open(root: &Path, lang: Lang, trust_root: Option<String>) -> Run {
        Run::with_git(root, discover(root), lang, trust_root)
    }

    /// The run on `root` with the git repository `git` already open (a server's
    /// bare repository, say).
    pub fn with_git(
        root: &Path,
        git: Option<git2::Repository>,
        lang: Lang,
        trust_root: Option<String>,
    ) -> Run {
        // libgit2 re-hashes every object it reads, which is a third of reading the
        // history; git itself does not (its objects are checked by `git fsck`).
        // Signatures are still verified over the exact bytes of each commit.
        git2::opts::strict_hash_verification(false);
        // Each commit is read once a run, and the worker threads keep their
        // handles for the whole run: libgit2's cache of parsed objects would
        // only hold on to what was read (23 MB over 10,000 commits).
        git2::opts::enable_caching(false);
        let workspace = Workspace::new(root, chrono::Utc::now());
        let shallow = git.as_ref().is_some_and(git2::Repository::is_shallow);
        let prefix = git.as_ref().map(|git| prefix_in(git, root)).unwrap_or_default();
        let commits = Rc::new(Commits::new(&prefix));
        let git = git.map(|git| Rc::new(Repo::new(git)));
        let stored = Rc::default();
        Run { workspace, git, shallow, prefix, lang, trust_root, commits, warm: None, stored }
    }

    /// What this run's repository keeps warm for the later runs of a long-lived
    /// process ([`Run::warm`]).
    pub fn keep_warm(&self) -> Rc<Warm> {
        let commits = Rc::new(Commits::warm(&self.prefix));
        let root = self.root().to_path_buf();
        Rc::new(Warm { root, commits, parsed: Parsed::default(), history: Default::default() })
    }

    /// A run on the repository `warm` was made for, as [`Run::open`] makes it,
    /// reading through what `warm` keeps from the earlier runs.
    pub fn warm(lang: Lang, trust_root: Option<String>, warm: &Rc<Warm>) -> Run {
        let run = Run::open(&warm.root, lang, trust_root);
        Run { commits: warm.commits.clone(), warm: Some(warm.clone()), ..run }
    }

    /// The reports kept parsed by earlier runs: of a long-lived process, else
    /// those stored in the work tree's `.git` folder (none outside git).
    pub fn parsed(&self) -> Option<&Parsed> {
        if let Some(warm) = &self.warm {
            return Some(&warm.parsed);
        }
        let stored = || match self.stored.reading.take() {
            Some(reading) => reading.join().ok(),
            None => self.stored_in().map(|(git_dir, root)| Parsed::stored(&git_dir, &root)),
        };
        self.stored.parsed.get_or_init(stored).as_ref()
    }

    /// Starts reading the reports kept parsed on a thread of its own, while the
    /// history is read; [`Run::parsed`] takes them.
    pub fn read_ahead(&self) {
        let pending = self.warm.is_some() || self.stored.parsed.get().is_some();
        let mut reading = self.stored.reading.borrow_mut();
        if let (false, None, Some((git_dir, root))) = (pending, &*reading, self.stored_in()) {
            // Without a thread, they are read when first asked.
            let read = move || Parsed::stored(&git_dir, &root);
            *reading = std::thread::Builder::new().spawn(read).ok();
        }
    }

    /// Where a command line run stores parses: the work tree's `.git` folder,
    /// for this root.
    fn stored_in(&self) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
        let git = self.git().filter(|git| git.workdir().is_some())?;
        Some((git.path().to_path_buf(), self.root().to_path_buf()))
    }

    /// The first commits read from HEAD `tip` ([`crate::history::read`]): kept
    /// by a long-lived process while HEAD stays and the clock is where that
    /// history reads the same ([`History::steady`]).
    pub fn first_commits(
        &self,
        tip: git2::Oid,
        read: impl FnOnce() -> Result<History, git2::Error>,
    ) -> Result<History, git2::Error> {
        let Some(warm) = &self.warm else { return read() };
        let now = self.now().timestamp();
        if let Some((kept, history)) = &*warm.history.borrow()
            && *kept == tip
            && (history.steady.0..=history.steady.1).contains(&now)
        {
            return Ok(history.clone());
        }
        let history = read()?;
        *warm.history.borrow_mut() = Some((tip, history.clone()));
        Ok(history)
    }

    /// The trust anchor the user pinned: `--trust-root`, else `XINBAO_TRUST_ROOT`.
    pub fn pinned_anchor(given: Option<String>) -> Option<String> {
        given.or_else(|| std::env::var("XINBAO_TRUST_ROOT").ok().filter(|s| !s.is_empty()))
    }

    /// The same run after the work tree changed under it (`approve` merged a
    /// branch): the files are read afresh, at the same moment.
    pub fn reread(&self) -> Run {
        let workspace = Workspace::new(self.root(), self.now());
        Run {
            workspace,
            git: self.git.clone(),
            shallow: self.shallow,
            prefix: self.prefix.clone(),
            lang: self.lang,
            trust_root: self.trust_root.clone(),
            commits: self.commits.clone(),
            warm: self.warm.clone(),
            stored: self.stored.clone(),
        }
    }

    /// The same run with the report file `file` (relative to the root) reading as
    /// `text`, on disk or not: the desk checks what the writer is typing.
    pub fn with_draft(&self, file: &str, text: &str) -> Run {
        Run {
            workspace: Workspace::with_draft(self.root(), self.now(), file, text),
            ..self.reread()
        }
    }

    /// The reports repository's root.
    pub fn root(&self) -> &Path {
        self.workspace.root()
    }

    /// The files of the run and its clock.
    pub fn workspace(&self) -> &Arc<Workspace> {
        &self.workspace
    }

    /// The moment of the run: every stage judges by the same instant.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.workspace.now()
    }

    /// The language of the user's messages.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The commit pinned as the trust anchor, if any (SPEC §6.1).
    pub fn trust_root(&self) -> Option<&str> {
        self.trust_root.as_deref()
    }

    /// The path in the git repository of `path` (relative to the root): the
    /// reports repository may be a folder inside a larger git repository.
    pub fn in_git(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    /// What each commit of the git repository does: the first commits of
    /// reports and the approvals read the same facts, each commit once.
    pub fn commits(&self) -> &Commits {
        &self.commits
    }

    /// The user's name as git knows it (`user.name`), if set.
    pub fn user_name(&self) -> Option<String> {
        let config = self.git()?.config().ok()?;
        config.get_string("user.name").ok().filter(|s| !s.trim().is_empty())
    }

    /// The git repository, when the reports repository is in one.
    pub fn git(&self) -> Option<&Repo> {
        self.git.as_deref()
    }

    /// The git repository when its whole history is there (not a shallow clone).
    pub fn full_git(&self) -> Option<&Repo> {
        self.git().filter(|_| !self.shallow)
    }

    /// The git repository for a verdict: refuses (exit 2) outside git and in a
    /// shallow clone, whose history is not all there.
    pub fn history(&self) -> anyhow::Result<&Repo> {
        let git = self.git().ok_or_else(no_git)?;
        if self.shallow {
            bail!(
                "这是浅克隆，历史不完整，无法判定审核状态；请先运行 `git fetch --unshallow`（CI 中 actions/checkout 设 fetch-depth: 0）/ this is a shallow clone: the history is incomplete and no verdict can be given; run `git fetch --unshallow` first (in CI, actions/checkout with fetch-depth: 0)"
            );
        }
        Ok(git)
    }
}

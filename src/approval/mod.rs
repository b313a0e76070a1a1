//! Approval (SPEC §6): each report's state and trail, derived from the signed
//! commits on the first-parent history of the main branch.
//!
//! [`walk`] reads what each commit changes and whose signature it carries,
//! [`verify`] checks signatures against the [`KeyRing`], and [`trail`] replays
//! the commits in order, one small state machine per report.

pub mod keys;
pub mod trail;
pub mod verify;
pub mod walk;

pub use keys::KeyRing;
pub use trail::{Problem, Signature, State, Step, Trail};

use crate::config::Settings;
use crate::load::Repository;
use anyhow::Context as _;
use git2::Oid;
use std::collections::BTreeMap;
use std::path::Path;

/// The state of every report known to the main branch or the work tree.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Report id → its trail.
    pub trails: BTreeMap<String, Trail>,
    /// The commit the history was read up to.
    pub tip: Option<Oid>,
}

/// Reads the ledger of the git repository containing `root`, up to `rev` (default:
/// the main branch). Reports only in the work tree of `repo` are drafts.
pub fn read(
    root: &Path,
    settings: &Settings,
    ring: &KeyRing,
    rev: Option<&str>,
    repo: &Repository,
) -> anyhow::Result<Ledger> {
    let git = crate::history::open(root).context(
        "审核状态记录在 git 历史中：这里不是 git 仓库 / approvals live in the git history: not a git repository",
    )?;
    let tip = walk::tip(&git, rev).with_context(|| format!("--rev {}", rev.unwrap_or("")))?;
    let mut ledger = Ledger { tip, ..Ledger::default() };
    if let Some(tip) = tip {
        let config = std::fs::read(root.join(crate::config::FILE)).unwrap_or_default();
        let commits =
            walk::read(&git, root, tip, ring, &config).context("reading the git history")?;
        ledger.trails = trail::replay(&commits, settings, &git);
    }
    for (id, file) in &repo.files {
        ledger.trails.entry(id.clone()).or_insert_with(|| {
            let unit = repo.report(id).and_then(|r| r.unit.as_ref()).map(|u| u.value.clone());
            Trail::draft(id, file, unit)
        });
    }
    Ok(ledger)
}

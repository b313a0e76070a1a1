//! Approval (SPEC §6): each report's state and trail, derived from the signed
//! commits on the first-parent history of the main branch.
//!
//! [`main_line`] reads the main line (what each commit changes, from the run's
//! commits) and keeps it from being rewritten, [`settings`] finds the settings in
//! force at each commit and verifies its signature against their [`KeyRing`]
//! ([`verify`]), and [`trail`] replays the commits in order, one small state
//! machine per report. Nothing is read from the work tree but the drafts.

pub mod keys;
pub mod main_line;
pub mod problem;
pub mod records;
pub mod settings;
pub mod trail;
pub mod verify;

pub use keys::KeyRing;
pub use settings::{Anchor, Regime};
pub use trail::{Problem, Signature, State, Step, Trail};

use crate::load::Repository;
use crate::run::Run;
use anyhow::Context as _;
use git2::Oid;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The state of every report known to the main branch or the work tree.
#[derive(Debug)]
pub struct Ledger {
    /// Report id → its trail (reports deleted from main included: see [`Trail::deleted`]).
    pub trails: BTreeMap<String, Trail>,
    /// The commit the history was read up to.
    pub tip: Option<Oid>,
    /// The settings in force at the tip: the signed ones, whatever the work tree says.
    pub in_force: Option<Arc<Regime>>,
    /// Where trust starts.
    pub anchor: Anchor,
    /// Problems of the history itself: settings changes that did not take effect,
    /// commits dated before their parents.
    pub problems: Vec<Problem>,
    /// Each version of the settings that was in force, with when.
    pub periods: Vec<settings::Period>,
    /// The office records in force at the tip: path → blob (SPEC §6.3).
    pub records: BTreeMap<String, Oid>,
    /// Whether the main line skips the tip the server recorded and no office or
    /// admin signature acknowledged it: nothing is published (SPEC §6.3).
    pub rewritten: bool,
}

impl Default for Ledger {
    fn default() -> Ledger {
        Ledger {
            trails: BTreeMap::new(),
            tip: None,
            in_force: None,
            anchor: Anchor::None,
            problems: Vec::new(),
            periods: Vec::new(),
            records: BTreeMap::new(),
            rewritten: false,
        }
    }
}

impl Ledger {
    /// The trails of reports on the main branch or in the work tree, without
    /// those a signed deletion removed.
    pub fn current(&self) -> impl Iterator<Item = &Trail> {
        self.trails.values().filter(|t| !t.is_removed())
    }

    /// The trail of `report`: the one of its id, when this file holds it. A second
    /// file with an id already on the main branch has no trail (SPEC §6.3).
    pub fn trail_of(&self, report: &crate::report::Report) -> Option<&Trail> {
        self.trails.get(&report.id).filter(|t| t.file == report.file)
    }
}

/// Reads the ledger from the run's history alone (a server's bare repository
/// too): every report the main branch ever held up to `rev` (default: the main
/// branch), judged commit by commit, and the settings in force at the tip; held
/// to `recorded`, the last tip of `main` the server recorded, when the main line
/// does not pass through it (SPEC §6.3). Refuses outside git and in a shallow clone.
pub fn read_history(run: &Run, rev: Option<&str>, recorded: Option<Oid>) -> anyhow::Result<Ledger> {
    let git = run.history()?;
    let tip = main_line::tip(git, rev).with_context(|| format!("--rev {}", rev.unwrap_or("")))?;
    let mut ledger = Ledger { tip, ..Ledger::default() };
    let Some(tip) = tip else { return Ok(ledger) };
    let line = main_line::follow(git, run, tip, pinned(git, run)?, recorded)
        .context("reading the git history")?;
    let (commits, judged) = (line.commits, line.judged);
    ledger.rewritten = line.unacknowledged;
    ledger.trails = trail::replay(&commits, &judged, git);
    let records = records::replay(&commits, &judged);
    ledger.records = records.in_force;
    ledger.in_force = judged.in_force;
    ledger.anchor = judged.anchor;
    ledger.problems = judged.problems;
    ledger.problems.extend(records.problems);
    ledger.problems.extend(line.problems);
    ledger.periods = judged.periods;
    Ok(ledger)
}

/// The commit the run pinned as the trust anchor, resolved in `git`.
fn pinned(git: &git2::Repository, run: &Run) -> anyhow::Result<Option<Oid>> {
    let Some(rev) = run.trust_root() else { return Ok(None) };
    let commit = git.revparse_single(rev).and_then(|o| o.peel_to_commit());
    Ok(Some(commit.map(|c| c.id()).with_context(|| format!("--trust-root {rev}"))?))
}

/// The office records in force at the main branch's tip (SPEC §6.3), judged
/// without the reports' approvals: what `check` needs. `None` outside git, in a
/// shallow clone or before the first commit.
pub fn records_in_force(run: &Run) -> anyhow::Result<Option<BTreeMap<String, Oid>>> {
    let Some(git) = run.full_git() else { return Ok(None) };
    let Some(tip) = main_line::tip(git, None)? else { return Ok(None) };
    let commits = main_line::read(git, run, tip).context("reading the git history")?;
    let judged = settings::judge(git, run, &commits, pinned(git, run)?, false)?;
    Ok(Some(records::replay(&commits, &judged).in_force))
}

/// The bytes of the office records `in_force` (path → blob) in `git`.
pub fn record_bytes(
    git: &git2::Repository,
    in_force: &BTreeMap<String, Oid>,
) -> BTreeMap<String, Vec<u8>> {
    let Ok(odb) = git.odb() else { return BTreeMap::new() };
    in_force
        .iter()
        .filter_map(|(path, blob)| {
            let object =
                crate::tree::read_at_most(&odb, *blob, crate::load::MAX_FILE_BYTES).ok()?;
            Some((path.clone(), object.data().to_vec()))
        })
        .collect()
}

impl Ledger {
    /// Adds the reports of `repo` that the main branch does not hold, as drafts.
    pub fn add_drafts(&mut self, repo: &Repository) {
        for (id, file) in &repo.files {
            let draft = || {
                let unit = repo.report(id).and_then(|r| r.unit.as_ref()).map(|u| u.value.clone());
                Trail::draft(id, file, unit)
            };
            match self.trails.get_mut(id) {
                Some(trail) if trail.is_removed() => *trail = draft(),
                Some(_) => {}
                None => {
                    self.trails.insert(id.clone(), draft());
                }
            }
        }
    }

    /// The settings in force at the tip, when the history has any.
    pub fn settings(&self) -> Option<&crate::config::Settings> {
        self.in_force.as_deref().map(|r| &r.settings)
    }
}

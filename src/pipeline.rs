//! The pipeline every command that judges starts from ([`judge`]), in the order
//! of the process: the history and the settings in force → load the work tree →
//! put it under the history → check it against the rules (first commits and the
//! server's receipts) → judge it by the history. Commands call it once and then
//! one stage (print, render, archive, count); nothing else assembles the stages.

use crate::approval::{self, KeyRing, Ledger};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::history::History;
use crate::lang::{Lang, Text, Tone, tell};
use crate::load::{self, Repository};
use crate::rules;
use crate::run::Run;
use std::path::{Path, PathBuf};

/// What a command asks of the pipeline: which of the stages it needs.
#[derive(Clone, Copy, Debug)]
pub enum Purpose<'a> {
    /// `check` (and `render`, `approve`, `publish` before they act): the work tree
    /// read under its own settings and checked, with the office records in force;
    /// with `approvals`, the ledger up to `rev` and its findings too.
    Check {
        /// Whether the approvals are judged as well (`check --approvals`).
        approvals: bool,
        /// The revision the history is read up to (default: the main branch).
        rev: Option<&'a str>,
        /// Report files named on the command line, outside `reports/`.
        extra: &'a [PathBuf],
    },
    /// `status`, `log`, `keys`, `approve`, `publish`: every report's approval state
    /// up to `rev`, the work tree under the settings in force; no rules.
    Approvals {
        /// The revision the history is read up to (default: the main branch).
        rev: Option<&'a str>,
    },
    /// `build`, `stats`, `bulletin`: the figures and documents as signed — stale
    /// reports as their signed text, unsigned deletions kept, and with `deleted`
    /// signed deletions kept too (for the statistics).
    Figures {
        /// Whether reports deleted with a signature still count.
        deleted: bool,
    },
}

impl<'a> Purpose<'a> {
    /// Whether the approvals are read: `check --approvals`, the approvals, and
    /// the figures in a git repository.
    fn reads_ledger(self, run: &Run) -> bool {
        match self {
            Purpose::Check { approvals, .. } => approvals,
            Purpose::Approvals { .. } => true,
            Purpose::Figures { .. } => run.git().is_some(),
        }
    }

    /// Whether the first commits (and the receipts) are read: the approvals
    /// need them only when the server keeps receipts.
    fn reads_first_commits(self, run: &Run) -> bool {
        match self {
            Purpose::Approvals { .. } => {
                run.git().is_some_and(|git| git.find_reference(crate::receipt::NOTES_REF).is_ok())
            }
            _ => true,
        }
    }

    /// The revision the history is read up to (default: the main branch).
    fn rev(self) -> Option<&'a str> {
        match self {
            Purpose::Check { rev, .. } | Purpose::Approvals { rev } => rev,
            Purpose::Figures { .. } => None,
        }
    }

    /// The report files named outside `reports/`.
    fn extra(self) -> &'a [PathBuf] {
        match self {
            Purpose::Check { extra, .. } => extra,
            _ => &[],
        }
    }

    /// Whether the rules are checked (all but the approvals).
    fn checks(self) -> bool {
        !matches!(self, Purpose::Approvals { .. })
    }
}

/// What every command that judges anything starts from: the work tree as the
/// history puts it, its findings, and the ledger (none outside git).
pub struct Verdicts {
    /// The work tree read under the settings in force.
    pub repo: Repository,
    /// The findings of the check (only the loader's without one).
    pub diags: Diagnostics,
    /// The late reports, as the check judged them.
    pub late: rules::Lateness,
    /// The approvals, when there is a git history (and the purpose reads it).
    pub ledger: Option<Ledger>,
    /// First commits and receipts, when git could be read.
    pub history: Option<History>,
}

/// The one assembly, in the order of the process: the history and the settings
/// in force → load the work tree → put it under the history → check → judge by
/// the history. The settings that decide verdicts come from the signed history,
/// never from the work tree (SPEC §6.1); outside git the work tree's are all
/// there is. A shallow clone is refused where a verdict needs the history.
pub fn judge(run: &Run, purpose: Purpose) -> anyhow::Result<Verdicts> {
    run.read_ahead();
    let mut diags = Diagnostics::default();
    let (extra, check) = (purpose.extra(), purpose.checks());
    let mut ledger =
        purpose.reads_ledger(run).then(|| read_ledger(run, purpose.rev())).transpose()?;
    // The first commits, read while the facts of the commits are at hand (the
    // approvals read them too); the receipts are judged once the settings are.
    let history = purpose.reads_first_commits(run).then(|| first_commits(run)).flatten();
    // Without a ledger, the office records in force are read from the same facts.
    let records = match ledger {
        None if has_records(run) => records_in_force(run),
        _ => None,
    };
    run.commits().release();
    let in_force = match purpose {
        // `check` lints the work tree's settings file as it is.
        Purpose::Check { .. } => None,
        _ => ledger.as_ref().and_then(Ledger::settings),
    };
    let mut repo = match in_force {
        Some(in_force) => {
            let settings = settings_in_force(run, in_force);
            load::load_with_kept(run.workspace(), extra, settings, run.parsed(), &mut diags)
        }
        None => load::load_kept(run.workspace(), extra, run.parsed(), &mut diags)?,
    };
    // A report deleted without a signature keeps its record everywhere; one
    // deleted with a signature only in the statistics (`deleted`). A report
    // changed without a signature after its approval counts as it was signed.
    if let (Purpose::Figures { deleted }, Some(ledger), Some(git)) = (purpose, &ledger, run.git()) {
        add_deleted(git, &mut repo, ledger, deleted, &mut diags);
        as_signed(git, &mut repo, ledger);
    }
    // Of files sharing an id main does not hold, the one committed first keeps
    // it; before the references are judged, which look ids up.
    if let Some(history) = &history {
        let held = |id: &str| ledger.as_ref().is_some_and(|l| l.trails.contains_key(id));
        repo.prefer_first_committed(|file| history.first_added(file), held);
    }
    match &ledger {
        Some(ledger) => under_history(run, &mut repo, ledger, &mut diags),
        None => {
            // A report may name a request although the work tree has no office records.
            let named = || repo.reports.iter().any(|r| r.request.is_some());
            let records = records.or_else(|| named().then(|| records_in_force(run)).flatten());
            if let (Some(records), Some(git)) = (records, run.git()) {
                repo.use_records(&approval::record_bytes(git, &records));
            }
            load::sever_cross_unit(&mut repo, None, &mut diags);
        }
    }
    let history = history.map(|mut history| {
        with_receipts(run, &repo.settings, ledger.as_ref(), &mut history);
        history
    });
    // `check FILE` (and the desk's check of a draft) judges the reports named.
    let within = load::Within::new(run.root(), extra);
    let named = |report: &crate::report::Report| extra.is_empty() || within.has(&report.file);
    let late = match check {
        true => rules::check_only(&repo, history.as_ref(), &named, &mut diags),
        false => rules::Lateness::default(),
    };
    if let Some(ledger) = &mut ledger {
        if check {
            judged_by_history(&repo, ledger, &mut diags);
        }
        ledger.add_drafts(&repo);
    }
    Ok(Verdicts { repo, diags, late, ledger, history })
}

impl Verdicts {
    /// The ledger, which the command needs: fails (exit 2) outside git.
    pub fn ledger(&self) -> anyhow::Result<&Ledger> {
        self.ledger.as_ref().ok_or_else(crate::run::no_git)
    }

    /// When the server received report `id` (SPEC §6.2); `None`: unconfirmed.
    pub fn received(&self, id: &str) -> Option<i64> {
        self.history.as_ref()?.received.get(id).copied()
    }

    /// The bureau's signing keys: those of the settings in force (none before any).
    pub fn ring(&self) -> &KeyRing {
        static NONE: std::sync::OnceLock<KeyRing> = std::sync::OnceLock::new();
        let in_force = self.ledger.as_ref().and_then(|l| l.in_force.as_deref());
        in_force.map_or_else(|| NONE.get_or_init(KeyRing::default), |r| &r.ring)
    }
}

/// Whether the work tree has office records (SPEC §6.3): only then does the
/// check without a ledger read the ones in force before it knows the reports.
fn has_records(run: &Run) -> bool {
    crate::commits::RECORDS.iter().any(|dir| run.root().join(dir).exists())
}

/// The office records in force in the history, for the check without a ledger.
fn records_in_force(run: &Run) -> Option<std::collections::BTreeMap<String, git2::Oid>> {
    approval::records_in_force(run).ok().flatten()
}

/// The ledger of the run's repository up to `rev` (default: the main branch),
/// held to the last tip of `main` the server recorded: the main line, unless it
/// does not pass through that tip — then `history-rewritten`, and the verdicts
/// follow the recorded line until an office or admin signature acknowledges the
/// rewrite (SPEC §6.3). A main moved back to an older commit is a rewrite too (it
/// drops what the server recorded): a clone whose main is only behind is told so
/// by the same finding, and `git pull` clears it. Refuses outside git and in a
/// shallow clone.
pub fn read_ledger(run: &Run, rev: Option<&str>) -> anyhow::Result<Ledger> {
    let ledger = approval::read_history(run, rev, None)?;
    let git = run.history()?;
    let recorded = crate::receipt::recorded_main(git, &ledger.periods);
    let (Some(tip), Some((old, _))) = (ledger.tip, recorded) else { return Ok(ledger) };
    if crate::receipt::passes_through(git, tip, old) {
        return Ok(ledger);
    }
    approval::read_history(run, rev, Some(old))
}

/// Replaces each stale report (changed on main after its last approval or
/// publication, without a signature) by the text that was signed: an unsigned
/// edit of its unit, its times or its request after the fact moves no figure
/// and no late mark (SPEC §6.3). The work tree's text is still what `check`,
/// `status` and `render` show.
fn as_signed(git: &git2::Repository, repo: &mut Repository, ledger: &Ledger) {
    let Ok(odb) = git.odb() else { return };
    for report in &mut repo.reports {
        let Some(trail) = ledger.trail_of(report).filter(|t| t.state == approval::State::Stale)
        else {
            continue;
        };
        let blob = trail.last_signed_text();
        let mut ignored = Diagnostics::default();
        if let Some(signed) =
            from_history(&odb, trail, blob, (&repo.settings, &repo.placeholders), &mut ignored)
        {
            *report = std::sync::Arc::new(signed);
        }
    }
}

/// `trail`'s report as the history holds it in `blob`, its text kept to be laid
/// out as it was signed; its findings go to `diags`.
fn from_history(
    odb: &git2::Odb,
    trail: &approval::Trail,
    blob: Option<git2::Oid>,
    (settings, placeholders): (&crate::config::Settings, &crate::report::Placeholders),
    diags: &mut Diagnostics,
) -> Option<crate::report::Report> {
    let text = crate::commits::text_of(odb, blob?)?;
    let mut report =
        crate::report::parse(&trail.file, &trail.id, &text, settings, placeholders, diags)?;
    report.read = Some(crate::report::ReadText::of_text(text));
    Some(report)
}

/// Puts the work tree under what the signed history decides (SPEC §6.3): the
/// office records in force replace the work tree's, and an id held by a file on
/// the main branch is that file's, whatever other file has the same id.
fn under_history(run: &Run, repo: &mut Repository, ledger: &Ledger, diags: &mut Diagnostics) {
    if let (Some(_), Some(git)) = (ledger.tip, run.git()) {
        repo.use_records(&approval::record_bytes(git, &ledger.records));
    }
    repo.prefer(|id| ledger.trails.get(id).map(|t| t.file.as_str()));
    // Another unit's report is retracted only by a report the office published.
    let published = |r: &crate::report::Report| {
        ledger.trail_of(r).is_some_and(|t| t.state == approval::State::Published)
    };
    load::sever_cross_unit(repo, Some(&published), diags);
}

/// What the history changes in the check's findings (SPEC §6.3): the file that
/// holds an id on the main branch keeps it (its `duplicate-id` is a warning; every
/// other file's is an error, which keeps it out of documents and the archive), and
/// `template-text` never fires on a report whose text is approved or published.
fn judged_by_history(repo: &Repository, ledger: &Ledger, diags: &mut Diagnostics) {
    let holder = |file: &str| {
        let trail = ledger.trails.get(&load::stem(file))?;
        (trail.state != approval::State::Draft).then_some(trail.file.as_str())
    };
    let signed = |file: &str| {
        repo.reports
            .iter()
            .any(|r| r.file == file && ledger.trail_of(r).is_some_and(|t| t.state.is_approved()))
    };
    diags.retain(|d| !(d.rule == crate::diag::Rule::TemplateText && signed(&d.file)));
    diags.reassess(|d| match d.rule {
        crate::diag::Rule::DuplicateId => holder(&d.file).map(|held| match held == d.file {
            true => Severity::Warning,
            false => Severity::Error,
        }),
        _ => None,
    });
}

/// The history's times for the check: when each report was first committed and
/// when the server received it; none outside git or in a shallow clone (a history
/// that cannot be read is said, and skipped). Receipts are judged by the settings
/// in force at their time when the `ledger` is given (verdicts; its approved texts
/// decide which versions count), else by `settings`.
pub fn history_times(
    run: &Run,
    settings: &crate::config::Settings,
    ledger: Option<&Ledger>,
) -> Option<History> {
    let mut history = first_commits(run)?;
    with_receipts(run, settings, ledger, &mut history);
    Some(history)
}

/// When each report was first committed; none outside git or in a shallow clone
/// (a history that cannot be read is said, and skipped). A repository without
/// commits has an empty history.
fn first_commits(run: &Run) -> Option<History> {
    let git = run.full_git()?;
    let Ok(head) = git.head().and_then(|h| h.peel_to_commit()) else {
        return Some(History::default());
    };
    let (tracked, now) = (run.in_git(load::REPORTS), run.now().timestamp());
    let read = || crate::history::read(git, &head, run.commits(), &tracked, now);
    match run.first_commits(head.id(), read) {
        Ok(history) => Some(history),
        Err(err) => {
            let text = Text::new(
                format!("读取 git 历史失败，跳过首次提交时间检查：{err}"),
                format!("cannot read the git history, skipping the first-commit check: {err}"),
            );
            tell(run.lang(), Tone::Hint, &text);
            None
        }
    }
}

/// Adds the server's receipts to `history` (see [`history_times`]).
fn with_receipts(
    run: &Run,
    settings: &crate::config::Settings,
    ledger: Option<&Ledger>,
    history: &mut History,
) {
    if let Some(git) = run.full_git() {
        crate::receipt::apply(git, run.workspace(), settings, ledger, history);
    }
}

/// Adds the reports deleted from the main branch, read from their last text in
/// the history: a report deleted without a signature is still there (SPEC §6.1),
/// and with `signed`, a signed deletion's record stays in the statistics too.
fn add_deleted(
    git: &git2::Repository,
    repo: &mut Repository,
    ledger: &Ledger,
    signed: bool,
    diags: &mut Diagnostics,
) {
    let Ok(odb) = git.odb() else { return };
    let wanted = |t: &&crate::approval::Trail| t.deleted.is_some() && (signed || !t.is_removed());
    for trail in ledger.trails.values().filter(wanted) {
        if repo.files.iter().any(|(_, file)| *file == trail.file) {
            continue;
        }
        let mut local = crate::diag::Diagnostics::default();
        if let Some(report) = from_history(
            &odb,
            trail,
            trail.blob(),
            (&repo.settings, &repo.placeholders),
            &mut local,
        ) {
            // Not among `files`, which are the work tree's: it is no draft.
            repo.reports.push(std::sync::Arc::new(report));
            diags.merge(local);
        }
    }
    repo.reports.sort_by(|a, b| a.file.cmp(&b.file));
    repo.reindex();
}

/// The settings a verdict command works with: the work tree's names and layout,
/// and everything that decides verdicts from the signed settings in force. Says
/// so when the work tree's verdict parts differ.
fn settings_in_force(run: &Run, in_force: &crate::config::Settings) -> crate::config::Settings {
    let mut ignored = Diagnostics::default();
    let Ok(work_tree) = crate::config::load(run.workspace(), &mut ignored) else {
        return in_force.clone();
    };
    let settings = work_tree.with_verdicts_of(in_force);
    if work_tree.verdict_text() != in_force.verdict_text() {
        note_settings_differ(run.lang());
    }
    settings
}

/// Says that the work tree's `xinbao.yaml` decides verdicts differently from the
/// settings in force, and that the signed ones are used.
fn note_settings_differ(lang: Lang) {
    let text = Text::new(
        "工作区的 xinbao.yaml 与历史中生效的设置不同；判定一律按已签名生效的设置（未经办公室或管理员签名提交的修改不生效；`xinbao status` 列出是哪些提交）",
        "xinbao.yaml in the work tree differs from the settings in force; verdicts use the signed settings in force (changes not committed with an office or admin signature do not count; `xinbao status` lists which commits)",
    );
    tell(lang, Tone::Caution, &text);
}

/// Warns when a report's text in the work tree is not its text on the main
/// branch: the figures and the bulletin are made from the work tree, which should
/// be a checkout of main. The texts compared are those read for the run.
pub fn warn_if_not_main(run: &Run, repo: &Repository, ledger: &Ledger) {
    let Some(git) = run.git() else { return };
    let Some(tree) = ledger.tip.and_then(|tip| git.find_commit(tip).ok()?.tree().ok()) else {
        return;
    };
    let changed: Vec<&str> = repo
        .reports
        .iter()
        .filter(|report| repo.files.iter().any(|(_, file)| *file == report.file))
        .filter(|report| {
            let path = run.in_git(&report.file);
            // Reports not on main are drafts and are not counted anyway.
            let Ok(entry) = tree.get_path(Path::new(&path)) else { return false };
            // A stale report is counted as signed: its work-tree bytes are on disk.
            let stale = ledger.trail_of(report).is_some_and(|t| t.state == approval::State::Stale);
            let blob = match stale {
                true => {
                    git2::Oid::hash_file(git2::ObjectType::Blob, run.root().join(&report.file)).ok()
                }
                false => {
                    report.read.as_ref().and_then(|read| read.blob(&repo.workspace, &report.file))
                }
            };
            blob.is_some_and(|blob| blob != entry.id())
        })
        .map(|report| report.id.as_str())
        .collect();
    if changed.is_empty() {
        return;
    }
    let list = changed.join(", ");
    let text = Text::new(
        format!(
            "{} 条信息在工作区中与主分支不同，以下按工作区内容计算（请在主分支的干净检出上运行）：{list}",
            changed.len()
        ),
        format!(
            "{} reports differ from the main branch; the work tree's text is used (run on a clean checkout of main): {list}",
            changed.len()
        ),
    );
    tell(run.lang(), Tone::Caution, &text);
}

/// Names the `adoptions` entries of reports `ids` that no office signature
/// added (SPEC §6.3): they do not score until the office commits them itself.
pub fn note_unvouched_adoptions(ledger: &Ledger, ids: &[&str], lang: Lang) {
    let entries: Vec<String> = ids
        .iter()
        .filter_map(|id| ledger.trails.get(*id))
        .flat_map(|t| {
            let unvouched = t.adoptions.iter().filter(|a| !t.vouched.contains(*a));
            unvouched.map(|a| format!("{}：{}", t.id, a.replace('\u{1f}', " / ")))
        })
        .collect();
    if entries.is_empty() {
        return;
    }
    let list = entries.join("；");
    let text = Text::new(
        format!(
            "以下采用记录（adoptions）不是办公室签名写入的，不计分；须由办公室在自己签名的提交中登记：{list}"
        ),
        format!(
            "these adoptions entries were not written in an office-signed commit and do not score; the office must record them in a commit it signs: {list}"
        ),
    );
    tell(lang, Tone::Caution, &text);
}

/// Today in the bureau's time zone, at the run's moment.
pub fn today(run: &Run, settings: &crate::config::Settings) -> chrono::NaiveDate {
    run.now().with_timezone(&settings.timezone).date_naive()
}

/// The error-level findings about `files` (relative paths) in the work tree, as
/// `check` would report them; used by `approve` and `publish` before signing.
pub fn errors_in(run: &Run, files: &[String]) -> anyhow::Result<Vec<Diagnostic>> {
    let check = Purpose::Check { approvals: false, rev: None, extra: &[] };
    let mut diags = judge(run, check)?.diags;
    diags.retain(|d| d.severity == Severity::Error && files.contains(&d.file));
    Ok(diags.into_sorted())
}

/// The trails named by `ids` (ids or report paths), or all of them.
pub fn select<'a>(
    run: &Run,
    ledger: &'a Ledger,
    ids: &[String],
) -> anyhow::Result<Vec<&'a crate::approval::Trail>> {
    if ids.is_empty() {
        return Ok(ledger.current().collect());
    }
    ids.iter()
        .map(|given| {
            let id = if given.ends_with(".md") {
                let path = std::path::absolute(given).unwrap_or_default();
                load::stem(&load::relative(run.root(), &path))
            } else {
                given.clone()
            };
            match ledger.trails.get(&id) {
                Some(trail) => Ok(trail),
                None => Err(crate::lang::unable(
                    format!("没有编号为 {id} 的信息"),
                    format!("no report with id {id}"),
                )),
            }
        })
        .collect()
}

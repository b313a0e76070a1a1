//! The pipeline every command starts from, in the order of the process:
//! the history and the settings in force → load the work tree → check it against
//! the rules → the approvals (ledger) → the server's receipts. Commands call one
//! of these and then one stage (print, render, archive, count); nothing else
//! assembles the stages.

use crate::approval::{self, KeyRing, Ledger};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::history::History;
use crate::lang::{Lang, Text, Tone, tell};
use crate::load::{self, Repository};
use crate::rules;
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// What the commands that give verdicts start from: the work tree read under
/// the settings in force, its findings, and the ledger (none outside git).
pub struct Verdicts {
    /// The work tree read under the settings in force.
    pub repo: Repository,
    /// The findings of the check.
    pub diags: Diagnostics,
    /// The late reports, as the check judged them.
    pub late: rules::Lateness,
    /// The approvals, when there is a git history.
    pub ledger: Option<Ledger>,
    /// First commits and receipts, when git could be read.
    pub history: Option<History>,
}

/// history → the settings in force → load → check, for `build`, `stats` and
/// `bulletin`. The settings come from the signed history, never from the work
/// tree (SPEC §6.1); outside git the work tree's are all there is. A shallow clone
/// is refused. With `deleted`, reports deleted from the main branch are read from
/// the history too, so that they are still counted.
pub fn load_verdicts(root: &Path, deleted: bool, lang: Lang) -> anyhow::Result<Verdicts> {
    let mut ledger = match crate::history::open(root) {
        Some(_) => Some(read_ledger(root, None)?),
        None => None,
    };
    let mut diags = crate::diag::Diagnostics::default();
    let mut repo = match ledger.as_ref().and_then(|l| l.settings()) {
        Some(in_force) => {
            let settings = settings_in_force(root, in_force, lang);
            crate::load::load_with(root, &[], settings, &mut diags)
        }
        None => crate::load::load(root, &[], &mut diags)?,
    };
    // A report deleted without a signature keeps its record everywhere; one
    // deleted with a signature only in the statistics (`deleted`). A report
    // changed without a signature after its approval counts as it was signed.
    if let Some(ledger) = &ledger {
        add_deleted(root, &mut repo, ledger, deleted, &mut diags);
        as_signed(root, &mut repo, ledger);
    }
    match &ledger {
        Some(ledger) => under_history(root, &mut repo, ledger, &mut diags),
        None => load::sever_cross_unit(&mut repo, None, &mut diags),
    }
    let history = history_times(root, &repo.settings, ledger.as_ref());
    let late = rules::check(&repo, history.as_ref(), &mut diags);
    if let Some(ledger) = &mut ledger {
        judged_by_history(&repo, ledger, &mut diags);
        ledger.add_drafts(&repo);
    }
    Ok(Verdicts { repo, diags, late, ledger, history })
}

/// The ledger of the repository at `root` up to `rev` (default: the main
/// branch), held to the last tip of `main` the server recorded ([`ledger_in`]).
pub fn read_ledger(root: &Path, rev: Option<&str>) -> anyhow::Result<Ledger> {
    ledger_in(&approval::open_history(root)?, root, rev)
}

/// The ledger of `git`: the main line, unless it does not pass through the last
/// tip of `main` a server receipt recorded — then `history-rewritten`, and the
/// verdicts follow the recorded line until an office or admin signature
/// acknowledges the rewrite (SPEC §6.3). A main moved back to an older commit
/// is a rewrite too (it drops what the server recorded): a clone whose main is
/// only behind is told so by the same finding, and `git pull` clears it.
pub fn ledger_in(git: &git2::Repository, root: &Path, rev: Option<&str>) -> anyhow::Result<Ledger> {
    let ledger = approval::read_history_of(git, root, rev, None)?;
    let recorded = crate::receipt::recorded_main(git, &ledger.periods);
    let (Some(tip), Some((old, _))) = (ledger.tip, recorded) else { return Ok(ledger) };
    if crate::receipt::passes_through(git, tip, old) {
        return Ok(ledger);
    }
    approval::read_history_of(git, root, rev, Some(old))
}

/// Replaces each stale report (changed on main after its last approval or
/// publication, without a signature) by the text that was signed: an unsigned
/// edit of its unit, its times or its request after the fact moves no figure
/// and no late mark (SPEC §6.3). The work tree's text is still what `check`,
/// `status` and `render` show.
fn as_signed(root: &Path, repo: &mut Repository, ledger: &Ledger) {
    let Some(git) = crate::history::open(root) else { return };
    let Ok(odb) = git.odb() else { return };
    for report in &mut repo.reports {
        let Some(trail) = ledger.trail_of(report).filter(|t| t.state == approval::State::Stale)
        else {
            continue;
        };
        let blob = trail.last_signed_text();
        let mut ignored = Diagnostics::default();
        if let Some(signed) = from_history(&odb, trail, blob, &repo.settings, &mut ignored) {
            *report = signed;
        }
    }
}

/// `trail`'s report as the history holds it in `blob`, its text kept to be laid
/// out as it was signed; its findings go to `diags`.
fn from_history(
    odb: &git2::Odb,
    trail: &approval::Trail,
    blob: Option<git2::Oid>,
    settings: &crate::config::Settings,
    diags: &mut Diagnostics,
) -> Option<crate::report::Report> {
    let text = approval::walk::text_of(odb, blob?)?;
    let mut report = crate::report::parse(&trail.file, &trail.id, &text, settings, diags)?;
    report.read = Some(crate::report::ReadText { text: text.into(), original: None });
    Some(report)
}

/// Puts the work tree under what the signed history decides (SPEC §6.3): the
/// office records in force replace the work tree's, and an id held by a file on
/// the main branch is that file's, whatever other file has the same id.
pub fn under_history(root: &Path, repo: &mut Repository, ledger: &Ledger, diags: &mut Diagnostics) {
    if ledger.tip.is_some() {
        repo.use_records(&approval::record_bytes(root, &ledger.records));
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
pub fn judged_by_history(repo: &Repository, ledger: &Ledger, diags: &mut Diagnostics) {
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
/// when the server received it; none outside git or in a shallow clone.
/// Receipts are judged by the settings in force at their time when the `ledger`
/// is given (verdicts; its approved texts decide which versions count), else by
/// `settings`.
pub fn history_times(
    root: &Path,
    settings: &crate::config::Settings,
    ledger: Option<&Ledger>,
) -> Option<crate::history::History> {
    let git = crate::history::open(root).filter(|git| !git.is_shallow())?;
    times_in(&git, root, settings, ledger).ok()
}

/// The history's times read from the open repository `git`: first commits, then
/// the server's receipts (see [`history_times`]).
pub fn times_in(
    git: &git2::Repository,
    root: &Path,
    settings: &crate::config::Settings,
    ledger: Option<&Ledger>,
) -> Result<crate::history::History, git2::Error> {
    let mut history = crate::history::read(git, root, crate::load::REPORTS)?;
    crate::receipt::apply(git, root, settings, ledger, &mut history);
    Ok(history)
}

/// [`Verdicts`] with the ledger they require (for `stats` and `bulletin`).
pub struct Judged {
    /// The work tree read under the settings in force.
    pub repo: Repository,
    /// The findings of the check.
    pub diags: Diagnostics,
    /// The late reports, as the check judged them.
    pub late: rules::Lateness,
    /// The approvals.
    pub ledger: Ledger,
}

/// `load_verdicts` where a ledger is required: fails (exit 2) outside git.
pub fn load_with_ledger(root: &Path, deleted: bool, lang: Lang) -> anyhow::Result<Judged> {
    let Verdicts { repo, diags, late, ledger, .. } = load_verdicts(root, deleted, lang)?;
    let ledger = ledger.context(
        "审核状态记录在 git 历史中：这里不是 git 仓库 / approvals live in the git history: not a git repository",
    )?;
    Ok(Judged { repo, diags, late, ledger })
}

/// Adds the reports deleted from the main branch, read from their last text in
/// the history: a report deleted without a signature is still there (SPEC §6.1),
/// and with `signed`, a signed deletion's record stays in the statistics too.
pub fn add_deleted(
    root: &Path,
    repo: &mut crate::load::Repository,
    ledger: &crate::approval::Ledger,
    signed: bool,
    diags: &mut crate::diag::Diagnostics,
) {
    let Some(git) = crate::history::open(root) else { return };
    let Ok(odb) = git.odb() else { return };
    let wanted = |t: &&crate::approval::Trail| t.deleted.is_some() && (signed || !t.is_removed());
    for trail in ledger.trails.values().filter(wanted) {
        if repo.files.iter().any(|(_, file)| *file == trail.file) {
            continue;
        }
        let mut local = crate::diag::Diagnostics::default();
        if let Some(report) = from_history(&odb, trail, trail.blob(), &repo.settings, &mut local) {
            // Not among `files`, which are the work tree's: it is no draft.
            repo.reports.push(report);
            diags.extend(local);
        }
    }
    repo.reports.sort_by(|a, b| a.file.cmp(&b.file));
    repo.reindex();
}

/// The settings a verdict command works with: the work tree's names and layout,
/// and everything that decides verdicts from the signed settings in force. Says
/// so when the work tree's verdict parts differ.
pub fn settings_in_force(
    root: &Path,
    in_force: &crate::config::Settings,
    lang: Lang,
) -> crate::config::Settings {
    let mut ignored = crate::diag::Diagnostics::default();
    let Ok(work_tree) = crate::config::load(root, &mut ignored) else { return in_force.clone() };
    let settings = work_tree.with_verdicts_of(in_force);
    if work_tree.verdict_text() != in_force.verdict_text() {
        note_settings_differ(lang);
    }
    settings
}

/// Says that the work tree's `xinbao.yaml` decides verdicts differently from the
/// settings in force, and that the signed ones are used.
pub fn note_settings_differ(lang: Lang) {
    let text = Text::new(
        "工作区的 xinbao.yaml 与历史中生效的设置不同；判定一律按已签名生效的设置（未经办公室或管理员签名提交的修改不生效）",
        "xinbao.yaml in the work tree differs from the settings in force; verdicts use the signed settings in force (changes not committed with an office or admin signature do not count)",
    );
    tell(lang, Tone::Caution, &text);
}

/// Warns when a report's text in the work tree is not its text on the main
/// branch: the figures and the bulletin are made from the work tree, which should
/// be a checkout of main.
pub fn warn_if_not_main(
    root: &Path,
    repo: &crate::load::Repository,
    ledger: &crate::approval::Ledger,
    lang: Lang,
) {
    let Some(git) = crate::history::open(root) else { return };
    let Some(tree) = ledger.tip.and_then(|tip| git.find_commit(tip).ok()?.tree().ok()) else {
        return;
    };
    let changed: Vec<&str> = repo
        .files
        .iter()
        .filter(|(_, file)| {
            let path = crate::history::in_repository(&git, root, file);
            // Reports not on main are drafts and are not counted anyway.
            tree.get_path(Path::new(&path)).is_ok_and(|entry| {
                git2::Oid::hash_file(git2::ObjectType::Blob, root.join(file))
                    .is_ok_and(|oid| oid != entry.id())
            })
        })
        .map(|(id, _)| id.as_str())
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
    tell(lang, Tone::Caution, &text);
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

/// Today in the bureau's time zone.
pub fn today(settings: &crate::config::Settings) -> chrono::NaiveDate {
    crate::time::now().with_timezone(&settings.timezone).date_naive()
}

/// Loads the repository (with the `extra` files) and checks it, the git history
/// included when there is one; for the commands that check before they act.
pub fn load_checked(root: &Path, extra: &[PathBuf]) -> anyhow::Result<(Repository, Diagnostics)> {
    let mut diags = Diagnostics::default();
    let mut repo = load::load(root, extra, &mut diags)?;
    load::sever_cross_unit(&mut repo, None, &mut diags);
    // A shallow clone's oldest commit is not the root: no first-commit times from it.
    let history = history_times(root, &repo.settings, None);
    rules::check(&repo, history.as_ref(), &mut diags);
    Ok((repo, diags))
}

/// The error-level findings about `files` (relative paths) in the work tree, as
/// `check` would report them; used by `approve` and `publish` before signing.
pub fn errors_in(root: &Path, files: &[String]) -> anyhow::Result<Vec<Diagnostic>> {
    let (_, mut diags) = load_checked(root, &[])?;
    diags.retain(|d| d.severity == Severity::Error && files.contains(&d.file));
    Ok(diags.into_sorted())
}

/// The work tree and the ledger of the repository at `root`.
pub struct Loaded {
    /// Reports of the work tree, read under the settings in force.
    pub repo: Repository,
    /// Every report's approval state.
    pub ledger: Ledger,
    /// First commits and receipts, read only where the server keeps receipts.
    pub history: Option<crate::history::History>,
}

impl Loaded {
    /// When the server received report `id` (SPEC §6.2); `None`: unconfirmed.
    pub fn received(&self, id: &str) -> Option<i64> {
        self.history.as_ref()?.received.get(id).copied()
    }

    /// The bureau's signing keys: those of the settings in force (none before any).
    pub fn ring(&self) -> &KeyRing {
        static NONE: std::sync::OnceLock<KeyRing> = std::sync::OnceLock::new();
        self.ledger
            .in_force
            .as_deref()
            .map_or_else(|| NONE.get_or_init(KeyRing::default), |r| &r.ring)
    }
}

/// Loads everything approvals need: the history first, then the work tree under
/// the settings in force at `rev` (the work tree's own only before any exist).
pub fn load(root: &Path, rev: Option<&str>) -> anyhow::Result<Loaded> {
    let mut diags = Diagnostics::default();
    let mut ledger = read_ledger(root, rev)?;
    let mut repo = match ledger.settings() {
        Some(in_force) => {
            let settings = settings_in_force(root, in_force, Lang::from_env());
            load::load_with(root, &[], settings, &mut diags)
        }
        None => load::load(root, &[], &mut diags)?,
    };
    under_history(root, &mut repo, &ledger, &mut diags);
    ledger.add_drafts(&repo);
    // Receipts, when the server keeps any: only then is the history walked for them.
    let has_receipts = crate::history::open(root)
        .is_some_and(|git| git.find_reference(crate::receipt::NOTES_REF).is_ok());
    let history = match has_receipts {
        true => history_times(root, &repo.settings, Some(&ledger)),
        false => None,
    };
    Ok(Loaded { repo, ledger, history })
}

/// The trails named by `ids` (ids or report paths), or all of them.
pub fn select<'a>(
    root: &Path,
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
                load::stem(&load::relative(root, &path))
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

//! `xinbao check`: load → parse → rules → print, exit 1 on any error.

use crate::approval::{self, KeyRing, State, trail::short};
use crate::cli::CheckArgs;
use crate::diag::{self, Diagnostic, Diagnostics, Rule, Severity};
use crate::history;
use crate::lang::{Lang, Text, Tone, tell};
use crate::load::{self, Repository};
use crate::pipeline::{Purpose, Verdicts};
use crate::run::Run;
use anyhow::Context as _;
use std::collections::BTreeSet;
use std::process::ExitCode;

/// Runs `check` on the run's repository.
pub fn run(run: &Run, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    for path in &args.paths {
        if !path.exists() {
            return Err(crate::lang::unable(
                format!("{}：文件不存在", path.display()),
                format!("{}: no such file", path.display()),
            ));
        }
    }
    let Findings { repo, diagnostics, files } = findings(run, args)?;
    say_what_history_lacks(run);
    diag::print(&repo, &diagnostics, files, args.format, run.lang())?;
    let (errors, _) = diag::count(&diagnostics);
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// What `check` found: what it prints, and what the desk's `POST /api/check` answers.
pub struct Findings {
    /// The repository as read (the human format quotes from it).
    pub repo: Repository,
    /// The findings, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files they are about.
    pub files: usize,
}

/// The findings of `check` as `args` asks.
pub fn findings(run: &Run, args: &CheckArgs) -> anyhow::Result<Findings> {
    let mut extra = Vec::new();
    for path in &args.paths {
        extra.push(super::in_repository(run.root(), path)?);
    }
    // With --approvals (a verdict), the ledger's findings too, and the server's
    // receipts are verified against the signed settings in force, not the work tree's.
    let purpose =
        Purpose::Check { approvals: args.approvals, rev: args.rev.as_deref(), extra: &extra };
    let Verdicts { repo, mut diags, ledger, history, .. } = crate::pipeline::judge(run, purpose)?;
    // The keys are checked as part of the settings file (unreadable, listed twice).
    KeyRing::build(&repo.settings, &repo.workspace, &mut diags);
    if let Some(ledger) = &ledger {
        approval_findings(&repo, ledger, &mut diags);
    }
    if args.before_commit
        && let Some(history) = &history
    {
        before_commit(run, &repo, history, &mut diags);
    }

    let selection = select(run, &repo, args)?;
    if let Some(selected) = &selection {
        diags.retain(|d| d.file == crate::config::FILE || selected.contains(&d.file));
    }
    let files = selection
        .as_ref()
        .map_or(repo.files.len() + repo.record_files.requests.len(), BTreeSet::len);
    Ok(Findings { repo, diagnostics: diags.into_sorted(), files })
}

/// Says when the first-commit check cannot be made: outside git, or in a shallow
/// clone whose oldest commit is not the root.
fn say_what_history_lacks(run: &Run) {
    match run.git() {
        None => note(
            run.lang(),
            "不在 git 仓库中：跳过“报送时间不早于首次提交”的检查",
            "not in a git repository: the submitted-vs-first-commit check is skipped",
        ),
        Some(_) if run.full_git().is_none() => note(
            run.lang(),
            "这是浅克隆，历史不完整：跳过“报送时间不早于首次提交”的检查（请 `git fetch --unshallow`）",
            "this is a shallow clone and the history is incomplete: the submitted-vs-first-commit check is skipped (run `git fetch --unshallow`)",
        ),
        Some(_) => {}
    }
}

/// The approval problems of the reports on the main branch that are also in the
/// work tree (or were deleted without a signature), and the problems of the history
/// itself; a report still waiting for approval is a warning.
fn approval_findings(repo: &Repository, ledger: &approval::Ledger, diags: &mut Diagnostics) {
    let top = crate::source::Pos::new(1, 1);
    for problem in &ledger.problems {
        let file = problem.file.as_deref().unwrap_or(crate::config::FILE);
        let severity = match problem.acknowledged {
            true => Severity::Warning,
            false => problem.rule.severity(),
        };
        diags.push_as(severity, file, top, problem.rule, problem.message.clone());
    }
    for trail in ledger.current() {
        let present = repo.files.iter().any(|(_, f)| *f == trail.file);
        if trail.state == State::Draft || !(present || trail.deleted.is_some()) {
            continue;
        }
        for problem in &trail.problems {
            let commit = short(problem.commit);
            let message = Text::new(
                format!("提交 {commit}：{}", problem.message.zh),
                format!("commit {commit}: {}", problem.message.en),
            );
            diags.push(&trail.file, top, problem.rule, message);
        }
        if trail.state == State::Submitted && trail.problems.is_empty() {
            let message = Text::new(
                "已在主分支，尚未经分管负责人签名审核",
                "on the main branch but not yet approved by a supervisor's signature",
            );
            diags.push_as(Severity::Warning, &trail.file, top, Rule::NotApproved, message);
        }
    }
}

/// Warns, before the commit exists, about each new report whose `submitted_at` is
/// more than `commit_skew` before now: the commit about to be made would be its
/// first, and the check after it would give `time-order` (SPEC §6.2).
fn before_commit(
    run: &Run,
    repo: &Repository,
    history: &history::History,
    diags: &mut Diagnostics,
) {
    // The commit will carry GIT_COMMITTER_DATE when it is set, else the clock's time.
    let now = std::env::var("GIT_COMMITTER_DATE")
        .ok()
        .and_then(|d| chrono::DateTime::parse_from_rfc3339(d.trim()).ok())
        .unwrap_or_else(|| run.now().fixed_offset())
        .with_timezone(&repo.settings.timezone);
    let skew = repo.settings.limits.commit_skew;
    for report in &repo.reports {
        let Some(submitted) = &report.submitted_at else { continue };
        if history.added_by_id.contains_key(&report.id) || submitted.value + skew >= now {
            continue;
        }
        let (at, was) =
            (crate::time::format_time(&now), crate::time::format_time(&submitted.value));
        let message = Text::new(
            format!(
                "现在提交，首次提交时间将是 {at}，比报送时间 {was} 晚超过 {}：提交后会报 time-order。请运行 `xinbao touch {}` 把 submitted_at 改为现在（超过时限的照实迟报，并写明 late_reason）",
                crate::time::format_duration(skew).0,
                report.id
            ),
            format!(
                "committed now, its first commit would be {at}, more than {} after submitted_at {was}: the check would then give time-order. Run `xinbao touch {}` to set submitted_at to now (if that makes it late, report it late, with a late_reason)",
                crate::time::format_duration(skew).1,
                report.id
            ),
        );
        diags.push_as(
            Severity::Warning,
            &report.file,
            report.key_pos("submitted_at"),
            Rule::TimeOrder,
            message,
        );
    }
}

/// The files to report on, when limited by paths or `--changed-since`.
/// A change to `xinbao.yaml` concerns every report.
fn select(
    run: &Run,
    repo: &Repository,
    args: &CheckArgs,
) -> anyhow::Result<Option<BTreeSet<String>>> {
    let root = run.root();
    let all = || {
        repo.files
            .iter()
            .map(|(_, f)| f.clone())
            .chain(repo.record_files.requests.iter().map(|r| r.file.clone()))
    };
    let mut selected: Option<BTreeSet<String>> = None;
    if let Some(rev) = &args.changed_since {
        let Some(git) = run.git() else {
            return Err(crate::lang::unable(
                "--changed-since 需要 git 仓库",
                "--changed-since needs a git repository",
            ));
        };
        let changed = history::changed_since(git, root, rev)
            .with_context(|| format!("--changed-since {rev}"))?;
        let set: BTreeSet<String> = if changed.iter().any(|f| f == crate::config::FILE) {
            all().collect()
        } else {
            all().filter(|f| changed.contains(f)).collect()
        };
        selected = Some(set);
    }
    if !args.paths.is_empty() {
        let within = load::Within::new(root, &args.paths);
        let set: BTreeSet<String> = all().filter(|file| within.has(file)).collect();
        selected = Some(match selected {
            Some(changed) => changed.intersection(&set).cloned().collect(),
            None => set,
        });
    }
    Ok(selected)
}

/// A remark about the run on standard error, in the user's language.
fn note(lang: Lang, zh: &str, en: &str) {
    tell(lang, Tone::Hint, &Text::new(zh, en));
}

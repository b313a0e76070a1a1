//! One module per command; [`run`] dispatches and finds the repository root.

mod approve;
mod build;
mod bulletin;
mod check;
mod git;
mod hook;
mod init;
mod keys;
mod new;
mod pending;
mod publish;
mod receipt;
mod render;
mod schema;
mod serve;
mod stats;
mod status;
mod touch;

use crate::cli::{Cli, Command};
use crate::lang::Lang;
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs the command of `cli`; an `Err` means exit code 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    crate::approval::pin_trust_root(cli.trust_root.clone());
    match cli.command {
        Command::Init(args) => init::run(&args, lang),
        Command::New(args) => new::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Check(args) => check::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Status(args) => status::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Log(args) => status::log(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Approve(args) => approve::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Publish(args) => publish::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Keys(args) => keys::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Render(args) => render::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Build(args) => build::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Serve(args) => serve::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Hook(args) => hook::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Stats(args) => stats::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Bulletin(args) => bulletin::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Touch(args) => touch::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Pending(args) => pending::run(&find_root(cli.root.as_deref())?, &args, lang),
        Command::Receipt(args) => receipt::run(cli.root.as_deref(), &args, lang),
        Command::Schema => {
            schema::run(cli.root.as_deref().map(Path::to_path_buf).or_else(|| find_root(None).ok()))
        }
    }
}

/// Prints why a command refused (on standard error) and gives exit code 1.
fn refuse(lang: Lang, zh: &str, en: &str) -> ExitCode {
    match lang {
        Lang::Zh => eprintln!("错误：{zh}"),
        Lang::En => eprintln!("error: {en}"),
    }
    ExitCode::from(1)
}

/// The reports repository: `--root`, else the enclosing git work tree or the
/// nearest folder with `xinbao.yaml`.
pub fn find_root(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(root) = given {
        if !root.is_dir() {
            bail!("--root {}: 目录不存在 / no such directory", root.display());
        }
        return std::path::absolute(root).context("resolving --root");
    }
    let cwd = std::env::current_dir().context("reading the current directory")?;
    if let Some(dir) = cwd.ancestors().find(|dir| dir.join(crate::config::FILE).is_file()) {
        return Ok(dir.to_path_buf());
    }
    if let Ok(repo) = git2::Repository::discover(&cwd)
        && let Some(workdir) = repo.workdir()
    {
        return Ok(workdir.to_path_buf());
    }
    bail!(
        "不在报送仓库中：请在仓库内运行，或用 --root 指定，或用 `xinbao init` 创建 / not in a reports repository: run inside one, pass --root, or create one with `xinbao init`"
    )
}

/// What the commands that give verdicts start from: the work tree read under
/// the settings in force, its findings, and the ledger (none outside git).
struct Verdicts {
    repo: crate::load::Repository,
    diags: crate::diag::Diagnostics,
    ledger: Option<crate::approval::Ledger>,
    /// First commits and receipts, when git could be read.
    history: Option<crate::history::History>,
}

/// history → the settings in force → load → check, for `build`, `stats` and
/// `bulletin`. The settings come from the signed history, never from the work
/// tree (SPEC §6.1); outside git the work tree's are all there is. A shallow clone
/// is refused. With `deleted`, reports deleted from the main branch are read from
/// the history too, so that they are still counted.
fn load_verdicts(root: &Path, deleted: bool, lang: Lang) -> anyhow::Result<Verdicts> {
    let mut ledger = match crate::history::open(root) {
        Some(_) => Some(crate::approval::read_history(root, None)?),
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
    if deleted && let Some(ledger) = &ledger {
        add_deleted(root, &mut repo, ledger, &mut diags);
    }
    let periods = ledger.as_ref().map(|l| l.periods.as_slice());
    let history = history_times(root, &repo.settings, periods);
    crate::rules::check(&repo, history.as_ref(), &mut diags);
    if let Some(ledger) = &mut ledger {
        ledger.add_drafts(&repo);
    }
    Ok(Verdicts { repo, diags, ledger, history })
}

/// The history's times for the check: when each report was first committed and
/// when the server received it; none outside git or in a shallow clone.
/// Receipts are judged by the settings in force at their time when the ledger's
/// `periods` are given (verdicts), else by `settings`.
fn history_times(
    root: &Path,
    settings: &crate::config::Settings,
    periods: Option<&[crate::approval::settings::Period]>,
) -> Option<crate::history::History> {
    let git = crate::history::open(root).filter(|git| !git.is_shallow())?;
    times_in(&git, root, settings, periods).ok()
}

/// The history's times read from the open repository `git`: first commits, then
/// the server's receipts (see [`history_times`]).
fn times_in(
    git: &git2::Repository,
    root: &Path,
    settings: &crate::config::Settings,
    periods: Option<&[crate::approval::settings::Period]>,
) -> Result<crate::history::History, git2::Error> {
    let mut history = crate::history::read(git, root, crate::load::REPORTS)?;
    crate::receipt::apply(git, root, settings, periods, &mut history);
    Ok(history)
}

/// `load_verdicts` where a ledger is required: fails (exit 2) outside git.
fn load_with_ledger(
    root: &Path,
    deleted: bool,
    lang: Lang,
) -> anyhow::Result<(crate::load::Repository, crate::diag::Diagnostics, crate::approval::Ledger)> {
    let Verdicts { repo, diags, ledger, .. } = load_verdicts(root, deleted, lang)?;
    let ledger = ledger.context(
        "审核状态记录在 git 历史中：这里不是 git 仓库 / approvals live in the git history: not a git repository",
    )?;
    Ok((repo, diags, ledger))
}

/// Adds the reports deleted from the main branch, read from their last text in
/// the history: a deleted report's record stays in the statistics.
fn add_deleted(
    root: &Path,
    repo: &mut crate::load::Repository,
    ledger: &crate::approval::Ledger,
    diags: &mut crate::diag::Diagnostics,
) {
    let Some(git) = crate::history::open(root) else { return };
    let Ok(odb) = git.odb() else { return };
    for trail in ledger.trails.values().filter(|t| t.deleted.is_some()) {
        if repo.files.iter().any(|(id, _)| *id == trail.id) {
            continue;
        }
        let Some(text) = trail.blob().and_then(|blob| crate::approval::walk::text_of(&odb, blob))
        else {
            continue;
        };
        let mut local = crate::diag::Diagnostics::default();
        if let Some(report) =
            crate::report::parse(&trail.file, &trail.id, &text, &repo.settings, &mut local)
        {
            // Not among `files`, which are the work tree's: it is no draft.
            repo.reports.push(report);
            diags.extend(local);
        }
    }
    repo.reports.sort_by(|a, b| a.file.cmp(&b.file));
}

/// The settings a verdict command works with: the work tree's names and layout,
/// and everything that decides verdicts from the signed settings in force. Says
/// so when the work tree's verdict parts differ.
fn settings_in_force(
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
fn note_settings_differ(lang: Lang) {
    match lang {
        Lang::Zh => eprintln!(
            "注意：工作区的 xinbao.yaml 与历史中生效的设置不同；判定一律按已签名生效的设置（未经办公室或管理员签名提交的修改不生效）"
        ),
        Lang::En => eprintln!(
            "note: xinbao.yaml in the work tree differs from the settings in force; verdicts use the signed settings in force (changes not committed with an office or admin signature do not count)"
        ),
    }
}

/// Warns when a report's text in the work tree is not its text on the main
/// branch: the figures and the bulletin are made from the work tree, which should
/// be a checkout of main.
fn warn_if_not_main(
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
    match lang {
        Lang::Zh => eprintln!(
            "注意：{} 条信息在工作区中与主分支不同，以下按工作区内容计算（请在主分支的干净检出上运行）：{list}",
            changed.len()
        ),
        Lang::En => eprintln!(
            "note: {} reports differ from the main branch; the work tree's text is used (run on a clean checkout of main): {list}",
            changed.len()
        ),
    }
}

/// Today in the bureau's time zone.
fn today(settings: &crate::config::Settings) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&settings.timezone).date_naive()
}

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
mod publish;
mod render;
mod schema;
mod serve;
mod stats;
mod status;

use crate::cli::{Cli, Command};
use crate::lang::Lang;
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs the command of `cli`; an `Err` means exit code 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
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

/// load → check → approvals, for the commands that count what is on the main
/// branch (`stats`, `bulletin`); fails (exit 2) outside a git repository.
fn load_with_ledger(
    root: &Path,
) -> anyhow::Result<(crate::load::Repository, crate::diag::Diagnostics, crate::approval::Ledger)> {
    let (repo, mut diags) = check::load_checked(root, &[])?;
    let ring = crate::approval::KeyRing::build(&repo.settings, root, &mut diags);
    let ledger = crate::approval::read(root, &repo.settings, &ring, None, &repo)?;
    Ok((repo, diags, ledger))
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

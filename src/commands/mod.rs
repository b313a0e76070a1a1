//! One module per command; [`run`] dispatches and finds the repository root.

mod approve;
mod build;
mod bulletin;
mod check;
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
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs the command of `cli`. An `Err` holding a [`crate::lang::Refusal`] gives
/// the refusal's exit code (1, or 2 when the command cannot run as asked), any
/// other `Err` exit code 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let lang = cli.language();
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

/// The reports repository: `--root`, else the enclosing git work tree or the
/// nearest folder with `xinbao.yaml`.
pub fn find_root(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(root) = given {
        if !root.is_dir() {
            return Err(crate::lang::unable(
                format!("--root {}：目录不存在", root.display()),
                format!("--root {}: no such directory", root.display()),
            ));
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
    Err(crate::lang::unable(
        "不在报送仓库中：请在仓库内运行，或用 --root 指定，或用 `xinbao init` 创建",
        "not in a reports repository: run inside one, pass --root, or create one with `xinbao init`",
    ))
}

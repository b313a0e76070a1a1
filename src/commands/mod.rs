//! One module per command; [`run`] dispatches and finds the repository root.

pub(crate) mod approve;
mod build;
mod bulletin;
pub(crate) mod check;
mod hook;
mod init;
mod keys;
pub(crate) mod new;
pub(crate) mod pending;
pub(crate) mod publish;
mod receipt;
pub(crate) mod render;
mod schema;
pub(crate) mod serve;
pub(crate) mod stats;
pub(crate) mod status;
mod touch;
pub(crate) mod transfer;
pub(crate) mod volume;

use crate::cli::{Cli, Command};
use crate::run::Run;
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The desk (`xinbao desk`), handed in by `main`: it is a front end over these
/// commands, as the command line is, so the commands do not import it.
pub type Desk = fn(&Run, &crate::cli::DeskArgs) -> anyhow::Result<ExitCode>;

/// Runs the command of `cli`. An `Err` holding a [`crate::lang::Refusal`] gives
/// the refusal's exit code (1, or 2 when the command cannot run as asked), any
/// other `Err` exit code 2. The run's context ([`Run`]) is made here, once, from
/// the parsed arguments, and passed down.
pub fn run(cli: Cli, desk: Desk) -> anyhow::Result<ExitCode> {
    let lang = cli.language();
    let trust_root = Run::pinned_anchor(cli.trust_root.clone());
    let open = || -> anyhow::Result<Run> {
        Ok(Run::open(&find_root(cli.root.as_deref())?, lang, trust_root.clone()))
    };
    match &cli.command {
        Command::Init(args) => init::run(args, lang),
        Command::New(args) => new::run(&open()?, args),
        Command::Check(args) => check::run(&open()?, args),
        Command::Status(args) => status::run(&open()?, args),
        Command::Log(args) => status::log(&open()?, args),
        Command::Approve(args) => approve::run(&open()?, args),
        Command::Publish(args) => publish::run(&open()?, args),
        Command::Keys(args) => keys::run(&open()?, args),
        Command::Render(args) => render::run(&open()?, args),
        Command::Build(args) => build::run(&open()?, args),
        Command::Serve(args) => serve::run(&open()?, args),
        Command::Hook(args) => hook::run(&open()?, args),
        Command::Stats(args) => stats::run(&open()?, args),
        Command::Bulletin(args) => bulletin::run(&open()?, args),
        Command::Volume(args) => volume::run(&open()?, args),
        Command::Transfer(args) => transfer::run(&open()?, args),
        Command::VerifyTransfer(args) => transfer::verify(args, lang, trust_root),
        Command::Touch(args) => touch::run(&open()?, args),
        Command::Pending(args) => pending::run(&open()?, args),
        Command::Desk(args) => desk(&open()?, args),
        Command::Receipt(args) => receipt::run(cli.root.as_deref(), args, lang, trust_root),
        Command::Schema => {
            let root = cli.root.as_deref().map(Path::to_path_buf).or_else(|| find_root(None).ok());
            schema::run(root.map(|root| Run::open(&root, lang, trust_root)).as_ref())
        }
    }
}

/// `path` given on the command line, made absolute, when it is inside the
/// repository at `root`; else why not (exit 2): xinbao reads nothing outside
/// the repository, whatever it is asked.
pub fn in_repository(root: &Path, path: &Path) -> anyhow::Result<PathBuf> {
    let absolute = std::path::absolute(path).context("resolving a path")?;
    if real(&absolute).starts_with(real(root)) {
        return Ok(absolute);
    }
    Err(crate::lang::unable(
        format!("{}：不在报送仓库 {} 中，xinbao 只读仓库里的文件", path.display(), root.display()),
        format!(
            "{}: not inside the reports repository {}; xinbao reads only files in it",
            path.display(),
            root.display()
        ),
    ))
}

/// `path` with its links and `..` resolved, as far as it exists: the longest
/// part that exists made real, the rest (a file not written yet) added to it.
fn real(path: &Path) -> PathBuf {
    use std::path::Component;
    let parts: Vec<Component> = path.components().collect();
    for cut in (1..=parts.len()).rev() {
        let Ok(mut real) = parts[..cut].iter().collect::<PathBuf>().canonicalize() else {
            continue;
        };
        for part in &parts[cut..] {
            match part {
                Component::ParentDir => {
                    real.pop();
                }
                Component::CurDir => {}
                other => real.push(other),
            }
        }
        return real;
    }
    path.to_path_buf()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_not_written_yet_is_inside_a_root_reached_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        std::fs::create_dir(dir.path().join("repo")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("repo"), &link).unwrap();
        let new = link.join("reports/2026/01/new.md");
        assert!(in_repository(&link, &new).is_ok());
        assert!(in_repository(&link, &link.join("reports/../../x.md")).is_err());
        assert!(in_repository(&link, dir.path()).is_err());
    }
}

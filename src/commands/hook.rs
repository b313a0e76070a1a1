//! `xinbao hook install`: a git `pre-commit` hook that checks the reports a
//! commit changes, so a writer sees the findings before pushing.

use crate::cli::{HookArgs, HookCommand};
use crate::lang::Lang;
use crate::run::Run;
use anyhow::Context as _;
use std::path::Path;
use std::process::ExitCode;

/// A line every hook written by xinbao carries, so it can be replaced safely.
const MARK: &str = "# installed by `xinbao hook install`";

/// Runs `hook`.
pub fn run(run: &Run, args: &HookArgs) -> anyhow::Result<ExitCode> {
    let (root, lang) = (run.root(), run.lang());
    match args.command {
        HookCommand::Install { force } => install(root, force, lang),
    }
}

fn install(root: &Path, force: bool, lang: Lang) -> anyhow::Result<ExitCode> {
    // Honours core.hooksPath and worktrees.
    let hooks = match crate::commit::run(root, &["rev-parse", "--git-path", "hooks"], None)? {
        Ok(path) => root.join(path.trim()),
        Err(_) => {
            return Err(crate::lang::refuse(
                "这里不是 git 仓库，无法安装钩子",
                "not a git repository: no hook to install",
            ));
        }
    };
    std::fs::create_dir_all(&hooks).with_context(|| format!("creating {}", hooks.display()))?;
    let path = hooks.join("pre-commit");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && !existing.contains(MARK)
        && !force
    {
        let shown = path.display();
        return Err(crate::lang::refuse(
            format!("{shown} 已有其他钩子；用 --force 覆盖"),
            format!("{shown} already holds another hook; --force replaces it"),
        ));
    }
    let exe = std::env::current_exe().context("finding the xinbao program")?;
    crate::atomic::write(&path, script(&exe.to_string_lossy()).as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    make_executable(&path)?;
    match lang {
        Lang::Zh => println!("已安装 {}：每次提交前检查改动的信息", path.display()),
        Lang::En => {
            println!("installed {}: changed reports are checked before each commit", path.display())
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The hook: `xinbao check` on what changed since the last commit (staged,
/// unstaged and new files), or on everything before the first commit.
fn script(exe: &str) -> String {
    let exe = exe.replace('\'', r"'\''");
    format!(
        r#"#!/bin/sh
{MARK}
# Checks the reports this commit changes; `git commit --no-verify` skips it once.
xinbao='{exe}'
[ -x "$xinbao" ] || xinbao=xinbao
if git rev-parse --verify -q HEAD >/dev/null; then
  exec "$xinbao" check --changed-since HEAD --before-commit
else
  exec "$xinbao" check
fi
"#
    )
}

#[cfg(unix)]
fn make_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("making {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

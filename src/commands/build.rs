//! `xinbao build`: runs the [`crate::build`] stage and prints what it did.

use crate::cli::BuildArgs;
use crate::lang::Lang;
use std::path::Path;
use std::process::ExitCode;

/// Runs `build`.
pub fn run(root: &Path, args: &BuildArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let outcome = crate::build::build(root, args, lang)?;
    outcome.print(lang);
    Ok(outcome.exit_code())
}

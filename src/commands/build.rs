//! `xinbao build`: runs the [`crate::build`] stage and prints what it did.

use crate::cli::BuildArgs;
use crate::run::Run;
use std::process::ExitCode;

/// Runs `build`.
pub fn run(run: &Run, args: &BuildArgs) -> anyhow::Result<ExitCode> {
    let outcome = crate::build::build(run, args)?;
    outcome.print(run.lang());
    Ok(outcome.exit_code())
}

//! `xinbao init`.
use crate::cli::InitArgs;
use crate::lang::Lang;
use std::process::ExitCode;
/// Runs init.
pub fn run(_args: &InitArgs, _lang: Lang) -> anyhow::Result<ExitCode> { anyhow::bail!("x") }

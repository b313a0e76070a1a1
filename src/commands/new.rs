//! `xinbao new`.
use crate::cli::NewArgs;
use crate::lang::Lang;
use std::process::ExitCode;
/// Runs new.
pub fn run(_root: &std::path::Path, _args: &NewArgs, _lang: Lang) -> anyhow::Result<ExitCode> { anyhow::bail!("x") }

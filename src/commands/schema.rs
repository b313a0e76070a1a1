//! `xinbao schema`.
use std::process::ExitCode;
/// Runs schema.
pub fn run(_root: Option<std::path::PathBuf>) -> anyhow::Result<ExitCode> { anyhow::bail!("x") }

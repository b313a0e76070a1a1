//! The `xinbao` binary: parse arguments, run, map the outcome to an exit code
//! (0 done, 1 refused or findings, 2 could not run).

use std::process::ExitCode;

/// Reports are many small values, made and freed by the million in a run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    end_quietly_on_a_closed_pipe();
    let cli = match xinbao::usage::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let lang = cli.language();
    // Typst lays pages out in rayon's pool too: its threads need the same room for
    // deep recursion as the rendering threads.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(xinbao::render::pdf::STACK).build_global();
    match xinbao::commands::run(cli, xinbao::desk::run) {
        Ok(code) => code,
        Err(err) => {
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            if let Some(refusal) = err.downcast_ref::<xinbao::lang::Refusal>() {
                refusal.tell(lang);
                return ExitCode::from(refusal.code);
            }
            eprintln!("xinbao: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// `xinbao log | head -1`: Rust ignores SIGPIPE, so a write to a pipe whose reader has
/// gone fails (EPIPE), and `println!`, `eprintln!` and clap's help panic on it wherever
/// they are. That panic ends the program quietly instead: 0 when stdout's reader has
/// gone (it read what it wanted, as for a `BrokenPipe` error above), 2 when stderr's
/// has (what went wrong could not be said). Every other panic is reported as before.
fn end_quietly_on_a_closed_pipe() {
    /// The error of a write to a pipe without a reader: EPIPE, or Windows' ERROR_NO_DATA.
    const CLOSED_PIPE: i32 = if cfg!(windows) { 232 } else { 32 };
    let closed = std::io::Error::from_raw_os_error(CLOSED_PIPE);
    // The message of std's print macros (`failed printing to {stream}: {error}`).
    let stdout_closed = format!("failed printing to stdout: {closed}");
    let stderr_closed = format!("failed printing to stderr: {closed}");
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| match info.payload_as_str() {
        Some(message) if message == stdout_closed => std::process::exit(0),
        Some(message) if message == stderr_closed => std::process::exit(2),
        _ => report(info),
    }));
}

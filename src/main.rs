//! The `xinbao` binary: parse arguments, run, map the outcome to an exit code
//! (0 done, 1 refused or findings, 2 could not run).

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match xinbao::usage::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let lang = cli.language();
    // Typst lays pages out in rayon's pool too: its threads need the same room for
    // deep recursion as the rendering threads.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(xinbao::render::pdf::STACK).build_global();
    match xinbao::commands::run(cli) {
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

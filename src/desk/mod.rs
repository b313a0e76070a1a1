//! `xinbao desk` (SPEC §11): the bureau's people write, approve and publish in a
//! browser, and git works underneath. It is the same program as the command line:
//! the form is made from the field table, every change is judged by `check`'s
//! code, approvals and publications are `approve` and `publish` themselves,
//! signed with the user's own git signing set-up.
//!
//! One process serves 127.0.0.1 ([`server`]) behind a token and a Host check
//! ([`security`]); [`api`] answers the JSON API, [`pages`] the page built into
//! the binary; [`compose`] turns the form into a report's text and pictures, and
//! [`branches`] saves, submits and returns drafts on their git branches;
//! [`setup`] writes the set-up page's settings and commits them signed ([`signed`]:
//! kept only when the signed history counts them), and
//! [`signing`] makes the user's own key pair on this machine;
//! [`normalize`] stages the office's edit of an approved report for `publish`,
//! [`adoptions`] records an adoption on a published report and publishes it;
//! [`documents`] typesets the quarterly notice and compiles a bulletin issue;
//! [`archive`] builds and serves the archive website of what was published.

mod adoptions;
mod api;
mod archive;
mod branches;
mod compose;
mod documents;
mod findings;
mod http;
mod normalize;
mod pages;
mod security;
mod server;
mod setup;
mod signed;
mod signing;
mod who;

use crate::cli::DeskArgs;
use crate::run::Run;
use anyhow::Context as _;
use std::io::Write as _;
use std::process::ExitCode;

/// Runs the desk until interrupted.
pub fn run(run: &Run, args: &DeskArgs) -> anyhow::Result<ExitCode> {
    let lang = run.lang();
    run.git().ok_or_else(crate::run::no_git)?;
    let server = tiny_http::Server::http(("127.0.0.1", args.port))
        .map_err(|err| anyhow::anyhow!("127.0.0.1:{}: {err}", args.port))?;
    let port = server.server_addr().to_ip().map_or(args.port, |a| a.port());
    let token = security::new_token()?;
    let url = format!("http://127.0.0.1:{port}/?token={token}");
    println!("{url}");
    std::io::stdout().flush().context("writing to standard output")?;
    eprintln!(
        "{}",
        lang.pick(
            "信报工作台已启动：请在浏览器中打开上面的地址（只限本机，Ctrl-C 退出）",
            "the xinbao desk is running: open the address above in a browser (this machine only; Ctrl-C stops)",
        )
    );
    if !args.no_open {
        open_browser(&url);
    }
    let desk = http::Desk {
        lang,
        trust_root: run.trust_root().map(str::to_string),
        token,
        port,
        warm: run.keep_warm(),
        archive: Default::default(),
    };
    server::serve(server, &desk);
    Ok(ExitCode::SUCCESS)
}

/// Asks the system to open `url` in the browser; a failure only means the user
/// opens it by hand.
fn open_browser(url: &str) {
    let tries: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[("open", &[])]
    } else if cfg!(windows) {
        &[("cmd", &["/C", "start", ""])]
    } else {
        &[("xdg-open", &[])]
    };
    for (program, before) in tries {
        let started = std::process::Command::new(program)
            .args(*before)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if started.is_ok() {
            return;
        }
    }
}

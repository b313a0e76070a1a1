//! The git hooks: the pre-commit hook of `xinbao hook install`, and contrib/pre-receive and
//! post-receive on a plain git server.

use crate::bureau::Server;
use crate::support::{Sandbox, git_command};

#[test]
fn the_pre_commit_hook_stops_a_commit_with_a_bad_report() {
    let sandbox = Sandbox::new();
    std::fs::copy(crate::support::fixture("repo/xinbao.yaml"), sandbox.root().join("xinbao.yaml"))
        .unwrap();
    let good =
        std::fs::read(crate::support::fixture("repo/reports/2026/03/2026-03-02-good-work.md"))
            .unwrap();
    sandbox.write("reports/2026/03/2026-03-02-good-work.md", &good);
    sandbox.git_init();
    let installed = sandbox.run(&["hook", "install"]);
    assert!(installed.status.success(), "{}", String::from_utf8_lossy(&installed.stderr));
    let hook = sandbox.root().join(".git/hooks/pre-commit");
    assert!(std::fs::read_to_string(&hook).unwrap().contains("xinbao hook install"));
    sandbox.commit_all("2026-03-02T18:00:00+08:00", "first report");

    let bad = String::from_utf8(good).unwrap().replace("unit: 投资科", "unit: 不存在科");
    sandbox.write("reports/2026/03/2026-03-03-bad.md", bad);
    let date = "2026-03-03T18:00:00+08:00";
    assert!(git_command(sandbox.root(), date).args(["add", "-A"]).status().unwrap().success());
    let refused =
        git_command(sandbox.root(), date).args(["commit", "-q", "-m", "bad"]).output().unwrap();
    assert!(!refused.status.success(), "the hook let a bad report through");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(said.contains("unknown-unit") && said.contains("2026-03-03-bad.md"), "{said}");

    // Another hook is not replaced without --force; xinbao's own is.
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    assert_eq!(sandbox.run(&["hook", "install"]).status.code(), Some(1));
    assert!(sandbox.run(&["hook", "install", "--force"]).status.success());
    assert!(sandbox.run(&["hook", "install"]).status.success());
}

/// `git push -q` of the sandbox's main to `server`, with the hooks' `env`: whether
/// it was accepted, and what the pusher is told.
fn push(server: &Server, sandbox: &Sandbox, env: &[(&str, &str)]) -> (bool, String) {
    let mut git = git_command(sandbox.root(), DATE);
    git.envs(env.iter().copied());
    let out = server.push(git, server.bare(), "main");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const DATE: &str = "2026-03-02T18:00:00+08:00";

/// The fixture's settings and one good report, not approved, committed in a new repository.
fn one_report() -> (Sandbox, String) {
    let sandbox = Sandbox::new();
    std::fs::copy(crate::support::fixture("repo/xinbao.yaml"), sandbox.root().join("xinbao.yaml"))
        .unwrap();
    let good = std::fs::read_to_string(crate::support::fixture(
        "repo/reports/2026/03/2026-03-02-good-work.md",
    ))
    .unwrap();
    sandbox.write("reports/2026/03/2026-03-02-good-work.md", &good);
    sandbox.git_init();
    sandbox.commit_all(DATE, "first report");
    (sandbox, good)
}

#[test]
fn a_plain_git_server_refuses_bad_pushes_and_publishes_the_archive() {
    let server = Server::new();
    let site = server.site();
    let (sandbox, good) = one_report();
    let (accepted, said) = push(&server, &sandbox, &[]);
    assert!(accepted, "{said}");
    assert!(site.join("index.html").is_file(), "post-receive built the archive: {said}");
    // The deployed archive holds published reports only (SPEC §7): this one is not.
    assert!(site.join("search.html").is_file(), "{said}");
    assert!(!site.join("reports/2026-03-02-good-work.html").exists());
    assert!(!site.join("files/2026-03-02-good-work.pdf").exists());

    sandbox
        .write("reports/2026/03/2026-03-03-bad.md", good.replace("unit: 投资科", "unit: 不存在科"));
    sandbox.commit_all("2026-03-03T18:00:00+08:00", "bad report");
    let (accepted, said) = push(&server, &sandbox, &[]);
    assert!(!accepted, "a bad report was accepted: {said}");
    assert!(said.contains("unknown-unit"), "{said}");
    let local = git_command(sandbox.root(), DATE).args(["rev-parse", "HEAD^"]).output().unwrap();
    assert_eq!(
        server.main(),
        String::from_utf8_lossy(&local.stdout).trim(),
        "the server's main did not move"
    );
}

/// Each push tells the pusher one line however many reports wait for approval; the
/// details, six lines a report, come with XINBAO_VERBOSE=1, and all of it is in
/// the server's xinbao.log.
#[test]
fn a_push_tells_one_summary_line_and_the_details_behind_a_flag() {
    let server = Server::new();
    let (sandbox, good) = one_report();
    for id in ["2026-03-02-second", "2026-03-02-third"] {
        sandbox.write(&format!("reports/2026/03/{id}.md"), &good);
    }
    sandbox.commit_all(DATE, "two more reports");
    let (accepted, said) = push(&server, &sandbox, &[]);
    assert!(accepted, "{said}");
    // git pads each `remote:` line with spaces when stderr is not a terminal.
    let told: Vec<&str> = said.lines().map(str::trim_end).collect();
    assert_eq!(told, ["remote: 检查 3 个文件：0 个错误，3 个警告（not-approved 3）"], "{said}");
    let log = std::fs::read_to_string(server.bare().join("xinbao.log")).unwrap();
    assert!(log.contains("档案网站：写入"), "the build's lines are in the log: {log}");

    sandbox.write("reports/2026/03/2026-03-02-fourth.md", &good);
    sandbox.commit_all(DATE, "a fourth report");
    let (accepted, said) =
        push(&server, &sandbox, &[("XINBAO_VERBOSE", "1"), ("LANG", "en_US.UTF-8")]);
    assert!(accepted, "{said}");
    assert_eq!(said.matches("warning[not-approved]").count(), 4, "{said}");
    assert!(said.contains("4 files checked: 0 errors, 4 warnings"), "{said}");
    assert!(said.contains("archive: "), "{said}");
}

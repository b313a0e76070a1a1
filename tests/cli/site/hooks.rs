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

#[test]
fn a_plain_git_server_refuses_bad_pushes_and_publishes_the_archive() {
    let server = Server::new();
    let site = server.site();
    let date = "2026-03-02T18:00:00+08:00";
    let sandbox = Sandbox::new();
    std::fs::copy(crate::support::fixture("repo/xinbao.yaml"), sandbox.root().join("xinbao.yaml"))
        .unwrap();
    let good = std::fs::read_to_string(crate::support::fixture(
        "repo/reports/2026/03/2026-03-02-good-work.md",
    ))
    .unwrap();
    sandbox.write("reports/2026/03/2026-03-02-good-work.md", &good);
    sandbox.git_init();
    sandbox.commit_all(date, "first report");
    let push =
        |sandbox: &Sandbox| server.push(git_command(sandbox.root(), date), server.bare(), "main");
    let accepted = push(&sandbox);
    let said = String::from_utf8_lossy(&accepted.stderr).into_owned();
    assert!(accepted.status.success(), "{said}");
    assert!(site.join("index.html").is_file(), "post-receive built the archive: {said}");
    // The deployed archive holds published reports only (SPEC §7): this one is not.
    assert!(site.join("search.html").is_file(), "{said}");
    assert!(!site.join("reports/2026-03-02-good-work.html").exists());
    assert!(!site.join("files/2026-03-02-good-work.pdf").exists());

    sandbox
        .write("reports/2026/03/2026-03-03-bad.md", good.replace("unit: 投资科", "unit: 不存在科"));
    sandbox.commit_all("2026-03-03T18:00:00+08:00", "bad report");
    let refused = push(&sandbox);
    let said = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(!refused.status.success(), "a bad report was accepted: {said}");
    assert!(said.contains("unknown-unit"), "{said}");
    let local = git_command(sandbox.root(), date).args(["rev-parse", "HEAD^"]).output().unwrap();
    assert_eq!(
        server.main(),
        String::from_utf8_lossy(&local.stdout).trim(),
        "the server's main did not move"
    );
}

//! Receipts (SPEC §6.2): the time the bureau's server received a report, signed
//! by a person with role `server` and kept as a git note, judges its deadline
//! whatever `submitted_at` and the commit dates claim; without one, the commit-time
//! rules apply and the time is 未经服务器确认; a receipt that does not verify is
//! ignored with a finding.
//!
//! A bare server repository runs the `contrib/` hooks (`post-receive` signs the
//! receipts and builds the archive); 张三 pushes to it from his clone over its
//! local path; the bureau reads a fresh clone of the server, notes included. The
//! server's clock is set with libfaketime: each `git push` runs under `faketime`,
//! and the hooks and `xinbao receipt` inherit it through the environment
//! (`LD_PRELOAD`, `FAKETIME`). Real repositories, real SSH keys made with ssh-keygen.

mod forged;
mod judged;
mod lines;

use crate::bureau::{Bureau, Key, Person, SETTLED, Server, settings, trimmed_output};
use crate::support::{Sandbox, git_command, require, said, stderr, stdout, xinbao};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// The report: its meeting was on 2 March at 09:00, so it was due by 24:00 of
/// 3 March. It claims to have been submitted on 2 March at 17:40.
const ID: &str = "2026-03-02-tiaoduhui";
const FILE: &str = "reports/2026/03/2026-03-02-tiaoduhui.md";
const REPORT: &str = "---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\n\
author: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\n\
submitted_at: 2026-03-02T17:40:00+08:00\n---\n\n3月2日，投资科召开重点项目调度会。\n";
/// The line of `submitted_at`, where the time findings are reported.
const SUBMITTED_LINE: u64 = 8;

/// Commit times (both author and committer), in order after the settings
/// ([`SETTLED`]). The report's commit, five minutes after its `submitted_at` (within
/// `commit_skew`): on time by its own account, whether that is true (pushed at
/// [`ON_TIME`]) or backdated (pushed at [`LATE`]).
const COMMITTED: &str = "2026-03-02T17:45:00+08:00";
/// Git's dates for what follows the pushes: 张三 editing the receipts notes in his
/// clone, the bureau's clones.
const FORGED_AT: &str = "2026-03-05T11:00:00+08:00";

/// The server's clock at each push, read in [`SERVER_TZ`].
const SETUP: &str = "2026-03-01 09:30:00";
const ON_TIME: &str = "2026-03-02 18:00:00";
const LATE: &str = "2026-03-05 10:00:00";
/// When 张三 pushes the receipts notes he edited.
const FORGED_PUSH: &str = "2026-03-05 11:00:00";
/// [`LATE`] in seconds since the epoch.
const LATE_EPOCH: &str = "1772676000";
/// The server's time zone, +08:00, in POSIX form (no tzdata needed): faketime
/// reads its time in the `TZ` of its environment.
const SERVER_TZ: &str = "CST-8";

/// `faketime` with the clock frozen at `time` (`-f` and an absolute time), so that
/// every program of a push, the hook's `xinbao receipt` too, reads exactly it; in
/// a clean environment of the server's time zone.
fn faketime(time: &str) -> Command {
    let mut command = Command::new("faketime");
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TZ", SERVER_TZ)
        .args(["-f", time]);
    command
}

/// Whether ssh-keygen and faketime are here (see `require`), and faketime sets
/// the clock of the programs it runs: `None` (test skipped) without them.
fn tools() -> Option<()> {
    if !require("ssh-keygen") || !require("faketime") {
        return None;
    }
    let out = faketime(LATE).args(["date", "+%s"]).output().expect("run faketime");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        LATE_EPOCH,
        "faketime does not set the clock to {LATE} {SERVER_TZ}: {}",
        stderr(&out)
    );
    Some(())
}

/// What the hook's `xinbao receipt` says when the server (服务器) signs one
/// commit at server time `time`: the check that `xinbao` itself sees faketime's clock.
fn signed(time: &str) -> String {
    format!("服务器 签收 1 个提交，收到时间 {}+08:00", time.replace(' ', "T"))
}

/// The bureau as 张三's clone of its server: 张三 writes for 投资科, 李四 supervises
/// it, 服务器 signs receipts.
struct Served {
    /// 张三's clone.
    writer: Bureau,
    server: Server,
}

impl Served {
    /// The bureau, its settings pushed at [`SETUP`]; the server's hook signs
    /// receipts with key `receipt_key` (none: it signs nothing).
    fn new(receipt_key: Option<&str>) -> Option<Served> {
        tools()?;
        let writer = Bureau::unsettled()?;
        let people = [
            Person::usual("张三").key(Key::Ssh("zhang", "")),
            Person::usual("李四"),
            Person::server("服务器", "server"),
        ];
        let people: String = people.into_iter().map(|person| writer.entry(person)).collect();
        writer.put("xinbao.yaml", settings("办公室, 投资科", &people, ""));
        writer.commit(SETTLED, None, "设置");
        let server = Server::new();
        let bare = server.bare().display().to_string();
        writer.git(SETTLED, None, &["remote", "add", "origin", &bare]);
        let mut served = Served { writer, server };
        served.sign_with(receipt_key);
        let told = served.push(SETUP, "main");
        if receipt_key == Some("server") {
            assert!(told.contains(&signed(SETUP)), "no receipt at the server's time: {told}");
        }
        Some(served)
    }

    /// The server's hook signs receipts with the private key `name` from now on
    /// (none: it signs nothing; a key never made: its file is missing).
    fn sign_with(&mut self, name: Option<&str>) {
        self.server.receipt_key = name.map(|name| self.writer.outside(name));
    }

    /// git in 张三's clone, both dates `date`; it must succeed. Gives its trimmed
    /// standard output.
    fn git(&self, date: &str, args: &[&str]) -> String {
        self.writer.git(date, None, args)
    }

    /// 张三 commits the report at `COMMITTED`; gives the commit.
    fn commit_report(&self) -> String {
        self.writer.put(FILE, REPORT);
        self.writer.commit(COMMITTED, None, "投资科：调度会")
    }

    /// 张三 pushes `refspec` to the server, whose clock reads `time`; gives what
    /// the server's hooks said. It must succeed.
    fn push(&self, time: &str, refspec: &str) -> String {
        let out = self.try_push(time, refspec);
        assert!(out.status.success(), "push {refspec} refused: {}", stderr(&out));
        stderr(&out)
    }

    /// 张三 pushes `refspec` to the server, whose clock reads `time`.
    fn try_push(&self, time: &str, refspec: &str) -> Output {
        let mut git = faketime(time);
        git.arg("git").current_dir(self.writer.root());
        // The environment of a hermetic git (see `git_command`).
        for (name, value) in self.writer.git_command(COMMITTED, None).get_envs() {
            if let Some(value) = value {
                git.env(name, value);
            }
        }
        self.server.push(git, "origin", refspec)
    }

    /// 张三 fetches the server's receipts into his clone.
    fn fetch_notes(&self) {
        self.git(FORGED_AT, &["fetch", "-q", "origin", "+refs/notes/*:refs/notes/*"]);
    }

    /// What the bureau reads: a fresh clone of the server, with its notes.
    fn clone_server(&self) -> Sandbox {
        let clone = Sandbox::new();
        let bare = self.server.bare().display().to_string();
        run_git(clone.root(), FORGED_AT, &["clone", "-q", &bare, "."]);
        run_git(clone.root(), FORGED_AT, &["fetch", "-q", "origin", "+refs/notes/*:refs/notes/*"]);
        clone
    }

    /// The refs under `refs/notes/` of the server.
    fn server_notes(&self) -> String {
        self.server.git(FORGED_AT, &["for-each-ref", "refs/notes/"])
    }

    /// The page of the report in the internal preview (`build --drafts`) of a fresh
    /// clone of the server with its receipts: the report is not published, so the
    /// archive the server's hook deploys does not show it (SPEC §7).
    fn page(&self) -> String {
        let clone = self.clone_server();
        let out = clone.run(&["build", "--drafts", "--only", "site", "--out", "preview"]);
        assert!(out.status.code().is_some_and(|c| c <= 1), "{}", stderr(&out));
        let page = clone.root().join(format!("preview/reports/{ID}.html"));
        std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()))
    }
}

/// Runs git in `dir` (see `git_command`), both dates `date`; it must succeed.
/// Gives its trimmed standard output.
fn run_git(dir: &Path, date: &str, args: &[&str]) -> String {
    trimmed_output(git_command(dir, date).args(args))
}

/// The findings of `xinbao check --format json` in `repo` (its exit code must
/// be `code`), each as `(rule, severity, line, message)`.
fn findings(repo: &Sandbox, code: i32) -> Vec<(String, String, u64, String)> {
    let (exit, json) = repo.check_json(&[]);
    assert_eq!(exit, code, "{json}");
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["file"], FILE, "{d}");
            let text = |field: &str| d[field].as_str().unwrap().to_string();
            (text("rule"), text("severity"), d["line"].as_u64().unwrap(), text("message"))
        })
        .collect()
}

/// The report's `received_at` in `xinbao status --format json` (present, maybe null).
fn received_at(repo: &Sandbox) -> Value {
    let out = repo.run(&["status", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = json["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == ID)
        .unwrap_or_else(|| panic!("{ID} not in {json}"));
    report.get("received_at").unwrap_or_else(|| panic!("no received_at: {report}")).clone()
}

/// `xinbao log ID` in `repo`.
fn log(repo: &Sandbox) -> String {
    let out = repo.run(&["log", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    stdout(&out)
}

/// 投资科's figures of 2026Q1, from `xinbao stats --format json`.
fn quarter(repo: &Sandbox) -> Value {
    let out = repo.run(&["stats", "--quarter", "2026Q1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    stats["units"].as_array().unwrap().iter().find(|u| u["unit"] == "投资科").unwrap().clone()
}

/// `(submitted, on_time, late)` of `unit` figures.
fn counted(unit: &Value) -> (u64, u64, u64) {
    let figure = |name: &str| unit[name].as_u64().unwrap_or_else(|| panic!("{name}: {unit}"));
    (figure("submitted"), figure("on_time"), figure("late"))
}

/// The "received" row of the report's archive page.
fn received_row(text: &str) -> String {
    format!("<dt>服务器收到</dt><dd>{text}</dd>")
}

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

use crate::support::{Sandbox, git_command, require, said, ssh_keygen, stderr, stdout, xinbao};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The report: its meeting was on 2 March at 09:00, so it was due by 24:00 of
/// 3 March. It claims to have been submitted on 2 March at 17:40.
const ID: &str = "2026-03-02-tiaoduhui";
const FILE: &str = "reports/2026/03/2026-03-02-tiaoduhui.md";
const REPORT: &str = "---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\n\
author: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\n\
submitted_at: 2026-03-02T17:40:00+08:00\n---\n\n3月2日，投资科召开重点项目调度会。\n";
/// The line of `submitted_at`, where the time findings are reported.
const SUBMITTED_LINE: u64 = 8;

/// Commit times (both author and committer), in order.
const SETTINGS_AT: &str = "2026-03-01T09:00:00+08:00";
/// The report's commit, five minutes after its `submitted_at` (within
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

/// A bureau: the server's bare repository with the `contrib/` hooks, and 张三's
/// clone. 张三 writes for 投资科, 李四 supervises it, 服务器 signs receipts.
struct Bureau {
    /// Holds `reports.git`, the archive `www` and the hook's checkout `work`.
    server: TempDir,
    keys: TempDir,
    /// 张三's clone.
    writer: Sandbox,
    /// The private key the server's hook signs with (`XINBAO_RECEIPT_KEY`), if any.
    receipt_key: Option<&'static str>,
}

impl Bureau {
    /// The bureau, its settings pushed at [`SETUP`]; the server's hook signs
    /// receipts with key `receipt_key` (none: it signs nothing).
    fn new(receipt_key: Option<&'static str>) -> Option<Bureau> {
        tools()?;
        let keys = tempfile::tempdir().unwrap();
        for name in ["server", "zhang", "li", "stranger"] {
            ssh_keygen(keys.path(), name);
        }
        let bureau = Bureau {
            server: tempfile::tempdir().unwrap(),
            keys,
            writer: Sandbox::new(),
            receipt_key,
        };
        let init = git_command(bureau.server.path(), SETTINGS_AT)
            .args(["init", "-q", "--bare", "-b", "main"])
            .arg(bureau.bare())
            .output()
            .unwrap();
        assert!(init.status.success(), "{}", stderr(&init));
        let contrib = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib");
        for hook in ["pre-receive", "post-receive"] {
            let installed = bureau.bare().join("hooks").join(hook);
            std::fs::copy(contrib.join(hook), &installed).unwrap();
            std::fs::set_permissions(&installed, std::fs::Permissions::from_mode(0o755)).unwrap();
        }

        bureau.writer.write(
            "xinbao.yaml",
            format!(
                r#"bureau: 测试县发展和改革局
office: 办公室
timezone: "+08:00"
units: [办公室, 投资科]
people:
  - name: 张三
    unit: 投资科
    roles: [writer]
    phone: "13800000000"
    keys:
      - ssh: "{zhang}"
  - name: 李四
    roles: [supervisor]
    supervises: [投资科]
    keys:
      - ssh: "{li}"
  - name: 服务器
    roles: [server]
    keys:
      - ssh: "{server}"
"#,
                zhang = bureau.public("zhang"),
                li = bureau.public("li"),
                server = bureau.public("server"),
            ),
        );
        bureau.git(SETTINGS_AT, &["init", "-q", "-b", "main"]);
        bureau.git(SETTINGS_AT, &["add", "-A"]);
        bureau.git(SETTINGS_AT, &["commit", "-q", "-m", "设置"]);
        bureau.git(SETTINGS_AT, &["remote", "add", "origin", &bureau.bare().display().to_string()]);
        let told = bureau.push(SETUP, "main");
        if receipt_key == Some("server") {
            assert!(told.contains(&signed(SETUP)), "no receipt at the server's time: {told}");
        }
        Some(bureau)
    }

    /// The server's bare repository.
    fn bare(&self) -> PathBuf {
        self.server.path().join("reports.git")
    }

    /// The archive the server's hook builds.
    fn site(&self) -> PathBuf {
        self.server.path().join("www")
    }

    /// The private key file of `name`.
    fn key(&self, name: &str) -> PathBuf {
        self.keys.path().join(name)
    }

    /// The OpenSSH public key line of `name`.
    fn public(&self, name: &str) -> String {
        std::fs::read_to_string(self.keys.path().join(format!("{name}.pub"))).unwrap().trim().into()
    }

    /// git in 张三's clone, both dates `date`; it must succeed. Gives its trimmed
    /// standard output.
    fn git(&self, date: &str, args: &[&str]) -> String {
        run_git(self.writer.root(), date, args)
    }

    /// 张三 commits the report at `COMMITTED`; gives the commit.
    fn commit_report(&self) -> String {
        self.writer.write(FILE, REPORT);
        self.git(COMMITTED, &["add", "-A"]);
        self.git(COMMITTED, &["commit", "-q", "-m", "投资科：调度会"]);
        self.git(COMMITTED, &["rev-parse", "HEAD"])
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
        let mut push = faketime(time);
        push.args(["git", "push", "-q", "origin", refspec]);
        // The environment of a hermetic git (see `git_command`), and the hooks' settings.
        let git = git_command(self.writer.root(), COMMITTED);
        for (name, value) in git.get_envs() {
            if let Some(value) = value {
                push.env(name, value);
            }
        }
        push.current_dir(self.writer.root())
            .env("LANG", "zh_CN.UTF-8")
            .env("XINBAO", env!("CARGO_BIN_EXE_xinbao"))
            .env("XINBAO_SITE", self.site())
            .env("XINBAO_WORK", self.server.path().join("work"));
        if let Some(key) = self.receipt_key {
            push.env("XINBAO_RECEIPT_KEY", self.key(key));
        }
        push.output().expect("run faketime git push")
    }

    /// 张三 fetches the server's receipts into his clone.
    fn fetch_notes(&self) {
        self.git(FORGED_AT, &["fetch", "-q", "origin", "+refs/notes/*:refs/notes/*"]);
    }

    /// What the bureau reads: a fresh clone of the server, with its notes.
    fn clone_server(&self) -> Sandbox {
        let clone = Sandbox::new();
        let bare = self.bare().display().to_string();
        run_git(clone.root(), FORGED_AT, &["clone", "-q", &bare, "."]);
        run_git(clone.root(), FORGED_AT, &["fetch", "-q", "origin", "+refs/notes/*:refs/notes/*"]);
        clone
    }

    /// The refs under `refs/notes/` of the server.
    fn server_notes(&self) -> String {
        run_git(&self.bare(), FORGED_AT, &["for-each-ref", "refs/notes/"])
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
    let out = git_command(dir, date).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
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

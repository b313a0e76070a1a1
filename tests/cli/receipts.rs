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

    /// The page of the report in the archive the server's hook built.
    fn page(&self) -> String {
        let page = self.site().join(format!("reports/{ID}.html"));
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

#[test]
fn a_backdated_report_is_judged_on_the_servers_receipt() {
    let Some(bureau) = Bureau::new(Some("server")) else { return };
    let commit = bureau.commit_report();
    let told = bureau.push(LATE, "main");
    assert!(told.contains(&signed(LATE)), "{told}");

    let clone = bureau.clone_server();
    let note =
        run_git(clone.root(), FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &commit]);
    assert!(
        note.starts_with(&format!(
            "xinbao receipt\nreceived 2026-03-05T02:00:00Z\nsigner 服务器\ncommit {commit}\n"
        )),
        "{note}"
    );

    // The deadline is judged on the receipt, not on submitted_at or the commit dates.
    let found = findings(&clone, 0);
    assert_eq!(found.len(), 1, "{found:?}");
    let (rule, severity, line, message) = &found[0];
    assert_eq!(
        (rule.as_str(), severity.as_str(), *line),
        ("deadline-exceeded", "warning", SUBMITTED_LINE)
    );
    assert!(message.starts_with("迟报 1 天 10 小时："), "{message}");
    assert!(
        message
            .contains("应于 2026-03-04 00:00 +08:00 前报送，服务器收到于 2026-03-05 10:00 +08:00"),
        "{message}"
    );
    assert_eq!(received_at(&clone), "2026-03-05T10:00:00+08:00");
    let log = log(&clone);
    assert!(log.contains("服务器收到：2026-03-05 10:00"), "{log}");
    assert!(log.contains("服务器收到于 2026-03-05 10:00 +08:00"), "{log}");
    assert_eq!(counted(&quarter(&clone)), (1, 0, 1), "counted late");

    // The archive the server built says when it arrived, and that it came late.
    let page = bureau.page();
    assert!(page.contains(&received_row("2026年3月5日 10:00")), "{page}");
    assert!(page.contains(r#"<span class="state s-late">迟报</span>"#), "{page}");
}

#[test]
fn an_honest_report_pushed_on_time_has_its_receipt_and_no_lateness() {
    let Some(bureau) = Bureau::new(Some("server")) else { return };
    bureau.commit_report();
    let told = bureau.push(ON_TIME, "main");
    assert!(told.contains(&signed(ON_TIME)), "{told}");

    let clone = bureau.clone_server();
    assert_eq!(findings(&clone, 0), [], "nothing to find");
    assert_eq!(received_at(&clone), "2026-03-02T18:00:00+08:00");
    let log = log(&clone);
    assert!(log.contains("服务器收到：2026-03-02 18:00"), "{log}");
    assert!(!log.contains("迟报"), "{log}");
    assert_eq!(counted(&quarter(&clone)), (1, 1, 0), "counted on time");
    let page = bureau.page();
    assert!(page.contains(&received_row("2026年3月2日 18:00")), "{page}");
    assert!(!page.contains("s-late"), "{page}");
}

#[test]
fn without_a_receipt_the_time_is_unconfirmed_and_the_commit_times_rule() {
    let Some(bureau) = Bureau::new(None) else { return };
    bureau.commit_report();
    // The same backdated push as above, to a server that signs no receipts.
    let told = bureau.push(LATE, "main");
    assert!(!told.contains("签收"), "{told}");
    assert_eq!(bureau.server_notes(), "", "the server keeps no receipts");

    let clone = bureau.clone_server();
    // Judged on submitted_at and the commit dates, it is on time.
    assert_eq!(findings(&clone, 0), [], "nothing to find");
    assert_eq!(received_at(&clone), Value::Null);
    let log = log(&clone);
    assert!(log.contains("报送时间未经服务器确认"), "{log}");
    assert!(!log.contains("服务器收到"), "{log}");
    assert_eq!(counted(&quarter(&clone)), (1, 1, 0), "counted on time");
    let page = bureau.page();
    assert!(page.contains(&received_row("未经服务器确认")), "{page}");
}

/// The backdated report pushed late to a server that signs receipts; 张三 has
/// fetched its receipts. Gives the bureau, the report's commit and the settings commit.
fn late_with_receipt() -> Option<(Bureau, String, String)> {
    let bureau = Bureau::new(Some("server"))?;
    let settings = bureau.git(COMMITTED, &["rev-parse", "HEAD"]);
    let commit = bureau.commit_report();
    bureau.push(LATE, "main");
    bureau.fetch_notes();
    Some((bureau, commit, settings))
}

/// In 张三's clone: the report is judged by its commit time (on time, no
/// receipt), with a `signature-invalid` warning on the forged receipt, `why`.
fn assert_forgery_ignored(bureau: &Bureau, why: &str) {
    let found = findings(&bureau.writer, 0);
    assert_eq!(found.len(), 1, "only the forged receipt is found: {found:?}");
    let (rule, severity, line, message) = &found[0];
    assert_eq!(
        (rule.as_str(), severity.as_str(), *line),
        ("signature-invalid", "warning", SUBMITTED_LINE),
        "{message}"
    );
    assert!(message.starts_with("服务器收条无效，已忽略："), "{message}");
    assert!(message.contains(why), "{message}");
    assert_eq!(received_at(&bureau.writer), Value::Null);
    let log = log(&bureau.writer);
    assert!(log.contains("报送时间未经服务器确认"), "{log}");
}

#[test]
fn a_receipt_copied_from_another_commit_is_ignored() {
    let Some((bureau, commit, settings)) = late_with_receipt() else { return };
    // The real receipt of the settings commit, put on the report's commit.
    let receipt = bureau.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "list", &settings]);
    bureau.git(
        FORGED_AT,
        &["notes", "--ref", "xinbao/receipts", "add", "-f", "-C", &receipt, &commit],
    );
    assert_forgery_ignored(&bureau, "收条没有列出它所附的提交");
}

#[test]
fn a_receipt_with_a_tampered_time_is_ignored() {
    let Some((bureau, commit, _)) = late_with_receipt() else { return };
    let real = bureau.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &commit]);
    let received = "received 2026-03-05T02:00:00Z\n";
    assert!(real.contains(received), "{real}");
    // Received at 17:45 +08:00 on 2 March, says the forged note.
    let forged = real.replace(received, "received 2026-03-02T09:45:00Z\n");
    bureau.writer.write("forged-receipt", format!("{forged}\n"));
    bureau.git(
        FORGED_AT,
        &["notes", "--ref", "xinbao/receipts", "add", "-f", "-F", "forged-receipt", &commit],
    );
    assert_forgery_ignored(&bureau, "收条的签名与内容不符");
}

#[test]
fn a_receipt_signed_by_the_writer_is_refused_and_ignored() {
    let Some((bureau, commit, _)) = late_with_receipt() else { return };
    let real = bureau.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &commit]);

    // xinbao will not sign a receipt with 张三's key: he has no server role.
    let out = xinbao()
        .current_dir(bureau.writer.root())
        .args(["receipt", "--key"])
        .arg(bureau.key("zhang"))
        .arg(&commit)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(stderr(&out).contains("不属于 xinbao.yaml 中具有 server 角色的人"), "{}", said(&out));
    let note = bureau.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &commit]);
    assert_eq!(note, real, "the note is the server's still");

    // So he signs one himself, in the receipt's format, with ssh-keygen.
    let payload =
        format!("xinbao receipt\nreceived 2026-03-02T09:45:00Z\nsigner 张三\ncommit {commit}\n");
    bureau.writer.write("payload", &payload);
    let out = Command::new("ssh-keygen")
        .current_dir(bureau.writer.root())
        .args(["-q", "-Y", "sign", "-n", "xinbao-receipt", "-f"])
        .arg(bureau.key("zhang"))
        .arg("payload")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", said(&out));
    let signature = std::fs::read_to_string(bureau.writer.root().join("payload.sig")).unwrap();
    bureau.writer.write("forged-receipt", format!("{payload}{signature}"));
    bureau.git(
        FORGED_AT,
        &["notes", "--ref", "xinbao/receipts", "add", "-f", "-F", "forged-receipt", &commit],
    );
    assert_forgery_ignored(&bureau, "收条由 张三 签名，但此人没有 server 角色");
}

#[test]
fn only_a_server_key_signs_receipts() {
    let Some(bureau) = Bureau::new(None) else { return };
    bureau.commit_report();
    bureau.push(LATE, "main");

    let receipt = |key: &str| {
        xinbao()
            .current_dir(bureau.bare())
            .args(["receipt", "--key"])
            .arg(bureau.key(key))
            .arg("main")
            .output()
            .unwrap()
    };
    // A supervisor's key, a writer's, and a key of no one are refused.
    for key in ["li", "zhang", "stranger"] {
        let out = receipt(key);
        assert_eq!(out.status.code(), Some(1), "{key}: {}", said(&out));
        assert!(
            stderr(&out).contains("不属于 xinbao.yaml 中具有 server 角色的人，不能签发收条"),
            "{key}: {}",
            said(&out)
        );
        assert_eq!(bureau.server_notes(), "", "{key}: a note was written");
    }
    // The same from XINBAO_RECEIPT_KEY.
    let out = xinbao()
        .current_dir(bureau.bare())
        .env("XINBAO_RECEIPT_KEY", bureau.key("li"))
        .args(["receipt", "main"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert_eq!(bureau.server_notes(), "", "a note was written");

    // The server's own key signs.
    let out = receipt("server");
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(stdout(&out).contains("服务器 签收 1 个提交"), "{}", said(&out));
    let main = run_git(&bureau.bare(), FORGED_AT, &["rev-parse", "main"]);
    let note =
        run_git(&bureau.bare(), FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", "main"]);
    assert!(note.starts_with("xinbao receipt\n"), "{note}");
    assert!(note.contains(&format!("\nsigner 服务器\ncommit {main}\n")), "{note}");
}

#[test]
fn a_server_given_a_writers_key_signs_nothing_and_still_accepts_pushes() {
    let Some(bureau) = Bureau::new(Some("zhang")) else { return };
    bureau.commit_report();
    let told = bureau.push(LATE, "main");
    assert!(told.contains("不属于 xinbao.yaml 中具有 server 角色的人"), "{told}");
    assert_eq!(bureau.server_notes(), "", "no receipts");
    let clone = bureau.clone_server();
    assert_eq!(received_at(&clone), Value::Null);
    assert!(bureau.page().contains(&received_row("未经服务器确认")));
}

/// The server's record is its own: 张三 removes the receipt of his late report
/// in his clone and pushes the notes. The server must refuse, or keep its receipt.
#[test]
fn a_writer_cannot_erase_the_servers_receipt() {
    let Some((bureau, commit, _)) = late_with_receipt() else { return };
    bureau.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "remove", &commit]);
    let out = bureau.try_push(FORGED_PUSH, "refs/notes/xinbao/receipts");
    let pushed = said(&out);

    let clone = bureau.clone_server();
    assert_eq!(
        received_at(&clone),
        "2026-03-05T10:00:00+08:00",
        "the server lost its receipt to a writer's push (push {}: {pushed})",
        if out.status.success() { "accepted" } else { "refused" }
    );
    let found = findings(&clone, 0);
    assert!(
        found.iter().any(|(rule, _, _, message)| rule == "deadline-exceeded"
            && message.contains("服务器收到于 2026-03-05 10:00 +08:00")),
        "{found:?}"
    );
}

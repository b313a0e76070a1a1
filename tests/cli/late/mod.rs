//! Late is a fact, not a gate (SPEC §6.2): a routine work report submitted days
//! after its meeting is a `deadline-exceeded` *warning* that says 迟报, by how much
//! and why (`late_reason`), and it flows on like any other report — from the
//! writer's branch through the pre-commit hook, a supervisor's signed approval and
//! the office's signed publication, to its documents, the archive (with a 迟报
//! mark), the bulletin, `xinbao log` and the quarter's figures and notice, and
//! through a plain git server's `contrib/` hooks. Real repositories, real SSH keys
//! made with ssh-keygen, real commits signed by git.

mod checked;
mod flows;

use crate::support::{Sandbox, git_command, require, said, ssh_keygen, stderr, stdout};
use serde_json::Value;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The late report: its meeting was on 2026-03-02 09:00, so it was due by 24:00
/// of 3 March; it was submitted on 5 March at 10:00, 1 day 10 hours late.
const ID: &str = "2026-03-02-late";
const FILE: &str = "reports/2026/03/2026-03-02-late.md";
const TITLE: &str = "投资科召开重点项目调度会";
const REASON: &str = "调度会纪要须经分管领导审定后报送";
const LATE: &str = "---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\n\
author: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\n\
submitted_at: 2026-03-05T10:00:00+08:00\nlate_reason: 调度会纪要须经分管领导审定后报送\n---\n\n\
3月2日，投资科召开重点项目调度会，安排下一步工作。\n";
/// How the check words the lateness, in Chinese and in English.
const LATE_ZH: &str = "迟报 1 天 10 小时：";
const LATE_EN: &str = "late by 1 d 10 h (迟报): ";

/// An on-time report of the following week.
const ON_TIME_ID: &str = "2026-03-09-ontime";
const ON_TIME: &str = "---\ntitle: 投资科召开项目推进会\ncategory: work\nunit: 投资科\n\
author: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-09T09:00:00+08:00\n\
submitted_at: 2026-03-09T17:00:00+08:00\n---\n\n3月9日，投资科召开项目推进会。\n";

/// Commit times, in order: every commit is later than its parents.
const SETTINGS: &str = "2026-03-01T09:00:00+08:00";
/// The writer commits five minutes after `submitted_at` (within `commit_skew`).
const WRITTEN: &str = "2026-03-05T10:05:00+08:00";
const MERGED: &str = "2026-03-05T16:00:00+08:00";
const PUBLISHED: &str = "2026-03-06T09:00:00+08:00";
const ON_TIME_WRITTEN: &str = "2026-03-09T17:05:00+08:00";
const ON_TIME_MERGED: &str = "2026-03-09T18:00:00+08:00";

/// A reports repository on `main`: 张三 writes for 投资科, 李四 supervises it,
/// 钱七 of the office publishes; the settings are its first commit.
struct Bureau {
    sandbox: Sandbox,
    keys: TempDir,
}

impl Bureau {
    /// The bureau; `None` (test skipped) without ssh-keygen.
    fn new() -> Option<Bureau> {
        if !require("ssh-keygen") {
            return None;
        }
        let keys = tempfile::tempdir().unwrap();
        for name in ["li", "qian"] {
            ssh_keygen(keys.path(), name);
        }
        let bureau = Bureau { sandbox: Sandbox::new(), keys };
        bureau.sandbox.write(
            "xinbao.yaml",
            format!(
                r#"bureau: 测试县发展和改革局
office: 办公室
timezone: "+08:00"
units: [办公室, 投资科, 价格科]
people:
  - name: 张三
    unit: 投资科
    roles: [writer]
    phone: "13800000000"
  - name: 李四
    roles: [supervisor]
    supervises: [投资科]
    keys:
      - ssh: "{li}"
  - name: 钱七
    unit: 办公室
    roles: [office]
    keys:
      - ssh: "{qian}"
"#,
                li = bureau.public("li"),
                qian = bureau.public("qian"),
            ),
        );
        bureau.git(SETTINGS, &["init", "-q", "-b", "main"]);
        bureau.git(SETTINGS, &["add", "-A"]);
        bureau.git(SETTINGS, &["commit", "-q", "-m", "设置"]);
        Some(bureau)
    }

    fn root(&self) -> &Path {
        self.sandbox.root()
    }

    /// The OpenSSH public key line of `name`.
    fn public(&self, name: &str) -> String {
        std::fs::read_to_string(self.keys.path().join(format!("{name}.pub"))).unwrap().trim().into()
    }

    /// git in the repository, as 张三, both dates `date`, in Chinese.
    fn git_command(&self, date: &str) -> Command {
        let mut command = git_command(self.root(), date);
        command.env("LANG", "zh_CN.UTF-8");
        command
    }

    /// Runs git; it must succeed. Gives its trimmed standard output.
    fn git(&self, date: &str, args: &[&str]) -> String {
        let out = self.git_command(date).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// `xinbao ARGS` with both git dates set to `date` (for the commits it makes).
    fn xinbao_at(&self, date: &str, args: &[&str]) -> Output {
        self.sandbox.run_with_env(args, &[("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date)])
    }

    /// `xinbao ARGS`.
    fn xinbao(&self, args: &[&str]) -> Output {
        self.sandbox.run(args)
    }

    /// 张三's branch `branch` adding report `id` with `text`, committed at `date`;
    /// back on main.
    fn propose(&self, branch: &str, id: &str, text: &str, date: &str) {
        self.git(date, &["checkout", "-q", "-b", branch]);
        self.sandbox.write(&format!("reports/2026/03/{id}.md"), text);
        self.git(date, &["add", "-A"]);
        self.git(date, &["commit", "-q", "-m", &format!("投资科：{id}")]);
        self.git(date, &["checkout", "-q", "main"]);
    }

    /// Sets the repository's git config so `xinbao approve`/`publish` sign as
    /// `name` with the SSH key `key`.
    fn configure_signer(&self, name: &str, key: &str) {
        let key = self.keys.path().join(key).display().to_string();
        for (item, value) in [
            ("user.name", name),
            ("user.email", "signer@example.org"),
            ("gpg.format", "ssh"),
            ("user.signingkey", &key),
        ] {
            self.git(SETTINGS, &["config", item, value]);
        }
    }

    /// 李四 approves `branch` with `xinbao approve` at `date`.
    fn approve(&self, branch: &str, date: &str) -> Output {
        self.configure_signer("李四", "li");
        self.xinbao_at(date, &["approve", branch])
    }

    /// The late report proposed, approved by 李四 and published by 钱七.
    fn published() -> Option<Bureau> {
        let bureau = Bureau::new()?;
        bureau.propose("zhang/late", ID, LATE, WRITTEN);
        let approved = bureau.approve("zhang/late", MERGED);
        assert!(approved.status.success(), "{}{}", stdout(&approved), stderr(&approved));
        bureau.configure_signer("钱七", "qian");
        let published = bureau.xinbao_at(PUBLISHED, &["publish", ID]);
        assert!(published.status.success(), "{}{}", stdout(&published), stderr(&published));
        Some(bureau)
    }

    /// Report `id` of `xinbao status --format json`.
    fn status(&self, id: &str) -> Value {
        let out = self.xinbao(&["status", "--format", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        json["reports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {json}"))
            .clone()
    }

    /// A file written under `public/`.
    fn public_file(&self, path: &str) -> PathBuf {
        self.root().join("public").join(path)
    }
}

/// The text of a DOCX's `word/document.xml`.
fn docx_text(path: &Path) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive.by_name("word/document.xml").unwrap().read_to_string(&mut text).unwrap();
    text
}

/// The report entries of the archive's search index, `search/docs.js`.
fn search_docs(path: &Path) -> Vec<Value> {
    let script = std::fs::read_to_string(path).unwrap();
    let (_, docs) = script.split_once("XB.docs=").expect("XB.docs in docs.js");
    let docs = docs.trim_end().strip_suffix(';').expect("docs.js ends with `;`");
    serde_json::from_str::<Vec<Value>>(docs).unwrap()
}

/// The unit `unit` of `stats --format json`.
fn unit_figures<'a>(stats: &'a Value, unit: &str) -> &'a Value {
    stats["units"].as_array().unwrap().iter().find(|u| u["unit"] == unit).unwrap()
}

//! Approvals (SPEC §6): real repositories, real keys made with ssh-keygen and gpg,
//! real signed commits made by git itself and in-process, verified by `xinbao status`.
//!
//! The shared fixture, [`Bureau`], is here; the tests are grouped by behaviour in the
//! submodules.

mod approve;
mod publishing;
mod verification;

use crate::support::{Sandbox, Signer, require, signing_git, ssh_keygen};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The SSH keys made for every bureau: four people and one stranger.
const SSH_KEYS: &[&str] = &["li", "zhao", "zhou", "qian", "stranger"];

/// When the writer commits (within the skew of the reports' `submitted_at`).
const WRITTEN: &str = "2026-03-02T17:45:00+08:00";
/// When supervisors merge.
const MERGED: &str = "2026-03-02T20:00:00+08:00";
/// When the office publishes.
const PUBLISHED: &str = "2026-03-03T09:00:00+08:00";

/// A reports repository with people and keys, on branch `main`.
struct Bureau {
    sandbox: Sandbox,
    keys: TempDir,
    /// The OpenPGP fingerprint of 孙八, when the bureau has one.
    pgp: Option<String>,
}

impl Bureau {
    /// A bureau with SSH keys; `None` (test skipped) without ssh-keygen.
    fn new() -> Option<Bureau> {
        Bureau::build(false)
    }

    /// A bureau where 孙八 signs with OpenPGP; `None` without ssh-keygen or gpg.
    fn with_openpgp() -> Option<Bureau> {
        if !require("gpg") {
            return None;
        }
        Bureau::build(true)
    }

    fn build(openpgp: bool) -> Option<Bureau> {
        if !require("ssh-keygen") {
            return None;
        }
        let keys = tempfile::tempdir().unwrap();
        for name in SSH_KEYS {
            ssh_keygen(keys.path(), name);
        }
        let mut bureau = Bureau { sandbox: Sandbox::new(), keys, pgp: None };
        let mut people = format!(
            r#"  - name: 张三
    unit: 投资科
    roles: [writer]
    phone: "13800000000"
  - name: 李四
    roles: [supervisor]
    supervises: [投资科]
    keys:
      - ssh: "{li}"
  - name: 赵六
    roles: [supervisor]
    supervises: [价格科]
    keys:
      - ssh: "{zhao}"
  - name: 周九
    roles: [supervisor]
    supervises: [投资科]
    keys:
      - ssh: "{zhou}"
        valid_from: 2024-01-01
        valid_until: 2025-12-31
  - name: 钱七
    unit: 办公室
    roles: [office]
    keys:
      - ssh: "{qian}"
"#,
            li = bureau.public("li"),
            zhao = bureau.public("zhao"),
            zhou = bureau.public("zhou"),
            qian = bureau.public("qian"),
        );
        if openpgp {
            let fingerprint = bureau.make_openpgp_key();
            bureau.pgp = Some(fingerprint);
            people.push_str(
                "  - name: 孙八\n    roles: [supervisor]\n    supervises: [投资科]\n    keys:\n      - openpgp: keys/sunba.asc\n",
            );
        }
        bureau.sandbox.write(
            "xinbao.yaml",
            format!(
                "bureau: 测试县发展和改革局\noffice: 办公室\ntimezone: \"+08:00\"\nunits: [办公室, 投资科, 价格科]\npeople:\n{people}"
            ),
        );
        bureau.git(WRITTEN, None, &["init", "-q", "-b", "main"]);
        bureau.git(WRITTEN, None, &["add", "-A"]);
        bureau.git("2026-03-01T09:00:00+08:00", None, &["commit", "-q", "-m", "设置"]);
        Some(bureau)
    }

    fn root(&self) -> &Path {
        self.sandbox.root()
    }

    fn gnupg_home(&self) -> PathBuf {
        self.keys.path().join("gnupg")
    }

    /// The OpenSSH public key line of `name`.
    fn public(&self, name: &str) -> String {
        std::fs::read_to_string(self.keys.path().join(format!("{name}.pub"))).unwrap().trim().into()
    }

    /// The fingerprint ssh-keygen prints for `name`'s key.
    fn ssh_fingerprint(&self, name: &str) -> String {
        let out = Command::new("ssh-keygen")
            .arg("-lf")
            .arg(self.keys.path().join(format!("{name}.pub")))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1).unwrap().to_string()
    }

    /// Makes 孙八's OpenPGP key with gpg, exports it to `keys/sunba.asc`, returns its fingerprint.
    fn make_openpgp_key(&self) -> String {
        let home = self.gnupg_home();
        std::fs::create_dir_all(&home).unwrap();
        let gpg = |args: &[&str]| {
            let out = Command::new("gpg")
                .env("GNUPGHOME", &home)
                .args(["--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""])
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success(), "gpg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        gpg(&["--quick-gen-key", "孙八 <sunba@example.org>", "ed25519", "sign", "never"]);
        let listing = gpg(&["--with-colons", "--list-keys", "sunba@example.org"]);
        let fingerprint = listing
            .lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_string();
        let armored = gpg(&["--armor", "--export", &fingerprint]);
        self.sandbox.write("keys/sunba.asc", armored);
        fingerprint
    }

    /// A git command whose commits are signed by `signer` (an SSH key name, or `"pgp"`).
    fn git_command(&self, date: &str, signer: Option<&str>) -> Command {
        let (key, home) = (signer.map(|name| self.keys.path().join(name)), self.gnupg_home());
        let signer = match (signer, &key) {
            (Some("pgp"), _) => {
                Signer::OpenPgp { fingerprint: self.pgp.as_deref().unwrap(), home: &home }
            }
            (Some(_), Some(key)) => Signer::Ssh(key),
            _ => Signer::Nobody,
        };
        signing_git(self.root(), date, signer)
    }

    fn git(&self, date: &str, signer: Option<&str>, args: &[&str]) -> String {
        let out = self.git_command(date, signer).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Writes a valid work report `id` of `unit`.
    fn write_report(&self, id: &str, unit: &str, body: &str) {
        let author = if unit == "投资科" { "张三" } else { "王五" };
        self.sandbox.write(
            &format!("reports/2026/03/{id}.md"),
            format!(
                "---\ntitle: {unit}召开调度会\ncategory: work\nunit: {unit}\nauthor: {author}\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T17:40:00+08:00\n---\n\n{body}\n"
            ),
        );
    }

    /// A writer's branch adding the reports `(id, unit)`, left unmerged; back on main.
    fn propose(&self, branch: &str, reports: &[(&str, &str)]) {
        self.git(WRITTEN, None, &["checkout", "-q", "-b", branch]);
        for (id, unit) in reports {
            self.write_report(id, unit, "3月2日召开调度会，安排下一步工作。");
        }
        self.git(WRITTEN, None, &["add", "-A"]);
        self.git(WRITTEN, None, &["commit", "-q", "-m", &format!("报送 {branch}")]);
        self.git(WRITTEN, None, &["checkout", "-q", "main"]);
    }

    /// A writer's branch with the reports, merged `--no-ff` into main, signed by `signer`.
    fn submit(&self, branch: &str, reports: &[(&str, &str)], signer: Option<&str>) {
        self.propose(branch, reports);
        let sign = if signer.is_some() { "-S" } else { "--no-gpg-sign" };
        self.git(MERGED, signer, &["merge", "-q", "--no-ff", sign, "-m", "合并", branch]);
    }

    /// `xinbao ARGS` with extra environment.
    fn xinbao(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.sandbox.run_with_env(args, env)
    }

    /// `xinbao status --format json`, by report id.
    fn status(&self) -> serde_json::Map<String, Value> {
        let out = self.xinbao(&["status", "--format", "json"], &[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        json["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].as_str().unwrap().to_string(), r.clone()))
            .collect()
    }

    /// The state and problem rules of report `id`.
    fn state(&self, id: &str) -> (String, Vec<String>) {
        let status = self.status();
        let report = &status[id];
        let rules = report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["rule"].as_str().unwrap().to_string())
            .collect();
        (report["state"].as_str().unwrap().to_string(), rules)
    }

    /// Sets the repository's own git config so `xinbao approve`/`publish` sign as `signer`.
    fn configure_signer(&self, name: &str, signer: &str) {
        self.git(WRITTEN, None, &["config", "user.name", name]);
        self.git(WRITTEN, None, &["config", "user.email", "x@example.org"]);
        self.git(WRITTEN, None, &["config", "gpg.format", "ssh"]);
        let key = self.keys.path().join(signer);
        self.git(WRITTEN, None, &["config", "user.signingkey", &key.display().to_string()]);
    }

    /// `git verify-commit HEAD` with `signers` as git's allowed_signers file.
    fn verify_head(&self, signers: &Path) -> Output {
        self.git_command(MERGED, None)
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", signers.display()))
            .args(["verify-commit", "HEAD"])
            .output()
            .unwrap()
    }

    fn head(&self) -> String {
        self.git(WRITTEN, None, &["rev-parse", "HEAD"])
    }
}

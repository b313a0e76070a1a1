//! Approvals (SPEC §6): real repositories, real keys made with ssh-keygen and gpg,
//! real signed commits made by git itself and in-process, verified by `xinbao status`.

use crate::support::{Sandbox, Signer, require, signing_git, ssh_keygen, stderr};
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

#[test]
fn the_right_supervisor_approves_with_ssh() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("li"));
    let status = bureau.status();
    let report = &status["2026-03-02-r1"];
    assert_eq!(report["state"], "approved");
    assert_eq!(report["unit"], "投资科");
    assert_eq!(report["file"], "reports/2026/03/2026-03-02-r1.md");
    let approval = &report["approved_by"][0];
    assert_eq!(approval["name"], "李四");
    assert_eq!(approval["key"], bureau.ssh_fingerprint("li").as_str());
    assert_eq!(approval["at"], "2026-03-02T20:00:00+08:00");
    assert_eq!(approval["commit"], bureau.head().as_str());
    assert_eq!(report["problems"], serde_json::json!([]));
    let out = bureau.xinbao(&["check", "--approvals"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn the_right_supervisor_approves_with_openpgp() {
    let Some(bureau) = Bureau::with_openpgp() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("pgp"));
    let status = bureau.status();
    let approval = &status["2026-03-02-r1"]["approved_by"][0];
    assert_eq!(status["2026-03-02-r1"]["state"], "approved", "{status:#?}");
    assert_eq!(approval["name"], "孙八");
    assert_eq!(approval["key"], bureau.pgp.as_deref().unwrap());
    let _ = Command::new("gpgconf")
        .env("GNUPGHOME", bureau.gnupg_home())
        .args(["--kill", "all"])
        .status();
}

#[test]
fn the_history_cache_gives_the_same_answer_and_never_decides() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("li"));
    let first = bureau.xinbao(&["status", "--format", "json"], &[]);
    let cache = bureau.root().join(".git/xinbao/approvals.json");
    assert!(cache.is_file(), "the facts of each commit are kept");
    let again = bureau.xinbao(&["status", "--format", "json"], &[]);
    assert_eq!(first.stdout, again.stdout, "from the cache, the same status");
    // A new commit is read on top of the cached ones.
    bureau.submit("zhang/r2", &[("2026-03-02-r2", "投资科")], Some("li"));
    assert_eq!(bureau.state("2026-03-02-r2"), ("approved".into(), vec![]));
    // The office removes 李四's key in a signed commit: his earlier approvals stand
    // (judged by the settings of their time), a later one does not count.
    let settings = bureau.root().join("xinbao.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let key = bureau.public("li");
    std::fs::write(&settings, text.replace(key.trim(), &bureau.public("stranger"))).unwrap();
    bureau.git(PUBLISHED, Some("qian"), &["commit", "-q", "-S", "-am", "更换李四的密钥"]);
    bureau.propose("zhang/r3", &[("2026-03-02-r3", "投资科")]);
    bureau.git(
        "2026-03-03T10:00:00+08:00",
        Some("li"),
        &["merge", "-q", "--no-ff", "-S", "-m", "合并", "zhang/r3"],
    );
    assert_eq!(bureau.state("2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(bureau.state("2026-03-02-r3"), ("submitted".into(), vec!["key-unknown".into()]));
    // A corrupt cache is ignored; so is one edited by hand (its seal no longer verifies).
    let sealed = std::fs::read_to_string(&cache).unwrap();
    std::fs::write(&cache, "{not json").unwrap();
    assert_eq!(bureau.state("2026-03-02-r3"), ("submitted".into(), vec!["key-unknown".into()]));
    let (_, json) = sealed.split_once('\n').unwrap();
    let edited = format!("{}\n{json}", "0".repeat(64));
    std::fs::write(&cache, edited).unwrap();
    assert_eq!(bureau.state("2026-03-02-r3"), ("submitted".into(), vec!["key-unknown".into()]));
}

#[test]
fn a_supervisor_of_another_unit_does_not_approve() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("zhao"));
    assert_eq!(
        bureau.state("2026-03-02-r1"),
        ("submitted".into(), vec!["signer-not-authorized".into()])
    );
    let out = bureau.xinbao(&["check", "--approvals", "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["signer-not-authorized"]);
}

#[test]
fn an_unknown_key_does_not_approve() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("stranger"));
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec!["key-unknown".into()]));
}

#[test]
fn a_key_counts_only_inside_its_window() {
    let Some(bureau) = Bureau::new() else { return };
    // 周九's key is valid until 2025-12-31; the merge is on 2026-03-02.
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("zhou"));
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec!["key-expired".into()]));
    // Backdating the merge into the window does not help: a commit cannot be older
    // than its parents, and the key is judged at the parents' time (SPEC §6.1).
    // tests/cli/trust.rs shows the last second of a window on an honest history.
    bureau.propose("zhang/r2", &[("2026-03-02-r2", "投资科")]);
    bureau.git(
        "2025-12-31T23:59:59+08:00",
        Some("zhou"),
        &["merge", "-q", "--no-ff", "-S", "-m", "合并", "zhang/r2"],
    );
    assert_eq!(
        bureau.state("2026-03-02-r2"),
        ("submitted".into(), vec!["time-order".into(), "key-expired".into()])
    );
}

#[test]
fn a_tampered_commit_does_not_verify() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("li"));
    let object = bureau.git(MERGED, None, &["cat-file", "commit", "HEAD"]);
    let forged = object.replace("合并", "合并（改）");
    assert_ne!(forged, object);
    let mut hash = bureau.git_command(MERGED, None);
    hash.args(["hash-object", "-t", "commit", "-w", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = hash.spawn().unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(format!("{forged}\n").as_bytes()).unwrap();
    let id = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    bureau.git(MERGED, None, &["update-ref", "refs/heads/main", id.trim()]);
    assert_eq!(
        bureau.state("2026-03-02-r1"),
        ("submitted".into(), vec!["signature-invalid".into()])
    );
}

#[test]
fn an_unsigned_merge_leaves_the_report_submitted() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], None);
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec![]));
    // The main-branch check warns that it waits for approval, without failing.
    let out = bureau.xinbao(&["check", "--approvals", "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["rule"], "not-approved");
    assert_eq!(json["diagnostics"][0]["severity"], "warning");
}

#[test]
fn a_change_after_approval_is_stale_until_approved_again() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("li"));
    bureau.write_report("2026-03-02-r1", "投资科", "改动后的正文。");
    bureau.git(MERGED, None, &["commit", "-qam", "直接修改"]);
    assert_eq!(bureau.state("2026-03-02-r1"), ("stale".into(), vec!["approval-stale".into()]));
    assert_eq!(bureau.xinbao(&["check", "--approvals"], &[]).status.code(), Some(1));
    // A new approval of the changed text clears it.
    bureau.git(WRITTEN, None, &["checkout", "-q", "-b", "zhang/fix"]);
    bureau.write_report("2026-03-02-r1", "投资科", "再次修改的正文。");
    bureau.git(WRITTEN, None, &["commit", "-qam", "修改"]);
    bureau.git(WRITTEN, None, &["checkout", "-q", "main"]);
    bureau.git(MERGED, Some("li"), &["merge", "-q", "--no-ff", "-S", "-m", "再审", "zhang/fix"]);
    let status = bureau.status();
    assert_eq!(status["2026-03-02-r1"]["state"], "approved");
    assert_eq!(status["2026-03-02-r1"]["approved_by"].as_array().unwrap().len(), 2);
}

#[test]
fn the_office_publishes_by_trailer_with_xinbao_publish() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("li"));
    bureau.configure_signer("钱七", "qian");
    let out = bureau.xinbao(&["publish", "2026-03-02-r1"], &[("GIT_COMMITTER_DATE", PUBLISHED)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let message = bureau.git(WRITTEN, None, &["log", "-1", "--format=%B"]);
    assert!(message.contains("Published: 2026-03-02-r1"), "{message}");
    let status = bureau.status();
    let report = &status["2026-03-02-r1"];
    assert_eq!(report["state"], "published");
    assert_eq!(report["published_by"][0]["name"], "钱七");
    assert_eq!(report["published_by"][0]["key"], bureau.ssh_fingerprint("qian").as_str());
    assert_eq!(report["approved_by"][0]["name"], "李四");
}

#[test]
fn the_office_publishes_by_a_normalizing_edit_and_the_diff_is_kept() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("li"));
    bureau.write_report("2026-03-02-r1", "投资科", "3月2日，投资科召开调度会，安排下一步工作。");
    bureau.git(PUBLISHED, Some("qian"), &["commit", "-q", "-S", "-am", "规范文字"]);
    assert_eq!(bureau.state("2026-03-02-r1"), ("published".into(), vec![]));
    let out = bureau.xinbao(&["log", "2026-03-02-r1", "--format", "json"], &[]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps: Vec<&str> =
        json["trail"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["submitted", "approved", "published"]);
    let diff = json["trail"][2]["diff"].as_str().unwrap();
    assert!(
        diff.contains("-3月2日召开调度会") && diff.contains("+3月2日，投资科召开调度会"),
        "{diff}"
    );
    let human = bureau.xinbao(&["log", "2026-03-02-r1"], &[]);
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(human.contains("发布  钱七") && human.contains("+3月2日，投资科"), "{human}");
}

#[test]
fn an_office_signature_without_approval_publishes_nothing() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], None);
    bureau.git(
        PUBLISHED,
        Some("qian"),
        &["commit", "-q", "-S", "--allow-empty", "-m", "发布\n\nPublished: 2026-03-02-r1"],
    );
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec!["not-approved".into()]));
    // xinbao publish refuses before signing anything.
    bureau.configure_signer("钱七", "qian");
    let head = bureau.head();
    let out = bureau.xinbao(&["publish", "2026-03-02-r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not-approved"), "{}", stderr(&out));
    assert_eq!(bureau.head(), head);
}

#[test]
fn a_merge_approves_what_it_brings_in_not_the_whole_tree() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/old", &[("2026-03-02-old", "投资科")], None);
    bureau.submit("zhang/new", &[("2026-03-02-new", "投资科")], Some("li"));
    let status = bureau.status();
    assert_eq!(status["2026-03-02-new"]["state"], "approved");
    assert_eq!(status["2026-03-02-old"]["state"], "submitted");
    assert_eq!(status["2026-03-02-old"]["approved_by"], serde_json::json!([]));
}

#[test]
fn a_report_only_in_the_work_tree_is_a_draft() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.write_report("2026-03-02-draft", "投资科", "草稿。");
    assert_eq!(bureau.state("2026-03-02-draft"), ("draft".into(), vec![]));
    let table = bureau.xinbao(&["status"], &[]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("2026-03-02-draft") && table.contains("草稿"), "{table}");
}

#[test]
fn an_in_process_signed_commit_approves() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/r1", &[("2026-03-02-r1", "投资科")]);
    // Build the merge commit with git2 and sign it with the ssh-key crate.
    let repo = git2::Repository::open(bureau.root()).unwrap();
    let main = repo.head().unwrap().peel_to_commit().unwrap();
    let branch = repo.revparse_single("zhang/r1").unwrap().peel_to_commit().unwrap();
    let mut index = repo.merge_commits(&main, &branch, None).unwrap();
    let tree = repo.find_tree(index.write_tree_to(&repo).unwrap()).unwrap();
    let when = git2::Time::new(1_772_452_800, 8 * 60); // 2026-03-02T20:00:00+08:00
    let who = git2::Signature::new("李四", "lisi@example.org", &when).unwrap();
    let buffer = repo.commit_create_buffer(&who, &who, "合并", &tree, &[&main, &branch]).unwrap();
    let private = ssh_key::PrivateKey::read_openssh_file(&bureau.keys.path().join("li")).unwrap();
    let signature = private.sign("git", ssh_key::HashAlg::Sha512, &buffer).unwrap();
    let pem = signature.to_pem(ssh_key::LineEnding::LF).unwrap();
    let id = repo.commit_signed(buffer.as_str().unwrap(), &pem, None).unwrap();
    repo.reference("refs/heads/main", id, true, "signed merge").unwrap();
    assert_eq!(bureau.state("2026-03-02-r1"), ("approved".into(), vec![]));
    // git itself agrees, given the allowed_signers file xinbao writes.
    let out = bureau.xinbao(&["keys", "allowed-signers", "-o", "../allowed_signers"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let signers = bureau.root().join("../allowed_signers");
    let verify = bureau.verify_head(&signers);
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(stderr(&verify).contains("Good \"git\" signature for 李四"), "{}", stderr(&verify));
    std::fs::remove_file(signers).unwrap();
}

#[test]
fn git_and_xinbao_agree_on_an_expired_key() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("zhou"));
    let out = bureau.xinbao(&["keys", "allowed-signers"], &[]);
    let signers = bureau.keys.path().join("allowed_signers");
    std::fs::write(&signers, &out.stdout).unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("周九 namespaces=\"git\",valid-after=\"20231231160000Z\",valid-before=\"20251231160000Z\" ssh-ed25519 "), "{text}");
    let verify = bureau.verify_head(&signers);
    assert!(!verify.status.success(), "git accepted an expired key: {}", stderr(&verify));
    assert_eq!(bureau.state("2026-03-02-r1").1, ["key-expired"]);
}

#[test]
fn approve_merges_with_a_signature_and_trailers() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/r1", &[("2026-03-02-r1", "投资科"), ("2026-03-02-r2", "投资科")]);
    bureau.configure_signer("李四", "li");
    let out = bureau.xinbao(&["approve", "zhang/r1"], &[("GIT_COMMITTER_DATE", MERGED)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("李四 已审核并合并 2 条信息"));
    let parents = bureau.git(WRITTEN, None, &["log", "-1", "--format=%P"]);
    assert_eq!(parents.split_whitespace().count(), 2, "a --no-ff merge");
    let message = bureau.git(WRITTEN, None, &["log", "-1", "--format=%B"]);
    assert!(
        message.contains("Approved: 2026-03-02-r1") && message.contains("Approved: 2026-03-02-r2")
    );
    let status = bureau.status();
    assert_eq!(status["2026-03-02-r1"]["state"], "approved");
    assert_eq!(status["2026-03-02-r2"]["approved_by"][0]["name"], "李四");
}

#[test]
fn approve_refuses_a_dirty_tree_a_failing_report_and_a_signer_without_the_right() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/r1", &[("2026-03-02-r1", "投资科")]);
    let head = bureau.head();

    // Another unit's supervisor.
    bureau.configure_signer("赵六", "zhao");
    let out = bureau.xinbao(&["approve", "zhang/r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("赵六 无权审核"), "{}", stderr(&out));

    // A dirty work tree.
    bureau.configure_signer("李四", "li");
    bureau.sandbox.write("xinbao.yaml", "# 改动\n");
    let out = bureau.xinbao(&["approve", "zhang/r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("工作区有未提交的修改"), "{}", stderr(&out));
    bureau.git(WRITTEN, None, &["checkout", "--", "xinbao.yaml"]);

    // A report that fails the check.
    bureau.git(WRITTEN, None, &["checkout", "-q", "-b", "zhang/bad"]);
    bureau.sandbox.write(
        "reports/2026/03/2026-03-02-bad.md",
        "---\ntitle: 缺字段\nunit: 投资科\n---\n\n正文。\n",
    );
    bureau.git(WRITTEN, None, &["add", "-A"]);
    bureau.git(WRITTEN, None, &["commit", "-qm", "坏"]);
    bureau.git(WRITTEN, None, &["checkout", "-q", "main"]);
    let out = bureau.xinbao(&["approve", "zhang/bad"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("missing-field"));
    assert_eq!(bureau.head(), head, "nothing was merged");
    assert!(!bureau.root().join(".git/MERGE_HEAD").exists(), "the merge was aborted");
}

#[test]
fn publish_commits_the_offices_staged_edit_and_refuses_unrelated_changes() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("li"));
    bureau.configure_signer("钱七", "qian");
    bureau.write_report("2026-03-02-r1", "投资科", "3月2日，投资科召开调度会。");
    // An unstaged edit is refused: the office stages what it publishes.
    let out = bureau.xinbao(&["publish", "2026-03-02-r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("git add"), "{}", stderr(&out));
    // So is a staged change to another file.
    bureau.git(WRITTEN, None, &["add", "-A"]);
    bureau.sandbox.write("notes.txt", "无关\n");
    bureau.git(WRITTEN, None, &["add", "notes.txt"]);
    let out = bureau.xinbao(&["publish", "2026-03-02-r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("notes.txt"), "{}", stderr(&out));
    bureau.git(WRITTEN, None, &["rm", "-q", "--cached", "notes.txt"]);

    let out = bureau.xinbao(
        &["--lang", "en", "publish", "2026-03-02-r1"],
        &[("GIT_COMMITTER_DATE", PUBLISHED)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("钱七 published 1 reports"));
    let log = bureau.xinbao(&["log", "2026-03-02-r1", "--format", "json"], &[]);
    let json: Value = serde_json::from_slice(&log.stdout).unwrap();
    assert_eq!(json["state"], "published");
    assert!(json["trail"][2]["diff"].as_str().unwrap().contains("+3月2日，投资科召开调度会。"));
    let table = bureau.xinbao(&["--lang", "en", "status"], &[]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("published") && table.contains("1 reports: published 1"), "{table}");
}

#[test]
fn status_needs_git_and_known_ids() {
    let Some(bureau) = Bureau::new() else { return };
    let out = bureau.xinbao(&["status", "2026-03-02-nope"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("2026-03-02-nope"));
    std::fs::remove_dir_all(bureau.root().join(".git")).unwrap();
    let out = bureau.xinbao(&["status"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("git"), "{}", stderr(&out));
}

#[test]
fn the_docx_carries_the_approval_block() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], Some("li"));
    bureau.git(
        PUBLISHED,
        Some("qian"),
        &["commit", "-q", "-S", "--allow-empty", "-m", "发布\n\nPublished: 2026-03-02-r1"],
    );
    let out = bureau.xinbao(&["render", "2026-03-02-r1", "--docx", "../r1.docx"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = bureau.root().join("../r1.docx");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut document = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("word/document.xml").unwrap(),
        &mut document,
    )
    .unwrap();
    std::fs::remove_file(path).unwrap();
    assert!(document.contains(">审核：李四　2026年3月2日</w:t>"), "{document}");
    assert!(document.contains(&format!(">审核密钥：{}</w:t>", bureau.ssh_fingerprint("li"))));
    assert!(document.contains(">发布：钱七　2026年3月3日</w:t>"));
    assert!(document.contains(">签章：</w:t>"));
}

#[test]
fn approve_on_main_approves_a_report_already_there() {
    let Some(bureau) = Bureau::new() else { return };
    // Pushed straight to main, unsigned: they wait on main.
    bureau.submit("zhang/r1", &[("2026-03-02-r1", "投资科")], None);
    bureau.submit("zhang/r2", &[("2026-03-02-r2", "投资科")], None);
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec![]));
    // An unsigned commit naming a report in an Approved: trailer approves nothing.
    bureau.git(
        MERGED,
        None,
        &["commit", "-q", "--allow-empty", "-m", "审核\n\nApproved: 2026-03-02-r2"],
    );
    assert_eq!(
        bureau.state("2026-03-02-r2"),
        ("submitted".into(), vec!["signature-invalid".into()])
    );
    // Another unit's supervisor may not approve.
    bureau.configure_signer("赵六", "zhao");
    let head = bureau.head();
    let out = bureau.xinbao(&["approve", "--on-main", "2026-03-02-r1"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(bureau.head(), head);
    bureau.configure_signer("李四", "li");
    let out = bureau.xinbao(
        &["approve", "--on-main", "2026-03-02-r1"],
        &[("GIT_COMMITTER_DATE", PUBLISHED), ("GIT_AUTHOR_DATE", PUBLISHED)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("git push"));
    let message = bureau.git(WRITTEN, None, &["log", "-1", "--format=%B"]);
    assert!(message.contains("Approved: 2026-03-02-r1"), "{message}");
    let status = bureau.status();
    assert_eq!(status["2026-03-02-r1"]["state"], "approved");
    assert_eq!(status["2026-03-02-r1"]["approved_by"][0]["name"], "李四");
    // An approved report is not approved again.
    let out = bureau.xinbao(&["approve", "--on-main", "2026-03-02-r1"], &[]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn pending_lists_the_waiting_branches_per_supervisor() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/r1", &[("2026-03-02-r1", "投资科")]);
    bureau.propose("wang/r2", &[("2026-03-02-r2", "价格科")]);
    bureau.submit("zhang/done", &[("2026-03-02-r3", "投资科")], Some("li"));
    let out = bureau.xinbao(&["pending", "--format", "json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lists: Vec<(String, Vec<String>)> = json["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let branches = g["branches"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| format!("{}:{}", b["branch"].as_str().unwrap(), b["reports"][0]["id"]))
                .collect();
            (g["supervisor"].as_str().unwrap().to_string(), branches)
        })
        .collect();
    // 李四 and 周九 supervise 投资科, 赵六 价格科; the merged branch waits for nothing.
    assert_eq!(
        lists,
        [
            ("周九".to_string(), vec!["zhang/r1:\"2026-03-02-r1\"".to_string()]),
            ("李四".to_string(), vec!["zhang/r1:\"2026-03-02-r1\"".to_string()]),
            ("赵六".to_string(), vec!["wang/r2:\"2026-03-02-r2\"".to_string()]),
        ]
    );
    let mine = bureau.xinbao(&["pending", "--for", "赵六"], &[]);
    let text = String::from_utf8_lossy(&mine.stdout);
    assert!(text.contains("wang/r2") && !text.contains("zhang/r1"), "{text}");
    assert!(text.contains("xinbao approve wang/r2"), "{text}");
}

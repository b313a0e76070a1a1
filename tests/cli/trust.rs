//! Trust (SPEC §6.1): the record of approvals must not be forgeable. Each test builds a
//! real repository with real keys (ssh-keygen, gpg) and real signed commits, commits one
//! forgery or loophole, and checks that `xinbao` is not fooled by it. Commit times rise
//! through every history, so no test trips `time-order` by accident.

use crate::support::{
    Sandbox, Signer, git_command, require, signing_git, ssh_keygen, stderr, xinbao,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

/// The SSH keys made for every bureau: five people and one stranger.
const SSH_KEYS: &[&str] = &["li", "zhao", "zhou", "wu", "qian", "stranger"];

/// The root commit: the bureau's first settings.
const SETTLED: &str = "2026-03-01T09:00:00+08:00";
/// A change of the settings on main, after the root and before any report.
const AMENDED: &str = "2026-03-02T10:00:00+08:00";
/// When writers commit (within the skew of the reports' default `submitted_at`).
const WRITTEN: &str = "2026-03-02T17:45:00+08:00";
/// When supervisors merge.
const MERGED: &str = "2026-03-02T20:00:00+08:00";
/// When the office publishes.
const PUBLISHED: &str = "2026-03-03T09:00:00+08:00";
/// When a report or picture is changed or deleted on main, after it was approved.
const CHANGED: &str = "2026-03-04T09:00:00+08:00";

/// A person who is in no bureau's settings until a test adds them: a supervisor of 投资科.
const STRANGER: &str = "陌生人";

/// A reports repository with people and keys, on branch `main`.
struct Bureau {
    sandbox: Sandbox,
    keys: TempDir,
    /// The OpenPGP fingerprint of 孙八, when the bureau has one.
    pgp: Option<String>,
}

/// A work report to write: its id, unit and times, with defaults for the rest.
#[derive(Clone, Copy)]
struct Report<'a> {
    id: &'a str,
    unit: &'a str,
    occurred: &'a str,
    submitted: &'a str,
    picture: Option<&'a str>,
    body: &'a str,
}

impl<'a> Report<'a> {
    /// Report `id` of `unit`, about an event of 2026-03-02, submitted the same day.
    fn new(id: &'a str, unit: &'a str) -> Report<'a> {
        Report {
            id,
            unit,
            occurred: "2026-03-02T09:00:00+08:00",
            submitted: "2026-03-02T17:40:00+08:00",
            picture: None,
            body: "3月2日召开调度会，安排下一步工作。",
        }
    }

    fn times(self, occurred: &'a str, submitted: &'a str) -> Report<'a> {
        Report { occurred, submitted, ..self }
    }

    /// The report references `images/FILE` (relative to its folder) with a caption.
    fn picture(self, file: &'a str) -> Report<'a> {
        Report { picture: Some(file), ..self }
    }

    fn body(self, body: &'a str) -> Report<'a> {
        Report { body, ..self }
    }

    /// `reports/YYYY/MM`, from the event's date.
    fn folder(&self) -> String {
        format!("reports/{}/{}", &self.occurred[..4], &self.occurred[5..7])
    }

    fn file(&self) -> String {
        format!("{}/{}.md", self.folder(), self.id)
    }

    fn text(&self) -> String {
        let author = if self.unit == "投资科" { "张三" } else { "王五" };
        let images = self
            .picture
            .map(|file| format!("images:\n  - file: images/{file}\n    caption: 调度会现场\n"))
            .unwrap_or_default();
        format!(
            "---\ntitle: {unit}召开调度会\ncategory: work\nunit: {unit}\nauthor: {author}\nphone: \"13800000000\"\noccurred_at: {occurred}\nsubmitted_at: {submitted}\n{images}---\n\n{body}\n",
            unit = self.unit,
            occurred = self.occurred,
            submitted = self.submitted,
            body = self.body,
        )
    }
}

impl Bureau {
    /// Keys made and `git init` done, nothing committed; `None` (test skipped) without
    /// ssh-keygen.
    fn unsettled() -> Option<Bureau> {
        if !require("ssh-keygen") {
            return None;
        }
        let keys = tempfile::tempdir().unwrap();
        for name in SSH_KEYS {
            ssh_keygen(keys.path(), name);
        }
        let bureau = Bureau { sandbox: Sandbox::new(), keys, pgp: None };
        bureau.git(SETTLED, None, &["init", "-q", "-b", "main"]);
        Some(bureau)
    }

    /// The usual bureau: everybody of [`Bureau::person`] in the root commit, so 钱七
    /// (office) holds a key from the start and every later settings change needs her.
    fn new() -> Option<Bureau> {
        let bureau = Bureau::unsettled()?;
        bureau.settle(SETTLED, &bureau.people(&[]));
        Some(bureau)
    }

    /// Writes `xinbao.yaml` with `people` (last in the file, so entries can be appended)
    /// and commits it, unsigned, at `date`.
    fn settle(&self, date: &str, people: &str) {
        self.sandbox.write(
            "xinbao.yaml",
            format!(
                "bureau: 测试县发展和改革局\noffice: 办公室\ntimezone: \"+08:00\"\nunits: [办公室, 投资科, 价格科]\npeople:\n{people}"
            ),
        );
        self.commit(date, None, "设置");
    }

    /// The `people` entry of one of the usual bureau's people, or of [`STRANGER`].
    fn person(&self, name: &str) -> String {
        let supervisor = |units: &str, key: &str, window: &str| {
            format!(
                "  - name: {name}\n    roles: [supervisor]\n    supervises: [{units}]\n    keys:\n      - ssh: \"{}\"\n{window}",
                self.public(key)
            )
        };
        match name {
            "张三" => "  - name: 张三\n    unit: 投资科\n    roles: [writer]\n    phone: \"13800000000\"\n".into(),
            "李四" => supervisor("投资科", "li", ""),
            "赵六" => supervisor("价格科", "zhao", ""),
            "周九" => supervisor(
                "投资科",
                "zhou",
                "        valid_from: 2024-01-01\n        valid_until: 2025-12-31\n",
            ),
            "吴十" => supervisor("投资科, 价格科", "wu", ""),
            "钱七" => format!(
                "  - name: 钱七\n    unit: 办公室\n    roles: [office]\n    keys:\n      - ssh: \"{}\"\n",
                self.public("qian")
            ),
            STRANGER => supervisor("投资科", "stranger", ""),
            other => panic!("no such person: {other}"),
        }
    }

    /// The usual bureau's people, but those named in `except`.
    fn people(&self, except: &[&str]) -> String {
        ["张三", "李四", "赵六", "周九", "吴十", "钱七"]
            .into_iter()
            .filter(|name| !except.contains(name))
            .map(|name| self.person(name))
            .collect()
    }

    /// Appends `entry` to the people of the work tree's `xinbao.yaml`.
    fn add_person(&self, entry: &str) {
        let path = self.root().join("xinbao.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, text + entry).unwrap();
    }

    fn root(&self) -> &Path {
        self.sandbox.root()
    }

    /// A file outside the repository, next to the keys.
    fn outside(&self, name: &str) -> PathBuf {
        self.keys.path().join(name)
    }

    fn gnupg_home(&self) -> PathBuf {
        self.outside("gnupg")
    }

    /// A second keyring, where 孙八's public key is revoked.
    fn revoked_home(&self) -> PathBuf {
        self.outside("gnupg-revoked")
    }

    /// The OpenSSH public key line of `name`.
    fn public(&self, name: &str) -> String {
        std::fs::read_to_string(self.outside(&format!("{name}.pub"))).unwrap().trim().into()
    }

    /// The fingerprint ssh-keygen prints for `name`'s key.
    fn ssh_fingerprint(&self, name: &str) -> String {
        let out = Command::new("ssh-keygen")
            .arg("-lf")
            .arg(self.outside(&format!("{name}.pub")))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1).unwrap().to_string()
    }

    /// Makes 孙八's OpenPGP key in [`Bureau::gnupg_home`], where it stays good for
    /// signing, and writes to `keys/sunba.asc` its export from a second keyring where
    /// gpg's own revocation certificate has been imported.
    fn make_revoked_openpgp_key(&mut self) {
        let home = self.gnupg_home();
        gpg(&home, &["--quick-gen-key", "孙八 <sunba@example.org>", "ed25519", "sign", "never"]);
        let listing = gpg(&home, &["--with-colons", "--list-keys", "sunba@example.org"]);
        let fingerprint = listing
            .lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_string();
        self.pgp = Some(fingerprint.clone());
        let public = self.outside("sunba.pub.asc");
        std::fs::write(&public, gpg(&home, &["--armor", "--export", &fingerprint])).unwrap();
        // gpg writes the certificate with its armor line commented out by a ':'.
        let certificate =
            std::fs::read_to_string(home.join(format!("openpgp-revocs.d/{fingerprint}.rev")))
                .unwrap()
                .replace(
                    ":-----BEGIN PGP PUBLIC KEY BLOCK-----",
                    "-----BEGIN PGP PUBLIC KEY BLOCK-----",
                );
        let revocation = self.outside("sunba.rev");
        std::fs::write(&revocation, certificate).unwrap();
        let revoked = self.revoked_home();
        gpg(&revoked, &["--import", &public.display().to_string()]);
        gpg(&revoked, &["--import", &revocation.display().to_string()]);
        let export = gpg(&revoked, &["--armor", "--export", &fingerprint]);
        self.sandbox.write("keys/sunba.asc", &export);
        let shown = gpg(
            &revoked,
            &[
                "--with-colons",
                "--show-keys",
                &self.root().join("keys/sunba.asc").display().to_string(),
            ],
        );
        assert!(shown.lines().any(|l| l.starts_with("pub:r:")), "not revoked: {shown}");
    }

    /// A git command whose commits are signed by `signer` (an SSH key name, or `"pgp"`).
    fn git_command(&self, date: &str, signer: Option<&str>) -> Command {
        let (key, home) = (signer.map(|name| self.outside(name)), self.gnupg_home());
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
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Writes `report` into the work tree.
    fn write(&self, report: Report) {
        self.sandbox.write(&report.file(), report.text());
    }

    /// Writes a decodable 8×8 PNG of grey `shade` to `reports/2026/03/images/FILE`.
    fn draw(&self, file: &str, shade: u8) {
        let path = self.root().join("reports/2026/03/images").join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        image::GrayImage::from_pixel(8, 8, image::Luma([shade])).save(path).unwrap();
    }

    /// Stages everything and commits it on the current branch at `date`, signed by
    /// `signer`; returns the new commit.
    fn commit(&self, date: &str, signer: Option<&str>, message: &str) -> String {
        self.git(date, None, &["add", "-A"]);
        let sign = if signer.is_some() { "-S" } else { "--no-gpg-sign" };
        self.git(date, signer, &["commit", "-q", "--allow-empty", sign, "-m", message]);
        self.head()
    }

    /// A writer's branch `name` off main, with what `edit` does to the work tree
    /// committed at `date`, left unmerged; back on main.
    fn branch(&self, name: &str, date: &str, edit: impl FnOnce(&Bureau)) {
        self.git(date, None, &["checkout", "-q", "-b", name]);
        edit(self);
        self.commit(date, None, &format!("报送 {name}"));
        self.git(date, None, &["checkout", "-q", "main"]);
    }

    /// A writer's branch adding `reports`, committed at [`WRITTEN`].
    fn propose(&self, name: &str, reports: &[Report]) {
        self.branch(name, WRITTEN, |bureau| reports.iter().for_each(|r| bureau.write(*r)));
    }

    /// Merges `branch` into main `--no-ff` at `date`, signed by `signer`; returns the merge.
    fn merge(&self, branch: &str, date: &str, signer: Option<&str>) -> String {
        let sign = if signer.is_some() { "-S" } else { "--no-gpg-sign" };
        self.git(date, signer, &["merge", "-q", "--no-ff", sign, "-m", "合并", branch]);
        self.head()
    }

    /// A branch with `reports`, merged at [`MERGED`] by `signer`; once per test, as the
    /// branch is committed at [`WRITTEN`].
    fn submit(&self, name: &str, reports: &[Report], signer: Option<&str>) -> String {
        self.propose(name, reports);
        self.merge(name, MERGED, signer)
    }

    /// `git rm` of `report` committed on main at `date`, signed by `signer`.
    fn delete(&self, report: Report, date: &str, signer: Option<&str>) -> String {
        self.git(date, None, &["rm", "-q", &report.file()]);
        self.commit(date, signer, &format!("删除 {}", report.id))
    }

    /// `xinbao ARGS` with extra environment.
    fn xinbao(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.sandbox.run_with_env(args, env)
    }

    /// `xinbao GLOBAL… status --format json`, which must exit 0.
    fn status_with(&self, global: &[&str], env: &[(&str, &str)]) -> Value {
        let mut args = global.to_vec();
        args.extend(["status", "--format", "json"]);
        let out = self.xinbao(&args, env);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn status(&self) -> Value {
        self.status_with(&[], &[])
    }

    /// The state and problem rules of report `id`.
    fn state(&self, id: &str) -> (String, Vec<String>) {
        state_of(&self.status(), id)
    }

    /// `xinbao check --format json ARGS`: the exit code and the findings as
    /// `(file, rule, severity)`.
    fn check(&self, args: &[&str]) -> (i32, Vec<(String, String, String)>) {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args);
        let out = self.xinbao(&all, &[]);
        let json: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
        let findings = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let field = |name: &str| d[name].as_str().unwrap().to_string();
                (field("file"), field("rule"), field("severity"))
            })
            .collect();
        (out.status.code().unwrap(), findings)
    }

    /// Sets the repository's own git config so `xinbao approve` signs as `signer`.
    fn configure_signer(&self, name: &str, signer: &str) {
        self.git(WRITTEN, None, &["config", "user.name", name]);
        self.git(WRITTEN, None, &["config", "user.email", "x@example.org"]);
        self.git(WRITTEN, None, &["config", "gpg.format", "ssh"]);
        let key = self.outside(signer).display().to_string();
        self.git(WRITTEN, None, &["config", "user.signingkey", &key]);
    }

    /// `xinbao approve ARGS` at `date`.
    fn approve(&self, args: &[&str], date: &str) -> Output {
        let mut all = vec!["approve"];
        all.extend(args);
        self.xinbao(&all, &[("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date)])
    }

    /// `git verify-commit COMMIT` with the allowed_signers file `xinbao keys
    /// allowed-signers` writes.
    fn verify(&self, commit: &str) -> Output {
        let out = self.xinbao(&["keys", "allowed-signers"], &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let signers = self.outside("allowed_signers");
        std::fs::write(&signers, &out.stdout).unwrap();
        self.git_command(MERGED, None)
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", signers.display()))
            .args(["verify-commit", commit])
            .output()
            .unwrap()
    }

    /// `word/document.xml` of `xinbao render ID --docx`.
    fn rendered(&self, id: &str) -> String {
        let path = self.outside(&format!("{id}.docx"));
        let out = self.xinbao(&["render", id, "--docx", &path.display().to_string()], &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut document = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("word/document.xml").unwrap(),
            &mut document,
        )
        .unwrap();
        document
    }

    fn head(&self) -> String {
        self.git(WRITTEN, None, &["rev-parse", "HEAD"])
    }

    fn root_commit(&self) -> String {
        self.git(WRITTEN, None, &["rev-list", "--max-parents=0", "HEAD"])
    }
}

impl Drop for Bureau {
    /// Stops the gpg agents the OpenPGP keyrings started.
    fn drop(&mut self) {
        if self.pgp.is_some() {
            for home in [self.gnupg_home(), self.revoked_home()] {
                let _ =
                    Command::new("gpgconf").env("GNUPGHOME", home).args(["--kill", "all"]).status();
            }
        }
    }
}

/// gpg in keyring `home` (made if needed), no passphrase; returns stdout.
fn gpg(home: &Path, args: &[&str]) -> String {
    std::fs::create_dir_all(home).unwrap();
    let out = Command::new("gpg")
        .env("GNUPGHOME", home)
        .args(["--batch", "--yes", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "gpg {args:?}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Report `id` of a `status --format json` output, when listed.
fn report<'a>(status: &'a Value, id: &str) -> Option<&'a Value> {
    status["reports"].as_array().unwrap().iter().find(|r| r["id"] == id)
}

/// The rule ids of a `problems` array.
fn rules(problems: &Value) -> Vec<String> {
    problems.as_array().unwrap().iter().map(|p| p["rule"].as_str().unwrap().to_string()).collect()
}

/// The state and problem rules of report `id` in `status`.
fn state_of(status: &Value, id: &str) -> (String, Vec<String>) {
    let report = report(status, id).unwrap_or_else(|| panic!("{id} is not listed: {status:#}"));
    (report["state"].as_str().unwrap().to_string(), rules(&report["problems"]))
}

/// A `problems` array as `(rule, commit)`.
fn pairs(problems: &Value) -> Vec<(String, String)> {
    let text = |p: &Value, key: &str| p[key].as_str().unwrap().to_string();
    problems.as_array().unwrap().iter().map(|p| (text(p, "rule"), text(p, "commit"))).collect()
}

/// The trust problems of `status` as `(rule, commit)`.
fn trust_problems(status: &Value) -> Vec<(String, String)> {
    assert!(status["trust"]["problems"].is_array(), "no trust.problems: {status:#}");
    pairs(&status["trust"]["problems"])
}

/// Every problem of `status`, of the reports and of the trust section, as `(rule, commit)`.
fn all_problems(status: &Value) -> Vec<(String, String)> {
    let mut all = trust_problems(status);
    for report in status["reports"].as_array().unwrap() {
        all.extend(pairs(&report["problems"]));
    }
    all
}

fn pair(rule: &str, commit: &str) -> (String, String) {
    (rule.to_string(), commit.to_string())
}

fn finding(file: &str, rule: &str, severity: &str) -> (String, String, String) {
    (file.to_string(), rule.to_string(), severity.to_string())
}

/// The trust anchor of `status` as `(kind, commit)`.
fn anchor(status: &Value) -> (String, String) {
    let anchor = &status["trust"]["anchor"];
    let text = |key: &str| anchor[key].as_str().unwrap_or_default().to_string();
    (text("kind"), text("commit"))
}

// ---- Settings come from history, and changing them needs the office ----

#[test]
fn an_unsigned_settings_change_is_settings_unsigned_and_does_not_take_effect() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.add_person(&bureau.person(STRANGER));
    let change = bureau.commit(AMENDED, None, "加一位分管负责人");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    let status = bureau.status();
    assert_eq!(
        state_of(&status, "2026-03-02-r1"),
        ("submitted".into(), vec!["key-unknown".into()])
    );
    assert_eq!(trust_problems(&status), [pair("settings-unsigned", &change)]);
    assert_eq!(anchor(&status), ("root".into(), bureau.root_commit()));
    let (code, findings) = bureau.check(&["--approvals"]);
    assert_eq!(code, 1);
    assert!(
        findings.contains(&finding("xinbao.yaml", "settings-unsigned", "error")),
        "{findings:?}"
    );
}

#[test]
fn an_office_signed_settings_change_takes_effect() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.add_person(&bureau.person(STRANGER));
    bureau.commit(AMENDED, Some("qian"), "加一位分管负责人");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"][0]["name"], STRANGER);
    assert_eq!(trust_problems(&status), []);
    assert_eq!(bureau.check(&["--approvals"]).0, 0);
}

#[test]
fn a_supervisors_merge_does_not_make_a_settings_change_valid() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.branch("zhang/r1", WRITTEN, |bureau| {
        bureau.write(Report::new("2026-03-02-r1", "投资科"));
        bureau.add_person(&bureau.person(STRANGER));
    });
    bureau.propose("zhang/r2", &[Report::new("2026-03-02-r2", "投资科")]);
    let carried = bureau.merge("zhang/r1", MERGED, Some("li"));
    bureau.merge("zhang/r2", MERGED, Some("stranger"));
    let status = bureau.status();
    // 李四 may approve the report he merged, not the settings it carried.
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(
        state_of(&status, "2026-03-02-r2"),
        ("submitted".into(), vec!["key-unknown".into()])
    );
    assert_eq!(trust_problems(&status), [pair("settings-unsigned", &carried)]);
}

#[test]
fn work_tree_settings_do_not_change_any_verdict() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    bureau.propose("zhang/r2", &[Report::new("2026-03-02-r2", "投资科")]);
    bureau.merge("zhang/r1", MERGED, Some("li"));
    bureau.merge("zhang/r2", MERGED, Some("stranger"));
    let before = bureau.status();
    // An uncommitted edit gives 李四's place to the stranger's key.
    let settings = bureau.root().join("xinbao.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replace(&bureau.public("li"), &bureau.public("stranger")))
        .unwrap();
    let after = bureau.status();
    assert_eq!(state_of(&after, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(report(&after, "2026-03-02-r1").unwrap()["approved_by"][0]["name"], "李四");
    assert_eq!(state_of(&after, "2026-03-02-r2"), ("submitted".into(), vec!["key-unknown".into()]));
    assert_eq!(trust_problems(&after), []);
    assert_eq!(after, before);
}

#[test]
fn names_and_layout_change_without_a_signature() {
    let Some(bureau) = Bureau::new() else { return };
    let settings = bureau.root().join("xinbao.yaml");
    let text =
        std::fs::read_to_string(&settings).unwrap().replace("测试县发展和改革局", "测试县发改局");
    let layout =
        "fonts:\n  body: 仿宋_GB2312\nbulletin:\n  name: 测试信息\nnotice:\n  code: 测发改办\n";
    std::fs::write(&settings, text + layout).unwrap();
    bureau.commit(AMENDED, None, "改名称和版式");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(trust_problems(&status), []);
    assert_eq!(bureau.check(&["--approvals"]).0, 0);
}

#[test]
fn a_layout_change_on_top_of_a_rejected_one_is_not_a_new_settings_change() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.add_person(&bureau.person(STRANGER));
    let rejected = bureau.commit(AMENDED, None, "加一位分管负责人");
    // Only the bureau's name changes next: nothing new to sign, and the stranger
    // is still not in force.
    let settings = bureau.root().join("xinbao.yaml");
    let text =
        std::fs::read_to_string(&settings).unwrap().replace("测试县发展和改革局", "测试县发改局");
    std::fs::write(&settings, text).unwrap();
    bureau.commit("2026-03-02T11:00:00+08:00", None, "改局名");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    let status = bureau.status();
    assert_eq!(trust_problems(&status), [pair("settings-unsigned", &rejected)]);
    assert_eq!(state_of(&status, "2026-03-02-r1").0, "submitted");
}

#[test]
fn settings_are_accepted_unsigned_only_until_they_name_an_office_key() {
    let Some(bureau) = Bureau::unsettled() else { return };
    bureau.settle(SETTLED, &bureau.people(&["钱七"]));
    // Nobody could sign yet: 钱七 comes in unsigned, and from then on she must sign.
    bureau.add_person(&bureau.person("钱七"));
    let office = bureau.commit(AMENDED, None, "办公室");
    bureau.add_person(&bureau.person(STRANGER));
    let change = bureau.commit("2026-03-02T11:00:00+08:00", None, "加一位分管负责人");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    let status = bureau.status();
    assert_eq!(anchor(&status), ("office-key".into(), office));
    assert_eq!(trust_problems(&status), [pair("settings-unsigned", &change)]);
    assert_eq!(
        state_of(&status, "2026-03-02-r1"),
        ("submitted".into(), vec!["key-unknown".into()])
    );
}

#[test]
fn trust_root_pins_the_anchor_by_flag_and_by_environment() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.add_person(&bureau.person(STRANGER));
    let pinned = bureau.commit(AMENDED, None, "加一位分管负责人");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec!["key-unknown".into()]));
    let status = bureau.status_with(&["--trust-root", &pinned], &[]);
    assert_eq!(anchor(&status), ("pinned".into(), pinned.clone()));
    assert_eq!(trust_problems(&status), []);
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"][0]["name"], STRANGER);
    let by_env = bureau.status_with(&[], &[("XINBAO_TRUST_ROOT", &pinned)]);
    assert_eq!(by_env, status);
}

// ---- Approval covers content ----

#[test]
fn a_changed_picture_makes_an_approved_or_published_report_stale() {
    let Some(bureau) = Bureau::new() else { return };
    let approved = Report::new("2026-03-02-r1", "投资科").picture("r1.png");
    let published = Report::new("2026-03-02-r2", "投资科").picture("r2.png");
    bureau.branch("zhang/r1", WRITTEN, |bureau| {
        bureau.write(approved);
        bureau.write(published);
        bureau.draw("r1.png", 40);
        bureau.draw("r2.png", 80);
    });
    bureau.merge("zhang/r1", MERGED, Some("li"));
    bureau.commit(PUBLISHED, Some("qian"), "发布\n\nPublished: 2026-03-02-r2");
    assert_eq!(bureau.state("2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(bureau.state("2026-03-02-r2"), ("published".into(), vec![]));
    bureau.draw("r1.png", 200);
    bureau.draw("r2.png", 220);
    bureau.commit(CHANGED, None, "换图");
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("stale".into(), vec!["approval-stale".into()]));
    assert_eq!(state_of(&status, "2026-03-02-r2"), ("stale".into(), vec!["approval-stale".into()]));
    assert_eq!(bureau.check(&["--approvals"]).0, 1);
}

// ---- Nothing disappears without a signature ----

#[test]
fn an_unsigned_deletion_keeps_the_report_with_unsigned_deletion() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科");
    let r2 = Report::new("2026-03-02-r2", "投资科");
    bureau.submit("zhang/r", &[r1, r2], Some("li"));
    let unsigned = bureau.delete(r1, CHANGED, None);
    // 赵六 supervises 价格科, not the report's unit.
    let foreign = bureau.delete(r2, CHANGED, Some("zhao"));
    let status = bureau.status();
    for (deleted, commit) in [(r1, unsigned), (r2, foreign)] {
        assert_eq!(
            state_of(&status, deleted.id),
            ("approved".into(), vec!["unsigned-deletion".into()])
        );
        let listed = report(&status, deleted.id).unwrap();
        assert_eq!(listed["file"], deleted.file().as_str());
        assert_eq!(listed["problems"][0]["commit"], commit.as_str());
    }
    let (code, findings) = bureau.check(&["--approvals"]);
    assert_eq!(code, 1);
    let deletions = findings.iter().filter(|(_, rule, _)| rule == "unsigned-deletion").count();
    assert_eq!(deletions, 2, "{findings:?}");
}

#[test]
fn a_supervisors_deletion_removes_the_report_but_stats_still_count_it() {
    let Some(bureau) = Bureau::new() else { return };
    // Submitted two days after the event: late (routine limit: the next day).
    let late = Report::new("2026-03-02-late", "投资科")
        .times("2026-03-02T09:00:00+08:00", "2026-03-04T10:00:00+08:00");
    bureau.branch("zhang/late", "2026-03-04T10:05:00+08:00", |bureau| bureau.write(late));
    bureau.merge("zhang/late", "2026-03-04T11:00:00+08:00", Some("li"));
    bureau.delete(late, "2026-03-05T09:00:00+08:00", Some("li"));
    let status = bureau.status();
    assert!(report(&status, late.id).is_none(), "{status:#}");
    assert_eq!(trust_problems(&status), []);
    assert_eq!(bureau.check(&["--approvals"]).0, 0);
    let out = bureau.xinbao(&["stats", "--quarter", "2026Q1", "--format", "json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unit = stats["units"].as_array().unwrap().iter().find(|u| u["unit"] == "投资科").unwrap();
    assert_eq!((unit["submitted"].as_u64(), unit["late"].as_u64()), (Some(1), Some(1)), "{unit:#}");
    assert_eq!(stats["totals"]["submitted"], 1);
    assert_eq!(stats["totals"]["late"], 1);
}

// ---- Identity: a change of unit needs both units ----

#[test]
fn moving_a_report_to_another_unit_needs_a_signer_of_both_units() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科");
    let r2 = Report::new("2026-03-02-r2", "投资科");
    bureau.submit("zhang/r", &[r1, r2], None);
    // 赵六 supervises only the new unit.
    bureau.branch("zhang/move1", PUBLISHED, |bureau| {
        bureau.write(Report { unit: "价格科", ..r1 })
    });
    bureau.merge("zhang/move1", "2026-03-03T10:00:00+08:00", Some("zhao"));
    // 吴十 supervises both.
    bureau
        .branch("zhang/move2", CHANGED, |bureau| bureau.write(Report { unit: "价格科", ..r2 }));
    bureau.merge("zhang/move2", "2026-03-04T10:00:00+08:00", Some("wu"));
    let status = bureau.status();
    assert_eq!(
        state_of(&status, r1.id),
        ("submitted".into(), vec!["signer-not-authorized".into()])
    );
    assert_eq!(report(&status, r1.id).unwrap()["approved_by"], json!([]));
    assert_eq!(state_of(&status, r2.id), ("approved".into(), vec![]));
    assert_eq!(report(&status, r2.id).unwrap()["approved_by"][0]["name"], "吴十");
}

#[test]
fn an_unsigned_change_of_unit_does_not_hand_the_report_to_another_supervisor() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科");
    bureau.submit("zhang/r1", &[r1], Some("li"));
    // An unsigned commit on main moves it to 价格科: stale.
    bureau.write(Report { unit: "价格科", ..r1 });
    bureau.commit(PUBLISHED, None, "改科室");
    assert_eq!(bureau.state(r1.id), ("stale".into(), vec!["approval-stale".into()]));
    // 赵六 supervises only 价格科: his Approved: trailer does not approve it.
    let message = format!("审核\n\nApproved: {}", r1.id);
    bureau.commit("2026-03-03T10:00:00+08:00", Some("zhao"), &message);
    let (state, rules) = bureau.state(r1.id);
    assert_eq!(state, "stale");
    assert!(rules.contains(&"signer-not-authorized".to_string()), "{rules:?}");
    // 吴十 supervises both units: he may.
    bureau.commit(CHANGED, Some("wu"), &message);
    assert_eq!(bureau.state(r1.id), ("approved".into(), vec![]));
}

// ---- Time does not run backwards ----

#[test]
fn time_order_a_commit_from_the_future_does_not_hold_back_later_ones() {
    let Some(bureau) = Bureau::new() else { return };
    // Someone pushes a commit dated 2031: it is itself time-order…
    let future = bureau.commit("2031-01-01T00:00:00+08:00", None, "来自未来");
    // …but an honest approval made now is judged now, not in 2031.
    let now = chrono::Local::now().fixed_offset().to_rfc3339();
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    bureau.merge("zhang/r1", &now, Some("li"));
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert!(trust_problems(&status).contains(&pair("time-order", &future)), "{status:#}");
}

#[test]
fn time_order_a_merge_older_than_its_parents_approves_nothing() {
    let Some(bureau) = Bureau::new() else { return };
    // 周九's key ends 2025-12-31; the merge claims that day, on top of 2026 commits.
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    let merge = bureau.merge("zhang/r1", "2025-12-31T23:59:59+08:00", Some("zhou"));
    let status = bureau.status();
    let (state, rules) = state_of(&status, "2026-03-02-r1");
    assert_eq!(state, "submitted");
    assert!(
        !rules.is_empty() && rules.iter().all(|r| r == "time-order" || r == "key-expired"),
        "{rules:?}"
    );
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"], json!([]));
    assert!(all_problems(&status).contains(&pair("time-order", &merge)), "{status:#}");
}

#[test]
fn time_order_a_backdated_author_time() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    let out = bureau
        .git_command(MERGED, Some("li"))
        .env("GIT_AUTHOR_DATE", "2026-01-05T09:00:00+08:00")
        .args(["merge", "-q", "--no-ff", "-S", "-m", "合并", "zhang/r1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let status = bureau.status();
    assert!(all_problems(&status).contains(&pair("time-order", &bureau.head())), "{status:#}");
}

#[test]
fn git_and_xinbao_agree_on_both_sides_of_a_key_windows_end() {
    let Some(bureau) = Bureau::unsettled() else { return };
    bureau.settle("2025-06-01T09:00:00+08:00", &bureau.people(&[]));
    let times = ("2025-12-31T09:00:00+08:00", "2025-12-31T17:40:00+08:00");
    let last = Report::new("2025-12-31-last", "投资科").times(times.0, times.1);
    let after = Report::new("2025-12-31-after", "投资科").times(times.0, times.1);
    bureau.branch("zhang/last", "2025-12-31T17:45:00+08:00", |bureau| bureau.write(last));
    bureau.branch("zhang/after", "2025-12-31T17:46:00+08:00", |bureau| bureau.write(after));
    let merges = [
        (last, bureau.merge("zhang/last", "2025-12-31T23:59:59+08:00", Some("zhou"))),
        (after, bureau.merge("zhang/after", "2026-01-01T00:00:00+08:00", Some("zhou"))),
    ];
    let status = bureau.status();
    for (merged, merge) in merges {
        let verify = bureau.verify(&merge);
        let good = verify.status.success();
        let listed = report(&status, merged.id).unwrap();
        assert_eq!(listed["state"] == "approved", good, "git: {}\n{listed:#}", stderr(&verify));
        assert_eq!(listed["approved_by"].as_array().unwrap().is_empty(), !good, "{listed:#}");
    }
}

// ---- Fail closed ----

#[test]
fn a_shallow_clone_is_refused_with_the_unshallow_hint() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let clone = bureau.outside("shallow");
    let out = git_command(bureau.keys.path(), MERGED)
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", bureau.root().display()))
        .arg(&clone)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(clone.join(".git/shallow").is_file());
    let public = bureau.outside("public").display().to_string();
    let bulletins = bureau.outside("bulletins").display().to_string();
    let commands: [&[&str]; 5] = [
        &["status", "--format", "json"],
        &["check", "--approvals"],
        &["stats", "--quarter", "2026Q1", "--format", "json"],
        &["build", "--out", &public],
        &["bulletin", "--from", "2026-03-01", "--to", "2026-03-31", "--out", &bulletins],
    ];
    for args in commands {
        let out = xinbao().current_dir(&clone).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--unshallow"), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn the_history_cache_never_decides() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    bureau.propose("zhang/r2", &[Report::new("2026-03-02-r2", "投资科")]);
    let unsigned = bureau.merge("zhang/r1", MERGED, None);
    let signed = bureau.merge("zhang/r2", MERGED, Some("li"));
    let truth = bureau.xinbao(&["status", "--format", "json"], &[]).stdout;
    let files: Vec<PathBuf> = std::fs::read_dir(bureau.root().join(".git/xinbao"))
        .map(|dir| {
            dir.map(|e| e.unwrap().path())
                .filter(|p| p.extension() == Some("json".as_ref()))
                .collect()
        })
        .unwrap_or_default();
    let originals: Vec<String> =
        files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
    let forged_verdict =
        format!(r#"{{"Signed":{{"person":1,"key":"{}"}}}}"#, bureau.ssh_fingerprint("li"));
    let edit = |change: &dyn Fn(&str) -> String| originals.iter().map(|t| change(t)).collect();
    let edits: [(&str, Vec<String>); 3] = [
        (
            "an unsigned verdict made Signed by 李四",
            edit(&|text| text.replace(r#""Unsigned""#, &forged_verdict)),
        ),
        (
            "the two merges' ids swapped",
            edit(&|text| {
                text.replace(&unsigned, "\0").replace(&signed, &unsigned).replace('\0', &signed)
            }),
        ),
        ("every 投资科 made 价格科", edit(&|text| text.replace("投资科", "价格科"))),
    ];
    for (what, forged) in &edits {
        for (file, text) in files.iter().zip(forged) {
            std::fs::write(file, text).unwrap();
        }
        let again = bureau.xinbao(&["status", "--format", "json"], &[]).stdout;
        assert_eq!(
            String::from_utf8_lossy(&again),
            String::from_utf8_lossy(&truth),
            "after {what}"
        );
        for (file, original) in files.iter().zip(&originals) {
            std::fs::write(file, original).unwrap();
        }
    }
    assert!(
        files.is_empty() || edits.iter().any(|(_, forged)| *forged != originals),
        "no edit changed the cache: {files:?}"
    );
}

#[test]
fn ci_carries_no_history_cache_and_fetches_the_whole_history() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut workflows: Vec<PathBuf> = std::fs::read_dir(project.join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    workflows.push(project.join("src/scaffold/workflow.yml"));
    for workflow in workflows {
        let text = std::fs::read_to_string(&workflow).unwrap();
        assert!(!text.contains(".git/xinbao"), "{} carries the history cache", workflow.display());
        let lines: Vec<&str> = text.lines().collect();
        let indent = |line: &str| line.len() - line.trim_start().len();
        for (at, _) in lines.iter().enumerate().filter(|(_, l)| l.contains("actions/checkout")) {
            // The step: its `- ` item and the lines indented deeper than the item.
            let item = (0..=at).rev().find(|&i| lines[i].trim_start().starts_with("- ")).unwrap();
            let mut step = lines[item + 1..]
                .iter()
                .take_while(|l| l.trim().is_empty() || indent(l) > indent(lines[item]));
            assert!(
                step.any(|l| l.trim().starts_with("fetch-depth: 0")),
                "{} line {}: checkout without fetch-depth: 0",
                workflow.display(),
                at + 1
            );
        }
    }
}

#[test]
fn one_key_under_two_people_is_duplicate_key_and_approves_nothing() {
    let Some(bureau) = Bureau::unsettled() else { return };
    let twin = format!(
        "  - name: 郑十一\n    roles: [supervisor]\n    supervises: [价格科]\n    keys:\n      - ssh: \"{}\"\n",
        bureau.public("li")
    );
    bureau.settle(SETTLED, &(bureau.people(&[]) + &twin));
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let (code, findings) = bureau.check(&[]);
    assert_eq!(code, 1);
    assert!(findings.contains(&finding("xinbao.yaml", "duplicate-key", "error")), "{findings:?}");
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1").0, "submitted");
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"], json!([]));
}

#[test]
fn a_revoked_openpgp_key_signs_nothing() {
    if !require("gpg") {
        return;
    }
    let Some(mut bureau) = Bureau::unsettled() else { return };
    bureau.make_revoked_openpgp_key();
    let sunba = "  - name: 孙八\n    roles: [supervisor]\n    supervises: [投资科]\n    keys:\n      - openpgp: keys/sunba.asc\n";
    bureau.settle(SETTLED, &(bureau.people(&[]) + sunba));
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("pgp"));
    let status = bureau.status();
    let (state, rules) = state_of(&status, "2026-03-02-r1");
    assert_eq!(state, "submitted");
    assert_eq!(rules.len(), 1, "one problem says why: {rules:?}");
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"], json!([]));
}

#[test]
fn a_commit_with_gpgsig_and_gpgsig_sha256_headers_is_read_as_git_reads_it() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let object = bureau.git(MERGED, None, &["cat-file", "commit", "HEAD"]);
    let end = " -----END SSH SIGNATURE-----\n";
    let extra = "gpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n U1NIU0lHAAAAAQ==\n -----END SSH SIGNATURE-----\n";
    let doubled = object.replacen(end, &format!("{end}{extra}"), 1);
    assert_ne!(doubled, object);
    let mut hash = bureau.git_command(MERGED, None);
    hash.args(["hash-object", "-t", "commit", "-w", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = hash.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), format!("{doubled}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    bureau.git(MERGED, None, &["update-ref", "refs/heads/main", &id]);
    let verify = bureau.verify(&id);
    assert!(stderr(&verify).contains("Good \"git\" signature for 李四"), "{}", stderr(&verify));
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"][0]["commit"], id.as_str());
}

// ---- Approve sees everything it merges ----

#[test]
fn approve_refuses_a_branch_that_changes_the_settings() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.branch("zhang/r1", WRITTEN, |bureau| {
        bureau.write(Report::new("2026-03-02-r1", "投资科"));
        bureau.add_person(&bureau.person(STRANGER));
    });
    bureau.configure_signer("李四", "li");
    let head = bureau.head();
    let out = bureau.approve(&["zhang/r1"], MERGED);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("xinbao.yaml"), "{}", stderr(&out));
    assert_eq!(bureau.head(), head, "nothing was merged");
    // 李四 is no office: even when he says he means it.
    let out = bureau.approve(&["--include-other-changes", "zhang/r1"], MERGED);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(bureau.head(), head, "nothing was merged");
    assert!(!bureau.root().join(".git/MERGE_HEAD").exists(), "the merge was aborted");
}

#[test]
fn approve_merges_a_deletion_only_when_included() {
    let Some(bureau) = Bureau::new() else { return };
    let old = Report::new("2026-03-02-old", "投资科");
    bureau.submit("zhang/old", &[old], Some("li"));
    let new = Report::new("2026-03-02-new", "投资科")
        .times("2026-03-02T09:00:00+08:00", "2026-03-03T09:58:00+08:00");
    bureau.branch("zhang/new", "2026-03-03T10:00:00+08:00", |bureau| {
        bureau.write(new);
        std::fs::remove_file(bureau.root().join(old.file())).unwrap();
    });
    bureau.configure_signer("李四", "li");
    let head = bureau.head();
    let out = bureau.approve(&["zhang/new"], "2026-03-03T11:00:00+08:00");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(&old.file()), "{}", stderr(&out));
    assert_eq!(bureau.head(), head, "nothing was merged");
    let out =
        bureau.approve(&["--include-other-changes", "zhang/new"], "2026-03-03T11:00:00+08:00");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(bureau.head(), head);
    let status = bureau.status();
    assert!(report(&status, old.id).is_none(), "{status:#}");
    assert_eq!(state_of(&status, new.id), ("approved".into(), vec![]));
    assert_eq!(trust_problems(&status), []);
}

// ---- Documents print what was approved ----

/// Asserts that `document` carries no approval and says the text is not the approved one.
fn assert_not_the_approved_version(document: &str) {
    assert!(!document.contains("审核：李四"), "{document}");
    assert!(document.contains("非审核稿"), "{document}");
}

#[test]
fn render_of_an_edited_text_says_it_is_not_the_approved_version() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科");
    bureau.submit("zhang/r1", &[r1], Some("li"));
    assert!(bureau.rendered(r1.id).contains("审核：李四"), "the approved text has its block");
    bureau.write(r1.body("未经审核改动的正文。"));
    assert_not_the_approved_version(&bureau.rendered(r1.id));
}

#[test]
fn render_with_an_edited_picture_says_it_is_not_the_approved_version() {
    let Some(bureau) = Bureau::new() else { return };
    let r1 = Report::new("2026-03-02-r1", "投资科").picture("r1.png");
    bureau.branch("zhang/r1", WRITTEN, |bureau| {
        bureau.write(r1);
        bureau.draw("r1.png", 40);
    });
    bureau.merge("zhang/r1", MERGED, Some("li"));
    assert!(bureau.rendered(r1.id).contains("审核：李四"), "the approved text has its block");
    bureau.draw("r1.png", 200);
    assert_not_the_approved_version(&bureau.rendered(r1.id));
}

//! The trust tests' fixture: a bureau's repository with real SSH and OpenPGP keys, and the
//! git and `xinbao` commands the tests run in it.

use super::{MERGED, Report, SETTLED, STRANGER, WRITTEN, state_of};
use crate::support::{Sandbox, Signer, require, signing_git, ssh_keygen, stderr};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The SSH keys made for every bureau: five people and one stranger.
const SSH_KEYS: &[&str] = &["li", "zhao", "zhou", "wu", "qian", "stranger"];

/// A reports repository with people and keys, on branch `main`.
pub(super) struct Bureau {
    sandbox: Sandbox,
    pub(super) keys: TempDir,
    /// The OpenPGP fingerprint of 孙八, when the bureau has one.
    pgp: Option<String>,
}

impl Bureau {
    /// Keys made and `git init` done, nothing committed; `None` (test skipped) without
    /// ssh-keygen.
    pub(super) fn unsettled() -> Option<Bureau> {
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
    pub(super) fn new() -> Option<Bureau> {
        let bureau = Bureau::unsettled()?;
        bureau.settle(SETTLED, &bureau.people(&[]));
        Some(bureau)
    }

    /// Writes `xinbao.yaml` with `people` (last in the file, so entries can be appended)
    /// and commits it, unsigned, at `date`.
    pub(super) fn settle(&self, date: &str, people: &str) {
        self.write_settings(people);
        self.commit(date, None, "设置");
    }

    /// Writes `xinbao.yaml` with `people` into the work tree, uncommitted.
    pub(super) fn write_settings(&self, people: &str) {
        self.sandbox.write(
            "xinbao.yaml",
            format!(
                "bureau: 测试县发展和改革局\noffice: 办公室\ntimezone: \"+08:00\"\nunits: [办公室, 投资科, 价格科]\npeople:\n{people}"
            ),
        );
    }

    /// The `people` entry of one of the usual bureau's people, or of [`STRANGER`].
    pub(super) fn person(&self, name: &str) -> String {
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
    pub(super) fn people(&self, except: &[&str]) -> String {
        ["张三", "李四", "赵六", "周九", "吴十", "钱七"]
            .into_iter()
            .filter(|name| !except.contains(name))
            .map(|name| self.person(name))
            .collect()
    }

    /// Appends `entry` to the people of the work tree's `xinbao.yaml`.
    pub(super) fn add_person(&self, entry: &str) {
        let path = self.root().join("xinbao.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, text + entry).unwrap();
    }

    pub(super) fn root(&self) -> &Path {
        self.sandbox.root()
    }

    /// A file outside the repository, next to the keys.
    pub(super) fn outside(&self, name: &str) -> PathBuf {
        self.keys.path().join(name)
    }

    pub(super) fn gnupg_home(&self) -> PathBuf {
        self.outside("gnupg")
    }

    /// A second keyring, where 孙八's public key is revoked.
    pub(super) fn revoked_home(&self) -> PathBuf {
        self.outside("gnupg-revoked")
    }

    /// The OpenSSH public key line of `name`.
    pub(super) fn public(&self, name: &str) -> String {
        std::fs::read_to_string(self.outside(&format!("{name}.pub"))).unwrap().trim().into()
    }

    /// The fingerprint ssh-keygen prints for `name`'s key.
    pub(super) fn ssh_fingerprint(&self, name: &str) -> String {
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
    pub(super) fn make_revoked_openpgp_key(&mut self) {
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
    pub(super) fn git_command(&self, date: &str, signer: Option<&str>) -> Command {
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

    pub(super) fn git(&self, date: &str, signer: Option<&str>, args: &[&str]) -> String {
        let out = self.git_command(date, signer).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Writes `report` into the work tree.
    pub(super) fn write(&self, report: Report) {
        self.sandbox.write(&report.file(), report.text());
    }

    /// Writes a decodable 8×8 PNG of grey `shade` to `reports/2026/03/images/FILE`.
    pub(super) fn draw(&self, file: &str, shade: u8) {
        self.draw_at(&format!("reports/2026/03/images/{file}"), shade);
    }

    /// Writes a decodable 8×8 PNG of grey `shade` to `path` (relative to the root).
    pub(super) fn draw_at(&self, path: &str, shade: u8) {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        image::GrayImage::from_pixel(8, 8, image::Luma([shade])).save(path).unwrap();
    }

    /// Stages everything and commits it on the current branch at `date`, signed by
    /// `signer`; returns the new commit.
    pub(super) fn commit(&self, date: &str, signer: Option<&str>, message: &str) -> String {
        self.git(date, None, &["add", "-A"]);
        let sign = if signer.is_some() { "-S" } else { "--no-gpg-sign" };
        self.git(date, signer, &["commit", "-q", "--allow-empty", sign, "-m", message]);
        self.head()
    }

    /// A writer's branch `name` off main, with what `edit` does to the work tree
    /// committed at `date`, left unmerged; back on main.
    pub(super) fn branch(&self, name: &str, date: &str, edit: impl FnOnce(&Bureau)) {
        self.git(date, None, &["checkout", "-q", "-b", name]);
        edit(self);
        self.commit(date, None, &format!("报送 {name}"));
        self.git(date, None, &["checkout", "-q", "main"]);
    }

    /// A writer's branch adding `reports`, committed at [`WRITTEN`].
    pub(super) fn propose(&self, name: &str, reports: &[Report]) {
        self.branch(name, WRITTEN, |bureau| reports.iter().for_each(|r| bureau.write(*r)));
    }

    /// Merges `branch` into main `--no-ff` at `date`, signed by `signer`; returns the merge.
    pub(super) fn merge(&self, branch: &str, date: &str, signer: Option<&str>) -> String {
        let sign = if signer.is_some() { "-S" } else { "--no-gpg-sign" };
        self.git(date, signer, &["merge", "-q", "--no-ff", sign, "-m", "合并", branch]);
        self.head()
    }

    /// A branch with `reports`, merged at [`MERGED`] by `signer`; once per test, as the
    /// branch is committed at [`WRITTEN`].
    pub(super) fn submit(&self, name: &str, reports: &[Report], signer: Option<&str>) -> String {
        self.propose(name, reports);
        self.merge(name, MERGED, signer)
    }

    /// `git rm` of `report` committed on main at `date`, signed by `signer`.
    pub(super) fn delete(&self, report: Report, date: &str, signer: Option<&str>) -> String {
        self.git(date, None, &["rm", "-q", &report.file()]);
        self.commit(date, signer, &format!("删除 {}", report.id))
    }

    /// `xinbao ARGS` with extra environment.
    pub(super) fn xinbao(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.sandbox.run_with_env(args, env)
    }

    /// `xinbao GLOBAL… status --format json`, which must exit 0.
    pub(super) fn status_with(&self, global: &[&str], env: &[(&str, &str)]) -> Value {
        let mut args = global.to_vec();
        args.extend(["status", "--format", "json"]);
        let out = self.xinbao(&args, env);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    pub(super) fn status(&self) -> Value {
        self.status_with(&[], &[])
    }

    /// The state and problem rules of report `id`.
    pub(super) fn state(&self, id: &str) -> (String, Vec<String>) {
        state_of(&self.status(), id)
    }

    /// `xinbao check --format json ARGS`: the exit code and the findings as
    /// `(file, rule, severity)`.
    pub(super) fn check(&self, args: &[&str]) -> (i32, Vec<(String, String, String)>) {
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
    pub(super) fn configure_signer(&self, name: &str, signer: &str) {
        self.git(WRITTEN, None, &["config", "user.name", name]);
        self.git(WRITTEN, None, &["config", "user.email", "x@example.org"]);
        self.git(WRITTEN, None, &["config", "gpg.format", "ssh"]);
        let key = self.outside(signer).display().to_string();
        self.git(WRITTEN, None, &["config", "user.signingkey", &key]);
    }

    /// `xinbao approve ARGS` at `date`.
    pub(super) fn approve(&self, args: &[&str], date: &str) -> Output {
        let mut all = vec!["approve"];
        all.extend(args);
        self.xinbao(&all, &[("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date)])
    }

    /// `git verify-commit COMMIT` with the allowed_signers file `xinbao keys
    /// allowed-signers` writes.
    pub(super) fn verify(&self, commit: &str) -> Output {
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
    pub(super) fn rendered(&self, id: &str) -> String {
        let path = self.outside(&format!("{id}.docx"));
        let out = self.xinbao(&["render", id, "--docx", &path.display().to_string()], &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        document_xml(&path)
    }

    pub(super) fn head(&self) -> String {
        self.git(WRITTEN, None, &["rev-parse", "HEAD"])
    }

    pub(super) fn root_commit(&self) -> String {
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

/// `word/document.xml` of the DOCX at `path`.
pub(super) fn document_xml(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut document = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("word/document.xml").unwrap(),
        &mut document,
    )
    .unwrap();
    document
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

//! The fixture of every test that needs a bureau: a reports repository with people whose
//! keys are real (ssh-keygen, gpg), the settings text written once, the git and `xinbao`
//! commands the tests run in it, the reports they write, and a plain git server with the
//! `contrib/` hooks to push to.

use crate::support::{Sandbox, Signer, git_command, require, signing_git, ssh_keygen, stderr};
use serde_json::{Map, Value};
use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The root commit: the bureau's first settings.
pub const SETTLED: &str = "2026-03-01T09:00:00+08:00";
/// When writers commit (within the skew of a [`Report`]'s default `submitted_at`).
pub const WRITTEN: &str = "2026-03-02T17:45:00+08:00";
/// When supervisors merge.
pub const MERGED: &str = "2026-03-02T20:00:00+08:00";
/// When the office publishes.
pub const PUBLISHED: &str = "2026-03-03T09:00:00+08:00";

/// A person who is in no bureau's settings until a test adds them: a supervisor of 投资科.
pub const STRANGER: &str = "陌生人";

/// The usual bureau's units.
pub const UNITS: &str = "办公室, 投资科, 价格科";

/// The usual bureau's people, in the order of its settings.
const USUAL: [&str; 6] = ["张三", "李四", "赵六", "周九", "吴十", "钱七"];

/// The settings of a test bureau: `units`, then `people` (entries as [`Bureau::entry`]
/// writes them), then `more` (YAML sections, or nothing, so that entries can be appended).
pub fn settings(units: &str, people: &str, more: &str) -> String {
    format!(
        "bureau: 测试县发展和改革局\noffice: 办公室\ntimezone: \"+08:00\"\nunits: [{units}]\npeople:\n{people}{more}"
    )
}

/// A key in a person's settings entry.
#[derive(Clone, Copy)]
pub enum Key<'a> {
    None,
    /// The SSH key made under this name, and lines of its validity window (or "").
    Ssh(&'a str, &'a str),
    /// An OpenPGP public key file in the repository.
    OpenPgp(&'a str),
}

/// One entry of the settings' `people`.
#[derive(Clone, Copy)]
pub struct Person<'a> {
    name: &'a str,
    unit: Option<&'a str>,
    role: &'a str,
    supervises: Option<&'a str>,
    phone: bool,
    key: Key<'a>,
}

impl<'a> Person<'a> {
    /// A writer of `unit`, with no phone and no key.
    pub fn writer(name: &'a str, unit: &'a str) -> Person<'a> {
        Person {
            name,
            unit: Some(unit),
            role: "writer",
            supervises: None,
            phone: false,
            key: Key::None,
        }
    }

    /// A supervisor of `units` (comma-separated) signing with the SSH key `key`.
    pub fn supervisor(name: &'a str, units: &'a str, key: &'a str) -> Person<'a> {
        Person {
            role: "supervisor",
            unit: None,
            supervises: Some(units),
            ..Person::keyed(name, key)
        }
    }

    /// 办公室's officer, signing with the SSH key `key`.
    pub fn office(name: &'a str, key: &'a str) -> Person<'a> {
        Person { role: "office", unit: Some("办公室"), ..Person::keyed(name, key) }
    }

    /// The server that signs receipts with the SSH key `key`.
    pub fn server(name: &'a str, key: &'a str) -> Person<'a> {
        Person { role: "server", ..Person::keyed(name, key) }
    }

    fn keyed(name: &'a str, key: &'a str) -> Person<'a> {
        Person { unit: None, key: Key::Ssh(key, ""), ..Person::writer(name, "") }
    }

    /// With the phone number 13800000000.
    pub fn phone(self) -> Person<'a> {
        Person { phone: true, ..self }
    }

    pub fn key(self, key: Key<'a>) -> Person<'a> {
        Person { key, ..self }
    }

    /// One of the usual bureau's people, [`STRANGER`] or 孙八 (OpenPGP, `keys/sunba.asc`).
    pub fn usual(name: &'a str) -> Person<'a> {
        match name {
            "张三" => Person::writer("张三", "投资科").phone(),
            "李四" => Person::supervisor("李四", "投资科", "li"),
            "赵六" => Person::supervisor("赵六", "价格科", "zhao"),
            "周九" => Person::supervisor("周九", "投资科", "zhou").key(Key::Ssh(
                "zhou",
                "        valid_from: 2024-01-01\n        valid_until: 2025-12-31\n",
            )),
            "吴十" => Person::supervisor("吴十", "投资科, 价格科", "wu"),
            "钱七" => Person::office("钱七", "qian"),
            "孙八" => {
                Person::supervisor("孙八", "投资科", "").key(Key::OpenPgp("keys/sunba.asc"))
            }
            STRANGER => Person::supervisor(STRANGER, "投资科", "stranger"),
            other => panic!("no such person: {other}"),
        }
    }
}

/// A reports repository with people and keys, on branch `main`.
pub struct Bureau {
    pub sandbox: Sandbox,
    /// The private keys, and other files the tests keep outside the repository.
    pub keys: TempDir,
    /// The OpenPGP fingerprint of 孙八, when the bureau has one.
    pub pgp: Option<String>,
}

impl Bureau {
    /// `git init` done, nothing committed; `None` (test skipped) without ssh-keygen.
    pub fn unsettled() -> Option<Bureau> {
        if !require("ssh-keygen") {
            return None;
        }
        let bureau =
            Bureau { sandbox: Sandbox::new(), keys: tempfile::tempdir().unwrap(), pgp: None };
        bureau.git(SETTLED, None, &["init", "-q", "-b", "main"]);
        Some(bureau)
    }

    /// The usual bureau: everybody of [`Bureau::people`] in the root commit, so 钱七
    /// (office) holds a key from the start and every later settings change needs her.
    pub fn new() -> Option<Bureau> {
        Bureau::settled(&USUAL)
    }

    /// A bureau whose root commit settles the usual units and `names` (see
    /// [`Person::usual`]).
    pub fn settled(names: &[&str]) -> Option<Bureau> {
        let bureau = Bureau::unsettled()?;
        bureau.settle(SETTLED, &bureau.cast(names));
        Some(bureau)
    }

    /// Writes `xinbao.yaml` with `people` (last in the file, so entries can be appended)
    /// and commits it, unsigned, at `date`.
    pub fn settle(&self, date: &str, people: &str) {
        self.write_settings(people);
        self.commit(date, None, "设置");
    }

    /// Writes `xinbao.yaml` with the usual units and `people` into the work tree, uncommitted.
    pub fn write_settings(&self, people: &str) {
        self.put("xinbao.yaml", settings(UNITS, people, ""));
    }

    /// The `people` entry of `person`.
    pub fn entry(&self, person: Person) -> String {
        let Person { name, unit, role, supervises, phone, key } = person;
        let mut entry = format!("  - name: {name}\n");
        if let Some(unit) = unit {
            entry += &format!("    unit: {unit}\n");
        }
        entry += &format!("    roles: [{role}]\n");
        if let Some(units) = supervises {
            entry += &format!("    supervises: [{units}]\n");
        }
        if phone {
            entry += "    phone: \"13800000000\"\n";
        }
        match key {
            Key::None => {}
            Key::Ssh(key, window) => {
                entry += &format!("    keys:\n      - ssh: \"{}\"\n{window}", self.public(key));
            }
            Key::OpenPgp(file) => entry += &format!("    keys:\n      - openpgp: {file}\n"),
        }
        entry
    }

    /// The `people` entry of one of [`Person::usual`].
    pub fn person(&self, name: &str) -> String {
        self.entry(Person::usual(name))
    }

    /// The entries of `names` (see [`Person::usual`]).
    pub fn cast(&self, names: &[&str]) -> String {
        names.iter().map(|name| self.person(name)).collect()
    }

    /// The usual bureau's people, but those named in `except`.
    pub fn people(&self, except: &[&str]) -> String {
        let names: Vec<&str> = USUAL.into_iter().filter(|name| !except.contains(name)).collect();
        self.cast(&names)
    }

    /// Appends `entry` to the people of the work tree's `xinbao.yaml`.
    pub fn add_person(&self, entry: &str) {
        let path = self.root().join("xinbao.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, text + entry).unwrap();
    }

    pub fn root(&self) -> &Path {
        self.sandbox.root()
    }

    /// A file outside the repository, next to the keys.
    pub fn outside(&self, name: &str) -> PathBuf {
        self.keys.path().join(name)
    }

    /// The private SSH key of `name`, made with ssh-keygen the first time it is asked for.
    pub fn key(&self, name: &str) -> PathBuf {
        let key = self.outside(name);
        if !key.exists() {
            ssh_keygen(self.keys.path(), name);
        }
        key
    }

    pub fn gnupg_home(&self) -> PathBuf {
        self.outside("gnupg")
    }

    /// A second keyring, where 孙八's public key is revoked.
    pub fn revoked_home(&self) -> PathBuf {
        self.outside("gnupg-revoked")
    }

    /// The OpenSSH public key line of `name`.
    pub fn public(&self, name: &str) -> String {
        let key = self.key(name).with_extension("pub");
        std::fs::read_to_string(key).unwrap().trim().into()
    }

    /// The fingerprint ssh-keygen prints for `name`'s key.
    pub fn ssh_fingerprint(&self, name: &str) -> String {
        let key = self.key(name).with_extension("pub");
        let out = Command::new("ssh-keygen").arg("-lf").arg(key).output().unwrap();
        String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1).unwrap().to_string()
    }

    /// Makes 孙八's OpenPGP key in [`Bureau::gnupg_home`] and exports it to
    /// `keys/sunba.asc` (see [`Person::usual`]).
    pub fn make_openpgp_key(&mut self) {
        let home = self.gnupg_home();
        gpg(&home, &["--quick-gen-key", "孙八 <sunba@example.org>", "ed25519", "sign", "never"]);
        let listing = gpg(&home, &["--with-colons", "--list-keys", "sunba@example.org"]);
        let fingerprint = listing
            .lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_string();
        self.put("keys/sunba.asc", gpg(&home, &["--armor", "--export", &fingerprint]));
        self.pgp = Some(fingerprint);
    }

    /// Makes 孙八's OpenPGP key in [`Bureau::gnupg_home`], where it stays good for
    /// signing, and writes to `keys/sunba.asc` its export from a second keyring where
    /// gpg's own revocation certificate has been imported.
    pub fn make_revoked_openpgp_key(&mut self) {
        self.make_openpgp_key();
        let (home, fingerprint) = (self.gnupg_home(), self.pgp.clone().unwrap());
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
        self.put("keys/sunba.asc", &export);
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
    pub fn git_command(&self, date: &str, signer: Option<&str>) -> Command {
        let (key, home) = (signer.map(|name| self.key(name)), self.gnupg_home());
        let signer = match (signer, &key) {
            (Some("pgp"), _) => {
                Signer::OpenPgp { fingerprint: self.pgp.as_deref().unwrap(), home: &home }
            }
            (Some(_), Some(key)) => Signer::Ssh(key),
            _ => Signer::Nobody,
        };
        signing_git(self.root(), date, signer)
    }

    /// Runs git; it must succeed. Gives its trimmed standard output.
    pub fn git(&self, date: &str, signer: Option<&str>, args: &[&str]) -> String {
        trimmed_output(self.git_command(date, signer).args(args))
    }

    /// Writes `report` into the work tree.
    pub fn write(&self, report: Report) {
        self.put(&report.file(), report.text());
    }

    /// Writes `text` to `file` (relative to the root), making its folders.
    pub fn put(&self, file: &str, text: impl AsRef<[u8]>) {
        self.sandbox.write(file, text);
    }

    /// Writes a decodable 8×8 PNG of grey `shade` to `reports/2026/03/images/FILE`.
    pub fn draw(&self, file: &str, shade: u8) {
        self.draw_at(&format!("reports/2026/03/images/{file}"), shade);
    }

    /// Writes a decodable 8×8 PNG of grey `shade` to `path` (relative to the root).
    pub fn draw_at(&self, path: &str, shade: u8) {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        image::GrayImage::from_pixel(8, 8, image::Luma([shade])).save(path).unwrap();
    }

    /// Stages everything and commits it on the current branch at `date`, signed by
    /// `signer`; returns the new commit.
    pub fn commit(&self, date: &str, signer: Option<&str>, message: &str) -> String {
        self.git(date, None, &["add", "-A"]);
        let sign = if signer.is_some() { "-S" } else { "--no-gpg-sign" };
        self.git(date, signer, &["commit", "-q", "--allow-empty", sign, "-m", message]);
        self.head()
    }

    /// A writer's branch `name` off main, with what `edit` does to the work tree
    /// committed at `date`, left unmerged; back on main.
    pub fn branch(&self, name: &str, date: &str, edit: impl FnOnce(&Bureau)) {
        self.branch_with(name, date, &format!("报送 {name}"), edit);
    }

    /// [`Bureau::branch`], committed with `message`.
    pub fn branch_with(&self, name: &str, date: &str, message: &str, edit: impl FnOnce(&Bureau)) {
        self.git(date, None, &["checkout", "-q", "-b", name]);
        edit(self);
        self.commit(date, None, message);
        self.git(date, None, &["checkout", "-q", "main"]);
    }

    /// A writer's branch adding `reports`, committed at [`WRITTEN`].
    pub fn propose(&self, name: &str, reports: &[Report]) {
        self.branch(name, WRITTEN, |bureau| reports.iter().for_each(|r| bureau.write(*r)));
    }

    /// Merges `branch` into main `--no-ff` at `date`, signed by `signer`; returns the merge.
    pub fn merge(&self, branch: &str, date: &str, signer: Option<&str>) -> String {
        let sign = if signer.is_some() { "-S" } else { "--no-gpg-sign" };
        self.git(date, signer, &["merge", "-q", "--no-ff", sign, "-m", "合并", branch]);
        self.head()
    }

    /// A branch with `reports`, merged at [`MERGED`] by `signer`; once per test, as the
    /// branch is committed at [`WRITTEN`].
    pub fn submit(&self, name: &str, reports: &[Report], signer: Option<&str>) -> String {
        self.propose(name, reports);
        self.merge(name, MERGED, signer)
    }

    /// `git rm` of `report` committed on main at `date`, signed by `signer`.
    pub fn delete(&self, report: Report, date: &str, signer: Option<&str>) -> String {
        self.git(date, None, &["rm", "-q", &report.file()]);
        self.commit(date, signer, &format!("删除 {}", report.id))
    }

    /// `xinbao ARGS` with extra environment.
    pub fn xinbao(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.sandbox.run_with_env(args, env)
    }

    /// `xinbao ARGS`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.sandbox.run(args)
    }

    /// `xinbao ARGS` with both git dates set to `date` (for the commits it makes).
    pub fn xinbao_at(&self, date: &str, args: &[&str]) -> Output {
        self.xinbao(args, &[("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date)])
    }

    /// `xinbao GLOBAL… status --format json`, which must exit 0.
    pub fn status_with(&self, global: &[&str], env: &[(&str, &str)]) -> Value {
        let mut args = global.to_vec();
        args.extend(["status", "--format", "json"]);
        let out = self.xinbao(&args, env);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    pub fn status(&self) -> Value {
        self.status_with(&[], &[])
    }

    /// The reports of `xinbao status --format json`, by id.
    pub fn reports(&self) -> Map<String, Value> {
        let status = self.status();
        let reports = status["reports"].as_array().unwrap().iter();
        reports.map(|r| (r["id"].as_str().unwrap().to_string(), r.clone())).collect()
    }

    /// Report `id` of `xinbao status --format json`.
    pub fn report(&self, id: &str) -> Value {
        let status = self.status();
        report(&status, id).unwrap_or_else(|| panic!("{id} not in {status}")).clone()
    }

    /// The state and problem rules of report `id`.
    pub fn state(&self, id: &str) -> (String, Vec<String>) {
        state_of(&self.status(), id)
    }

    /// `xinbao check --format json ARGS`: the exit code and the findings as
    /// `(file, rule, severity)`.
    pub fn check(&self, args: &[&str]) -> (i32, Vec<(String, String, String)>) {
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

    /// Sets the repository's own git config so `xinbao approve`/`publish` sign as
    /// `name` with the SSH key `signer`.
    pub fn configure_signer(&self, name: &str, signer: &str) {
        let key = self.key(signer).display().to_string();
        for (item, value) in [
            ("user.name", name),
            ("user.email", "x@example.org"),
            ("gpg.format", "ssh"),
            ("user.signingkey", &key),
        ] {
            self.git(WRITTEN, None, &["config", item, value]);
        }
    }

    /// `xinbao approve ARGS` at `date`.
    pub fn approve(&self, args: &[&str], date: &str) -> Output {
        let mut all = vec!["approve"];
        all.extend(args);
        self.xinbao_at(date, &all)
    }

    /// `git verify-commit COMMIT` with the allowed_signers file `xinbao keys
    /// allowed-signers` writes.
    pub fn verify(&self, commit: &str) -> Output {
        let out = self.xinbao(&["keys", "allowed-signers"], &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let signers = self.outside("allowed_signers");
        std::fs::write(&signers, &out.stdout).unwrap();
        self.verify_with(commit, &signers)
    }

    /// `git verify-commit COMMIT` with `signers` as git's allowed_signers file.
    pub fn verify_with(&self, commit: &str, signers: &Path) -> Output {
        self.git_command(MERGED, None)
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", signers.display()))
            .args(["verify-commit", commit])
            .output()
            .unwrap()
    }

    /// `word/document.xml` of `xinbao render ID --docx`.
    pub fn rendered(&self, id: &str) -> String {
        let path = self.outside(&format!("{id}.docx"));
        let out = self.xinbao(&["render", id, "--docx", &path.display().to_string()], &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        document_xml(&path)
    }

    pub fn head(&self) -> String {
        self.git(WRITTEN, None, &["rev-parse", "HEAD"])
    }

    pub fn root_commit(&self) -> String {
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

/// A plain git server: a bare repository with `contrib/pre-receive` and `post-receive`,
/// which deploy the archive to [`Server::site`].
pub struct Server {
    /// Holds `reports.git`, the archive `www` and the hook's checkout `work`.
    dir: TempDir,
    /// The private key file the post-receive hook signs receipts with
    /// (`XINBAO_RECEIPT_KEY`), if any.
    pub receipt_key: Option<PathBuf>,
}

impl Server {
    /// The bare repository, `main` its branch, with the hooks installed.
    pub fn new() -> Server {
        let server = Server { dir: tempfile::tempdir().unwrap(), receipt_key: None };
        trimmed_output(
            git_command(server.dir.path(), SETTLED)
                .args(["init", "-q", "--bare", "-b", "main"])
                .arg(server.bare()),
        );
        let contrib = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib");
        for hook in ["pre-receive", "post-receive"] {
            let installed = server.bare().join("hooks").join(hook);
            std::fs::copy(contrib.join(hook), &installed).unwrap();
            std::fs::set_permissions(&installed, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        server
    }

    /// The server's bare repository.
    pub fn bare(&self) -> PathBuf {
        self.dir.path().join("reports.git")
    }

    /// The archive the post-receive hook builds.
    pub fn site(&self) -> PathBuf {
        self.dir.path().join("www")
    }

    /// git in the bare repository at `date`; it must succeed. Gives its trimmed
    /// standard output.
    pub fn git(&self, date: &str, args: &[&str]) -> String {
        trimmed_output(git_command(&self.bare(), date).args(args))
    }

    /// The server's `main`.
    pub fn main(&self) -> String {
        self.git(SETTLED, &["rev-parse", "main"])
    }

    /// `GIT… push -q TARGET REFSPEC`: `git` is the pusher's git command (its program and
    /// first arguments), run with the hooks' settings, in Chinese.
    pub fn push(&self, mut git: Command, target: impl AsRef<OsStr>, refspec: &str) -> Output {
        git.env("LANG", "zh_CN.UTF-8")
            .env("XINBAO", env!("CARGO_BIN_EXE_xinbao"))
            .env("XINBAO_SITE", self.site())
            .env("XINBAO_WORK", self.dir.path().join("work"));
        if let Some(key) = &self.receipt_key {
            git.env("XINBAO_RECEIPT_KEY", key);
        }
        git.args(["push", "-q"]).arg(target).arg(refspec).output().expect("git push")
    }
}

/// Runs `command` (git); it must succeed. Gives its trimmed standard output.
pub fn trimmed_output(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(out.status.success(), "{command:?}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A work report to write: its id, unit and times, with defaults for the rest.
#[derive(Clone, Copy)]
pub struct Report<'a> {
    pub id: &'a str,
    pub unit: &'a str,
    pub occurred: &'a str,
    pub submitted: &'a str,
    pub picture: Option<&'a str>,
    pub body: &'a str,
    /// More front-matter lines (each ending in a newline).
    pub front: &'a str,
}

impl<'a> Report<'a> {
    /// Report `id` of `unit`, about an event of 2026-03-02, submitted the same day.
    pub fn new(id: &'a str, unit: &'a str) -> Report<'a> {
        Report {
            id,
            unit,
            occurred: "2026-03-02T09:00:00+08:00",
            submitted: "2026-03-02T17:40:00+08:00",
            picture: None,
            body: "3月2日召开调度会，安排下一步工作。",
            front: "",
        }
    }

    pub fn times(self, occurred: &'a str, submitted: &'a str) -> Report<'a> {
        Report { occurred, submitted, ..self }
    }

    /// The report references `images/FILE` (relative to its folder) with a caption.
    pub fn picture(self, file: &'a str) -> Report<'a> {
        Report { picture: Some(file), ..self }
    }

    pub fn body(self, body: &'a str) -> Report<'a> {
        Report { body, ..self }
    }

    /// More front-matter lines, such as `request: r1\n`.
    pub fn front(self, front: &'a str) -> Report<'a> {
        Report { front, ..self }
    }

    /// `reports/YYYY/MM`, from the event's date.
    pub fn folder(&self) -> String {
        format!("reports/{}/{}", &self.occurred[..4], &self.occurred[5..7])
    }

    pub fn file(&self) -> String {
        format!("{}/{}.md", self.folder(), self.id)
    }

    pub fn text(&self) -> String {
        let author = if self.unit == "投资科" { "张三" } else { "王五" };
        let images = self
            .picture
            .map(|file| format!("images:\n  - file: images/{file}\n    caption: 调度会现场\n"))
            .unwrap_or_default();
        format!(
            "---\ntitle: {unit}召开调度会\ncategory: work\nunit: {unit}\nauthor: {author}\nphone: \"13800000000\"\noccurred_at: {occurred}\nsubmitted_at: {submitted}\n{images}{front}---\n\n{body}\n",
            unit = self.unit,
            occurred = self.occurred,
            submitted = self.submitted,
            body = self.body,
            front = self.front,
        )
    }
}

/// Report `id` of a `status --format json` output, when listed.
pub fn report<'a>(status: &'a Value, id: &str) -> Option<&'a Value> {
    status["reports"].as_array().unwrap().iter().find(|r| r["id"] == id)
}

/// The rule ids of a `problems` array.
pub fn rules(problems: &Value) -> Vec<String> {
    problems.as_array().unwrap().iter().map(|p| p["rule"].as_str().unwrap().to_string()).collect()
}

/// The state and problem rules of report `id` in `status`.
pub fn state_of(status: &Value, id: &str) -> (String, Vec<String>) {
    let report = report(status, id).unwrap_or_else(|| panic!("{id} is not listed: {status:#}"));
    (report["state"].as_str().unwrap().to_string(), rules(&report["problems"]))
}

/// `word/document.xml` of the DOCX at `path`.
pub fn document_xml(path: &Path) -> String {
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

//! Test helpers: throwaway repositories, a hermetic git, and running the binary.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The folder of a fixture under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A temporary folder holding one reports repository.
pub struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    /// An empty sandbox.
    pub fn new() -> Sandbox {
        Sandbox { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// A sandbox holding a copy of fixture `name`.
    pub fn from_fixture(name: &str) -> Sandbox {
        let sandbox = Sandbox::new();
        copy_dir(&fixture(name), sandbox.root());
        sandbox
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `file` (relative), creating folders.
    pub fn write(&self, file: &str, text: impl AsRef<[u8]>) {
        let path = self.root().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs `xinbao ARGS` in the repository.
    pub fn run(&self, args: &[&str]) -> Output {
        xinbao().current_dir(self.root()).args(args).output().expect("run xinbao")
    }

    /// Runs `xinbao check --format json ARGS` and returns the exit code and the JSON.
    pub fn check_json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args);
        let out = self.run(&all);
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), json)
    }

    /// Runs git in the repository with a fixed author and both dates set to `date`.
    pub fn git(&self, date: &str, args: &[&str]) {
        let out = git(self.root(), date, args);
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// `git init` with a `main` branch.
    pub fn git_init(&self) {
        self.git("2026-01-01T00:00:00+08:00", &["init", "-q", "-b", "main"]);
    }

    /// Stages everything and commits at `date`.
    pub fn commit_all(&self, date: &str, message: &str) {
        self.git(date, &["add", "-A"]);
        self.git(date, &["commit", "-q", "--allow-empty", "-m", message]);
    }
}

/// The binary under test with a clean environment: no user config, Chinese messages.
pub fn xinbao() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xinbao"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LANG", "zh_CN.UTF-8");
    hermetic(&mut command);
    command
}

/// git with no system or global configuration.
pub fn git(dir: &Path, date: &str, args: &[&str]) -> Output {
    git_command(dir, date).args(args).output().expect("git")
}

/// A git command in `dir`: no system or global configuration, author and committer
/// 张三, both dates `date`.
pub fn git_command(dir: &Path, date: &str) -> Command {
    let mut command = Command::new("git");
    command.current_dir(dir).env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    hermetic(&mut command);
    command
        .env("GIT_AUTHOR_NAME", "张三")
        .env("GIT_AUTHOR_EMAIL", "zhangsan@example.org")
        .env("GIT_COMMITTER_NAME", "张三")
        .env("GIT_COMMITTER_EMAIL", "zhangsan@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date);
    command
}

/// Whether `program` is on the PATH. Outside CI a missing tool ends the test as
/// ignored ("… is not installed", in the runner's summary) once it returns; in CI
/// (`CI=true`, where `.ci/run` installs it) it fails the test.
pub fn require(program: &str) -> bool {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join(program).is_file());
    if !found {
        missing(program);
    }
    found
}

/// Whether python3 can import `modules` (`"jsonschema, yaml"`). Outside CI a
/// missing module ends the test as ignored; in CI (where `.ci/run` installs the
/// Debian `packages`) it fails the test.
pub fn require_python(modules: &str, packages: &str) -> bool {
    if !require("python3") {
        return false;
    }
    let found = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        missing(packages);
    }
    found
}

/// Whether the file `path` (from the Debian `package`) is there; missing, as for
/// [`require`].
pub fn require_file(path: &str, package: &str) -> bool {
    let found = Path::new(path).is_file();
    if !found {
        missing(package);
    }
    found
}

/// A tool the test cannot do without: a failure in CI, else the test ends as ignored.
fn missing(what: &str) {
    assert!(std::env::var("CI").is_err(), "{what} is required in CI (.ci/run installs it)");
    crate::harness::missing(what);
}

fn hermetic(command: &mut Command) {
    command
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", std::env::temp_dir());
}

/// Copies the folder `from` with everything in it to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A finding as `(file, line, rule)`.
pub type Finding = (String, u64, String);

/// The findings the files under `root` announce with `# expect: RULE…` (on that line)
/// or `# expect@LINE: RULE…` comments. A rule named twice is expected twice.
pub fn expectations(root: &Path) -> Vec<Finding> {
    let mut expected = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let file = entry.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let text =
            String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).replace("\r\n", "\n");
        for (index, line) in text.lines().enumerate() {
            let Some((_, annotation)) = line.split_once("# expect") else { continue };
            let (at, rules) = annotation.split_once(':').unwrap();
            let at = at.strip_prefix('@').map_or(index as u64 + 1, |n| n.trim().parse().unwrap());
            for rule in rules.split_whitespace() {
                expected.push((file.clone(), at, rule.to_string()));
            }
        }
    }
    expected.sort();
    expected
}

/// The rule ids of the findings of `json`, in their order.
pub fn rule_list(json: &Value) -> Vec<&str> {
    json["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect()
}

/// The findings of `json` as a sorted list (duplicates kept).
pub fn finding_list(json: &Value) -> Vec<Finding> {
    let mut list: Vec<Finding> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    list.sort();
    list
}

impl Sandbox {
    /// Runs `xinbao ARGS` with extra environment variables.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = xinbao();
        command.current_dir(self.root()).args(args);
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().expect("run xinbao")
    }
}

/// Makes an ed25519 SSH key pair `dir/name` and `dir/name.pub` with ssh-keygen.
pub fn ssh_keygen(dir: &Path, name: &str) {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(dir.join(name))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Converts `file` to UTF-8 text with LibreOffice (a profile of its own under
/// `dir`) and returns the text, read from `dir`.
pub fn soffice_text(dir: &Path, file: &Path) -> String {
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display()))
        .args(["--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir"])
        .arg(dir)
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stem = file.file_stem().unwrap().to_string_lossy();
    std::fs::read_to_string(dir.join(format!("{stem}.txt"))).unwrap()
}

/// What a command printed on standard output.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What a command printed on standard error.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// What a command said on both streams.
pub fn said(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

/// Who signs the commits of a [`signing_git`] command.
pub enum Signer<'a> {
    /// No signature.
    Nobody,
    /// An SSH private key file (git's `gpg.format=ssh`).
    Ssh(&'a Path),
    /// An OpenPGP key by fingerprint, from a gpg home.
    OpenPgp { fingerprint: &'a str, home: &'a Path },
}

/// [`git_command`] in `dir` at `date`, its commits signed by `signer`.
pub fn signing_git(dir: &Path, date: &str, signer: Signer) -> Command {
    let mut command = git_command(dir, date);
    match signer {
        Signer::Nobody => {}
        Signer::Ssh(key) => {
            command.args(["-c", "gpg.format=ssh", "-c"]);
            command.arg(format!("user.signingkey={}", key.display()));
        }
        Signer::OpenPgp { fingerprint, home } => {
            command.args(["-c", "gpg.format=openpgp", "-c"]);
            command.arg(format!("user.signingkey={fingerprint}"));
            command.env("GNUPGHOME", home);
        }
    }
    command
}

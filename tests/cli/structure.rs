//! The shape of the code: the crate's top-level modules import each other without
//! a circle, no command imports another, inputs are read through the workspace,
//! a run has one workspace and one git repository and no global state, and a
//! real build reads each input file once (the run's counting workspace proves it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate's top-level module a file of `src/` belongs to.
fn top(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// The words after `prefix` in `text` (identifiers only), e.g. the module names
/// after every `crate::`.
fn names_after<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.match_indices(prefix)
        .map(|(i, _)| {
            let rest = &text[i + prefix.len()..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// Top-level module → the top-level modules it names with `crate::`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| top(&src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = top(&src, file);
        let text = std::fs::read_to_string(file).unwrap();
        // Doc comments and strings may name modules without importing them.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut uses = BTreeSet::new();
        for name in names_after(&code, "crate::") {
            if modules.contains(name) && name != from {
                uses.insert(name.to_string());
            }
        }
        // `use crate::{a, b::c}` names several modules at once.
        for (i, _) in code.match_indices("use crate::{") {
            let group = &code[i + 12..];
            let group = &group[..group.find("};").unwrap_or(0)];
            for part in group.split(',') {
                let name = part.trim().split("::").next().unwrap_or("").trim();
                if modules.contains(name) && name != from {
                    uses.insert(name.to_string());
                }
            }
        }
        graph.entry(from).or_default().extend(uses);
    }
    graph
}

/// A circle of imports through `start`, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_top_level_modules_import_each_other_without_a_circle() {
    let graph = imports();
    assert!(graph.len() > 20, "{graph:?}");
    assert!(graph["commands"].contains("pipeline"), "{graph:?}");
    assert_eq!(circle(&graph), None, "an import circle among the modules of src/");
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("load".into()).or_default().insert("bulletin".into());
    graph.entry("bulletin".into()).or_default().insert("approval".into());
    graph.entry("approval".into()).or_default().insert("load".into());
    assert_eq!(circle(&graph).map(|c| c.len()), Some(4));
}

#[test]
fn no_command_imports_another() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut files = Vec::new();
    sources(&dir, &mut files);
    let commands: BTreeSet<String> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|c| c != "mod")
        .collect();
    for file in files.iter().filter(|f| !f.ends_with("mod.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        for name in
            names_after(&text, "super::").into_iter().chain(names_after(&text, "commands::"))
        {
            assert!(!commands.contains(name), "{} imports the command `{name}`", file.display());
        }
    }
}

/// Files that read from disk themselves, and why: everything else reads its
/// inputs through the `Workspace`, so that each input is read once and counted.
const READS_OUTSIDE_THE_WORKSPACE: &[(&str, &str)] = &[
    ("workspace.rs", "the workspace itself"),
    ("cache.rs", "xinbao's own history cache and its secret, not an input"),
    ("out_dir.rs", "the previous build's manifests of outputs, inside the output folder"),
    ("commit.rs", "git's signing key, to tell who signs"),
    ("commands/hook.rs", "an existing git hook, before replacing it"),
    ("commands/serve.rs", "serving the built site"),
    ("commands/touch.rs", "rewriting submitted_at in reports in place"),
    ("render/mod.rs", "the start of a file a document would replace, to refuse one that is none"),
    ("desk/security.rs", "the token's random bytes from /dev/urandom, not an input"),
    ("transfer/mod.rs", "the package it has just written, for the manifest's digests"),
    ("transfer/verify.rs", "the transfer package it checks, which is no reports repository"),
];

#[test]
fn inputs_are_read_through_the_workspace() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    for file in files {
        let name = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if READS_OUTSIDE_THE_WORKSPACE.iter().any(|(allowed, _)| *allowed == name) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        // Tests may make and read their own files.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for call in ["fs::read(", "fs::read_to_string(", "File::open("] {
            assert!(!code.contains(call), "{name} reads a file itself ({call}); use the Workspace");
        }
    }
}

/// Copies the project's own reports repository (settings, reports with their
/// pictures, requests, bulletin records) into `to`.
fn copy_sample(to: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(root).unwrap();
        let first = relative.components().next().map(|c| c.as_os_str().to_string_lossy());
        let wanted = matches!(
            first.as_deref(),
            Some("reports" | "requests" | "bulletins" | "xinbao.yaml" | "templates")
        );
        if !wanted {
            continue;
        }
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The files of `src/` that open a git repository themselves, and why: every
/// other place works in the run's one repository (`Run::git`).
const OPENS_A_REPOSITORY: &[(&str, &str)] = &[
    ("repo.rs", "the run's handles for its worker threads, each opened once a run"),
    ("commands/mod.rs", "finding the root when no folder holds xinbao.yaml"),
    ("commands/init.rs", "creating the repository"),
    ("commands/receipt.rs", "the server's bare repository, handed to its Run"),
    ("commands/serve.rs", "the watcher thread, which starts a run of its own per rebuild"),
];

/// Each `.rs` file of `src/` (its path below `src/`) and its code before any
/// `#[cfg(test)]`, comments left out.
fn code_of_src() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files
        .into_iter()
        .map(|file| {
            let name = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            let code: Vec<&str> =
                code.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
            (name, code.join("\n"))
        })
        .collect()
}

#[test]
fn a_run_has_one_workspace_one_git_repository_and_no_globals() {
    for (name, code) in code_of_src() {
        if name != "run.rs" {
            assert!(!code.contains("Workspace::new("), "{name} makes a Workspace: use the Run's");
        }
        let allowed = name == "run.rs" || OPENS_A_REPOSITORY.iter().any(|(f, _)| *f == name);
        for call in ["Repository::discover(", "Repository::open(", "run::discover("] {
            assert!(allowed || !code.contains(call), "{name} opens git ({call}): use Run::git");
        }
        // The run's state is the Run's: no clock, trust root or language from a
        // global or the environment below the command line.
        for global in ["static RUN", "static TRUST_ROOT", "Utc::now()", "XINBAO_TRUST_ROOT"] {
            assert!(name == "run.rs" || !code.contains(global), "{name}: {global}");
        }
        let parses_the_command_line = ["usage.rs", "cli.rs", "lang.rs"].contains(&name.as_str());
        assert!(parses_the_command_line || !code.contains("Lang::from_env()"), "{name}");
    }
}

#[test]
fn a_real_build_reads_each_report_and_picture_once_through_the_run() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    let git = |args: &[&str]| {
        let mut command = crate::support::git_command(dir.path(), "2026-12-01T09:00:00+08:00");
        assert!(command.args(args).status().unwrap().success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "sample"]);
    // A writer's branch merged: the approvals walk main's first parents, the
    // first commits every commit of HEAD; both read each commit's facts.
    git(&["checkout", "-q", "-b", "writer"]);
    let edited = dir.path().join("reports/2026/03/2026-03-02-tiaoduhui.md");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, format!("{text}\n补充一句。\n")).unwrap();
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "draft"]);
    git(&["checkout", "-q", "main"]);
    git(&["merge", "-q", "--no-ff", "-m", "merge", "writer"]);
    let out = dir.path().join("public");
    let cli = <xinbao::cli::Cli as clap::Parser>::try_parse_from([
        "xinbao",
        "build",
        "--drafts",
        "--only",
        "docx,site",
        "--out",
        out.to_str().unwrap(),
    ])
    .unwrap();
    let xinbao::cli::Command::Build(args) = cli.command else { panic!("not build") };
    let run = xinbao::run::Run::open(dir.path(), xinbao::lang::Lang::Zh, None);
    assert!(run.git().is_some());
    let outcome = xinbao::build::build(&run, &args).unwrap();
    assert_eq!(outcome.exit_code(), std::process::ExitCode::SUCCESS);
    let reads = run.workspace().reads();
    let is = |p: &PathBuf, ext: &[&str]| p.extension().is_some_and(|e| ext.iter().any(|x| e == *x));
    let pictures = reads.keys().filter(|p| is(p, &["png", "jpg"])).count();
    // Report files (the category templates under templates/ are read once too).
    let reports = reads
        .keys()
        .filter(|p| is(p, &["md"]) && p.starts_with(dir.path().join("reports")))
        .count();
    let on_disk = walkdir::WalkDir::new(dir.path().join("reports"))
        .into_iter()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|e| e == "md"))
        .count();
    assert!(pictures >= 5, "{reads:?}");
    assert_eq!(reports, on_disk, "every report is read through the run's workspace");
    let twice: Vec<_> = reads.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "read more than once: {twice:?}");
    assert!(out.join("index.html").is_file());
    // One walk of the history: each of the 3 commits read from git once, though
    // both the approvals and the first commits asked for them; the next run
    // reads none (the cache has them).
    assert_eq!(run.commits().fresh(), 3, "each commit read once per run");
    // One git handle: the run's, opened by `Run::open`; work spread over the
    // cores borrows a handle per worker thread, opened once for the whole run
    // (the commits, the settings' identities and the signatures all share them).
    let workers = run.git().unwrap().workers().opened();
    assert!(workers <= rayon::current_num_threads(), "{workers} handles opened for workers");
    let again = xinbao::run::Run::open(dir.path(), xinbao::lang::Lang::Zh, None);
    xinbao::build::build(&again, &args).unwrap();
    assert_eq!(again.commits().fresh(), 0, "the next run reads its commits from the cache");
}

#[test]
fn a_report_keeps_the_blob_id_of_its_bytes_on_disk() {
    // Approved content is recognised by the blob id of the file as it is on disk,
    // also when reading normalized it (a BOM, CRLF line ends).
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    let source = dir.path().join("reports/2026/03/2026-03-02-tiaoduhui.md");
    let text = std::fs::read_to_string(&source).unwrap();
    let crlf = dir.path().join("reports/2026/03/2026-03-02-crlf.md");
    std::fs::write(&crlf, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    let run = xinbao::run::Run::open(dir.path(), xinbao::lang::Lang::Zh, None);
    let ws = run.workspace();
    let mut diags = xinbao::diag::Diagnostics::default();
    let settings = xinbao::config::load(ws, &mut diags).unwrap();
    let repo = xinbao::load::load_with(ws, &[], settings, &mut diags);
    for (id, path) in [("2026-03-02-tiaoduhui", &source), ("2026-03-02-crlf", &crlf)] {
        let output = std::process::Command::new("git")
            .args(["hash-object", "--no-filters"])
            .arg(path)
            .output()
            .unwrap();
        let expected = String::from_utf8(output.stdout).unwrap();
        let report = repo.report(id).unwrap();
        let blob = report.read.as_ref().unwrap().blob(ws, &report.file);
        assert_eq!(blob.map(|b| b.to_string()), Some(expected.trim().to_string()), "{id}");
    }
}

//! The project's own sample repository and documentation.

use crate::support::{git_command, stderr, stdout, xinbao};
use std::path::{Path, PathBuf};

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_projects_own_reports_pass_check() {
    let out =
        xinbao().args(["check", "--format", "json", "--root"]).arg(project()).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 0, "{json}");
    assert_eq!(json["warnings"], 0, "{json}");
    assert!(json["files"].as_u64().unwrap() >= 32);
    assert_eq!(out.status.code(), Some(0));
}

/// The sample's history is signed throughout (issue 24): on a fresh clone nothing
/// needs a pinned anchor, no trust problem is listed, most reports are published by
/// signed commits, and `status` says nothing about settings that differ.
#[test]
fn the_sample_history_needs_no_pinned_anchor() {
    let out = xinbao()
        .env_remove("XINBAO_TRUST_ROOT")
        .args(["status", "--format", "json", "--root"])
        .arg(project())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "nothing to warn about");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["trust"]["anchor"]["kind"], "office-key", "{}", json["trust"]);
    assert_eq!(json["trust"]["problems"], serde_json::json!([]), "{}", json["trust"]);
    let reports = json["reports"].as_array().unwrap();
    let published = reports.iter().filter(|r| r["state"] == "published").count();
    assert!(published * 4 >= reports.len() * 3, "{published} of {} published", reports.len());
}

#[test]
fn the_sample_covers_every_category() {
    let mut diags = xinbao::diag::Diagnostics::default();
    let run = xinbao::run::Run::open(project(), xinbao::lang::Lang::Zh, None);
    let ws = run.workspace();
    let repo = xinbao::load::load(ws, &[], &mut diags).unwrap();
    for category in xinbao::report::Category::ALL {
        let count = repo.reports.iter().filter(|r| r.category() == Some(*category)).count();
        assert!(count >= 2, "{}: {count}", category.id());
    }
    assert!(repo.reports.iter().filter(|r| r.follow_up_of.is_some()).count() >= 2);
    assert!(repo.reports.iter().filter(|r| !r.images.is_empty()).count() >= 5);
    assert!(repo.requests.len() >= 2);
}

#[test]
fn the_reference_documents_every_rule() {
    let reference = std::fs::read_to_string(project().join("docs/reference.md")).unwrap();
    for rule in xinbao::diag::Rule::ALL {
        let id = rule.id();
        assert!(reference.contains(&format!("`{id}`")), "docs/reference.md lacks {id}");
    }
}

#[test]
fn the_projects_own_reports_all_render() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = xinbao()
        .args(["build", "--drafts", "--root"])
        .arg(project())
        .arg("--out")
        .arg(out_dir.path())
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{summary}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(summary.contains("0 条信息未通过检查、0 个文件生成失败"), "{summary}");
    let files = std::fs::read_dir(out_dir.path().join("files")).unwrap().count();
    let reports = walkdir::WalkDir::new(project().join("reports"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    // A DOCX and a PDF per report, and the build manifest.
    assert_eq!(files, 2 * reports + 1);
}

/// zizmor (PyPI) finds nothing in the project's workflows and in the templates
/// `xinbao init` writes: actions pinned by commit, no `${{ … }}` expanded inside
/// scripts, no persisted credentials where nothing is pushed.
#[test]
fn zizmor_finds_nothing_in_the_workflows_and_templates() {
    if !crate::support::require("zizmor") {
        return;
    }
    let files = [
        ".github/workflows/xinbao.yml",
        ".github/workflows/release.yml",
        "src/scaffold/workflow.yml",
        "src/scaffold/gitea.yml",
    ];
    let out = std::process::Command::new("zizmor")
        .arg("--offline")
        .args(files.iter().map(|f| project().join(f)))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("No findings to report"), "{text}");
}

/// The README and the guides in `docs/`.
fn documentation() -> Vec<PathBuf> {
    let mut files = vec![project().join("README.md")];
    let mut guides: Vec<PathBuf> = std::fs::read_dir(project().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|x| x == "md"))
        .collect();
    guides.sort();
    files.extend(guides);
    files
}

/// The lines of `text` outside fenced code blocks.
fn prose_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut fenced = false;
    text.lines().filter(move |line| {
        if line.starts_with("```") {
            fenced = !fenced;
            return false;
        }
        !fenced
    })
}

/// Every relative link of the README and the guides (`[text](target)`, outside code
/// blocks) names a file or folder that exists.
#[test]
fn every_relative_link_in_the_documentation_points_to_a_file() {
    for file in documentation() {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in prose_lines(&text) {
            for (at, _) in line.match_indices("](") {
                let target = line[at + 2..].split(')').next().unwrap_or_default();
                let path = target.split('#').next().unwrap_or_default();
                if path.is_empty() || path.contains("://") || path.starts_with("mailto:") {
                    continue;
                }
                let linked = file.parent().unwrap().join(path);
                assert!(linked.exists(), "{}: the link {target} names no file", file.display());
            }
        }
    }
}

/// The line before an output block that `quoted_outputs_are_what_the_commands_print`
/// checks; the block is fenced as ```console.
const CHECKED_OUTPUT: &str = "<!-- output: checked by tests/cli/project.rs -->";

/// One command of a checked output block: its environment, its arguments, and the
/// lines the documentation says it prints.
#[derive(Default)]
struct Quoted {
    env: Vec<(String, String)>,
    args: Vec<String>,
    lines: Vec<String>,
}

/// The commands of one checked block. A `$ ` line is a command: `export NAME=VALUE`
/// sets a variable for the rest of the block, leading `NAME=VALUE` words set one for
/// that command, then `xinbao ARGS` or `cargo run --release -- ARGS` (words split at
/// spaces). Every other non-empty line, except an elision `…`, is printed output.
fn quoted_commands(block: &[&str]) -> Vec<Quoted> {
    let mut exported = Vec::new();
    let mut commands: Vec<Quoted> = Vec::new();
    for line in block {
        let Some(command) = line.strip_prefix("$ ") else {
            if !line.trim().is_empty() && line.trim() != "…" {
                let current = commands.last_mut().expect("a command before its output");
                current.lines.push(line.to_string());
            }
            continue;
        };
        let mut words: Vec<&str> = command.split_whitespace().collect();
        let variable = |word: &str| {
            let (name, value) = word.split_once('=').unwrap();
            (name.to_string(), value.to_string())
        };
        if words[0] == "export" {
            exported.extend(words[1..].iter().copied().map(variable));
            continue;
        }
        let mut env = exported.clone();
        while words[0].contains('=') {
            env.push(variable(words.remove(0)));
        }
        let program = if words.starts_with(&["cargo", "run", "--release", "--"]) { 4 } else { 1 };
        assert!(program == 4 || words[0] == "xinbao", "not a xinbao command: {line}");
        let args = words[program..].iter().map(|word| word.to_string()).collect();
        commands.push(Quoted { env, args, ..Quoted::default() });
    }
    commands
}

/// Every checked output block of `file`.
fn checked_blocks(file: &Path) -> Vec<Vec<Quoted>> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    let mut blocks = Vec::new();
    while let Some(line) = lines.next() {
        if line == CHECKED_OUTPUT {
            assert_eq!(lines.next(), Some("```console"), "{}: a checked block", file.display());
            let block: Vec<&str> = lines.by_ref().take_while(|line| *line != "```").collect();
            blocks.push(quoted_commands(&block));
        }
    }
    blocks
}

/// Every output the README and the guides quote as checked is what the command prints
/// today on a fresh clone of the project: each quoted line (the clone's folder written
/// `/path/to/xinbao`) is a line of standard output, in the quoted order, or a line of
/// standard error. Each block runs in a clone of its own.
#[test]
fn quoted_outputs_are_what_the_commands_print() {
    let mut checked = 0;
    for file in documentation() {
        for block in checked_blocks(&file) {
            let dir = tempfile::tempdir().unwrap();
            let clone = dir.path().join("xinbao");
            let source = project().to_str().unwrap();
            let out = git_command(project(), "2026-12-01T09:00:00+08:00")
                .args(["clone", "--quiet", source])
                .arg(&clone)
                .output()
                .unwrap();
            assert!(out.status.success(), "cloning the project: {}", stderr(&out));
            let clone = clone.canonicalize().unwrap();
            for quoted in block {
                let out = xinbao()
                    .current_dir(&clone)
                    .envs(quoted.env.clone())
                    .args(&quoted.args)
                    .output()
                    .unwrap();
                let shown = |text: String| text.replace(clone.to_str().unwrap(), "/path/to/xinbao");
                let (printed, said) = (shown(stdout(&out)), shown(stderr(&out)));
                let printed_lines: Vec<&str> = printed.lines().collect();
                let mut next = 0;
                for line in quoted.lines.iter().map(String::as_str) {
                    let in_order =
                        printed_lines[next..].iter().position(|printed| *printed == line);
                    if let Some(at) = in_order {
                        next += at + 1;
                    }
                    let found = in_order.is_some() || said.lines().any(|said| said == line);
                    assert!(
                        found,
                        "{}: `xinbao {}` does not print, in this order,\n{line}\nIt printed:\n{printed}{said}",
                        file.display(),
                        quoted.args.join(" ")
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 10, "only {checked} quoted lines were checked");
}

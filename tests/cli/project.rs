//! The project's own sample repository and documentation.

use crate::support::xinbao;
use std::path::Path;

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
fn readme_documents_every_rule() {
    let readme = std::fs::read_to_string(project().join("README.md")).unwrap();
    for rule in xinbao::diag::Rule::ALL {
        assert!(readme.contains(&format!("`{}`", rule.id())), "README lacks {}", rule.id());
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

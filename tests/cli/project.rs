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
    let repo = xinbao::load::load(project(), &[], &mut diags).unwrap();
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

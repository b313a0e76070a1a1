//! The project's own archive as it is deployed (SPEC §7): the published sample reports
//! only (most of the sample is submitted or approved, not published), no 未发布 mark, no whole phone number; `--drafts` previews the rest.

use super::{check_site, project, tree};
use crate::support::xinbao;
use std::collections::BTreeSet;

/// The ids of the project's reports in `state`, from `xinbao status`.
fn in_state(state: &str) -> BTreeSet<String> {
    let out = xinbao().args(["status", "--format", "json", "--root"]).arg(project()).output();
    let json: serde_json::Value = serde_json::from_slice(&out.unwrap().stdout).unwrap();
    let reports = json["reports"].as_array().unwrap().iter();
    reports.filter(|r| r["state"] == state).map(|r| r["id"].as_str().unwrap().into()).collect()
}

/// Every phone number the project's reports give (`phone: "…"`).
fn phones() -> BTreeSet<String> {
    let files = walkdir::WalkDir::new(project().join("reports")).into_iter().filter_map(Result::ok);
    let texts = files
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap());
    texts
        .flat_map(|text| {
            let numbers = text.split("phone: \"").skip(1).filter_map(|rest| rest.split('"').next());
            numbers.map(str::to_string).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_projects_deployed_archive_holds_its_published_reports_only() {
    let out = tempfile::tempdir().unwrap();
    let built =
        xinbao().args(["build", "--root"]).arg(project()).arg("--out").arg(out.path()).output();
    let built = built.unwrap();
    let summary = String::from_utf8_lossy(&built.stdout);
    assert_eq!(built.status.code(), Some(0), "{summary}{}", String::from_utf8_lossy(&built.stderr));
    let published = in_state("published");
    // Most sample reports are published; the approved and the waiting ones are not.
    assert!(!published.is_empty() && !in_state("approved").is_empty(), "{published:?}");
    assert!(summary.contains("条信息尚未发布，未收入文件和档案网站"), "{summary}");

    let files = tree(out.path());
    let pages: BTreeSet<String> = files
        .keys()
        .filter_map(|p| p.strip_prefix("reports/")?.strip_suffix(".html"))
        .map(str::to_string)
        .collect();
    assert_eq!(pages, published);
    let documents: BTreeSet<&str> = files.keys().filter_map(|p| p.strip_prefix("files/")).collect();
    let mut expected: BTreeSet<String> =
        published.iter().flat_map(|id| [format!("{id}.docx"), format!("{id}.pdf")]).collect();
    expected.insert(".xinbao-inputs.json".into());
    assert_eq!(documents, expected.iter().map(String::as_str).collect());
    let phones = phones();
    assert!(phones.len() >= 5, "{phones:?}");
    for (path, bytes) in files.iter().filter(|(p, _)| !p.starts_with("files/")) {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("未发布"), "{path} is marked 未发布");
        for phone in &phones {
            assert!(!text.contains(phone.as_str()), "{path} shows {phone}");
        }
    }
    let docs = String::from_utf8_lossy(&files["search/docs.js"]).into_owned();
    assert_eq!(docs.matches("[\"20").count(), published.len(), "{docs}");
    check_site(out.path());
}

//! The project's own sample repository: its quarter's figures, and its notice and bulletin
//! opened in a word processor.

use crate::support::{require, soffice_text, xinbao};
use serde_json::{Value, json};
use std::process::Command;

/// The office's own quarter: the project's sample reports, with their signed
/// approvals, publications and one adoption, give the figures docs/office.md shows,
/// and the notice and the recorded bulletin open in a word processor.
#[test]
fn the_offices_own_quarter() {
    let project = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |args: &[&str]| {
        let out = xinbao().arg("--root").arg(project).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    };
    let stats: Value =
        serde_json::from_slice(&run(&["stats", "--quarter", "2026Q4", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(
        stats["totals"],
        json!({"submitted": 6, "approved": 4, "published": 2, "on_time": 6, "late": 0,
               "missed": 0, "false": 0, "adopted": 1}),
        "{stats:#}"
    );
    let first = &stats["units"][0];
    assert_eq!(
        (&first["unit"], &first["score"], &first["rank"]),
        (&json!("投资科"), &json!(5), &json!(1))
    );
    assert_eq!(stats["units"].as_array().unwrap().len(), 7, "every unit is listed");

    let dir = tempfile::tempdir().unwrap();
    let notice = dir.path().join("notice.docx");
    run(&[
        "stats",
        "--quarter",
        "2026Q4",
        "--format",
        "docx",
        "--date",
        "2026-12-31",
        "-o",
        notice.to_str().unwrap(),
    ]);
    // The bulletin runs in a clone, so a record that drifted could never be written
    // into the source tree.
    let clone = dir.path().join("clone");
    let cloned =
        Command::new("git").args(["clone", "-q"]).arg(project).arg(&clone).output().unwrap();
    assert!(cloned.status.success(), "{}", String::from_utf8_lossy(&cloned.stderr));
    let out = xinbao()
        .arg("--root")
        .arg(&clone)
        .args(["bulletin", "--from", "2026-10-01", "--to", "2026-11-30", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("《发改信息》2026年第1期：2 条信息"));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("期号记录"),
        "the recorded issue is reused"
    );
    if !require("soffice") {
        return;
    }
    let notice = soffice_text(dir.path(), &dir.path().join("notice.docx"));
    for expected in [
        "关于2026年第四季度信息报送情况的通报",
        "局机关各科室（股、中心）：",
        "被上级采用1条",
        "2026年12月31日印发",
    ] {
        assert!(notice.contains(expected), "{expected} not in:\n{notice}");
    }
    let bulletin = soffice_text(dir.path(), &dir.path().join("2026-01.docx"));
    for expected in [
        "发改信息",
        "2026年第1期",
        "县发改局召开第四季度重点项目建设推进会",
        "报：县委办，县政府办，市发展改革委。",
        "共印20份",
    ] {
        assert!(bulletin.contains(expected), "{expected} not in:\n{bulletin}");
    }
}

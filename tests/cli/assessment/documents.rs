//! The official documents: the notice (Markdown, DOCX, PDF) and the bulletin's issues, their
//! numbering and their records.

use super::history;
use crate::render::{poppler, unzip};
use crate::support::require;

#[test]
fn the_notice_is_an_official_document() {
    let Some(h) = history() else { return };
    let out = h.run(&["stats", "--quarter", "2026Q1", "--date", "2026-04-03"]);
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "# 关于2026年第一季度信息报送情况的通报",
        "局机关各科室：",
        "全局共报送信息8条，其中经分管负责人审核2条、编发1条；按时报送6条，迟报2条，漏报约稿2条，误报1条；被上级采用1条。",
        "投资科、价格科完成了本季度信息报送任务，予以通报表扬。",
        "办公室（应报1条，实报0条）、能源股（应报3条，实报1条）未完成本季度信息报送任务",
        "迟报：投资科《投资科召开项目推进会》",
        "漏报：价格科未在2026年3月20日前报送约稿《一季度营商环境典型做法》。",
        "误报：价格科《价格科开展价格巡查》经信息 2026-02-03-p3 更正。",
        "2026年4月3日",
        "| 1 | 投资科 | 4 | 1 | 1 | 0 | 0 | 1 | 1 | 0 | 6 |",
    ] {
        assert!(md.contains(expected), "{expected} not in:\n{md}");
    }

    let year = [
        "stats",
        "--year",
        "2026",
        "--format",
        "docx",
        "--date",
        "2027-01-05",
        "--number",
        "3",
        "-o",
        "year.docx",
    ];
    let out = h.run(&year);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let entries = unzip(&h.sandbox.root().join("year.docx"));
    let xml = String::from_utf8(entries["word/document.xml"].clone()).unwrap();
    for expected in [
        "测试县发展和改革局",
        "测发改办〔2027〕3号",
        "关于2026年度信息报送工作考核情况的通报",
        "取消评先评优资格",
        "附件：2026年度信息报送情况统计表",
        "w:color w:val=\"E60012\"",
        "<w:pageBreakBefore />",
        "抄送：局领导。",
        "2027年1月5日印发",
    ] {
        assert!(xml.contains(expected), "{expected} not in the DOCX");
    }
    // The attachment's table: a header and one row per unit.
    assert_eq!(xml.matches("<w:tr>").count(), 5);
    // Same inputs, same bytes.
    let first = std::fs::read(h.sandbox.root().join("year.docx")).unwrap();
    h.run(&year);
    assert_eq!(first, std::fs::read(h.sandbox.root().join("year.docx")).unwrap());

    if !require("pdftotext") {
        return;
    }
    let out = h.run(&["stats", "--quarter", "2026Q1", "--format", "pdf", "--date", "2026-04-03"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = h.sandbox.root().join("public/stats/2026Q1.pdf");
    let text: String = poppler("pdftotext", &[], &pdf).split_whitespace().collect();
    for expected in ["关于2026年第一季度信息报送情况的通报", "附件", "能源股", "2026年4月3日印发"]
    {
        assert!(text.contains(expected), "{expected} not in the PDF:\n{text}");
    }
}

#[test]
fn bulletin_issues_are_numbered_once_per_year() {
    let Some(h) = history() else { return };
    let out = h.run(&["bulletin", "--from", "2026-01-01", "--to", "2026-03-31"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let record = std::fs::read_to_string(h.sandbox.root().join("bulletins/2026/01.yaml")).unwrap();
    assert!(record.contains("from: 2026-01-01\nto: 2026-03-31\n"), "{record}");
    // Only the published report goes in.
    assert!(record.ends_with("reports:\n  - \"2026-01-05-t1\"\n"), "{record}");
    let entries = unzip(&h.sandbox.root().join("public/bulletins/2026-01.docx"));
    let xml = String::from_utf8(entries["word/document.xml"].clone()).unwrap();
    for expected in [
        "发改信息",
        "2026年第1期",
        "测试县发展和改革局办公室",
        "w:color w:val=\"E60012\"",
        "投资科召开重点项目调度会",
        "1月5日召开重点项目调度会。",
        "（供稿：投资科 张三）",
        "报：县委办，县政府办。",
        "送：局领导。",
        "发：局机关各科室。",
        "共印20份",
    ] {
        assert!(xml.contains(expected), "{expected} not in the bulletin");
    }
    assert!(h.sandbox.root().join("public/bulletins/2026-01.pdf").is_file());
    // The date and the print run sit at the right: after a tab to a right tab stop.
    for right in [">共印20份<", &format!(">{}<", today_in_beijing())] {
        let at = xml.find(right).unwrap_or_else(|| panic!("{right} not in the bulletin"));
        let run = &xml[xml[..at].rfind("<w:r>").unwrap()..at];
        assert!(run.contains("<w:tab />"), "no tab before {right}: {run}");
    }

    // The same period again keeps its number; a new period takes the next one.
    let again = h.run(&["bulletin", "--from", "2026-01-01", "--to", "2026-03-31"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("2026年第1期"));
    // The record is the work tree's, not yet committed: the office is told so.
    let pending = "bulletins/2026/01.yaml：期号记录尚未经办公室或管理员签名提交";
    assert!(String::from_utf8_lossy(&again.stderr).contains(pending), "{again:?}");
    assert!(!h.sandbox.root().join("bulletins/2026/02.yaml").exists());
    let next = h.run(&["bulletin", "--from", "2026-01-01", "--to", "2026-01-31"]);
    assert!(next.status.success(), "{}", String::from_utf8_lossy(&next.stderr));
    assert!(h.sandbox.root().join("bulletins/2026/02.yaml").is_file());
    // The office is told that the period overlaps issue 1 and its reports are in it already.
    let told = String::from_utf8_lossy(&next.stderr);
    assert!(told.contains("与2026年第1期（2026-01-01–2026-03-31）重叠"), "{told}");
    assert!(told.contains("已收入2026年第1期"), "{told}");
    // A number taken by another period is refused, with the next free number named.
    let taken = h.run(&["bulletin", "--from", "2026-02-01", "--to", "2026-03-31", "--number", "1"]);
    assert_eq!(taken.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&taken.stderr).contains("下一个可用期号是 3"),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    // A record naming a report that does not exist is a finding of the check.
    h.sandbox.write("bulletins/2026/07.yaml", "from: 2026-03-01\nto: 2026-02-01\ndate: 2026-03-02\nreports:\n  - 2026-01-05-t1\n  - no-such-report\n  - 2026-01-05-t1\n");
    let (code, json) = h.sandbox.check_json(&[]);
    assert_eq!(code, 1);
    let findings: Vec<(&str, &str, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "bulletins/2026/07.yaml")
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("time-order", "error", 1),
        ("dangling-reference", "error", 6),
        ("duplicate-id", "error", 7),
    ];
    assert_eq!(findings, expected);
    std::fs::remove_file(h.sandbox.root().join("bulletins/2026/07.yaml")).unwrap();
    // A recorded period is not numbered a second time.
    let twice = h.run(&["bulletin", "--from", "2026-01-01", "--to", "2026-03-31", "--number", "5"]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(!h.sandbox.root().join("bulletins/2026/05.yaml").exists());
    // One file per number: 1.yaml beside 01.yaml is refused by the check.
    std::fs::copy(
        h.sandbox.root().join("bulletins/2026/01.yaml"),
        h.sandbox.root().join("bulletins/2026/1.yaml"),
    )
    .unwrap();
    let (_, json) = h.sandbox.check_json(&[]);
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"] == "bulletins/2026/1.yaml" && d["rule"] == "invalid-value"),
        "{json}"
    );
    std::fs::remove_file(h.sandbox.root().join("bulletins/2026/1.yaml")).unwrap();
    // Nothing published in the period: no issue.
    let empty = h.run(&["bulletin", "--from", "2026-02-01", "--to", "2026-02-28"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(!h.sandbox.root().join("bulletins/2026/03.yaml").exists());
}

/// Today in +08:00 as a document writes it: the date of an issue made today.
fn today_in_beijing() -> String {
    let zone = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    chrono::Utc::now().with_timezone(&zone).format("%Y年%-m月%-d日").to_string()
}

//! `xinbao volume`: the contents' page numbers are the printed page numbers where
//! each report starts, the outline has a group and its reports, late and
//! retracted reports are marked, the PDF says PDF/A-2b, the DOCX is valid, and
//! the same history gives the same bytes.

use super::{ITEMS, LATE, RETRACTED, quarter};
use crate::bureau::Bureau;
use crate::render::poppler;
use crate::support::{require, require_python, stderr, stdout};
use std::path::{Path, PathBuf};

/// `xinbao volume ARGS --out DIR`, which must succeed: the PDF and the DOCX.
fn volume(bureau: &Bureau, args: &[&str], dir: &Path) -> (PathBuf, PathBuf, String) {
    let mut all = vec!["volume"];
    all.extend(args);
    all.extend(["--out", dir.to_str().unwrap()]);
    let out = bureau.run(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    let stem = if args.contains(&"--year") { "信息汇编-2026" } else { "信息汇编-2026Q1" };
    (dir.join(format!("{stem}.pdf")), dir.join(format!("{stem}.docx")), stdout(&out))
}

/// The text of each page of `pdf` (pdftotext).
fn text_pages(pdf: &Path) -> Vec<String> {
    poppler("pdftotext", &[], pdf).split('\u{c}').map(str::to_string).collect()
}

/// The printed page number at the foot of a page's text: `— 7 —`.
fn printed_number(page: &str) -> Option<usize> {
    let line = page.lines().rev().find(|l| l.trim().starts_with('—'))?;
    line.trim().trim_matches('—').trim().parse().ok()
}

#[test]
fn the_contents_give_the_page_where_each_report_is_printed() {
    let Some(bureau) = quarter() else { return };
    if !require("pdftotext") {
        return;
    }
    let dir = bureau.outside("volume");
    let (pdf, _, said) = volume(&bureau, &["--quarter", "2026Q1"], &dir);
    assert!(said.contains("收录 4 条信息（另 1 条已撤回，只列目录）"), "{said}");
    let pages = text_pages(&pdf);
    let layout = poppler("pdftotext", &["-layout"], &pdf);
    let contents: Vec<&str> = layout
        .split('\u{c}')
        .filter(|page| page.contains("目录") && page.contains("页码"))
        .flat_map(str::lines)
        .collect();
    assert!(!contents.is_empty(), "no contents page:\n{layout}");
    let body_starts = pages.iter().position(|p| printed_number(p).is_some()).unwrap();
    let index = pages.iter().position(|p| p.starts_with("单位索引")).unwrap();
    for item in &ITEMS {
        let line = contents.iter().find(|l| l.contains(item.title)).unwrap_or_else(|| {
            panic!("{} is not in the contents:\n{}", item.title, contents.join("\n"))
        });
        let listed: Option<usize> = line.split_whitespace().last().and_then(|w| w.parse().ok());
        let printed = pages[body_starts..index].iter().find(|p| p.contains(item.title));
        if item.id == RETRACTED {
            assert!(line.contains("（已撤回）") && listed.is_none(), "{line}");
            assert!(printed.is_none(), "the retracted report is reprinted");
            continue;
        }
        assert_eq!(line.contains("（迟报）"), item.id == LATE, "{line}");
        let page = printed.unwrap_or_else(|| panic!("{} is not printed", item.title));
        assert_eq!(listed, printed_number(page), "{}: {line}\n{page}", item.title);
        // Each report with its credit and its approval block.
        let at = pages.iter().position(|p| std::ptr::eq(p, page)).unwrap();
        let report = pages[at..(at + 2).min(pages.len())].concat();
        assert!(report.contains(&format!("（供稿：{}", item.unit)), "{report}");
        assert!(report.contains("审核：") && report.contains("发布：钱七"), "{report}");
    }
    // Page numbers run on without a gap from the first report to the index.
    let numbers: Vec<usize> =
        pages[body_starts..].iter().filter_map(|p| printed_number(p)).collect();
    assert_eq!(numbers, (1..=numbers.len()).collect::<Vec<_>>());
    assert!(index > body_starts, "the index comes after the reports");
}

#[test]
fn the_outline_has_the_front_matter_each_group_and_each_report() {
    let Some(bureau) = quarter() else { return };
    if !require("qpdf") {
        return;
    }
    let dir = bureau.outside("volume");
    let (pdf, _, _) = volume(&bureau, &["--year", "2026"], &dir);
    let out = std::process::Command::new("qpdf")
        .args(["--json=2", "--json-key=outlines"])
        .arg(&pdf)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let outlines = json["outlines"].as_array().unwrap();
    let titles: Vec<&str> = outlines.iter().map(|o| o["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["封面", "编印说明", "目录", "工作动态", "单位索引"], "{json:#}");
    let reports: Vec<&str> = outlines[3]["kids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap())
        .collect();
    let printed: Vec<&str> = ITEMS.iter().filter(|i| i.id != RETRACTED).map(|i| i.title).collect();
    assert_eq!(reports, printed);
    // Each entry opens the page its report starts on.
    let pages = text_pages(&pdf);
    for kid in outlines[3]["kids"].as_array().unwrap() {
        let page = kid["destpageposfrom1"].as_u64().unwrap() as usize;
        let title = kid["title"].as_str().unwrap();
        assert!(pages[page - 1].starts_with(title), "{title} on page {page}: {}", pages[page - 1]);
    }
}

#[test]
fn the_volume_is_pdf_a_its_docx_is_valid_and_the_same_history_gives_the_same_bytes() {
    let Some(bureau) = quarter() else { return };
    let (first, second) = (bureau.outside("first"), bureau.outside("second"));
    let (pdf, docx, _) = volume(&bureau, &["--year", "2026"], &first);
    let (pdf2, docx2, _) = volume(&bureau, &["--year", "2026"], &second);
    assert!(std::fs::read(&pdf).unwrap() == std::fs::read(&pdf2).unwrap(), "the PDF differs");
    assert!(std::fs::read(&docx).unwrap() == std::fs::read(&docx2).unwrap(), "the DOCX differs");
    let bytes = std::fs::read(&pdf).unwrap();
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"));
    if require("pdffonts") {
        let fonts = poppler("pdffonts", &[], &pdf);
        assert!(
            fonts.lines().skip(2).all(|l| l.split_whitespace().rev().nth(4) == Some("yes")),
            "{fonts}"
        );
    }
    if require_python("lxml", "python3-lxml") {
        let validator = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ooxml/validate.py");
        let out = std::process::Command::new("python3").arg(validator).arg(&docx).output().unwrap();
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    }
    // Grouped by month: one group, the month of arrival.
    let by_month = bureau.outside("by-month");
    let (months, _, _) = volume(&bureau, &["--year", "2026", "--by", "month"], &by_month);
    if require("pdftotext") {
        let contents = text_pages(&months).into_iter().find(|p| p.starts_with("目录")).unwrap();
        assert!(contents.contains("2026年3月") && !contents.contains("工作动态"), "{contents}");
    }
    let document = crate::bureau::document_xml(&docx);
    for item in &ITEMS {
        assert!(document.contains(item.title), "{} not in the DOCX", item.title);
    }
    assert!(document.contains("审核：李四") && document.contains("发布：钱七"));
}

#[test]
fn a_period_with_nothing_published_has_no_volume() {
    let Some(bureau) = quarter() else { return };
    let out = bureau.run(&["volume", "--quarter", "2026Q2", "--out", "ignored"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("2026年第二季度没有已发布的信息"), "{}", stderr(&out));
    assert!(!bureau.root().join("ignored").exists());
}

#[test]
fn the_volume_is_never_written_through_a_link_in_the_repository() {
    let Some(bureau) = quarter() else { return };
    let elsewhere = bureau.outside("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, bureau.root().join("public")).unwrap();
    let out = bureau.run(&["volume", "--year", "2026"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("符号链接"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "written through the link");
}

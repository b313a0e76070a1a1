//! Rendering: real DOCX files opened (zip + XML) and checked against the layout
//! facts of FORMAT.md §6; builds compared byte for byte; LibreOffice, when present,
//! reads the document back.

use crate::support::{Sandbox, require, soffice_text};
use std::io::Read as _;
use std::path::Path;

/// The entries of a DOCX (zip) file, by name.
pub fn unzip(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(file).expect("a zip archive");
    let mut entries = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        entries.insert(entry.name().to_string(), data);
    }
    entries
}

fn text(entries: &std::collections::BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(entries.get(name).unwrap_or_else(|| panic!("no {name}")).clone()).unwrap()
}

/// Renders report `id` of `sandbox` to `out.docx` and returns its entries.
fn render(sandbox: &Sandbox, id: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = sandbox.run(&["render", id, "--docx", "out.docx"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    unzip(&sandbox.root().join("out.docx"))
}

/// The `w:r` runs of an XML part that hold text.
fn text_runs(xml: &str) -> Vec<&str> {
    xml.split("<w:r>")
        .skip(1)
        .map(|r| r.split("</w:r>").next().unwrap())
        .filter(|r| r.contains("<w:t"))
        .collect()
}

/// The fixture repository with `ok.jpg` replaced by a real, decodable JPEG (the
/// fixture's is a bare header, enough for the check).
fn fixture_with_photo() -> Sandbox {
    let sandbox = Sandbox::from_fixture("repo");
    let photo = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
    photo.save(sandbox.root().join("reports/2026/03/images/ok.jpg")).unwrap();
    sandbox
}

#[test]
fn a_report_becomes_a_docx_in_the_official_layout() {
    let sandbox = fixture_with_photo();
    let docx = render(&sandbox, "2026-03-05-good-images");
    let document = text(&docx, "word/document.xml");
    // FORMAT.md §6.1: A4 and the 37/35/28/26 mm margins.
    assert!(document.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "page size");
    for margin in [r#"w:top="2098""#, r#"w:bottom="1984""#, r#"w:left="1587""#, r#"w:right="1474""#]
    {
        assert!(document.contains(margin), "{margin}");
    }
    // §6.3: the title in 二号 小标宋, centred.
    let title = text_runs(&document)[0];
    assert!(
        title.contains(r#"<w:sz w:val="44" />"#)
            && title.contains(r#"w:eastAsia="方正小标宋简体""#),
        "{title}"
    );
    assert!(
        document
            .contains(r#"<w:spacing w:line="700" w:lineRule="exact" /><w:jc w:val="center" />"#)
    );
    // §6.2: body in 三号 仿宋, 2-character first-line indent, exact 28.95 pt lines.
    let body = text_runs(&document).into_iter().find(|r| r.contains("正文。")).unwrap();
    assert!(
        body.contains(r#"<w:sz w:val="32" />"#) && body.contains(r#"w:eastAsia="仿宋_GB2312""#)
    );
    assert!(document.contains(r#"<w:spacing w:line="579" w:lineRule="exact" /><w:ind w:left="0" w:right="0" w:firstLine="640" />"#));
    // §6.8: every run names its East Asian font, and no theme font overrides it.
    for run in text_runs(&document) {
        assert!(run.contains("w:eastAsia=") && run.contains(r#"w:hint="eastAsia""#), "{run}");
    }
    assert!(!document.contains("Theme="), "a theme font attribute would win over eastAsia");
    // Pictures (two in the front matter, one inline, ok.png twice: stored once) with
    // their captions beneath.
    let media = docx.keys().filter(|k| k.starts_with("word/media/")).count();
    assert_eq!(media, 2, "{:?}", docx.keys().collect::<Vec<_>>());
    assert_eq!(document.matches("r:embed=").count(), 3);
    for caption in ["调度会现场", "项目工地", "项目现场"] {
        assert!(document.contains(&format!(">{caption}</w:t>")), "{caption}");
    }
    // §5 (七): the contributor line; the approval block with room for the seal.
    assert!(document.contains("（供稿：投资科 张三 联系电话：13800000000）"));
    assert!(document.contains("审核：尚未审核") && document.contains("签章："));
    // §6.7: — N — page numbers in 四号宋体, odd pages right, even pages left.
    let footers: Vec<String> =
        ["word/footer1.xml", "word/footer2.xml"].iter().map(|f| text(&docx, f)).collect();
    for footer in &footers {
        assert!(
            footer.contains(">— </w:t>") && footer.contains(">PAGE</w:instrText>")
                || footer.contains("PAGE"),
            "{footer}"
        );
        assert!(
            footer.contains(r#"<w:sz w:val="28" />"#) && footer.contains(r#"w:eastAsia="宋体""#)
        );
    }
    assert!(footers.iter().any(|f| f.contains(r#"<w:jc w:val="right" />"#)));
    assert!(footers.iter().any(|f| f.contains(r#"<w:jc w:val="left" />"#)));
    assert!(text(&docx, "word/settings.xml").contains("evenAndOddHeaders"));
    // No clock in the package.
    // No clock in the package: an unapproved report is dated by its submission
    // (17:40 +08:00), whatever the environment says.
    assert!(text(&docx, "docProps/core.xml").contains("2026-03-02T09:40:00Z"));
    let out = sandbox.run_with_env(
        &["render", "2026-03-05-good-images", "--docx", "dated.docx"],
        &[("SOURCE_DATE_EPOCH", "1772409600")],
    );
    assert!(out.status.success());
    let dated = unzip(&sandbox.root().join("dated.docx"));
    assert_eq!(text(&dated, "docProps/core.xml"), text(&docx, "docProps/core.xml"));
}

#[test]
fn emergency_elements_are_a_two_column_table() {
    let sandbox = Sandbox::from_fixture("repo");
    let document = text(&render(&sandbox, "2026-03-02-good-emergency"), "word/document.xml");
    assert!(document.contains("<w:tbl>"));
    for cell in [
        "事件等级",
        "一般",
        "伤亡人数",
        "死亡 0 人，受伤 2 人，失踪 0 人",
        "电话先行报告时间",
        "2026年3月2日 09:20",
    ] {
        assert!(document.contains(&format!(">{cell}</w:t>")), "{cell}");
    }
}

#[test]
fn every_markdown_construct_renders_and_html_stays_text() {
    let sandbox = Sandbox::from_fixture("repo");
    sandbox.write(
        "reports/2026/03/2026-03-02-all.md",
        "---\ntitle: 各种写法\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T17:40:00+08:00\n---\n\n\
## 总体情况\n\n有**加粗**、*强调*和~~删除~~，还有`代码`与<script>alert(1)</script>。\n\n\
### 项目\n\n#### 资金\n\n##### 细节\n\n- 甲\n- 乙\n  1. 乙一\n\n1. 第一\n2. 第二\n\n\
> 引用的话。\n\n| 项目 | 投资 |\n| --- | --- |\n| 甲 | 1亿元 |\n\n```\n原样的文字\n```\n\n---\n\n![现场](images/ok.png)\n",
    );
    let docx = render(&sandbox, "2026-03-02-all");
    let document = text(&docx, "word/document.xml");
    for marker in [
        ">一、</w:t>",
        ">（一）</w:t>",
        ">1.</w:t>",
        ">（1）</w:t>",
        "• ",
        "1. ",
        ">1亿元</w:t>",
        ">原样的文字</w:t>",
        ">引用的话。</w:t>",
        ">现场</w:t>",
    ] {
        assert!(document.contains(marker), "{marker}");
    }
    assert!(
        document.contains("<w:b />")
            && document.contains("<w:i />")
            && document.contains("<w:strike />")
    );
    assert!(
        document.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "HTML kept as escaped text"
    );
    assert!(!document.contains("<script"));
    assert_eq!(docx.keys().filter(|k| k.starts_with("word/media/")).count(), 1);
    // The PDF of the same report shows the same text, the HTML as text.
    if require("pdftotext") {
        let out = sandbox.run(&["render", "2026-03-02-all", "--pdf", "all.pdf"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text: String =
            poppler("pdftotext", &[], &sandbox.root().join("all.pdf")).split_whitespace().collect();
        for expected in [
            "一、总体情况",
            "（一）项目",
            "1.资金",
            "（1）细节",
            "•甲",
            "1.第一",
            "1亿元",
            "原样的文字",
            "引用的话。",
            "现场",
            "<script>alert(1)</script>",
        ] {
            assert!(text.contains(expected), "{expected} not in {text}");
        }
    }
}

#[test]
fn hostile_pictures_leave_a_renderable_report() {
    let sandbox = Sandbox::from_fixture("repo");
    // fake.png, huge.png, a missing file and one outside the repository.
    let out = sandbox.run(&["render", "2026-03-11-bad-images", "--docx", "bad.docx"]);
    // The preview is written; its errors make the exit code 1 (SPEC: exit codes).
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("image-missing") || stderr.contains("image-invalid"), "{stderr}");
    let docx = unzip(&sandbox.root().join("bad.docx"));
    // Only ok.png (listed twice, without captions) is embedded; nothing bad is.
    let media: Vec<_> = docx.keys().filter(|k| k.starts_with("word/media/")).collect();
    assert_eq!(media.len(), 1, "{media:?}");
    assert_eq!(text(&docx, "word/document.xml").matches("r:embed=").count(), 2);
    let out = sandbox.run(&["render", "2026-03-11-bad-images", "--pdf", "bad.pdf"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(sandbox.root().join("bad.pdf").is_file());
    // A document is never written over a file that is not one: not over the report.
    let report = sandbox.root().join("reports/2026/03/2026-03-11-bad-images.md");
    let before = std::fs::read(&report).unwrap();
    for flag in ["--docx", "--pdf"] {
        let out = sandbox.run(&["render", "2026-03-11-bad-images", flag, report.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("不覆盖"));
    }
    assert_eq!(std::fs::read(&report).unwrap(), before, "the report was overwritten");
    // Over a document of its kind, it is.
    let out = sandbox.run(&["render", "2026-03-11-bad-images", "--pdf", "bad.pdf"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    // A JPEG whose header is fine but whose data is cut short is left out with a warning.
    let out = sandbox.run(&["render", "2026-03-05-good-images", "--docx", "cut.docx"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ok.jpg"));
    let docx = unzip(&sandbox.root().join("cut.docx"));
    assert_eq!(text(&docx, "word/document.xml").matches("r:embed=").count(), 2);
}

#[test]
fn builds_are_byte_identical_and_incremental() {
    let sandbox = fixture_with_photo();
    std::fs::remove_dir_all(sandbox.root().join("reports/2026/04")).unwrap();
    let first = sandbox.run(&["build", "--drafts", "--out", "a"]);
    let summary = String::from_utf8_lossy(&first.stdout);
    assert!(summary.contains("生成 "), "{summary}");
    assert_eq!(first.status.code(), Some(1), "the bad fixtures fail the check: {summary}");
    let second =
        sandbox.run_with_env(&["build", "--drafts", "--out", "b"], &[("TZ", "America/New_York")]);
    assert_eq!(second.status.code(), Some(1));
    let files = |dir: &str| {
        let mut names: Vec<_> = std::fs::read_dir(sandbox.root().join(dir).join("files"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".docx") || n.ends_with(".pdf"))
            .collect();
        names.sort();
        names
    };
    let names = files("a");
    assert!(names.len() >= 10, "{names:?}");
    assert!(names.contains(&"2026-03-05-good-images.docx".to_string()));
    assert!(names.contains(&"2026-03-05-good-images.pdf".to_string()));
    assert!(!names.contains(&"2026-03-11-bad-images.docx".to_string()), "errors: not built");
    assert!(names.contains(&"2026-03-12-bad-raw-html.docx".to_string()), "warnings: built");
    assert_eq!(names, files("b"));
    for name in &names {
        let a = std::fs::read(sandbox.root().join("a/files").join(name)).unwrap();
        let b = std::fs::read(sandbox.root().join("b/files").join(name)).unwrap();
        assert!(a == b, "{name} differs between two builds");
    }
    // The same repository in another folder gives the same bytes, the record of
    // each document's inputs included (it names no folder).
    let elsewhere = tempfile::tempdir().unwrap();
    crate::support::copy_dir(sandbox.root(), elsewhere.path());
    let out = elsewhere.path().join("c");
    let moved = crate::support::xinbao()
        .args(["build", "--drafts", "--root"])
        .arg(elsewhere.path())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(moved.status.code(), Some(1));
    for name in names.iter().map(String::as_str).chain([".xinbao-inputs.json"]) {
        let a = std::fs::read(sandbox.root().join("a/files").join(name)).unwrap();
        let c = std::fs::read(out.join("files").join(name)).unwrap();
        assert!(a == c, "{name} differs in another folder");
    }
    // Nothing changed: nothing is rewritten. One report changed: one file is.
    let again = sandbox.run(&["build", "--drafts", "--out", "a"]);
    assert!(
        String::from_utf8_lossy(&again.stdout).starts_with("生成 0 个文件"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let path = sandbox.root().join("reports/2026/03/2026-03-02-good-work.md");
    let changed =
        std::fs::read_to_string(&path).unwrap().replace("安排下一步工作", "部署下一步工作");
    std::fs::write(&path, changed).unwrap();
    let after = sandbox.run(&["build", "--drafts", "--out", "a"]);
    assert!(
        String::from_utf8_lossy(&after.stdout).starts_with("生成 2 个文件"),
        "{}",
        String::from_utf8_lossy(&after.stdout)
    );
    // Building one output leaves the other in place; a deleted report's files go.
    std::fs::remove_file(sandbox.root().join("reports/2026/03/2026-03-04-good-leader-visit.md"))
        .unwrap();
    let only = sandbox.run(&["build", "--drafts", "--out", "a", "--only", "docx"]);
    assert!(String::from_utf8_lossy(&only.stdout).starts_with("生成 0 个文件"));
    let files = sandbox.root().join("a/files");
    assert!(files.join("2026-03-05-good-images.pdf").is_file());
    assert!(!files.join("2026-03-04-good-leader-visit.docx").exists());
    assert!(!files.join("2026-03-04-good-leader-visit.pdf").exists());
}

#[test]
fn libreoffice_opens_the_docx() {
    if !require("soffice") {
        return;
    }
    let sandbox = Sandbox::from_fixture("repo");
    render(&sandbox, "2026-03-02-good-emergency");
    let text = soffice_text(sandbox.root(), &sandbox.root().join("out.docx"));
    for expected in [
        "投资科召开重点项目调度会",
        "3月2日，投资科召开重点项目调度会，安排下一步工作。",
        "事件等级",
        "（供稿：投资科 张三 联系电话：13800000000）",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
}

/// Runs a poppler tool on `pdf` and returns its output.
pub fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let mut command = std::process::Command::new(tool);
    command.args(args).arg(pdf);
    if tool == "pdftotext" {
        command.arg("-"); // to standard output
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_report_becomes_a_pdf_with_searchable_chinese_and_embedded_fonts() {
    if !require("pdftotext") {
        return;
    }
    let sandbox = fixture_with_photo();
    let out = sandbox.run(&["render", "2026-03-02-good-emergency", "--pdf", "out.pdf"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = sandbox.root().join("out.pdf");
    let info = poppler("pdfinfo", &[], &pdf);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(field("Page size:"), "595.276 x 841.89 pts (A4)", "{info}");
    assert_eq!(field("Title:"), "投资科召开重点项目调度会", "{info}");
    let pages: usize = field("Pages:").parse().unwrap();
    let fonts = poppler("pdffonts", &[], &pdf);
    for family in ["FandolFang", "FandolSong", "FandolHei"] {
        assert!(fonts.contains(family), "{family} not in\n{fonts}");
    }
    // Every font is embedded (the `emb` column).
    for line in fonts.lines().skip(2) {
        let columns: Vec<&str> = line.split_whitespace().collect();
        assert!(columns.iter().rev().nth(4) == Some(&"yes"), "not embedded: {line}");
    }
    let text = poppler("pdftotext", &["-layout"], &pdf);
    let text_of = |s: &str| s.split_whitespace().collect::<String>();
    let flat = text_of(&text);
    // Every page carries its number.
    assert!(
        pages >= 1 && (1..=pages).all(|n| flat.contains(&format!("—{n}—"))),
        "{pages} pages:\n{flat}"
    );
    for expected in [
        "投资科召开重点项目调度会",
        "3月2日，投资科召开重点项目调度会，安排下一步工作。",
        "事件等级",
        "（供稿：投资科张三联系电话：13800000000）",
        "—1—",
    ] {
        assert!(flat.contains(&text_of(expected)), "{expected} not in\n{flat}");
    }
}

#[test]
fn pdfs_are_byte_identical_and_pictures_and_rare_characters_are_handled() {
    if !require("pdftotext") {
        return;
    }
    let sandbox = fixture_with_photo();
    sandbox.write(
        "reports/2026/03/2026-03-02-names.md",
        "---\ntitle: 王堃、李喆、张珺参加调度会\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T17:40:00+08:00\n---\n\n赵赟、孙昇、周镕、吴旻、郑玥、冯犇、陈垚、褚燚出席。还有一个没有字体的字：\u{10FFFD}。\n\n![现场](images/ok.jpg)\n",
    );
    let first = sandbox.run(&["render", "2026-03-02-names", "--pdf", "a.pdf"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("U+10FFFD") && stderr.contains("2026-03-02-names"), "{stderr}");
    assert!(!stderr.contains("U+5803"), "堃 is covered by the fallback face: {stderr}");
    let second = sandbox
        .run_with_env(&["render", "2026-03-02-names", "--pdf", "b.pdf"], &[("TZ", "Asia/Tokyo")]);
    assert!(second.status.success());
    let a = std::fs::read(sandbox.root().join("a.pdf")).unwrap();
    let b = std::fs::read(sandbox.root().join("b.pdf")).unwrap();
    assert!(a == b, "two renders differ");
    let text: String =
        poppler("pdftotext", &[], &sandbox.root().join("a.pdf")).split_whitespace().collect();
    for name in
        ["王堃", "李喆", "张珺", "赵赟", "孙昇", "周镕", "吴旻", "郑玥", "冯犇", "陈垚", "褚燚"]
    {
        assert!(text.contains(name), "{name} not in\n{text}");
    }
    let images = poppler("pdfimages", &["-list"], &sandbox.root().join("a.pdf"));
    assert_eq!(images.lines().count(), 3, "one picture: {images}");
}

/// SPEC §6.3: pictures are scaled to what the document needs, at most 300 dpi at
/// the printed size (156 mm wide, 150 mm tall: 1843 × 1772 pixels), before the
/// DOCX and the PDF get them; the scaled bytes are the same on every run.
#[test]
fn large_pictures_are_scaled_to_three_hundred_dpi() {
    let sandbox = Sandbox::from_fixture("repo");
    let wide = image::ImageBuffer::from_fn(3_000, 2_000, |x, y| {
        image::Rgba([x as u16 * 20, y as u16 * 30, 9_000, 65_535])
    });
    image::DynamicImage::ImageRgba16(wide)
        .save(sandbox.root().join("reports/2026/03/images/wide.png"))
        .unwrap();
    let tall =
        image::RgbImage::from_fn(1_000, 4_000, |x, y| image::Rgb([x as u8, (y / 16) as u8, 60]));
    tall.save(sandbox.root().join("reports/2026/03/images/tall.jpg")).unwrap();
    let file = "reports/2026/03/2026-03-02-large-pictures.md";
    sandbox.write(
        file,
        "---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T17:40:00+08:00\nimages:\n  - file: images/wide.png\n    caption: 全景\n  - file: images/tall.jpg\n    caption: 塔吊\n---\n\n正文。\n",
    );
    let media = |name: &str| {
        let out = sandbox.run(&["render", file, "--docx", name]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let docx = unzip(&sandbox.root().join(name));
        docx.into_iter().filter(|(k, _)| k.starts_with("word/media/")).collect::<Vec<_>>()
    };
    let first = media("a.docx");
    let mut sizes: Vec<(u32, u32)> = first
        .iter()
        .map(|(name, bytes)| {
            let picture = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (picture.width(), picture.height())
        })
        .collect();
    sizes.sort();
    assert_eq!(sizes, [(443, 1772), (1843, 1229)]);
    assert!(first == media("b.docx"), "the scaled pictures differ between runs");
    let out = sandbox.run(&["render", file, "--pdf", "a.pdf"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    if require("pdfimages") {
        let list = poppler("pdfimages", &["-list"], &sandbox.root().join("a.pdf"));
        let mut sizes: Vec<(u32, u32)> = list
            .lines()
            .skip(2)
            .map(|line| {
                let columns: Vec<&str> = line.split_whitespace().collect();
                (columns[3].parse().unwrap(), columns[4].parse().unwrap())
            })
            .collect();
        sizes.sort();
        assert_eq!(sizes, [(443, 1772), (1843, 1229)], "{list}");
    }
}

/// A face the bureau owns, named once in `xinbao.yaml` with its file in the
/// repository (`fonts.files`, issue 27), is the one the PDF embeds and the DOCX
/// names: here DejaVu Serif for Latin letters and digits, standing in for the
/// official faces that cannot be shipped.
#[test]
fn a_font_file_named_in_the_settings_is_embedded_in_the_pdf_and_named_by_the_docx() {
    const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf";
    if !require("pdffonts") || !crate::support::require_file(DEJAVU, "fonts-dejavu-core") {
        return;
    }
    let sandbox = fixture_with_photo();
    std::fs::create_dir_all(sandbox.root().join("fonts")).unwrap();
    std::fs::copy(DEJAVU, sandbox.root().join("fonts/DejaVuSerif.ttf")).unwrap();
    let settings = std::fs::read_to_string(sandbox.root().join("xinbao.yaml")).unwrap();
    let fonts = "fonts:\n  latin: DejaVu Serif\n  files:\n    - fonts/DejaVuSerif.ttf\n";
    sandbox.write("xinbao.yaml", format!("{settings}{fonts}"));
    let report = "2026-03-02-good-emergency";
    let out = sandbox.run(&["render", report, "--pdf", "out.pdf", "--docx", "out.docx"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let embedded = poppler("pdffonts", &[], &sandbox.root().join("out.pdf"));
    let dejavu = embedded.lines().find(|l| l.contains("+DejaVuSerif")).unwrap_or_else(|| {
        panic!("DejaVu Serif is not in the PDF:\n{embedded}");
    });
    assert_eq!(dejavu.split_whitespace().rev().nth(4), Some("yes"), "{dejavu}");
    assert!(embedded.contains("FandolFang"), "the body keeps its face:\n{embedded}");

    let docx = std::fs::read(sandbox.root().join("out.docx")).unwrap();
    let part = |name: &str| {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
        let mut text = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    };
    assert!(part("word/document.xml").contains(r#"w:ascii="DejaVu Serif""#));
    assert!(part("word/fontTable.xml").contains(r#"<w:font w:name="DejaVu Serif">"#));
}

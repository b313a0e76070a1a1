//! A [`Document`] as PDF in the same layout as the DOCX, compiled in-process by the
//! typst compiler: the document becomes typst markup (every piece of report text a
//! string literal, so nothing in a report is ever read as markup), the fonts come
//! from [`FontSet`], and the PDF's id and date are fixed so identical input gives
//! identical bytes.

use super::document::{
    Align, Block, Document, Face, Imprint, Inline, Masthead, Picture, WIDE_TABLE, column_weights,
};
use super::fonts::{FontSet, Role};
use crate::config::Fonts;
use crate::layout::picture::{PRINTED_HEIGHT_MM, PRINTED_WIDTH_MM, Printed};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// A rendered PDF and what could not be shown in it.
pub struct Rendered {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Characters no font has, and pictures left out.
    pub warnings: Vec<String>,
}

/// The body's exact line pitch (28.95 pt) less the 16 pt line box: 22 lines to
/// the 225 mm text block.
const LEADING: &str = "12.95pt";

/// The spacing between characters that makes 28 三号 characters fill the 156 mm
/// line (FORMAT.md §1.1: 442.2 pt / 28 = 15.79 pt a character; 16 − 0.25 = 15.75).
const TRACKING: &str = "-0.25pt";

/// Two characters at that spacing: the first-line indent, so the first line holds 26.
const INDENT: &str = "31.5pt";

/// Compiles `document` to PDF with `fonts` (roles named by `names`).
pub fn write(document: &Document, fonts: &FontSet, names: &Fonts) -> anyhow::Result<Rendered> {
    let mut warnings = Vec::new();
    let text = document.text();
    let missing = fonts.missing(&text);
    if !missing.is_empty() {
        let list: String = missing.iter().map(|c| format!("“{c}”(U+{:04X}) ", *c as u32)).collect();
        warnings.push(format!(
            "{}：没有字体能显示这些字符，PDF 中会显示为方框 / no font has these characters: {}",
            document.id,
            list.trim_end()
        ));
    }
    // PDF/A-2b forbids a character without a glyph: such a document is plain PDF.
    let mut archival = missing.is_empty();
    if !archival {
        warnings.push(format!(
            "{}：因缺字，PDF 不是 PDF/A-2b / not PDF/A-2b because of the missing characters",
            document.id
        ));
    }
    for picture in document.blocks.iter().filter_map(|b| match b {
        Block::Picture(picture) => Some(picture),
        _ => None,
    }) {
        if let Err(err) = picture.printed() {
            warnings.push(format!(
                "{}：图片无法排入 PDF，已略去 / picture left out: {}: {err:#}",
                document.id,
                picture.path.display()
            ));
        }
    }
    let mut pictures = true;
    loop {
        match compile(document, fonts, names, pictures, archival) {
            Ok(bytes) => return Ok(Rendered { bytes, warnings }),
            Err(Failure::Archival(why)) => {
                warnings.push(format!(
                    "{}：不符合 PDF/A-2b，已生成普通 PDF / not PDF/A-2b, written as plain PDF: {why}",
                    document.id
                ));
                archival = false;
            }
            Err(Failure::Layout(first)) if pictures && has_pictures(document) => {
                // A picture whose header is fine but whose data is not: leave them out.
                warnings.push(format!(
                    "{}：图片无法排入 PDF，已略去 / pictures left out: {first}",
                    document.id
                ));
                pictures = false;
            }
            Err(Failure::Layout(err)) => return Err(anyhow::anyhow!("{}: {err}", document.id)),
        }
    }
}

/// Why a compilation gave no PDF.
enum Failure {
    /// Typst could not lay the document out (a broken picture, say).
    Layout(String),
    /// The PDF would not be PDF/A-2b (a font that may not be embedded, say).
    Archival(String),
}

fn has_pictures(document: &Document) -> bool {
    document.blocks.iter().any(|b| matches!(b, Block::Picture(_)))
}

/// Stack size for threads that compile: typst's layout recurses deeply, beyond a
/// default 2 MiB thread stack on long reports.
pub const STACK: usize = 64 << 20;

/// Compiles `document` (with its pictures, or without), as PDF/A-2b when `archival`.
fn compile(
    document: &Document,
    fonts: &FontSet,
    names: &Fonts,
    pictures: bool,
    archival: bool,
) -> Result<Vec<u8>, Failure> {
    let paged = lay_out(document, fonts, names, pictures, &Part::default())?;
    let pdf = export(&paged, &document.id, document.date, archival, true);
    evict_caches();
    pdf
}

/// Lays `document` out as `part` of the whole it belongs to (all of it, by default).
fn lay_out(
    document: &Document,
    fonts: &FontSet,
    names: &Fonts,
    pictures: bool,
    part: &Part,
) -> Result<typst_layout::PagedDocument, Failure> {
    let mut files = HashMap::new();
    let markup = markup(document, fonts, names, pictures, part, &mut files);
    let main = file_id("/main.typ");
    let world = ReportWorld { main: Source::new(main, markup), files, fonts };
    typst::compile::<typst_layout::PagedDocument>(&world)
        .output
        .map_err(|errors| Failure::Layout(messages(&errors)))
}

fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")
}

/// Writes laid-out pages as PDF, with a document id made from `id` and the date
/// `date`, so the same pages give the same bytes. When `archival`: PDF/A-2b, and
/// when `tagged` also PDF/UA-1 (ISO 14289-1) — the accessible document a screen
/// reader and an archive check (language, title shown, headings, pictures' alt
/// text, header rows), kept at PDF/A part 2 level B because SPEC §7.1 names
/// PDF/A-2b and level B allows the tags and Unicode that PDF/UA brings; a
/// document that cannot be PDF/UA is written as PDF/A-2b alone.
fn export(
    paged: &typst_layout::PagedDocument,
    id: &str,
    date: chrono::DateTime<chrono::Utc>,
    archival: bool,
    tagged: bool,
) -> Result<Vec<u8>, Failure> {
    use typst_pdf::PdfStandard::{A_2b, Ua_1};
    let accessible: &[typst_pdf::PdfStandard] = &[A_2b, Ua_1];
    let attempts: &[&[typst_pdf::PdfStandard]] = match (archival, tagged) {
        (true, true) => &[accessible, &[A_2b]],
        (true, false) => &[&[A_2b]],
        (false, _) => &[&[]],
    };
    let mut why = String::new();
    for list in attempts {
        let standards = typst_pdf::PdfStandards::new(list)
            .map_err(|e| Failure::Archival(e.message().to_string()))?;
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(id.to_string()),
            creator: Smart::Custom(Some(concat!("xinbao ", env!("CARGO_PKG_VERSION")).into())),
            standards,
            tagged,
            timestamp: {
                use chrono::{Datelike as _, Timelike as _};
                Datetime::from_ymd_hms(
                    date.year(),
                    date.month() as u8,
                    date.day() as u8,
                    date.hour() as u8,
                    date.minute() as u8,
                    date.second() as u8,
                )
                .map(typst_pdf::Timestamp::new_utc)
            },
            ..typst_pdf::PdfOptions::default()
        };
        match typst_pdf::pdf(paged, &options) {
            Ok(bytes) => return Ok(without_suspects(bytes)),
            Err(errors) => why = messages(&errors),
        }
    }
    Err(match archival {
        true => Failure::Archival(why),
        false => Failure::Layout(why),
    })
}

/// `bytes` with the catalog's `/Suspects false` blanked out (the same length, so
/// no offset moves): false is the default, and poppler takes the entry for an
/// error ("Suspects object is wrong type") on every page it reads.
fn without_suspects(mut bytes: Vec<u8>) -> Vec<u8> {
    const MARK: &[u8] = b"/MarkInfo<</Marked true/Suspects false>>";
    if let Some(at) = bytes.windows(MARK.len()).position(|w| w == MARK) {
        let start = at + b"/MarkInfo<</Marked true".len();
        bytes[start..start + b"/Suspects false".len()].fill(b' ');
    }
    bytes
}

/// How a document is set as one part of a longer one (a volume's front matter,
/// a report in it, its index): the bookmarks that point at its first page, and
/// whether its pages are left without a number for the whole to number.
#[derive(Clone, Debug, Default)]
pub struct Part {
    /// The outline entries at the part's start, outermost first.
    pub bookmarks: Vec<Bookmark>,
    /// No page numbers of its own.
    pub unnumbered: bool,
}

/// One entry of a PDF's outline.
#[derive(Clone, Debug)]
pub struct Bookmark {
    /// 1 for a group, 2 for a report in it.
    pub level: u8,
    /// What the outline shows.
    pub title: String,
    /// Unique in the whole (a report's id): two parts' entries never merge.
    pub key: String,
}

/// `document` laid out as `part` of a longer document: its pages, for
/// [`assemble`] (pictures that cannot be laid out are left out, as [`write`] does).
pub fn part_pages(
    document: &Document,
    fonts: &FontSet,
    names: &Fonts,
    part: &Part,
) -> anyhow::Result<Vec<typst_layout::Page>> {
    let paged = match lay_out(document, fonts, names, true, part) {
        Err(Failure::Layout(_)) if has_pictures(document) => {
            lay_out(document, fonts, names, false, part)
        }
        other => other,
    };
    evict_caches();
    match paged {
        Ok(paged) => Ok(paged.pages().to_vec()),
        Err(Failure::Layout(why) | Failure::Archival(why)) => {
            Err(anyhow::anyhow!("{}: {why}", document.id))
        }
    }
}

/// `count` pages with nothing but the official page number, from `first`: laid
/// over the unnumbered pages of a volume, they number it continuously.
pub fn page_numbers(
    first: usize,
    count: usize,
    fonts: &FontSet,
    names: &Fonts,
) -> anyhow::Result<Vec<typst_layout::Page>> {
    let mut markup = page_setup("", "", fonts, names, true);
    let _ = writeln!(markup, "#counter(page).update({first})");
    for n in 0..count {
        markup.push_str(if n + 1 < count { "#box()\n#pagebreak()\n" } else { "#box()\n" });
    }
    let world = ReportWorld {
        main: Source::new(file_id("/main.typ"), markup),
        files: HashMap::new(),
        fonts,
    };
    let paged = typst::compile::<typst_layout::PagedDocument>(&world)
        .output
        .map_err(|errors| anyhow::anyhow!("page numbers: {}", messages(&errors)))?;
    Ok(paged.pages().to_vec())
}

/// One PDF of `pages`, each laid over by the page in `numbers` at its index
/// (none for a page without a number), with the outline of every part's
/// bookmarks: PDF/A-2b unless a font or picture forbids it (then plain PDF,
/// and the reason is returned).
pub fn assemble(
    pages: Vec<typst_layout::Page>,
    numbers: Vec<Option<typst_layout::Page>>,
    title: &str,
    author: &str,
    id: &str,
    date: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<(Vec<u8>, Option<String>)> {
    let mut pages = pages;
    for (page, number) in pages.iter_mut().zip(numbers) {
        if let Some(number) = number {
            page.frame.push_frame(typst::layout::Point::zero(), number.frame);
        }
    }
    let info = typst::model::DocumentInfo {
        title: Some(title.into()),
        author: vec![author.into()],
        ..Default::default()
    };
    let paged = typst_layout::PagedDocument::new(pages.into_iter().collect(), info);
    // The parts were laid out apart: their tags would not make one structure tree.
    match export(&paged, id, date, true, false) {
        Ok(bytes) => Ok((bytes, None)),
        Err(Failure::Archival(why)) => match export(&paged, id, date, false, false) {
            Ok(bytes) => Ok((bytes, Some(why))),
            Err(Failure::Archival(why) | Failure::Layout(why)) => {
                Err(anyhow::anyhow!("{id}: {why}"))
            }
        },
        Err(Failure::Layout(why)) => Err(anyhow::anyhow!("{id}: {why}")),
    }
}

/// Drops typst's memoized results that went unused for a while, as the typst CLI
/// does between compilations; without it a build of thousands of reports keeps
/// every intermediate result in memory.
fn evict_caches() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COMPILED: AtomicUsize = AtomicUsize::new(0);
    if COMPILED.fetch_add(1, Ordering::Relaxed) % 16 == 15 {
        typst::comemo::evict(4);
    }
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

/// A typst string literal.
fn lit(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A typst array of font family names: the configured Latin face for Latin
/// letters and digits when it is loaded, then the role's faces.
fn families(fonts: &FontSet, role: Role, names: &Fonts) -> String {
    let mut list: Vec<String> = fonts.families(role, names).iter().map(|f| lit(f)).collect();
    if let Some(latin) = fonts.latin(names) {
        list.insert(0, format!("(name: {}, covers: \"latin-in-cjk\")", lit(latin)));
    }
    format!("({},)", list.join(", "))
}

/// The runs as typst code: `#text("…")`, bold, italic, struck.
fn runs(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for (at, inline) in inlines.iter().enumerate() {
        let after = inlines[at + 1..].iter().find_map(|next| next.text.chars().next());
        let mut call = full_width_marks(&inline.text, after);
        if inline.bold {
            call = format!("strong({call})");
        }
        if inline.italic {
            call = format!("emph({call})");
        }
        if inline.strike {
            call = format!("strike({call})");
        }
        out.push('#');
        out.push_str(&call);
    }
    out
}

/// The marks typst halves when one ends a line, as CLREQ allows (点号 and
/// closing brackets and quotes): that half cell lets a 29th character onto the
/// line.
const LINE_END_MARKS: &[char] = &[
    '，', '。', '．', '、', '：', '；', '？', '！', '”', '’', '）', '》', '〉', '】', '」', '』',
    '〕',
];

/// `text` as typst code, each mark of [`LINE_END_MARKS`] keeping its full cell
/// at a line's end (GB/T 9704: 28 cells, a mark in a cell of its own). Typst
/// halves a line's last glyph only when the line ends in text, so a mark ends
/// its run and is followed by the tracking typst leaves off a run's last glyph,
/// `h(-0.25pt)`: the line is as wide as one run would be. Not where a closing
/// mark or quote follows it (`after` is the character after the text), which
/// must not begin a line.
fn full_width_marks(text: &str, after: Option<char>) -> String {
    let opens = |c: char| matches!(c, '“' | '‘' | '（' | '《' | '〈' | '【' | '「' | '『');
    let mut parts = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n).or(after);
        if !LINE_END_MARKS.contains(&c) || next.is_some_and(|n| !n.is_alphanumeric() && !opens(n)) {
            continue;
        }
        let end = at + c.len_utf8();
        parts.push(format!("#text({})#h({TRACKING})", lit(&text[start..end])));
        start = end;
    }
    if parts.is_empty() {
        return format!("text({})", lit(text));
    }
    if start < text.len() {
        parts.push(format!("#text({})", lit(&text[start..])));
    }
    format!("[{}]", parts.concat())
}

/// A printed catalogue (归档文件目录, DA/T 22): A4 landscape, its title and a
/// line under it, then a ruled table with `header` repeated on every page and
/// the page number at the foot. Compiled as PDF/A-2b, plain PDF if it cannot be.
pub fn catalogue(
    title: &str,
    subtitle: &str,
    header: &[&str],
    rows: &[Vec<String>],
    fonts: &FontSet,
    names: &Fonts,
    date: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<u8>> {
    let body = families(fonts, Role::Body, names);
    let hei = families(fonts, Role::Heading1, names);
    let heading = families(fonts, Role::Title, names);
    let mut m = format!(
        r#"#set document(title: {t}, author: {t})
#set page(paper: "a4", flipped: true, margin: (x: 20mm, top: 20mm, bottom: 22mm),
  footer: context align(center, text(size: 10.5pt, [— #counter(page).display() —])))
#set text(font: {body}, size: 10.5pt, lang: "zh", region: "cn")
#set par(justify: false, leading: 0.5em)
#align(center, text(font: {heading}, size: 18pt, weight: "bold", {t}))
#align(center, text(size: 12pt, {sub}))
#v(6pt)
#table(columns: (2.5em, 13em, 7em, 6em, 1fr, 5.5em, 3em, 3em, 7em), stroke: 0.5pt, inset: 4pt,
  table.header({cells}),
"#,
        t = lit(title),
        sub = lit(subtitle),
        cells = header
            .iter()
            .map(|h| format!("[#set text(font: {hei})\n#{}]", lit(h)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    for row in rows {
        for cell in row {
            let _ = writeln!(m, "  [#{}],", lit(cell));
        }
    }
    m.push_str(")\n");
    let world =
        ReportWorld { main: Source::new(file_id("/main.typ"), m), files: HashMap::new(), fonts };
    let paged = typst::compile::<typst_layout::PagedDocument>(&world)
        .output
        .map_err(|errors| anyhow::anyhow!("{title}: {}", messages(&errors)))?;
    match export(&paged, title, date, true, true) {
        Ok(bytes) => Ok(bytes),
        Err(_) => export(&paged, title, date, false, true).map_err(
            |(Failure::Layout(why) | Failure::Archival(why))| anyhow::anyhow!("{title}: {why}"),
        ),
    }
}

/// The page, text and paragraph settings of every document, with the official
/// page number in the footer (`numbered`) or none.
fn page_setup(title: &str, bureau: &str, fonts: &FontSet, names: &Fonts, numbered: bool) -> String {
    let body = families(fonts, Role::Body, names);
    let song = families(fonts, Role::PageNumber, names);
    let footer = match numbered {
        true => format!(
            r#"context {{
    let n = counter(page).get().first()
    set text(font: {song}, size: 14pt, top-edge: 0.86em, bottom-edge: -0.14em)
    if calc.odd(n) {{ align(right, [— #n —#h(1em)]) }} else {{ align(left, [#h(1em)— #n —]) }}
  }}"#
        ),
        false => "none".to_string(),
    };
    format!(
        r#"#set document(title: {title}, author: {bureau})
#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm),
  footer-descent: 7mm,
  footer: {footer})
#set text(font: {body}, size: 16pt, lang: "zh", region: "cn", top-edge: 0.86em, bottom-edge: -0.14em, cjk-latin-spacing: none, overhang: false, tracking: {TRACKING})
#set par(first-line-indent: (amount: {INDENT}, all: true), justify: true, linebreaks: "simple", leading: {LEADING}, spacing: {LEADING})
#set strong(delta: 300)
"#,
        title = lit(title),
        bureau = lit(bureau),
    )
}

fn markup(
    document: &Document,
    fonts: &FontSet,
    names: &Fonts,
    pictures: bool,
    part: &Part,
    files: &mut HashMap<FileId, Bytes>,
) -> String {
    let body = families(fonts, Role::Body, names);
    let title = families(fonts, Role::Title, names);
    let hei = families(fonts, Role::Heading1, names);
    let kai = families(fonts, Role::Heading2, names);
    let shown = if document.title.is_empty() { &document.id } else { &document.title };
    let mut m = page_setup(shown, &document.bureau, fonts, names, !part.unnumbered);
    // In a volume a report's headings sit under its bookmark (level 2) in the structure.
    let base: u8 = if part.bookmarks.is_empty() { 0 } else { 2 };
    // Headings are tagged H1–H5 for a screen reader (PDF/UA) and look as the
    // official style sets them: the title 二号小标宋 centred, the body's levels in
    // 黑体, 楷体 and 仿宋 at the body's size, indented as a paragraph, kept with
    // what follows (spaced as the body's paragraphs are).
    let _ = writeln!(
        m,
        r#"#show heading.where(level: {t}): it => align(center, block(width: 100%, above: {LEADING}, below: {LEADING}, sticky: false, par(first-line-indent: 0em, leading: 13pt, text(font: {title}, size: 22pt, weight: "bold", it.body))))
#show heading: it => if it.level <= {t} {{ it }} else {{ block(above: {LEADING}, below: {LEADING}, sticky: true)[#set text(font: if it.level == {h1} {{ {hei} }} else if it.level == {h2} {{ {kai} }} else {{ {body} }}, size: 16pt, weight: "regular")
#h({INDENT})#it.body] }}"#,
        t = base + 1,
        h1 = base + 2,
        h2 = base + 3,
    );
    for mark in &part.bookmarks {
        // Invisible, taking no room: only the outline shows it.
        let _ = writeln!(
            m,
            "#place(hide(heading(level: {}, outlined: false, bookmarked: true, numbering: none, supplement: [#{}], {})))",
            mark.level,
            lit(&mark.key),
            lit(&mark.title)
        );
    }
    if let Some(masthead) = &document.masthead {
        m.push_str(&masthead_markup(masthead, &title, &body));
    }
    if !document.title.is_empty() {
        let _ = writeln!(m, "{}\n#v(28.95pt)\n", title_line(&document.title, base + 1));
    }
    let mut picture_count = 0;
    // The last two blocks of a report stick to its credit and approval block, so
    // that the block never stands on a page without body text (GB/T 9704 7.3.5).
    // A report that ends with a picture keeps the picture and its caption with it
    // instead (the picture leaves room for the block, see `figure`).
    let sticky = match document.signatures {
        Some(_) => document.blocks.len().saturating_sub(2),
        None => usize::MAX,
    };
    for (at, block) in document.blocks.iter().enumerate() {
        let mut b = String::new();
        match block {
            Block::Paragraph(inlines) => {
                let _ = writeln!(b, "{}\n", runs(inlines));
            }
            Block::Heading { level, text } => {
                // H2–H5 of the structure (the title is H1), set by the show rules above.
                let _ = writeln!(
                    b,
                    "#heading(level: {}, outlined: false, bookmarked: false, numbering: none)[{}]\n",
                    base + level + 1,
                    runs(text)
                );
            }
            Block::ListItem { depth, text } => {
                let depth = (*depth).min(crate::layout::document::MAX_LIST_INDENT);
                let _ = writeln!(b, "#pad(left: {}em)[#h({INDENT}){}]\n", 2 * depth, runs(text));
            }
            Block::Quote(paragraphs) => {
                for inlines in paragraphs {
                    let _ = writeln!(
                        b,
                        "#pad(left: 2em)[#set text(font: {kai})\n#h({INDENT}){}]\n",
                        runs(inlines)
                    );
                }
            }
            Block::Preformatted(text) => {
                for line in text.lines() {
                    let _ = writeln!(
                        b,
                        "#pad(left: 2em)[#set par(first-line-indent: 0em)\n#text(size: 14pt, {})]\n",
                        lit(line)
                    );
                }
            }
            Block::Table(rows) => b.push_str(&table(rows, false, &hei)),
            Block::Pairs(pairs) => {
                let rows: Vec<Vec<Vec<Inline>>> = pairs
                    .iter()
                    .map(|(a, b)| vec![vec![Inline::plain(a)], vec![Inline::plain(b)]])
                    .collect();
                b.push_str(&table(&rows, true, &hei));
                b.push_str("#v(28.95pt)\n\n");
            }
            Block::Picture(picture) if pictures => {
                // One that cannot be scaled is left out (`write` says so).
                if let Ok(printed) = picture.printed() {
                    picture_count += 1;
                    // The last block leaves room for the credit and the approval block.
                    let reserve = if at + 1 == document.blocks.len() && sticky != usize::MAX {
                        APPROVAL_MM
                    } else {
                        0
                    };
                    b.push_str(&figure(picture, &printed, picture_count, &kai, reserve, files));
                }
            }
            Block::Picture(_) => {}
            Block::Line { text, align, face } => {
                let (content, leading) = match face {
                    Face::Title => (
                        format!("text(font: {title}, size: 22pt, weight: \"bold\", {})", lit(text)),
                        "13pt",
                    ),
                    Face::Heading => (format!("text(font: {hei}, {})", lit(text)), LEADING),
                    Face::Body => (format!("text({})", lit(text)), LEADING),
                };
                let (align, pad) = match align {
                    Align::Left => ("left", "0em"),
                    Align::Center => ("center", "0em"),
                    Align::Right => ("right", "2em"),
                };
                let _ = writeln!(
                    b,
                    "#align({align}, pad(right: {pad}, par(first-line-indent: 0em, justify: false, leading: {leading}, {content})))\n"
                );
            }
            Block::Blank => b.push_str("#v(28.95pt)\n\n"),
            Block::PageBreak => b.push_str("#pagebreak()\n\n"),
        }
        // A picture is not held to what follows: it is scaled into the room left
        // (the last one leaves room for the approval block, see `figure`).
        // Nor is a block held to a picture after it (it would leave its page half empty).
        let picture_after = document.blocks[at..].iter().any(|b| matches!(b, Block::Picture(_)));
        match at >= sticky && !picture_after {
            true => {
                let _ = writeln!(m, "#block(sticky: true)[\n{b}]\n");
            }
            false => m.push_str(&b),
        }
    }
    if !document.credit.is_empty() {
        let credit = runs(&[Inline::plain(&document.credit)]);
        let _ = writeln!(m, "#block(sticky: true, par(justify: false)[{credit}])\n");
    }
    if let Some(signatures) = &document.signatures {
        m.push_str(&approval_markup(signatures, document.not_approved_text));
    }
    if let Some(imprint) = &document.imprint {
        m.push_str(&imprint_markup(imprint));
    }
    m
}

/// The approval block, kept on one page and set ragged: who approved and
/// published and when, each key's fingerprint on the line of its label (in 五号,
/// so that it fits), and room for the seal (签章) on the paper copy.
fn approval_markup(signatures: &[super::document::Signed], not_approved_text: bool) -> String {
    let mut m = String::from(
        "#v(28.95pt)\n#block(breakable: false)[#set text(size: 14pt, tracking: 0pt)\n#set par(first-line-indent: (amount: 2em, all: true), justify: false)\n",
    );
    if signatures.is_empty() {
        let line = super::document::unapproved_line(not_approved_text);
        let _ = writeln!(m, "#text({})\n", lit(line));
    }
    for s in signatures {
        let _ = writeln!(m, "#text({})\n", lit(&s.line()));
        let label = lit(&s.key_label());
        let _ = writeln!(m, "#text({label})#text(size: 10.5pt, {})\n", lit(&s.key));
    }
    let _ = writeln!(m, "#text({})\n#v(3 * 28.95pt)]", lit("签章："));
    m
}

/// A centred title in 二号小标宋, broken into lines of its own.
fn title_line(text: &str, level: u8) -> String {
    format!(
        "#heading(level: {level}, outlined: false, bookmarked: false, numbering: none, {})",
        lit(text)
    )
}

/// The red header: the name in red 小标宋, sized to fit one line, the number
/// line, a bulletin's editor and date, and the red rule.
fn masthead_markup(masthead: &Masthead, title: &str, body: &str) -> String {
    let chars = masthead.name.chars().count().max(1) as f64;
    // 初号 (42 pt) unless the name is too long for the 156 mm text block. Set
    // without extra tracking, so that the name reads back as one word.
    let size = (440.0 / chars).min(42.0);
    let mut m = String::new();
    if masthead.drop_mm > 0 {
        let _ = writeln!(m, "#v({}mm)", masthead.drop_mm);
    }
    let _ = writeln!(
        m,
        "#align(center, par(first-line-indent: 0em, text(font: {title}, size: {size:.1}pt, weight: \"bold\", fill: rgb(\"#e60012\"), {})))",
        lit(&masthead.name)
    );
    if let Some(number) = &masthead.number {
        // A document's 发文字号 sits two blank lines under the issuer's name (GB/T 9704 7.2.5).
        let gap = if masthead.drop_mm > 0 { "2 * 28.95pt" } else { "8pt" };
        let _ = writeln!(
            m,
            "#v({gap})\n#align(center, par(first-line-indent: 0em, text(font: {body}, {})))",
            lit(number)
        );
    }
    if let Some((left, right)) = &masthead.sides {
        let _ = writeln!(
            m,
            "#v(8pt)\n#par(first-line-indent: 0em, justify: false)[#text({})#h(1fr)#text({})]",
            lit(left),
            lit(right)
        );
    }
    // What follows (the title) sits two blank lines under the rule (GB/T 9704 7.3.1).
    m.push_str(
        "#v(-4pt)\n#line(length: 100%, stroke: 1.5pt + rgb(\"#e60012\"))\n#v(2 * 28.95pt)\n\n",
    );
    m
}

/// The end block at the foot of the last page: thick rules outside, thin between,
/// 四号 lines one character in from each side, each on the approval block's
/// pitch (14 pt and the body's paragraph spacing), as the DOCX sets it.
fn imprint_markup(imprint: &Imprint) -> String {
    let mut m = String::from(
        "#v(1fr)\n#block(breakable: false)[#set text(size: 14pt)\n#set par(first-line-indent: 0em, justify: false, leading: 0.6em, spacing: 6.475pt)\n#set block(spacing: 6.475pt)\n#line(length: 100%, stroke: 1pt)\n",
    );
    for line in &imprint.lines {
        let _ =
            writeln!(m, "#pad(x: 1em, text({}))\n#line(length: 100%, stroke: 0.7pt)", lit(line));
    }
    let _ = writeln!(
        m,
        "#pad(x: 1em)[#text({})#h(1fr)#text({})]\n#line(length: 100%, stroke: 1pt)]",
        lit(&imprint.left),
        lit(&imprint.right)
    );
    m
}

/// A bordered table in 四号; the header row (or, for `labels`, the first column) in 黑体.
fn table(rows: &[Vec<Vec<Inline>>], labels: bool, hei: &str) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let widths = if labels && columns == 2 {
        // The DOCX's label column (2,600 twips): the longest label, 相关领导到位情况, on one line.
        "(130pt, 1fr)".to_string()
    } else {
        let weights: Vec<String> = column_weights(rows).iter().map(|w| format!("{w}fr")).collect();
        format!("({},)", weights.join(", "))
    };
    let size = if columns > WIDE_TABLE { 12 } else { 14 };
    let mut m = format!(
        "#[#set par(first-line-indent: 0em, justify: false, leading: 0.5em)\n#set text(size: {size}pt)\n#table(columns: {widths}, stroke: 0.5pt, inset: 4pt,\n"
    );
    for (r, row) in rows.iter().enumerate() {
        // The header row is the table's header (TH for a screen reader, repeated
        // on each page the table runs onto).
        let header = !labels && r == 0;
        if header {
            m.push_str("  table.header(\n");
        }
        for c in 0..columns {
            let cell = row.get(c).map(Vec::as_slice).unwrap_or(&[]);
            let head = (labels && c == 0) || header;
            let content = runs(cell);
            if head {
                let _ = writeln!(m, "  [#set text(font: {hei})\n{content}],");
            } else {
                let _ = writeln!(m, "  [{content}],");
            }
        }
        if header {
            m.push_str("  ),\n");
        }
    }
    m.push_str(")]\n\n");
    m
}

/// The picture at the text width (at most 150 mm tall), its caption beneath in
/// 四号楷体. A picture that does not fit the rest of the page is scaled down to
/// fit it when that room is more than a third of the page (75 mm): a picture that
/// moved on would leave it empty. With less room it moves to the next page.
fn figure(
    picture: &Picture,
    printed: &Printed,
    n: usize,
    kai: &str,
    reserve_mm: u32,
    files: &mut HashMap<FileId, Bytes>,
) -> String {
    let extension = if printed.png { "png" } else { "jpg" };
    let path = format!("/pictures/{n}.{extension}");
    files.insert(file_id(&path), Bytes::new(printed.bytes.clone()));
    let natural = (PRINTED_WIDTH_MM * f64::from(printed.height) / f64::from(printed.width.max(1)))
        .min(PRINTED_HEIGHT_MM);
    // The room below a marker just before the picture, less the caption and the
    // space around it: the marker stays where the text ends, wherever the
    // picture goes, so typst's layout settles on the scaled picture.
    format!(
        r#"#metadata("picture") <xinbao-picture-{n}>
#context {{
  let room = page.height - 35mm - locate(<xinbao-picture-{n}>).position().y - 16mm - {reserve_mm}mm
  let natural = {natural:.2}mm
  let height = if natural <= room or room < 75mm {{ natural }} else {{ room }}
  align(center, block(breakable: false)[#image({path}, height: height, alt: {caption})
#par(first-line-indent: 0em, justify: false, text(font: {kai}, size: 14pt, tracking: 0pt, {caption}))])
}}

"#,
        path = lit(&path),
        caption = lit(&picture.caption)
    )
}

/// What the credit line and the approval block take below a report's last
/// picture: a line, the space above the block, five lines of 四号 and the room
/// for the seal (about 100 mm).
const APPROVAL_MM: u32 = 100;

/// The standard library, built once.
fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// One report's compilation: its markup, its pictures and the fonts.
struct ReportWorld<'a> {
    main: Source,
    files: HashMap<FileId, Bytes>,
    fonts: &'a FontSet,
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(2000, 1, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_keeps_its_cell_unless_a_closing_mark_follows_it() {
        assert_eq!(full_width_marks("无标点", None), r#"text("无标点")"#);
        assert_eq!(
            full_width_marks("一，二“三”。", None),
            r#"[#text("一，")#h(-0.25pt)#text("二“三”。")#h(-0.25pt)]"#
        );
        // Not before a closing mark, which must not begin a line, here the next run's.
        assert_eq!(full_width_marks("好。", Some('”')), r#"text("好。")"#);
        assert_eq!(full_width_marks("好。", Some('下')), r#"[#text("好。")#h(-0.25pt)]"#);
    }

    #[test]
    fn report_text_is_always_a_string_literal() {
        assert_eq!(
            lit(r##"#set page(width: 1pt) "引号" \ 反斜杠"##),
            r##""#set page(width: 1pt) \"引号\" \\ 反斜杠""##
        );
        assert_eq!(lit("一\n二\u{7}"), r##""一\n二\u{7}""##);
    }
}

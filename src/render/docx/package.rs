//! The DOCX package as Word, WPS and the ECMA-376 schemas expect it, from the parts
//! docx-rs builds: the WordprocessingML parts in schema order, a drawing id and
//! alt text (the caption) for each picture, only the parts the document uses,
//! core and application properties filled in (title, author, the bureau, the
//! document's date), and a zip with sorted entries and fixed times, so the same
//! input gives the same bytes.

use super::schema;
use super::xml::{self, Element, Node};
use anyhow::Context as _;
use quick_xml::escape::escape;
use std::io::Write as _;

/// What the package says about its document.
pub struct Properties<'a> {
    /// The title (dc:title).
    pub title: &'a str,
    /// Who wrote it (dc:creator): a report's unit, or the office.
    pub creator: &'a str,
    /// The issuing body (Company).
    pub company: &'a str,
    /// When it was made: its created and modified dates, and the zip entries' times.
    pub date: chrono::DateTime<chrono::Utc>,
    /// The pictures' captions, in document order: their alt text.
    pub captions: &'a [String],
    /// Whether each table, in document order, has a header row.
    pub headed: &'a [bool],
    /// The document's id, from which the package ids are made.
    pub id: &'a str,
    /// The font names the document uses, for the font table.
    pub fonts: &'a crate::config::Fonts,
}

/// Parts docx-rs always writes that no document of xinbao refers to (comments,
/// numbering, footnotes, custom properties): left out with their references.
const UNUSED: &[&str] = &[
    "word/comments.xml",
    "word/commentsExtended.xml",
    "word/numbering.xml",
    "word/footnotes.xml",
    "docProps/custom.xml",
];

/// The parts docx-rs built, by the names its own zip writer gives them, without
/// those no document of xinbao uses ([`UNUSED`]).
pub fn parts(xml: docx_rs::XMLDocx) -> Vec<(String, Vec<u8>)> {
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), xml.content_type),
        ("_rels/.rels".into(), xml.rels),
        ("docProps/app.xml".into(), xml.doc_props.app),
        ("docProps/core.xml".into(), xml.doc_props.core),
        ("word/_rels/document.xml.rels".into(), xml.document_rels),
        ("word/document.xml".into(), xml.document),
        ("word/styles.xml".into(), xml.styles),
        ("word/settings.xml".into(), xml.settings),
        ("word/fontTable.xml".into(), xml.font_table),
    ];
    for (kind, all, rels) in
        [("header", xml.headers, xml.header_rels), ("footer", xml.footers, xml.footer_rels)]
    {
        let mut rels = rels.into_iter();
        for (i, part) in all.into_iter().enumerate() {
            parts.push((format!("word/{kind}{}.xml", i + 1), part));
            if let Some(rels) = rels.next() {
                parts.push((format!("word/_rels/{kind}{}.xml.rels", i + 1), rels));
            }
        }
    }
    parts.extend(xml.media.into_iter().map(|(id, bytes)| (format!("word/media/{id}.png"), bytes)));
    parts
}

/// The package of `parts` (as docx-rs built them) made whole, with `properties`.
pub fn finish(
    mut parts: Vec<(String, Vec<u8>)>,
    properties: &Properties,
) -> anyhow::Result<Vec<u8>> {
    use chrono::{Datelike as _, Timelike as _};
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    let when = properties.date;
    let time = zip::DateTime::from_date_and_time(
        u16::try_from(when.year()).unwrap_or(1980),
        when.month() as u8,
        when.day() as u8,
        when.hour() as u8,
        when.minute() as u8,
        when.second() as u8,
    )
    .map_err(|_| anyhow::anyhow!("zip time"))?;
    // Deflate's fastest level: a sixth larger, a tenth faster to write.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in &parts {
        let mut data = part(name, data, properties).with_context(|| format!("rewriting {name}"))?;
        if name.ends_with(".xml") || name.ends_with(".rels") {
            without_forbidden_characters(&mut data);
        }
        out.start_file(name.as_str(), options)?;
        out.write_all(&data)?;
    }
    Ok(out.finish()?.into_inner())
}

/// Removes from the UTF-8 bytes of an XML part the characters XML 1.0 forbids
/// (the control characters but tab and the line ends, U+FFFE, U+FFFF), which
/// docx-rs writes as they are: the layout leaves them out of a report's text,
/// and this keeps any other text (a file name, a setting) from breaking the
/// package. Bytes below 0x20 occur in UTF-8 only as those characters.
fn without_forbidden_characters(xml: &mut Vec<u8>) {
    let forbidden = |rest: &[u8]| match rest {
        [b, ..] if *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') => 1,
        [0xEF, 0xBF, 0xBE | 0xBF, ..] => 3,
        _ => 0,
    };
    let mut kept = Vec::with_capacity(xml.len());
    let mut at = 0;
    while at < xml.len() {
        match forbidden(&xml[at..]) {
            0 => {
                kept.push(xml[at]);
                at += 1;
            }
            skip => at += skip,
        }
    }
    *xml = kept;
}

/// The part `name` of the finished package, from its bytes as docx-rs wrote them.
fn part(name: &str, data: &[u8], properties: &Properties) -> anyhow::Result<Vec<u8>> {
    match name {
        "docProps/core.xml" => return Ok(core(properties).into_bytes()),
        "docProps/app.xml" => return Ok(app(properties).into_bytes()),
        "word/fontTable.xml" => return Ok(font_table(properties.fonts).into_bytes()),
        _ => {}
    }
    let is_word_part = name.starts_with("word/") && name.ends_with(".xml");
    if !(is_word_part || name.ends_with(".rels") || name == "[Content_Types].xml") {
        return Ok(data.to_vec());
    }
    let mut nodes = xml::parse(data)?;
    if name == "[Content_Types].xml" {
        drop_children(&mut nodes, |e| {
            e.name() == b"Override"
                && e.attribute("PartName").is_some_and(|p| {
                    UNUSED.iter().any(|unused| p.strip_prefix(b"/") == Some(unused.as_bytes()))
                })
        });
    } else if name.ends_with(".rels") {
        // `word/_rels/document.xml.rels` names targets relative to `word/`.
        let base = name.split("_rels/").next().unwrap_or_default().to_string();
        drop_children(&mut nodes, |e| {
            e.attribute("Target").is_some_and(|target| {
                let target = format!("{base}{}", String::from_utf8_lossy(&target));
                UNUSED.contains(&target.as_str())
            })
        });
    } else {
        if name == "word/styles.xml" {
            style_defaults(&mut nodes);
        }
        if name == "word/document.xml" {
            official_grid(&mut nodes);
        }
        schema::conform(&mut nodes);
        if name == "word/settings.xml" {
            schema::complete_settings(&mut nodes, properties.id.as_bytes());
        }
        if name == "word/document.xml" {
            name_pictures(&mut nodes, properties.captions);
            repeat_headers(&mut nodes, properties.headed);
        }
    }
    Ok(xml::write(&nodes))
}

/// Removes the children of the root element for which `unwanted` holds.
fn drop_children(nodes: &mut [Node], unwanted: impl Fn(&Element) -> bool) {
    for node in nodes {
        if let Node::Element(root) = node {
            root.children.retain(|child| !matches!(child, Node::Element(e) if unwanted(e)));
        }
    }
}

/// Gives each picture's drawing its own id (docx-rs writes `1` for all of them), a
/// name, and its caption as alt text.
fn name_pictures(nodes: &mut [Node], captions: &[String]) {
    let mut count = 0;
    xml::walk(nodes, b"", &mut |element: &mut Element, _| {
        if element.name() == b"wp:docPr" {
            count += 1;
            element.set_attribute("id", &count.to_string());
            element.set_attribute("name", &format!("图片 {count}"));
            if let Some(caption) = captions.get(count - 1).filter(|c| !c.is_empty()) {
                element.set_attribute("descr", caption);
            }
        }
    });
}

/// Marks the first row of each table that has a header (`w:tblHeader`, which
/// docx-rs cannot write), so that Word and LibreOffice repeat it on every page,
/// as the PDF does.
fn repeat_headers(nodes: &mut [Node], headed: &[bool]) {
    let mut tables = headed.iter();
    xml::walk(nodes, b"", &mut |element: &mut Element, _| {
        if element.name() != b"w:tbl" || tables.next() != Some(&true) {
            return;
        }
        let first_row = element.children.iter_mut().find_map(|c| match c {
            Node::Element(e) if e.name() == b"w:tr" => Some(e),
            _ => None,
        });
        let properties =
            first_row.into_iter().flat_map(|row| row.children.iter_mut()).find_map(|c| match c {
                Node::Element(e) if e.name() == b"w:trPr" => Some(e),
                _ => None,
            });
        if let Some(properties) = properties {
            properties.children.push(empty("w:tblHeader", &[]));
        }
    });
}

/// An element with `attributes` and nothing inside.
fn empty(name: &str, attributes: &[(&str, &str)]) -> Node {
    let mut element = Element::new(name);
    for (key, value) in attributes {
        element.set_attribute(key, value);
    }
    Node::Element(element)
}

/// The styles' defaults. The document's languages (`w:lang` in the default run
/// properties): Chinese for East Asian text, so a word processor picks a Chinese
/// face, not a Japanese one, for a font it has to replace. No extra space between
/// Chinese and Latin letters or digits (`w:autoSpaceDE`, `w:autoSpaceDN`), as the
/// PDF sets none: the grid counts a digit as half a character. No mark hangs past
/// the line's end (`w:overflowPunct` off): the PDF gives it a cell of its own
/// inside the 28. Paragraphs keep the grid by their exact line pitch and the
/// runs' tracking rather than by snapping to it (`w:snapToGrid` off, see
/// [`official_grid`]). And `Normal` marked as the default paragraph style
/// (docx-rs does not), as Word does: readers take paragraphs without a style to
/// be in it.
fn style_defaults(nodes: &mut [Node]) {
    xml::walk(nodes, b"", &mut |element: &mut Element, parent: &[u8]| {
        if element.name() == b"w:rPr" && parent == b"w:rPrDefault" {
            let lang = [("w:val", "en-US"), ("w:eastAsia", "zh-CN"), ("w:bidi", "ar-SA")];
            element.children.push(empty("w:lang", &lang));
        }
        if element.name() == b"w:pPr" && parent == b"w:pPrDefault" {
            element.children.push(empty("w:overflowPunct", &[("w:val", "0")]));
            element.children.push(empty("w:snapToGrid", &[("w:val", "0")]));
            element.children.push(empty("w:autoSpaceDE", &[("w:val", "0")]));
            element.children.push(empty("w:autoSpaceDN", &[("w:val", "0")]));
        }
        if element.name() == b"w:style"
            && element.attribute("w:styleId").as_deref() == Some(b"Normal")
        {
            element.set_attribute("w:default", "1");
            // The size the grid's `w:charSpace` is reckoned from, in Word and in
            // LibreOffice (which reads only the Normal style's, not the defaults').
            let size = super::SIZE_BODY.to_string();
            for child in &mut element.children {
                if let Node::Element(rpr) = child
                    && rpr.name() == b"w:rPr"
                {
                    rpr.children.push(empty("w:sz", &[("w:val", &size)]));
                    rpr.children.push(empty("w:szCs", &[("w:val", &size)]));
                }
            }
        }
    });
}

/// The document grid on every section (`w:docGrid`, GB/T 9704 7.1): 22 lines of
/// the body's pitch and 28 characters of 15.79 pt, the 三号 character's 16 pt
/// less [`CHAR_SPACE`]/4096 pt. Word's page set-up shows 22 × 28 and a new line
/// typed into the document keeps it.
///
/// The text keeps the grid by its exact line pitch and the runs' tracking, not
/// by snapping to it: LibreOffice gives a character wider than its cell (16 pt in
/// 15.79) two cells and sets 18 to 20 characters a line.
fn official_grid(nodes: &mut [Node]) {
    let (pitch, space) = (super::LINE.to_string(), CHAR_SPACE.to_string());
    xml::walk(nodes, b"", &mut |element: &mut Element, _| {
        if element.name() == b"w:sectPr" {
            element.children.retain(|c| !matches!(c, Node::Element(e) if e.name() == b"w:docGrid"));
            let grid =
                [("w:type", "linesAndChars"), ("w:linePitch", &pitch), ("w:charSpace", &space)];
            element.children.push(empty("w:docGrid", &grid));
        }
    });
}

/// `w:charSpace`: 4096ths of a point off the Normal style's size (三号, 16 pt)
/// for 28 characters to the 156 mm line, (442.2 / 28 − 16) × 4096, as the
/// official templates set it.
const CHAR_SPACE: i32 = -849;

/// What a font table says of a face, so that a reader without it substitutes one
/// of the same kind: the name Windows and WPS ship it under (`w:altName`), its
/// PANOSE class, the GB2312 character set, family and pitch, and its code pages.
struct Face {
    alt: &'static str,
    panose: &'static str,
    charset: &'static str,
    family: &'static str,
    pitch: &'static str,
    /// usb0–usb3, csb0, csb1.
    sig: [&'static str; 6],
}

/// The Chinese faces' code page bits: Simplified Chinese (GB2312).
const GB2312_SIG: [&str; 6] =
    ["00000001", "080E0000", "00000010", "00000000", "00040000", "00000000"];

/// Each role's face: 仿宋 for the body, 宋体 for the title and page numbers
/// (小标宋 is a 宋 face), 黑体, 楷体, and a Latin serif.
fn face(role: &str) -> Face {
    let chinese = |alt, panose, family, pitch| Face {
        alt,
        panose,
        charset: "86",
        family,
        pitch,
        sig: GB2312_SIG,
    };
    match role {
        "body" => chinese("FangSong", "02010609030101010101", "modern", "fixed"),
        "heading1" => chinese("SimHei", "02010609060101010101", "modern", "fixed"),
        "heading2" => chinese("KaiTi", "02010609030101010101", "modern", "fixed"),
        "title" | "page_number" => chinese("SimSun", "02010600030101010101", "auto", "variable"),
        _ => Face {
            alt: "Times New Roman",
            panose: "02020603050405020304",
            charset: "00",
            family: "roman",
            pitch: "variable",
            sig: ["E0002EFF", "C000785B", "00000009", "00000000", "000001FF", "00000000"],
        },
    }
}

/// `word/fontTable.xml`: every face the document names, once, with what a reader
/// needs to substitute it.
fn font_table(fonts: &crate::config::Fonts) -> String {
    let roles = [
        ("body", &fonts.body),
        ("title", &fonts.title),
        ("heading1", &fonts.heading1),
        ("heading2", &fonts.heading2),
        ("page_number", &fonts.page_number),
        ("latin", &fonts.latin),
    ];
    let mut seen = std::collections::BTreeSet::new();
    let mut table = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
    ));
    for (role, name) in roles {
        if !seen.insert(name.as_str()) {
            continue;
        }
        let f = face(role);
        let alt = match f.alt == name.as_str() {
            true => String::new(),
            false => format!(r#"<w:altName w:val="{}"/>"#, f.alt),
        };
        let [u0, u1, u2, u3, c0, c1] = f.sig;
        table.push_str(&format!(
            concat!(
                r#"<w:font w:name="{name}">{alt}<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>"#,
                r#"<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>"#,
                r#"<w:sig w:usb0="{u0}" w:usb1="{u1}" w:usb2="{u2}" w:usb3="{u3}" w:csb0="{c0}" w:csb1="{c1}"/></w:font>"#
            ),
            name = escape(name.as_str()),
            alt = alt,
            panose = f.panose,
            charset = f.charset,
            family = f.family,
            pitch = f.pitch,
            u0 = u0,
            u1 = u1,
            u2 = u2,
            u3 = u3,
            c0 = c0,
            c1 = c1,
        ));
    }
    table.push_str("</w:fonts>");
    table
}

/// `docProps/core.xml`: title, creator, language and dates.
fn core(p: &Properties) -> String {
    let date = p.date.format("%Y-%m-%dT%H:%M:%SZ");
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator>",
            "<cp:lastModifiedBy>{creator}</cp:lastModifiedBy><dc:language>zh-CN</dc:language>",
            "<cp:revision>1</cp:revision>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified>"#,
            "</cp:coreProperties>"
        ),
        title = escape(p.title),
        creator = escape(p.creator),
        date = date,
    )
}

/// `docProps/app.xml`: the application and the bureau as company.
fn app(p: &Properties) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
            "<Application>xinbao</Application><Company>{company}</Company></Properties>"
        ),
        company = escape(p.company),
    )
}

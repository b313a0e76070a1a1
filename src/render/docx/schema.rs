//! WordprocessingML in the order of the ECMA-376 Transitional schemas.
//!
//! docx-rs writes some children in its own order (`w:rPr` first in `w:pPr`, the
//! footer references last in `w:sectPr`, …). LibreOffice forgives that; Word and
//! WPS may not. This pass sorts the children of the elements below into schema
//! order (a stable sort: unknown children keep their order, after the known ones),
//! drops what the schema does not allow there, and completes `w:settings`.

use super::xml::{Element, Node, walk};

/// `w:pPr` (CT_PPrBase, then CT_PPr; wml.xsd 1102–1149).
#[rustfmt::skip]
const PARAGRAPH: &[&str] = &[
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap",
    "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
    "cnfStyle", "rPr", "sectPr", "pPrChange",
];

/// `w:rPr` (EG_RPrBase, wml.xsd 1841–1890).
#[rustfmt::skip]
const RUN: &[&str] = &[
    "ins", "del", "moveFrom", "moveTo", "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps",
    "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss", "imprint", "noProof",
    "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz",
    "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
    "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange",
];

/// `w:sectPr` (CT_SectPr, wml.xsd 1613–1664).
#[rustfmt::skip]
const SECTION: &[&str] = &[
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
    "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign",
    "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings",
    "sectPrChange",
];

/// `w:style` (CT_Style, wml.xsd 3269–3298).
#[rustfmt::skip]
const STYLE: &[&str] = &[
    "name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
    "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
    "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr",
];

/// `w:lvl` (CT_Lvl, wml.xsd 3171–3189).
#[rustfmt::skip]
const LEVEL: &[&str] = &[
    "start", "numFmt", "lvlRestart", "pStyle", "isLgl", "suff", "lvlText", "lvlPicBulletId",
    "legacy", "lvlJc", "pPr", "rPr",
];

/// `w:tblPr` (CT_TblPrBase, wml.xsd 2510–2539).
#[rustfmt::skip]
const TABLE: &[&str] = &[
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
];

/// `w:trPr` (CT_TrPrBase, wml.xsd 2417–2443).
#[rustfmt::skip]
const ROW: &[&str] = &[
    "cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
    "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange",
];

/// `w:tcPr` (CT_TcPrBase, wml.xsd 2348–2375).
#[rustfmt::skip]
const CELL: &[&str] = &[
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
    "cellMerge", "tcPrChange",
];

/// `w:pBdr`, `w:tblBorders`, `w:tcBorders` (wml.xsd 1075, 2495, 2309).
#[rustfmt::skip]
const BORDERS: &[&str] = &[
    "top", "start", "left", "bottom", "end", "right", "insideH", "insideV", "between", "bar",
    "tl2br", "tr2bl",
];

/// `w:settings` (CT_Settings, wml.xsd 2921–3028): a plain sequence, ending with
/// the 2010 and 2012 document ids.
#[rustfmt::skip]
const SETTINGS: &[&str] = &[
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop",
    "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle", "proofState",
    "formsDesign", "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
    "stylePaneSortMethod", "documentType", "mailMerge", "revisionView", "trackRevisions",
    "doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride",
    "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
    "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope",
    "summaryLength", "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders",
    "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
    "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml",
    "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
    "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr",
    "compat", "docVars", "rsids", "m:mathPr", "attachedSchema", "themeFontLang",
    "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "sl:schemaLibrary",
    "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator", "w14:docId",
    "w15:chartTrackingRefBased", "w15:docId",
];

/// The schema order of the children of `element` (a `w:` name), if it has one.
fn order(element: &[u8]) -> Option<&'static [&'static str]> {
    Some(match element {
        b"w:pPr" => PARAGRAPH,
        b"w:rPr" => RUN,
        b"w:sectPr" => SECTION,
        b"w:style" => STYLE,
        b"w:lvl" => LEVEL,
        b"w:tblPr" => TABLE,
        b"w:trPr" => ROW,
        b"w:tcPr" => CELL,
        b"w:pBdr" | b"w:tblBorders" | b"w:tcBorders" => BORDERS,
        b"w:settings" => SETTINGS,
        _ => return None,
    })
}

/// Where a child named `name` goes in `order`: its index, or after all of them.
fn rank(order: &[&str], name: &[u8]) -> usize {
    let local = name.strip_prefix(b"w:");
    order
        .iter()
        .position(|known| known.as_bytes() == name || Some(known.as_bytes()) == local)
        .unwrap_or(order.len())
}

/// Puts every element of the part `nodes` into schema order and drops what the
/// schema does not allow: run properties in the paragraph properties of a style,
/// the document defaults or a numbering level (CT_PPrGeneral), and `w:type` on a
/// table grid column.
pub fn conform(nodes: &mut [Node]) {
    walk(nodes, b"", &mut |element: &mut Element, parent: &[u8]| {
        let name = element.name().to_vec();
        if name == b"w:pPr" && matches!(parent, b"w:style" | b"w:pPrDefault" | b"w:lvl") {
            element.children.retain(|child| {
                !matches!(child, Node::Element(e) if matches!(e.name(), b"w:rPr" | b"w:sectPr"))
            });
        }
        if name == b"w:gridCol" {
            element.remove_attribute("w:type");
        }
        if let Some(order) = order(&name) {
            element.children.sort_by_key(|child| match child {
                Node::Element(e) => rank(order, e.name()),
                Node::Other(_) => order.len(),
            });
        }
    });
}

/// Adds the document ids Word writes at the end of `w:settings` (the schemas
/// require them), made from `seed` so the same document gets the same ids.
pub fn complete_settings(nodes: &mut [Node], seed: &[u8]) {
    use sha2::Digest as _;
    let hash: Vec<u8> = sha2::Sha256::digest(seed).to_vec();
    let hex: String = hash.iter().map(|b| format!("{b:02X}")).collect();
    for node in nodes {
        let Node::Element(settings) = node else { continue };
        if settings.name() != b"w:settings" {
            continue;
        }
        let has = |settings: &Element, name: &[u8]| {
            settings.children.iter().any(|c| matches!(c, Node::Element(e) if e.name() == name))
        };
        if !has(settings, b"w14:docId") {
            let mut id = Element::new("w14:docId");
            id.set_attribute("w14:val", &hex[..8]);
            settings.children.push(Node::Element(id));
        }
        if !has(settings, b"w15:chartTrackingRefBased") {
            settings.children.push(Node::Element(Element::new("w15:chartTrackingRefBased")));
        }
        if !has(settings, b"w15:docId") {
            let guid = format!(
                "{{{}-{}-{}-{}-{}}}",
                &hex[8..16],
                &hex[16..20],
                &hex[20..24],
                &hex[24..28],
                &hex[28..40]
            );
            let mut id = Element::new("w15:docId");
            id.set_attribute("w15:val", &guid);
            settings.children.push(Node::Element(id));
        }
        settings.children.sort_by_key(|child| match child {
            Node::Element(e) => rank(SETTINGS, e.name()),
            Node::Other(_) => SETTINGS.len(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::xml::{parse, write};
    use super::*;

    fn conformed(text: &str) -> String {
        let mut nodes = parse(text.as_bytes()).unwrap();
        conform(&mut nodes);
        String::from_utf8(write(&nodes)).unwrap()
    }

    #[test]
    fn paragraph_properties_come_in_schema_order() {
        assert_eq!(
            conformed("<w:pPr><w:rPr/><w:jc/><w:ind/><w:spacing/><w:keepNext/></w:pPr>"),
            "<w:pPr><w:keepNext/><w:spacing/><w:ind/><w:jc/><w:rPr/></w:pPr>"
        );
    }

    #[test]
    fn a_style_drops_run_properties_from_its_paragraph_properties() {
        assert_eq!(
            conformed(
                "<w:style><w:name/><w:rPr><w:sz/><w:rFonts/></w:rPr><w:pPr><w:rPr/><w:jc/></w:pPr><w:qFormat/></w:style>"
            ),
            "<w:style><w:name/><w:qFormat/><w:pPr><w:jc/></w:pPr><w:rPr><w:rFonts/><w:sz/></w:rPr></w:style>"
        );
    }

    #[test]
    fn footer_references_lead_the_section_and_grid_columns_lose_their_type() {
        assert_eq!(
            conformed("<w:sectPr><w:pgSz/><w:pgMar/><w:footerReference/></w:sectPr>"),
            "<w:sectPr><w:footerReference/><w:pgSz/><w:pgMar/></w:sectPr>"
        );
        assert_eq!(
            conformed(r#"<w:tblGrid><w:gridCol w:w="5" w:type="dxa"/></w:tblGrid>"#),
            r#"<w:tblGrid><w:gridCol w:w="5"/></w:tblGrid>"#
        );
    }

    #[test]
    fn settings_get_their_ids_at_the_end_the_same_each_time() {
        let text = "<w:settings><w:defaultTabStop/><w:zoom/><w:compat/><w:evenAndOddHeaders/></w:settings>";
        let complete = |seed: &[u8]| {
            let mut nodes = parse(text.as_bytes()).unwrap();
            conform(&mut nodes);
            complete_settings(&mut nodes, seed);
            String::from_utf8(write(&nodes)).unwrap()
        };
        let out = complete(b"2026-03-02-a");
        assert!(
            out.starts_with("<w:settings><w:zoom/><w:defaultTabStop/><w:evenAndOddHeaders/><w:compat/><w14:docId w14:val=\""),
            "{out}"
        );
        assert!(out.contains("<w15:chartTrackingRefBased/><w15:docId w15:val=\"{"), "{out}");
        assert_eq!(out, complete(b"2026-03-02-a"));
        assert_ne!(out, complete(b"2026-03-02-b"));
    }
}

//! A [`Document`] as DOCX in the GB/T 9704 layout (FORMAT.md §1, §6), written with
//! docx-rs: A4, margins 37/35/28/26 mm, 三号仿宋 body at an exact 28.95 pt line
//! pitch with a 2-character first-line indent, 二号小标宋 title, the four heading
//! levels, `— 1 —` page numbers (odd right, even left), and the East Asian font
//! named on every run. [`package`] then makes the package whole: schema order,
//! picture ids and alt text, properties, sorted entries and fixed times.

mod package;
mod schema;
mod xml;

use super::document::{
    Align, Block, Document, Face, Imprint, Inline, Masthead, Picture, WIDE_TABLE, column_weights,
};
use crate::config::Fonts;
use crate::layout::picture::Printed;
use anyhow::Context as _;
use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    ParagraphBorders, Pic, Run, RunFonts, SpecialIndentType, Style, StyleType, Tab, TabValueType,
    Table, TableBorder, TableBorderPosition, TableBorders, TableCell, TableRow, WidthType,
};

/// A4 in twips.
const PAGE: (u32, u32) = (11906, 16838);
/// Top, bottom, left, right margins in twips (37, 35, 28, 26 mm).
const MARGINS: (i32, i32, i32, i32) = (2098, 1984, 1587, 1474);
/// The text block's width in twips (156 mm).
const TEXT_WIDTH: i32 = 11906 - 1587 - 1474;
/// The body's exact line pitch: 28.95 pt, 22 lines to the 225 mm text block.
const LINE: i32 = 579;
/// The blank line under the title: 16 pt, the body's type without its leading.
/// The PDF puts leading only between lines, Word and LibreOffice in every line,
/// the last on the page included; taken out here, the page under a title holds
/// as many body lines in both.
const UNDER_TITLE: i32 = 10 * SIZE_BODY as i32;
/// The room the PDF leaves above a table and below it beyond what a line of
/// the body gives (its leading is between blocks, Word's above each line).
const BEFORE_TABLE: i32 = 168;
const AFTER_TABLE: i32 = 91;
/// The room between the masthead's lines when the name is not dropped (a
/// bulletin's): 8 pt, as in the PDF.
const MASTHEAD_GAP: u32 = 160;
/// 三号 (16 pt) in half-points.
const SIZE_BODY: usize = 32;
/// 二号 (22 pt).
const SIZE_TITLE: usize = 44;
/// 四号 (14 pt): page numbers, captions, tables.
const SIZE_SMALL: usize = 28;
/// The PDF's tracking, in twentieths of a point: −0.25 pt a character.
const TRACKING: i32 = -5;
/// 五号 (10.5 pt): a key's fingerprint in the approval block.
const SIZE_KEY: usize = 21;
/// The line pitch of the approval block and the end block (版记): 14 pt and the
/// body's paragraph spacing, as in the PDF.
const APPROVAL_LINE: i32 = 539;
/// One 三号 character in twips (the 字 unit).
const CHAR: i32 = 320;
/// The red of the masthead and its rule.
const RED: &str = "E60012";
/// English Metric Units per twip.
const EMU_PER_TWIP: u64 = 635;
/// The tallest a picture may be: 150 mm, two thirds of the text block.
const MAX_PICTURE_HEIGHT_EMU: u64 = 150 * 36_000;

/// A DOCX file and what had to be left out of it.
pub struct Rendered {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Pictures that could not be decoded, with why; the rest of the report is rendered.
    pub warnings: Vec<String>,
}

/// Writes `document` as DOCX bytes with the font names of `fonts`.
pub fn write(document: &Document, fonts: &Fonts) -> anyhow::Result<Rendered> {
    let mut w = Writer {
        fonts,
        paragraphs: 0,
        new_page: false,
        captions: Vec::new(),
        headed: Vec::new(),
        warnings: Vec::new(),
    };
    let date = document.date.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut docx = Docx::new()
        .page_size(PAGE.0, PAGE.1)
        .page_margin(PageMargin {
            top: MARGINS.0,
            bottom: MARGINS.1,
            left: MARGINS.2,
            right: MARGINS.3,
            header: 851,
            // The page number's dash line sits 7 mm below the text block (FORMAT.md §1.7):
            // 28 mm above the paper's edge, less one 四号 line.
            footer: 1307,
            gutter: 0,
        })
        .default_fonts(w.run_fonts(&fonts.body))
        .default_size(SIZE_BODY)
        .default_line_spacing(LineSpacing::new().line(LINE).line_rule(LineSpacingType::Exact))
        .created_at(&date)
        .updated_at(&date);
    for level in 1..=4 {
        docx = docx.add_style(w.heading_style(level));
    }
    docx = docx.footer(w.page_number(AlignmentType::Right));
    docx = docx.even_footer(w.page_number(AlignmentType::Left));

    if let Some(masthead) = &document.masthead {
        docx = w.masthead(docx, masthead);
    }
    if !document.title.is_empty() {
        docx = docx.add_paragraph(w.title(&document.title)).add_paragraph(w.gap(UNDER_TITLE));
    }
    for block in &document.blocks {
        docx = w.block(docx, block);
    }
    if !document.credit.is_empty() {
        // Kept with the approval block, as in the PDF.
        let kept = document.signatures.is_some();
        docx = docx.add_paragraph(w.body(&[Inline::plain(&document.credit)]).keep_next(kept));
    }
    if let Some(signatures) = &document.signatures {
        docx = w.approval(docx, signatures, document.not_approved_text);
    }
    if let Some(imprint) = &document.imprint {
        docx = w.imprint(docx, imprint);
    }

    let parts = package::parts(docx.build());
    let title = match document.title.as_str() {
        "" => document.masthead.as_ref().map_or(document.id.as_str(), |m| m.name.as_str()),
        title => title,
    };
    let properties = package::Properties {
        title,
        creator: &document.author,
        company: &document.bureau,
        date: document.date,
        captions: &w.captions,
        headed: &w.headed,
        id: &document.id,
        fonts,
    };
    Ok(Rendered { bytes: package::finish(parts, &properties)?, warnings: w.warnings })
}

struct Writer<'a> {
    fonts: &'a Fonts,
    paragraphs: u32,
    /// The next paragraph starts a new page.
    new_page: bool,
    /// The captions of the pictures so far, in order: their alt text.
    captions: Vec<String>,
    /// Whether each table so far has a header row, repeated on every page.
    headed: Vec<bool>,
    warnings: Vec<String>,
}

impl Writer<'_> {
    /// The four font slots, Latin for ASCII and the role's font for Chinese.
    fn run_fonts(&self, east_asia: &str) -> RunFonts {
        RunFonts::new()
            .ascii(&self.fonts.latin)
            .hi_ansi(&self.fonts.latin)
            .cs(&self.fonts.latin)
            .east_asia(east_asia)
            .hint("eastAsia")
    }

    /// The font of heading level `level` (FORMAT.md §1.3): 黑体, 楷体, then 仿宋.
    fn heading_font(&self, level: u8) -> String {
        match level {
            1 => self.fonts.heading1.clone(),
            2 => self.fonts.heading2.clone(),
            _ => self.fonts.body.clone(),
        }
    }

    /// The style `Heading{level}` (Word's built-in "heading N", 标题 N): 三号 in the
    /// level's font, kept with the next paragraph, at outline level `level`, so
    /// Word's navigation pane and other readers (pandoc, mammoth) find headings.
    fn heading_style(&self, level: u8) -> Style {
        let mut style = Style::new(format!("Heading{level}"), StyleType::Paragraph)
            .name(format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .ui_priority(9)
            .fonts(self.run_fonts(&self.heading_font(level)))
            .size(SIZE_BODY)
            .outline_lvl(usize::from(level) - 1);
        style.paragraph_property = style.paragraph_property.keep_next(true);
        style
    }

    /// A centred title in 二号小标宋 at a 35 pt line pitch.
    fn title(&mut self, text: &str) -> Paragraph {
        let font = self.fonts.title.clone();
        self.paragraph()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().line(700).line_rule(LineSpacingType::Exact))
            .add_run(self.run(text, &font, SIZE_TITLE))
    }

    /// An empty paragraph `twips` high.
    fn gap(&mut self, twips: i32) -> Paragraph {
        self.paragraph()
            .line_spacing(LineSpacing::new().line(twips).line_rule(LineSpacingType::Exact))
    }

    /// A paragraph at the body's exact line pitch.
    fn line(&mut self) -> Paragraph {
        self.line_after(0)
    }

    /// A paragraph at the body's exact line pitch, `before` twips under the last.
    fn line_after(&mut self, before: u32) -> Paragraph {
        let spacing = LineSpacing::new().before(before).line(LINE);
        self.paragraph().line_spacing(spacing.line_rule(LineSpacingType::Exact))
    }

    /// The red header: the name in red 小标宋 sized to fit one line, the number
    /// line, a bulletin's editor (left) and date (right), and the red rule under
    /// the last of them (the name itself when there is neither).
    fn masthead(&mut self, mut docx: Docx, masthead: &Masthead) -> Docx {
        let chars = masthead.name.chars().count().max(1);
        // 初号 (42 pt) unless the name is too long for the text block.
        let size = (2 * 440 / chars).min(84);
        let before = masthead.drop_mm * 567 / 10;
        let font = self.fonts.title.clone();
        let name = self
            .paragraph()
            .align(AlignmentType::Center)
            .line_spacing(
                LineSpacing::new()
                    .before(before)
                    .line(size as i32 * 12)
                    .line_rule(LineSpacingType::Exact),
            )
            .add_run(self.run(&masthead.name, &font, size).color(RED).bold().character_spacing(40));
        let mut last = vec![name];
        if let Some(number) = &masthead.number {
            // A document's 发文字号 sits two blank lines under the issuer's name (GB/T 9704 7.2.5).
            if masthead.drop_mm > 0 {
                last.extend([self.line(), self.line()]);
            }
            let body = self.fonts.body.clone();
            // Or 8 pt under it, as the PDF sets a bulletin's number.
            let before = if masthead.drop_mm > 0 { 0 } else { MASTHEAD_GAP };
            last.push(
                self.line_after(before)
                    .align(AlignmentType::Center)
                    .add_run(self.run(number, &body, SIZE_BODY)),
            );
        }
        if let Some((left, right)) = &masthead.sides {
            let body = self.fonts.body.clone();
            let paragraph = self
                .line_after(MASTHEAD_GAP)
                .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_WIDTH as usize))
                .add_run(self.run(left, &body, SIZE_BODY))
                .add_run(self.after_tab(right, &body, SIZE_BODY));
            last.push(paragraph);
        }
        // The red rule under the last of them; the title two blank lines below it
        // (GB/T 9704 7.3.1).
        let count = last.len();
        for (i, mut paragraph) in last.into_iter().enumerate() {
            if i + 1 == count {
                let rule = ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                    .val(BorderType::Single)
                    .size(12)
                    .space(6)
                    .color(RED);
                paragraph.property =
                    paragraph.property.set_borders(ParagraphBorders::with_empty().set(rule));
            }
            docx = docx.add_paragraph(paragraph);
        }
        docx.add_paragraph(self.paragraph()).add_paragraph(self.paragraph())
    }

    /// The end block: 四号 lines one character in from each side, a thick rule
    /// above the first and below the last, thin rules between.
    fn imprint(&mut self, mut docx: Docx, imprint: &Imprint) -> Docx {
        let rule = |position, size| {
            ParagraphBorder::new(position)
                .val(BorderType::Single)
                .size(size)
                .space(1)
                .color("000000")
        };
        let body = self.fonts.body.clone();
        let count = imprint.lines.len() + 1;
        // On the pitch of the PDF's end block (四号 and the body's spacing), with no
        // blank line before it: the PDF pushes it to the page's foot instead, so it
        // never needs a page of its own.
        for i in 0..count {
            let mut paragraph = self
                .paragraph()
                .line_spacing(
                    LineSpacing::new().line(APPROVAL_LINE).line_rule(LineSpacingType::Exact),
                )
                .indent(Some(SIZE_SMALL as i32 * 10), None, Some(SIZE_SMALL as i32 * 10), None);
            paragraph = match imprint.lines.get(i) {
                Some(line) => paragraph.add_run(self.run(line, &body, SIZE_SMALL)),
                None => paragraph
                    .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_WIDTH as usize - 560))
                    .add_run(self.run(&imprint.left, &body, SIZE_SMALL))
                    .add_run(self.after_tab(&imprint.right, &body, SIZE_SMALL)),
            };
            // Thick (0.35 mm ≈ 1 pt, eighths of a point) outside, thin (0.25 mm) between.
            let top = if i == 0 { 8 } else { 6 };
            let mut borders =
                ParagraphBorders::with_empty().set(rule(ParagraphBorderPosition::Top, top));
            if i + 1 == count {
                borders = borders.set(rule(ParagraphBorderPosition::Bottom, 8));
            }
            paragraph.property = paragraph.property.set_borders(borders);
            // The block stays on one page.
            docx = docx.add_paragraph(paragraph.keep_next(i + 1 < count).keep_lines(true));
        }
        docx
    }

    /// A tab, then `text`: the right-hand part of a line with a right tab stop.
    fn after_tab(&self, text: &str, font: &str, size: usize) -> Run {
        Run::new().add_tab().add_text(text).fonts(self.run_fonts(font)).size(size)
    }

    /// A run of `text`, set 0.25 pt tighter as the PDF sets it (28 三号 characters
    /// to the 156 mm line, FORMAT.md §1.1).
    fn run(&self, text: &str, font: &str, size: usize) -> Run {
        Run::new().add_text(text).fonts(self.run_fonts(font)).size(size).character_spacing(TRACKING)
    }

    /// A paragraph with an explicit id: docx-rs numbers them from a counter otherwise.
    /// The first paragraph after a [`Block::PageBreak`] starts a new page.
    fn paragraph(&mut self) -> Paragraph {
        self.paragraphs += 1;
        let paragraph = Paragraph::new().id(format!("{:08X}", self.paragraphs));
        if std::mem::take(&mut self.new_page) {
            return paragraph.page_break_before(true);
        }
        paragraph
    }

    fn runs(
        &self,
        mut paragraph: Paragraph,
        inlines: &[Inline],
        font: &str,
        size: usize,
    ) -> Paragraph {
        for inline in inlines {
            for (i, line) in inline.text.split('\n').enumerate() {
                let mut run = self.run(line, font, size);
                if i > 0 {
                    run = Run::new().add_break(docx_rs::BreakType::TextWrapping).add_text(line);
                    run = run.fonts(self.run_fonts(font)).size(size).character_spacing(TRACKING);
                }
                if inline.bold {
                    run = run.bold();
                }
                if inline.italic {
                    run = run.italic();
                }
                if inline.strike {
                    run = run.strike();
                }
                paragraph = paragraph.add_run(run);
            }
        }
        paragraph
    }

    /// A body paragraph: 三号, exact line pitch, 2-character first-line indent.
    fn body(&mut self, inlines: &[Inline]) -> Paragraph {
        self.indented(inlines, &self.fonts.body.clone(), 0)
    }

    fn indented(&mut self, inlines: &[Inline], font: &str, left_chars: i32) -> Paragraph {
        let paragraph = self
            .paragraph()
            .line_spacing(LineSpacing::new().line(LINE).line_rule(LineSpacingType::Exact))
            .indent(
                Some(left_chars * CHAR),
                Some(SpecialIndentType::FirstLine(2 * CHAR)),
                None,
                None,
            )
            .first_line_chars(200)
            .align(AlignmentType::Both);
        self.runs(paragraph, inlines, font, SIZE_BODY)
    }

    fn block(&mut self, docx: Docx, block: &Block) -> Docx {
        match block {
            Block::Paragraph(inlines) => docx.add_paragraph(self.body(inlines)),
            Block::Heading { level, text } => {
                let level = (*level).clamp(1, 4);
                let font = self.heading_font(level);
                let paragraph = self.indented(text, &font, 0).keep_next(true);
                let paragraph = paragraph.style(&format!("Heading{level}"));
                docx.add_paragraph(paragraph.outline_lvl(usize::from(level) - 1))
            }
            Block::ListItem { depth, text } => {
                let depth = i32::try_from((*depth).min(crate::layout::document::MAX_LIST_INDENT));
                let depth = depth.unwrap_or(0);
                docx.add_paragraph(self.indented(text, &self.fonts.body.clone(), 2 * depth))
            }
            Block::Quote(paragraphs) => {
                let mut docx = docx;
                for inlines in paragraphs {
                    let font = self.fonts.heading2.clone();
                    docx = docx.add_paragraph(self.indented(inlines, &font, 2));
                }
                docx
            }
            Block::Preformatted(text) => {
                let mut docx = docx;
                for line in text.lines() {
                    let paragraph = self
                        .paragraph()
                        .line_spacing(
                            LineSpacing::new().line(LINE).line_rule(LineSpacingType::Exact),
                        )
                        .indent(Some(2 * CHAR), None, None, None)
                        .add_run(self.run(line, &self.fonts.body, SIZE_SMALL));
                    docx = docx.add_paragraph(paragraph);
                }
                docx
            }
            Block::Table(rows) => docx
                .add_paragraph(self.gap(BEFORE_TABLE))
                .add_table(self.table(rows, false))
                .add_paragraph(self.gap(AFTER_TABLE)),
            Block::Pairs(pairs) => {
                let rows: Vec<Vec<Vec<Inline>>> = pairs
                    .iter()
                    .map(|(label, value)| {
                        vec![vec![Inline::plain(label)], vec![Inline::plain(value)]]
                    })
                    .collect();
                docx.add_paragraph(self.gap(BEFORE_TABLE))
                    .add_table(self.table(&rows, true))
                    .add_paragraph(self.gap(LINE + AFTER_TABLE))
            }
            Block::Picture(picture) => match self.picture(picture) {
                Ok((image, caption)) => docx.add_paragraph(image).add_paragraph(caption),
                Err(err) => {
                    self.warnings.push(format!("{err:#}"));
                    docx
                }
            },
            Block::Line { text, align, face } => {
                let paragraph = match face {
                    Face::Title => self.title(text),
                    Face::Heading => {
                        let font = self.fonts.heading1.clone();
                        self.line().add_run(self.run(text, &font, SIZE_BODY))
                    }
                    Face::Body => {
                        let font = self.fonts.body.clone();
                        self.line().add_run(self.run(text, &font, SIZE_BODY))
                    }
                };
                let paragraph = match align {
                    Align::Left => paragraph.align(AlignmentType::Left),
                    Align::Center => paragraph.align(AlignmentType::Center),
                    Align::Right => paragraph.align(AlignmentType::Right).indent(
                        None,
                        None,
                        Some(2 * CHAR),
                        None,
                    ),
                };
                docx.add_paragraph(paragraph)
            }
            Block::Blank => docx.add_paragraph(self.line()),
            Block::PageBreak => {
                self.new_page = true;
                docx
            }
        }
    }

    /// A bordered table in 四号 at the text width; `labels` makes a two-column
    /// label–value table with the labels in 黑体.
    fn table(&mut self, rows: &[Vec<Vec<Inline>>], labels: bool) -> Table {
        self.headed.push(!labels);
        let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let widths: Vec<usize> = if labels && columns == 2 {
            vec![2600, TEXT_WIDTH as usize - 2600]
        } else {
            let weights = column_weights(rows);
            let total: usize = weights.iter().sum();
            weights.iter().map(|w| TEXT_WIDTH as usize * w / total.max(1)).collect()
        };
        let size = if columns > WIDE_TABLE { 24 } else { SIZE_SMALL };
        let border = |position| {
            TableBorder::new(position).border_type(BorderType::Single).size(4).color("000000")
        };
        let borders = [
            TableBorderPosition::Top,
            TableBorderPosition::Bottom,
            TableBorderPosition::Left,
            TableBorderPosition::Right,
            TableBorderPosition::InsideH,
            TableBorderPosition::InsideV,
        ]
        .into_iter()
        .fold(TableBorders::new(), |borders, position| borders.set(border(position)));
        let rows: Vec<TableRow> = rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                let cells = (0..columns)
                    .map(|c| {
                        let inlines = row.get(c).map(Vec::as_slice).unwrap_or(&[]);
                        let heading = (labels && c == 0) || (!labels && r == 0);
                        let font = if heading {
                            self.fonts.heading1.clone()
                        } else {
                            self.fonts.body.clone()
                        };
                        // On the PDF's own pitch for a table (see the inset below).
                        let paragraph = self.paragraph().line_spacing(
                            LineSpacing::new().line(420).line_rule(LineSpacingType::Exact),
                        );
                        let paragraph = self.runs(paragraph, inlines, &font, size);
                        TableCell::new().add_paragraph(paragraph).width(widths[c], WidthType::Dxa)
                    })
                    .collect();
                TableRow::new(cells)
            })
            .collect();
        // The PDF's 4 pt inset left and right. Above and below, its rows' 14 pt
        // lines on a 21 pt pitch (0.5 em leading) and 8 pt of inset come to exact
        // 21 pt lines, a half-point rule and a quarter point each side: one line
        // 22 pt, two 43.
        let inset = docx_rs::TableCellMargins::new()
            .margin_top(5, WidthType::Dxa)
            .margin_bottom(5, WidthType::Dxa)
            .margin_left(80, WidthType::Dxa)
            .margin_right(80, WidthType::Dxa);
        Table::new(rows)
            .set_grid(widths)
            .width(TEXT_WIDTH as usize, WidthType::Dxa)
            .margins(inset)
            .set_borders(borders)
    }

    /// The picture scaled to the text width (at most 150 mm tall), centred, and its
    /// caption beneath in 四号楷体.
    fn picture(&mut self, picture: &Picture) -> anyhow::Result<(Paragraph, Paragraph)> {
        let printed =
            picture.printed().with_context(|| format!("scaling {}", picture.path.display()))?;
        let png = png_bytes(picture, &printed)?;
        let width = TEXT_WIDTH as u64 * EMU_PER_TWIP;
        let mut size = (width, width * u64::from(printed.height) / u64::from(printed.width.max(1)));
        if size.1 > MAX_PICTURE_HEIGHT_EMU {
            size = (size.0 * MAX_PICTURE_HEIGHT_EMU / size.1, MAX_PICTURE_HEIGHT_EMU);
        }
        self.captions.push(picture.caption.clone());
        let pic = Pic::new_with_dimensions(png, printed.width, printed.height)
            .id(format!("rIdImage{}", self.captions.len()))
            .size(size.0 as u32, size.1 as u32);
        let image = self
            .paragraph()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().line(240).line_rule(LineSpacingType::Auto))
            .add_run(Run::new().add_image(pic));
        let caption = self
            .paragraph()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().line(LINE).line_rule(LineSpacingType::Exact))
            .add_run(self.run(&picture.caption, &self.fonts.heading2, SIZE_SMALL));
        Ok((image, caption))
    }

    /// The footer with `— N —` in 四号宋体, one character in from the outer edge.
    fn page_number(&mut self, align: AlignmentType) -> Footer {
        let font = self.fonts.page_number.clone();
        let fonts = RunFonts::new().ascii(&font).hi_ansi(&font).east_asia(&font).cs(&font);
        let run = |run: Run| run.fonts(fonts.clone()).size(SIZE_SMALL);
        let (left, right) = match align {
            AlignmentType::Left => (Some(SIZE_SMALL as i32 * 10), None),
            _ => (None, Some(SIZE_SMALL as i32 * 10)),
        };
        let paragraph = self
            .paragraph()
            .align(align)
            .indent(left, None, right, None)
            .line_spacing(
                LineSpacing::new().line(SIZE_SMALL as i32 * 10).line_rule(LineSpacingType::Exact),
            )
            .add_run(run(Run::new().add_text("— ")))
            .add_run(run(Run::new().add_field_char(FieldCharType::Begin, false)))
            .add_run(run(Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new()))))
            .add_run(run(Run::new().add_field_char(FieldCharType::Separate, false)))
            .add_run(run(Run::new().add_text("1")))
            .add_run(run(Run::new().add_field_char(FieldCharType::End, false)))
            .add_run(run(Run::new().add_text(" —")));
        Footer::new().add_paragraph(paragraph)
    }

    /// The approval block: who approved and published, when, with which key, and
    /// room for the seal (签章) on the paper copy.
    fn approval(
        &mut self,
        mut docx: Docx,
        signatures: &[super::document::Signed],
        not_approved_text: bool,
    ) -> Docx {
        // The block stays on one page (keep with next, as the PDF keeps it whole).
        docx = docx.add_paragraph(self.paragraph().keep_next(true));
        // Each line as the PDF sets it: 四号 on a 26.95 pt pitch (14 pt and the body's
        // paragraph spacing), a key's fingerprint in 五号 on the line of its label.
        let lines: Vec<(String, Option<&str>)> = if signatures.is_empty() {
            vec![(super::document::unapproved_line(not_approved_text).to_string(), None)]
        } else {
            signatures
                .iter()
                .flat_map(|s| [(s.line(), None), (s.key_label(), Some(s.key.as_str()))])
                .collect()
        };
        for (line, key) in lines.into_iter().chain([("签章：".to_string(), None)]) {
            let mut paragraph = self
                .paragraph()
                .line_spacing(
                    LineSpacing::new().line(APPROVAL_LINE).line_rule(LineSpacingType::Exact),
                )
                .indent(Some(2 * CHAR), None, None, None)
                .keep_next(true)
                .add_run(self.run(&line, &self.fonts.body, SIZE_SMALL));
            if let Some(key) = key {
                paragraph = paragraph.add_run(self.run(key, &self.fonts.body, SIZE_KEY));
            }
            docx = docx.add_paragraph(paragraph);
        }
        // Three empty lines for the seal and the handwritten signature.
        for _ in 0..3 {
            docx = docx.add_paragraph(self.paragraph());
        }
        docx
    }
}

/// The printed picture as PNG: PNG as it is, JPEG decoded and re-encoded
/// (docx-rs stores pictures as PNG).
fn png_bytes(picture: &Picture, printed: &Printed) -> anyhow::Result<Vec<u8>> {
    let bytes = &printed.bytes;
    if printed.png {
        return Ok(bytes.to_vec());
    }
    let image = image::load_from_memory(bytes)
        .with_context(|| format!("decoding {}", picture.path.display()))?;
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).context("encoding a picture as PNG")?;
    Ok(png.into_inner())
}

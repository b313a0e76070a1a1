//! What goes on the page (SPEC §7), independent of the output format. A report
//! has its title, the emergency elements, the body blocks, the pictures with their
//! captions, the contributor line and the approval block; a bulletin issue and a
//! notice add a red masthead (版头/报头), single lines set apart (主送, 附件, a
//! signature) and the end block (版记/报尾).

use std::path::PathBuf;

/// A run of text with its emphasis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Inline {
    /// The text.
    pub text: String,
    /// `**strong**`.
    pub bold: bool,
    /// `*emphasis*`.
    pub italic: bool,
    /// `~~strikethrough~~`.
    pub strike: bool,
    /// The target of the link this text is in, as written (print ignores it; the
    /// archive keeps it when it is safe).
    pub link: Option<String>,
}

impl Inline {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Inline {
        Inline { text: text.into(), ..Inline::default() }
    }
}

/// A block of the body.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Block {
    /// A body paragraph: 2-character first-line indent.
    Paragraph(Vec<Inline>),
    /// A heading of official level 1–4 (一、 （一） 1. （1）), its marker included.
    Heading {
        /// 1 to 4.
        level: u8,
        /// The text, starting with its marker.
        text: Vec<Inline>,
    },
    /// A list item, its marker (`1.`, `•`) included, at a nesting depth from 0.
    ListItem {
        /// Nesting depth.
        depth: usize,
        /// The text, starting with its marker.
        text: Vec<Inline>,
    },
    /// A block quote's paragraphs, indented.
    Quote(Vec<Vec<Inline>>),
    /// A table; the first row is the header.
    Table(Vec<Vec<Vec<Inline>>>),
    /// Two columns of label and value (the emergency elements).
    Pairs(Vec<(String, String)>),
    /// A picture scaled to the text width, its caption beneath.
    Picture(Picture),
    /// Preformatted lines (code), kept as they are.
    Preformatted(String),
    /// One line set apart from the body: no first-line indent, its own alignment and face.
    Line {
        /// The text.
        text: String,
        /// Where it sits on the line.
        align: Align,
        /// Its typeface and size.
        face: Face,
    },
    /// An empty line of the body grid.
    Blank,
    /// The rest starts on a new page (an attachment, 附件).
    PageBreak,
}

/// The alignment of a [`Block::Line`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right, two characters in (a signature without seal, GB/T 9704 7.3.5.2).
    Right,
}

/// The face of a [`Block::Line`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Face {
    /// 三号仿宋, as the body.
    Body,
    /// 三号黑体 (the 附件 label).
    Heading,
    /// 二号小标宋 (an item's or an attachment's title).
    Title,
}

/// The red header above the red rule: the issuer's name (发文机关标志, or a
/// bulletin's name), the number line, and a bulletin's editor and date.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Masthead {
    /// 发文机关标志 or the bulletin's name, in red.
    pub name: String,
    /// Space above the name in millimetres (35 for a document, GB/T 9704 7.2.4).
    pub drop_mm: u32,
    /// The centred line under the name: 第3期, or a 发文字号.
    pub number: Option<String>,
    /// A bulletin's editing unit (left) and date (right) above the rule.
    pub sides: Option<(String, String)>,
}

/// The end block between rules (版记 / 报尾): 抄送 or 报/送/发 lines, then the
/// issuer at the left and the date or print run at the right.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Imprint {
    /// Lines such as `抄送：局领导。` or `报：县委办，县政府办。`.
    pub lines: Vec<String>,
    /// The last line's left part (印发机关 / the editor).
    pub left: String,
    /// The last line's right part (`2026年4月1日印发` / `共印20份`).
    pub right: String,
}

/// A picture and its caption.
#[derive(Clone, PartialEq, Eq)]
pub struct Picture {
    /// The file on disk.
    pub path: PathBuf,
    /// Its bytes, read once by the [`crate::workspace::Workspace`].
    pub bytes: std::sync::Arc<[u8]>,
    /// 图说.
    pub caption: String,
    /// Pixel size from the file's header.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
    /// Its bytes at the resolution print needs, made once when a document needs them.
    pub printed: super::picture::Shared,
}

impl Picture {
    /// The picture's bytes at the resolution print needs (at most 300 dpi).
    pub fn printed(&self) -> anyhow::Result<super::picture::Printed> {
        self.printed.get(&self.bytes, self.width, self.height)
    }
}

/// The picture without its bytes (which the build's input hash adds itself)
/// or its printed form.
/// Without its bytes (the build hashes them itself) and without the folder the
/// repository is in: the same report gives the same input hash in any clone.
impl std::hash::Hash for Picture {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.path.file_name(), &self.caption, self.width, self.height).hash(state);
    }
}

impl std::fmt::Debug for Picture {
    /// The picture without its bytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Picture")
            .field("path", &self.path)
            .field("caption", &self.caption)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
}

/// A signature shown in the approval block.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signed {
    /// 审核 or 发布.
    pub role: &'static str,
    /// Who signed.
    pub name: String,
    /// The date, as 2026年3月2日.
    pub date: String,
    /// The verified key fingerprint.
    pub key: String,
}

impl Signed {
    /// Its first line in the approval block: `审核：李四　2026年3月2日`.
    pub fn line(&self) -> String {
        format!("{}：{}　{}", self.role, self.name, self.date)
    }

    /// The label its key's fingerprint follows: `审核密钥：`.
    pub fn key_label(&self) -> String {
        format!("{}密钥：", self.role)
    }
}

/// One report, bulletin issue or notice laid out for print.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Document {
    /// The report id, or the issue's or notice's name; names the PDF.
    pub id: String,
    /// The red header, for a bulletin or a notice.
    pub masthead: Option<Masthead>,
    /// 标题; empty for a bulletin, whose items carry their own.
    pub title: String,
    /// Everything between the title and the contributor line.
    pub blocks: Vec<Block>,
    /// （供稿：unit author 联系电话：phone）; empty when there is none.
    pub credit: String,
    /// A report's approval block: the approval and publication, newest of each
    /// (empty when not approved); `None` for documents that have no such block.
    pub signatures: Option<Vec<Signed>>,
    /// The report is approved, but the text or a picture laid out here is not the
    /// approved one: the block says so instead of naming the approvers.
    pub not_approved_text: bool,
    /// The end block (版记 / 报尾).
    pub imprint: Option<Imprint>,
    /// The issuing body, for the document's metadata.
    pub bureau: String,
    /// Who wrote it, for the metadata: a report's unit, the office for a notice
    /// or a bulletin issue.
    pub author: String,
    /// When it was made, from the history: a report's newest approval or
    /// publication (its submission while it has none), a notice's or an issue's
    /// date. The files' metadata carry it, so it is true, and two builds of one
    /// commit give the same bytes.
    pub date: chrono::DateTime<chrono::Utc>,
}

impl Document {
    /// A document with a masthead and no report parts, for `blocks` to fill,
    /// written by `author` on `date`.
    pub fn issue(
        id: String,
        masthead: Masthead,
        title: String,
        bureau: &str,
        author: &str,
        date: chrono::DateTime<chrono::Utc>,
    ) -> Document {
        Document {
            id,
            masthead: Some(masthead),
            title,
            blocks: Vec::new(),
            credit: String::new(),
            signatures: None,
            not_approved_text: false,
            imprint: None,
            bureau: bureau.to_string(),
            author: author.to_string(),
            date,
        }
    }

    /// Every piece of text the document shows, for font coverage and search.
    pub fn text(&self) -> String {
        let mut text = format!("{}{}", self.title, self.credit);
        if let Some(m) = &self.masthead {
            text.push_str(&m.name);
            text.extend(m.number.iter().map(String::as_str));
            if let Some((left, right)) = &m.sides {
                text.push_str(left);
                text.push_str(right);
            }
        }
        for block in &self.blocks {
            block.text(&mut text);
        }
        for s in self.signatures.iter().flatten() {
            text.push_str(&format!("{}{}{}", s.name, s.date, s.key));
        }
        if let Some(imprint) = &self.imprint {
            imprint.lines.iter().for_each(|l| text.push_str(l));
            text.push_str(&imprint.left);
            text.push_str(&imprint.right);
        }
        text
    }
}

impl Block {
    /// Appends the block's text to `out`, a line per paragraph.
    pub fn text(&self, out: &mut String) {
        let runs = |runs: &[Inline], out: &mut String| {
            runs.iter().for_each(|r| out.push_str(&r.text));
            out.push('\n');
        };
        match self {
            Block::Paragraph(r)
            | Block::Heading { text: r, .. }
            | Block::ListItem { text: r, .. } => runs(r, out),
            Block::Quote(paragraphs) => paragraphs.iter().for_each(|p| runs(p, out)),
            Block::Table(rows) => rows.iter().flatten().for_each(|cell| runs(cell, out)),
            Block::Pairs(pairs) => pairs.iter().for_each(|(label, value)| {
                out.push_str(&format!("{label} {value}\n"));
            }),
            Block::Picture(p) => {
                out.push_str(&p.caption);
                out.push('\n');
            }
            Block::Preformatted(p) => out.push_str(p),
            Block::Line { text, .. } => {
                out.push_str(text);
                out.push('\n');
            }
            Block::Blank | Block::PageBreak => {}
        }
    }
}

/// Relative column widths of a table: each column's longest cell in characters,
/// plus one, kept between 3 and 16, so a column of names is wider than one of numbers.
pub fn column_weights(rows: &[Vec<Vec<Inline>>]) -> Vec<usize> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    (0..columns)
        .map(|c| {
            let longest = rows
                .iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.iter().map(|r| r.text.chars().count()).sum::<usize>())
                .max()
                .unwrap_or(0);
            (longest + 1).clamp(3, 16)
        })
        .collect()
}

pub use crate::report::body::{LIMITS, Limits};

/// `blocks` cut to [`LIMITS`], each cut marked in the text (以下从略), so a
/// document never silently lacks what its report has.
pub fn within_limits(mut blocks: Vec<Block>) -> Vec<Block> {
    let note = |what: &str| {
        Block::Paragraph(vec![Inline::plain(format!("（{what}超过排版上限，以下从略）"))])
    };
    let cut = blocks.len() > LIMITS.blocks;
    blocks.truncate(LIMITS.blocks);
    for block in &mut blocks {
        match block {
            Block::Table(rows) => {
                let mut narrowed = false;
                for row in rows.iter_mut() {
                    narrowed |= row.len() > LIMITS.columns;
                    row.truncate(LIMITS.columns);
                }
                if rows.len() > LIMITS.rows || narrowed {
                    rows.truncate(LIMITS.rows);
                    rows.push(vec![vec![Inline::plain("（表格超过排版上限，以下从略）")]]);
                }
            }
            Block::Paragraph(runs)
            | Block::Heading { text: runs, .. }
            | Block::ListItem { text: runs, .. } => {
                let mut left = LIMITS.characters;
                let long = runs.iter().map(|r| r.text.chars().count()).sum::<usize>() > left;
                if long {
                    for run in runs.iter_mut() {
                        let keep: String = run.text.chars().take(left).collect();
                        left -= keep.chars().count();
                        run.text = keep;
                    }
                    runs.retain(|r| !r.text.is_empty());
                    runs.push(Inline::plain("（此段超过排版上限，以下从略）"));
                }
            }
            _ => {}
        }
    }
    if cut {
        blocks.push(note("正文"));
    }
    blocks
}

/// The deepest a list item is indented in a document (2 characters a level);
/// deeper items stand at this depth, so that none runs off the page.
pub const MAX_LIST_INDENT: usize = 4;

/// Tables of more than this many columns are set in 小四 (12 pt) instead of 四号.
pub const WIDE_TABLE: usize = 6;

pub use crate::time::{chinese_date, chinese_day};

/// The date of a document that has none in the history (a report never
/// submitted): 2000-01-01, never the clock, so the same input gives the same bytes.
pub fn undated() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(946_684_800, 0).unwrap_or_default()
}

/// The start of `day` in the bureau's time zone `zone`: the date of a document
/// dated by the day only.
pub fn start_of(
    day: chrono::NaiveDate,
    zone: chrono::FixedOffset,
) -> chrono::DateTime<chrono::Utc> {
    day.and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(zone)
        .single()
        .map_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc(), |t| t.to_utc())
}

/// The line of the approval block when it names nobody.
pub fn unapproved_line(not_approved_text: bool) -> &'static str {
    if not_approved_text {
        "审核：非审核稿（文字或图片与已审核的版本不同）"
    } else {
        "审核：尚未审核"
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn documents_are_cut_to_the_limits_and_say_so() {
        let paragraph = |text: &str| Block::Paragraph(vec![Inline::plain(text)]);
        let mut blocks: Vec<Block> = (0..LIMITS.blocks + 10).map(|_| paragraph("段落")).collect();
        blocks[0] = paragraph(&"长".repeat(LIMITS.characters + 5));
        blocks[1] = Block::Table(vec![
            vec![vec![Inline::plain("格")]; LIMITS.columns + 3];
            LIMITS.rows + 7
        ]);
        let cut = within_limits(blocks);
        assert_eq!(cut.len(), LIMITS.blocks + 1);
        let Block::Paragraph(runs) = &cut[0] else { panic!() };
        assert_eq!(runs[0].text.chars().count(), LIMITS.characters);
        assert_eq!(runs[1].text, "（此段超过排版上限，以下从略）");
        let Block::Table(rows) = &cut[1] else { panic!() };
        assert_eq!((rows.len(), rows[0].len()), (LIMITS.rows + 1, LIMITS.columns));
        assert_eq!(cut.last(), Some(&paragraph("（正文超过排版上限，以下从略）")));
        // A report within the limits is left as it is.
        let small = vec![paragraph("一"), paragraph("二")];
        assert_eq!(within_limits(small.clone()), small);
    }
}

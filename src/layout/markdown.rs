//! The Markdown body as layout blocks. Raw HTML is kept as literal text (never
//! markup); links keep their text; headings get the official markers of their
//! level (一、 （一） 1. （1）) unless they already start with one.

use super::document::{Block, Inline, Picture};
use crate::report::markdown_options;
use crate::workspace::Workspace;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// Chinese numerals for heading markers.
const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The Chinese numeral for `n` (1 to 99).
pub fn numeral(n: usize) -> String {
    match n {
        1..=10 => NUMERALS[n - 1].to_string(),
        11..=19 => format!("十{}", NUMERALS[n - 11]),
        20..=99 => {
            let ones =
                if n.is_multiple_of(10) { String::new() } else { NUMERALS[n % 10 - 1].to_string() };
            format!("{}十{ones}", NUMERALS[n / 10 - 1])
        }
        _ => n.to_string(),
    }
}

/// The marker of the `n`th heading of official `level`.
fn marker(level: u8, n: usize) -> String {
    match level {
        1 => format!("{}、", numeral(n)),
        2 => format!("（{}）", numeral(n)),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

/// Whether `text` already starts with a marker of `level`.
fn has_marker(level: u8, text: &str) -> bool {
    let numeral_char = |c: char| "一二三四五六七八九十".contains(c);
    match level {
        1 => {
            text.split_once('、').is_some_and(|(n, _)| !n.is_empty() && n.chars().all(numeral_char))
        }
        2 => text
            .strip_prefix('（')
            .and_then(|t| t.split_once('）'))
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(numeral_char)),
        3 => {
            let digits = text.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && matches!(text[digits..].chars().next(), Some('.' | '．' | '、'))
        }
        _ => text
            .strip_prefix('（')
            .and_then(|t| t.split_once('）'))
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())),
    }
}

/// The picture at `target`, written in the report `file`, when it resolves
/// inside the repository to a valid PNG or JPEG.
pub fn picture(ws: &Workspace, file: &str, target: &str, caption: &str) -> Option<Picture> {
    let found = crate::report::picture::resolve(ws, file, target).ok()?;
    Some(Picture {
        path: found.path,
        bytes: found.bytes,
        caption: caption.trim().to_string(),
        width: found.width,
        height: found.height,
        printed: Default::default(),
    })
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// The inline runs being collected.
    runs: Vec<Inline>,
    bold: usize,
    italic: usize,
    strike: usize,
    /// Heading counters for the four official levels.
    counters: [usize; 4],
    /// Open lists: `Some(next number)` for ordered ones.
    lists: Vec<Option<u64>>,
    quote: usize,
    quoted: Vec<Vec<Inline>>,
    table: Option<Vec<Vec<Vec<Inline>>>>,
    row: Vec<Vec<Inline>>,
    /// An image being read: (target, alt text so far).
    image: Option<(String, String)>,
    code: Option<String>,
    /// Targets of the open links, innermost last.
    links: Vec<String>,
}

impl Builder {
    fn push_text(&mut self, text: &str) {
        // A control character is left out of every document (the check warns of it).
        let kept: String;
        let text = match text.contains(crate::source::is_unseen_control) {
            true => {
                kept = text.chars().filter(|c| !crate::source::is_unseen_control(*c)).collect();
                &kept
            }
            false => text,
        };
        if let Some((_, alt)) = &mut self.image {
            alt.push_str(text);
            return;
        }
        if let Some(code) = &mut self.code {
            code.push_str(text);
            return;
        }
        let inline = Inline {
            text: text.to_string(),
            bold: self.bold > 0,
            italic: self.italic > 0,
            strike: self.strike > 0,
            link: self.links.last().cloned(),
        };
        match self.runs.last_mut() {
            Some(last)
                if (last.bold, last.italic, last.strike, &last.link)
                    == (inline.bold, inline.italic, inline.strike, &inline.link) =>
            {
                last.text.push_str(&inline.text);
            }
            _ => self.runs.push(inline),
        }
    }

    fn take_runs(&mut self) -> Vec<Inline> {
        let mut runs = std::mem::take(&mut self.runs);
        if let Some(first) = runs.first_mut() {
            first.text = first.text.trim_start().to_string();
        }
        if let Some(last) = runs.last_mut() {
            last.text = last.text.trim_end().to_string();
        }
        runs.retain(|r| !r.text.is_empty());
        runs
    }

    /// Ends a paragraph-like block.
    fn paragraph(&mut self) {
        let runs = self.take_runs();
        if runs.is_empty() {
            return;
        }
        if self.table.is_some() {
            self.row.push(runs);
        } else if self.quote > 0 {
            self.quoted.push(runs);
        } else if let Some(list) = self.lists.last_mut() {
            let marker = match list {
                Some(n) => {
                    *n += 1;
                    format!("{}. ", *n - 1)
                }
                None => "• ".to_string(),
            };
            let mut text = vec![Inline::plain(marker)];
            text.extend(runs);
            self.blocks.push(Block::ListItem { depth: self.lists.len() - 1, text });
        } else {
            self.blocks.push(Block::Paragraph(runs));
        }
    }
}

/// The blocks of the Markdown body of the report `file`; its inline pictures
/// are found through `ws`.
pub fn blocks(markdown: &str, ws: &Workspace, file: &str) -> Vec<Block> {
    let mut b = Builder::default();
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(Tag::Strong) => b.bold += 1,
            Event::End(TagEnd::Strong) => b.bold = b.bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => b.italic += 1,
            Event::End(TagEnd::Emphasis) => b.italic = b.italic.saturating_sub(1),
            Event::Start(Tag::Strikethrough) => b.strike += 1,
            Event::End(TagEnd::Strikethrough) => b.strike = b.strike.saturating_sub(1),
            Event::Start(Tag::Heading { .. }) => b.paragraph(),
            Event::End(TagEnd::Heading(level)) => {
                let level = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => 1,
                    HeadingLevel::H3 => 2,
                    HeadingLevel::H4 => 3,
                    _ => 4,
                };
                let mut text = b.take_runs();
                let index = usize::from(level - 1);
                b.counters[index] += 1;
                b.counters[index + 1..].iter_mut().for_each(|c| *c = 0);
                let plain: String = text.iter().map(|r| r.text.as_str()).collect();
                if !has_marker(level, &plain) {
                    text.insert(0, Inline::plain(marker(level, b.counters[index])));
                }
                b.blocks.push(Block::Heading { level, text });
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) => b.paragraph(),
            Event::Start(Tag::List(start)) => {
                b.paragraph();
                b.lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                b.paragraph();
                b.lists.pop();
            }
            Event::Start(Tag::Item) => b.paragraph(),
            Event::Start(Tag::BlockQuote(_)) => {
                b.paragraph();
                b.quote += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                b.paragraph();
                b.quote = b.quote.saturating_sub(1);
                if b.quote == 0 && !b.quoted.is_empty() {
                    let quoted = std::mem::take(&mut b.quoted);
                    b.blocks.push(Block::Quote(quoted));
                }
            }
            Event::Start(Tag::Table(_)) => {
                b.paragraph();
                b.table = Some(Vec::new());
            }
            Event::End(TagEnd::TableCell) => {
                let runs = b.take_runs();
                b.row.push(runs);
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                let row = std::mem::take(&mut b.row);
                if let Some(table) = &mut b.table {
                    table.push(row);
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(table) = b.table.take() {
                    b.blocks.push(Block::Table(table));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => b.links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                b.links.pop();
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                b.image = Some((dest_url.to_string(), String::new()));
            }
            Event::End(TagEnd::Image) => {
                if let Some((target, alt)) = b.image.take()
                    && let Some(picture) = picture(ws, file, &target, &alt)
                {
                    b.paragraph();
                    b.blocks.push(Block::Picture(picture));
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                b.paragraph();
                b.code = Some(String::new());
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(code) = b.code.take() {
                    b.blocks.push(Block::Preformatted(code.trim_end().to_string()));
                }
            }
            Event::Text(text) | Event::Code(text) => b.push_text(&text),
            // Raw HTML is shown as the text it is, never interpreted.
            Event::Html(html) | Event::InlineHtml(html) => b.push_text(&html),
            Event::SoftBreak => b.push_text(""),
            Event::HardBreak => b.push_text("\n"),
            // A footnote is marked `[1]` where it is referred to, and its text is a
            // paragraph `注[1]：…` where it is written.
            Event::FootnoteReference(label) => b.push_text(&format!("[{label}]")),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                b.paragraph();
                b.push_text(&format!("注[{label}]："));
            }
            Event::Rule => b.paragraph(),
            _ => {}
        }
    }
    b.paragraph();
    b.blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(runs)
                | Block::Heading { text: runs, .. }
                | Block::ListItem { text: runs, .. } => {
                    runs.iter().map(|r| r.text.as_str()).collect()
                }
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn numerals() {
        assert_eq!(numeral(1), "一");
        assert_eq!(numeral(10), "十");
        assert_eq!(numeral(12), "十二");
        assert_eq!(numeral(20), "二十");
        assert_eq!(numeral(35), "三十五");
    }

    #[test]
    fn control_characters_are_left_out() {
        let ws = crate::workspace::Workspace::new(std::path::Path::new("."), chrono::Utc::now());
        assert_eq!(texts(&blocks("甲\u{1}乙\u{85}丙\u{7f}。\n", &ws, "x.md")), ["甲乙丙。"]);
    }

    #[test]
    fn footnotes_keep_their_text() {
        let md = "正文内容[^1]。\n\n[^1]: 脚注文字。\n";
        let ws = crate::workspace::Workspace::new(std::path::Path::new("."), chrono::Utc::now());
        assert_eq!(texts(&blocks(md, &ws, "x.md")), ["正文内容[1]。", "注[1]：脚注文字。"]);
    }

    #[test]
    fn headings_get_official_markers_unless_written() {
        let md = "## 一、基本情况\n\n正文。\n\n## 存在问题\n\n### 资金\n\n#### 进度\n\n##### 细节\n\n### （二）人员\n";
        let blocks = blocks(
            md,
            &crate::workspace::Workspace::new(std::path::Path::new("."), chrono::Utc::now()),
            "x.md",
        );
        assert_eq!(
            texts(&blocks),
            [
                "一、基本情况",
                "正文。",
                "二、存在问题",
                "（一）资金",
                "1.进度",
                "（1）细节",
                "（二）人员"
            ]
        );
    }

    #[test]
    fn html_stays_text_and_emphasis_is_kept() {
        let md = "前<script>alert(1)</script>后，**重点**和*强调*。\n\n1. 甲\n2. 乙\n";
        let blocks = blocks(
            md,
            &crate::workspace::Workspace::new(std::path::Path::new("."), chrono::Utc::now()),
            "x.md",
        );
        assert_eq!(
            texts(&blocks),
            ["前<script>alert(1)</script>后，重点和强调。", "1. 甲", "2. 乙"]
        );
        let Block::Paragraph(runs) = &blocks[0] else { panic!() };
        assert!(runs.iter().any(|r| r.bold && r.text == "重点"));
        assert!(runs.iter().any(|r| r.italic && r.text == "强调"));
    }

    #[test]
    fn tables_and_quotes() {
        let md = "| 项目 | 投资 |\n| --- | --- |\n| 甲 | 1亿 |\n\n> 引文一\n>\n> 引文二\n";
        let blocks = blocks(
            md,
            &crate::workspace::Workspace::new(std::path::Path::new("."), chrono::Utc::now()),
            "x.md",
        );
        let Block::Table(rows) = &blocks[0] else { panic!("{blocks:?}") };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][1][0].text, "1亿");
        assert!(matches!(&blocks[1], Block::Quote(q) if q.len() == 2));
    }
}

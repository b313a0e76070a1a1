//! What a report's Markdown body contains, as far as the rules care: headings,
//! pictures, links and raw HTML, each with its position in the file.

use crate::source::{Locator, Span};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The parts of a body the rules look at.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Body {
    /// Headings of every level.
    pub headings: Vec<Heading>,
    /// Inline pictures `![图说](path)`.
    pub images: Vec<InlineImage>,
    /// Links `[text](target)` and autolinks.
    pub links: Vec<Link>,
    /// Where raw HTML blocks and inline tags start.
    pub html: Vec<Span>,
    /// Tables and paragraphs past what a document lays out ([`LIMITS`]).
    pub over_limits: Vec<OverLimit>,
}

/// The most blocks, table rows, table columns and characters in one paragraph a
/// document lays out. A real report is far below them; a hostile 1 MiB file
/// (30,000 list items, a table of 30,000 rows, one paragraph of 350,000
/// characters) would otherwise hold the PDF layout for many seconds.
pub const LIMITS: Limits = Limits { blocks: 2_000, rows: 500, columns: 30, characters: 20_000 };

/// See [`LIMITS`].
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Blocks of the body.
    pub blocks: usize,
    /// Rows of one table.
    pub rows: usize,
    /// Columns of one table.
    pub columns: usize,
    /// Characters of one paragraph.
    pub characters: usize,
}

/// A table or a paragraph a document cuts short (以下从略): how many columns,
/// rows or characters it has.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum OverLimit {
    /// A table of more columns than [`Limits::columns`].
    Columns(Span, usize),
    /// A table of more rows than [`Limits::rows`].
    Rows(Span, usize),
    /// A paragraph or list item of more characters than [`Limits::characters`].
    Characters(Span, usize),
}

/// A heading and its plain text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The text, markup removed.
    pub text: String,
    /// Where it is in the file.
    pub span: Span,
}

/// An inline picture.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InlineImage {
    /// The path or URL as written.
    pub target: String,
    /// The alt text, which serves as the caption.
    pub caption: String,
    /// Where it is in the file.
    pub span: Span,
}

/// A link.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// The target as written.
    pub target: String,
    /// Where it is in the file.
    pub span: Span,
}

/// The Markdown extensions reports may use; renderers use the same set.
/// Footnotes are read as such: without them, `[^1]: 说明` is a link definition,
/// and its text vanishes from every document.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

impl Body {
    /// Scans the Markdown that starts at byte `base` of the file `text`.
    pub fn scan(text: &str, base: usize) -> Body {
        let markdown = &text[base..];
        let mut body = Body::default();
        let mut heading: Option<Heading> = None;
        let mut image: Option<InlineImage> = None;
        // The table being read: where, its rows and widest row; the characters of
        // a paragraph whose source is long enough to pass the limit.
        let (mut table, mut rows, mut columns, mut cells) = (None, 0, 0, 0);
        let mut paragraph: Option<(std::ops::Range<usize>, usize)> = None;
        // A quotation is laid out whole (never cut): its paragraphs are not counted.
        let mut quoted = 0;
        let locator = Locator::new(text);
        for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
            let span =
                |range: std::ops::Range<usize>| locator.span(base + range.start..base + range.end);
            let pos = || span(range.clone());
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    heading = Some(Heading {
                        level: level_number(level),
                        text: String::new(),
                        span: pos(),
                    })
                }
                Event::End(TagEnd::Heading(_)) => body.headings.extend(heading.take()),
                Event::Start(Tag::Image { dest_url, .. }) => {
                    image = Some(InlineImage {
                        target: dest_url.to_string(),
                        caption: String::new(),
                        span: pos(),
                    })
                }
                Event::End(TagEnd::Image) => {
                    if let Some(mut done) = image.take() {
                        done.caption = done.caption.trim().to_string();
                        body.images.push(done);
                    }
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    body.links.push(Link { target: dest_url.to_string(), span: pos() })
                }
                Event::Html(_) | Event::InlineHtml(_) => body.html.push(pos()),
                Event::Start(Tag::Table(_)) => (table, rows, columns) = (Some(range.clone()), 0, 0),
                Event::Start(Tag::TableHead | Tag::TableRow) => cells = 0,
                Event::End(TagEnd::TableCell) => cells += 1,
                Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                    (rows, columns) = (rows + 1, columns.max(cells));
                }
                Event::End(TagEnd::Table) => {
                    let Some(at) = table.take() else { continue };
                    if columns > LIMITS.columns {
                        body.over_limits.push(OverLimit::Columns(span(at.clone()), columns));
                    }
                    if rows > LIMITS.rows {
                        body.over_limits.push(OverLimit::Rows(span(at), rows));
                    }
                }
                // A source no longer than the limit holds no more characters than it.
                Event::Start(Tag::BlockQuote(_)) => quoted += 1,
                Event::End(TagEnd::BlockQuote(_)) => quoted -= 1,
                Event::Start(Tag::Paragraph | Tag::Item) => {
                    let long = quoted == 0 && range.len() > LIMITS.characters;
                    paragraph = long.then(|| (range.clone(), 0));
                }
                Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                    if let Some((at, count)) = paragraph.take()
                        && count > LIMITS.characters
                    {
                        body.over_limits.push(OverLimit::Characters(span(at), count));
                    }
                }
                Event::Text(text) | Event::Code(text) => {
                    // A picture's text is its caption, not the paragraph's.
                    if let Some((_, count)) = paragraph.as_mut().filter(|_| image.is_none()) {
                        *count += text.chars().count();
                    }
                    if let Some(image) = image.as_mut() {
                        image.caption.push_str(&text);
                    } else if let Some(heading) = heading.as_mut() {
                        heading.text.push_str(&text);
                    }
                }
                _ => {}
            }
        }
        body
    }
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Pos;

    #[test]
    fn finds_what_a_document_would_cut_short() {
        let long = format!("{}\n\n- 短\n", "字".repeat(LIMITS.characters + 1));
        let body = Body::scan(&long, 0);
        assert_eq!(body.over_limits.len(), 1);
        assert!(matches!(body.over_limits[0], OverLimit::Characters(_, n) if n == 20_001));
        let rows: String = (0..=LIMITS.rows).map(|i| format!("|{i}|\n")).collect();
        let body = Body::scan(&format!("|表|\n|-|\n{rows}"), 0);
        assert!(
            matches!(body.over_limits[..], [OverLimit::Rows(_, 502)]),
            "{:?}",
            body.over_limits
        );
        assert!(Body::scan("|a|b|\n|-|-|\n|1|2|\n", 0).over_limits.is_empty());
    }

    #[test]
    fn finds_headings_pictures_links_and_html() {
        let md = "0123456789## 一、基本情况\n\n正文![现场 **图**](images/a.png)[链接](../x.md)\n\n<script>x</script>\n\n标题\n===\n";
        let body = Body::scan(md, 10);
        assert_eq!(
            body.headings[0],
            Heading {
                level: 2,
                text: "一、基本情况".into(),
                span: Span::new(Pos::new(1, 11), Pos::new(2, 1))
            }
        );
        assert_eq!(body.headings[1].level, 1);
        assert_eq!(body.images[0].caption, "现场 图");
        assert_eq!(body.images[0].target, "images/a.png");
        assert_eq!(body.links[0].target, "../x.md");
        assert_eq!(body.html.len(), 1);
    }
}

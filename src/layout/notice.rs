//! The quarterly notice and the annual assessment laid out (FORMAT.md §3.2).

use super::document::{Align, Block, Document, Face, Imprint, Inline, Masthead};
use crate::stats::notice::Notice;

/// The notice laid out as an official document: red masthead, title, 主送,
/// body, 附件说明, signature and date, the attachment on its own page, and the
/// 版记. `date` is the notice's date (成文日期), for the files' metadata.
pub fn notice(notice: &Notice, id: &str, date: chrono::DateTime<chrono::Utc>) -> Document {
    let masthead = Masthead {
        name: notice.bureau.clone(),
        drop_mm: 35,
        number: notice.number.clone(),
        sides: None,
    };
    let mut document = Document::issue(
        id.to_string(),
        masthead,
        notice.title.clone(),
        &notice.bureau,
        &notice.issuer,
        date,
    );
    let line = |text: &str, align, face| Block::Line { text: text.to_string(), align, face };
    let paragraph = |text: &str| Block::Paragraph(vec![Inline::plain(text)]);
    let blocks = &mut document.blocks;
    blocks.push(line(&format!("{}：", notice.to), Align::Left, Face::Body));
    blocks.push(paragraph(&notice.opening));
    for (heading, paragraphs) in &notice.sections {
        blocks.push(Block::Heading { level: 1, text: vec![Inline::plain(heading)] });
        blocks.extend(paragraphs.iter().map(|p| paragraph(p)));
    }
    blocks.push(Block::Blank);
    blocks.push(paragraph(&format!("附件：{}", notice.attachment)));
    // Unsealed: the issuer one blank line under the attachment note, two
    // characters in from the right, the date on the next line (GB/T 9704 7.3.5.2).
    blocks.push(Block::Blank);
    blocks.push(line(&notice.issuer, Align::Right, Face::Body));
    blocks.push(line(&notice.date, Align::Right, Face::Body));
    blocks.push(Block::PageBreak);
    blocks.push(line("附件", Align::Left, Face::Heading));
    blocks.push(Block::Blank);
    blocks.push(line(&notice.attachment, Align::Center, Face::Title));
    blocks.push(Block::Blank);
    let cells = notice
        .table
        .iter()
        .map(|row| row.iter().map(|c| vec![Inline::plain(c)]).collect())
        .collect();
    blocks.push(Block::Table(cells));
    let lines = if notice.cc.is_empty() {
        Vec::new()
    } else {
        vec![format!("抄送：{}。", notice.cc.join("，"))]
    };
    document.imprint =
        Some(Imprint {
            lines, left: notice.issuer.clone(), right: format!("{}印发", notice.date)
        });
    document
}

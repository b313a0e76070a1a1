//! A bulletin issue laid out (FORMAT.md §3.1): the red masthead, a contents list,
//! the items with their credits, and the 报/送/发 end block.

use super::document::{Align, Block, Document, Face, Imprint, Inline, Masthead, chinese_day};
use crate::approval::Ledger;
use crate::load::Repository;
use crate::report::bulletin::Issue;
use anyhow::Context as _;

/// Lays out `issue`: the masthead, a contents list when it has several items, each
/// item's title, body and credit, and the 报/送/发 end block. Reports of the record
/// that no longer exist are left out and named in the error list.
pub fn issue(
    issue: &Issue,
    repo: &Repository,
    ledger: &Ledger,
) -> anyhow::Result<(Document, Vec<String>)> {
    let settings = &repo.settings;
    let b = &settings.bulletin;
    let date = chinese_day(issue.date);
    let masthead = Masthead {
        name: b.name.clone(),
        drop_mm: 0,
        number: Some(format!("{}年第{}期", issue.year, issue.number)),
        sides: Some((b.editor.clone(), date.clone())),
    };
    let id = format!("{}-{}", b.name, issue.stem());
    let dated = super::document::start_of(issue.date, settings.timezone);
    let mut document =
        Document::issue(id, masthead, String::new(), &settings.bureau, &b.editor, dated);
    let mut missing = Vec::new();
    let mut items = Vec::new();
    for id in issue.reports.iter().map(|id| &id.value) {
        match repo.report(id) {
            Some(report) => {
                let laid = super::report::prepare(repo, report, ledger.trail_of(report))
                    .with_context(|| id.clone())?;
                items.push((report, laid));
            }
            None => missing.push(id.clone()),
        }
    }
    let blocks = &mut document.blocks;
    if items.len() > 1 {
        blocks.push(Block::Line {
            text: "本期要目".to_string(),
            align: Align::Left,
            face: Face::Heading,
        });
        for (n, (_, laid)) in items.iter().enumerate() {
            blocks.push(Block::Paragraph(vec![Inline::plain(format!(
                "{}. {}",
                n + 1,
                laid.title
            ))]));
        }
        blocks.push(Block::Blank);
    }
    for (n, (report, laid)) in items.into_iter().enumerate() {
        if n > 0 {
            blocks.push(Block::Blank);
        }
        blocks.push(Block::Line { text: laid.title, align: Align::Center, face: Face::Title });
        blocks.push(Block::Blank);
        blocks.extend(laid.blocks);
        let text = crate::fields::text;
        blocks.push(Block::Line {
            text: format!("（供稿：{} {}）", text(&report.unit), text(&report.author)),
            align: Align::Right,
            face: Face::Body,
        });
    }
    let list = |prefix: &str, names: &[String]| {
        (!names.is_empty()).then(|| format!("{prefix}：{}。", names.join("，")))
    };
    let lines = [list("报", &b.report_to), list("送", &b.send_to), list("发", &b.issue_to)]
        .into_iter()
        .flatten()
        .collect();
    let right = match b.copies {
        Some(copies) => format!("共印{copies}份"),
        None => format!("{date}印发"),
    };
    document.imprint = Some(Imprint { lines, left: b.editor.clone(), right });
    Ok((document, missing))
}

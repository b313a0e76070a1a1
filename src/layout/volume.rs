//! The 信息汇编 laid out (SPEC §7.1): a cover, 编印说明, the contents with each
//! report's page, the reports in their official layout, and an index by unit.
//! Each part is its own [`Document`]; the PDF sets them apart and numbers the
//! pages of the whole ([`crate::render::volume`]), the DOCX takes them as one
//! document ([`whole`]).

use super::document::{Align, Block, Document, Face, Inline};
use crate::config::Settings;
use crate::time::chinese_day;
use crate::volume::{By, Entry, Volume};
use std::collections::BTreeMap;

/// Where each printed report starts, by id: the page numbers of the contents and the index.
pub type Pages = BTreeMap<String, usize>;

/// A document of the volume with no report parts: `blocks` make it.
fn part(id: String, title: String, blocks: Vec<Block>, volume: &Volume, s: &Settings) -> Document {
    Document {
        id,
        masthead: None,
        title,
        blocks,
        credit: String::new(),
        signatures: None,
        not_approved_text: false,
        imprint: None,
        bureau: s.bureau.clone(),
        author: s.office.clone(),
        date: volume.date,
    }
}

fn line(text: impl Into<String>, align: Align, face: Face) -> Block {
    Block::Line { text: text.into(), align, face }
}

/// A group's heading, kept with what follows it.
fn heading(text: &str) -> Block {
    Block::Heading { level: 1, text: vec![Inline::plain(text)] }
}

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph(vec![Inline::plain(text)])
}

fn row(cells: &[&str]) -> Vec<Vec<Inline>> {
    cells.iter().map(|c| vec![Inline::plain(*c)]).collect()
}

/// The day the volume is dated, as official documents write it.
fn dated(volume: &Volume, s: &Settings) -> String {
    chinese_day(volume.date.with_timezone(&s.timezone).date_naive())
}

/// The cover: the bureau, the title, the period, who compiled it and when.
pub fn cover(volume: &Volume, s: &Settings) -> Document {
    let mut blocks = vec![Block::Blank; 5];
    blocks.push(line(&s.bureau, Align::Center, Face::Title));
    blocks.push(line("信息汇编", Align::Center, Face::Title));
    blocks.push(Block::Blank);
    blocks.push(line(format!("（{}）", volume.period.chinese()), Align::Center, Face::Body));
    blocks.extend(vec![Block::Blank; 8]);
    blocks.push(line(format!("{}{}编", s.bureau, s.office), Align::Center, Face::Body));
    blocks.push(line(dated(volume, s), Align::Center, Face::Body));
    part(format!("{}-封面", volume.stem()), String::new(), blocks, volume, s)
}

/// 编印说明: what is included, how it is ordered, what the marks mean.
pub fn preface(volume: &Volume, s: &Settings) -> Document {
    let printed = volume.entries().filter(|e| e.printed()).count();
    let retracted = volume.entries().count() - printed;
    let late = volume.entries().filter(|e| e.late).count();
    let order = match volume.by {
        By::Category => "按信息类别分组，组内按报送时间先后排列",
        By::Month => "按报送月份分组，组内按报送时间先后排列",
    };
    let mut blocks = vec![
        paragraph(format!(
            "一、本汇编依据《{}信息报送管理制度》关于定期整理的规定编印，收录{}经分管负责人签名审核、办公室签名发布的全部信息{}条，按原报送时的公文格式排印，每条信息附审核、发布记录（签名人、日期和密钥指纹）。",
            s.bureau,
            volume.period.chinese(),
            volume.entries().count()
        )),
        paragraph(format!(
            "二、信息{order}；报送时间以服务器收条时间为准，无收条的以报送时间（submitted_at）为准。目录列出每条信息的题名、供稿单位、报送日期和起始页码，书末附按供稿单位编排的索引。"
        )),
        paragraph(format!(
            "三、目录中标“（迟报）”的{late}条信息超过制度规定的报送时限；标“（已撤回）”的{retracted}条信息已由更正信息撤回，只列目录，不再排印正文。"
        )),
        paragraph(
            "四、本汇编由 xinbao 从报送仓库的签名历史生成，同一历史生成的汇编内容一致；各条信息的审核、发布记录可用 xinbao status 和 git log --show-signature 核验。页码以 PDF 本为准。",
        ),
    ];
    blocks.push(Block::Blank);
    blocks.push(line(format!("{}{}", s.bureau, s.office), Align::Right, Face::Body));
    blocks.push(line(dated(volume, s), Align::Right, Face::Body));
    part(format!("{}-编印说明", volume.stem()), "编印说明".into(), blocks, volume, s)
}

/// A title as the contents show it, with its 迟报 or 已撤回 mark.
fn marked(entry: &Entry) -> String {
    let mut title = entry.title().to_string();
    if entry.late {
        title.push_str("（迟报）");
    }
    if !entry.printed() {
        title.push_str("（已撤回）");
    }
    title
}

/// Its day without the year (the volume's): 3月2日.
fn short_day(entry: &Entry) -> String {
    use chrono::Datelike as _;
    format!("{}月{}日", entry.day.month(), entry.day.day())
}

/// The page of a printed report, as the contents write it (a blank for one not printed).
fn page_of(entry: &Entry, pages: &Pages) -> String {
    pages.get(&entry.report.id).map_or(String::new(), |p| p.to_string())
}

/// The contents: per group, each report's number, title, unit, date and page.
pub fn contents(volume: &Volume, s: &Settings, pages: &Pages) -> Document {
    let mut blocks = Vec::new();
    let mut n = 0;
    for group in &volume.groups {
        blocks.push(heading(&group.name));
        let mut rows = vec![row(&["序号", "题名", "供稿单位", "日期", "页码"])];
        for entry in &group.entries {
            n += 1;
            let day = short_day(entry);
            let page = page_of(entry, pages);
            rows.push(row(&[&n.to_string(), &marked(entry), entry.unit(), &day, &page]));
        }
        blocks.push(Block::Table(rows));
    }
    part(format!("{}-目录", volume.stem()), "目录".into(), blocks, volume, s)
}

/// The index: per unit (in the order of the settings), its reports and their pages.
pub fn index(volume: &Volume, s: &Settings, pages: &Pages) -> Document {
    let mut by_unit: BTreeMap<usize, (&str, Vec<&Entry>)> = BTreeMap::new();
    for entry in volume.entries() {
        let at = s.units.iter().position(|u| u == entry.unit()).unwrap_or(usize::MAX);
        by_unit.entry(at).or_insert((entry.unit(), Vec::new())).1.push(entry);
    }
    let mut blocks = Vec::new();
    for (unit, entries) in by_unit.into_values() {
        blocks.push(heading(&format!("{unit}（{}条）", entries.len())));
        let mut rows = vec![row(&["题名", "日期", "页码"])];
        for entry in entries {
            rows.push(row(&[&marked(entry), &short_day(entry), &page_of(entry, pages)]));
        }
        blocks.push(Block::Table(rows));
    }
    part(format!("{}-索引", volume.stem()), "单位索引".into(), blocks, volume, s)
}

/// The whole volume as one document (the DOCX): the parts in order, each report
/// on a new page with its title, body, credit and approval lines.
pub fn whole(volume: &Volume, s: &Settings, reports: Vec<Document>, pages: &Pages) -> Document {
    let mut blocks = Vec::new();
    let add = |document: Document, blocks: &mut Vec<Block>| {
        if !blocks.is_empty() {
            blocks.push(Block::PageBreak);
        }
        if !document.title.is_empty() {
            blocks.push(line(document.title, Align::Center, Face::Title));
            blocks.push(Block::Blank);
        }
        blocks.extend(document.blocks);
        if !document.credit.is_empty() {
            blocks.push(line(document.credit, Align::Left, Face::Body));
        }
        if let Some(signatures) = document.signatures {
            blocks.push(Block::Blank);
            for signed in signatures {
                blocks.push(line(signed.line(), Align::Left, Face::Body));
                blocks.push(line(
                    format!("{}{}", signed.key_label(), signed.key),
                    Align::Left,
                    Face::Body,
                ));
            }
        }
    };
    add(cover(volume, s), &mut blocks);
    add(preface(volume, s), &mut blocks);
    add(contents(volume, s, pages), &mut blocks);
    for report in reports {
        add(report, &mut blocks);
    }
    add(index(volume, s, pages), &mut blocks);
    // The id names the file in its metadata (its title, as no title line is printed).
    part(volume.title(&s.bureau), String::new(), blocks, volume, s)
}

//! The 信息汇编 as PDF and DOCX (SPEC §7.1).
//!
//! The contents must print where each report starts before the reports are
//! set, and hundreds of reports must not be laid out in one piece. So the PDF
//! is made in parts: the reports are laid out a batch at a time, each alone
//! and without page numbers, and only their pages are kept (the compiler's
//! working state goes with each report); their page counts give every report's
//! first page. Then the contents and the index are laid out with those
//! numbers, a run of pages carrying nothing but the official page number is
//! laid over the reports and the index, and all the pages are written as one
//! PDF, with an outline made from the bookmarks each part carries. The front
//! matter (cover, 编印说明, contents) is unnumbered, so its length never moves a
//! page number.

use super::fonts::FontSet;
use super::pdf::{self, Bookmark, Part};
use crate::config::Fonts;
use crate::layout::volume::{self as layout, Pages};
use crate::layout::{Document, report};
use crate::load::Repository;
use crate::volume::Volume;

/// Reports laid out at a time: only one batch's documents are held.
const BATCH: usize = 32;

/// The volume's files and what was noticed writing them.
pub struct Written {
    /// The PDF (PDF/A-2b unless a warning says otherwise).
    pub pdf: Vec<u8>,
    /// The DOCX.
    pub docx: Vec<u8>,
    /// The PDF's pages in all.
    pub page_count: usize,
    /// Reports left out and why, a PDF that could not be PDF/A.
    pub warnings: Vec<String>,
}

/// Lays out and writes `volume` of `repo`, with `fonts` (roles named by `names`).
pub fn write(
    volume: &Volume,
    repo: &Repository,
    fonts: &FontSet,
    names: &Fonts,
) -> anyhow::Result<Written> {
    let settings = &repo.settings;
    let mut warnings = Vec::new();
    // The printed reports in order, each with its outline entries: its group's at
    // the group's first printed report, then its own.
    let mut printed: Vec<&crate::volume::Entry> = Vec::new();
    let mut marks: Vec<Vec<Bookmark>> = Vec::new();
    for (g, group) in volume.groups.iter().enumerate() {
        for (n, entry) in group.entries.iter().filter(|e| e.printed()).enumerate() {
            let mut mark = Vec::new();
            if n == 0 {
                let key = format!("group-{g}");
                mark.push(Bookmark { level: 1, title: group.name.clone(), key });
            }
            let key = entry.report.id.clone();
            mark.push(Bookmark { level: 2, title: entry.title().to_string(), key });
            printed.push(entry);
            marks.push(mark);
        }
    }

    // The reports, a batch at a time, each alone and unnumbered.
    let mut pages = Pages::new();
    let mut body = Vec::new();
    // Each report's document, laid out once: its PDF pages here, the DOCX below.
    let mut reports: Vec<Document> = Vec::new();
    for (batch, marks) in printed.chunks(BATCH).zip(marks.chunks(BATCH)) {
        let documents: Vec<(Option<Document>, Part)> = batch
            .iter()
            .zip(marks)
            .map(|(entry, bookmarks)| {
                let part = Part { bookmarks: bookmarks.clone(), unnumbered: true };
                match report::prepare(repo, entry.report, Some(entry.trail)) {
                    Ok(document) => (Some(document), part),
                    Err(err) => {
                        warnings.push(format!("{}: {err:#}", entry.report.id));
                        (None, part)
                    }
                }
            })
            .collect();
        let laid = super::on_threads(&documents, |(document, part)| {
            document.as_ref().map(|d| pdf::part_pages(d, fonts, names, part))
        })?;
        for (entry, laid) in batch.iter().zip(laid) {
            match laid {
                Some(Ok(laid)) => {
                    pages.insert(entry.report.id.clone(), body.len() + 1);
                    body.extend(laid);
                }
                Some(Err(err)) => warnings.push(format!("{err:#}")),
                None => {}
            }
        }
        reports.extend(documents.into_iter().filter_map(|(document, _)| document));
    }
    let index = Part { bookmarks: vec![mark("单位索引", "index")], unnumbered: true };
    body.extend(pdf::part_pages(&layout::index(volume, settings, &pages), fonts, names, &index)?);
    let numbers = pdf::page_numbers(1, body.len(), fonts, names)?;

    // The front matter, unnumbered, now that the pages are known.
    let front = [
        (layout::cover(volume, settings), mark("封面", "cover")),
        (layout::preface(volume, settings), mark("编印说明", "preface")),
        (layout::contents(volume, settings, &pages), mark("目录", "contents")),
    ];
    let mut all = Vec::new();
    for (document, bookmark) in &front {
        let part = Part { bookmarks: vec![bookmark.clone()], unnumbered: true };
        all.extend(pdf::part_pages(document, fonts, names, &part)?);
    }
    let mut overlay: Vec<Option<typst_layout::Page>> = vec![None; all.len()];
    overlay.extend(numbers.into_iter().map(Some));
    all.extend(body);
    let page_count = all.len();
    let title = volume.title(&settings.bureau);
    let (pdf, not_archival) =
        pdf::assemble(all, overlay, &title, &settings.bureau, &volume.stem(), volume.date)?;
    if let Some(why) = not_archival {
        warnings.push(format!(
            "{}：不符合 PDF/A-2b，已生成普通 PDF / not PDF/A-2b: {why}",
            volume.stem()
        ));
    }

    // The DOCX: the same parts as one document, the contents with the PDF's pages.
    let whole = layout::whole(volume, settings, reports, &pages);
    let docx = super::docx::write(&whole, names)?;
    warnings.extend(docx.warnings);
    Ok(Written { pdf, docx: docx.bytes, page_count, warnings })
}

/// A bookmark of the whole volume's outline.
fn mark(title: &str, key: &str) -> Bookmark {
    Bookmark { level: 1, title: title.to_string(), key: key.to_string() }
}

//! Personal data on archive pages (SPEC §7): the documents print the writer's
//! and the informant's phone numbers, as §五(七) asks; the archive masks them
//! (`138****0001`) unless the settings say `site: {show_phone: true}`.

use crate::layout::Document;
use crate::layout::document::Block;
use crate::report::Report;

/// `document` as the archive shows it: the phone numbers of `report` masked in
/// its credit line and emergency elements, unless `show_phone`.
pub fn for_archive(mut document: Document, report: &Report, show_phone: bool) -> Document {
    if show_phone {
        return document;
    }
    let informant = report.emergency.as_ref().and_then(|e| e.informant.as_ref());
    let phones: Vec<&str> = [report.phone.as_ref().map(|p| p.value.as_str())]
        .into_iter()
        .chain([informant.map(|i| i.phone.as_str())])
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    for phone in phones {
        let masked = mask(phone);
        document.credit = document.credit.replace(phone, &masked);
        for block in &mut document.blocks {
            if let Block::Pairs(pairs) = block {
                for (_, value) in pairs {
                    *value = value.replace(phone, &masked);
                }
            }
        }
    }
    // Numbers written in the text itself, too.
    mask_text(&mut document);
    document
}

/// `document`'s text with every phone number in it masked ([`mask_numbers`]): the
/// body, headings, lists, quotes, tables, captions and the lines set apart.
fn mask_text(document: &mut Document) {
    let inlines = |runs: &mut Vec<crate::layout::document::Inline>| {
        runs.iter_mut().for_each(|run| run.text = mask_numbers(&run.text));
    };
    for block in &mut document.blocks {
        match block {
            Block::Paragraph(runs)
            | Block::Heading { text: runs, .. }
            | Block::ListItem { text: runs, .. } => inlines(runs),
            Block::Quote(paragraphs) => paragraphs.iter_mut().for_each(inlines),
            Block::Table(rows) => rows.iter_mut().flatten().for_each(inlines),
            Block::Pairs(pairs) => pairs.iter_mut().for_each(|(_, v)| *v = mask_numbers(v)),
            Block::Picture(picture) => picture.caption = mask_numbers(&picture.caption),
            Block::Preformatted(text) | Block::Line { text, .. } => *text = mask_numbers(text),
            Block::Blank | Block::PageBreak => {}
        }
    }
    document.credit = mask_numbers(&document.credit);
}

/// `text` with every phone number written in it masked: a mainland mobile (11
/// digits `1[3-9]…`, also grouped 3-4-4 with spaces or hyphens, or after `+86`)
/// and a landline (`0851-86221234`). A run of digits that is part of a longer
/// number, a date or an amount of another length is left alone.
pub fn mask_numbers(text: &str) -> String {
    // Digits, `+`, spaces and hyphens are ASCII: the text is scanned as bytes
    // (a byte of a longer character is never one of them) and copied in slices.
    let bytes = text.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts = digit(i) || bytes[i] == b'+' && digit(i + 1);
        if !starts || i > 0 && digit(i - 1) {
            i += 1;
            continue;
        }
        // The run: digits, with single spaces or hyphens between groups.
        let mut end = i + 1;
        while end < bytes.len() {
            match bytes[end] {
                b'0'..=b'9' => end += 1,
                b' ' | b'-' if digit(end + 1) => end += 1,
                _ => break,
            }
        }
        if let Some(masked) = mask_run(&text[i..end]) {
            out.push_str(&text[copied..i]);
            out.push_str(&masked);
            copied = end;
        }
        i = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// The masked form of `run` when it is a phone number.
fn mask_run(run: &str) -> Option<String> {
    let digits: String = run.chars().filter(char::is_ascii_digit).collect();
    let mobile =
        |d: &str| d.len() == 11 && d.starts_with('1') && matches!(d.as_bytes()[1], b'3'..=b'9');
    if mobile(&digits) {
        return Some(hide(run, 3, 4));
    }
    if run.starts_with('+') && digits.starts_with("86") && mobile(&digits[2..]) {
        return Some(hide(run, 5, 4));
    }
    let (area, number) = run.split_once('-')?;
    let landline = area.starts_with('0')
        && (3..=4).contains(&area.len())
        && area.chars().all(|c| c.is_ascii_digit())
        && (7..=8).contains(&number.len())
        && number.chars().all(|c| c.is_ascii_digit());
    landline.then(|| mask(run))
}

/// A phone number with its middle digits hidden: a mobile keeps its first 3
/// and last 4 digits (`138****0001`), a landline its area code and the last 4
/// digits of the number (`0851-****1234`).
pub fn mask(phone: &str) -> String {
    let phone = phone.trim();
    match phone.split_once('-') {
        Some((area, number)) => format!("{area}-{}", hide(number, 0, 4)),
        None => hide(phone, 3, 4),
    }
}

/// `text` with every digit but the first `head` and the last `tail` replaced by
/// `*`; a short number keeps only the last half of its digits.
fn hide(text: &str, head: usize, tail: usize) -> String {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let (head, tail) = if digits <= head + tail { (0, digits / 2) } else { (head, tail) };
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= head || seen > digits - tail { c } else { '*' }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_the_middle_digits() {
        assert_eq!(mask("13800000001"), "138****0001");
        assert_eq!(mask(" 15285067890 "), "152****7890");
        assert_eq!(mask("0851-87721234"), "0851-****1234");
        assert_eq!(mask("0851-8772123"), "0851-***2123");
        assert_eq!(mask("085187721234"), "085*****1234");
        assert_eq!(mask("1234"), "**34");
    }

    #[test]
    fn numbers_in_the_text_are_masked_and_nothing_else() {
        let text =
            "联系13912345678，或139 1234 5678、139-1234-5670、+8613912345679，座机0851-86221234。";
        assert_eq!(
            mask_numbers(text),
            "联系139****5678，或139 **** 5678、139-****-5670、+86139****5679，座机0851-****1234。"
        );
        let kept = "2026-03-02，增长8.6%，投资12345678901234元，编号1012345678，第13912345678901号";
        assert_eq!(mask_numbers(kept), kept);
    }
}

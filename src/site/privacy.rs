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
    document
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
}

//! Template text left in a report's body: a placeholder sentence of its
//! category's template (`（写明时间、地点……）`) or an unfilled `{{…}}`. Found
//! when the report is parsed, so that a parse kept between runs needs no text
//! for the rule `template-text`.

use super::Category;
use crate::fields::Spanned;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// The placeholder sentences of each category's templates (the repository's
/// `templates/` and the built-in ones, read by [`crate::load`]), which a
/// report must not keep.
#[derive(Clone, Debug, Default)]
pub struct Placeholders {
    by_category: Vec<(Category, Vec<String>)>,
    digest: [u8; 32],
}

impl Placeholders {
    /// The placeholder sentences `by_category`.
    pub fn new(by_category: Vec<(Category, Vec<String>)>) -> Placeholders {
        let digest = Sha256::digest(format!("{by_category:?}")).into();
        Placeholders { by_category, digest }
    }

    /// The placeholder sentences of `category`'s templates.
    pub fn of(&self, category: Category) -> &[String] {
        self.by_category.iter().find(|(c, _)| *c == category).map_or(&[], |(_, p)| p.as_slice())
    }

    /// The SHA-256 of them all, to tell other templates.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }
}

/// The template text found in a report's body, in file order, under the
/// placeholders whose digest is `placeholders`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TemplateText {
    /// The digest of the placeholders looked for ([`Placeholders::digest`]).
    pub placeholders: [u8; 32],
    /// Each text found, where it stands.
    pub found: Vec<Spanned<String>>,
}

impl TemplateText {
    /// What of `placeholders` (those of `category`, none without one) and
    /// which `{{…}}` the body of the report text `text` still holds.
    pub fn find(
        text: &str,
        category: Option<Category>,
        placeholders: &Placeholders,
    ) -> TemplateText {
        let digest = placeholders.digest();
        let (Some(category), Ok(split)) = (category, super::split(text)) else {
            return TemplateText { placeholders: digest, found: Vec::new() };
        };
        let (base, body) = (split.body_offset, split.body);
        let mut found = occurrences(body, placeholders.of(category));
        let mut rest = 0;
        while let Some(open) = pair_at(body, rest, b'{') {
            let close = pair_at(body, open, b'}').map_or(open + 2, |at| at + 2);
            found.push((open, close, &body[open..close]));
            rest = close;
        }
        found.sort();
        if found.is_empty() {
            return TemplateText { placeholders: digest, found: Vec::new() };
        }
        let locator = crate::source::Locator::new(text);
        let found = found
            .into_iter()
            .map(|(start, end, text)| {
                let span = locator.span(base + start..base + end);
                Spanned { value: text.to_string(), pos: span.start, end: span.end }
            })
            .collect();
        TemplateText { placeholders: digest, found }
    }
}

/// Where each of `placeholders` occurs in `body`, as `match_indices` finds each
/// (`(start, end, text)`): one pass over the body for all of them, from their
/// first character (the templates' sentences all open with `（`).
fn occurrences<'a>(body: &'a str, placeholders: &[String]) -> Vec<(usize, usize, &'a str)> {
    let mut firsts: Vec<char> = placeholders.iter().filter_map(|p| p.chars().next()).collect();
    firsts.sort_unstable();
    firsts.dedup();
    let one_first = match firsts[..] {
        [first] if !placeholders.iter().any(String::is_empty) => Some(first),
        _ => None,
    };
    let Some(first) = one_first else { return each_apart(body, placeholders) };
    // Where each placeholder may match next: its matches do not overlap.
    let mut free = vec![0; placeholders.len()];
    let mut found = Vec::new();
    let mut first_bytes = [0; 4];
    let first = first.encode_utf8(&mut first_bytes).as_bytes();
    for at in memchr::memmem::find_iter(body.as_bytes(), first) {
        for (p, free) in placeholders.iter().zip(&mut free) {
            if at >= *free && body[at..].starts_with(p.as_str()) {
                *free = at + p.len();
                found.push((at, *free, &body[at..*free]));
            }
        }
    }
    found
}

/// Where `{{` (or `}}`: `brace` twice) first stands in `text` from byte `from`.
fn pair_at(text: &str, from: usize, brace: u8) -> Option<usize> {
    Some(from + memchr::memmem::find(text.as_bytes().get(from..)?, &[brace, brace])?)
}

/// [`occurrences`] one placeholder at a time.
fn each_apart<'a>(body: &'a str, placeholders: &[String]) -> Vec<(usize, usize, &'a str)> {
    let mut found = Vec::new();
    for p in placeholders {
        found.extend(body.match_indices(p.as_str()).map(|(at, text)| (at, at + text.len(), text)));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_of_braces_is_found_as_find_finds_it() {
        for text in ["", "{", "{{", "a{b{{c}}", "{x}{{", "｛{{", "}}{{}}"] {
            for brace in [b'{', b'}'] {
                let pair = if brace == b'{' { "{{" } else { "}}" };
                for from in 0..=text.len() {
                    if text.is_char_boundary(from) {
                        assert_eq!(
                            pair_at(text, from, brace),
                            text[from..].find(pair).map(|i| from + i),
                            "{text} {from}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn placeholders_are_found_in_one_pass_as_one_at_a_time() {
        let sets: [&[&str]; 3] =
            [&["（写明时间、地点）", "（写明参加人员）"], &["（甲（甲", "（甲"], &["（写明）", ""]];
        let bodies = [
            "",
            "（写明时间、地点）和（写明参加人员）（写明时间、地点）",
            "（甲（甲（甲（甲",
            "（写明）（写明）无",
        ];
        for set in sets {
            let set: Vec<String> = set.iter().map(|p| p.to_string()).collect();
            for body in bodies {
                let mut fast = occurrences(body, &set);
                let mut plain = each_apart(body, &set);
                fast.sort();
                plain.sort();
                assert_eq!(fast, plain, "{set:?} in {body}");
            }
        }
    }
}

//! The archive's full-text search index, for Chinese text without spaces
//! between words. Every pair of adjacent Chinese characters (a bigram) is a key,
//! the last character of a run is keyed with a space after it (so a one-character
//! query finds every occurrence by prefix), and runs of ASCII letters and digits
//! are keys as lowercase words. Each key maps to the sorted numbers of the reports
//! that contain it, delta-encoded in a compact base-64 varint. Chinese keys are
//! stored under their first character as one string of (second character,
//! postings) entries, so a key costs one character plus its postings.
//!
//! The index is plain JavaScript files loaded by `<script>` tags (a browser will
//! not `fetch` files from `file://`): `search/docs.js` lists what a query filters
//! and sorts on, `search/shard-K.js` hold the keys whose first character falls in
//! shard K, and `search/summary-K.js` the summaries shown under the results, so a
//! query loads only the shards and summaries it needs. `assets/search.js` reads them with the
//! same rules as [`keys`].

use super::{Entry, Page, Site};
use crate::layout::Document;
use crate::layout::document::{Block, Inline};
use std::collections::{BTreeMap, HashMap};

/// The varint alphabet: values 0–31 end a number, 32–63 carry 5 more bits.
const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Words longer than this are cut (the browser cuts queries the same way).
const MAX_WORD: usize = 32;

/// Bits of a document number in a packed posting (4 million reports).
const DOC_BITS: u32 = 22;

/// Roughly how many postings go into one shard.
const SHARD_POSTINGS: usize = 60_000;

/// Characters of report text shown under a search result.
const SUMMARY_CHARS: usize = 80;

/// Reports per file of summaries.
const SUMMARIES: usize = 500;

/// A Han character (CJK unified ideographs, extension A, compatibility, B–G).
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Full-width ASCII folded to ASCII, ASCII letters to lowercase.
fn fold(c: char) -> char {
    let c = match c as u32 {
        x @ 0xFF01..=0xFF5E => char::from_u32(x - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// The search keys of one text: Chinese pairs (the second may be `' '`, the end of
/// a run) and lowercase ASCII words, each sorted and without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    /// Adjacent Han characters, packed by [`pair`].
    pub pairs: Pairs,
    /// ASCII words, at most 32 characters.
    pub words: Vec<String>,
}

/// A report's pairs, sorted, kept as the gaps between them in LEB128: a
/// quarter of their size as numbers, and the form they are stored in between
/// builds, so that a kept report's pairs are copied, not decoded, until the
/// index reads them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pairs {
    count: usize,
    gaps: Vec<u8>,
}

impl Pairs {
    /// The pairs `sorted` (ascending).
    pub fn of(sorted: &[u64]) -> Pairs {
        debug_assert!(sorted.is_sorted(), "pairs are kept in order, as gaps");
        let mut gaps = Vec::with_capacity(sorted.len() * 3);
        let mut previous = 0;
        for &pair in sorted {
            write_number(&mut gaps, pair - previous);
            previous = pair;
        }
        Pairs { count: sorted.len(), gaps }
    }

    /// `count` pairs written as gaps at the front of `bytes`, which is moved
    /// past them; none unless there are that many gaps and they add up within
    /// 64 bits.
    pub fn read(count: usize, bytes: &mut &[u8]) -> Option<Pairs> {
        let start = *bytes;
        let mut previous: u64 = 0;
        for _ in 0..count {
            previous = previous.checked_add(read_number(bytes)?)?;
        }
        let gaps = start[..start.len() - bytes.len()].to_vec();
        Some(Pairs { count, gaps })
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Their gaps, as written.
    pub fn gaps(&self) -> &[u8] {
        &self.gaps
    }

    /// The pairs, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        let mut rest = self.gaps.as_slice();
        let mut previous: u64 = 0;
        (0..self.count).map_while(move |_| {
            previous = previous.checked_add(read_number(&mut rest)?)?;
            Some(previous)
        })
    }
}

/// Writes `n` in LEB128.
pub fn write_number(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a number written by [`write_number`] from the front of `bytes`.
pub fn read_number(bytes: &mut &[u8]) -> Option<u64> {
    let mut n: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        n |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(n);
        }
    }
    None
}

/// The search keys of `text`.
pub fn keys(text: &str) -> Keys {
    let mut pairs = Vec::new();
    let mut words = Vec::new();
    let mut previous: Option<char> = None;
    let mut word = String::new();
    for c in text.chars().map(fold) {
        if is_han(c) {
            flush_word(&mut word, &mut words);
            if let Some(p) = previous {
                pairs.push(pair(p, c));
            }
            previous = Some(c);
            continue;
        }
        if let Some(p) = previous.take() {
            pairs.push(pair(p, ' '));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush_word(&mut word, &mut words);
        }
    }
    if let Some(p) = previous {
        pairs.push(pair(p, ' '));
    }
    flush_word(&mut word, &mut words);
    pairs.sort_unstable();
    pairs.dedup();
    words.sort_unstable();
    words.dedup();
    Keys { pairs: Pairs::of(&pairs), words }
}

/// Two characters as one number, the first in the high bits.
pub fn pair(first: char, second: char) -> u64 {
    (u64::from(first) << 21) | u64::from(second)
}

/// The characters of a [`pair`].
pub fn unpair(pair: u64) -> (char, char) {
    let char_of = |bits: u64| char::from_u32((bits & 0x1F_FFFF) as u32).unwrap_or(' ');
    (char_of(pair >> 21), char_of(pair))
}

fn flush_word(word: &mut String, words: &mut Vec<String>) {
    if !word.is_empty() {
        words.push(word.chars().take(MAX_WORD).collect());
        word.clear();
    }
}

/// The numbers `docs` (ascending) as varint gaps.
fn encode(docs: &[u32], out: &mut String) {
    let mut previous: i64 = -1;
    for &doc in docs {
        let mut n = (i64::from(doc) - previous - 1) as u64;
        previous = i64::from(doc);
        loop {
            let low = (n & 31) as usize;
            n >>= 5;
            if n == 0 {
                out.push(ALPHABET[low] as char);
                break;
            }
            out.push(ALPHABET[32 + low] as char);
        }
    }
}

/// All text of a report that search looks at: title, keywords and body.
pub(super) fn text(entry: &Entry, document: &Document) -> String {
    let mut text = entry.title().to_string();
    for tag in &entry.report.tags {
        text.push('\n');
        text.push_str(tag);
    }
    for block in &document.blocks {
        text.push('\n');
        block.text(&mut text);
    }
    text
}

fn runs_text(runs: &[Inline], out: &mut String) {
    runs.iter().for_each(|r| out.push_str(&r.text));
}

/// The opening of the report's first paragraph, for the result list.
pub(super) fn summary_of(document: &Document) -> String {
    let mut text = String::new();
    for block in &document.blocks {
        if let Block::Paragraph(runs) = block {
            runs_text(runs, &mut text);
            break;
        }
    }
    let mut summary: String = text.chars().take(SUMMARY_CHARS).collect();
    if text.chars().count() > SUMMARY_CHARS {
        summary.push('…');
    }
    summary
}

/// The search index being built, a batch of reports at a time: only the packed
/// postings, the words and the summaries stay in memory.
#[derive(Default)]
pub(super) struct Index {
    /// Every (pair, document) as one number, pair in the high bits: sorted, they
    /// group by pair with each pair's documents in order.
    postings: Vec<u64>,
    /// ASCII word → the documents that have it, in order.
    words: HashMap<String, Vec<u32>>,
    /// Each document's summary, in order.
    summaries: Vec<String>,
}

impl Index {
    /// An index with room for `pairs` (pair, report) postings.
    pub(super) fn with_capacity(pairs: usize) -> Index {
        Index { postings: Vec::with_capacity(pairs), ..Index::default() }
    }

    /// Adds the next report in the site's order, with its search `keys` and the
    /// `summary` shown under its results.
    pub(super) fn push(&mut self, keys: &Keys, summary: &str) {
        let doc = self.summaries.len();
        if doc < 1 << DOC_BITS {
            self.postings.extend(keys.pairs.iter().map(|pair| (pair << DOC_BITS) | doc as u64));
            for word in &keys.words {
                self.words.entry(word.clone()).or_default().push(doc as u32);
            }
        }
        self.summaries.push(summary.to_string());
    }

    /// The index files: `search/docs.js`, its shards and the summaries.
    pub(super) fn pages(self, site: &Site) -> Vec<Page> {
        use rayon::prelude::*;
        let Index { mut postings, words, summaries } = self;
        by_pair(&mut postings);
        let total = postings.len() + words.values().map(Vec::len).sum::<usize>();
        let shards = (total / SHARD_POSTINGS + 1).next_power_of_two().min(256);
        // Per shard: Chinese keys grouped by their first character (each entry is the
        // second character, then its postings), and ASCII words.
        let mut han_shards: Vec<BTreeMap<char, String>> = vec![BTreeMap::new(); shards];
        let mut word_shards: Vec<BTreeMap<String, String>> = vec![BTreeMap::new(); shards];
        let mut numbers = Vec::new();
        for group in postings.chunk_by(|a, b| a >> DOC_BITS == b >> DOC_BITS) {
            let (first, second) = unpair(group[0] >> DOC_BITS);
            numbers.clear();
            numbers.extend(group.iter().map(|p| (p & ((1 << DOC_BITS) - 1)) as u32));
            let entry = han_shards[first as usize % shards].entry(first).or_default();
            entry.push(second);
            encode(&numbers, entry);
        }
        drop(postings);
        for (word, docs) in words {
            let first = word.chars().next().map_or(0, |c| c as usize);
            encode(&docs, word_shards[first % shards].entry(word).or_default());
        }
        let object = |pairs: Vec<(String, &String)>| {
            let body: Vec<String> = pairs.iter().map(|(k, v)| format!("\"{k}\":\"{v}\"")).collect();
            format!("{{{}}}", body.join(","))
        };
        let mut pages: Vec<Page> = han_shards
            .par_iter()
            .zip(&word_shards)
            .enumerate()
            .map(|(k, (han, words))| {
                let han = object(han.iter().map(|(c, v)| (c.to_string(), v)).collect());
                let words = object(words.iter().map(|(w, v)| (w.to_string(), v)).collect());
                Page {
                    path: format!("search/shard-{k}.js"),
                    bytes: format!("XB.shard({k},{han},{words});\n").into_bytes(),
                    tier: 0,
                }
            })
            .collect();
        pages.extend(docs(site, shards, &summaries));
        pages
    }
}

/// Sorts the packed postings by their pair, each pair's documents kept in the
/// order they were added (ascending), so that the result is their numeric
/// order: a stable radix sort on the pair's bits, a few passes over the
/// postings where comparing millions of them costs several times more.
fn by_pair(postings: &mut Vec<u64>) {
    const DIGIT: u32 = 11;
    let mut sorted = vec![0; postings.len()];
    let mut counts = vec![0usize; 1 << DIGIT];
    for shift in (DOC_BITS..64).step_by(DIGIT as usize) {
        let digit = |posting: u64| ((posting >> shift) & ((1 << DIGIT) - 1)) as usize;
        counts.fill(0);
        postings.iter().for_each(|&posting| counts[digit(posting)] += 1);
        if counts.contains(&postings.len()) {
            continue; // every posting has this digit: nothing moves
        }
        let mut start = 0;
        for count in &mut counts {
            (*count, start) = (start, start + *count);
        }
        for &posting in postings.iter() {
            let slot = &mut counts[digit(posting)];
            sorted[*slot] = posting;
            *slot += 1;
        }
        std::mem::swap(postings, &mut sorted);
    }
}

/// `search/docs.js`: what a query filters and sorts on, for every report (id,
/// title, unit and state as numbers into `XB.units` and `XB.states`, category,
/// date, late); and the summaries shown under the results, a file of
/// [`SUMMARIES`] reports each (`search/summary-K.js`), loaded only for the
/// results shown.
fn docs(site: &Site, shards: usize, summaries: &[String]) -> Vec<Page> {
    let mut units: Vec<&str> = site.entries.iter().map(|entry| entry.unit()).collect();
    units.sort_unstable();
    units.dedup();
    let states = crate::approval::State::ALL;
    // Each as a JSON array: id, title, unit, category, date, state, late.
    let docs: Vec<(&str, &str, usize, &str, String, usize, u8)> = site
        .entries
        .iter()
        .map(|entry| {
            let date = site.date(entry).map(|d| d.to_string()).unwrap_or_default();
            (
                entry.id(),
                entry.title(),
                units.binary_search(&entry.unit()).unwrap_or_default(),
                entry.category().id(),
                date,
                states.iter().position(|s| *s == entry.state()).unwrap_or_default(),
                u8::from(entry.is_late()),
            )
        })
        .collect();
    let categories: serde_json::Map<String, serde_json::Value> = crate::report::Category::ALL
        .iter()
        .map(|c| (c.id().to_string(), site.category_name(*c).into()))
        .collect();
    let states: Vec<&str> = states.iter().map(|s| site.state_name(*s)).collect();
    fn json(value: &impl serde::Serialize) -> String {
        serde_json::to_string(value).unwrap_or_default()
    }
    let body = format!(
        "var XB=window.XB||(window.XB={{}});XB.shards={shards};XB.summaries={SUMMARIES};XB.late={};XB.categories={};XB.units={};XB.states={};XB.docs={};\n",
        json(&site.t("迟报", "late")),
        json(&categories),
        json(&units),
        json(&states),
        json(&docs)
    );
    let mut pages =
        vec![Page { path: "search/docs.js".to_string(), bytes: body.into_bytes(), tier: 0 }];
    for (k, chunk) in summaries.chunks(SUMMARIES).enumerate() {
        pages.push(Page {
            path: format!("search/summary-{k}.js"),
            bytes: format!("XB.summary({k},{});\n", json(&chunk)).into_bytes(),
            tier: 0,
        });
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_sort_by_pair_then_document() {
        let mut postings: Vec<u64> = Vec::new();
        let pairs =
            [pair('调', '度'), pair('会', ' '), pair('调', '研'), pair('\u{3134F}', '\u{3134F}')];
        for doc in 0..3000u64 {
            for (k, p) in pairs.iter().enumerate() {
                if !(doc + k as u64).is_multiple_of(3) {
                    postings.push((p << DOC_BITS) | doc);
                }
            }
        }
        let mut expected = postings.clone();
        expected.sort_unstable();
        by_pair(&mut postings);
        assert_eq!(postings, expected);
    }

    fn keys_of(text: &str) -> Vec<String> {
        let keys = keys(text);
        let mut all: Vec<String> = keys
            .pairs
            .iter()
            .map(|p| {
                let (a, b) = unpair(p);
                format!("{a}{b}")
            })
            .collect();
        all.extend(keys.words);
        all.sort();
        all
    }

    #[test]
    fn pairs_are_kept_as_gaps_and_read_back_in_order() {
        let sorted = [0, 3, 3 << 21, (0x3134F << 21) | 0x3134F, u64::MAX];
        let pairs = Pairs::of(&sorted);
        assert_eq!(pairs.len(), 5);
        assert_eq!(pairs.iter().collect::<Vec<_>>(), sorted);
        let mut rest = pairs.gaps();
        assert_eq!(Pairs::read(5, &mut rest), Some(pairs.clone()));
        assert!(rest.is_empty());
        let mut rest = pairs.gaps();
        assert_eq!(Pairs::read(4, &mut rest).map(|p| p.len()), Some(4));
        assert!(!rest.is_empty(), "the fifth gap is left to read");
        assert_eq!(Pairs::read(6, &mut pairs.gaps()), None, "a gap missing");
        let mut over = Pairs::of(&[u64::MAX]).gaps().to_vec();
        over.extend(Pairs::of(&[1]).gaps());
        assert_eq!(Pairs::read(2, &mut over.as_slice()), None, "past 64 bits");
    }

    #[test]
    fn chinese_bigrams_and_words() {
        assert_eq!(keys_of("调度会，PM2.5"), ["5", "pm2", "会 ", "度会", "调度"]);
        assert_eq!(keys_of("水"), ["水 "]);
        assert_eq!(keys_of("调度调度，调度"), ["度 ", "度调", "调度"], "each pair once");
        assert_eq!(keys_of("ＡＢＣ投资"), ["abc", "投资", "资 "]);
    }

    #[test]
    fn postings_round_trip_through_the_alphabet() {
        let mut out = String::new();
        encode(&[0, 1, 2, 40, 2000], &mut out);
        // 0, gap 0, gap 0, gap 37 (two digits), gap 1959 (three digits).
        assert_eq!(out.len(), 1 + 1 + 1 + 2 + 3);
        assert!(out.bytes().all(|b| ALPHABET.contains(&b)));
    }
}

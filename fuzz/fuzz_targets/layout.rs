//! Markdown to document: a report that loads is laid out (headings, paragraphs,
//! lists, tables, pictures, limits) and its text taken, as for the DOCX and PDF.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static BENCH: LazyLock<common::Bench> = LazyLock::new(common::Bench::new);

fuzz_target!(|data: &[u8]| {
    if let Some((_, documents)) = BENCH.documents(data) {
        for document in &documents {
            let _ = document.text();
        }
    }
});

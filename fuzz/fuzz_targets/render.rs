//! DOCX and PDF of a report: every document that lays out is written as DOCX and
//! compiled to PDF with the embedded fonts, on a thread with the build's stack.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static BENCH: LazyLock<common::Bench> = LazyLock::new(common::Bench::new);

fuzz_target!(|data: &[u8]| {
    let Some((repo, documents)) = BENCH.documents(data) else { return };
    let names = &repo.settings.fonts;
    let fonts = xinbao::render::fonts::FontSet::embedded();
    for document in &documents {
        let _ = xinbao::render::docx::write(document, names);
        let _ = common::on_big_stack(|| xinbao::render::pdf::write(document, &fonts, names));
    }
});

//! The archive: a report that lays out gets its site built (its report page,
//! pictures, lists, search index), and the input's text is cut into search keys.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use std::sync::LazyLock;
use xinbao::site;

static BENCH: LazyLock<common::Bench> = LazyLock::new(common::Bench::new);

fuzz_target!(|data: &[u8]| {
    let _ = site::search::keys(&String::from_utf8_lossy(data));
    let Some((repo, documents)) = BENCH.documents(data) else { return };
    let entries = repo
        .reports
        .iter()
        .zip(&documents)
        .map(|(report, document)| site::Entry {
            report,
            document,
            trail: None,
            late: &[],
            received: None,
        })
        .collect();
    let files = BTreeSet::new();
    let assessment = site::Assessment::default();
    let lang = xinbao::lang::Lang::Zh;
    let input = site::Input { repo: &repo, entries, files: &files, lang, assessment: &assessment };
    site::build(&BENCH.out(), &input).expect("the archive is written");
});

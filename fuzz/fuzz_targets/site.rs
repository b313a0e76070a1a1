//! The archive: a report that lays out gets its site built (its report page,
//! pictures, lists, search index), and the input's text is cut into search keys.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use std::sync::LazyLock;
use xinbao::layout::report::prepare;
use xinbao::report::Report;
use xinbao::site;

static BENCH: LazyLock<common::Bench> = LazyLock::new(common::Bench::new);

fuzz_target!(|data: &[u8]| {
    let _ = site::search::keys(&String::from_utf8_lossy(data));
    let Some((repo, _)) = BENCH.check(data) else { return };
    let entries = repo
        .reports
        .iter()
        .filter(|report| prepare(&repo, report, None).is_ok())
        .map(|report| site::Entry { report, trail: None, late: &[], received: None })
        .collect();
    let layout = |report: &Report| prepare(&repo, report, None).ok();
    let files = BTreeSet::new();
    let assessment = site::Assessment::default();
    let input = site::Input {
        repo: &repo,
        entries,
        layout: &layout,
        files: &files,
        lang: xinbao::lang::Lang::Zh,
        assessment: &assessment,
        drafts: true,
    };
    let out = xinbao::out_dir::OutDir::open(&BENCH.out(), &BENCH.out()).expect("the output folder");
    site::build(&out, &input).expect("the archive is written");
});

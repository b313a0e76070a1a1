//! Front matter and YAML: any bytes as a report, through the real loader, every
//! rule, and the human and SARIF renderings of the findings.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static BENCH: LazyLock<common::Bench> = LazyLock::new(common::Bench::new);

fuzz_target!(|data: &[u8]| {
    let _ = BENCH.check(data);
});

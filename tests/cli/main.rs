//! Integration tests: the `xinbao` binary run on real files and real git repositories.
//! See `tests/README.md` for how fixtures announce the findings they expect.
//! The binary runs on its own harness (`harness.rs`): `#[test]` here is `tests/harness`'s.

#[macro_use]
extern crate xinbao_test_harness;

mod approvals;
mod archiving;
mod assessment;
mod browser;
mod bureau;
mod commands;
mod desk;
mod desk_page;
mod documents;
mod first_day;
mod formats;
mod harness;
mod history;
mod hostile;
mod late;
mod messages;
mod project;
mod receipts;
mod render;
mod rules;
mod schema;
mod settings;
mod site;
mod structure;
mod support;
mod trust;

fn main() {
    harness::main();
}

//! Integration tests: the `xinbao` binary run on real files and real git repositories.
//! See `tests/README.md` for how fixtures announce the findings they expect.

mod approvals;
mod assessment;
mod browser;
mod bureau;
mod commands;
mod documents;
mod first_day;
mod formats;
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

//! xinbao (信报): a government bureau's information reporting (信息报送) on top of git.
//!
//! Reports are Markdown files with YAML front matter in `reports/YYYY/MM/`; the
//! bureau's settings are in `xinbao.yaml`. Checking a repository is a pipeline:
//!
//! 1. [`config::load`] reads the settings;
//! 2. [`load::load`] finds the report and request files and [`report::parse`]s each
//!    one (front matter through [`yaml`], body through pulldown-cmark);
//! 3. [`history::read`] walks git once to learn when each file first appeared;
//! 4. [`rules::check`] judges every report against the bureau's rules;
//! 5. the [`diag`] renderers print the findings for people, JSON, GitHub or SARIF.
//!
//! [`commands`] wires these stages to the command line.

pub mod approval;
pub mod atomic;
pub mod build;
pub mod bulletin;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod commit;
pub mod config;
pub mod diag;
pub mod fields;
pub mod history;
pub mod lang;
pub mod layout;
pub mod load;
pub mod pipeline;
pub mod receipt;
pub mod render;
pub mod report;
pub mod request;
pub mod rules;
pub mod site;
pub mod slug;
pub mod source;
pub mod stats;
pub mod templates;
pub mod time;
pub mod workspace;
pub mod yaml;

//! xinbao (信报): a government bureau's information reporting (信息报送) on top of git.
//!
//! Reports are Markdown files with YAML front matter in `reports/YYYY/MM/`; the
//! bureau's settings are in `xinbao.yaml`. Every command runs the same pipeline
//! ([`pipeline`]), in the order of the process (see ARCHITECTURE.md):
//!
//! 1. a [`workspace::Workspace`] holds the root, the clock and every file read;
//! 2. [`history`] and [`approval`] read the signed history and the settings in force;
//! 3. [`load`] finds the report, request and bulletin files and parses each one
//!    ([`report`], front matter through [`yaml`], body through pulldown-cmark);
//! 4. [`rules`] judge every report against the bureau's rules, [`diag`] prints them;
//! 5. [`layout`] lays reports, notices and bulletins out as a format-free document,
//!    which [`render`] writes as DOCX and PDF and [`site`] shows in the archive.
//!
//! [`commands`] wires these stages to the command line, one thin file per command.

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
pub mod line;
pub mod load;
pub mod out_dir;
pub mod pipeline;
pub mod receipt;
pub mod render;
pub mod report;
pub mod request;
pub mod rules;
pub mod run;
pub mod site;
pub mod slug;
pub mod source;
pub mod stats;
pub mod templates;
pub mod time;
pub mod usage;
pub mod workspace;
pub mod yaml;

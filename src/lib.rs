//! xinbao (信报): a government bureau's information reporting (信息报送) on top of git.
//!
//! Reports are Markdown files with YAML front matter in `reports/YYYY/MM/`; the
//! bureau's settings are in `xinbao.yaml`. Every command that judges anything
//! goes through one assembly ([`pipeline::judge`]), in the order of the process
//! (see ARCHITECTURE.md):
//!
//! 1. a [`run::Run`], made once from the command line, holds the [`workspace::Workspace`]
//!    (the root, the clock and every file read), the git repository, the language
//!    and the trust root;
//! 2. [`history`] and [`approval`] read the signed history and the settings in force;
//! 3. [`load`] finds the report, request and bulletin files and parses each one
//!    ([`report`], front matter through [`yaml`], body through pulldown-cmark);
//! 4. [`rules`] judge every report against the bureau's rules, [`diag`] prints them;
//! 5. [`layout`] lays reports, notices and bulletins out as a format-free document,
//!    which [`render`] writes as DOCX and PDF and [`site`] shows in the archive.
//!
//! [`commands`] wires these stages to the command line, one thin file per command.

pub mod approval;
pub(crate) mod atomic;
pub mod build;
pub(crate) mod bulletin;
pub(crate) mod cache;
pub mod category;
pub mod cli;
pub mod commands;
pub(crate) mod commit;
pub(crate) mod commits;
pub mod config;
pub mod desk;
pub mod diag;
pub(crate) mod fields;
pub(crate) mod history;
pub mod lang;
pub mod layout;
pub(crate) mod line;
pub mod load;
pub mod out_dir;
pub(crate) mod parsed;
pub(crate) mod pipeline;
pub(crate) mod receipt;
pub mod render;
pub mod repo;
pub mod report;
pub(crate) mod request;
pub mod rules;
pub mod run;
pub mod site;
pub(crate) mod slug;
pub(crate) mod source;
pub(crate) mod stats;
pub mod templates;
pub(crate) mod time;
pub(crate) mod transfer;
pub(crate) mod tree;
pub mod usage;
pub(crate) mod volume;
pub(crate) mod workspace;
pub(crate) mod yaml;

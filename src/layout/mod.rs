//! Laying out for print: every document xinbao writes — a report, a bulletin
//! issue, the quarterly notice — becomes the format-free [`Document`] here, which
//! [`crate::render`] writes as DOCX and PDF and the archive shows as HTML.

pub mod bulletin;
pub mod document;
pub mod markdown;
pub mod notice;
pub mod picture;
pub mod report;
pub(crate) mod volume;

pub use document::Document;

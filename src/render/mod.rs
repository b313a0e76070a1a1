//! Writing laid-out documents for print (SPEC §7): [`docx`] and [`pdf`] turn the
//! format-free [`Document`] of [`crate::layout`] into bytes in the official
//! layout, with the faces of [`fonts`].

pub mod docx;
pub mod fonts;
pub mod pdf;

use crate::layout::document::{self, Document};
use anyhow::Context as _;
use sha2::{Digest, Sha256};

/// A hash of everything a rendered file depends on: the laid-out document, the
/// pictures' bytes, the fonts, the output format and the xinbao version.
pub fn inputs_hash(document: &Document, fonts: &crate::config::Fonts, format: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(env!("CARGO_PKG_VERSION"));
    hash.update(format);
    hash.update(format!("{document:?}{fonts:?}"));
    for block in &document.blocks {
        if let document::Block::Picture(picture) = block {
            hash.update(&picture.bytes);
        }
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The fonts for the PDFs of the work tree `ws`: the files of `fonts.files`
/// before the embedded faces. Unreadable files are reported and skipped.
pub fn font_set(
    ws: &crate::workspace::Workspace,
    names: &crate::config::Fonts,
) -> (std::sync::Arc<fonts::FontSet>, Vec<String>) {
    if names.files.is_empty() {
        return (fonts::FontSet::embedded(), Vec::new());
    }
    let files: Vec<(std::path::PathBuf, std::io::Result<Vec<u8>>)> =
        names.files.iter().map(|f| (ws.root().join(f), ws.read(std::path::Path::new(f)))).collect();
    let (set, problems) = fonts::FontSet::with_files(files);
    (std::sync::Arc::new(set), problems)
}

/// Writes `document` as DOCX to `docx` and as PDF to `pdf` (each when given,
/// atomically), with the fonts of the work tree `ws`; warnings go to
/// standard error prefixed by `label`. Gives the files written.
pub fn write_files(
    ws: &crate::workspace::Workspace,
    names: &crate::config::Fonts,
    document: &Document,
    label: &str,
    docx: Option<&std::path::Path>,
    pdf: Option<&std::path::Path>,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut written = Vec::new();
    if let Some(out) = docx {
        let rendered = docx::write(document, names)?;
        rendered.warnings.iter().for_each(|w| eprintln!("{label}: {w}"));
        crate::atomic::write(out, &rendered.bytes)
            .with_context(|| format!("writing {}", out.display()))?;
        written.push(out.to_path_buf());
    }
    if let Some(out) = pdf {
        let (fonts, problems) = font_set(ws, names);
        problems.iter().for_each(|p| eprintln!("{p}"));
        // On a thread with room for typst's deep recursion.
        let rendered = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(pdf::STACK)
                .spawn_scoped(scope, || pdf::write(document, &fonts, names))
                .context("starting the typst thread")?
                .join()
                .map_err(|_| anyhow::anyhow!("the typst compiler panicked"))?
        })?;
        rendered.warnings.iter().for_each(|w| eprintln!("{label}: {w}"));
        crate::atomic::write(out, &rendered.bytes)
            .with_context(|| format!("writing {}", out.display()))?;
        written.push(out.to_path_buf());
    }
    Ok(written)
}

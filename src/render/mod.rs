//! Writing laid-out documents for print (SPEC §7): [`docx`] and [`pdf`] turn the
//! format-free [`Document`] of [`crate::layout`] into bytes in the official
//! layout, with the faces of [`fonts`].

pub mod docx;
pub mod fonts;
pub mod pdf;
pub(crate) mod volume;

use crate::layout::document::{self, Document};
use anyhow::Context as _;
use sha2::{Digest, Sha256};

/// A hash of everything a rendered file depends on: the laid-out document, the
/// pictures' bytes, the fonts, the output format and the xinbao version.
pub fn inputs_hash(document: &Document, fonts: &crate::config::Fonts, format: &str) -> String {
    use std::hash::Hash as _;
    let mut hash = Sha(Sha256::new());
    hash.0.update(env!("CARGO_PKG_VERSION"));
    hash.0.update(format);
    (document, fonts).hash(&mut hash);
    for block in &document.blocks {
        if let document::Block::Picture(picture) = block {
            hash.0.update(&picture.bytes);
        }
    }
    hash.0.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 as a [`std::hash::Hasher`], so that a document hashes itself into it
/// field by field.
struct Sha(Sha256);

impl std::hash::Hasher for Sha {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// Unused: the digest is read from the SHA-256 itself.
    fn finish(&self) -> u64 {
        0
    }
}

/// The largest font file read: a CJK collection (Noto Serif CJK's is about
/// 120 MB) fits; a file of gigabytes is reported, not read.
const MAX_FONT_BYTES: u64 = 256 << 20;

/// The fonts for the PDFs of the work tree `ws`: the files of `fonts.files`
/// before the embedded faces. Unreadable files (and those past
/// 256 MiB) are reported and skipped; a file outside the repository
/// is never read (SPEC §6.3).
pub fn font_set(
    ws: &crate::workspace::Workspace,
    names: &crate::config::Fonts,
) -> (std::sync::Arc<fonts::FontSet>, Vec<String>) {
    if names.files.is_empty() {
        return (fonts::FontSet::embedded(), Vec::new());
    }
    let (inside, outside): (Vec<&String>, Vec<&String>) = names
        .files
        .iter()
        .partition(|f| crate::config::font_file_problem(Some(ws.root()), f).is_none());
    let read = |f: &str| ws.read_file(f, MAX_FONT_BYTES).map_err(std::io::Error::from);
    let files: Vec<(std::path::PathBuf, std::io::Result<Vec<u8>>)> =
        inside.iter().map(|f| (ws.root().join(f), read(f))).collect();
    let (set, mut problems) = fonts::FontSet::with_files(files);
    problems.extend(outside.iter().map(|f| {
        format!("{f}: 字体文件不在仓库内，已忽略 / font file outside the repository, ignored")
    }));
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
    for (out, kind, magic) in [(docx, "DOCX", &b"PK\x03\x04"[..]), (pdf, "PDF", b"%PDF-")] {
        if let Some(out) = out {
            not_over_another_file(out, kind, magic)?;
        }
    }
    let mut written = Vec::new();
    if let Some(out) = docx {
        let bytes = docx_bytes(document, names, label)?;
        crate::atomic::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
        written.push(out.to_path_buf());
    }
    if let Some(out) = pdf {
        let bytes = pdf_bytes(ws, names, document, label)?;
        crate::atomic::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
        written.push(out.to_path_buf());
    }
    Ok(written)
}

/// Refuses (exit 2) to write a `kind` document over a file that is not one (its
/// bytes do not start with `magic`): `render --docx reports/…/x.md` would put a
/// zip where the report was.
fn not_over_another_file(out: &std::path::Path, kind: &str, magic: &[u8]) -> anyhow::Result<()> {
    use std::io::Read as _;
    // Only a regular file is looked into: a pipe would never answer, and a
    // link or a folder is replaced, or refused, by the atomic write.
    let regular = std::fs::symlink_metadata(out).is_ok_and(|m| m.is_file() && m.len() > 0);
    let Some(mut file) = regular.then(|| std::fs::File::open(out).ok()).flatten() else {
        return Ok(());
    };
    let mut start = vec![0; magic.len()];
    if file.read_exact(&mut start).is_ok() && start == magic {
        return Ok(());
    }
    let shown = out.display();
    Err(crate::lang::unable(
        format!("{shown} 已存在且不是 {kind} 文件，不覆盖：请另选输出文件名"),
        format!("{shown} exists and is not a {kind} file: not overwritten; choose another name"),
    ))
}

/// The DOCX of one document; its warnings go to standard error, prefixed with `label`.
pub fn docx_bytes(
    document: &Document,
    names: &crate::config::Fonts,
    label: &str,
) -> anyhow::Result<Vec<u8>> {
    let rendered = docx::write(document, names)?;
    rendered.warnings.iter().for_each(|w| eprintln!("{label}: {w}"));
    Ok(rendered.bytes)
}

/// The PDF of one document (what `render --pdf` writes, and the desk's preview);
/// font problems and typst's warnings go to standard error, prefixed with `label`.
pub fn pdf_bytes(
    ws: &crate::workspace::Workspace,
    names: &crate::config::Fonts,
    document: &Document,
    label: &str,
) -> anyhow::Result<Vec<u8>> {
    let (fonts, problems) = font_set(ws, names);
    problems.iter().for_each(|p| eprintln!("{p}"));
    let rendered = on_threads(&[document], |document| pdf::write(document, &fonts, names))?
        .pop()
        .context("the typst thread gave no result")??;
    rendered.warnings.iter().for_each(|w| eprintln!("{label}: {w}"));
    Ok(rendered.bytes)
}

/// Runs `job` on each of `items` on threads of their own, one per core, with room
/// for typst's deep recursion, and gives the results in the items' order.
///
/// Documents are rendered here and not in rayon's pool: typst and krilla wait for
/// their background work by running other jobs of the pool they are in, so a pool
/// full of documents nests one document inside another on each thread, holding
/// them all in memory at once (half a megabyte a PDF, 5.9 GB for 10,000). Outside
/// the pool a document waits for its own work only.
pub fn on_threads<T: Sync, R: Send>(
    items: &[T],
    job: impl Fn(&T) -> R + Sync,
) -> anyhow::Result<Vec<R>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break done };
            done.push((i, job(item)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let threads = (0..cores.min(items.len()))
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(pdf::STACK)
                    .spawn_scoped(scope, work)
                    .context("starting a rendering thread")
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut results = Vec::with_capacity(items.len());
        for thread in threads {
            results
                .extend(thread.join().map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?);
        }
        anyhow::Ok(results)
    })?;
    results.sort_unstable_by_key(|(i, _)| *i);
    Ok(results.into_iter().map(|(_, r)| r).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_font_file_of_gigabytes_is_reported_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = std::fs::File::create(dir.path().join("big.ttf")).unwrap();
        big.set_len(MAX_FONT_BYTES + 1).unwrap();
        std::fs::write(dir.path().join("junk.ttf"), b"not a font").unwrap();
        let ws = crate::workspace::Workspace::new(dir.path(), chrono::Utc::now());
        let names = crate::config::Fonts {
            files: vec!["big.ttf".into(), "junk.ttf".into()],
            ..Default::default()
        };
        let (_, problems) = font_set(&ws, &names);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("big.ttf") && problems[0].contains("超过上限"),
            "{problems:?}"
        );
        assert!(problems[1].contains("not a usable font file"), "{problems:?}");
    }

    #[test]
    fn threads_give_every_result_in_order() {
        let items: Vec<u32> = (0..1000).collect();
        let squares = on_threads(&items, |n| n * n).unwrap();
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert!(on_threads(&[] as &[u32], |n| *n).unwrap().is_empty());
    }

    #[test]
    fn a_thread_never_runs_two_documents_at_once() {
        use rayon::prelude::*;
        // krilla and typst yield to rayon's pool while they wait: a document
        // rendered in the pool may start another one on the same thread.
        use std::sync::atomic::{AtomicUsize, Ordering};
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<u32> = (0..64).collect();
        on_threads(&items, |_| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            // Work in the pool while this item is in flight, as krilla does.
            let _: u64 = (0..10_000u64).into_par_iter().sum();
            running.fetch_sub(1, Ordering::SeqCst);
        })
        .unwrap();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert!(most.load(Ordering::SeqCst) <= cores);
    }
}

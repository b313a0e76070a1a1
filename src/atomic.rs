//! Writing outputs atomically: a temporary file beside the target, renamed into
//! place, so an interrupted run leaves the previous file intact.

use anyhow::Context as _;
use std::io::Write as _;
use std::path::Path;

/// Writes `bytes` to a temporary file beside `path` (creating its folder),
/// flushes it to the disk and renames it into place.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, &[bytes], true)
}

/// Like [`write()`] without waiting for the disk: an interrupted process still
/// leaves the old or the new file whole, at a fraction of the cost for thousands
/// of small files (the archive's pages).
pub fn write_unsynced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, &[bytes], false)
}

/// [`write_unsynced`] of `parts` one after another, not joined in memory first
/// (a cache file of megabytes).
pub fn write_parts_unsynced(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    replace(path, parts, false)
}

fn replace(path: &Path, parts: &[&[u8]], sync: bool) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let (temp, mut file) = match tempfile_in(dir) {
        // The folder is made only when it is missing, off the path of a rebuild.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            tempfile_in(dir)?
        }
        opened => opened?,
    };
    let written = parts
        .iter()
        .try_for_each(|part| file.write_all(part))
        .and_then(|()| if sync { file.sync_all() } else { Ok(()) });
    drop(file);
    let result = written.and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn tempfile_in(dir: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    for n in 0..1000u32 {
        let path = dir.join(format!(".xinbao-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
    Err(std::io::Error::other("no temporary file name available"))
}

/// Writes a file that must not exist yet, creating its folder.
pub fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

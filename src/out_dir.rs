//! The output folder of `build` (SPEC §6.3: nothing reaches outside). Every file
//! the build writes, keeps or removes goes through an [`OutDir`]: a path is a
//! plain relative path inside the folder (no `..`, no absolute path), folders on
//! the way are real folders (a symlink there is replaced by a folder, never
//! followed), and a symlink where a file goes is replaced, not written through.
//! A committed manifest or symlink therefore cannot make the build touch anything
//! outside its folder.

use anyhow::Context as _;
use std::path::{Component, Path, PathBuf};

/// A build's output folder.
#[derive(Debug, Clone)]
pub struct OutDir {
    root: PathBuf,
}

impl OutDir {
    /// Opens (creating it when missing) the output folder `dir` of the repository
    /// at `repo`. Refused when `dir`, or a folder between `repo` and it, is a
    /// symlink: a committed link must not send the build elsewhere.
    pub fn open(repo: &Path, dir: &Path) -> anyhow::Result<OutDir> {
        let repo = std::path::absolute(repo).unwrap_or_else(|_| repo.to_path_buf());
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        if let Ok(inside) = dir.strip_prefix(&repo) {
            let mut at = repo.clone();
            for part in inside.components() {
                at.push(part);
                if is_symlink(&at) {
                    return Err(crate::lang::unable(
                        format!("{} 是符号链接：输出目录不能经符号链接指向别处", at.display()),
                        format!(
                            "{} is a symbolic link: the output folder cannot lead elsewhere",
                            at.display()
                        ),
                    ));
                }
            }
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(OutDir { root: dir })
    }

    /// The folder itself.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Where `rel` is, when it is a plain relative path inside the folder.
    pub fn join(&self, rel: &str) -> Option<PathBuf> {
        is_plain(rel).then(|| self.root.join(rel))
    }

    /// Whether `rel` is a regular file reached through real folders (a symlink is
    /// not a file of the build, whatever it points at).
    pub fn is_file(&self, rel: &str) -> bool {
        self.reached(rel).is_some_and(|path| {
            std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_file())
        })
    }

    /// The bytes of the regular file `rel`, when [`OutDir::is_file`].
    pub fn read(&self, rel: &str) -> Option<Vec<u8>> {
        if !self.is_file(rel) {
            return None;
        }
        std::fs::read(self.root.join(rel)).ok()
    }

    /// The names of the regular files in the real folder `rel`.
    pub fn file_names(&self, rel: &str) -> Vec<String> {
        let Some(dir) = self.reached(rel).filter(|dir| !is_symlink(dir)) else {
            return Vec::new();
        };
        let entries = std::fs::read_dir(dir).into_iter().flatten().filter_map(Result::ok);
        entries
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
            .filter_map(|entry| entry.file_name().into_string().ok())
            .collect()
    }

    /// Makes `rel` a real folder inside: missing folders are created, a symlink
    /// on the way is replaced by an empty folder.
    pub fn make_dir(&self, rel: &str) -> anyhow::Result<PathBuf> {
        anyhow::ensure!(is_plain(rel) || rel.is_empty(), "not a path inside the output: {rel}");
        let mut at = self.root.clone();
        for part in rel.split('/').filter(|p| !p.is_empty()) {
            at.push(part);
            match std::fs::symlink_metadata(&at) {
                Ok(meta) if meta.file_type().is_dir() => continue,
                Ok(meta) if meta.file_type().is_symlink() => std::fs::remove_file(&at)
                    .with_context(|| format!("removing the symbolic link {}", at.display()))?,
                Ok(_) => anyhow::bail!("{} is a file, not a folder", at.display()),
                Err(_) => {}
            }
            match std::fs::create_dir(&at) {
                // Another thread of this build made it meanwhile: a real folder will do.
                Err(err)
                    if err.kind() == std::io::ErrorKind::AlreadyExists
                        && std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_dir()) => {
                }
                made => made.with_context(|| format!("creating {}", at.display()))?,
            }
        }
        Ok(at)
    }

    /// Writes `bytes` to `rel` atomically (synced to the disk when `sync`), in a
    /// real folder; a symlink at `rel` is replaced by the file.
    pub fn write(&self, rel: &str, bytes: &[u8], sync: bool) -> anyhow::Result<()> {
        let dir = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
        self.make_dir(dir)?;
        let target =
            self.join(rel).with_context(|| format!("not a path inside the output: {rel}"))?;
        let written = if sync {
            crate::atomic::write(&target, bytes)
        } else {
            crate::atomic::write_unsynced(&target, bytes)
        };
        written.with_context(|| format!("writing {}", target.display()))
    }

    /// Removes the file (or symlink) `rel` when it is reached through real
    /// folders; gives whether something was removed.
    pub fn remove(&self, rel: &str) -> bool {
        self.reached(rel).is_some_and(|path| {
            std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir())
                && std::fs::remove_file(path).is_ok()
        })
    }

    /// The path of `rel` when it is plain and every folder on its way is a real
    /// folder (not a symlink).
    fn reached(&self, rel: &str) -> Option<PathBuf> {
        let path = self.join(rel)?;
        let mut at = self.root.clone();
        let mut parts: Vec<&str> = rel.split('/').collect();
        parts.pop();
        for part in parts {
            at.push(part);
            if !std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_dir()) {
                return None;
            }
        }
        Some(path)
    }
}

/// Whether `rel` is a plain relative path: `/`-separated names, none empty, `.`
/// or `..`, no backslash or NUL (so no absolute or drive path either).
pub fn is_plain(rel: &str) -> bool {
    !rel.is_empty()
        && rel.split('/').all(|part| {
            !part.is_empty() && part != "." && part != ".." && !part.contains(['\\', '\0'])
        })
        && Path::new(rel).components().all(|c| matches!(c, Component::Normal(_)))
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_made_by_several_threads_at_once_are_made_once() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::open(dir.path(), &dir.path().join("public")).unwrap();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| out.make_dir("bulletins/2026").unwrap());
            }
        });
        assert!(dir.path().join("public/bulletins/2026").is_dir());
    }

    #[test]
    fn only_plain_relative_paths_are_inside() {
        for good in ["a.html", "reports/x.html", "files/2026-03-02-x.pdf", "调.html"] {
            assert!(is_plain(good), "{good}");
        }
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/", "a\\..\\b"] {
            assert!(!is_plain(bad), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_replaced_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let (repo, outside) = (dir.path().join("repo"), dir.path().join("outside"));
        std::fs::create_dir_all(repo.join("public")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), "keep").unwrap();
        let out = OutDir::open(&repo, &repo.join("public")).unwrap();
        // A symlinked folder on the way: nothing is reached, read or removed through it.
        std::os::unix::fs::symlink(&outside, repo.join("public/reports")).unwrap();
        assert!(!out.is_file("reports/secret.txt"));
        assert_eq!(out.read("reports/secret.txt"), None);
        assert!(!out.remove("reports/secret.txt"));
        assert!(out.file_names("reports").is_empty());
        // Writing there replaces the link by a folder.
        out.write("reports/a.html", b"page", false).unwrap();
        assert!(std::fs::symlink_metadata(repo.join("public/reports")).unwrap().is_dir());
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1);
        // A symlink where a file goes is not a file, and is replaced.
        std::os::unix::fs::symlink(outside.join("secret.txt"), repo.join("public/b.html")).unwrap();
        assert!(!out.is_file("b.html"));
        out.write("b.html", b"page", true).unwrap();
        assert_eq!(std::fs::read_to_string(outside.join("secret.txt")).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(repo.join("public/b.html")).unwrap(), "page");
        // Paths that leave the folder are refused.
        assert!(!out.remove("../outside/secret.txt"));
        assert!(out.write("../outside/x", b"x", false).is_err());
        // The output folder itself a symlink inside the repository: refused.
        std::os::unix::fs::symlink(&outside, repo.join("linked")).unwrap();
        assert!(OutDir::open(&repo, &repo.join("linked")).is_err());
        assert!(OutDir::open(&repo, &repo.join("linked/sub")).is_err());
    }
}

//! Who may talk to the desk (SPEC §11): only this machine (Host `127.0.0.1`,
//! `localhost` or `[::1]` with the desk's port, against DNS rebinding), only with
//! the token printed at start (a cookie set by the first page, or the header
//! `X-Xinbao-Token`), and a change only with the header (a cookie alone is what a
//! forged cross-site form would carry). Paths a request names stay in `reports/`.

use crate::lang::Text;
use std::io::Read as _;
use std::path::Path;

/// The header that carries the token.
pub const HEADER: &str = "X-Xinbao-Token";
/// The cookie that carries the token.
pub const COOKIE: &str = "xinbao_desk";

/// A fresh token: 32 bytes of the system's CSPRNG (`/dev/urandom`), in hex.
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .map_err(|err| anyhow::anyhow!("/dev/urandom: {err}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What a request shows of itself to the gate.
pub struct Asked<'a> {
    /// The `Host` header.
    pub host: Option<&'a str>,
    /// The token of the `X-Xinbao-Token` header.
    pub header: Option<&'a str>,
    /// The token of the cookie.
    pub cookie: Option<&'a str>,
    /// The token of the URL's `?token=` (the start line's address).
    pub query: Option<&'a str>,
    /// Whether the request changes something (any method but GET and HEAD).
    pub changes: bool,
}

/// Why the gate refused, in both languages.
pub fn refusal(asked: &Asked, port: u16, token: &str) -> Option<Text> {
    if !asked.host.is_some_and(|host| crate::commands::serve::is_local_host(host, port)) {
        return Some(Text::new(
            "只接受本机地址（127.0.0.1、localhost、[::1]）的请求",
            "only requests for this machine (127.0.0.1, localhost, [::1]) are answered",
        ));
    }
    let matches = |given: Option<&str>| given.is_some_and(|given| same(given, token));
    if asked.changes && !matches(asked.header) {
        return Some(Text::new(
            format!("修改类请求须带请求头 {HEADER}（仅有 cookie 不够）"),
            format!(
                "a request that changes something needs the {HEADER} header (a cookie is not enough)"
            ),
        ));
    }
    if !(matches(asked.header) || matches(asked.cookie) || matches(asked.query)) {
        return Some(Text::new(
            "缺少或错误的口令：请打开 xinbao desk 启动时打印的地址",
            "missing or wrong token: open the address xinbao desk printed when it started",
        ));
    }
    None
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value)
    })
}

/// Equal texts, compared without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `file` when it is a plain relative path under `reports/` (no `..`, no
/// absolute path, no backslash, no empty or hidden part).
fn plain_path(file: &str) -> Option<&str> {
    plain_in(file, crate::load::REPORTS)
}

/// `file` when it is a plain relative path under the folder `dir` (see
/// [`plain_path`]).
fn plain_in<'a>(file: &'a str, dir: &str) -> Option<&'a str> {
    let parts: Vec<&str> = file.split('/').collect();
    let plain = parts.iter().all(|part| {
        !part.is_empty() && !part.starts_with('.') && !part.contains(['\\', '\0', ':'])
    });
    (plain && parts.len() >= 2 && parts[0] == dir).then_some(file)
}

/// `file` when it is a plain relative path of a report under `reports/` ending in
/// `.md` (see [`plain_path`]).
pub fn report_path(file: &str) -> Option<&str> {
    plain_path(file).filter(|file| file.ends_with(".md"))
}

/// Writes `bytes` to `file` of the work tree `root`, atomically: only a plain
/// path under `reports/`, and never through a symbolic link (a folder on the way
/// or the file itself), so nothing is written outside the repository whatever a
/// history or a work tree holds.
pub fn write_under(root: &Path, file: &str, bytes: &[u8]) -> std::io::Result<()> {
    write_in(root, crate::load::REPORTS, file, bytes)
}

/// [`write_under`] for a plain path under the folder `dir` (`bulletins`, say).
pub fn write_in(root: &Path, dir: &str, file: &str, bytes: &[u8]) -> std::io::Result<()> {
    let refuse = |why: &str| {
        std::io::Error::new(std::io::ErrorKind::PermissionDenied, format!("{file}: {why}"))
    };
    let file =
        plain_in(file, dir).ok_or_else(|| refuse(&format!("not a plain path under {dir}/")))?;
    // Checked before any folder is made (a link would have them made outside), and after.
    let linked = || {
        let mut at = root.to_path_buf();
        file.split('/').any(|part| {
            at.push(part);
            std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
        })
    };
    if linked() {
        return Err(refuse("a symbolic link on the way"));
    }
    let path = root.join(file);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if linked() {
        return Err(refuse("a symbolic link on the way"));
    }
    crate::atomic::write(&path, bytes)
}

/// `id` when it can name a report: the characters of a file stem, no path.
pub fn report_id(id: &str) -> Option<&str> {
    let plain = !id.is_empty()
        && !id.starts_with('.')
        && id.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.');
    plain.then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked<'a>(host: &'a str, header: Option<&'a str>, cookie: Option<&'a str>) -> Asked<'a> {
        Asked { host: Some(host), header, cookie, query: None, changes: false }
    }

    #[test]
    fn the_gate_wants_the_host_and_the_token() {
        let token = "abc";
        assert!(refusal(&asked("127.0.0.1:9", Some("abc"), None), 9, token).is_none());
        assert!(refusal(&asked("localhost:9", None, Some("abc")), 9, token).is_none());
        assert!(refusal(&asked("evil.example:9", Some("abc"), None), 9, token).is_some());
        assert!(refusal(&asked("127.0.0.1:9", None, None), 9, token).is_some());
        assert!(refusal(&asked("127.0.0.1:9", Some("abd"), None), 9, token).is_some());
        let post = Asked { changes: true, ..asked("127.0.0.1:9", None, Some("abc")) };
        assert!(refusal(&post, 9, token).is_some());
        assert_eq!(cookie("a=1; xinbao_desk=abc", COOKIE), Some("abc"));
        assert_eq!(new_token().unwrap().len(), 64);
    }

    #[test]
    fn paths_stay_in_reports() {
        assert!(report_path("reports/2026/03/a.md").is_some());
        for bad in
            ["../x.md", "/etc/x.md", "reports/../x.md", "reports/a.txt", "x.md", "reports/.a.md"]
        {
            assert!(report_path(bad).is_none(), "{bad}");
        }
        assert!(report_id("2026-03-02-a").is_some());
        let dir = tempfile::tempdir().unwrap();
        assert!(write_under(dir.path(), "reports/a/b.md", b"x").is_ok());
        assert!(write_under(dir.path(), "reports/../b.md", b"x").is_err());
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(outside.path(), dir.path().join("reports/l")).unwrap();
            assert!(write_under(dir.path(), "reports/l/c.md", b"x").is_err());
            assert!(!outside.path().join("c.md").exists(), "nothing written through the link");
            assert!(write_under(dir.path(), "reports/l/d/e.md", b"x").is_err());
            assert!(!outside.path().join("d").exists(), "no folder made through the link");
            assert!(write_in(dir.path(), "bulletins", "bulletins/2026/01.yaml", b"x").is_ok());
            assert!(write_in(dir.path(), "bulletins", "reports/a/b.md", b"x").is_err());
        }
        assert!(report_id("../a").is_none());
    }
}

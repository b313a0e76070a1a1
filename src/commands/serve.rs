//! `xinbao serve`: builds the archive (an internal preview with the unpublished
//! reports, unless `--published`), serves the output folder on 127.0.0.1 for a
//! local preview, and builds again when a report, a request, the settings or the
//! branch changes (looked at once a second).
//!
//! Nothing reaches outside (SPEC §6.3): only requests for Host `127.0.0.1`,
//! `localhost` or `[::1]` with the server's port are answered (a web page
//! elsewhere cannot read the preview through DNS rebinding), and only regular
//! files reached without a symlink whose resolved path stays in the folder are
//! served.

use crate::build;
use crate::cli::ServeArgs;
use crate::lang::Lang;
use crate::run::Run;
use anyhow::Context as _;
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Runs `serve` until interrupted.
pub fn run(run: &Run, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let lang = run.lang();
    let mut build_args = args.build.clone();
    build_args.drafts = !args.published;
    // What the first build is made from, taken before it: a change made while it
    // runs, or before the watcher below first looks, is seen and rebuilt.
    let (root, trust_root) = (run.root().to_path_buf(), run.trust_root().map(str::to_string));
    let git = crate::run::discover(&root);
    let mut seen = fingerprint(&root, git.as_ref());
    let outcome = build::build(run, &build_args)?;
    outcome.print(lang);
    let server = tiny_http::Server::http(("127.0.0.1", args.port))
        .map_err(|err| anyhow::anyhow!("127.0.0.1:{}: {err}", args.port))?;
    let port = server.server_addr().to_ip().map_or(args.port, |a| a.port());
    match lang {
        Lang::Zh => {
            println!("预览地址：http://127.0.0.1:{port}/ （改动后自动重新生成，Ctrl-C 退出）")
        }
        Lang::En => {
            println!("preview at http://127.0.0.1:{port}/ (rebuilt on change; Ctrl-C stops)")
        }
    }
    std::io::stdout().flush().context("writing to standard output")?;

    std::thread::spawn(move || {
        // What did not change stays warm between rebuilds: the commits' facts and
        // the reports as parsed (a one-report change parses one report).
        let warm = Run::open(&root, lang, trust_root.clone()).keep_warm();
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let now = fingerprint(&root, git.as_ref());
            if now == seen {
                continue;
            }
            seen = now;
            // Each rebuild is a run of its own: the files and the clock read anew.
            let began = std::time::Instant::now();
            match build::build(&Run::warm(lang, trust_root.clone(), &warm), &build_args) {
                Ok(outcome) => {
                    outcome.print(lang);
                    let took = began.elapsed().as_secs_f64();
                    println!(
                        "{}",
                        lang.pick(
                            &format!("重新生成用时 {took:.2} 秒"),
                            &format!("rebuilt in {took:.2} s")
                        )
                    );
                }
                Err(err) => eprintln!("{err:#}"),
            }
            let _ = std::io::stdout().flush();
        }
    });

    let out = outcome.out.canonicalize().context("resolving the output folder")?;
    for request in server.incoming_requests() {
        let host = request.headers().iter().find(|h| h.field.equiv("Host"));
        let response = if host.is_some_and(|h| is_local_host(h.value.as_str(), port)) {
            respond(&out, request.method(), request.url())
        } else {
            text(403, "403 只接受本机地址（127.0.0.1、localhost）/ only local addresses are served")
        };
        let _ = request.respond(response);
    }
    Ok(ExitCode::SUCCESS)
}

/// A hash of what the archive is built from: the files under `reports/`,
/// `requests/`, `bulletins/` (names and [stamps](crate::parsed::Stamp)), `xinbao.yaml`, and the commits that
/// `HEAD` and the main branch point at.
pub(crate) fn fingerprint(root: &Path, git: Option<&git2::Repository>) -> Vec<u8> {
    let mut hash = Sha256::new();
    let dirs = [crate::load::REPORTS, crate::load::REQUESTS, crate::report::bulletin::DIR]
        .map(|d| root.join(d));
    let files = dirs.iter().flat_map(|dir| walkdir::WalkDir::new(dir).sort_by_file_name());
    for entry in files.flatten().map(|e| e.into_path()).chain([root.join(crate::config::FILE)]) {
        // As git's index tells a change: size, times and inode (a file rewritten
        // with its old time put back has a new status change time).
        hash.update(entry.to_string_lossy().as_bytes());
        hash.update(format!("{:?}\n", crate::parsed::Stamp::of(&entry)));
    }
    if let Some(git) = git {
        for name in ["HEAD", "main", "master"] {
            if let Ok(object) = git.revparse_single(name) {
                hash.update(object.id().as_bytes());
            }
        }
    }
    hash.finalize().to_vec()
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// Whether the Host header `host` names this server: `127.0.0.1`, `localhost`
/// or `[::1]`, with `port`.
pub(crate) fn is_local_host(host: &str, port: u16) -> bool {
    let host = host.trim().to_ascii_lowercase();
    ["127.0.0.1", "localhost", "[::1]"].iter().any(|name| host == format!("{name}:{port}"))
}

/// The file for `url` under `out` (canonical): folders give their `index.html`;
/// paths that would leave `out`, symlinks and anything but a regular file are
/// refused.
fn respond(out: &Path, method: &tiny_http::Method, url: &str) -> Response {
    use tiny_http::Method;
    if !matches!(method, Method::Get | Method::Head) {
        return text(405, "405 只支持 GET / only GET is served");
    }
    match served(out, url) {
        Ok((bytes, kind)) => {
            let header = tiny_http::Header::from_bytes("Content-Type", kind).ok();
            let response = tiny_http::Response::from_data(bytes);
            match header {
                Some(header) => response.with_header(header),
                None => response,
            }
        }
        Err((status, message)) => text(status, message),
    }
}

/// The bytes and content type of the file `url` names under `out` (canonical),
/// as [`respond`] serves it; else the status and why.
pub(crate) fn served(
    out: &Path,
    url: &str,
) -> Result<(Vec<u8>, &'static str), (u16, &'static str)> {
    let file = resolve(out, url).ok_or((400, "400 路径无效 / bad path"))?;
    let file = regular_file(out, file).map_err(|refused| match refused {
        Refused::Missing => (404, "404 没有这个页面 / not found"),
        Refused::Link => (403, "403 不提供符号链接 / symbolic links are not served"),
    })?;
    let bytes = std::fs::read(&file).map_err(|_| (404, "404 没有这个页面 / not found"))?;
    Ok((bytes, content_type(&file)))
}

/// Why a path is not served.
#[derive(Debug, PartialEq, Eq)]
enum Refused {
    /// Nothing, or not a regular file.
    Missing,
    /// A symlink on the way, or a path that resolves outside the folder.
    Link,
}

/// `file` (under `out`, canonical), or its `index.html` when it is a folder,
/// when it is a regular file reached without any symlink whose resolved path
/// stays inside `out`.
fn regular_file(out: &Path, file: PathBuf) -> Result<PathBuf, Refused> {
    let inside = file.strip_prefix(out).map_err(|_| Refused::Link)?.to_path_buf();
    let mut at = out.to_path_buf();
    for part in inside.components() {
        at.push(part);
        let meta = std::fs::symlink_metadata(&at).map_err(|_| Refused::Missing)?;
        if meta.file_type().is_symlink() {
            return Err(Refused::Link);
        }
    }
    let meta = std::fs::symlink_metadata(&at).map_err(|_| Refused::Missing)?;
    if meta.is_dir() {
        at.push("index.html");
    }
    let meta = std::fs::symlink_metadata(&at).map_err(|_| Refused::Missing)?;
    if meta.file_type().is_symlink() {
        return Err(Refused::Link);
    }
    if !meta.file_type().is_file() {
        return Err(Refused::Missing);
    }
    match at.canonicalize() {
        Ok(real) if real.starts_with(out) => Ok(real),
        Ok(_) => Err(Refused::Link),
        Err(_) => Err(Refused::Missing),
    }
}

fn text(status: u16, message: &str) -> Response {
    let response =
        tiny_http::Response::from_data(message.as_bytes().to_vec()).with_status_code(status);
    match tiny_http::Header::from_bytes("Content-Type", "text/plain; charset=utf-8") {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
}

/// The path under `out` that `url` names, percent-decoded; `None` when it climbs
/// out or is not UTF-8.
fn resolve(out: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let path = percent_decode(path)?;
    let mut file = out.to_path_buf();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part if part.contains('\\') || part.contains('\0') => return None,
            part => file.push(part),
        }
    }
    Some(file)
}

pub(crate) fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_output_folder() {
        let out = Path::new("/srv/public");
        assert_eq!(resolve(out, "/reports/a.html?x=1"), Some(out.join("reports/a.html")));
        assert_eq!(resolve(out, "/%E8%B0%83.html"), Some(out.join("调.html")));
        assert_eq!(resolve(out, "/../etc/passwd"), None);
        assert_eq!(resolve(out, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(out, "/a%5c..%5cb"), None);
        assert_eq!(resolve(out, "/%zz"), None);
    }

    #[test]
    fn only_local_hosts_with_the_port_are_answered() {
        for host in ["127.0.0.1:8000", "localhost:8000", "LocalHost:8000", "[::1]:8000"] {
            assert!(is_local_host(host, 8000), "{host}");
        }
        for host in ["evil.example:8000", "127.0.0.1:8001", "localhost", "127.0.0.1", "", "[::1]"] {
            assert!(!is_local_host(host, 8000), "{host}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_and_what_leaves_the_folder_are_not_served() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let (out, outside) = (root.join("public"), root.join("outside"));
        std::fs::create_dir_all(out.join("reports")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), "secret").unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("reports/a.html"), "a").unwrap();
        std::os::unix::fs::symlink(outside.join("secret.txt"), out.join("secret.html")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("linked")).unwrap();
        std::os::unix::fs::symlink(out.join("reports/a.html"), out.join("inner.html")).unwrap();
        assert_eq!(regular_file(&out, out.clone()), Ok(out.join("index.html")));
        assert_eq!(regular_file(&out, out.join("reports/a.html")), Ok(out.join("reports/a.html")));
        assert_eq!(regular_file(&out, out.join("secret.html")), Err(Refused::Link));
        assert_eq!(regular_file(&out, out.join("linked/secret.txt")), Err(Refused::Link));
        assert_eq!(regular_file(&out, out.join("inner.html")), Err(Refused::Link));
        assert_eq!(regular_file(&out, out.join("reports")), Err(Refused::Missing));
        assert_eq!(regular_file(&out, out.join("none.html")), Err(Refused::Missing));
        assert_eq!(regular_file(&out, outside.join("secret.txt")), Err(Refused::Link));
    }
}

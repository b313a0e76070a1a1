//! `xinbao serve`: builds the archive, serves the output folder on 127.0.0.1
//! for a local preview, and builds again when a report, a request, the settings
//! or the branch changes (looked at once a second).

use crate::build;
use crate::cli::ServeArgs;
use crate::lang::Lang;
use anyhow::Context as _;
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Runs `serve` until interrupted.
pub fn run(root: &Path, args: &ServeArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let outcome = build::build(root, &args.build, lang)?;
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

    let (root_owned, build_args) = (root.to_path_buf(), args.build.clone());
    std::thread::spawn(move || {
        let mut seen = fingerprint(&root_owned);
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let now = fingerprint(&root_owned);
            if now == seen {
                continue;
            }
            seen = now;
            crate::time::new_run();
            match build::build(&root_owned, &build_args, lang) {
                Ok(outcome) => outcome.print(lang),
                Err(err) => eprintln!("{err:#}"),
            }
            let _ = std::io::stdout().flush();
        }
    });

    for request in server.incoming_requests() {
        let response = respond(&outcome.out, request.method(), request.url());
        let _ = request.respond(response);
    }
    Ok(ExitCode::SUCCESS)
}

/// A hash of what the archive is built from: the files under `reports/`,
/// `requests/`, `bulletins/` (names, sizes, times), `xinbao.yaml`, and the commits that
/// `HEAD` and the main branch point at.
fn fingerprint(root: &Path) -> Vec<u8> {
    let mut hash = Sha256::new();
    let dirs = [crate::load::REPORTS, crate::load::REQUESTS, crate::report::bulletin::DIR]
        .map(|d| root.join(d));
    let files = dirs.iter().flat_map(|dir| walkdir::WalkDir::new(dir).sort_by_file_name());
    for entry in files.flatten().map(|e| e.into_path()).chain([root.join(crate::config::FILE)]) {
        if let Ok(meta) = std::fs::symlink_metadata(&entry) {
            hash.update(entry.to_string_lossy().as_bytes());
            hash.update(meta.len().to_le_bytes());
            hash.update(format!("{:?}", meta.modified().ok()));
        }
    }
    if let Some(git) = crate::history::open(root) {
        for name in ["HEAD", "main", "master"] {
            if let Ok(object) = git.revparse_single(name) {
                hash.update(object.id().as_bytes());
            }
        }
    }
    hash.finalize().to_vec()
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// The file for `url` under `out`: folders give their `index.html`; paths that
/// would leave `out` are refused.
fn respond(out: &Path, method: &tiny_http::Method, url: &str) -> Response {
    use tiny_http::Method;
    if !matches!(method, Method::Get | Method::Head) {
        return text(405, "405 只支持 GET / only GET is served");
    }
    let Some(file) = resolve(out, url) else {
        return text(400, "400 路径无效 / bad path");
    };
    let file = if file.is_dir() { file.join("index.html") } else { file };
    match std::fs::read(&file) {
        Ok(bytes) => {
            let kind = content_type(&file);
            let header = tiny_http::Header::from_bytes("Content-Type", kind).ok();
            let response = tiny_http::Response::from_data(bytes);
            match header {
                Some(header) => response.with_header(header),
                None => response,
            }
        }
        Err(_) => text(404, "404 没有这个页面 / not found"),
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

fn percent_decode(text: &str) -> Option<String> {
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
}

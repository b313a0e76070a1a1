//! `xinbao serve`: the local preview serves the archive, refuses `..`, symlinks and foreign
//! Host headers, and rebuilds on change.

use crate::support::{Sandbox, xinbao};
use std::io::{BufRead as _, Read as _, Write as _};

/// A running `xinbao serve`, stopped when dropped.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET path` from the server, for Host `127.0.0.1:PORT`: status and body.
fn get(port: u16, path: &str) -> (u16, String) {
    get_from(port, &format!("127.0.0.1:{port}"), path)
}

/// `GET path` from the server with the Host header `host`: status and body.
fn get_from(port: u16, host: &str, path: &str) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// `xinbao serve --port 0 --only site` in `sandbox`, once it prints its address.
fn serve(sandbox: &Sandbox) -> Server {
    let mut child = xinbao()
        .args(["serve", "--port", "0", "--only", "site"])
        .current_dir(sandbox.root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse::<u16>().unwrap();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, port }
}

#[test]
fn serve_previews_the_archive_and_rebuilds_on_change() {
    let sandbox = Sandbox::from_fixture("repo");
    let server = serve(&sandbox);
    let (status, body) = get(server.port, "/");
    assert_eq!(status, 200);
    assert!(body.contains("信息报送档案"));
    assert_eq!(get(server.port, "/reports/2026-03-02-good-work.html").0, 200);
    assert_eq!(get(server.port, "/no-such-page.html").0, 404);
    assert_eq!(get(server.port, "/../xinbao.yaml").0, 400);
    assert_eq!(get(server.port, "/%2e%2e/xinbao.yaml").0, 400);

    // Each change is seen, however the rebuilds keep the reports that did not
    // change: the second edit of one file too, and one with its old time put back.
    let path = sandbox.root().join("reports/2026/03/2026-03-02-good-work.md");
    let original = std::fs::read_to_string(&path).unwrap();
    let shown = |words: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let (_, body) = get(server.port, "/reports/2026-03-02-good-work.html");
            if body.contains(words) {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "no rebuild within 60 s: {words}");
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    };
    std::fs::write(&path, original.replace("安排下一步工作", "预览即时更新")).unwrap();
    shown("预览即时更新");
    std::fs::write(&path, original.replace("安排下一步工作", "预览再次更新")).unwrap();
    shown("预览再次更新");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let set_old =
        || std::fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
    set_old();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    std::fs::write(&path, original.replace("安排下一步工作", "预览三次更新")).unwrap();
    set_old();
    shown("预览三次更新");
}

#[cfg(unix)]
#[test]
fn serve_answers_only_local_hosts_and_never_follows_symlinks() {
    let sandbox = Sandbox::from_fixture("repo");
    let away = tempfile::tempdir().unwrap();
    std::fs::write(away.path().join("secret.txt"), "secret").unwrap();
    let public = sandbox.root().join("public");
    std::fs::create_dir_all(&public).unwrap();
    std::os::unix::fs::symlink(away.path().join("secret.txt"), public.join("secret.html")).unwrap();
    std::os::unix::fs::symlink(away.path(), public.join("linked")).unwrap();
    let server = serve(&sandbox);
    let port = server.port;

    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")]
    {
        let (status, body) = get_from(port, &host, "/");
        assert_eq!(status, 200, "{host}");
        assert!(body.contains("信息报送档案"), "{host}");
    }
    // A page elsewhere that rebinds its name to 127.0.0.1 gets nothing.
    for host in [format!("evil.example:{port}"), "127.0.0.1".to_string(), "localhost:1".into()] {
        let (status, body) = get_from(port, &host, "/");
        assert_eq!(status, 403, "{host}");
        assert!(!body.contains("信息报送档案"), "{host}");
    }
    // A committed symlink to a file or folder outside is not served.
    let (status, body) = get(port, "/secret.html");
    assert_eq!(status, 403);
    assert!(!body.contains("secret"));
    assert_eq!(get(port, "/linked/secret.txt").0, 403);
    // The preview holds the unpublished reports, marked.
    let (status, page) = get(port, "/reports/2026-03-02-good-work.html");
    assert_eq!(status, 200);
    assert!(page.contains("未发布（草稿）") && page.contains("内部预览"), "{page}");
}

//! `xinbao serve`: the local preview serves the archive, refuses `..` and rebuilds on change.

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

/// `GET path` from the server: status and body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[test]
fn serve_previews_the_archive_and_rebuilds_on_change() {
    let sandbox = Sandbox::from_fixture("repo");
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
    let server = Server { child, port };
    std::thread::spawn(move || lines.for_each(drop));
    let (status, body) = get(server.port, "/");
    assert_eq!(status, 200);
    assert!(body.contains("信息报送档案"));
    assert_eq!(get(server.port, "/reports/2026-03-02-good-work.html").0, 200);
    assert_eq!(get(server.port, "/no-such-page.html").0, 404);
    assert_eq!(get(server.port, "/../xinbao.yaml").0, 400);
    assert_eq!(get(server.port, "/%2e%2e/xinbao.yaml").0, 400);

    let path = sandbox.root().join("reports/2026/03/2026-03-02-good-work.md");
    let text = std::fs::read_to_string(&path).unwrap().replace("安排下一步工作", "预览即时更新");
    std::fs::write(&path, text).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (_, body) = get(server.port, "/reports/2026-03-02-good-work.html");
        if body.contains("预览即时更新") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no rebuild within 60 s");
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

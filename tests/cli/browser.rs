//! The archive in a real browser: Debian's chromium, headless, driven over
//! WebDriver by chromedriver. The project's own archive, as the internal preview
//! (`build --drafts`: every sample report, the unpublished ones marked 未发布), is opened from disk
//! (`file://`, no server), browsed by category and by month, searched in Chinese,
//! and a report is opened with its DOCX and PDF links; screenshots are saved.
//!
//! `XINBAO_SCREENSHOTS=docs cargo test browser` refreshes the screenshots in `docs/`.

use crate::support::{require, xinbao};
use base64::Engine as _;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The W3C WebDriver key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver process and one browser session, both ended when dropped.
pub(crate) struct Browser {
    driver: std::process::Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start(chromium: &Path) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = std::process::Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1000",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args}
        }}});
        let mut browser = Browser { driver, base, session: String::new(), _profile: profile };
        let created = browser.call("POST", "/session", Some(capabilities));
        browser.session = created["sessionId"].as_str().expect("a session").to_string();
        browser
    }

    /// One WebDriver command; gives its `value`.
    pub(crate) fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let response = match method {
            "GET" => ureq::get(&url).config().http_status_as_error(false).build().call(),
            _ => ureq::post(&url)
                .config()
                .http_status_as_error(false)
                .build()
                .send_json(body.unwrap_or_else(|| json!({}))),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let value: Value = response.body_mut().read_json().unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {value}");
        value["value"].clone()
    }

    pub(crate) fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    pub(crate) fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap().to_string()
    }

    /// The elements matching `css`.
    pub(crate) fn all(&self, css: &str) -> Vec<String> {
        let found =
            self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        found.as_array().unwrap().iter().map(|e| e[ELEMENT].as_str().unwrap().to_string()).collect()
    }

    /// The first element matching `css`, waiting up to 10 s for it.
    pub(crate) fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(first) = self.all(css).into_iter().next() {
                return first;
            }
            assert!(Instant::now() < deadline, "no {css} on {}", self.url());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub(crate) fn click(&self, css: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/click"), None);
    }

    pub(crate) fn text(&self, css: &str) -> String {
        let element = self.find(css);
        self.call("GET", &format!("/element/{element}/text"), None).as_str().unwrap().to_string()
    }

    /// A property of an element (`href` comes resolved to a full URL).
    pub(crate) fn property(&self, element: &str, name: &str) -> String {
        let value = self.call("GET", &format!("/element/{element}/property/{name}"), None);
        value.as_str().unwrap_or_default().to_string()
    }

    /// Empties a text field.
    pub(crate) fn clear(&self, css: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/clear"), None);
    }

    pub(crate) fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/value"), Some(json!({"text": text})));
    }

    /// A PNG of the window.
    pub(crate) fn screenshot(&self) -> Vec<u8> {
        let data = self.call("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD.decode(data.as_str().unwrap()).unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            let _ = ureq::delete(&url).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Saves a screenshot beside the site and, when asked, into `XINBAO_SCREENSHOTS`.
pub(crate) fn save(out: &Path, name: &str, png: &[u8]) {
    assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
    std::fs::write(out.join(name), png).unwrap();
    if let Some(dir) = std::env::var_os("XINBAO_SCREENSHOTS") {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), png).unwrap();
    }
}

/// Debian's chromium (GitHub's Ubuntu runners have Google Chrome instead), once
/// chromedriver is there too: `None` (skipped) without them outside CI.
fn chromium() -> Option<PathBuf> {
    let Some(chromium) =
        ["chromium", "google-chrome", "chromium-browser"].into_iter().find_map(which)
    else {
        require("chromium"); // skips with a message, or fails under CI
        return None;
    };
    require("chromedriver").then_some(chromium)
}

/// A headless browser: `None` (skipped) without chromium and chromedriver outside CI.
pub(crate) fn headless() -> Option<Browser> {
    chromium().map(|chromium| Browser::start(&chromium))
}

/// The project's own archive (the internal preview, with every sample report),
/// built into a temporary folder, and a browser:
/// `None` (skipped) without chromium and chromedriver outside CI.
fn the_project_archive_in_a_browser() -> Option<(tempfile::TempDir, Browser)> {
    let chromium = chromium()?;
    let out = tempfile::tempdir().unwrap();
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let built = xinbao()
        .args(["build", "--drafts", "--root"])
        .arg(project)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let browser = Browser::start(&chromium);
    Some((out, browser))
}

#[test]
fn the_archive_opens_from_disk_browses_and_searches_in_chinese() {
    let Some((out, browser)) = the_project_archive_in_a_browser() else { return };

    // The front page, straight from disk.
    browser.open(&file_url(&out.path().join("index.html")));
    assert!(browser.text("h1").contains("息烽县发展和改革局"));
    save(out.path(), "archive-index.png", &browser.screenshot());

    // A category.
    browser.click(r#"a[href="category/emergency.html"]"#);
    assert!(browser.url().ends_with("/category/emergency.html"), "{}", browser.url());
    assert_eq!(browser.text("main h1"), "突发紧急");
    assert!(browser.all(".items .item").len() >= 3);

    // A month, from the date index reached through the navigation.
    browser.click(r#"nav a[href="../date/index.html"]"#);
    browser.click(r#"a[href="2026-09.html"]"#);
    assert_eq!(browser.text("main h1"), "2026年9月");
    assert!(browser.all("table.calendar td.has").len() >= 3);

    // Search from the header box: a Chinese word found in one report only.
    browser.type_into(".quick-search input[name=q]", "停车");
    browser.click(".quick-search button");
    browser.find("#results li.item");
    let results = browser.all("#results li.item a.title");
    assert_eq!(results.len(), 1, "{}", browser.text("#status"));
    let href = browser.property(&results[0], "href");
    assert!(href.ends_with("reports/2026-09-17-chengqu-tingche-shoufei-diaoyan.html"), "{href}");
    assert!(browser.text("#status").contains("找到 1 条信息"));
    assert!(!browser.all("#results mark").is_empty(), "the word is marked");
    assert!(
        browser.text("#results li.item p.summary").chars().count() > 10,
        "the summary, from its own index file: {}",
        browser.text("#results li.item p.summary")
    );
    save(out.path(), "archive-search.png", &browser.screenshot());

    // A one-character query, and filters by category and date.
    browser.open(&format!(
        "{}?q=%E7%8C%AA&category=public-concern",
        file_url(&out.path().join("search.html"))
    ));
    browser.find("#results li.item");
    let pig: Vec<String> = browser
        .all("#results li.item a.title")
        .iter()
        .map(|e| browser.property(e, "href"))
        .collect();
    assert!(pig.iter().any(|h| h.ends_with("2026-04-08-shengzhu-jiage-xiaxing.html")), "{pig:?}");
    browser.open(&format!(
        "{}?q=%E5%81%9C%E8%BD%A6&to=2026-06-30",
        file_url(&out.path().join("search.html"))
    ));
    browser.find("#status");
    assert!(browser.text("#status").contains("没有找到"), "{}", browser.text("#status"));
    // And by unit: the report is 价格科's, not 投资科's.
    let search = file_url(&out.path().join("search.html"));
    browser.open(&format!("{search}?q=%E5%81%9C%E8%BD%A6&unit=%E4%BB%B7%E6%A0%BC%E7%A7%91"));
    browser.find("#results li.item");
    assert_eq!(browser.all("#results li.item").len(), 1, "{}", browser.text("#status"));
    browser.open(&format!("{search}?q=%E5%81%9C%E8%BD%A6&unit=%E6%8A%95%E8%B5%84%E7%A7%91"));
    browser.find("#status");
    assert!(browser.text("#status").contains("没有找到"), "{}", browser.text("#status"));

    // Digits are words: 1100 (parking spaces) is in the same report only.
    browser.open(&format!("{}?q=1100", file_url(&out.path().join("search.html"))));
    browser.find("#results li.item");
    let digits: Vec<String> = browser
        .all("#results li.item a.title")
        .iter()
        .map(|e| browser.property(e, "href"))
        .collect();
    assert_eq!(digits.len(), 1, "{digits:?}");
    assert!(digits[0].ends_with("2026-09-17-chengqu-tingche-shoufei-diaoyan.html"));

    // The report, with its documents to download.
    browser.open(&href);
    assert!(browser.text("main h1").contains("停放服务收费"), "the report found by its body");
    let downloads: Vec<String> =
        browser.all("a.download").iter().map(|e| browser.property(e, "href")).collect();
    assert_eq!(downloads.len(), 2, "{downloads:?}");
    for link in &downloads {
        let path = link.strip_prefix("file://").unwrap();
        assert!(Path::new(path).is_file(), "{link}");
    }
    save(out.path(), "archive-report.png", &browser.screenshot());

    // The statistics, through the navigation: two charts drawn at build time, shown
    // without any script, and the tables.
    browser.click(r#"nav a[href="../stats.html"]"#);
    assert_eq!(browser.text("main h1"), "统计与考核");
    assert_eq!(browser.all("svg.chart").len(), 2);
    let size = browser.call(
        "POST",
        "/execute/sync",
        Some(json!({"script": "const r = document.querySelector('svg.chart rect.bar-ok').getBoundingClientRect(); return r.width * r.height;", "args": []})),
    );
    assert!(size.as_f64().unwrap() > 100.0, "a bar is drawn: {size}");
    assert!(browser.text("main").contains("投资科"));
    save(out.path(), "archive-stats.png", &browser.screenshot());

    // The bulletins: the project's first issue, with its documents.
    browser.click(r#"nav a[href="bulletins.html"]"#);
    assert!(browser.text("main h2").contains("《发改信息》2026年第1期"));
    let pdf = browser.property(&browser.find(r#"a[href="bulletins/2026-01.pdf"]"#), "href");
    assert!(Path::new(pdf.strip_prefix("file://").unwrap()).is_file(), "{pdf}");
    browser.open(&href);

    // On a phone's width the page still fits: no sideways scrolling.
    browser.call("POST", "/window/rect", Some(json!({"width": 390, "height": 844})));
    let overflow = browser.call(
        "POST",
        "/execute/sync",
        Some(json!({"script": "return document.documentElement.scrollWidth - window.innerWidth;", "args": []})),
    );
    assert!(overflow.as_i64().unwrap() <= 0, "wider than the phone by {overflow}px");
    save(out.path(), "archive-phone.png", &browser.screenshot());
}

/// axe-core (vendored, `tests/axe/axe.min.js`, MPL-2.0), run inside the page.
const AXE: &str = include_str!("../axe/axe.min.js");

impl Browser {
    /// The accessibility violations axe-core finds on the open page, one line each.
    pub(crate) fn axe_violations(&self) -> Vec<String> {
        // Run as WebDriver's own script, which a page's Content-Security-Policy
        // (the desk's forbids inline scripts) does not stop.
        let loaded = self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": "return !!window.axe;", "args": []})),
        );
        if loaded != json!(true) {
            let load = format!("{AXE}\nreturn !!window.axe;");
            let loaded =
                self.call("POST", "/execute/sync", Some(json!({"script": load, "args": []})));
            assert_eq!(loaded, json!(true), "axe-core loads");
        }
        let script = r#"
            const done = arguments[arguments.length - 1];
            window.axe.run(document, { resultTypes: ['violations'] })
                .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help
                    + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                .catch(e => done(['axe failed: ' + e]));
        "#;
        let found =
            self.call("POST", "/execute/async", Some(json!({"script": script, "args": []})));
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }
}

#[test]
fn axe_finds_no_accessibility_violations_in_the_archive() {
    let Some((out, browser)) = the_project_archive_in_a_browser() else { return };
    let pages = [
        "index.html",
        "category/index.html",
        "category/emergency.html",
        "date/index.html",
        "date/2026-09.html",
        "unit/index.html",
        "reports/2026-05-12-zhongdian-xiangmu-jinzhan.html",
        "reports/2026-11-28-jiage-xuncha.html",
        "stats.html",
        "bulletins.html",
        "volumes/index.html",
        "volumes/2026.html",
        "search.html",
    ];
    let mut found = Vec::new();
    for page in pages {
        let path = out.path().join(page);
        assert!(path.is_file(), "{page}");
        browser.open(&file_url(&path));
        found.extend(browser.axe_violations().into_iter().map(|v| format!("{page}: {v}")));
    }
    assert!(found.is_empty(), "axe-core:\n{}", found.join("\n"));
}

//! The archive site: every page present and linked inside the site, report text
//! never turned into markup, byte-identical and incremental builds, `serve`, and
//! the git hooks (`xinbao hook install`, contrib/pre-receive and post-receive).

use crate::support::{Sandbox, git_command, xinbao};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, Read as _, Write as _};
use std::path::Path;

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `xinbao build --only site --out OUT` on the repository at `root`.
fn build_site(root: &Path, out: &Path) -> String {
    let output = xinbao()
        .args(["build", "--only", "site", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Every file under `dir`, relative, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A start tag: its name and attributes (the site always quotes with `"`).
#[derive(Debug)]
pub struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

/// The start tags of an HTML page. Report text is escaped, so every `<` that
/// opens a tag is the site's own markup.
fn tags(html: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').expect("unclosed tag");
        let inside = &rest[..end];
        rest = &rest[end + 1..];
        if inside.starts_with(['/', '!']) {
            continue;
        }
        let name: String = inside.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let mut attrs = Vec::new();
        let mut text = &inside[name.len()..];
        while let Some(eq) = text.find("=\"") {
            let key = text[..eq].trim().rsplit(' ').next().unwrap().to_string();
            let value_end = text[eq + 2..].find('"').expect("unclosed attribute");
            attrs.push((key, text[eq + 2..eq + 2 + value_end].to_string()));
            text = &text[eq + 2 + value_end + 1..];
        }
        tags.push(Tag { name, attrs });
    }
    tags
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Where a relative link of `page` points, relative to the site's root; `None`
/// when it climbs out of the site.
fn resolve(page: &str, link: &str) -> Option<String> {
    let path = link.split(['#', '?']).next().unwrap();
    let mut parts: Vec<String> = page.split('/').map(str::to_string).collect();
    parts.pop();
    if path.is_empty() {
        return Some(page.to_string());
    }
    for part in percent_decode(path).split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part.to_string()),
        }
    }
    Some(parts.join("/"))
}

/// The site's own tags; anything else in a page would have come from a report.
const TAGS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "link",
    "body",
    "header",
    "div",
    "a",
    "span",
    "form",
    "input",
    "button",
    "nav",
    "main",
    "footer",
    "section",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "small",
    "br",
    "dl",
    "dt",
    "dd",
    "p",
    "ul",
    "ol",
    "li",
    "article",
    "strong",
    "em",
    "del",
    "blockquote",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "figure",
    "img",
    "figcaption",
    "pre",
    "code",
    "details",
    "summary",
    "label",
    "select",
    "option",
    "noscript",
    "script",
    "tfoot",
    // The statistics page's charts, drawn at build time.
    "svg",
    "rect",
    "line",
    "text",
];

/// Checks every page of the site in `out`: only the site's own tags, scripts
/// only on the search page, every link and picture inside the site and present.
/// Gives the pages' start tags by path.
pub fn check_site(out: &Path) -> BTreeMap<String, Vec<Tag>> {
    let files = tree(out);
    let mut pages = BTreeMap::new();
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes.clone()).unwrap();
        let page_tags = tags(&html);
        for tag in &page_tags {
            assert!(TAGS.contains(&tag.name.as_str()), "{path}: <{}> is not the site's", tag.name);
            for (key, value) in &tag.attrs {
                assert!(!key.starts_with("on"), "{path}: event handler {key}");
                if !matches!(key.as_str(), "href" | "src" | "action") {
                    continue;
                }
                let value = unescape(value);
                let lower = value.to_ascii_lowercase();
                if lower.starts_with("https://")
                    || lower.starts_with("http://")
                    || lower.starts_with("mailto:")
                {
                    assert_eq!(tag.name, "a", "{path}: external {value} outside a link");
                    continue;
                }
                assert!(!value.contains(':'), "{path}: {key}={value} has a scheme");
                assert!(!value.starts_with('/'), "{path}: {key}={value} is absolute");
                let target = resolve(path, &value)
                    .unwrap_or_else(|| panic!("{path}: {key}={value} leaves the site"));
                assert!(files.contains_key(&target), "{path}: {key}={value} → {target} is missing");
            }
        }
        let scripts: Vec<&str> = page_tags
            .iter()
            .filter(|t| t.name == "script")
            .map(|t| t.attrs.iter().find(|(k, _)| k == "src").map(|(_, v)| v.as_str()).unwrap())
            .collect();
        if path == "search.html" {
            assert_eq!(scripts, ["search/docs.js", "assets/search.js"]);
        } else {
            assert!(scripts.is_empty(), "{path}: scripts {scripts:?}");
        }
        pages.insert(path.clone(), page_tags);
    }
    pages
}

fn hrefs(tags: &[Tag]) -> Vec<&str> {
    tags.iter()
        .flat_map(|t| t.attrs.iter().filter(|(k, _)| k == "href").map(|(_, v)| v.as_str()))
        .collect()
}

fn read(out: &Path, page: &str) -> String {
    std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

#[test]
fn the_projects_archive_has_every_page_and_links_only_inside_itself() {
    let out = tempfile::tempdir().unwrap();
    let summary = build_site(project(), out.path());
    assert!(summary.contains("档案网站：写入 "), "{summary}");
    let pages = check_site(out.path());

    let ids: Vec<String> = walkdir::WalkDir::new(project().join("reports"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for id in &ids {
        assert!(pages.contains_key(&format!("reports/{id}.html")), "no page for {id}");
    }
    for category in [
        "work",
        "county-project",
        "innovation",
        "research",
        "implementation",
        "leader-visit",
        "public-concern",
        "party-building",
        "holiday-safety",
        "emergency",
    ] {
        assert!(pages.contains_key(&format!("category/{category}.html")), "{category}");
    }
    for page in [
        "index.html",
        "category/index.html",
        "date/index.html",
        "unit/index.html",
        "request/index.html",
        "search.html",
        "stats.html",
        "bulletins.html",
    ] {
        assert!(pages.contains_key(page), "{page}");
    }
    // Every month with a report has its page, and the front page links the sections.
    for month in 1..=10 {
        assert!(pages.contains_key(&format!("date/2026-{month:02}.html")), "month {month}");
    }
    let front = hrefs(&pages["index.html"]);
    for link in ["category/emergency.html", "date/2026-10.html", "unit/touzike.html", "search.html"]
    {
        assert!(front.contains(&link), "index.html lacks {link}: {front:?}");
    }
    let index = read(out.path(), "index.html");
    assert!(index.contains("息烽县发展和改革局") && index.contains("突发紧急"), "labels");

    // A month is a calendar with the days that have reports.
    let april = read(out.path(), "date/2026-04.html");
    assert!(april.contains(r#"<table class="calendar">"#));
    assert!(april.contains(r##"href="#d-2026-04-14""##) && april.contains(r#"id="d-2026-04-14""#));

    // Relations: an emergency and its follow-ups, a request and its answers, a retraction.
    let first = hrefs(&pages["reports/2026-04-14-gongdi-jiaoshoujia-tanta.html"]);
    assert!(first.contains(&"2026-04-14-gongdi-jiaoshoujia-tanta-xubao1.html"), "{first:?}");
    let emergency = read(out.path(), "reports/2026-04-14-gongdi-jiaoshoujia-tanta.html");
    assert!(
        emergency.contains(r#"<table class="elements">"#) && emergency.contains("突发事件要素")
    );
    let follow_up = hrefs(&pages["reports/2026-04-14-gongdi-jiaoshoujia-tanta-xubao1.html"]);
    assert!(follow_up.contains(&"2026-04-14-gongdi-jiaoshoujia-tanta.html"));
    let answers = hrefs(&pages["request/index.html"]);
    assert!(answers.iter().filter(|h| h.starts_with("../reports/")).count() >= 4, "{answers:?}");
    let retracted = read(out.path(), "reports/2026-04-16-yijidu-jingji-yunxing.html");
    assert!(retracted.contains("此信息已被撤回"), "retraction banner");

    // Pictures are copied into the site, with their captions.
    let with_picture = pages.values().flatten().filter(|t| t.name == "img").count();
    assert!(with_picture >= 6, "{with_picture} pictures");
    // The approval trail of a report approved by a real signed merge.
    let approved: Vec<&String> = pages
        .keys()
        .filter(|p| p.starts_with("reports/") && read(out.path(), p).contains("审核签发"))
        .collect();
    assert!(approved.len() >= 3, "{approved:?}");
    assert!(read(out.path(), approved[0]).contains("SHA256:"), "key fingerprint");

    // The search index names every report and holds its words.
    let docs = read(out.path(), "search/docs.js");
    for id in &ids {
        assert!(docs.contains(&format!("[\"{id}\",")), "{id} not in the index");
    }
    let shards: String = tree(out.path())
        .iter()
        .filter(|(p, _)| p.starts_with("search/shard-"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    // Chinese keys are filed under their first character: "停":"…车<postings>…".
    let entry = |first: &str| {
        let start = shards.find(&format!("\"{first}\":\"")).unwrap_or_else(|| panic!("{first}"));
        let rest = &shards[start + first.len() + 4..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    assert!(entry("停").contains('车') && entry("脚").contains('手'));
}

#[test]
fn report_text_never_becomes_markup_and_unsafe_links_lose_their_target() {
    let sandbox = Sandbox::from_fixture("repo");
    sandbox.write(
        "reports/2026/03/2026-03-09-good-links.md",
        "---\ntitle: 链接测试\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\n\
         occurred_at: 2026-03-09T09:00:00+08:00\nsubmitted_at: 2026-03-09T17:00:00+08:00\n---\n\n\
         见[调度会](2026-03-02-good-work.md)和[官网](https://example.org/a?b=1&c=\"2\")，\
         <b onmouseover=alert(1)>粗</b>，[坏](javascript:alert(1))，[外](../../../../etc/passwd)，\
         [仓库外](../../../xinbao.yaml)，[图](data:text/html,<script>alert(1)</script>)。\n",
    );
    let out = sandbox.root().join("public");
    build_site(sandbox.root(), &out);
    check_site(&out);

    let raw = read(&out, "reports/2026-03-12-bad-raw-html.html");
    assert!(
        raw.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "script shown as text"
    );
    assert!(raw.contains("&lt;img src=x onerror=alert(1)&gt;"), "img shown as text");
    let links = read(&out, "reports/2026-03-09-good-links.html");
    let link_tags = tags(&links);
    let body_links: Vec<&str> =
        hrefs(&link_tags).into_iter().filter(|h| !h.starts_with("../")).collect();
    assert_eq!(
        body_links,
        ["2026-03-02-good-work.html", "https://example.org/a?b=1&amp;c=&quot;2&quot;"],
        "only the report and the web link keep their targets"
    );
    for text in ["坏", "外", "仓库外", "&lt;b onmouseover=alert(1)&gt;粗&lt;/b&gt;"] {
        assert!(links.contains(text), "{text} kept as text");
    }
    let unsafe_links = read(&out, "reports/2026-03-12-bad-unsafe-link.html");
    assert_eq!(
        hrefs(&tags(&unsafe_links))
            .into_iter()
            .filter(|h| !h.starts_with("../"))
            .collect::<Vec<_>>(),
        ["https://example.org"]
    );
    // Reports that fail the check are not in the archive.
    assert!(!out.join("reports/2026-03-11-bad-images.html").exists());
}

#[test]
fn the_archive_speaks_english_with_lang_en() {
    let sandbox = Sandbox::from_fixture("repo");
    let out = sandbox.root().join("en");
    let built = xinbao()
        .args(["--lang", "en", "build", "--only", "site", "--out"])
        .arg(&out)
        .current_dir(sandbox.root())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&built.stdout).contains("archive: "), "summary in English");
    let index = read(&out, "index.html");
    assert!(index.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(index.contains("Information archive") && index.contains("Emergencies"));
    assert!(read(&out, "search.html").contains("Full-text search"));
    let page = read(&out, "reports/2026-03-02-good-work.html");
    assert!(page.contains("Submitted") && page.contains("Work news"));
    check_site(&out);
}

#[test]
fn site_builds_are_byte_identical_and_incremental() {
    let sandbox = Sandbox::from_fixture("repo");
    let (a, b) = (sandbox.root().join("a"), sandbox.root().join("b"));
    build_site(sandbox.root(), &a);
    let other = xinbao()
        .env("TZ", "America/New_York")
        .args(["build", "--only", "site", "--out"])
        .arg(&b)
        .current_dir(sandbox.root())
        .output()
        .unwrap();
    assert!(other.status.code().is_some_and(|c| c <= 1));
    let first = tree(&a);
    assert_eq!(first, tree(&b), "two builds of the same input differ");

    // Nothing changed: nothing written.
    let again = build_site(sandbox.root(), &a);
    assert!(again.contains("档案网站：写入 0 个文件"), "{again}");

    // One report changed: its page, the pages listing it and the search index.
    let path = sandbox.root().join("reports/2026/03/2026-03-02-good-work.md");
    let text =
        std::fs::read_to_string(&path).unwrap().replace("安排下一步工作", "部署下一阶段工作");
    std::fs::write(&path, text).unwrap();
    let after = build_site(sandbox.root(), &a);
    let second = tree(&a);
    let changed: BTreeSet<&String> =
        first.keys().filter(|k| first.get(*k) != second.get(*k)).collect();
    assert!(changed.contains(&"reports/2026-03-02-good-work.html".to_string()), "{changed:?}");
    assert!(!changed.contains(&"reports/2026-03-03-good-research.html".to_string()));
    assert!(
        changed
            .iter()
            .all(|p| !p.starts_with("reports/") || p.contains("good-work") || p.contains("follow")),
        "{changed:?}"
    );
    assert!(
        after.contains(&format!("档案网站：写入 {} 个文件", changed.len() - 1)),
        "{after} vs {changed:?}"
    );
    assert!(
        String::from_utf8_lossy(&second["reports/2026-03-02-good-work.html"])
            .contains("部署下一阶段工作")
    );

    // A deleted report's page goes, and nothing links to it any more.
    std::fs::remove_file(sandbox.root().join("reports/2026/03/2026-03-08-good-tags.md")).unwrap();
    let removed = build_site(sandbox.root(), &a);
    assert!(removed.contains("删除 1 个"), "{removed}");
    assert!(!a.join("reports/2026-03-08-good-tags.html").exists());
    check_site(&a);
}

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

#[test]
fn the_pre_commit_hook_stops_a_commit_with_a_bad_report() {
    let sandbox = Sandbox::new();
    std::fs::copy(crate::support::fixture("repo/xinbao.yaml"), sandbox.root().join("xinbao.yaml"))
        .unwrap();
    let good =
        std::fs::read(crate::support::fixture("repo/reports/2026/03/2026-03-02-good-work.md"))
            .unwrap();
    sandbox.write("reports/2026/03/2026-03-02-good-work.md", &good);
    sandbox.git_init();
    let installed = sandbox.run(&["hook", "install"]);
    assert!(installed.status.success(), "{}", String::from_utf8_lossy(&installed.stderr));
    let hook = sandbox.root().join(".git/hooks/pre-commit");
    assert!(std::fs::read_to_string(&hook).unwrap().contains("xinbao hook install"));
    sandbox.commit_all("2026-03-02T18:00:00+08:00", "first report");

    let bad = String::from_utf8(good).unwrap().replace("unit: 投资科", "unit: 不存在科");
    sandbox.write("reports/2026/03/2026-03-03-bad.md", bad);
    let date = "2026-03-03T18:00:00+08:00";
    assert!(git_command(sandbox.root(), date).args(["add", "-A"]).status().unwrap().success());
    let refused =
        git_command(sandbox.root(), date).args(["commit", "-q", "-m", "bad"]).output().unwrap();
    assert!(!refused.status.success(), "the hook let a bad report through");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(said.contains("unknown-unit") && said.contains("2026-03-03-bad.md"), "{said}");

    // Another hook is not replaced without --force; xinbao's own is.
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    assert_eq!(sandbox.run(&["hook", "install"]).status.code(), Some(1));
    assert!(sandbox.run(&["hook", "install", "--force"]).status.success());
    assert!(sandbox.run(&["hook", "install"]).status.success());
}

#[test]
fn a_plain_git_server_refuses_bad_pushes_and_publishes_the_archive() {
    let server = tempfile::tempdir().unwrap();
    let bare = server.path().join("reports.git");
    let site = server.path().join("www");
    let date = "2026-03-02T18:00:00+08:00";
    assert!(
        git_command(server.path(), date)
            .args(["init", "-q", "--bare", "-b", "main"])
            .arg(&bare)
            .status()
            .unwrap()
            .success()
    );
    for hook in ["pre-receive", "post-receive"] {
        std::fs::copy(project().join("contrib").join(hook), bare.join("hooks").join(hook)).unwrap();
    }
    let sandbox = Sandbox::new();
    std::fs::copy(crate::support::fixture("repo/xinbao.yaml"), sandbox.root().join("xinbao.yaml"))
        .unwrap();
    let good = std::fs::read_to_string(crate::support::fixture(
        "repo/reports/2026/03/2026-03-02-good-work.md",
    ))
    .unwrap();
    sandbox.write("reports/2026/03/2026-03-02-good-work.md", &good);
    sandbox.git_init();
    sandbox.commit_all(date, "first report");
    let push = |sandbox: &Sandbox| {
        git_command(sandbox.root(), date)
            .env("XINBAO", env!("CARGO_BIN_EXE_xinbao"))
            .env("XINBAO_SITE", &site)
            .args(["push", "-q"])
            .arg(&bare)
            .arg("main")
            .output()
            .unwrap()
    };
    let accepted = push(&sandbox);
    let said = String::from_utf8_lossy(&accepted.stderr).into_owned();
    assert!(accepted.status.success(), "{said}");
    assert!(site.join("index.html").is_file(), "post-receive built the archive: {said}");
    assert!(site.join("reports/2026-03-02-good-work.html").is_file());
    assert!(site.join("files/2026-03-02-good-work.pdf").is_file());

    sandbox
        .write("reports/2026/03/2026-03-03-bad.md", good.replace("unit: 投资科", "unit: 不存在科"));
    sandbox.commit_all("2026-03-03T18:00:00+08:00", "bad report");
    let refused = push(&sandbox);
    let said = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(!refused.status.success(), "a bad report was accepted: {said}");
    assert!(said.contains("unknown-unit"), "{said}");
    let main = git_command(&bare, date).args(["rev-parse", "main"]).output().unwrap();
    let local = git_command(sandbox.root(), date).args(["rev-parse", "HEAD^"]).output().unwrap();
    assert_eq!(main.stdout, local.stdout, "the server's main did not move");
}

//! The archive site: every page present and linked inside the site, report text
//! never turned into markup, byte-identical and incremental builds, `serve`, and
//! the git hooks (`xinbao hook install`, contrib/pre-receive and post-receive).
//!
//! The site checker, [`check_site`], and the other shared helpers are here; the tests are
//! grouped by behaviour in the submodules.

mod builds;
mod hooks;
mod kept;
mod outside;
mod pages;
mod published;
mod serve;

use crate::support::xinbao;
use std::collections::BTreeMap;
use std::path::Path;

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `xinbao build --drafts --only site --out OUT` on the repository at `root`: the
/// internal preview, with every report that passes the check (the fixtures are
/// not git repositories, so nothing in them is published).
fn build_site(root: &Path, out: &Path) -> String {
    build_site_with(root, &[], out)
}

/// [`build_site`] with the options `global` before `build` (`--lang en`).
fn build_site_with(root: &Path, global: &[&str], out: &Path) -> String {
    let output = xinbao()
        .args(global)
        .args(["build", "--drafts", "--only", "site", "--root"])
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

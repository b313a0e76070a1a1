//! One report's page: its text as in the DOCX and PDF (every piece escaped, links
//! kept only when they are web addresses or point at another report), its
//! pictures copied into the site, its relations to other reports and requests,
//! its approval trail and the links to its documents.

use super::html::{Frame, Section, esc, url};
use super::{Entry, Page, Site, hex};
use crate::approval::{Step, Trail};
use crate::layout::Document;
use crate::layout::document::{Block, Inline, Picture};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The page of `entry`, laid out as `document`, and the pictures it shows; `files`
/// are the documents present in `OUT/files/`, to link its DOCX and PDF.
pub fn page(
    site: &Site,
    entry: &Entry,
    document: &Document,
    files: &BTreeSet<String>,
) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut main = String::new();
    let category = entry.category();
    let _ = write!(
        main,
        r#"<nav class="crumbs" aria-label="{where_}"><a href="../index.html">{home}</a> › <a href="../category/{cat}.html">{label}</a></nav>"#,
        where_ = site.t("所在位置", "You are here"),
        home = site.t("首页", "Home"),
        cat = category.id(),
        label = site.category_name(category),
    );
    for retraction in site.retracted_by.get(entry.id()).into_iter().flatten() {
        let _ = write!(
            main,
            r#"<p class="warning">{} {}</p>"#,
            site.t("此信息已被撤回（误报）：", "This report was retracted as false by"),
            link(retraction)
        );
    }
    for why in entry.late {
        let _ = write!(main, r#"<p class="warning late">{}</p>"#, esc(why.get(site.input.lang)));
    }
    let state = entry.state();
    let _ = write!(
        main,
        r#"<article class="report"><header><p class="kicker"><span class="tag c-{cat}">{label}</span><span class="state s-{state}">{state_name}</span>{late}</p><h1>{title}</h1>{facts}{downloads}</header><div class="body">"#,
        late = super::lists::late_mark(site, entry),
        cat = category.id(),
        label = site.category_name(category),
        state = state.id(),
        state_name = site.state_name(state),
        title = esc(entry.title()),
        facts = facts(site, entry),
        downloads = downloads(site, entry, files),
    );
    for block in &document.blocks {
        main.push_str(&self::block(site, entry, block, &mut pages));
    }
    let _ = write!(main, r#"</div><p class="credit">{}</p></article>"#, esc(&document.credit));
    main.push_str(&relations(site, entry));
    main.push_str(&trail(site, entry.trail));
    let frame =
        Frame { title: entry.title(), up: "../", section: Section::Categories, scripts: &[] };
    let bytes = super::html::page(site, &frame, &main).into_bytes();
    pages.push(Page { path: entry.page(), bytes, tier: 1 });
    pages
}

/// A link to another report's page, from a report page.
fn link(entry: &Entry) -> String {
    format!(r#"<a href="{}.html">{}</a>"#, url(entry.id()), esc(entry.title()))
}

fn facts(site: &Site, entry: &Entry) -> String {
    let report = entry.report;
    let mut rows: Vec<(&str, String)> = Vec::new();
    let unit = entry.unit();
    if let Some(slug) = site.units.get(unit) {
        rows.push((
            site.t("供稿单位", "Unit"),
            format!(r#"<a href="../unit/{slug}.html">{}</a>"#, esc(unit)),
        ));
    }
    if let Some(author) = &report.author {
        rows.push((site.t("供稿人", "Author"), esc(&author.value)));
    }
    if let Some(at) = &report.occurred_at {
        rows.push((site.t("发生时间", "Occurred"), site.time(at.value)));
    }
    if let (Some(at), Some(date)) = (&report.submitted_at, site.date(entry)) {
        rows.push((
            site.t("报送时间", "Submitted"),
            format!(
                r#"<a href="../date/{}.html#d-{date}">{}</a>"#,
                date.format("%Y-%m"),
                site.time(at.value)
            ),
        ));
    }
    let received = match entry.received {
        Some(at) => chrono::DateTime::from_timestamp(at, 0).map_or_else(String::new, |t| {
            site.time(t.with_timezone(&site.input.repo.settings.timezone))
        }),
        None => site.t("未经服务器确认", "not confirmed by the server").to_string(),
    };
    rows.push((site.t("服务器收到", "Received"), received));
    if !report.leaders.is_empty() {
        let names: Vec<&str> = report.leaders.iter().map(|l| l.value.as_str()).collect();
        rows.push((site.t("领导", "Leaders"), esc(&names.join("、"))));
    }
    if !report.tags.is_empty() {
        rows.push((site.t("关键词", "Keywords"), esc(&report.tags.join("、"))));
    }
    rows.push((site.t("编号", "Id"), esc(entry.id())));
    let mut out = String::from(r#"<dl class="facts">"#);
    for (label, value) in rows {
        let _ = write!(out, "<dt>{label}</dt><dd>{value}</dd>");
    }
    out.push_str("</dl>");
    out
}

fn downloads(site: &Site, entry: &Entry, files: &BTreeSet<String>) -> String {
    let mut links = Vec::new();
    for (kind, label) in [("docx", "DOCX"), ("pdf", "PDF")] {
        let name = format!("{}.{kind}", entry.id());
        if files.contains(&name) {
            links.push(format!(
                r#"<a class="download" href="../files/{}" download>{} {label}</a>"#,
                url(&name),
                site.t("下载", "Download")
            ));
        }
    }
    if links.is_empty() {
        return String::new();
    }
    format!(r#"<p class="downloads">{}</p>"#, links.join(""))
}

fn block(site: &Site, entry: &Entry, block: &Block, pages: &mut Vec<Page>) -> String {
    let runs = |text: &[Inline]| inlines(site, entry, text);
    match block {
        Block::Paragraph(text) => format!("<p>{}</p>", runs(text)),
        Block::Heading { level, text } => {
            let h = level + 1;
            format!("<h{h}>{}</h{h}>", runs(text))
        }
        Block::ListItem { depth, text } => {
            format!(r#"<p class="li d{}">{}</p>"#, depth.min(&5), runs(text))
        }
        Block::Quote(paragraphs) => {
            let inner: String = paragraphs.iter().map(|p| format!("<p>{}</p>", runs(p))).collect();
            format!("<blockquote>{inner}</blockquote>")
        }
        Block::Table(rows) => {
            let mut out = String::from(r#"<div class="table"><table>"#);
            for (i, row) in rows.iter().enumerate() {
                let cell = if i == 0 { "th" } else { "td" };
                out.push_str("<tr>");
                for text in row {
                    let _ = write!(out, "<{cell}>{}</{cell}>", runs(text));
                }
                out.push_str("</tr>");
            }
            out.push_str("</table></div>");
            out
        }
        Block::Pairs(pairs) => {
            let mut out = format!(
                r#"<table class="elements"><caption>{}</caption>"#,
                site.t("突发事件要素", "Emergency elements")
            );
            for (label, value) in pairs {
                let _ = write!(out, "<tr><th>{}</th><td>{}</td></tr>", esc(label), esc(value));
            }
            out.push_str("</table>");
            out
        }
        Block::Picture(picture) => figure(picture, pages),
        Block::Preformatted(text) => format!("<pre>{}</pre>", esc(text)),
        Block::Line { text, .. } => format!("<p>{}</p>", esc(text)),
        Block::Blank | Block::PageBreak => String::new(),
    }
}

/// A picture copied into `assets/img/` under the hash of its bytes.
fn figure(picture: &Picture, pages: &mut Vec<Page>) -> String {
    let caption = esc(&picture.caption);
    let bytes = picture.bytes.to_vec();
    let kind = if bytes.starts_with(b"\x89PNG") { "png" } else { "jpg" };
    let path = format!("assets/img/{}.{kind}", &hex(&Sha256::digest(&bytes))[..20]);
    let figure = format!(
        r#"<figure><img src="../{path}" alt="{caption}" width="{}" height="{}" loading="lazy"><figcaption>{caption}</figcaption></figure>"#,
        picture.width, picture.height
    );
    pages.push(Page { path, bytes, tier: 0 });
    figure
}

fn inlines(site: &Site, entry: &Entry, runs: &[Inline]) -> String {
    let mut out = String::new();
    for run in runs {
        let mut text = esc(&run.text).replace('\n', "<br>");
        if run.strike {
            text = format!("<del>{text}</del>");
        }
        if run.italic {
            text = format!("<em>{text}</em>");
        }
        if run.bold {
            text = format!("<strong>{text}</strong>");
        }
        if let Some(href) = run.link.as_deref().and_then(|t| safe_href(site, entry, t)) {
            text = format!(r#"<a href="{}" rel="noopener noreferrer">{text}</a>"#, esc(&href));
        }
        out.push_str(&text);
    }
    out
}

/// Where a link of a report may point in the archive: a web or mail address, or
/// another report (written as the relative path to its Markdown file). Anything
/// else (scripts, local files, paths out of the repository) loses its link and
/// keeps its text.
pub(super) fn safe_href(site: &Site, entry: &Entry, target: &str) -> Option<String> {
    let target = target.trim();
    if target.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let lower = target.to_ascii_lowercase();
    if ["https://", "http://", "mailto:"].iter().any(|s| lower.starts_with(s)) {
        return Some(target.to_string());
    }
    let path = target.split(['#', '?']).next()?;
    if path.is_empty() || path.contains(':') || path.starts_with(['/', '\\']) || path.contains('\\')
    {
        return None;
    }
    let mut parts: Vec<&str> = entry.report.file.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    let file = parts.join("/");
    let id = file.strip_suffix(".md")?.rsplit('/').next()?;
    let other = site.by_id.get(id).filter(|e| e.report.file == file)?;
    Some(format!("{}.html", url(other.id())))
}

fn relations(site: &Site, entry: &Entry) -> String {
    let report = entry.report;
    let mut rows = Vec::new();
    let lookup = |field: &Option<crate::fields::Spanned<String>>| {
        field.as_ref().and_then(|f| site.by_id.get(f.value.as_str()).copied())
    };
    if let Some(first) = lookup(&report.follow_up_of) {
        rows.push(format!("{} {}", site.t("本条是续报，首报：", "Follow-up of"), link(first)));
    }
    if let Some(follow_ups) = site.follow_ups.get(entry.id()) {
        let links: Vec<String> = follow_ups.iter().map(|e| link(e)).collect();
        rows.push(format!("{} {}", site.t("续报：", "Follow-ups:"), links.join("；")));
    }
    if let Some(retracted) = lookup(&report.retracts) {
        let reason = report.reason.as_ref().map(|r| esc(&r.value)).unwrap_or_default();
        rows.push(format!(
            "{} {} {reason}",
            site.t("本条撤回误报：", "Retracts the false report"),
            link(retracted)
        ));
    }
    if let Some(request) = report.request.as_ref().and_then(|r| site.input.repo.request(&r.value)) {
        let others: Vec<String> = site
            .answers
            .get(request.id.as_str())
            .into_iter()
            .flatten()
            .filter(|e| e.id() != entry.id())
            .map(|e| link(e))
            .collect();
        let mut row = format!(
            r#"{} <a href="../request/index.html#r-{}">{}</a>"#,
            site.t("答复约稿：", "Answers the request"),
            url(&request.id),
            esc(&request.title)
        );
        if !others.is_empty() {
            let _ =
                write!(row, "；{} {}", site.t("其他答复：", "other answers:"), others.join("；"));
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return String::new();
    }
    let items: String = rows.iter().map(|r| format!("<li>{r}</li>")).collect();
    format!(
        r#"<section class="relations"><h2>{}</h2><ul>{items}</ul></section>"#,
        site.t("相关信息", "Related")
    )
}

fn trail(site: &Site, trail: Option<&Trail>) -> String {
    let mut out =
        format!(r#"<section class="trail"><h2>{}</h2>"#, site.t("审核记录", "Approval trail"));
    let steps = trail.map(|t| t.steps.as_slice()).unwrap_or_default();
    if steps.is_empty() {
        let _ = write!(
            out,
            r#"<p class="empty">{}</p></section>"#,
            site.t("尚未合入主干（草稿）。", "Not on the main branch yet (draft).")
        );
        return out;
    }
    out.push_str(r#"<ol class="steps">"#);
    for step in steps {
        let (class, what, who, at, commit, extra) = match step {
            Step::Submitted { commit, at, author } => {
                ("submitted", site.t("报送", "Submitted"), esc(author), *at, commit, String::new())
            }
            Step::Changed { commit, at, author } => {
                ("changed", site.t("修改", "Changed"), esc(author), *at, commit, String::new())
            }
            Step::Approved(s) => (
                "approved",
                site.t("审核签发", "Approved"),
                format!("{} <code>{}</code>", esc(&s.name), esc(&s.key)),
                s.at,
                &s.commit,
                String::new(),
            ),
            Step::Published { signature: s, diff } => (
                "published",
                site.t("办公室发布", "Published"),
                format!("{} <code>{}</code>", esc(&s.name), esc(&s.key)),
                s.at,
                &s.commit,
                diff.as_deref()
                    .map(|d| {
                        format!(
                            r#"<details><summary>{}</summary><pre class="diff">{}</pre></details>"#,
                            site.t("规范化修改", "Normalizing edits"),
                            esc(d)
                        )
                    })
                    .unwrap_or_default(),
            ),
            Step::Problem(p) => (
                "problem",
                p.rule.id(),
                esc(p.message.get(site.lang())),
                p.at,
                &p.commit,
                String::new(),
            ),
        };
        let short = &commit.to_string()[..10];
        let _ = write!(
            out,
            r#"<li class="{class}"><span class="what">{what}</span> <span class="who">{who}</span> <span class="at">{}</span> <code class="commit">{short}</code>{extra}</li>"#,
            site.epoch(at)
        );
    }
    out.push_str("</ol></section>");
    out
}

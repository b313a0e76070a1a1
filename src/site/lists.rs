//! The pages that list reports: the front page, categories, dates (a year's
//! months, a month's calendar), units, requests (约稿) and the search page.

use super::html::{Frame, Section, esc, page, url};
use super::{Entry, Page, Site};
use crate::approval::State;
use crate::report::Category;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How many reports the front page shows.
const LATEST: usize = 12;

/// Every list page of the site.
pub fn pages(site: &Site) -> Vec<Page> {
    use rayon::prelude::*;
    let mut pages = vec![front(site), categories(site), dates(site), units(site)];
    pages.push(requests(site));
    pages.push(search(site));
    // Each list on its own, on all cores, in this order.
    pages.par_extend(Category::ALL.par_iter().map(|category| category_page(site, *category)));
    let units: Vec<_> = site.units.iter().collect();
    pages.par_extend(units.par_iter().map(|(name, slug)| unit_page(site, name, slug)));
    let months: Vec<_> = site.months.iter().collect();
    pages.par_extend(
        months.par_iter().map(|&(&(year, month), entries)| month_page(site, year, month, entries)),
    );
    pages
}

fn html_page(site: &Site, path: &str, frame: &Frame, main: &str, tier: u8) -> Page {
    Page { path: path.to_string(), bytes: page(site, frame, main).into_bytes(), tier }
}

/// One report in a list: title, category, unit, date and state.
pub fn item(site: &Site, entry: &Entry, up: &str) -> String {
    let category = entry.category();
    let state = entry.state();
    let date = site.date(entry).map(|d| site.day_name(d)).unwrap_or_default();
    let retracted = if site.retracted_by.contains_key(entry.id()) {
        format!(r#"<span class="state s-retracted">{}</span>"#, site.t("已撤回", "retracted"))
    } else {
        String::new()
    };
    let late = late_mark(site, entry);
    format!(
        r#"<li class="item"><a class="title" href="{up}reports/{id}.html">{title}</a><span class="meta"><span class="tag c-{cat}">{label}</span><span>{unit}</span><span>{date}</span><span class="state s-{state}">{state_name}</span>{late}{retracted}</span></li>"#,
        id = url(entry.id()),
        title = esc(entry.title()),
        cat = category.id(),
        label = site.category_name(category),
        unit = esc(entry.unit()),
        state = state.id(),
        state_name = site.state_name(state),
    )
}

/// The 迟报 mark of a late report, or nothing.
pub fn late_mark(site: &Site, entry: &Entry) -> String {
    if entry.is_late() {
        format!(r#"<span class="state s-late">{}</span>"#, site.t("迟报", "late"))
    } else {
        String::new()
    }
}

fn list(site: &Site, entries: &[&Entry], up: &str) -> String {
    if entries.is_empty() {
        return format!(r#"<p class="empty">{}</p>"#, site.t("暂无信息。", "No reports yet."));
    }
    let items: String = entries.iter().map(|e| item(site, e, up)).collect();
    format!(r#"<ul class="items">{items}</ul>"#)
}

/// `entries` (newest first) under a heading per month.
fn by_month(site: &Site, entries: &[&Entry], up: &str) -> String {
    if entries.is_empty() {
        return list(site, entries, up);
    }
    let mut out = String::new();
    for group in entries.chunk_by(|a, b| month_of(site, a) == month_of(site, b)) {
        let heading = match month_of(site, group[0]) {
            Some((year, month)) => format!(
                r#"<a href="{up}date/{year}-{month:02}.html">{}</a>"#,
                site.month_name(year, month)
            ),
            None => site.t("日期不详", "Undated").to_string(),
        };
        let _ = write!(out, r#"<h2 class="month">{heading}</h2>{}"#, list(site, group, up));
    }
    out
}

fn month_of(site: &Site, entry: &Entry) -> Option<(i32, u32)> {
    site.date(entry).map(|d| (d.year(), d.month()))
}

fn count_label(site: &Site, n: usize) -> String {
    match site.lang() {
        crate::lang::Lang::Zh => format!("{n} 条"),
        crate::lang::Lang::En => format!("{n} reports"),
    }
}

fn category_tiles(site: &Site, up: &str) -> String {
    let mut out = String::from(r#"<ul class="tiles">"#);
    for category in Category::ALL {
        let n = site.entries.iter().filter(|e| e.category() == *category).count();
        let _ = write!(
            out,
            r#"<li><a href="{up}category/{id}.html"><span class="label">{label}</span><span class="count">{count}</span><span class="desc">{desc}</span></a></li>"#,
            id = category.id(),
            label = site.category_name(*category),
            count = count_label(site, n),
            desc = esc(category.description()),
        );
    }
    out.push_str("</ul>");
    out
}

fn unit_tiles(site: &Site, up: &str) -> String {
    let mut out = String::from(r#"<ul class="tiles units">"#);
    for (name, slug) in &site.units {
        let n = site.entries.iter().filter(|e| e.unit() == name).count();
        let _ = write!(
            out,
            r#"<li><a href="{up}unit/{slug}.html"><span class="label">{name}</span><span class="count">{count}</span></a></li>"#,
            name = esc(name),
            count = count_label(site, n),
        );
    }
    out.push_str("</ul>");
    out
}

fn front(site: &Site) -> Page {
    let title = site.t("信息报送档案", "Information archive");
    let mut main = String::new();
    let total = site.entries.len();
    let _ = write!(
        main,
        r#"<section class="hero"><h1>{bureau}<br><small>{title}</small></h1><dl class="counts"><div><dt>{all}</dt><dd>{total}</dd></div>"#,
        bureau = esc(site.bureau()),
        all = site.t("信息总数", "Reports"),
    );
    for state in [State::Published, State::Approved, State::Submitted, State::Stale, State::Draft] {
        let n = site.entries.iter().filter(|e| e.state() == state).count();
        if n > 0 || matches!(state, State::Published | State::Approved | State::Submitted) {
            let _ = write!(
                main,
                r#"<div class="s-{}"><dt>{}</dt><dd>{n}</dd></div>"#,
                state.id(),
                site.state_name(state)
            );
        }
    }
    main.push_str("</dl></section>");
    let latest: Vec<&Entry> = site.entries.iter().take(LATEST).copied().collect();
    let more = |text: &str| format!(r#"<p class="more"><a href="date/index.html">{text}</a></p>"#);
    let latest =
        list(site, &latest, "") + &more(site.t("按日期浏览全部信息 →", "All reports by date →"));
    main.push_str(&section(site.t("最新信息", "Latest reports"), &latest));
    main.push_str(&section(site.t("按分类浏览", "By category"), &category_tiles(site, "")));
    let mut recent = String::from(r#"<ul class="months">"#);
    for (&(year, month), entries) in site.months.iter().rev().take(12) {
        let _ = write!(
            recent,
            r#"<li><a href="date/{year}-{month:02}.html">{}<span class="count">{}</span></a></li>"#,
            site.month_name(year, month),
            count_label(site, entries.len())
        );
    }
    recent.push_str("</ul>");
    recent.push_str(&more(site.t("全部年月 →", "All months →")));
    main.push_str(&section(site.t("按日期浏览", "By date"), &recent));
    main.push_str(&section(site.t("按单位浏览", "By unit"), &unit_tiles(site, "")));
    let frame = Frame { title, up: "", section: Section::Home, scripts: &[] };
    html_page(site, "index.html", &frame, &main, 2)
}

/// A section of the front page: a heading and its (already escaped) body.
fn section(heading: &str, body: &str) -> String {
    format!("<section><h2>{heading}</h2>{body}</section>")
}

fn categories(site: &Site) -> Page {
    let title = site.t("按分类浏览", "By category");
    let main = format!("<h1>{title}</h1>{}", category_tiles(site, "../"));
    let frame = Frame { title, up: "../", section: Section::Categories, scripts: &[] };
    html_page(site, "category/index.html", &frame, &main, 1)
}

fn category_page(site: &Site, category: Category) -> Page {
    let entries: Vec<&Entry> =
        site.entries.iter().filter(|e| e.category() == category).copied().collect();
    let title = site.category_name(category);
    let main = format!(
        r#"<h1>{title}</h1><p class="lead">{desc} · {count}</p>{list}"#,
        desc = esc(category.description()),
        count = count_label(site, entries.len()),
        list = by_month(site, &entries, "../"),
    );
    let frame = Frame { title, up: "../", section: Section::Categories, scripts: &[] };
    html_page(site, &format!("category/{}.html", category.id()), &frame, &main, 1)
}

fn units(site: &Site) -> Page {
    let title = site.t("按单位浏览", "By unit");
    let main = format!("<h1>{title}</h1>{}", unit_tiles(site, "../"));
    let frame = Frame { title, up: "../", section: Section::Units, scripts: &[] };
    html_page(site, "unit/index.html", &frame, &main, 1)
}

fn unit_page(site: &Site, name: &str, slug: &str) -> Page {
    let entries: Vec<&Entry> = site.entries.iter().filter(|e| e.unit() == name).copied().collect();
    let mut chips = String::from(r#"<ul class="chips">"#);
    for category in Category::ALL {
        let n = entries.iter().filter(|e| e.category() == *category).count();
        if n > 0 {
            let _ = write!(
                chips,
                r#"<li><a href="../category/{}.html">{}</a> {n}</li>"#,
                category.id(),
                site.category_name(*category)
            );
        }
    }
    chips.push_str("</ul>");
    let main = format!(
        r#"<h1>{name}</h1><p class="lead">{count}</p>{chips}{figures}{list}"#,
        name = esc(name),
        count = count_label(site, entries.len()),
        figures = super::statistics::unit_figures(site, name),
        list = by_month(site, &entries, "../"),
    );
    let frame = Frame { title: name, up: "../", section: Section::Units, scripts: &[] };
    html_page(site, &format!("unit/{slug}.html"), &frame, &main, 1)
}

fn dates(site: &Site) -> Page {
    let title = site.t("按日期浏览", "By date");
    let months = &site.months;
    let mut main = format!("<h1>{title}</h1>");
    let years: Vec<i32> = {
        let mut years: Vec<i32> = months.keys().map(|(y, _)| *y).collect();
        years.dedup();
        years.reverse();
        years
    };
    if years.is_empty() {
        main.push_str(&list(site, &[], "../"));
    }
    for year in years {
        let total: usize =
            months.iter().filter(|((y, _), _)| *y == year).map(|(_, e)| e.len()).sum();
        let _ = write!(
            main,
            r#"<h2>{}<small>{}</small></h2><ol class="year-grid">"#,
            site.t(&format!("{year}年"), &year.to_string()),
            count_label(site, total)
        );
        for month in 1..=12 {
            let name = site.t(&format!("{month}月"), &format!("{month:02}")).to_string();
            match months.get(&(year, month)) {
                Some(entries) => {
                    let _ = write!(
                        main,
                        r#"<li><a href="{year}-{month:02}.html"><span class="label">{name}</span><span class="count">{}</span></a></li>"#,
                        count_label(site, entries.len())
                    );
                }
                None => {
                    let _ =
                        write!(main, r#"<li class="empty"><span class="label">{name}</span></li>"#);
                }
            }
        }
        main.push_str("</ol>");
    }
    let frame = Frame { title, up: "../", section: Section::Dates, scripts: &[] };
    html_page(site, "date/index.html", &frame, &main, 1)
}

fn month_page(site: &Site, year: i32, month: u32, entries: &[&Entry]) -> Page {
    let title = site.month_name(year, month);
    let mut days: BTreeMap<NaiveDate, Vec<&Entry>> = BTreeMap::new();
    for entry in entries {
        if let Some(date) = site.date(entry) {
            days.entry(date).or_default().push(entry);
        }
    }
    let keys: Vec<(i32, u32)> = site.months.keys().copied().collect();
    let here = keys.iter().position(|k| *k == (year, month));
    let neighbour = |k: Option<&(i32, u32)>, label: &str| match k {
        Some((y, m)) => format!(r#"<a href="{y}-{m:02}.html">{label}</a>"#),
        None => String::new(),
    };
    let earlier = neighbour(
        here.and_then(|i| i.checked_sub(1)).and_then(|i| keys.get(i)),
        site.t("← 上一月", "← Earlier"),
    );
    let later = neighbour(here.and_then(|i| keys.get(i + 1)), site.t("下一月 →", "Later →"));
    let mut main = format!(
        r#"<h1>{title}</h1><p class="lead">{count}</p><p class="pager">{earlier}<a href="index.html">{all_months}</a>{later}</p>"#,
        count = count_label(site, entries.len()),
        all_months = site.t("全部年月", "All months"),
    );
    main.push_str(&calendar(site, year, month, &days));
    for (date, entries) in days.iter().rev() {
        let _ = write!(
            main,
            r#"<h2 id="d-{date}">{}</h2>{}"#,
            site.day_name(*date),
            list(site, entries, "../")
        );
    }
    let frame = Frame { title: &title, up: "../", section: Section::Dates, scripts: &[] };
    html_page(site, &format!("date/{year}-{month:02}.html"), &frame, &main, 1)
}

/// A month as a calendar, Monday first; days with reports link to their list.
fn calendar(site: &Site, year: i32, month: u32, days: &BTreeMap<NaiveDate, Vec<&Entry>>) -> String {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return String::new();
    };
    let weekdays = match site.lang() {
        crate::lang::Lang::Zh => ["一", "二", "三", "四", "五", "六", "日"],
        crate::lang::Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    };
    let mut out = String::from(r#"<table class="calendar"><thead><tr>"#);
    for day in weekdays {
        let _ = write!(out, "<th>{day}</th>");
    }
    out.push_str("</tr></thead><tbody><tr>");
    let blank = first.weekday().num_days_from_monday() as usize;
    out.push_str(&"<td></td>".repeat(blank));
    let mut column = blank;
    let mut date = first;
    while date.month() == month {
        if column == 7 {
            out.push_str("</tr><tr>");
            column = 0;
        }
        match days.get(&date) {
            Some(entries) => {
                let _ = write!(
                    out,
                    r##"<td class="has"><a href="#d-{date}"><span class="day">{}</span><span class="count">{}</span></a></td>"##,
                    date.day(),
                    entries.len()
                );
            }
            None => {
                let _ = write!(out, r#"<td><span class="day">{}</span></td>"#, date.day());
            }
        }
        column += 1;
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    out.push_str(&"<td></td>".repeat(7 - column));
    out.push_str("</tr></tbody></table>");
    out
}

fn requests(site: &Site) -> Page {
    let title = site.t("约稿", "Requests");
    let mut main = format!(
        r#"<h1>{title}</h1><p class="lead">{}</p>"#,
        site.t(
            "办公室向各单位约定的稿件及其答复情况。",
            "Drafts the office commissioned from units, and the reports that answer them."
        )
    );
    let mut requests: Vec<_> = site.input.repo.requests.iter().collect();
    requests.sort_by(|a, b| b.id.cmp(&a.id));
    if requests.is_empty() {
        let _ =
            write!(main, r#"<p class="empty">{}</p>"#, site.t("暂无约稿。", "No requests yet."));
    }
    for request in requests {
        let answers: Vec<&Entry> =
            site.answers.get(request.id.as_str()).cloned().unwrap_or_default();
        let deadline = request.deadline.as_ref().map(|d| site.time(d.value)).unwrap_or_default();
        let _ = write!(
            main,
            r#"<section class="request" id="r-{anchor}"><h2>{title}</h2><dl class="facts"><dt>{l_id}</dt><dd>{id}</dd><dt>{l_from}</dt><dd>{from}</dd><dt>{l_units}</dt><dd>{units}</dd><dt>{l_deadline}</dt><dd>{deadline}</dd></dl>"#,
            anchor = esc(&request.id),
            title = esc(&request.title),
            l_id = site.t("编号", "Id"),
            id = esc(&request.id),
            l_from = site.t("来源", "From"),
            from = esc(&request.from),
            l_units = site.t("约稿单位", "Units"),
            units = esc(&request.units.join("、")),
            l_deadline = site.t("截止时间", "Deadline"),
        );
        let missing: Vec<&str> = request
            .units
            .iter()
            .map(String::as_str)
            .filter(|u| !answers.iter().any(|e| e.unit() == *u))
            .collect();
        let _ =
            write!(main, "<h3>{}</h3>{}", site.t("答复", "Answers"), list(site, &answers, "../"));
        if !missing.is_empty() {
            let _ = write!(
                main,
                r#"<p class="warning">{}{}</p>"#,
                site.t("尚未答复：", "Not answered by: "),
                esc(&missing.join("、"))
            );
        }
        main.push_str("</section>");
    }
    let frame = Frame { title, up: "../", section: Section::Requests, scripts: &[] };
    html_page(site, "request/index.html", &frame, &main, 1)
}

fn search(site: &Site) -> Page {
    let title = site.t("全文检索", "Full-text search");
    let mut categories =
        format!(r#"<option value="">{}</option>"#, site.t("全部分类", "All categories"));
    for category in Category::ALL {
        let _ = write!(
            categories,
            r#"<option value="{}">{}</option>"#,
            category.id(),
            site.category_name(*category)
        );
    }
    let mut units = format!(r#"<option value="">{}</option>"#, site.t("全部单位", "All units"));
    for name in site.units.keys() {
        let _ = write!(units, r#"<option value="{0}">{0}</option>"#, esc(name));
    }
    let main = format!(
        r#"<h1>{title}</h1>
<form id="search" class="search-form" action="search.html" method="get">
<p class="query"><input type="search" name="q" id="q" placeholder="{hint}" aria-label="{hint}"><button type="submit">{go}</button></p>
<p class="filters">
<label>{l_cat} <select name="category" id="category">{categories}</select></label>
<label>{l_unit} <select name="unit" id="unit">{units}</select></label>
<label>{l_from} <input type="date" name="from" id="from"></label>
<label>{l_to} <input type="date" name="to" id="to"></label>
<label><input type="checkbox" name="late" id="late" value="1"> {l_late}</label>
</p>
</form>
<p id="status" class="lead" data-loading="{loading}" data-none="{none}" data-found="{found}" data-more="{more}" data-empty="{empty}"></p>
<ul id="results" class="items"></ul>
<noscript><p class="warning">{noscript}</p></noscript>"#,
        hint = site.t("输入关键词，如：调度会", "Words to find, e.g. 调度会"),
        go = site.t("检索", "Search"),
        l_cat = site.t("分类", "Category"),
        l_unit = site.t("单位", "Unit"),
        l_from = site.t("起", "From"),
        l_to = site.t("止", "To"),
        l_late = site.t("只看迟报", "Late only"),
        loading = site.t("正在检索……", "Searching…"),
        none = site.t("没有找到相符的信息。", "No report matches."),
        found = site.t("找到 {n} 条信息。", "{n} reports found."),
        more = site.t("只显示前 {n} 条，请缩小范围。", "Showing the first {n}; narrow the search."),
        empty = site.t("输入关键词或选择条件后检索。", "Type words or pick filters, then search."),
        noscript = site.t(
            "检索需要启用浏览器的 JavaScript；也可按分类、日期或单位浏览。",
            "Search needs JavaScript; the archive can also be browsed by category, date or unit."
        ),
    );
    let frame = Frame {
        title,
        up: "",
        section: Section::Search,
        scripts: &["search/docs.js", "assets/search.js"],
    };
    html_page(site, "search.html", &frame, &main, 1)
}

//! The volumes (信息汇编, SPEC §7.1): a page listing the years, and a page per
//! year with its volumes to download (what `xinbao volume` wrote into the output
//! folder) and the year's catalogue, numbered as the transfer package numbers it.

use super::html::{Frame, Section, esc, page, url};
use super::{Page, Site};
use crate::lang::Lang;
use std::fmt::Write as _;

/// The index of volumes and one page per year.
pub fn pages(site: &Site) -> Vec<Page> {
    let volumes = &site.input.assessment.volumes;
    let title = site.t("信息汇编", "Volumes");
    let mut main = format!(
        r#"<h1>{title}</h1><p class="lead">{}</p>"#,
        site.t(
            "按年度整理的已发布信息：汇编（PDF、DOCX）由办公室用 xinbao volume 编印；归档文件目录按移交档案时的档号排列。",
            "Published reports put in order by year: the volumes (PDF, DOCX) are compiled by the office with xinbao volume; the catalogue is in the order of the archival codes of the transfer.",
        )
    );
    if volumes.is_empty() {
        let _ = write!(
            main,
            r#"<p class="empty">{}</p>"#,
            site.t("暂无已发布的信息。", "Nothing published yet.")
        );
    }
    main.push_str("<ul>");
    for (year, rows) in volumes {
        let _ = write!(
            main,
            r#"<li><a href="{year}.html">{}</a>（{}）</li>"#,
            esc(&volume_title(site, *year)),
            match site.lang() {
                Lang::Zh => format!("{} 件", rows.len()),
                Lang::En => format!("{} items", rows.len()),
            }
        );
    }
    main.push_str("</ul>");
    let mut pages = vec![framed(site, "volumes/index.html", title, &main)];
    pages.extend(volumes.iter().map(|(year, rows)| year_page(site, *year, rows)));
    pages
}

/// 《息烽县发展和改革局信息汇编（2026年度）》.
fn volume_title(site: &Site, year: i32) -> String {
    match site.lang() {
        Lang::Zh => format!("《{}信息汇编（{year}年度）》", site.bureau()),
        Lang::En => format!("{} volume {year}", site.bureau()),
    }
}

/// One year: its volumes to download and its catalogue.
fn year_page(site: &Site, year: i32, rows: &[crate::transfer::Row]) -> Page {
    let title = volume_title(site, year);
    let mut main = format!("<h1>{}</h1>", esc(&title));
    let files = &site.input.assessment.volume_files;
    let mut downloads = Vec::new();
    let stems = std::iter::once(format!("信息汇编-{year}"))
        .chain((1..=4).map(|q| format!("信息汇编-{year}Q{q}")));
    for stem in stems {
        for ext in ["pdf", "docx"] {
            let file = format!("{stem}.{ext}");
            if files.contains(&file) {
                let label = stem.trim_start_matches("信息汇编-");
                downloads.push(format!(
                    r#"<a href="{}">{} {}</a>"#,
                    url(&file),
                    esc(label),
                    ext.to_uppercase()
                ));
            }
        }
    }
    match downloads.is_empty() {
        true => {
            let _ = write!(
                main,
                r#"<p class="empty">{}</p>"#,
                esc(&match site.lang() {
                    Lang::Zh =>
                        format!("尚未编印：办公室运行 xinbao volume --year {year} 后重新生成网站。"),
                    Lang::En => format!(
                        "Not compiled yet: the office runs xinbao volume --year {year}, then builds the site again."
                    ),
                })
            );
        }
        false => {
            let _ = write!(main, r#"<p class="downloads">{}</p>"#, downloads.join(" "));
        }
    }
    let heads = [
        site.t("序号", "No."),
        site.t("档号", "Archival code"),
        site.t("题名", "Title"),
        site.t("责任者", "Unit"),
        site.t("日期", "Date"),
        site.t("保管期限", "Retention"),
        site.t("备注", "Remarks"),
    ];
    let _ = write!(
        main,
        r#"<h2>{}</h2><div class="table"><table><thead><tr>{}</tr></thead><tbody>"#,
        site.t("归档文件目录", "Catalogue"),
        heads.iter().map(|h| format!(r#"<th scope="col">{h}</th>"#)).collect::<String>()
    );
    for (n, row) in rows.iter().enumerate() {
        let title = match site.by_id.contains_key(row.id.as_str()) {
            true => {
                format!(r#"<a href="../reports/{}.html">{}</a>"#, url(&row.id), esc(&row.title))
            }
            false => esc(&row.title),
        };
        let _ = write!(
            main,
            "<tr><td>{}</td><td>{}</td><td>{title}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            n + 1,
            esc(row.code.as_deref().unwrap_or("—")),
            esc(&row.unit),
            site.day_name(row.day),
            site.t(row.retention.label(), row.retention.code()),
            esc(&row.remark),
        );
    }
    main.push_str("</tbody></table></div>");
    framed(site, &format!("volumes/{year}.html"), &title, &main)
}

/// A page one folder down, in the volumes section.
fn framed(site: &Site, path: &str, title: &str, main: &str) -> Page {
    let frame = Frame { title, up: "../", section: Section::Volumes, scripts: &[] };
    Page { path: path.to_string(), bytes: page(site, &frame, main).into_bytes(), tier: 1 }
}

//! The statistics page (SPEC §8) with its charts drawn as inline SVG at build
//! time — each unit's reports of the latest quarter against its quota, and the
//! on-time rate over the quarters — and the ranking tables of every year and
//! quarter; and the page listing the bulletin issues (期刊).

use super::html::{Frame, Section, esc, page, url};
use super::{Page, Site};
use crate::stats::{Figures, Stats};
use std::fmt::Write as _;

/// The statistics page and the bulletins page.
pub fn pages(site: &Site) -> Vec<Page> {
    vec![statistics(site), bulletins(site)]
}

fn statistics(site: &Site) -> Page {
    let title = site.t("统计与考核", "Statistics and assessment");
    let assessment = site.input.assessment;
    let mut main = format!(
        r#"<h1>{title}</h1><p class="lead">{}</p>"#,
        site.t(
            "各单位报送、按时、迟报、漏报、误报、采用和得分，均由主分支上的信息及其 git 历史计算；迟报的信息照常生成文件和页面，标有“迟报”；未通过检查的信息也计入，但不生成文件和页面。用 xinbao stats --explain 单位 可查看每个数字所依据的信息。",
            "Each unit's submitted, on-time, late, missed, false and adopted items and score, computed from the reports on the main branch and their git history; late reports get their documents and page, marked 迟报; reports that fail the check are counted but get no documents or page. `xinbao stats --explain UNIT` lists the reports behind every figure."
        )
    );
    let Some(latest) = assessment.quarters.last() else {
        let _ = write!(
            main,
            r#"<p class="empty">{}</p>"#,
            site.t("暂无统计。", "Nothing to count yet.")
        );
        return html_page(site, "stats.html", title, Section::Stats, &main);
    };
    let _ = write!(
        main,
        r#"<section><h2>{}</h2>{}</section>"#,
        esc(&format!(
            "{} · {}",
            period_name(site, latest),
            site.t("各单位报送", "reports by unit")
        )),
        unit_bars(site, latest)
    );
    let _ = write!(
        main,
        r#"<section><h2>{}</h2>{}</section>"#,
        site.t("按时报送率（按季度）", "On-time rate by quarter"),
        on_time_chart(site, &assessment.quarters)
    );
    for year in assessment.years.iter().rev() {
        let _ = write!(
            main,
            r#"<section><h2>{}</h2>{}"#,
            esc(&period_name(site, year)),
            table(site, year)
        );
        if let Some(units) = year.not_eligible.as_ref().filter(|u| !u.is_empty()) {
            let _ = write!(
                main,
                r#"<p class="warning">{}{}</p>"#,
                site.t(
                    "未完成年度任务、取消评先评优资格：",
                    "Below the year's quota, not eligible for commendation: "
                ),
                esc(&units.join("、"))
            );
        }
        main.push_str("</section>");
    }
    for quarter in assessment.quarters.iter().rev() {
        let _ = write!(
            main,
            r#"<details class="quarter"><summary>{}</summary>{}</details>"#,
            esc(&period_name(site, quarter)),
            table(site, quarter)
        );
    }
    html_page(site, "stats.html", title, Section::Stats, &main)
}

/// A unit's figures in the latest quarter and its year, for the unit's page: a
/// table of two rows linking to the statistics page; empty when nothing is counted.
pub fn unit_figures(site: &Site, unit: &str) -> String {
    let assessment = site.input.assessment;
    let Some(quarter) = assessment.quarters.last() else { return String::new() };
    let year = assessment.years.iter().find(|y| y.span.year() == quarter.span.year());
    let mut out = format!(
        r#"<div class="table"><table class="figures"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        site.t("期间", "Period"),
        site.t("报送", "Submitted"),
        site.t("任务", "Quota"),
        site.t("发布", "Published"),
        site.t("迟报", "Late"),
        site.t("漏报", "Missed"),
        site.t("误报", "False"),
        site.t("采用", "Adopted"),
        site.t("得分", "Score"),
        site.t("排名", "Rank"),
    );
    for stats in std::iter::once(quarter).chain(year) {
        let Some(f) = stats.units.iter().find(|f| f.unit == unit) else { continue };
        let short = if f.quota_shortfall > 0 { r#" class="short""# } else { "" };
        let _ = write!(
            out,
            r#"<tr><td><a href="../stats.html">{}</a></td><td{short}>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            esc(&period_name(site, stats)),
            f.submitted,
            f.quota,
            f.published,
            f.late,
            f.missed,
            f.false_reports,
            f.adopted,
            f.score,
            f.rank
        );
    }
    out.push_str("</tbody></table></div>");
    out
}

fn html_page(site: &Site, path: &str, title: &str, section: Section, main: &str) -> Page {
    let frame = Frame { title, up: "", section, scripts: &[] };
    Page { path: path.to_string(), bytes: page(site, &frame, main).into_bytes(), tier: 1 }
}

fn period_name(site: &Site, stats: &Stats) -> String {
    match site.lang() {
        crate::lang::Lang::Zh => stats.span.chinese(),
        crate::lang::Lang::En => stats.span.english(),
    }
}

/// The ranking table of a period, units linked to their pages.
fn table(site: &Site, stats: &Stats) -> String {
    let heads = [
        site.t("排名", "Rank"),
        site.t("单位", "Unit"),
        site.t("报送", "Submitted"),
        site.t("审核", "Approved"),
        site.t("发布", "Published"),
        site.t("按时", "On time"),
        site.t("迟报", "Late"),
        site.t("漏报", "Missed"),
        site.t("误报", "False"),
        site.t("采用", "Adopted"),
        site.t("任务", "Quota"),
        site.t("得分", "Score"),
    ];
    let mut out = String::from(r#"<div class="table"><table class="figures"><thead><tr>"#);
    for head in heads {
        let _ = write!(out, "<th>{head}</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for f in &stats.units {
        let unit = match site.units.get(&f.unit) {
            Some(slug) => format!(r#"<a href="unit/{}.html">{}</a>"#, url(slug), esc(&f.unit)),
            None => esc(&f.unit),
        };
        let short = if f.quota_shortfall > 0 { r#" class="short""# } else { "" };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{unit}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{short}>{}</td><td>{}</td></tr>",
            f.rank,
            f.submitted,
            f.approved,
            f.published,
            f.on_time,
            f.late,
            f.missed,
            f.false_reports,
            f.adopted,
            f.quota,
            f.score
        );
    }
    let t = &stats.totals;
    let _ = write!(
        out,
        "</tbody><tfoot><tr><td></td><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td></td><td></td></tr></tfoot></table></div>",
        site.t("合计", "Total"),
        t.submitted,
        t.approved,
        t.published,
        t.on_time,
        t.late,
        t.missed,
        t.false_reports,
        t.adopted
    );
    out
}

/// Horizontal bars, one per unit: on-time and late reports, and a tick at the quota.
fn unit_bars(site: &Site, stats: &Stats) -> String {
    const LEFT: u32 = 120;
    const WIDTH: u32 = 460;
    const ROW: u32 = 30;
    let max = stats.units.iter().map(|f| f.submitted.max(f.quota)).max().unwrap_or(1).max(1);
    let scale = |n: u32| (u64::from(n) * u64::from(WIDTH) / u64::from(max)) as u32;
    let height = ROW * stats.units.len() as u32 + 34;
    let label = site.t(
        "各单位按时与迟报的信息条数，竖线为任务数",
        "On-time and late reports per unit; the tick marks the quota",
    );
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 640 {height}" role="img" aria-label="{label}"><title>{label}</title>"#
    );
    for (i, f) in stats.units.iter().enumerate() {
        let y = 8 + ROW * i as u32;
        let on_time = scale(f.on_time);
        let late = scale(f.late);
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{ty}" text-anchor="end" class="axis">{unit}</text><rect x="{LEFT}" y="{y}" width="{on_time}" height="18" class="bar-ok"/><rect x="{lx}" y="{y}" width="{late}" height="18" class="bar-late"/><line x1="{qx}" x2="{qx}" y1="{q1}" y2="{q2}" class="quota"/><text x="{nx}" y="{ty}" class="value">{value}</text>"#,
            x = LEFT - 8,
            ty = y + 14,
            unit = esc(&f.unit),
            lx = LEFT + on_time,
            qx = LEFT + scale(f.quota),
            q1 = y - 3,
            q2 = y + 21,
            nx = LEFT + on_time + late + 6,
            value = bar_value(site, f),
        );
    }
    let legend_y = height - 8;
    let _ = write!(
        svg,
        r#"<rect x="{LEFT}" y="{ly}" width="12" height="10" class="bar-ok"/><text x="{a}" y="{legend_y}" class="axis">{ok}</text><rect x="{b}" y="{ly}" width="12" height="10" class="bar-late"/><text x="{c}" y="{legend_y}" class="axis">{late}</text><line x1="{d}" x2="{d}" y1="{ly}" y2="{legend_y}" class="quota"/><text x="{e}" y="{legend_y}" class="axis">{quota}</text></svg>"#,
        ly = legend_y - 10,
        a = LEFT + 16,
        b = LEFT + 90,
        c = LEFT + 106,
        d = LEFT + 180,
        e = LEFT + 188,
        ok = site.t("按时", "on time"),
        late = site.t("迟报", "late"),
        quota = site.t("任务", "quota"),
    );
    svg
}

fn bar_value(site: &Site, f: &Figures) -> String {
    match site.lang() {
        crate::lang::Lang::Zh => format!("{}/{} 条", f.submitted, f.quota),
        crate::lang::Lang::En => format!("{}/{}", f.submitted, f.quota),
    }
}

/// Vertical bars, one per quarter: on-time reports as a share of those submitted.
fn on_time_chart(site: &Site, quarters: &[Stats]) -> String {
    const TOP: u32 = 20;
    const HEIGHT: u32 = 160;
    let step = (600 / quarters.len().max(1) as u32).clamp(40, 120);
    let width = 40 + step * quarters.len() as u32;
    let label = site.t("各季度按时报送率", "Share of reports on time, by quarter");
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {width} {h}" role="img" aria-label="{label}"><title>{label}</title><line x1="30" x2="{width}" y1="{base}" y2="{base}" class="axis-line"/>"#,
        h = TOP + HEIGHT + 30,
        base = TOP + HEIGHT,
    );
    for (i, q) in quarters.iter().enumerate() {
        let x = 40 + step * i as u32;
        let bar = step * 3 / 5;
        let t = &q.totals;
        let _ = write!(
            svg,
            r#"<text x="{cx}" y="{ly}" text-anchor="middle" class="axis">{name}</text>"#,
            cx = x + bar / 2,
            ly = TOP + HEIGHT + 18,
            name = esc(&q.period),
        );
        if t.submitted == 0 {
            let _ = write!(
                svg,
                r#"<text x="{cx}" y="{y}" text-anchor="middle" class="value">—</text>"#,
                cx = x + bar / 2,
                y = TOP + HEIGHT - 6
            );
            continue;
        }
        let share = |scale: u64| (u64::from(t.on_time) * scale / u64::from(t.submitted)) as u32;
        let (h, percent) = (share(u64::from(HEIGHT)), share(100));
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{y}" width="{bar}" height="{h}" class="bar-ok"><title>{name} {percent}%</title></rect><text x="{cx}" y="{ty}" text-anchor="middle" class="value">{percent}%</text>"#,
            y = TOP + HEIGHT - h,
            name = esc(&q.period),
            cx = x + bar / 2,
            ty = TOP + HEIGHT - h - 4,
        );
    }
    svg.push_str("</svg>");
    svg
}

fn bulletins(site: &Site) -> Page {
    let title = site.t("期刊", "Bulletins");
    let settings = &site.input.repo.settings;
    let mut main = format!(
        r#"<h1>{title}</h1><p class="lead">{}</p>"#,
        esc(&match site.lang() {
            crate::lang::Lang::Zh => format!(
                "《{}》由{}从已发布的信息中编发，用 xinbao bulletin 编成，期号记录在 bulletins/ 中。",
                settings.bulletin.name, settings.bulletin.editor
            ),
            crate::lang::Lang::En => format!(
                "{} is compiled from published reports by {} with `xinbao bulletin`; issue numbers are recorded in bulletins/.",
                settings.bulletin.name, settings.bulletin.editor
            ),
        })
    );
    let issues = &site.input.repo.bulletins;
    let files = &site.input.assessment.bulletin_files;
    if issues.is_empty() {
        let _ = write!(main, r#"<p class="empty">{}</p>"#, site.t("暂无期刊。", "No issues yet."));
    }
    for issue in issues.iter().rev() {
        let name = match site.lang() {
            crate::lang::Lang::Zh => {
                format!("《{}》{}年第{}期", settings.bulletin.name, issue.year, issue.number)
            }
            crate::lang::Lang::En => {
                format!("{} {} no. {}", settings.bulletin.name, issue.year, issue.number)
            }
        };
        let _ = write!(
            main,
            r#"<section class="issue" id="i-{stem}"><h2>{name}</h2><dl class="facts"><dt>{l_date}</dt><dd>{date}</dd><dt>{l_period}</dt><dd>{from} – {to}</dd></dl>"#,
            stem = issue.stem(),
            name = esc(&name),
            l_date = site.t("日期", "Date"),
            date = site.day_name(issue.date),
            l_period = site.t("收录", "Covers"),
            from = site.day_name(issue.from),
            to = site.day_name(issue.to),
        );
        let mut downloads = Vec::new();
        for ext in ["docx", "pdf"] {
            if files.contains(&format!("{}.{ext}", issue.stem())) {
                downloads.push(format!(
                    r#"<a href="bulletins/{}.{ext}">{}</a>"#,
                    issue.stem(),
                    ext.to_uppercase()
                ));
            }
        }
        if !downloads.is_empty() {
            let _ = write!(main, r#"<p class="downloads">{}</p>"#, downloads.join(" "));
        }
        main.push_str("<ol>");
        for id in issue.reports.iter().map(|id| &id.value) {
            match site.by_id.get(id.as_str()) {
                Some(entry) => {
                    let _ = write!(
                        main,
                        r#"<li><a href="reports/{}.html">{}</a></li>"#,
                        url(id),
                        esc(entry.title())
                    );
                }
                None => {
                    let _ = write!(main, "<li>{}</li>", esc(id));
                }
            }
        }
        main.push_str("</ol></section>");
    }
    html_page(site, "bulletins.html", title, Section::Bulletins, &main)
}

//! The quarterly notice (通报) and the annual assessment (FORMAT.md §3.2): the
//! figures of a period written as the office's official document, with the
//! ranking table as its attachment. One [`Notice`] gives the Markdown and the
//! laid-out document of [`crate::layout::notice`] for DOCX and PDF.

use super::Stats;
use crate::config::Settings;
use crate::report::Category;
use chrono::NaiveDate;

/// The notice's text, ready for Markdown or print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// 《关于2026年第一季度信息报送情况的通报》.
    pub title: String,
    /// 主送.
    pub to: String,
    /// The opening paragraph.
    pub opening: String,
    /// Numbered sections: heading (一、总体情况) and paragraphs.
    pub sections: Vec<(String, Vec<String>)>,
    /// The attachment's title.
    pub attachment: String,
    /// The ranking table, header row first.
    pub table: Vec<Vec<String>>,
    /// The issuing office, signed under the body.
    pub issuer: String,
    /// The date of the notice, `2026年4月2日`.
    pub date: String,
    /// 抄送.
    pub cc: Vec<String>,
    /// The bureau, for the masthead.
    pub bureau: String,
    /// 发文字号, e.g. 息发改办〔2026〕3号, centred under the masthead.
    pub number: Option<String>,
}

/// Writes the notice of `stats`, dated `date`, numbered `number` (with
/// `notice.code`, in the year of `date`) when both are given.
pub fn notice(stats: &Stats, settings: &Settings, date: NaiveDate, number: Option<u32>) -> Notice {
    let period = stats.span.chinese();
    let span = if stats.span.is_year() { "本年度" } else { "本季度" };
    let title = if stats.span.is_year() {
        format!("关于{period}信息报送工作考核情况的通报")
    } else {
        format!("关于{period}信息报送情况的通报")
    };
    let t = &stats.totals;
    let mut overall = vec![format!(
        "{period}，全局共报送信息{}条，其中经分管负责人审核{}条、编发{}条；按时报送{}条，迟报{}条，漏报约稿{}条，误报{}条；被上级采用{}条。",
        t.submitted,
        t.approved,
        t.published,
        t.on_time,
        t.late,
        t.missed,
        t.false_reports,
        t.adopted
    )];
    let mut by_category = std::collections::BTreeMap::<Category, u32>::new();
    for f in &stats.units {
        for (id, n) in &f.by_category {
            if let Some(category) = Category::parse(id) {
                *by_category.entry(category).or_default() += n;
            }
        }
    }
    if !by_category.is_empty() {
        let parts: Vec<String> =
            by_category.iter().map(|(c, n)| format!("{}{n}条", c.label())).collect();
        overall.push(format!("按类别分：{}。", parts.join("，")));
    }

    // Commended: met the quota with at least one report (a quota of 0 earns no praise).
    let done: Vec<&str> = stats
        .units
        .iter()
        .filter(|f| f.quota_shortfall == 0 && f.submitted > 0)
        .map(|f| f.unit.as_str())
        .collect();
    let mut commended = Vec::new();
    if done.is_empty() {
        commended.push(format!("{span}没有科室完成信息报送任务。"));
    } else {
        commended.push(format!("{}完成了{span}信息报送任务，予以通报表扬。", done.join("、")));
    }
    if let Some(best) = stats.units.first().filter(|f| f.submitted > 0) {
        let tied: Vec<&str> = stats
            .units
            .iter()
            .filter(|f| f.rank == 1 && f.submitted > 0)
            .map(|f| f.unit.as_str())
            .collect();
        commended.push(format!("得分最高的是{}（{}分）。", tied.join("、"), best.score));
    }

    let behind: Vec<String> = stats
        .units
        .iter()
        .filter(|f| f.quota_shortfall > 0)
        .map(|f| format!("{}（应报{}条，实报{}条）", f.unit, f.quota, f.submitted))
        .collect();
    let mut criticised = Vec::new();
    if behind.is_empty() {
        criticised.push(format!("各科室均完成了{span}信息报送任务。"));
    } else {
        criticised.push(format!("{}未完成{span}信息报送任务，予以通报批评。", behind.join("、")));
        if stats.span.is_year() {
            criticised.push(
                "根据制度规定，以上科室年度目标考核相应扣分，并取消评先评优资格。".to_string(),
            );
        } else {
            criticised.push("请以上科室查找原因，在下季度补足报送任务。".to_string());
        }
    }

    let mut faults = Vec::new();
    for f in &stats.units {
        for item in f.evidence.reports.iter().filter(|i| !i.late.is_empty()) {
            let reason = item
                .late_reason
                .as_ref()
                .map(|r| format!("迟报原因：{}。", r.trim_end_matches(['。', '.'])))
                .unwrap_or_default();
            faults.push(format!(
                "迟报：{}《{}》于{}报送，超过规定时限。{reason}",
                f.unit, item.title, item.submitted_day
            ));
        }
    }
    for f in &stats.units {
        for missed in &f.evidence.missed {
            faults.push(format!(
                "漏报：{}未在{}前报送约稿《{}》。",
                f.unit, missed.due, missed.title
            ));
        }
    }
    for f in &stats.units {
        for retracted in &f.evidence.retracted {
            faults.push(format!(
                "误报：{}《{}》经信息 {} 更正。",
                f.unit, retracted.title, retracted.by
            ));
        }
    }
    if faults.is_empty() {
        faults.push(format!("{span}未发生迟报、漏报、误报情况。"));
    } else {
        faults = faults.into_iter().enumerate().map(|(i, f)| format!("{}. {f}", i + 1)).collect();
    }

    let requirements = vec![
        "（一）提高思想认识。各科室要把信息报送作为日常重要工作，明确专人负责，做到应报尽报。".to_string(),
        "（二）严守报送时限。一般工作信息当天或次日报送；突发事件先电话报告、再书面报告，坚决杜绝迟报、漏报、瞒报。".to_string(),
        "（三）确保信息质量。坚持一事一报，内容真实准确、要素齐全，经分管负责人审核后报送。".to_string(),
    ];

    let mut table = vec![
        ["排名", "科室", "报送", "发布", "迟报", "漏报", "误报", "采用", "应报", "差额", "得分"]
            .map(String::from)
            .to_vec(),
    ];
    for f in &stats.units {
        table.push(vec![
            f.rank.to_string(),
            f.unit.clone(),
            f.submitted.to_string(),
            f.published.to_string(),
            f.late.to_string(),
            f.missed.to_string(),
            f.false_reports.to_string(),
            f.adopted.to_string(),
            f.quota.to_string(),
            f.quota_shortfall.to_string(),
            f.score.to_string(),
        ]);
    }

    let what = if stats.span.is_year() { "信息报送工作考核" } else { "信息报送" };
    Notice {
        title,
        to: settings.notice.to.clone(),
        opening: format!(
            "为做好信息报送工作，根据本局信息报送管理制度，现将{period}各科室{what}情况通报如下。"
        ),
        sections: vec![
            ("一、总体情况".to_string(), overall),
            ("二、完成任务情况".to_string(), commended),
            ("三、未完成任务情况".to_string(), criticised),
            ("四、迟报、漏报、误报情况".to_string(), faults),
            ("五、工作要求".to_string(), requirements),
        ],
        attachment: format!("{period}信息报送情况统计表"),
        table,
        issuer: format!("{}{}", settings.bureau, settings.office),
        date: crate::time::chinese_day(date),
        cc: settings.notice.cc.clone(),
        bureau: settings.bureau.clone(),
        number: number
            .filter(|_| !settings.notice.code.is_empty())
            .map(|n| format!("{}〔{}〕{n}号", settings.notice.code, chrono::Datelike::year(&date))),
    }
}

/// `text` with the ASCII characters that Markdown reads as markup backslash-escaped,
/// and line breaks made spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl Notice {
    /// The notice as Markdown: title, addressees, sections, signature and the
    /// attachment's table.
    /// Every piece of text is escaped, so a title or unit name is never markup.
    pub fn markdown(&self) -> String {
        let e = |text: &str| escape(text);
        let mut md = format!("# {}\n\n", e(&self.title));
        if let Some(number) = &self.number {
            md.push_str(&format!("{}\n\n", e(number)));
        }
        md.push_str(&format!("{}：\n\n{}\n\n", e(&self.to), e(&self.opening)));
        for (heading, paragraphs) in &self.sections {
            md.push_str(&format!("## {}\n\n", e(heading)));
            for p in paragraphs {
                md.push_str(&format!("{}\n\n", e(p)));
            }
        }
        md.push_str(&format!("附件：{}\n\n", e(&self.attachment)));
        md.push_str(&format!("{}  \n{}\n\n", e(&self.issuer), e(&self.date)));
        md.push_str(&format!("## 附件 {}\n\n", e(&self.attachment)));
        for (i, row) in self.table.iter().enumerate() {
            let cells: Vec<String> = row.iter().map(|c| e(c)).collect();
            md.push_str(&format!("| {} |\n", cells.join(" | ")));
            if i == 0 {
                md.push_str(&format!("|{}\n", " --- |".repeat(row.len())));
            }
        }
        if !self.cc.is_empty() {
            md.push_str(&format!("\n抄送：{}。\n", e(&self.cc.join("，"))));
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_text_is_never_markdown() {
        assert_eq!(
            escape("<script>[x](javascript:alert(1)) | *a* #1\n2"),
            "\\<script\\>\\[x\\](javascript:alert(1)) \\| \\*a\\* \\#1 2"
        );
        assert_eq!(escape("投资科召开调度会"), "投资科召开调度会");
    }
}

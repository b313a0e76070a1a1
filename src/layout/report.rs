//! A report laid out for print: the emergency elements, the body's blocks, the
//! pictures, the credit line and the approval block.

use super::document::{Block, Document, Signed, chinese_date};
use super::markdown;
use crate::approval::Trail;
use crate::load::Repository;
use crate::report::{Emergency, Report, field};
use crate::workspace::Workspace;
use anyhow::Context as _;
use chrono::FixedOffset;

/// Lays `report` out from the text it was read with, with the approval block
/// from `trail`.
pub fn prepare(
    repo: &Repository,
    report: &Report,
    trail: Option<&Trail>,
) -> anyhow::Result<Document> {
    let read =
        report.read.as_ref().with_context(|| format!("{}: not in the work tree", report.file))?;
    let ws = &repo.workspace;
    let text = read.text(ws, &report.file).with_context(|| {
        format!(
            "{0}：运行期间文件被改动，请重新运行 / {0}: the file changed while xinbao ran (run again)",
            report.file
        )
    })?;
    // The text's blob id (a SHA-1 of the whole text) only when there is a signature to compare.
    let signed = trail.is_some_and(|t| {
        t.signed_content().is_some() && t.signs_content(read.blob(ws, &report.file), ws)
    });
    let body = crate::report::split(text).map(|s| s.body).unwrap_or(text);
    let settings = &repo.settings;
    Ok(layout(report, body, ws, trail, signed, &settings.bureau, settings.timezone))
}

/// Lays out `report` (whose Markdown body is `body`); pictures are found through `ws`. `signed_text` says whether the text and
/// pictures are the ones `trail`'s last approval or publication signed. Unreadable pictures are left out (the check
/// reports them).
pub fn layout(
    report: &Report,
    body: &str,
    ws: &Workspace,
    trail: Option<&Trail>,
    signed_text: bool,
    bureau: &str,
    zone: FixedOffset,
) -> Document {
    let mut blocks = Vec::new();
    if let Some(emergency) = &report.emergency {
        blocks.push(Block::Pairs(emergency_pairs(emergency, zone)));
    }
    blocks.extend(super::document::within_limits(markdown::blocks(body, ws, &report.file)));
    for image in &report.images {
        if let Some(picture) =
            markdown::picture(ws, &report.file, &image.file.value, &image.caption)
        {
            blocks.push(Block::Picture(picture));
        }
    }
    // No more pictures, pixels or picture bytes than a report may have (the check says so).
    let mut pictures = 0;
    let mut allowance = crate::report::picture::Allowance::default();
    blocks.retain(|block| match block {
        Block::Picture(picture) => {
            pictures += 1;
            pictures <= crate::report::MAX_PICTURES
                && allowance.take(picture.width, picture.height, picture.bytes.len()).is_ok()
        }
        _ => true,
    });
    let text = crate::fields::text;
    let credit = format!(
        "（供稿：{} {} 联系电话：{}）",
        text(&report.unit),
        text(&report.author),
        text(&report.phone)
    );
    let mut signatures = Vec::new();
    let approved = trail.filter(|t| t.state.is_approved());
    let not_approved_text = approved.is_some() && !signed_text;
    // Dated by the newest signature it shows, else by its submission.
    let mut signed_at = None;
    if let Some(trail) = approved.filter(|_| signed_text) {
        for (role, signature) in
            [("审核", trail.approved_by.last()), ("发布", trail.published_by.last())]
        {
            if let Some(s) = signature {
                signed_at = signed_at.max(chrono::DateTime::from_timestamp(s.at, 0));
                signatures.push(Signed {
                    role,
                    name: s.name.clone(),
                    date: chinese_date(s.at, zone),
                    key: s.key.clone(),
                });
            }
        }
    }
    Document {
        id: report.id.clone(),
        masthead: None,
        title: text(&report.title).to_string(),
        blocks,
        credit,
        signatures: Some(signatures),
        not_approved_text,
        imprint: None,
        bureau: bureau.to_string(),
        author: text(&report.unit).to_string(),
        date: signed_at
            .or_else(|| report.submitted_at.as_ref().map(|s| s.value.to_utc()))
            .unwrap_or_else(super::document::undated),
    }
}

/// The emergency elements as label–value rows, in the order of the rules.
fn emergency_pairs(emergency: &Emergency, zone: FixedOffset) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for element in field::EMERGENCY {
        let value = match element.key {
            "severity" => emergency.severity.as_ref().map(|s| s.value.label().to_string()),
            "casualties" => emergency.casualties.map(|c| {
                format!("死亡 {} 人，受伤 {} 人，失踪 {} 人", c.dead, c.injured, c.missing)
            }),
            "leaders_on_site" => Some(if emergency.leaders_on_site.is_empty() {
                "暂无".to_string()
            } else {
                emergency.leaders_on_site.join("、")
            }),
            "informant" => emergency.informant.as_ref().map(|i| format!("{} {}", i.name, i.phone)),
            "phone_reported_at" => emergency
                .phone_reported_at
                .as_ref()
                .map(|t| t.value.with_timezone(&zone).format("%Y年%-m月%-d日 %H:%M").to_string()),
            key => emergency.text(key).map(str::to_string),
        };
        if let Some(value) = value {
            rows.push((element.zh.to_string(), value));
        }
    }
    rows
}

//! The desk's page in real headless Chromium, driven over WebDriver as the
//! archive's browser test drives it: the writer fills in the form, sees a finding
//! appear beside its field, fixes it, saves and submits; the supervisor, at a desk
//! of their own in another clone, approves; the office changes a word in place,
//! sees the diff and publishes. axe-core runs
//! on every view of every role and finds nothing.
//!
//! `XINBAO_SCREENSHOTS=docs cargo test desk_page` refreshes the screenshots in `docs/`.

use crate::browser::{Browser, headless, save};
use crate::desk::{Desk, Office};
use serde_json::json;
use std::time::{Duration, Instant};

/// The text of `css` once `wanted` holds for it (up to a minute: approving fetches,
/// merges, signs and pushes).
fn until(browser: &Browser, css: &str, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = if browser.all(css).is_empty() { None } else { Some(browser.text(css)) };
        if let Some(text) = text.filter(|t| wanted(t)) {
            return text;
        }
        let notice = browser.all("#notice").first().map(|_| browser.text("#notice"));
        assert!(Instant::now() < deadline, "{css} never as wanted; notice: {notice:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Opens the page of `desk` and waits until its first section is shown and loaded.
fn open(browser: &Browser, desk: &Desk) {
    browser.open(&format!("http://127.0.0.1:{}/?token={}", desk.port, desk.token));
    browser.find("#tabs button");
    until(browser, "#notice", |t| !t.contains("正在处理"));
}

/// Clicks `css` and waits until the page has done what the click asked of it
/// (the notice no longer says it is working).
fn click(browser: &Browser, css: &str) {
    browser.click(css);
    until(browser, "#notice", |t| !t.contains("正在处理"));
}

/// Scrolls the page back to its top (for a screenshot).
fn scroll_to_top(browser: &Browser) {
    browser.call(
        "POST",
        "/execute/sync",
        Some(json!({"script": "window.scrollTo(0, 0);", "args": []})),
    );
}

/// The axe-core violations of the view on screen, named after `view`.
fn axe(browser: &Browser, view: &str, found: &mut Vec<String>) {
    found.extend(browser.axe_violations().into_iter().map(|v| format!("{view}: {v}")));
}

#[test]
fn the_desk_in_a_browser_writes_approves_and_publishes_with_no_axe_violations() {
    let Some(office) = Office::new() else { return };
    let Some(browser) = headless() else { return };
    let shots = tempfile::tempdir().unwrap();
    let mut violations = Vec::new();

    // The writer fills in the form; a wrong phone number is flagged beside its field.
    let writer = Desk::start(&office.clone("writer"));
    open(&browser, &writer);
    browser.find("#write:not([hidden]) #f-tags");
    browser.type_into("#f-title", "县发改局召开重点项目调度会");
    browser.type_into("#f-tags", "调度");
    browser.clear("#body");
    browser.type_into(
        "#body",
        "全县 12 个重点项目的负责人参加会议，逐一汇报了项目进度，会议部署了下一阶段工作。",
    );
    browser.type_into("#f-phone", "12345");
    until(&browser, "#find-phone", |t| t.contains("invalid-value"));
    scroll_to_top(&browser);
    save(shots.path(), "desk-writer.png", &browser.screenshot());
    axe(&browser, "writer, the form with a finding", &mut violations);
    browser.clear("#f-phone");
    browser.type_into("#f-phone", "13800000000");
    until(&browser, "#find-phone", str::is_empty);

    // Saved on its own branch, then submitted.
    browser.click("#save");
    let saved = until(&browser, "#notice", |t| t.contains("desk/"));
    let id = saved.split("desk/").nth(1).unwrap().split('（').next().unwrap().to_string();
    browser.click("#submit");
    until(&browser, "#notice", |t| t.contains("已提交审核"));
    click(&browser, "#tabs button[data-section=mine]");
    until(&browser, "#mine-list", |t| t.contains(&id));
    axe(&browser, "writer, my reports", &mut violations);
    click(&browser, "#mine-list tbody tr button");
    until(&browser, "#detail-h", |t| t == id);
    axe(&browser, "writer, a draft to edit", &mut violations);

    // The supervisor, at their own desk, sees it, looks at it and approves it.
    let supervisor = Desk::start(&office.clone("supervisor"));
    open(&browser, &supervisor);
    click(&browser, "#tabs button[data-section=review]");
    until(&browser, "#review-list", |t| t.contains(&id));
    save(shots.path(), "desk-supervisor.png", &browser.screenshot());
    axe(&browser, "supervisor, to approve", &mut violations);
    click(&browser, "#review-list .card li button");
    until(&browser, "#detail-diff", |t| t.contains("县发改局召开重点项目调度会"));
    axe(&browser, "supervisor, a report with its diff", &mut violations);
    click(&browser, "#tabs button[data-section=review]");
    until(&browser, "#review-list", |t| t.contains(&id));
    browser.click("#review-list .card .actions button");
    until(&browser, "#notice", |t| t.contains("已审核通过"));

    // The office publishes it.
    let clerk = Desk::start(&office.clone("office"));
    open(&browser, &clerk);
    click(&browser, "#tabs button[data-section=publish]");
    let choice = format!("#pub-{id}");
    browser.find(&choice);
    save(shots.path(), "desk-office.png", &browser.screenshot());
    axe(&browser, "office, to publish", &mut violations);

    // 格式或文字规范: one word changed in place, saved, the diff shown.
    click(&browser, &format!("#publish-list tr:has({choice}) td:last-child button:last-child"));
    until(&browser, "#detail-h", |t| t == id);
    browser.call(
        "POST",
        "/execute/sync",
        Some(json!({
            "script": "const e = document.getElementById('edit-text'); e.value = e.value.replace('逐一汇报', '逐项汇报');",
            "args": [],
        })),
    );
    click(&browser, "#detail-actions > button");
    until(&browser, "#detail-diff", |t| t.contains("+") && t.contains("逐项汇报"));
    scroll_to_top(&browser);
    save(shots.path(), "desk-office-edit.png", &browser.screenshot());
    axe(&browser, "office, a report normalized, with its diff", &mut violations);

    click(&browser, "#tabs button[data-section=publish]");
    browser.find(&choice);
    browser.click(&choice);
    browser.click("#publish-go");
    until(&browser, "#notice", |t| t.contains("已发布"));
    axe(&browser, "office, published", &mut violations);

    // 采用登记: the published report adopted higher up, recorded and published.
    browser.type_into("#a-id", &id);
    browser.type_into("#a-by", "县委办《每日要情》");
    browser.call(
        "POST",
        "/execute/sync",
        Some(json!({"script": "document.getElementById('a-date').value = '2026-12-31';", "args": []})),
    );
    browser.click("#a-go");
    until(&browser, "#notice", |t| t.contains("已登记采用"));
    axe(&browser, "office, an adoption recorded", &mut violations);
    click(&browser, "#tabs button[data-section=write]");
    browser.find("#f-title");
    axe(&browser, "office, the form", &mut violations);
    click(&browser, "#tabs button[data-section=setup]");
    let names: Vec<String> = browser
        .all("#s-people input[id^=s-name]")
        .iter()
        .map(|e| browser.property(e, "value"))
        .collect();
    assert!(names.iter().any(|n| n == "钱七"), "{names:?}");
    axe(&browser, "office, the set-up page", &mut violations);
    // The bureau's name changed on the set-up page, committed with the office's signature.
    browser.call(
        "POST",
        "/execute/sync",
        Some(json!({"script": "document.getElementById('s-bureau').value = '测试县发展和改革局（更名）';", "args": []})),
    );
    browser.click("#s-save");
    until(&browser, "#notice", |t| t.contains("设置已签名提交"));
    let settings = std::fs::read_to_string(office.clone("office").join("xinbao.yaml")).unwrap();
    assert!(settings.contains("测试县发展和改革局（更名）"), "{settings}");

    // 编发期刊: the issue of the published report, its record signed, its files linked.
    click(&browser, "#tabs button[data-section=publish]");
    // The bureau's day (+08:00), from three days before.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let from = today - chrono::Days::new(3);
    let dates = format!(
        "document.getElementById('b-from').value = '{from}'; document.getElementById('b-to').value = '{today}';"
    );
    browser.call("POST", "/execute/sync", Some(json!({"script": dates, "args": []})));
    browser.click("#b-go");
    until(&browser, "#notice", |t| t.contains("已编发"));
    assert!(browser.text("#b-files").contains("PDF"));
    axe(&browser, "office, a bulletin issue compiled", &mut violations);

    // 签名密钥: the office's own key, set up by hand, is shown and left as it is.
    click(&browser, "#tabs button[data-section=signing]");
    until(&browser, "#k-state", |t| t.contains("你自己的签名密钥"));
    axe(&browser, "office, the signing key", &mut violations);

    office.assert_published(&id);
    let log = crate::support::xinbao()
        .current_dir(office.clone("office"))
        .args(["log", &id, "--format", "json"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&log.stdout)
            .contains("+全县 12 个重点项目的负责人参加会议，逐项汇报")
    );
    assert!(violations.is_empty(), "axe-core:\n{}", violations.join("\n"));
}

//! A late report is approved, published, built, archived, logged, counted,
//! carried by the bulletin and accepted by a plain git server.

use super::*;
use crate::support::rule_list;

#[test]
fn a_late_report_is_approved_and_published() {
    let Some(bureau) = bureau() else { return };
    propose(&bureau, "zhang/late", ID, LATE, WRITTEN);

    let out = approve(&bureau, "zhang/late", MERGED);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(stdout(&out).contains("李四 已审核并合并 1 条信息"), "{}", stdout(&out));
    let message = bureau.git(MERGED, None, &["log", "-1", "--format=%B"]);
    assert!(message.contains(&format!("Approved: {ID}")), "{message}");
    let report = bureau.report(ID);
    assert_eq!(report["state"], "approved", "{report}");
    assert_eq!(report["approved_by"][0]["name"], "李四");
    assert_eq!(report["approved_by"][0]["at"], MERGED);
    assert_eq!(report["problems"], serde_json::json!([]));

    bureau.configure_signer("钱七", "qian");
    let out = bureau.xinbao_at(PUBLISHED, &["publish", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(stdout(&out).contains("钱七 已发布 1 条信息"), "{}", stdout(&out));
    let report = bureau.report(ID);
    assert_eq!(report["state"], "published", "{report}");
    assert_eq!(report["published_by"][0]["name"], "钱七");
    assert_eq!(report["published_by"][0]["at"], PUBLISHED);
    assert_eq!(report["problems"], serde_json::json!([]));

    // On main, with its approvals, it is still only a warning.
    let out = bureau.run(&["check", "--approvals", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rule_list(&json);
    assert_eq!(rules, ["deadline-exceeded"], "{json}");
}

#[test]
fn a_published_late_report_is_built_archived_logged_and_counted() {
    let Some(bureau) = published() else { return };

    let out = bureau.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    // The documents, with the approval block.
    let docx = document_xml(&public_file(&bureau, &format!("files/{ID}.docx")));
    assert!(docx.contains(TITLE), "title in the DOCX");
    assert!(docx.contains(">审核：李四　2026年3月5日</w:t>"), "approval block in the DOCX");
    assert!(docx.contains(">发布：钱七　2026年3月6日</w:t>"), "publication in the DOCX");
    let pdf = std::fs::read(public_file(&bureau, &format!("files/{ID}.pdf"))).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");

    // Its page: the 迟报 mark, and the finding with the writer's reason.
    let mark = r#"<span class="state s-late">迟报</span>"#;
    let page =
        std::fs::read_to_string(public_file(&bureau, &format!("reports/{ID}.html"))).unwrap();
    assert!(page.contains(mark), "{page}");
    let warning = format!(r#"<p class="warning late">{LATE_ZH}"#);
    let at = page.find(&warning).unwrap_or_else(|| panic!("no late warning: {page}"));
    let end = at + page[at..].find("</p>").unwrap();
    assert!(page[at..end].ends_with(&format!("；迟报原因：{REASON}")), "{}", &page[at..end]);
    // The lists mark it too.
    for list in ["index.html", "date/2026-03.html", "category/work.html"] {
        let html = std::fs::read_to_string(public_file(&bureau, list)).unwrap();
        assert!(html.contains(mark), "{list} lacks the 迟报 mark");
    }
    // The search index flags it late, and the search form can filter on it.
    let docs = search_docs(&public_file(&bureau, "search/docs.js"));
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert_eq!(docs[0][0], ID);
    assert_eq!(docs[0].as_array().unwrap().last(), Some(&Value::from(1)), "{docs:?}");
    let search = std::fs::read_to_string(public_file(&bureau, "search.html")).unwrap();
    assert!(search.contains(r#"<input type="checkbox" name="late" id="late" value="1">"#));

    // Its trail says it came late, and why.
    let out = bureau.run(&["log", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let log = stdout(&out);
    assert!(log.contains(LATE_ZH) && log.contains(REASON), "{log}");
    let out = bureau.run(&["log", ID, "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["state"], "published");
    assert_eq!(json["late_reason"], REASON);
    let late = json["late"].as_array().unwrap();
    assert_eq!(late.len(), 1, "{json}");
    assert!(late[0].as_str().unwrap().starts_with(LATE_ZH), "{json}");

    // The quarter counts it late (score: 1 submitted + 1 published − 1 late).
    let out = bureau.run(&["stats", "--quarter", "2026Q1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unit = unit_figures(&stats, "投资科");
    for (figure, expected) in
        [("submitted", 1), ("approved", 1), ("published", 1), ("on_time", 0), ("late", 1)]
    {
        assert_eq!(unit[figure], expected, "{figure}: {unit}");
    }
    assert_eq!(unit["score"], 1, "{unit}");
    assert_eq!(stats["totals"]["late"], 1, "{stats}");
    assert_eq!(unit_figures(&stats, "价格科")["late"], 0);

    // The quarter's notice lists it with its reason.
    let out = bureau.run(&["stats", "--quarter", "2026Q1"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let notice = stdout(&out);
    let line = format!(
        "迟报：投资科《{TITLE}》于2026年3月5日10时报送，超过规定时限。迟报原因：{REASON}。"
    );
    assert!(notice.contains(&line), "{notice}");
}

#[test]
fn the_bulletin_carries_a_published_late_report() {
    let Some(bureau) = published() else { return };
    let out = bureau.run(&["bulletin", "--from", "2026-03-01", "--to", "2026-03-31"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let text = stdout(&out);
    assert!(text.contains("2026年第1期：1 条信息（2026-03-01 至 2026-03-31）"), "{text}");
    let docx = text
        .lines()
        .find_map(|l| l.strip_prefix("已生成 ").filter(|f| f.ends_with(".docx")))
        .unwrap_or_else(|| panic!("no DOCX written: {text}"));
    assert!(document_xml(Path::new(docx)).contains(TITLE), "the report is in the issue");

    // The issue's list is frozen once recorded: a report of the period published
    // later is not added, and the office is told so.
    bureau.git(PUBLISHED, None, &["add", "-A"]);
    bureau.git(PUBLISHED, None, &["commit", "-q", "-m", "第1期"]);
    propose_approve_publish(
        &bureau,
        "zhang/ontime",
        ON_TIME_ID,
        ON_TIME,
        [ON_TIME_WRITTEN, ON_TIME_MERGED, "2026-03-10T09:00:00+08:00"],
    );
    let again = bureau.run(&["bulletin", "--from", "2026-03-01", "--to", "2026-03-31"]);
    assert_eq!(again.status.code(), Some(0), "{}", said(&again));
    assert!(stdout(&again).contains("2026年第1期：1 条信息"), "{}", said(&again));
    let told = stderr(&again);
    assert!(
        told.contains(&format!("信息 {ON_TIME_ID} 在本期期间内已发布，但不在本期已定的目录中")),
        "{told}"
    );
}

#[test]
fn a_plain_git_server_accepts_a_late_report_and_later_pushes() {
    let Some(bureau) = bureau() else { return };
    let server = Server::new();
    let site = server.site();
    let push = |date: &str| server.push(bureau.git_command(date, None), server.bare(), "main");

    // The late report, approved by 李四 and published by 钱七 (the deployed archive
    // holds published reports only, SPEC §7): accepted with its warning, and archived.
    propose_approve_publish(&bureau, "zhang/late", ID, LATE, [WRITTEN, MERGED, PUBLISHED]);
    let out = push(PUBLISHED);
    let told = stderr(&out);
    assert!(out.status.success(), "the server refused a late report: {told}");
    assert!(told.contains(&format!("[deadline-exceeded]: {LATE_ZH}")), "{told}");
    assert!(!told.contains("推送被拒绝"), "{told}");
    assert_eq!(server.main(), bureau.git(PUBLISHED, None, &["rev-parse", "HEAD"]));
    let page = std::fs::read_to_string(site.join(format!("reports/{ID}.html")))
        .unwrap_or_else(|e| panic!("post-receive built no page for {ID} ({e}): {told}"));
    assert!(page.contains(r#"<span class="state s-late">迟报</span>"#), "{page}");
    assert!(site.join(format!("files/{ID}.pdf")).is_file(), "{told}");

    // A later push of another report, with the late one still on main, is accepted too.
    propose_approve_publish(
        &bureau,
        "zhang/ontime",
        ON_TIME_ID,
        ON_TIME,
        [ON_TIME_WRITTEN, ON_TIME_MERGED, ON_TIME_MERGED],
    );
    let out = push(ON_TIME_MERGED);
    let told = stderr(&out);
    assert!(out.status.success(), "the late report on main blocked a later push: {told}");
    assert_eq!(server.main(), bureau.git(ON_TIME_MERGED, None, &["rev-parse", "HEAD"]));
    let page = std::fs::read_to_string(site.join(format!("reports/{ON_TIME_ID}.html")))
        .unwrap_or_else(|e| panic!("post-receive built no page for {ON_TIME_ID} ({e}): {told}"));
    assert!(!page.contains("s-late"), "an on-time report is not marked late");
    let docs = search_docs(&site.join("search/docs.js"));
    let flags: Vec<(&str, &Value)> = docs
        .iter()
        .map(|d| (d[0].as_str().unwrap(), d.as_array().unwrap().last().unwrap()))
        .collect();
    assert_eq!(flags.len(), 2, "{docs:?}");
    assert!(flags.contains(&(ID, &Value::from(1))), "{flags:?}");
    assert!(flags.contains(&(ON_TIME_ID, &Value::from(0))), "{flags:?}");

    // The record may only grow: a merge that puts the old tip on its second parent
    // (git calls it a fast-forward) would drop the last approval from main's
    // first-parent history; the server refuses it and main stays.
    let tip = bureau.git(ON_TIME_MERGED, None, &["rev-parse", "HEAD"]);
    let tree = bureau.git(ON_TIME_MERGED, None, &["rev-parse", "HEAD^:"]);
    let rewritten = bureau.git(
        ON_TIME_MERGED,
        None,
        &["commit-tree", &tree, "-p", "HEAD^", "-p", "HEAD", "-m", "改写"],
    );
    bureau.git(ON_TIME_MERGED, None, &["reset", "-q", "--hard", &rewritten]);
    let out = push(ON_TIME_MERGED);
    let told = stderr(&out);
    assert!(!out.status.success(), "a rewritten first-parent history was accepted: {told}");
    assert!(told.contains("首父提交历史只能增长"), "{told}");
    assert_eq!(server.main(), tip);
}

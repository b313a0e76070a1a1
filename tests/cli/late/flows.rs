//! A late report is approved, published, built, archived, logged, counted,
//! carried by the bulletin and accepted by a plain git server.

use super::*;
use crate::support::rule_list;

#[test]
fn a_late_report_is_approved_and_published() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/late", ID, LATE, WRITTEN);

    let out = bureau.approve("zhang/late", MERGED);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(stdout(&out).contains("李四 已审核并合并 1 条信息"), "{}", stdout(&out));
    let message = bureau.git(MERGED, &["log", "-1", "--format=%B"]);
    assert!(message.contains(&format!("Approved: {ID}")), "{message}");
    let report = bureau.status(ID);
    assert_eq!(report["state"], "approved", "{report}");
    assert_eq!(report["approved_by"][0]["name"], "李四");
    assert_eq!(report["approved_by"][0]["at"], MERGED);
    assert_eq!(report["problems"], serde_json::json!([]));

    bureau.configure_signer("钱七", "qian");
    let out = bureau.xinbao_at(PUBLISHED, &["publish", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(stdout(&out).contains("钱七 已发布 1 条信息"), "{}", stdout(&out));
    let report = bureau.status(ID);
    assert_eq!(report["state"], "published", "{report}");
    assert_eq!(report["published_by"][0]["name"], "钱七");
    assert_eq!(report["published_by"][0]["at"], PUBLISHED);
    assert_eq!(report["problems"], serde_json::json!([]));

    // On main, with its approvals, it is still only a warning.
    let out = bureau.xinbao(&["check", "--approvals", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rule_list(&json);
    assert_eq!(rules, ["deadline-exceeded"], "{json}");
}

#[test]
fn a_published_late_report_is_built_archived_logged_and_counted() {
    let Some(bureau) = Bureau::published() else { return };

    let out = bureau.xinbao(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    // The documents, with the approval block.
    let docx = docx_text(&bureau.public_file(&format!("files/{ID}.docx")));
    assert!(docx.contains(TITLE), "title in the DOCX");
    assert!(docx.contains(">审核：李四　2026年3月5日</w:t>"), "approval block in the DOCX");
    assert!(docx.contains(">发布：钱七　2026年3月6日</w:t>"), "publication in the DOCX");
    let pdf = std::fs::read(bureau.public_file(&format!("files/{ID}.pdf"))).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");

    // Its page: the 迟报 mark, and the finding with the writer's reason.
    let mark = r#"<span class="state s-late">迟报</span>"#;
    let page = std::fs::read_to_string(bureau.public_file(&format!("reports/{ID}.html"))).unwrap();
    assert!(page.contains(mark), "{page}");
    let warning = format!(r#"<p class="warning late">{LATE_ZH}"#);
    let at = page.find(&warning).unwrap_or_else(|| panic!("no late warning: {page}"));
    let end = at + page[at..].find("</p>").unwrap();
    assert!(page[at..end].ends_with(&format!("；迟报原因：{REASON}")), "{}", &page[at..end]);
    // The lists mark it too.
    for list in ["index.html", "date/2026-03.html", "category/work.html"] {
        let html = std::fs::read_to_string(bureau.public_file(list)).unwrap();
        assert!(html.contains(mark), "{list} lacks the 迟报 mark");
    }
    // The search index flags it late, and the search form can filter on it.
    let docs = search_docs(&bureau.public_file("search/docs.js"));
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert_eq!(docs[0][0], ID);
    assert_eq!(docs[0].as_array().unwrap().last(), Some(&Value::from(1)), "{docs:?}");
    let search = std::fs::read_to_string(bureau.public_file("search.html")).unwrap();
    assert!(search.contains(r#"<input type="checkbox" name="late" id="late" value="1">"#));

    // Its trail says it came late, and why.
    let out = bureau.xinbao(&["log", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let log = stdout(&out);
    assert!(log.contains(LATE_ZH) && log.contains(REASON), "{log}");
    let out = bureau.xinbao(&["log", ID, "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["state"], "published");
    assert_eq!(json["late_reason"], REASON);
    let late = json["late"].as_array().unwrap();
    assert_eq!(late.len(), 1, "{json}");
    assert!(late[0].as_str().unwrap().starts_with(LATE_ZH), "{json}");

    // The quarter counts it late (score: 1 submitted + 1 published − 1 late).
    let out = bureau.xinbao(&["stats", "--quarter", "2026Q1", "--format", "json"]);
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
    let out = bureau.xinbao(&["stats", "--quarter", "2026Q1"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let notice = stdout(&out);
    let line = format!(
        "迟报：投资科《{TITLE}》于2026年3月5日10时报送，超过规定时限。迟报原因：{REASON}。"
    );
    assert!(notice.contains(&line), "{notice}");
}

#[test]
fn the_bulletin_carries_a_published_late_report() {
    let Some(bureau) = Bureau::published() else { return };
    let out = bureau.xinbao(&["bulletin", "--from", "2026-03-01", "--to", "2026-03-31"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let text = stdout(&out);
    assert!(text.contains("2026年第1期：1 条信息（2026-03-01 至 2026-03-31）"), "{text}");
    let docx = text
        .lines()
        .find_map(|l| l.strip_prefix("已生成 ").filter(|f| f.ends_with(".docx")))
        .unwrap_or_else(|| panic!("no DOCX written: {text}"));
    assert!(docx_text(Path::new(docx)).contains(TITLE), "the report is in the issue");

    // The issue's list is frozen once recorded: a report of the period published
    // later is not added, and the office is told so.
    bureau.git(PUBLISHED, &["add", "-A"]);
    bureau.git(PUBLISHED, &["commit", "-q", "-m", "第1期"]);
    bureau.propose("zhang/ontime", ON_TIME_ID, ON_TIME, ON_TIME_WRITTEN);
    let approved = bureau.approve("zhang/ontime", ON_TIME_MERGED);
    assert!(approved.status.success(), "{}", said(&approved));
    bureau.configure_signer("钱七", "qian");
    let published = bureau.xinbao_at("2026-03-10T09:00:00+08:00", &["publish", ON_TIME_ID]);
    assert!(published.status.success(), "{}", said(&published));
    let again = bureau.xinbao(&["bulletin", "--from", "2026-03-01", "--to", "2026-03-31"]);
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
    let Some(bureau) = Bureau::new() else { return };
    let server = tempfile::tempdir().unwrap();
    let bare = server.path().join("reports.git");
    let site = server.path().join("www");
    let init = git_command(server.path(), SETTINGS)
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&bare)
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", stderr(&init));
    let contrib = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib");
    for hook in ["pre-receive", "post-receive"] {
        std::fs::copy(contrib.join(hook), bare.join("hooks").join(hook)).unwrap();
    }
    let push = |date: &str, verbose: &str| {
        bureau
            .git_command(date)
            .env("XINBAO", env!("CARGO_BIN_EXE_xinbao"))
            .env("XINBAO_SITE", &site)
            .env("XINBAO_VERBOSE", verbose)
            .args(["push", "-q"])
            .arg(&bare)
            .arg("main")
            .output()
            .unwrap()
    };
    let server_main = || {
        let out = git_command(&bare, SETTINGS).args(["rev-parse", "main"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };

    // The late report, approved by 李四 and published by 钱七 (the deployed archive
    // holds published reports only, SPEC §7): accepted with its warning, and archived.
    bureau.propose("zhang/late", ID, LATE, WRITTEN);
    let approved = bureau.approve("zhang/late", MERGED);
    assert!(approved.status.success(), "{}", said(&approved));
    bureau.configure_signer("钱七", "qian");
    let published = bureau.xinbao_at(PUBLISHED, &["publish", ID]);
    assert!(published.status.success(), "{}", said(&published));
    // The pusher is told one line, the lateness counted in it (details with
    // XINBAO_VERBOSE=1, below).
    let out = push(PUBLISHED, "");
    let told = stderr(&out);
    assert!(out.status.success(), "the server refused a late report: {told}");
    assert_eq!(told.lines().count(), 1, "{told}");
    assert!(told.contains("检查 1 个文件：0 个错误，1 个警告（deadline-exceeded 1）"), "{told}");
    assert!(!told.contains("推送被拒绝"), "{told}");
    assert_eq!(server_main(), bureau.git(PUBLISHED, &["rev-parse", "HEAD"]));
    let page = std::fs::read_to_string(site.join(format!("reports/{ID}.html")))
        .unwrap_or_else(|e| panic!("post-receive built no page for {ID} ({e}): {told}"));
    assert!(page.contains(r#"<span class="state s-late">迟报</span>"#), "{page}");
    assert!(site.join(format!("files/{ID}.pdf")).is_file(), "{told}");

    // A later push of another report, with the late one still on main, is accepted too.
    bureau.propose("zhang/ontime", ON_TIME_ID, ON_TIME, ON_TIME_WRITTEN);
    let approved = bureau.approve("zhang/ontime", ON_TIME_MERGED);
    assert!(approved.status.success(), "{}", said(&approved));
    bureau.configure_signer("钱七", "qian");
    let published = bureau.xinbao_at(ON_TIME_MERGED, &["publish", ON_TIME_ID]);
    assert!(published.status.success(), "{}", said(&published));
    let out = push(ON_TIME_MERGED, "1");
    let told = stderr(&out);
    assert!(out.status.success(), "the late report on main blocked a later push: {told}");
    assert!(told.contains(&format!("[deadline-exceeded]: {LATE_ZH}")), "{told}");
    assert_eq!(server_main(), bureau.git(ON_TIME_MERGED, &["rev-parse", "HEAD"]));
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
    let tip = bureau.git(ON_TIME_MERGED, &["rev-parse", "HEAD"]);
    let tree = bureau.git(ON_TIME_MERGED, &["rev-parse", "HEAD^:"]);
    let rewritten = bureau
        .git(ON_TIME_MERGED, &["commit-tree", &tree, "-p", "HEAD^", "-p", "HEAD", "-m", "改写"]);
    bureau.git(ON_TIME_MERGED, &["reset", "-q", "--hard", &rewritten]);
    let out = push(ON_TIME_MERGED, "");
    let told = stderr(&out);
    assert!(!out.status.success(), "a rewritten first-parent history was accepted: {told}");
    assert!(told.contains("首父提交历史只能增长"), "{told}");
    assert_eq!(server_main(), tip);
}

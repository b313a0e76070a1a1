//! A report is judged on the server's receipt when there is one, on its commit
//! times when there is none.

use super::*;

#[test]
fn a_backdated_report_is_judged_on_the_servers_receipt() {
    let Some(bureau) = Served::new(Some("server")) else { return };
    let commit = bureau.commit_report();
    let told = bureau.push(LATE, "main");
    assert!(told.contains(&signed(LATE)), "{told}");

    let clone = bureau.clone_server();
    let note =
        run_git(clone.root(), FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &commit]);
    assert!(
        note.starts_with(&format!(
            "xinbao receipt\nreceived 2026-03-05T02:00:00Z\nsigner 服务器\ncommit {commit}\n"
        )),
        "{note}"
    );

    // The deadline is judged on the receipt, not on submitted_at or the commit dates.
    let found = findings(&clone, 0);
    // The runs below read HEAD's report files from the cache the first one wrote.
    assert!(clone.root().join(".git/xinbao/tip.bin").is_file());
    assert_eq!(found.len(), 1, "{found:?}");
    let (rule, severity, line, message) = &found[0];
    assert_eq!(
        (rule.as_str(), severity.as_str(), *line),
        ("deadline-exceeded", "warning", SUBMITTED_LINE)
    );
    assert!(message.starts_with("迟报 1 天 10 小时："), "{message}");
    assert!(
        message
            .contains("应于 2026-03-04 00:00 +08:00 前报送，服务器收到于 2026-03-05 10:00 +08:00"),
        "{message}"
    );
    assert_eq!(received_at(&clone), "2026-03-05T10:00:00+08:00");
    let log = log(&clone);
    assert!(log.contains("服务器收到：2026-03-05 10:00"), "{log}");
    assert!(log.contains("服务器收到于 2026-03-05 10:00 +08:00"), "{log}");
    assert_eq!(counted(&quarter(&clone)), (1, 0, 1), "counted late");

    // The archive the server built says when it arrived, and that it came late.
    let page = bureau.page();
    assert!(page.contains(&received_row("2026年3月5日 10:00")), "{page}");
    assert!(page.contains(r#"<span class="state s-late">迟报</span>"#), "{page}");
}

#[test]
fn an_honest_report_pushed_on_time_has_its_receipt_and_no_lateness() {
    let Some(bureau) = Served::new(Some("server")) else { return };
    bureau.commit_report();
    let told = bureau.push(ON_TIME, "main");
    assert!(told.contains(&signed(ON_TIME)), "{told}");

    let clone = bureau.clone_server();
    assert_eq!(findings(&clone, 0), [], "nothing to find");
    assert_eq!(received_at(&clone), "2026-03-02T18:00:00+08:00");
    let log = log(&clone);
    assert!(log.contains("服务器收到：2026-03-02 18:00"), "{log}");
    assert!(!log.contains("迟报"), "{log}");
    assert_eq!(counted(&quarter(&clone)), (1, 1, 0), "counted on time");
    let page = bureau.page();
    assert!(page.contains(&received_row("2026年3月2日 18:00")), "{page}");
    assert!(!page.contains("s-late"), "{page}");
}

#[test]
fn without_a_receipt_the_time_is_unconfirmed_and_the_commit_times_rule() {
    let Some(bureau) = Served::new(None) else { return };
    bureau.commit_report();
    // The same backdated push as above, to a server that signs no receipts.
    let told = bureau.push(LATE, "main");
    assert!(!told.contains("签收"), "{told}");
    assert_eq!(bureau.server_notes(), "", "the server keeps no receipts");

    let clone = bureau.clone_server();
    // Judged on submitted_at and the commit dates, it is on time.
    assert_eq!(findings(&clone, 0), [], "nothing to find");
    assert_eq!(received_at(&clone), Value::Null);
    let log = log(&clone);
    assert!(log.contains("报送时间未经服务器确认"), "{log}");
    assert!(!log.contains("服务器收到"), "{log}");
    assert_eq!(counted(&quarter(&clone)), (1, 1, 0), "counted on time");
    let page = bureau.page();
    assert!(page.contains(&received_row("未经服务器确认")), "{page}");
}

//! SPEC §6.3: receipts bind content, not names (a report arrived at the earliest
//! receipt along its own line of versions, counting only versions that share half
//! of its text); a report belongs to the period of its arrival (§8); receipts are
//! never lost; each receipt records the tip of main, and a main that does not pass
//! through it is refused by `xinbao receipt --verify-main`.

use super::*;

/// A report with this id, the same front matter as [`REPORT`] and hardly a body:
/// an empty envelope, or a placeholder.
fn envelope() -> String {
    REPORT.replace("3月2日，投资科召开重点项目调度会。", "待补充。")
}

/// [`REPORT`] filled with a long body: the envelope shares far less than half of it.
fn filled() -> String {
    let paragraph = "3月2日上午，投资科召开重点项目调度会，逐一听取在建项目进展，\
研究解决用地、资金和审批中的具体问题，明确下一步工作责任和完成时限。\n\n";
    REPORT.replace("3月2日，投资科召开重点项目调度会。\n", &paragraph.repeat(12))
}

/// `(rule, message)` of the findings of `xinbao check` in `repo`.
fn rules(repo: &Sandbox) -> Vec<(String, String)> {
    findings(repo, 0).into_iter().map(|(rule, _, _, message)| (rule, message)).collect()
}

/// Whether the report is judged late on the receipt of [`LATE`].
fn late_on_the_late_push(repo: &Sandbox) -> bool {
    rules(repo).iter().any(|(rule, message)| {
        rule == "deadline-exceeded" && message.contains("服务器收到于 2026-03-05 10:00 +08:00")
    })
}

/// The server's admin moves main onto another line, off `main~1` and pushed at
/// [`LATE`]; gives its tip.
fn move_main_to_another_line(bureau: &Served) -> String {
    bureau.git(COMMITTED, &["checkout", "-q", "-b", "other", "main~1"]);
    bureau.writer.put("notes/other.txt", "other\n");
    let other = bureau.writer.commit(COMMITTED, None, "另一条线");
    bureau.push(LATE, "other");
    bureau.server.git(FORGED_AT, &["update-ref", "refs/heads/main", &other]);
    other
}

#[test]
fn a_placeholder_grafted_with_merge_s_ours_does_not_bring_the_report_in_on_time() {
    let Some(bureau) = Served::new(Some("server")) else { return };
    // On time, a placeholder with the report's id on a throwaway branch.
    bureau.git(COMMITTED, &["checkout", "-q", "-b", "tmp"]);
    bureau.writer.put(FILE, envelope());
    bureau.writer.commit(COMMITTED, None, "占位");
    assert!(bureau.push(ON_TIME, "tmp").contains(&signed(ON_TIME)));
    // Days later, the report is written on main, and the placeholder grafted in
    // with `merge -s ours` (its text is dropped, its commit kept).
    bureau.git(COMMITTED, &["checkout", "-q", "main"]);
    bureau.commit_report();
    bureau.git(COMMITTED, &["merge", "-q", "-s", "ours", "-m", "合并", "tmp"]);
    bureau.push(LATE, "main");

    let clone = bureau.clone_server();
    assert_eq!(received_at(&clone), "2026-03-05T10:00:00+08:00");
    assert!(late_on_the_late_push(&clone), "{:?}", rules(&clone));
    assert_eq!(counted(&quarter(&clone)), (1, 0, 1), "counted late");
}

#[test]
fn an_empty_envelope_handed_in_on_time_arrives_when_it_is_filled() {
    let Some(bureau) = Served::new(Some("server")) else { return };
    bureau.writer.put(FILE, envelope());
    bureau.writer.commit(COMMITTED, None, "投资科：调度会");
    assert!(bureau.push(ON_TIME, "main").contains(&signed(ON_TIME)));
    bureau.writer.put(FILE, filled());
    bureau.git(COMMITTED, &["commit", "-q", "-am", "投资科：补全"]);
    bureau.push(LATE, "main");

    let clone = bureau.clone_server();
    assert_eq!(received_at(&clone), "2026-03-05T10:00:00+08:00");
    assert!(late_on_the_late_push(&clone), "{:?}", rules(&clone));
}

#[test]
fn a_report_corrected_after_it_arrived_keeps_its_arrival() {
    let Some(bureau) = Served::new(Some("server")) else { return };
    bureau.writer.put(FILE, filled());
    bureau.writer.commit(COMMITTED, None, "投资科：调度会");
    assert!(bureau.push(ON_TIME, "main").contains(&signed(ON_TIME)));
    // A correction: most of the text stays.
    bureau.writer.put(FILE, filled().replacen("逐一听取", "逐项听取", 1));
    bureau.git(COMMITTED, &["commit", "-q", "-am", "投资科：改一字"]);
    bureau.push(LATE, "main");

    let clone = bureau.clone_server();
    assert_eq!(received_at(&clone), "2026-03-02T18:00:00+08:00");
    assert_eq!(rules(&clone), [], "on time");
}

/// §8: a report belongs to the period of its arrival, not of its submitted_at.
#[test]
fn a_report_received_after_the_quarter_counts_in_the_next() {
    let Some(bureau) = Served::new(Some("server")) else { return };
    let report = REPORT
        .replace("2026-03-02T09:00:00", "2026-03-30T09:00:00")
        .replace("2026-03-02T17:40:00", "2026-03-30T17:40:00");
    bureau.writer.put(FILE, report);
    let committed = "2026-03-30T17:45:00+08:00";
    bureau.writer.commit(committed, None, "投资科：调度会");
    assert!(bureau.push("2026-04-10 10:00:00", "main").contains("签收"));

    let clone = bureau.clone_server();
    assert_eq!(received_at(&clone), "2026-04-10T10:00:00+08:00");
    assert_eq!(counted(&quarter(&clone)), (0, 0, 0), "not in 2026Q1");
    let out = clone.run(&["stats", "--quarter", "2026Q2", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unit = stats["units"].as_array().unwrap().iter().find(|u| u["unit"] == "投资科").unwrap();
    assert_eq!(counted(unit), (1, 0, 1), "in 2026Q2, late");
}

/// Receipts are never lost: pushes that arrive together each get their receipts.
#[test]
fn pushes_at_the_same_time_lose_no_receipt() {
    let Some(bureau) = Served::new(Some("server")) else { return };
    const ROUNDS: usize = 10;
    const COMMITS: usize = 3;
    for round in 0..ROUNDS {
        let branches = [format!("a{round}"), format!("b{round}")];
        for branch in &branches {
            bureau.git(COMMITTED, &["checkout", "-q", "-b", branch, "main"]);
            for n in 0..COMMITS {
                bureau.writer.put(&format!("notes/{branch}-{n}.txt"), format!("{branch} {n}\n"));
                bureau.writer.commit(COMMITTED, None, &format!("{branch} {n}"));
            }
        }
        bureau.git(COMMITTED, &["checkout", "-q", "main"]);
        let barrier = std::sync::Barrier::new(branches.len());
        std::thread::scope(|scope| {
            for branch in &branches {
                let (bureau, barrier) = (&bureau, &barrier);
                scope.spawn(move || {
                    barrier.wait();
                    bureau.push(ON_TIME, branch)
                });
            }
        });
    }
    let held = bureau.server.git(FORGED_AT, &["rev-list", "--branches"]);
    let notes = bureau.server.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "list"]);
    let noted: std::collections::BTreeSet<&str> =
        notes.lines().filter_map(|l| l.split_whitespace().nth(1)).collect();
    let missing: Vec<&str> = held.lines().filter(|c| !noted.contains(c)).collect();
    assert_eq!(held.lines().count(), 1 + ROUNDS * 2 * COMMITS);
    assert_eq!(missing, Vec::<&str>::new(), "commits without a receipt");
    // Nothing left behind by the runs but the receipts.
    assert_eq!(
        bureau.server_notes().lines().count(),
        1,
        "one notes ref: {}",
        bureau.server_notes()
    );
}

/// A run that fails says so, and the next run signs for what it missed.
#[test]
fn a_failed_run_is_said_and_the_next_run_signs_for_what_it_missed() {
    let Some(mut bureau) = Served::new(Some("server")) else { return };
    bureau.git(COMMITTED, &["checkout", "-q", "-b", "missed"]);
    bureau.writer.put("notes/missed.txt", "missed\n");
    let missed = bureau.writer.commit(COMMITTED, None, "漏签");
    // The server's key file is gone for this push.
    bureau.sign_with(Some("no-such-key"));
    let told = bureau.push(ON_TIME, "missed");
    assert!(told.contains("收条未能写入"), "{told}");
    let bare = bureau.server.bare();
    let notes = || run_git(&bare, FORGED_AT, &["notes", "--ref", "xinbao/receipts", "list"]);
    assert!(!notes().contains(&missed), "{}", notes());

    bureau.sign_with(Some("server"));
    bureau.git(COMMITTED, &["checkout", "-q", "-b", "next", "main"]);
    bureau.writer.put("notes/next.txt", "next\n");
    bureau.writer.commit(COMMITTED, None, "下一次");
    let told = bureau.push(LATE, "next");
    assert!(told.contains("服务器 签收 2 个提交"), "{told}");
    assert!(notes().contains(&missed), "{}", notes());
    let note =
        bureau.server.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &missed]);
    assert!(note.contains("received 2026-03-05T02:00:00Z"), "{note}");
}

/// Each receipt records the tip of main; a main rewritten behind the hooks' back
/// (the server's admin moved it) is not recorded as the line, and `--verify-main`
/// refuses it.
#[test]
fn the_receipts_record_main_and_a_rewritten_main_is_refused() {
    let Some(bureau) = Served::new(Some("server")) else { return };
    let commit = bureau.commit_report();
    bureau.push(ON_TIME, "main");
    let note =
        bureau.server.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &commit]);
    assert!(note.contains(&format!("\ncommit {commit}\nmain {commit}\n-----BEGIN")), "{note}");
    let verify = |repo: &Sandbox| repo.run(&["receipt", "--verify-main"]);
    let clone = bureau.clone_server();
    let out = verify(&clone);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(
        stderr(&out).contains(&format!("main 经过服务器最后记录的 {commit}")),
        "{}",
        said(&out)
    );

    // Another line, then main moved onto it on the server itself.
    move_main_to_another_line(&bureau);
    // The next push's receipt records the old tip again, and says why.
    bureau.writer.put("notes/more.txt", "more\n");
    let more = bureau.writer.commit(COMMITTED, None, "再推送");
    let told = bureau.push(LATE, "other");
    assert!(told.contains("主分支历史被改写"), "{told}");
    let note = bureau.server.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &more]);
    assert!(note.contains(&format!("\nmain {commit}\n")), "{note}");

    let clone = bureau.clone_server();
    let out = verify(&clone);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(stderr(&out).contains(&format!("不经过服务器最后记录的 {commit}")), "{}", said(&out));
    // Verdicts follow the recorded line: `history-rewritten` in status and in the
    // check, and build refuses until an office or admin signature acknowledges it.
    let status = clone.run(&["status", "--format", "json"]);
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    let problems = status["trust"]["problems"].as_array().unwrap();
    assert!(problems.iter().any(|p| p["rule"] == "history-rewritten"), "{status:#}");
    let checked = clone.run(&["check", "--approvals", "--format", "json"]);
    assert_eq!(checked.status.code(), Some(1), "{}", said(&checked));
    let built = clone.run(&["build", "--only", "docx", "--out", "out"]);
    assert_eq!(built.status.code(), Some(1), "{}", said(&built));
    assert!(stderr(&built).contains("history-rewritten"), "{}", said(&built));
    assert!(!clone.root().join("out").exists(), "nothing is built");
}

/// A server key registered by a settings change after the root: a writer's branch
/// pushed before anything else reaches main gets a receipt that counts, though the
/// settings' period (dated by the next commit on main) starts only at the merge.
#[test]
fn a_branch_received_right_after_the_server_key_was_registered_keeps_its_receipt() {
    let Some(mut bureau) = Served::new(None) else { return };
    // A second server person, whose key is the one the server now signs with.
    bureau.writer.add_person(&bureau.writer.entry(Person::server("服务器二", "stranger")));
    let registered = "2026-03-02T08:00:00+08:00";
    bureau.git(registered, &["commit", "-q", "-am", "设置：服务器二"]);
    bureau.sign_with(Some("stranger"));
    assert!(bureau.push("2026-03-02 08:10:00", "main").contains("服务器二 签收"));

    bureau.git(COMMITTED, &["checkout", "-q", "-b", "zhang/report"]);
    bureau.commit_report();
    let told = bureau.push(ON_TIME, "zhang/report");
    assert!(told.contains("服务器二 签收 1 个提交，收到时间 2026-03-02T18:00:00+08:00"), "{told}");
    bureau.git(COMMITTED, &["checkout", "-q", "main"]);
    let merged = "2026-03-05T09:50:00+08:00";
    bureau.git(merged, &["merge", "-q", "--no-ff", "-m", "合并", "zhang/report"]);
    bureau.push(LATE, "main");

    let clone = bureau.clone_server();
    assert_eq!(received_at(&clone), "2026-03-02T18:00:00+08:00");
    let out = clone.run(&["check", "--approvals", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = crate::support::rule_list(&json);
    assert!(!rules.contains(&"signature-invalid"), "{json}");
    assert!(!rules.contains(&"deadline-exceeded"), "{json}");
}

/// After a rewrite the office acknowledged (`History-rewritten-from:`), the next
/// receipt records the new line, so that it guards against the next rewrite.
#[test]
fn an_acknowledged_rewrite_is_recorded_and_the_next_one_is_refused() {
    let Some(bureau) = Served::new(Some("server")) else { return };
    // The bureau names its office (the bootstrap: no office key yet, no signature needed).
    bureau.writer.add_person(&bureau.writer.entry(Person::office("钱七", "stranger")));
    bureau.git("2026-03-02T08:00:00+08:00", &["commit", "-q", "-am", "设置：办公室"]);
    bureau.push("2026-03-02 08:10:00", "main");
    let old = bureau.commit_report();
    bureau.push(ON_TIME, "main");
    // The server's admin moves main onto another line.
    let other = move_main_to_another_line(&bureau);
    // The office acknowledges it in a commit it signs.
    let message = format!("确认主线改写\n\nHistory-rewritten-from: {old}\n");
    bureau.writer.commit(FORGED_AT, Some("stranger"), &message);
    bureau.push(FORGED_PUSH, "other:main");
    let acknowledged = bureau.git(COMMITTED, &["rev-parse", "HEAD"]);
    let clone = bureau.clone_server();
    let verify = clone.run(&["receipt", "--verify-main"]);
    assert_eq!(verify.status.code(), Some(0), "{}", said(&verify));
    let built = clone.run(&["build", "--only", "docx", "--out", "out"]);
    assert!(!stderr(&built).contains("history-rewritten"), "{}", said(&built));

    // The next rewrite, back before the acknowledgment, is caught again.
    bureau.writer.put("notes/more.txt", "more\n");
    bureau.writer.commit(FORGED_AT, None, "再推送");
    bureau.push("2026-03-05 12:00:00", "other:main");
    bureau.server.git(FORGED_AT, &["update-ref", "refs/heads/main", &other]);
    let clone = bureau.clone_server();
    let verify = clone.run(&["receipt", "--verify-main"]);
    assert_eq!(verify.status.code(), Some(1), "after {acknowledged}: {}", said(&verify));
}

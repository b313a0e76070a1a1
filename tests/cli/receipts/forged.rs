//! Receipts that do not verify (copied, tampered, signed by the writer or by a
//! key without the `server` role) are ignored with a finding.

use super::*;

/// The backdated report pushed late to a server that signs receipts; 张三 has
/// fetched its receipts. Gives the bureau, the report's commit and the settings commit.
fn late_with_receipt() -> Option<(Served, String, String)> {
    let bureau = Served::new(Some("server"))?;
    let settings = bureau.git(COMMITTED, &["rev-parse", "HEAD"]);
    let commit = bureau.commit_report();
    bureau.push(LATE, "main");
    bureau.fetch_notes();
    Some((bureau, commit, settings))
}

/// In 张三's clone: the report is judged by its commit time (on time, no
/// receipt), with a `signature-invalid` warning on the forged receipt, `why`.
fn assert_forgery_ignored(bureau: &Served, why: &str) {
    let found = findings(&bureau.writer.sandbox, 0);
    assert_eq!(found.len(), 1, "only the forged receipt is found: {found:?}");
    let (rule, severity, line, message) = &found[0];
    assert_eq!(
        (rule.as_str(), severity.as_str(), *line),
        ("signature-invalid", "warning", SUBMITTED_LINE),
        "{message}"
    );
    assert!(message.starts_with("服务器收条无效，已忽略："), "{message}");
    assert!(message.contains(why), "{message}");
    assert_eq!(received_at(&bureau.writer.sandbox), Value::Null);
    let log = log(&bureau.writer.sandbox);
    assert!(log.contains("报送时间未经服务器确认"), "{log}");
}

/// 张三 puts `text` on `commit` as its receipt note, in his clone.
fn put_receipt(bureau: &Served, commit: &str, text: String) {
    bureau.writer.put("forged-receipt", text);
    let add = ["notes", "--ref", "xinbao/receipts", "add", "-f", "-F", "forged-receipt", commit];
    bureau.git(FORGED_AT, &add);
}

#[test]
fn a_receipt_copied_from_another_commit_is_ignored() {
    let Some((bureau, commit, settings)) = late_with_receipt() else { return };
    // The real receipt of the settings commit, put on the report's commit.
    let receipt = bureau.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "list", &settings]);
    bureau.git(
        FORGED_AT,
        &["notes", "--ref", "xinbao/receipts", "add", "-f", "-C", &receipt, &commit],
    );
    assert_forgery_ignored(&bureau, "收条没有列出它所附的提交");
}

#[test]
fn a_receipt_with_a_tampered_time_is_ignored() {
    let Some((bureau, commit, _)) = late_with_receipt() else { return };
    let real = bureau.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &commit]);
    let received = "received 2026-03-05T02:00:00Z\n";
    assert!(real.contains(received), "{real}");
    // Received at 17:45 +08:00 on 2 March, says the forged note.
    let forged = real.replace(received, "received 2026-03-02T09:45:00Z\n");
    put_receipt(&bureau, &commit, format!("{forged}\n"));
    assert_forgery_ignored(&bureau, "收条的签名与内容不符");
}

#[test]
fn a_receipt_signed_by_the_writer_is_refused_and_ignored() {
    let Some((bureau, commit, _)) = late_with_receipt() else { return };
    let real = bureau.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &commit]);

    // xinbao will not sign a receipt with 张三's key: he has no server role.
    let out = xinbao()
        .current_dir(bureau.writer.root())
        .args(["receipt", "--key"])
        .arg(bureau.writer.key("zhang"))
        .arg(&commit)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(stderr(&out).contains("不属于 xinbao.yaml 中具有 server 角色的人"), "{}", said(&out));
    let note = bureau.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", &commit]);
    assert_eq!(note, real, "the note is the server's still");

    // So he signs one himself, in the receipt's format, with ssh-keygen.
    let payload =
        format!("xinbao receipt\nreceived 2026-03-02T09:45:00Z\nsigner 张三\ncommit {commit}\n");
    bureau.writer.put("payload", &payload);
    let out = Command::new("ssh-keygen")
        .current_dir(bureau.writer.root())
        .args(["-q", "-Y", "sign", "-n", "xinbao-receipt", "-f"])
        .arg(bureau.writer.key("zhang"))
        .arg("payload")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", said(&out));
    let signature = std::fs::read_to_string(bureau.writer.root().join("payload.sig")).unwrap();
    put_receipt(&bureau, &commit, format!("{payload}{signature}"));
    assert_forgery_ignored(&bureau, "收条由 张三 签名，但此人没有 server 角色");
}

#[test]
fn only_a_server_key_signs_receipts() {
    let Some(bureau) = Served::new(None) else { return };
    bureau.commit_report();
    bureau.push(LATE, "main");

    let receipt = |key: &str| {
        xinbao()
            .current_dir(bureau.server.bare())
            .args(["receipt", "--key"])
            .arg(bureau.writer.key(key))
            .arg("main")
            .output()
            .unwrap()
    };
    // A supervisor's key, a writer's, and a key of no one are refused.
    for key in ["li", "zhang", "stranger"] {
        let out = receipt(key);
        assert_eq!(out.status.code(), Some(1), "{key}: {}", said(&out));
        assert!(
            stderr(&out).contains("不属于 xinbao.yaml 中具有 server 角色的人，不能签发收条"),
            "{key}: {}",
            said(&out)
        );
        assert_eq!(bureau.server_notes(), "", "{key}: a note was written");
    }
    // The same from XINBAO_RECEIPT_KEY.
    let out = xinbao()
        .current_dir(bureau.server.bare())
        .env("XINBAO_RECEIPT_KEY", bureau.writer.key("li"))
        .args(["receipt", "main"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert_eq!(bureau.server_notes(), "", "a note was written");

    // The server's own key signs.
    let out = receipt("server");
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(stdout(&out).contains("服务器 签收 1 个提交"), "{}", said(&out));
    let main = bureau.server.git(FORGED_AT, &["rev-parse", "main"]);
    let note = bureau.server.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "show", "main"]);
    assert!(note.starts_with("xinbao receipt\n"), "{note}");
    assert!(note.contains(&format!("\nsigner 服务器\ncommit {main}\n")), "{note}");
}

#[test]
fn a_server_given_a_writers_key_signs_nothing_and_still_accepts_pushes() {
    let Some(bureau) = Served::new(Some("zhang")) else { return };
    bureau.commit_report();
    let told = bureau.push(LATE, "main");
    assert!(told.contains("不属于 xinbao.yaml 中具有 server 角色的人"), "{told}");
    assert_eq!(bureau.server_notes(), "", "no receipts");
    let clone = bureau.clone_server();
    assert_eq!(received_at(&clone), Value::Null);
    assert!(bureau.page().contains(&received_row("未经服务器确认")));
}

/// The server's record is its own: 张三 removes the receipt of his late report
/// in his clone and pushes the notes. The server must refuse, or keep its receipt.
#[test]
fn a_writer_cannot_erase_the_servers_receipt() {
    let Some((bureau, commit, _)) = late_with_receipt() else { return };
    bureau.git(FORGED_AT, &["notes", "--ref", "xinbao/receipts", "remove", &commit]);
    let out = bureau.try_push(FORGED_PUSH, "refs/notes/xinbao/receipts");
    let pushed = said(&out);

    let clone = bureau.clone_server();
    assert_eq!(
        received_at(&clone),
        "2026-03-05T10:00:00+08:00",
        "the server lost its receipt to a writer's push (push {}: {pushed})",
        if out.status.success() { "accepted" } else { "refused" }
    );
    let found = findings(&clone, 0);
    assert!(
        found.iter().any(|(rule, _, _, message)| rule == "deadline-exceeded"
            && message.contains("服务器收到于 2026-03-05 10:00 +08:00")),
        "{found:?}"
    );
}

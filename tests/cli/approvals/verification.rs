//! Who approves: the right supervisor's SSH, OpenPGP or in-process signature, and every
//! signature that does not count (another unit, unknown, expired, tampered, unsigned, stale);
//! what a merge approves, drafts, the history cache and `status`'s errors.

use super::{MERGED, PUBLISHED, Report, WRITTEN, bureau, with_openpgp};
use crate::support::{rule_list, stderr};
use serde_json::Value;

#[test]
fn the_right_supervisor_approves_with_ssh() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let status = bureau.reports();
    let report = &status["2026-03-02-r1"];
    assert_eq!(report["state"], "approved");
    assert_eq!(report["unit"], "投资科");
    assert_eq!(report["file"], "reports/2026/03/2026-03-02-r1.md");
    let approval = &report["approved_by"][0];
    assert_eq!(approval["name"], "李四");
    assert_eq!(approval["key"], bureau.ssh_fingerprint("li").as_str());
    assert_eq!(approval["at"], "2026-03-02T20:00:00+08:00");
    assert_eq!(approval["commit"], bureau.head().as_str());
    assert_eq!(report["problems"], serde_json::json!([]));
    let out = bureau.xinbao(&["check", "--approvals"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn the_right_supervisor_approves_with_openpgp() {
    let Some(bureau) = with_openpgp() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("pgp"));
    let status = bureau.reports();
    let approval = &status["2026-03-02-r1"]["approved_by"][0];
    assert_eq!(status["2026-03-02-r1"]["state"], "approved", "{status:#?}");
    assert_eq!(approval["name"], "孙八");
    assert_eq!(approval["key"], bureau.pgp.as_deref().unwrap());
}

#[test]
fn the_history_cache_gives_the_same_answer_and_never_decides() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let first = bureau.xinbao(&["status", "--format", "json"], &[]);
    let cache = bureau.root().join(".git/xinbao/commits.bin");
    assert!(cache.is_file(), "the facts of each commit are kept");
    let again = bureau.xinbao(&["status", "--format", "json"], &[]);
    assert_eq!(first.stdout, again.stdout, "from the cache, the same status");
    // A new commit is read on top of the cached ones.
    bureau.submit("zhang/r2", &[Report::new("2026-03-02-r2", "投资科")], Some("li"));
    assert_eq!(bureau.state("2026-03-02-r2"), ("approved".into(), vec![]));
    // The office removes 李四's key in a signed commit: his earlier approvals stand
    // (judged by the settings of their time), a later one does not count.
    let settings = bureau.root().join("xinbao.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let key = bureau.public("li");
    std::fs::write(&settings, text.replace(key.trim(), &bureau.public("stranger"))).unwrap();
    bureau.git(PUBLISHED, Some("qian"), &["commit", "-q", "-S", "-am", "更换李四的密钥"]);
    bureau.propose("zhang/r3", &[Report::new("2026-03-02-r3", "投资科")]);
    bureau.git(
        "2026-03-03T10:00:00+08:00",
        Some("li"),
        &["merge", "-q", "--no-ff", "-S", "-m", "合并", "zhang/r3"],
    );
    assert_eq!(bureau.state("2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(bureau.state("2026-03-02-r3"), ("submitted".into(), vec!["key-unknown".into()]));
    // A corrupt cache is ignored; so is one edited by hand (its seal no longer verifies).
    let sealed = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, "not facts").unwrap();
    assert_eq!(bureau.state("2026-03-02-r3"), ("submitted".into(), vec!["key-unknown".into()]));
    let facts = &sealed[sealed.iter().position(|&b| b == b'\n').unwrap() + 1..];
    let edited = [format!("{}\n", "0".repeat(64)).as_bytes(), facts].concat();
    std::fs::write(&cache, edited).unwrap();
    assert_eq!(bureau.state("2026-03-02-r3"), ("submitted".into(), vec!["key-unknown".into()]));
}

#[test]
fn a_supervisor_of_another_unit_does_not_approve() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("zhao"));
    assert_eq!(
        bureau.state("2026-03-02-r1"),
        ("submitted".into(), vec!["signer-not-authorized".into()])
    );
    let out = bureau.xinbao(&["check", "--approvals", "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rule_list(&json);
    assert_eq!(rules, ["signer-not-authorized"]);
}

#[test]
fn an_unknown_key_does_not_approve() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec!["key-unknown".into()]));
}

#[test]
fn a_key_counts_only_inside_its_window() {
    let Some(bureau) = bureau() else { return };
    // 周九's key is valid until 2025-12-31; the merge is on 2026-03-02.
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("zhou"));
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec!["key-expired".into()]));
    // Backdating the merge into the window does not help: a commit cannot be older
    // than its parents, and the key is judged at the parents' time (SPEC §6.1).
    // tests/cli/trust.rs shows the last second of a window on an honest history.
    bureau.propose("zhang/r2", &[Report::new("2026-03-02-r2", "投资科")]);
    bureau.git(
        "2025-12-31T23:59:59+08:00",
        Some("zhou"),
        &["merge", "-q", "--no-ff", "-S", "-m", "合并", "zhang/r2"],
    );
    assert_eq!(
        bureau.state("2026-03-02-r2"),
        ("submitted".into(), vec!["time-order".into(), "key-expired".into()])
    );
}

#[test]
fn a_tampered_commit_does_not_verify() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let object = bureau.git(MERGED, None, &["cat-file", "commit", "HEAD"]);
    let forged = object.replace("合并", "合并（改）");
    assert_ne!(forged, object);
    let mut hash = bureau.git_command(MERGED, None);
    hash.args(["hash-object", "-t", "commit", "-w", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = hash.spawn().unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(format!("{forged}\n").as_bytes()).unwrap();
    let id = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    bureau.git(MERGED, None, &["update-ref", "refs/heads/main", id.trim()]);
    assert_eq!(
        bureau.state("2026-03-02-r1"),
        ("submitted".into(), vec!["signature-invalid".into()])
    );
}

#[test]
fn an_unsigned_merge_leaves_the_report_submitted() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], None);
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec![]));
    // The main-branch check warns that it waits for approval, without failing.
    let out = bureau.xinbao(&["check", "--approvals", "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["rule"], "not-approved");
    assert_eq!(json["diagnostics"][0]["severity"], "warning");
}

#[test]
fn a_change_after_approval_is_stale_until_approved_again() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    bureau.write(Report::new("2026-03-02-r1", "投资科").body("改动后的正文。"));
    bureau.git(MERGED, None, &["commit", "-qam", "直接修改"]);
    assert_eq!(bureau.state("2026-03-02-r1"), ("stale".into(), vec!["approval-stale".into()]));
    assert_eq!(bureau.xinbao(&["check", "--approvals"], &[]).status.code(), Some(1));
    // A new approval of the changed text clears it.
    bureau.git(WRITTEN, None, &["checkout", "-q", "-b", "zhang/fix"]);
    bureau.write(Report::new("2026-03-02-r1", "投资科").body("再次修改的正文。"));
    bureau.git(WRITTEN, None, &["commit", "-qam", "修改"]);
    bureau.git(WRITTEN, None, &["checkout", "-q", "main"]);
    bureau.git(MERGED, Some("li"), &["merge", "-q", "--no-ff", "-S", "-m", "再审", "zhang/fix"]);
    let status = bureau.reports();
    assert_eq!(status["2026-03-02-r1"]["state"], "approved");
    assert_eq!(status["2026-03-02-r1"]["approved_by"].as_array().unwrap().len(), 2);
}

#[test]
fn a_merge_approves_what_it_brings_in_not_the_whole_tree() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/old", &[Report::new("2026-03-02-old", "投资科")], None);
    bureau.submit("zhang/new", &[Report::new("2026-03-02-new", "投资科")], Some("li"));
    let status = bureau.reports();
    assert_eq!(status["2026-03-02-new"]["state"], "approved");
    assert_eq!(status["2026-03-02-old"]["state"], "submitted");
    assert_eq!(status["2026-03-02-old"]["approved_by"], serde_json::json!([]));
}

#[test]
fn a_report_only_in_the_work_tree_is_a_draft() {
    let Some(bureau) = bureau() else { return };
    bureau.write(Report::new("2026-03-02-draft", "投资科").body("草稿。"));
    assert_eq!(bureau.state("2026-03-02-draft"), ("draft".into(), vec![]));
    let table = bureau.xinbao(&["status"], &[]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("2026-03-02-draft") && table.contains("草稿"), "{table}");
}

#[test]
fn an_in_process_signed_commit_approves() {
    let Some(bureau) = bureau() else { return };
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    // Build the merge commit with git2 and sign it with the ssh-key crate.
    let repo = git2::Repository::open(bureau.root()).unwrap();
    let main = repo.head().unwrap().peel_to_commit().unwrap();
    let branch = repo.revparse_single("zhang/r1").unwrap().peel_to_commit().unwrap();
    let mut index = repo.merge_commits(&main, &branch, None).unwrap();
    let tree = repo.find_tree(index.write_tree_to(&repo).unwrap()).unwrap();
    let when = git2::Time::new(1_772_452_800, 8 * 60); // 2026-03-02T20:00:00+08:00
    let who = git2::Signature::new("李四", "lisi@example.org", &when).unwrap();
    let buffer = repo.commit_create_buffer(&who, &who, "合并", &tree, &[&main, &branch]).unwrap();
    let private = ssh_key::PrivateKey::read_openssh_file(&bureau.key("li")).unwrap();
    let signature = private.sign("git", ssh_key::HashAlg::Sha512, &buffer).unwrap();
    let pem = signature.to_pem(ssh_key::LineEnding::LF).unwrap();
    let id = repo.commit_signed(buffer.as_str().unwrap(), &pem, None).unwrap();
    repo.reference("refs/heads/main", id, true, "signed merge").unwrap();
    assert_eq!(bureau.state("2026-03-02-r1"), ("approved".into(), vec![]));
    // git itself agrees, given the allowed_signers file xinbao writes.
    let out = bureau.xinbao(&["keys", "allowed-signers", "-o", "../allowed_signers"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let signers = bureau.root().join("../allowed_signers");
    let verify = bureau.verify_with("HEAD", &signers);
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(stderr(&verify).contains("Good \"git\" signature for 李四"), "{}", stderr(&verify));
    std::fs::remove_file(signers).unwrap();
}

#[test]
fn git_and_xinbao_agree_on_an_expired_key() {
    let Some(bureau) = bureau() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("zhou"));
    let out = bureau.xinbao(&["keys", "allowed-signers"], &[]);
    let signers = bureau.outside("allowed_signers");
    std::fs::write(&signers, &out.stdout).unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("周九 namespaces=\"git\",valid-after=\"20231231160000Z\",valid-before=\"20251231160000Z\" ssh-ed25519 "), "{text}");
    let verify = bureau.verify_with("HEAD", &signers);
    assert!(!verify.status.success(), "git accepted an expired key: {}", stderr(&verify));
    assert_eq!(bureau.state("2026-03-02-r1").1, ["key-expired"]);
}

#[test]
fn status_needs_git_and_known_ids() {
    let Some(bureau) = bureau() else { return };
    let out = bureau.xinbao(&["status", "2026-03-02-nope"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("2026-03-02-nope"));
    std::fs::remove_dir_all(bureau.root().join(".git")).unwrap();
    let out = bureau.xinbao(&["status"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("git"), "{}", stderr(&out));
}

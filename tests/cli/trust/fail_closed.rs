//! Failing closed: shallow clones refused, the history cache never deciding, CI fetching the
//! whole history, a key under two people, revoked OpenPGP keys and doubled signature headers.

use super::{MERGED, Report, SETTLED, finding, report, state_of};
use crate::bureau::{Bureau, Person};
use crate::support::{git_command, require, stderr, xinbao};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Stdio;

// ---- Fail closed ----

#[test]
fn a_shallow_clone_is_refused_with_the_unshallow_hint() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let clone = bureau.outside("shallow");
    let out = git_command(bureau.keys.path(), MERGED)
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", bureau.root().display()))
        .arg(&clone)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(clone.join(".git/shallow").is_file());
    let public = bureau.outside("public").display().to_string();
    let bulletins = bureau.outside("bulletins").display().to_string();
    let commands: [&[&str]; 5] = [
        &["status", "--format", "json"],
        &["check", "--approvals"],
        &["stats", "--quarter", "2026Q1", "--format", "json"],
        &["build", "--out", &public],
        &["bulletin", "--from", "2026-03-01", "--to", "2026-03-31", "--out", &bulletins],
    ];
    for args in commands {
        let out = xinbao().current_dir(&clone).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--unshallow"), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn the_history_cache_never_decides() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    bureau.propose("zhang/r2", &[Report::new("2026-03-02-r2", "投资科")]);
    let unsigned = bureau.merge("zhang/r1", MERGED, None);
    let signed = bureau.merge("zhang/r2", MERGED, Some("li"));
    let truth = bureau.xinbao(&["status", "--format", "json"], &[]).stdout;
    let files: Vec<PathBuf> = std::fs::read_dir(bureau.root().join(".git/xinbao"))
        .map(|dir| {
            dir.map(|e| e.unwrap().path())
                .filter(|p| p.extension() == Some("json".as_ref()))
                .collect()
        })
        .unwrap_or_default();
    let originals: Vec<String> =
        files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
    let forged_verdict =
        format!(r#"{{"Signed":{{"person":1,"key":"{}"}}}}"#, bureau.ssh_fingerprint("li"));
    let edit = |change: &dyn Fn(&str) -> String| originals.iter().map(|t| change(t)).collect();
    let edits: [(&str, Vec<String>); 3] = [
        (
            "an unsigned verdict made Signed by 李四",
            edit(&|text| text.replace(r#""Unsigned""#, &forged_verdict)),
        ),
        (
            "the two merges' ids swapped",
            edit(&|text| {
                text.replace(&unsigned, "\0").replace(&signed, &unsigned).replace('\0', &signed)
            }),
        ),
        ("every 投资科 made 价格科", edit(&|text| text.replace("投资科", "价格科"))),
    ];
    for (what, forged) in &edits {
        for (file, text) in files.iter().zip(forged) {
            std::fs::write(file, text).unwrap();
        }
        let again = bureau.xinbao(&["status", "--format", "json"], &[]).stdout;
        assert_eq!(
            String::from_utf8_lossy(&again),
            String::from_utf8_lossy(&truth),
            "after {what}"
        );
        for (file, original) in files.iter().zip(&originals) {
            std::fs::write(file, original).unwrap();
        }
    }
    assert!(
        files.is_empty() || edits.iter().any(|(_, forged)| *forged != originals),
        "no edit changed the cache: {files:?}"
    );
}

#[test]
fn ci_carries_no_history_cache_and_fetches_the_whole_history() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut workflows: Vec<PathBuf> = std::fs::read_dir(project.join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    workflows.push(project.join("src/scaffold/workflow.yml"));
    for workflow in workflows {
        let text = std::fs::read_to_string(&workflow).unwrap();
        assert!(!text.contains(".git/xinbao"), "{} carries the history cache", workflow.display());
        let lines: Vec<&str> = text.lines().collect();
        let indent = |line: &str| line.len() - line.trim_start().len();
        for (at, _) in lines.iter().enumerate().filter(|(_, l)| l.contains("actions/checkout")) {
            // The step: its `- ` item and the lines indented deeper than the item.
            let item = (0..=at).rev().find(|&i| lines[i].trim_start().starts_with("- ")).unwrap();
            let mut step = lines[item + 1..]
                .iter()
                .take_while(|l| l.trim().is_empty() || indent(l) > indent(lines[item]));
            assert!(
                step.any(|l| l.trim().starts_with("fetch-depth: 0")),
                "{} line {}: checkout without fetch-depth: 0",
                workflow.display(),
                at + 1
            );
        }
    }
}

#[test]
fn one_key_under_two_people_is_duplicate_key_and_approves_nothing() {
    let Some(bureau) = Bureau::unsettled() else { return };
    let twin = bureau.entry(Person::supervisor("郑十一", "价格科", "li"));
    bureau.settle(SETTLED, &(bureau.people(&[]) + &twin));
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let (code, findings) = bureau.check(&[]);
    assert_eq!(code, 1);
    assert!(findings.contains(&finding("xinbao.yaml", "duplicate-key", "error")), "{findings:?}");
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1").0, "submitted");
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"], json!([]));
}

#[test]
fn a_revoked_openpgp_key_signs_nothing() {
    if !require("gpg") {
        return;
    }
    let Some(mut bureau) = Bureau::unsettled() else { return };
    bureau.make_revoked_openpgp_key();
    bureau.settle(SETTLED, &(bureau.people(&[]) + &bureau.person("孙八")));
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("pgp"));
    let status = bureau.status();
    let (state, rules) = state_of(&status, "2026-03-02-r1");
    assert_eq!(state, "submitted");
    assert_eq!(rules.len(), 1, "one problem says why: {rules:?}");
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"], json!([]));
}

#[test]
fn a_commit_with_gpgsig_and_gpgsig_sha256_headers_is_read_as_git_reads_it() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let object = bureau.git(MERGED, None, &["cat-file", "commit", "HEAD"]);
    let end = " -----END SSH SIGNATURE-----\n";
    let extra = "gpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n U1NIU0lHAAAAAQ==\n -----END SSH SIGNATURE-----\n";
    let doubled = object.replacen(end, &format!("{end}{extra}"), 1);
    assert_ne!(doubled, object);
    let mut hash = bureau.git_command(MERGED, None);
    hash.args(["hash-object", "-t", "commit", "-w", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = hash.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), format!("{doubled}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    bureau.git(MERGED, None, &["update-ref", "refs/heads/main", &id]);
    let verify = bureau.verify(&id);
    assert!(stderr(&verify).contains("Good \"git\" signature for 李四"), "{}", stderr(&verify));
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"][0]["commit"], id.as_str());
}

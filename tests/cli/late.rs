//! Late is a fact, not a gate (SPEC §6.2): a routine work report submitted days
//! after its meeting is a `deadline-exceeded` *warning* that says 迟报, by how much
//! and why (`late_reason`), and it flows on like any other report — from the
//! writer's branch through the pre-commit hook, a supervisor's signed approval and
//! the office's signed publication, to its documents, the archive (with a 迟报
//! mark), the bulletin, `xinbao log` and the quarter's figures and notice, and
//! through a plain git server's `contrib/` hooks. Real repositories, real SSH keys
//! made with ssh-keygen, real commits signed by git.

use crate::support::{Sandbox, git_command, require, said, ssh_keygen, stderr, stdout};
use serde_json::Value;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The late report: its meeting was on 2026-03-02 09:00, so it was due by 24:00
/// of 3 March; it was submitted on 5 March at 10:00, 1 day 10 hours late.
const ID: &str = "2026-03-02-late";
const FILE: &str = "reports/2026/03/2026-03-02-late.md";
const TITLE: &str = "投资科召开重点项目调度会";
const REASON: &str = "调度会纪要须经分管领导审定后报送";
const LATE: &str = "---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\n\
author: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\n\
submitted_at: 2026-03-05T10:00:00+08:00\nlate_reason: 调度会纪要须经分管领导审定后报送\n---\n\n\
3月2日，投资科召开重点项目调度会，安排下一步工作。\n";
/// How the check words the lateness, in Chinese and in English.
const LATE_ZH: &str = "迟报 1 天 10 小时：";
const LATE_EN: &str = "late by 1 d 10 h (迟报): ";

/// An on-time report of the following week.
const ON_TIME_ID: &str = "2026-03-09-ontime";
const ON_TIME: &str = "---\ntitle: 投资科召开项目推进会\ncategory: work\nunit: 投资科\n\
author: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-09T09:00:00+08:00\n\
submitted_at: 2026-03-09T17:00:00+08:00\n---\n\n3月9日，投资科召开项目推进会。\n";

/// Commit times, in order: every commit is later than its parents.
const SETTINGS: &str = "2026-03-01T09:00:00+08:00";
/// The writer commits five minutes after `submitted_at` (within `commit_skew`).
const WRITTEN: &str = "2026-03-05T10:05:00+08:00";
const MERGED: &str = "2026-03-05T16:00:00+08:00";
const PUBLISHED: &str = "2026-03-06T09:00:00+08:00";
const ON_TIME_WRITTEN: &str = "2026-03-09T17:05:00+08:00";
const ON_TIME_MERGED: &str = "2026-03-09T18:00:00+08:00";

/// A reports repository on `main`: 张三 writes for 投资科, 李四 supervises it,
/// 钱七 of the office publishes; the settings are its first commit.
struct Bureau {
    sandbox: Sandbox,
    keys: TempDir,
}

impl Bureau {
    /// The bureau; `None` (test skipped) without ssh-keygen.
    fn new() -> Option<Bureau> {
        if !require("ssh-keygen") {
            return None;
        }
        let keys = tempfile::tempdir().unwrap();
        for name in ["li", "qian"] {
            ssh_keygen(keys.path(), name);
        }
        let bureau = Bureau { sandbox: Sandbox::new(), keys };
        bureau.sandbox.write(
            "xinbao.yaml",
            format!(
                r#"bureau: 测试县发展和改革局
office: 办公室
timezone: "+08:00"
units: [办公室, 投资科, 价格科]
people:
  - name: 张三
    unit: 投资科
    roles: [writer]
    phone: "13800000000"
  - name: 李四
    roles: [supervisor]
    supervises: [投资科]
    keys:
      - ssh: "{li}"
  - name: 钱七
    unit: 办公室
    roles: [office]
    keys:
      - ssh: "{qian}"
"#,
                li = bureau.public("li"),
                qian = bureau.public("qian"),
            ),
        );
        bureau.git(SETTINGS, &["init", "-q", "-b", "main"]);
        bureau.git(SETTINGS, &["add", "-A"]);
        bureau.git(SETTINGS, &["commit", "-q", "-m", "设置"]);
        Some(bureau)
    }

    fn root(&self) -> &Path {
        self.sandbox.root()
    }

    /// The OpenSSH public key line of `name`.
    fn public(&self, name: &str) -> String {
        std::fs::read_to_string(self.keys.path().join(format!("{name}.pub"))).unwrap().trim().into()
    }

    /// git in the repository, as 张三, both dates `date`, in Chinese.
    fn git_command(&self, date: &str) -> Command {
        let mut command = git_command(self.root(), date);
        command.env("LANG", "zh_CN.UTF-8");
        command
    }

    /// Runs git; it must succeed. Gives its trimmed standard output.
    fn git(&self, date: &str, args: &[&str]) -> String {
        let out = self.git_command(date).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// `xinbao ARGS` with both git dates set to `date` (for the commits it makes).
    fn xinbao_at(&self, date: &str, args: &[&str]) -> Output {
        self.sandbox.run_with_env(args, &[("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date)])
    }

    /// `xinbao ARGS`.
    fn xinbao(&self, args: &[&str]) -> Output {
        self.sandbox.run(args)
    }

    /// 张三's branch `branch` adding report `id` with `text`, committed at `date`;
    /// back on main.
    fn propose(&self, branch: &str, id: &str, text: &str, date: &str) {
        self.git(date, &["checkout", "-q", "-b", branch]);
        self.sandbox.write(&format!("reports/2026/03/{id}.md"), text);
        self.git(date, &["add", "-A"]);
        self.git(date, &["commit", "-q", "-m", &format!("投资科：{id}")]);
        self.git(date, &["checkout", "-q", "main"]);
    }

    /// Sets the repository's git config so `xinbao approve`/`publish` sign as
    /// `name` with the SSH key `key`.
    fn configure_signer(&self, name: &str, key: &str) {
        let key = self.keys.path().join(key).display().to_string();
        for (item, value) in [
            ("user.name", name),
            ("user.email", "signer@example.org"),
            ("gpg.format", "ssh"),
            ("user.signingkey", &key),
        ] {
            self.git(SETTINGS, &["config", item, value]);
        }
    }

    /// 李四 approves `branch` with `xinbao approve` at `date`.
    fn approve(&self, branch: &str, date: &str) -> Output {
        self.configure_signer("李四", "li");
        self.xinbao_at(date, &["approve", branch])
    }

    /// The late report proposed, approved by 李四 and published by 钱七.
    fn published() -> Option<Bureau> {
        let bureau = Bureau::new()?;
        bureau.propose("zhang/late", ID, LATE, WRITTEN);
        let approved = bureau.approve("zhang/late", MERGED);
        assert!(approved.status.success(), "{}{}", stdout(&approved), stderr(&approved));
        bureau.configure_signer("钱七", "qian");
        let published = bureau.xinbao_at(PUBLISHED, &["publish", ID]);
        assert!(published.status.success(), "{}{}", stdout(&published), stderr(&published));
        Some(bureau)
    }

    /// Report `id` of `xinbao status --format json`.
    fn status(&self, id: &str) -> Value {
        let out = self.xinbao(&["status", "--format", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        json["reports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {json}"))
            .clone()
    }

    /// A file written under `public/`.
    fn public_file(&self, path: &str) -> PathBuf {
        self.root().join("public").join(path)
    }
}

/// The text of a DOCX's `word/document.xml`.
fn docx_text(path: &Path) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive.by_name("word/document.xml").unwrap().read_to_string(&mut text).unwrap();
    text
}

/// The report entries of the archive's search index, `search/docs.js`.
fn search_docs(path: &Path) -> Vec<Value> {
    let script = std::fs::read_to_string(path).unwrap();
    let (_, docs) = script.split_once("XB.docs=").expect("XB.docs in docs.js");
    let docs = docs.trim_end().strip_suffix(';').expect("docs.js ends with `;`");
    serde_json::from_str::<Vec<Value>>(docs).unwrap()
}

/// The unit `unit` of `stats --format json`.
fn unit_figures<'a>(stats: &'a Value, unit: &str) -> &'a Value {
    stats["units"].as_array().unwrap().iter().find(|u| u["unit"] == unit).unwrap()
}

#[test]
fn check_warns_of_a_late_report_with_how_late_and_why() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/late", ID, LATE, WRITTEN);
    bureau.git(WRITTEN, &["checkout", "-q", "zhang/late"]);

    let out = bureau.xinbao(&["check", "--format", "json", FILE]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json["errors"].as_u64(), json["warnings"].as_u64()), (Some(0), Some(1)), "{json}");
    let findings = json["diagnostics"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    let finding = &findings[0];
    assert_eq!(finding["file"], FILE);
    assert_eq!(finding["line"], 8, "at submitted_at");
    assert_eq!(finding["rule"], "deadline-exceeded");
    assert_eq!(finding["severity"], "warning");
    let message = finding["message"].as_str().unwrap();
    assert!(message.starts_with(LATE_ZH), "{message}");
    assert!(
        message.contains("应于 2026-03-04 00:00 +08:00 前报送，实际 2026-03-05 10:00 +08:00"),
        "{message}"
    );
    assert!(message.ends_with(&format!("；迟报原因：{REASON}")), "{message}");

    // The same in English.
    let out = bureau.xinbao(&["--lang", "en", "check", "--format", "json", FILE]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.starts_with(LATE_EN), "{message}");
    assert!(message.ends_with(&format!("; reason: {REASON}")), "{message}");

    // The pull request's check in CI annotates it as a warning.
    let out = bureau.xinbao(&["check", "--changed-since", "main", "--format", "github"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let prefix = "::warning file=reports/2026/03/2026-03-02-late.md,line=8,col=";
    assert!(lines[0].starts_with(prefix), "{}", lines[0]);
    assert!(lines[0].contains(&format!(",title=deadline-exceeded::{LATE_ZH}")), "{}", lines[0]);
    assert!(lines[0].ends_with(&format!("；迟报原因：{REASON}")), "{}", lines[0]);
}

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
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
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
fn the_pre_commit_hook_lets_a_late_report_through_with_a_warning() {
    let Some(bureau) = Bureau::new() else { return };
    let out = bureau.xinbao(&["hook", "install"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    bureau.git(WRITTEN, &["checkout", "-q", "-b", "zhang/late"]);
    bureau.sandbox.write(FILE, LATE);
    bureau.git(WRITTEN, &["add", "-A"]);

    let out =
        bureau.git_command(WRITTEN).args(["commit", "-m", "投资科：调度会"]).output().unwrap();
    let said = said(&out);
    assert_eq!(out.status.code(), Some(0), "the hook refused a late report: {said}");
    assert!(said.contains(&format!("[deadline-exceeded]: {LATE_ZH}")), "{said}");
    assert!(said.contains(REASON), "{said}");
    assert!(said.contains("0 个错误，1 个警告"), "{said}");
    let files = bureau.git(WRITTEN, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, FILE, "the commit was made");
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
    let push = |date: &str| {
        bureau
            .git_command(date)
            .env("XINBAO", env!("CARGO_BIN_EXE_xinbao"))
            .env("XINBAO_SITE", &site)
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

    // The late report, approved by 李四: accepted with its warning, and archived.
    bureau.propose("zhang/late", ID, LATE, WRITTEN);
    let approved = bureau.approve("zhang/late", MERGED);
    assert!(approved.status.success(), "{}", said(&approved));
    let out = push(MERGED);
    let told = stderr(&out);
    assert!(out.status.success(), "the server refused a late report: {told}");
    assert!(told.contains(&format!("[deadline-exceeded]: {LATE_ZH}")), "{told}");
    assert!(!told.contains("推送被拒绝"), "{told}");
    assert_eq!(server_main(), bureau.git(MERGED, &["rev-parse", "HEAD"]));
    let page = std::fs::read_to_string(site.join(format!("reports/{ID}.html")))
        .unwrap_or_else(|e| panic!("post-receive built no page for {ID} ({e}): {told}"));
    assert!(page.contains(r#"<span class="state s-late">迟报</span>"#), "{page}");
    assert!(site.join(format!("files/{ID}.pdf")).is_file(), "{told}");

    // A later push of another report, with the late one still on main, is accepted too.
    bureau.propose("zhang/ontime", ON_TIME_ID, ON_TIME, ON_TIME_WRITTEN);
    let approved = bureau.approve("zhang/ontime", ON_TIME_MERGED);
    assert!(approved.status.success(), "{}", said(&approved));
    let out = push(ON_TIME_MERGED);
    let told = stderr(&out);
    assert!(out.status.success(), "the late report on main blocked a later push: {told}");
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
    let out = push(ON_TIME_MERGED);
    let told = stderr(&out);
    assert!(!out.status.success(), "a rewritten first-parent history was accepted: {told}");
    assert!(told.contains("首父提交历史只能增长"), "{told}");
    assert_eq!(server_main(), tip);
}

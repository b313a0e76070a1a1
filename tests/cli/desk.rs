//! `xinbao desk` (SPEC §11) driven over HTTP, as its page and scripts drive it: a
//! writer, a supervisor and the office, each with their own clone of one bare
//! origin, their own `git config` and real SSH keys, each running a desk of their
//! own (`--port 0 --no-open`, the start line read from standard output). The
//! desk's commits are checked with `git verify-commit`.

use crate::bureau::Bureau;
use crate::support::{git, stderr, xinbao};
use serde_json::{Value, json};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

/// A running desk, killed when dropped.
pub(crate) struct Desk {
    child: Child,
    pub(crate) port: u16,
    pub(crate) token: String,
}

/// An answer: status, headers and body.
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

impl Desk {
    /// `xinbao desk --port 0 --no-open` in `dir`, once its start line is printed.
    pub(crate) fn start(dir: &Path) -> Desk {
        Desk::start_with(dir, &[])
    }

    /// [`Desk::start`] with the global options `global` (`--lang en`).
    fn start_with(dir: &Path, global: &[&str]) -> Desk {
        let mut child = xinbao()
            .current_dir(dir)
            .args(global)
            .args(["desk", "--port", "0", "--no-open"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the desk");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let rest =
            line.trim().strip_prefix("http://127.0.0.1:").unwrap_or_else(|| panic!("{line}"));
        let (port, token) = rest.split_once("/?token=").unwrap();
        Desk { child, port: port.parse().unwrap(), token: token.to_string() }
    }

    /// One request with exactly these extra header lines.
    fn raw(&self, method: &str, path: &str, headers: &[String], body: &[u8]) -> Answer {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        for header in headers {
            request += &format!("{header}\r\n");
        }
        request += &format!("Content-Length: {}\r\n\r\n", body.len());
        stream.write_all(request.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        let split = reply.windows(4).position(|w| w == b"\r\n\r\n").expect("a header");
        let head = String::from_utf8_lossy(&reply[..split]).to_string();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        Answer { status, head, body: reply[split + 4..].to_vec() }
    }

    /// A request as the page makes it: the right Host and the token header.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let headers = [
            format!("Host: 127.0.0.1:{}", self.port),
            format!("X-Xinbao-Token: {}", self.token),
            "Content-Type: application/json".to_string(),
        ];
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        self.raw(method, path, &headers, body.as_bytes())
    }

    /// The id of a work report saved through the form.
    fn saved(&self) -> String {
        let saved = self.ok("POST", "/api/reports", Some(form("县发改局召开重点项目调度会")));
        saved["id"].as_str().unwrap().to_string()
    }

    /// The id of a work report saved through the form and submitted.
    fn submitted(&self) -> String {
        let id = self.saved();
        self.ok("POST", &format!("/api/reports/{id}/submit"), None);
        id
    }

    /// A request that must succeed; its JSON.
    fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let answer = self.call(method, path, body);
        let text = String::from_utf8_lossy(&answer.body).to_string();
        assert_eq!(answer.status, 200, "{method} {path}: {text}");
        answer.json()
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The usual bureau pushed to a bare origin, and a clone of it for each of the
/// writer 张三, the supervisors 李四 and 吴十 (both of 投资科) and the office's 钱七,
/// each with their own `git config` (name, and the signing key of those who sign).
pub(crate) struct Office {
    bureau: Bureau,
    dir: tempfile::TempDir,
}

impl Office {
    pub(crate) fn new() -> Option<Office> {
        let bureau = Bureau::new()?;
        let dir = tempfile::tempdir().unwrap();
        let origin = dir.path().join("origin.git");
        let run = |at: &Path, args: &[&str]| {
            let out = git(at, crate::bureau::WRITTEN, args);
            assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        };
        run(
            dir.path(),
            &["clone", "-q", "--bare", &bureau.root().display().to_string(), "origin.git"],
        );
        let people = [
            ("writer", "张三", None),
            ("supervisor", "李四", Some("li")),
            ("second", "吴十", Some("wu")),
            ("office", "钱七", Some("qian")),
        ];
        for (folder, name, key) in people {
            run(dir.path(), &["clone", "-q", &origin.display().to_string(), folder]);
            let clone = dir.path().join(folder);
            run(&clone, &["config", "user.name", name]);
            run(&clone, &["config", "user.email", "x@example.org"]);
            if let Some(key) = key {
                run(&clone, &["config", "gpg.format", "ssh"]);
                run(&clone, &["config", "user.signingkey", &bureau.key(key).display().to_string()]);
            }
        }
        Some(Office { bureau, dir })
    }

    pub(crate) fn clone(&self, folder: &str) -> PathBuf {
        self.dir.path().join(folder)
    }

    /// Asserts that `status` in the office's clone has `id` published, with no problem.
    pub(crate) fn assert_published(&self, id: &str) {
        let status = xinbao()
            .current_dir(self.clone("office"))
            .args(["status", "--format", "json"])
            .output()
            .unwrap();
        let status: Value = serde_json::from_slice(&status.stdout).unwrap();
        let (state, problems) = crate::bureau::state_of(&status, id);
        assert_eq!((state.as_str(), problems), ("published", Vec::<String>::new()));
    }

    /// `git verify-commit COMMIT` in `folder`, with the allowed signers of the settings.
    pub(crate) fn verify(&self, folder: &str, commit: &str) {
        let out = self.bureau.xinbao(&["keys", "allowed-signers"], &[]);
        let signers = self.bureau.outside("allowed_signers");
        std::fs::write(&signers, &out.stdout).unwrap();
        let allowed = format!("gpg.ssh.allowedSignersFile={}", signers.display());
        let out = git(
            &self.clone(folder),
            crate::bureau::WRITTEN,
            &["-c", &allowed, "verify-commit", commit],
        );
        assert!(out.status.success(), "verify-commit {commit}: {}", stderr(&out));
    }
}

/// A work report as the writer's form sends it.
fn form(title: &str) -> Value {
    json!({
        "category": "work",
        "title": title,
        "fields": {"tags": ["调度"]},
        "body": "全县 12 个重点项目的负责人参加会议，逐一汇报了项目进度，会议部署了下一阶段工作。",
    })
}

/// The text `key` of each item of the array `items`.
fn strings<'a>(items: &'a Value, key: &str) -> Vec<&'a str> {
    items.as_array().unwrap().iter().map(|item| item[key].as_str().unwrap()).collect()
}

/// The reports of branch `branch` in a `pending` object.
fn pending_branch<'a>(pending: &'a Value, branch: &str) -> Option<&'a Value> {
    let groups = pending["pending"].as_array().unwrap();
    groups.iter().flat_map(|g| g["branches"].as_array().unwrap()).find(|b| b["branch"] == branch)
}

#[test]
fn a_report_goes_from_the_writer_through_a_return_to_approval_and_publication() {
    let Some(office) = Office::new() else { return };
    let writer = Desk::start(&office.clone("writer"));
    let session = writer.ok("GET", "/api/session", None);
    assert_eq!(
        (session["name"].as_str(), session["unit"].as_str()),
        (Some("张三"), Some("投资科"))
    );
    assert_eq!(session["roles"], json!(["writer"]));

    let saved = writer.ok("POST", "/api/reports", Some(form("县发改局召开重点项目调度会")));
    let id = saved["id"].as_str().unwrap().to_string();
    assert_eq!(saved["branch"], format!("desk/{id}"));
    assert_eq!(saved["errors"], 0, "{saved:#}");
    let submitted = writer.ok("POST", &format!("/api/reports/{id}/submit"), None);
    assert_eq!(
        (submitted["pushed"].as_bool(), submitted["remote"].as_str()),
        (Some(true), Some("origin"))
    );

    // The supervisor sees it, and returns it with a reason: a signed commit on the branch.
    let supervisor = Desk::start(&office.clone("supervisor"));
    let branch = format!("origin/desk/{id}");
    let pending = supervisor.ok("GET", "/api/pending", None);
    assert!(pending_branch(&pending, &branch).is_some(), "{pending:#}");
    let detail = supervisor.ok("GET", &format!("/api/reports/{id}?branch={branch}"), None);
    assert_eq!(detail["state"], "draft", "{detail:#}");
    assert!(
        detail["diff"].as_str().unwrap().contains("+title: \"县发改局召开重点项目调度会\""),
        "{detail:#}"
    );
    let pdf = supervisor.call("GET", detail["pdf"].as_str().unwrap(), None);
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with(b"%PDF-"), "{}", pdf.head);
    let reason = "请写明项目名称";
    let returned =
        supervisor.ok("POST", "/api/return", Some(json!({"branch": branch, "reason": reason})));
    let commit = returned["commit"].as_str().unwrap();
    office.verify("supervisor", commit);
    let message = git(
        &office.clone("supervisor"),
        crate::bureau::WRITTEN,
        &["log", "-1", "--format=%B", commit],
    );
    let message = String::from_utf8_lossy(&message.stdout).to_string();
    assert!(message.contains(reason) && message.contains(&format!("Returned: {id}")), "{message}");

    // The writer sees the reason, changes the text and submits again.
    let mine = writer.ok("GET", "/api/reports", None);
    let item = mine["reports"].as_array().unwrap().iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!(
        (item["state"].as_str(), item["returned"].as_str()),
        (Some("returned"), Some(reason))
    );
    let draft = writer.ok("GET", &format!("/api/reports/{id}"), None);
    assert_eq!(draft["returned"], reason, "{draft:#}");
    let text = draft["text"].as_str().unwrap().to_string();
    let changed = text.replace("逐一汇报", "就城东污水处理厂等项目逐一汇报");
    let resaved = writer.ok("PUT", &format!("/api/reports/{id}"), Some(json!({"text": changed})));
    assert_eq!(resaved["errors"], 0, "{resaved:#}");
    writer.ok("POST", &format!("/api/reports/{id}/submit"), None);

    // Two approvals of the branch at once: one merges, the other finds nothing to do.
    let pending = supervisor.ok("GET", "/api/pending", None);
    assert_eq!(pending_branch(&pending, &branch).unwrap()["returned"], Value::Null);
    let body = json!({"branch": branch});
    let approvals: Vec<Answer> = std::thread::scope(|scope| {
        let calls: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| supervisor.call("POST", "/api/approve", Some(body.clone()))))
            .collect();
        calls.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let mut statuses: Vec<u16> = approvals.iter().map(|a| a.status).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 409],
        "{:?}",
        approvals.iter().map(|a| String::from_utf8_lossy(&a.body).to_string()).collect::<Vec<_>>()
    );
    let approved = approvals.iter().find(|a| a.status == 200).unwrap().json();
    assert_eq!((approved["ids"].clone(), approved["pushed"].as_bool()), (json!([id]), Some(true)));
    office.verify("supervisor", approved["commit"].as_str().unwrap());
    let refused = approvals.iter().find(|a| a.status == 409).unwrap().json();
    assert!(refused["error"]["message"].as_str().unwrap().contains("无需审核"), "{refused}");

    // The office publishes it.
    let clerk = Desk::start(&office.clone("office"));
    let waiting = clerk.ok("GET", "/api/approved", None);
    assert!(
        waiting["reports"].as_array().unwrap().iter().any(|r| r["id"] == id.as_str()),
        "{waiting:#}"
    );
    let published = clerk.ok("POST", "/api/publish", Some(json!({"ids": [id]})));
    office.verify("office", published["commit"].as_str().unwrap());
    assert_eq!(published["pushed"], true);
    office.assert_published(&id);
    let mine = writer.ok("GET", "/api/reports", None);
    let item = mine["reports"].as_array().unwrap().iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!(
        (item["state"].as_str(), item["late"].clone()),
        (Some("published"), json!([])),
        "{item}"
    );
    let again = clerk.call("POST", "/api/publish", Some(json!({"ids": [id]})));
    assert_eq!(again.status, 200, "a second publication is a second signed record");
}

/// The writer's desk and the id of a report written and submitted there, then
/// approved at the supervisor's desk.
fn approved_report(office: &Office) -> (Desk, String) {
    let writer = Desk::start(&office.clone("writer"));
    let id = writer.submitted();
    let supervisor = Desk::start(&office.clone("supervisor"));
    supervisor.ok("POST", "/api/approve", Some(json!({"branch": format!("origin/desk/{id}")})));
    (writer, id)
}

/// The `published` steps of `xinbao log ID --format json` in the office's clone.
fn published_steps(office: &Office, id: &str) -> Vec<Value> {
    let log = xinbao()
        .current_dir(office.clone("office"))
        .args(["log", id, "--format", "json"])
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&log.stdout).unwrap();
    log["trail"].as_array().unwrap().iter().filter(|s| s["step"] == "published").cloned().collect()
}

#[test]
fn the_office_normalizes_an_approved_report_sees_the_diff_and_publishes_it() {
    let Some(office) = Office::new() else { return };
    let (writer, id) = approved_report(&office);

    // The office opens it: the work tree's text is the approved one, no diff yet.
    let clerk = Desk::start(&office.clone("office"));
    let path = format!("/api/approved/{id}");
    let opened = clerk.ok("GET", &path, None);
    assert_eq!(
        (opened["text"].clone(), opened["diff"].as_str()),
        (opened["approved_text"].clone(), Some(""))
    );

    // 格式或文字规范: one word changed, saved to the work tree and staged, not committed.
    let text = opened["text"].as_str().unwrap().replace("逐一汇报", "逐项汇报");
    let head = |folder| {
        let out = git(&office.clone(folder), crate::bureau::WRITTEN, &["rev-parse", "HEAD"]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let before = head("office");
    let saved = clerk.ok("PUT", &path, Some(json!({"text": text})));
    let diff = saved["diff"].as_str().unwrap().to_string();
    assert!(
        diff.contains("-全县") && diff.contains("逐一汇报") && diff.contains("+全县"),
        "{diff}"
    );
    assert!(diff.contains("逐项汇报"), "{diff}");
    assert_eq!(saved["errors"], 0, "{saved:#}");
    let file = office.clone("office").join(saved["file"].as_str().unwrap());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert_eq!(head("office"), before, "saving does not commit");
    assert_eq!(
        clerk.ok("GET", &path, None)["diff"],
        diff.as_str(),
        "the diff shown again on opening"
    );

    // Only the office (or an admin) normalizes: the writer is refused, nothing written.
    let refused = writer.call("PUT", &path, Some(json!({"text": "x"})));
    assert_eq!(refused.status, 403, "{}", String::from_utf8_lossy(&refused.body));
    assert_eq!(writer.call("GET", &path, None).status, 403);

    // 发布 is `publish`: the edit goes into the signed commit and the trail keeps its diff.
    let published = clerk.ok("POST", "/api/publish", Some(json!({"ids": [id]})));
    office.verify("office", published["commit"].as_str().unwrap());
    office.assert_published(&id);
    let steps = published_steps(&office, &id);
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0]["diff"], diff.as_str(), "{steps:#?}");
    let spec = format!("HEAD:{}", saved["file"].as_str().unwrap());
    let shown = git(&office.clone("office"), crate::bureau::WRITTEN, &["show", &spec]);
    assert_eq!(String::from_utf8_lossy(&shown.stdout), text);
    let gone = clerk.call("GET", &path, None);
    assert_eq!(gone.status, 409, "published, no longer waiting");
}

#[test]
fn the_office_registers_an_adoption_on_a_published_report_and_publishes_it() {
    let Some(office) = Office::new() else { return };
    let (writer, id) = approved_report(&office);
    let clerk = Desk::start(&office.clone("office"));
    let adoption = |level: &str| json!({"id": id, "by": "县委办《每日要情》", "level": level, "date": "2026-12-31"});
    // Only a published report records adoptions.
    let early = clerk.call("POST", "/api/adoptions", Some(adoption("county")));
    assert_eq!(early.status, 409, "{}", String::from_utf8_lossy(&early.body));
    clerk.ok("POST", "/api/publish", Some(json!({"ids": [id]})));

    // Refused, with the report as it was: a writer; a level not in scoring.adoption.
    let writer_tries = writer.call("POST", "/api/adoptions", Some(adoption("county")));
    assert_eq!(writer_tries.status, 403, "{}", String::from_utf8_lossy(&writer_tries.body));
    let bad = clerk.call("POST", "/api/adoptions", Some(adoption("galactic")));
    assert_eq!(bad.status, 400, "{}", String::from_utf8_lossy(&bad.body));
    assert!(bad.json()["error"]["message"].as_str().unwrap().contains("invalid-value"));
    let status = git(&office.clone("office"), crate::bureau::WRITTEN, &["status", "--porcelain"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "", "nothing half-done");

    // Recorded as the command line records it: the entry added, then `publish`.
    let done = clerk.ok("POST", "/api/adoptions", Some(adoption("county")));
    office.verify("office", done["commit"].as_str().unwrap());
    assert_eq!((done["ids"].clone(), done["pushed"].clone()), (json!([id]), json!(true)));
    office.assert_published(&id);
    let steps = published_steps(&office, &id);
    let diff = steps.last().unwrap()["diff"].as_str().unwrap_or_default();
    assert!(steps.len() == 2 && diff.contains("+  - by: \"县委办《每日要情》\""), "{steps:#?}");
}

#[test]
fn the_desk_refuses_strangers_forged_requests_bad_pictures_and_paths_outside() {
    let Some(office) = Office::new() else { return };
    let desk = Desk::start(&office.clone("writer"));
    let port = desk.port;
    let host = format!("Host: 127.0.0.1:{port}");
    let token = format!("X-Xinbao-Token: {}", desk.token);
    let cookie = format!("Cookie: xinbao_desk={}", desk.token);
    let status = |method: &str, path: &str, headers: &[String]| {
        desk.raw(method, path, headers, b"{}").status
    };

    assert_eq!(status("GET", "/api/session", std::slice::from_ref(&host)), 403, "no token");
    assert_eq!(status("GET", "/api/session", &[host.clone(), "X-Xinbao-Token: 00".into()]), 403);
    assert_eq!(
        status("GET", "/api/session", &[format!("Host: evil.example:{port}"), token.clone()]),
        403
    );
    assert_eq!(
        status("GET", "/api/session", &[format!("Host: 127.0.0.1:{}", port + 1), token.clone()]),
        403
    );
    assert_eq!(
        status("GET", "/api/session", &[host.clone(), cookie.clone()]),
        200,
        "the cookie reads"
    );
    assert_eq!(
        status("POST", "/api/check", &[host.clone(), cookie.clone()]),
        403,
        "a cookie alone changes nothing"
    );
    assert_eq!(status("GET", "/api/session", &[host.clone(), token.clone()]), 200);
    let page =
        desk.raw("GET", &format!("/?token={}", desk.token), std::slice::from_ref(&host), b"");
    assert_eq!(page.status, 200);
    assert!(
        page.head.contains(&format!("Set-Cookie: xinbao_desk={}", desk.token)),
        "{}",
        page.head
    );
    assert!(String::from_utf8_lossy(&page.body).contains("/desk.js"));
    assert_eq!(status("GET", "/desk.js", &[host.clone(), cookie.clone()]), 200);

    let mut bad_picture = form("县发改局召开重点项目调度会");
    bad_picture["pictures"] = json!([{"name": "a.png", "caption": "现场", "data": "PHNjcmlwdD4="}]);
    let answer = desk.call("POST", "/api/reports", Some(bad_picture));
    assert_eq!(answer.status, 400, "{}", String::from_utf8_lossy(&answer.body));
    assert!(answer.json()["error"]["message"].as_str().unwrap().contains("不是 PNG 或 JPEG"));
    let branches =
        git(&office.clone("writer"), crate::bureau::WRITTEN, &["branch", "--list", "desk/*"]);
    assert!(branches.stdout.is_empty(), "nothing is left of a refused report");

    for path in ["../../etc/passwd.md", "/etc/passwd.md", "reports/../../x.md", "reports/a.txt"] {
        let answer =
            desk.call("POST", "/api/check", Some(json!({"path": path, "text": "---\n---\n"})));
        assert_eq!(answer.status, 400, "{path}");
    }
    for path in ["/api/reports/..%2F..%2Fetc%2Fpasswd", "/api/reports/x/..", "/../etc/passwd"] {
        let answer = desk.call("GET", path, None);
        assert!(matches!(answer.status, 400 | 404), "{path}: {}", answer.status);
    }
    assert_eq!(desk.call("GET", "/api/nothing", None).status, 404);
    let unsigned = desk.call("POST", "/api/approve", Some(json!({"branch": "main"})));
    assert_eq!(unsigned.status, 403);
    assert_eq!(unsigned.json()["error"]["code"], "signing-not-set-up");
    assert!(unsigned.json()["error"]["message"].as_str().unwrap().starts_with("尚未设置签名"));

    // 赵六 supervises 价格科, not 投资科: he may neither approve nor return 张三's report.
    let id = desk.submitted();
    let other = office.clone("second");
    for (item, value) in [
        ("user.name", "赵六"),
        ("user.signingkey", &office.bureau.key("zhao").display().to_string()),
    ] {
        git(&other, crate::bureau::WRITTEN, &["config", item, value]);
    }
    let zhao = Desk::start(&other);
    zhao.ok("GET", "/api/pending", None);
    let branch = format!("origin/desk/{id}");
    for (path, body) in [
        ("/api/approve", json!({"branch": branch})),
        ("/api/return", json!({"branch": branch, "reason": "x"})),
    ] {
        let answer = zhao.call("POST", path, Some(body));
        assert_eq!(answer.status, 403, "{path}: {}", String::from_utf8_lossy(&answer.body));
        assert_eq!(answer.json()["error"]["code"], "not-authorized");
    }
    let published = zhao.call("POST", "/api/publish", Some(json!({"ids": [id]})));
    assert_eq!(published.status, 403);
    let head = git(&other, crate::bureau::WRITTEN, &["log", "-1", "--format=%s", "origin/main"]);
    assert_eq!(
        String::from_utf8_lossy(&head.stdout).trim(),
        "设置",
        "nothing was merged or pushed"
    );
}

#[test]
fn a_finding_appears_beside_its_field_as_the_writer_types() {
    let Some(office) = Office::new() else { return };
    let desk = Desk::start(&office.clone("writer"));
    let mut typed = form("县发改局召开重点项目调度会");
    typed["fields"]["phone"] = json!("12345");
    let checked = desk.ok("POST", "/api/check", Some(typed.clone()));
    let phone: Vec<&Value> = checked["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["field"] == "phone")
        .collect();
    assert_eq!(phone.len(), 1, "{checked:#}");
    assert_eq!(
        (phone[0]["rule"].as_str(), phone[0]["severity"].as_str()),
        (Some("invalid-value"), Some("error"))
    );
    typed["fields"]["phone"] = json!("13800000000");
    let checked = desk.ok("POST", "/api/check", Some(typed.clone()));
    assert_eq!(checked["errors"], 0, "{checked:#}");
    typed["fields"]["occurred_at"] = json!("昨天上午");
    let checked = desk.ok("POST", "/api/check", Some(typed));
    let occurred: Vec<&Value> = checked["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["field"] == "occurred_at")
        .collect();
    assert_eq!(
        occurred.first().map(|d| d["rule"].clone()),
        Some(json!("invalid-value")),
        "{checked:#}"
    );

    // Someone git does not name as a person of the settings is told what to do.
    let stranger = Desk::start(office.bureau.root());
    assert_eq!(stranger.ok("GET", "/api/session", None)["known"], false);
    let answer = stranger.call("POST", "/api/check", Some(form("县发改局召开重点项目调度会")));
    assert_eq!(answer.status, 400);
    let message = answer.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.starts_with("请在“供稿科室”中填写科室"), "{message}");

    // The form is the field table's: the emergency block with its elements, required.
    let fields = desk.ok("GET", "/api/fields?category=emergency", None);
    let emergency =
        fields["fields"].as_array().unwrap().iter().find(|f| f["key"] == "emergency").unwrap();
    let keys = strings(&emergency["fields"], "key");
    assert!(keys.starts_with(&["severity", "source", "location"]), "{keys:?}");
    assert_eq!(emergency["required"], true);
    let text = "---\ntitle: 调度会\ncategory: work\n---\n\n正文。\n";
    let checked =
        desk.ok("POST", "/api/check", Some(json!({"path": "reports/2026/03/x.md", "text": text})));
    let rules = strings(&checked["diagnostics"], "rule");
    assert!(rules.contains(&"missing-field"), "{rules:?}");
    assert!(
        !office.clone("writer").join("reports/2026/03/x.md").exists(),
        "a check writes nothing"
    );
}

#[test]
fn a_picture_is_stored_beside_the_report_under_a_name_the_desk_chooses() {
    use base64::Engine as _;
    let Some(office) = Office::new() else { return };
    let desk = Desk::start(&office.clone("writer"));
    let mut png = std::io::Cursor::new(Vec::new());
    image::GrayImage::from_pixel(8, 8, image::Luma([90]))
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let data = base64::engine::general_purpose::STANDARD.encode(png.get_ref());
    let mut typed = form("县发改局召开重点项目调度会");
    typed["pictures"] = json!([{"name": "../../现场.png", "caption": "调度会现场", "data": data}]);
    let saved = desk.ok("POST", "/api/reports", Some(typed));
    let (id, path) = (saved["id"].as_str().unwrap(), saved["path"].as_str().unwrap());
    assert_eq!(saved["errors"], 0, "{saved:#}");
    let folder = path.rsplit_once('/').unwrap().0;
    let tree = git(
        &office.clone("writer"),
        crate::bureau::WRITTEN,
        &["ls-tree", "-r", "--name-only", &format!("desk/{id}")],
    );
    let tree = String::from_utf8_lossy(&tree.stdout).to_string();
    assert!(tree.lines().any(|l| l == format!("{folder}/images/{id}-1.png")), "{tree}");
    assert!(!tree.contains("现场"), "the writer's file name is not used: {tree}");
    let text =
        desk.ok("GET", &format!("/api/reports/{id}"), None)["text"].as_str().unwrap().to_string();
    assert!(
        text.contains(&format!("  - file: \"images/{id}-1.png\"\n    caption: \"调度会现场\"\n")),
        "{text}"
    );

    // The research form comes with its sections, from the category's template.
    let research = desk.ok("GET", "/api/fields?category=research", None);
    let body = research["body"].as_str().unwrap();
    assert!(["基本情况", "存在问题", "对策建议"].iter().all(|s| body.contains(s)), "{body}");
}

#[test]
fn two_supervisors_approve_one_branch_from_two_desks_and_one_wins() {
    let Some(office) = Office::new() else { return };
    let writer = Desk::start(&office.clone("writer"));
    let id = writer.submitted();
    let folders = ["supervisor", "second"];
    let desks = folders.map(|folder| Desk::start(&office.clone(folder)));
    let branch = format!("origin/desk/{id}");
    for desk in &desks {
        assert!(pending_branch(&desk.ok("GET", "/api/pending", None), &branch).is_some());
    }
    let rev = |folder: &str, rev: &str| {
        let out = git(&office.clone(folder), crate::bureau::WRITTEN, &["rev-parse", rev]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let before = folders.map(|folder| rev(folder, "HEAD"));
    let body = json!({"branch": branch});
    let answers: Vec<Answer> = std::thread::scope(|scope| {
        let calls: Vec<_> = desks
            .iter()
            .map(|desk| scope.spawn(|| desk.call("POST", "/api/approve", Some(body.clone()))))
            .collect();
        calls.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert!(statuses == [200, 409] || statuses == [409, 200], "{statuses:?}");
    let loser = statuses.iter().position(|s| *s == 409).unwrap();
    // The refused desk kept no merge of its own: it is where it was, or at origin's main.
    let head = rev(folders[loser], "HEAD");
    assert!(head == before[loser] || head == rev(folders[loser], "origin/main"), "{head}");
    let dirty =
        git(&office.clone(folders[loser]), crate::bureau::WRITTEN, &["status", "--porcelain"]);
    assert!(dirty.stdout.is_empty(), "{}", String::from_utf8_lossy(&dirty.stdout));
    let winner = answers[1 - loser].json();
    office.verify(folders[1 - loser], winner["commit"].as_str().unwrap());
    assert_eq!(winner["pushed"], true);
}

#[test]
fn a_report_pushed_straight_to_main_is_approved_from_the_desk() {
    let Some(office) = Office::new() else { return };
    let writer = Desk::start(&office.clone("writer"));
    let id = writer.saved();
    let push = git(
        &office.clone("writer"),
        crate::bureau::WRITTEN,
        &["push", "-q", "origin", &format!("desk/{id}:main")],
    );
    assert!(push.status.success(), "{}", stderr(&push));
    let supervisor = Desk::start(&office.clone("supervisor"));
    let pending = supervisor.ok("GET", "/api/pending", None);
    let on_main = pending["on_main"].as_array().unwrap();
    assert!(
        on_main.iter().any(|r| r["id"] == id.as_str() && r["state"] == "submitted"),
        "{pending:#}"
    );
    let approved = supervisor.ok("POST", "/api/approve", Some(json!({"ids": [id]})));
    office.verify("supervisor", approved["commit"].as_str().unwrap());
    assert_eq!((approved["ids"].clone(), approved["pushed"].clone()), (json!([id]), json!(true)));
    let again = supervisor.call("POST", "/api/approve", Some(json!({"ids": [id]})));
    assert_eq!(again.status, 409, "{}", String::from_utf8_lossy(&again.body));
}

#[test]
fn with_lang_en_the_page_and_the_errors_are_english() {
    let Some(office) = Office::new() else { return };
    let desk = Desk::start_with(&office.clone("writer"), &["--lang", "en"]);
    let page = desk.call("GET", "/", None);
    assert!(String::from_utf8_lossy(&page.body).contains("<html lang=\"en\">"));
    let answer = desk.call("POST", "/api/check", Some(json!({"path": "../x.md", "text": ""})));
    let message = answer.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.starts_with("bad path ../x.md"), "{message}");
    let checked = desk.ok(
        "POST",
        "/api/check",
        Some(
            json!({"path": "reports/2026/03/x.md", "text": "---\ncategory: work\n---\n\nText.\n"}),
        ),
    );
    let messages = strings(&checked["diagnostics"], "message");
    assert!(messages.iter().all(|m| m.is_ascii()), "{messages:?}");
}

#[test]
fn a_new_bureau_is_set_up_at_the_desk_and_signed_by_its_office() {
    if !crate::support::require("ssh-keygen") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let init = xinbao().current_dir(dir.path()).args(["init", "bureau"]).output().unwrap();
    assert!(init.status.success(), "{}", stderr(&init));
    let root = dir.path().join("bureau");
    let key = dir.path().join("wang");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "王五", "-f"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    let run = |args: &[&str]| {
        let out = git(&root, crate::bureau::WRITTEN, args);
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    run(&["config", "user.name", "王五"]);
    run(&["config", "user.email", "wang@example.org"]);
    run(&["config", "gpg.format", "ssh"]);
    run(&["config", "user.signingkey", &key.display().to_string()]);
    run(&["add", "-A"]);
    run(&["commit", "-q", "-m", "xinbao init"]);

    // The desk says the settings are init's, and lets the first person set them up.
    let desk = Desk::start(&root);
    let session = desk.ok("GET", "/api/session", None);
    assert_eq!(
        session["placeholders"],
        json!(["某某县某某局", "某某县某某局办公室"]),
        "{session:#}"
    );
    assert_eq!(
        (session["known"].as_bool(), session["may_set_up"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(desk.ok("GET", "/api/settings", None)["bureau"], "某某县某某局");
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let form = json!({
        "bureau": "测试县发展和改革局",
        "units": ["办公室", "投资科"],
        "people": [
            {"name": "王五", "unit": "办公室", "roles": ["office"], "phone": "13800000002"},
            {"name": "赵六", "unit": "投资科", "roles": ["writer"], "phone": "13800000000"},
        ],
        "key": {"name": "王五", "ssh": public.trim()},
    });
    let bad = desk.call(
        "POST",
        "/api/settings",
        Some(json!({"key": {"name": "王五", "ssh": "not a key"}, "people": []})),
    );
    assert_eq!(bad.status, 400, "{}", String::from_utf8_lossy(&bad.body));
    let saved = desk.ok("POST", "/api/settings", Some(form));
    let commit = saved["commit"].as_str().unwrap().to_string();
    assert_eq!(run(&["rev-parse", "HEAD"]), commit);
    assert_eq!(run(&["status", "--porcelain"]), "", "nothing left uncommitted");

    // Signed by the key it registers (the first office key: SPEC §6.1's bootstrap;
    // the key is in force only after this commit, so git checks the signature alone).
    let allowed = dir.path().join("allowed_signers");
    std::fs::write(&allowed, format!("* {public}")).unwrap();
    let allowed = format!("gpg.ssh.allowedSignersFile={}", allowed.display());
    run(&["-c", &allowed, "verify-commit", &commit]);
    let session = desk.ok("GET", "/api/session", None);
    assert_eq!(
        (session["placeholders"].clone(), session["roles"].clone()),
        (json!([]), json!(["office"]))
    );
    let check = xinbao().current_dir(&root).args(["check", "--approvals"]).output().unwrap();
    let out = String::from_utf8_lossy(&check.stdout).to_string();
    assert!(check.status.success() && !out.contains("settings-"), "{out}");
    let settings = std::fs::read_to_string(root.join("xinbao.yaml")).unwrap();
    assert!(settings.contains("  routine: next-day "), "the rest of the file kept:\n{settings}");

    // A writer may not change the settings: refused, nothing changed.
    run(&["config", "user.name", "赵六"]);
    let refused = desk.call("POST", "/api/settings", Some(json!({"bureau": "别的局"})));
    assert_eq!(refused.status, 403, "{}", String::from_utf8_lossy(&refused.body));
    assert_eq!(run(&["rev-parse", "HEAD"]), commit);
    assert_eq!(std::fs::read_to_string(root.join("xinbao.yaml")).unwrap(), settings);
}

#[test]
fn the_desk_keeps_what_did_not_change_and_reads_again_what_did() {
    let Some(office) = Office::new() else { return };
    let clone = office.clone("office");
    let new = xinbao()
        .current_dir(&clone)
        .args(["new", "work", "--title", "县发改局召开重点项目调度会", "--unit", "办公室"])
        .output()
        .unwrap();
    assert!(new.status.success(), "{}", stderr(&new));
    let file = walkdir::WalkDir::new(clone.join("reports"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .expect("a report")
        .into_path();
    let id = file.file_stem().unwrap().to_string_lossy().to_string();
    let hour_ago = || {
        let at = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&file).unwrap().set_modified(at).unwrap();
    };
    let rules = |report: &Value| -> Vec<String> {
        let items = report["diagnostics"].as_array().unwrap();
        let mut rules: Vec<String> =
            items.iter().map(|d| d["rule"].as_str().unwrap().to_string()).collect();
        rules.sort();
        rules
    };
    hour_ago();
    let desk = Desk::start(&clone);
    let missing = |report: &Value| rules(report).iter().filter(|r| *r == "missing-field").count();
    let before = desk.ok("GET", &format!("/api/reports/{id}"), None);
    // Kept now (its status change settled); the file is then changed to the
    // same length and its old time put back.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    desk.ok("GET", &format!("/api/reports/{id}"), None);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\ntitle:"), "{text}");
    std::fs::write(&file, text.replacen("\ntitle:", "\ntitlx:", 1)).unwrap();
    hour_ago();
    let after = desk.ok("GET", &format!("/api/reports/{id}"), None);
    let check = xinbao()
        .current_dir(&clone)
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let check: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(missing(&after), missing(&before) + 1, "the title is missing now: {after:#}");
    assert_eq!(rules(&after), rules(&check), "the desk and `check` differ");
    // The writer's text, checked in the same desk, is judged as typed.
    let path = xinbao::load::relative(&clone, &file);
    let form = desk.ok("POST", "/api/check", Some(json!({"path": path, "text": text})));
    assert_eq!(rules(&form), rules(&before), "{form:#}");
}

#[test]
fn the_office_compiles_a_bulletin_issue_signed_and_downloads_it_the_notice_and_the_volume() {
    let Some(office) = Office::new() else { return };
    let (writer, id) = approved_report(&office);
    let clerk = Desk::start(&office.clone("office"));
    clerk.ok("POST", "/api/publish", Some(json!({"ids": [id]})));
    // The bureau's day (+08:00).
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let period =
        json!({"from": format!("{}", today - chrono::Days::new(3)), "to": format!("{today}")});

    // Only the office compiles; a period backwards is bad input; nothing is left behind.
    let by_writer = writer.call("POST", "/api/bulletin", Some(period.clone()));
    assert_eq!(by_writer.status, 403, "{}", String::from_utf8_lossy(&by_writer.body));
    let backwards = json!({"from": period["to"], "to": period["from"]});
    assert_eq!(clerk.call("POST", "/api/bulletin", Some(backwards)).status, 400);
    let status = git(&office.clone("office"), crate::bureau::WRITTEN, &["status", "--porcelain"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "", "nothing half-done");

    // The record committed with the office's signature, in force, pushed.
    let done = clerk.ok("POST", "/api/bulletin", Some(period.clone()));
    office.verify("office", done["commit"].as_str().unwrap());
    assert_eq!((done["reports"].clone(), done["pushed"].clone()), (json!(1), json!(true)));
    let file = done["file"].as_str().unwrap();
    let record = std::fs::read_to_string(office.clone("office").join(file)).unwrap();
    assert!(record.contains(&id), "{record}");
    let again = clerk.call("POST", "/api/bulletin", Some(period));
    assert_eq!(again.status, 409, "{}", String::from_utf8_lossy(&again.body));

    // The issue and the quarterly notice, typeset as the command line does.
    let pdf = clerk.call("GET", done["pdf"].as_str().unwrap(), None);
    assert!(pdf.status == 200 && pdf.body.starts_with(b"%PDF"), "{}", pdf.head);
    let docx = clerk.call("GET", done["docx"].as_str().unwrap(), None);
    assert!(docx.status == 200 && docx.body.starts_with(b"PK"), "{}", docx.head);
    let quarter = format!(
        "{}Q{}",
        today.format("%Y"),
        (today.format("%m").to_string().parse::<u32>().unwrap() - 1) / 3 + 1
    );
    let notice = clerk.call("GET", &format!("/api/notice?quarter={quarter}"), None);
    assert!(notice.status == 200 && notice.body.starts_with(b"%PDF"), "{}", notice.head);
    assert_eq!(clerk.call("GET", "/api/notice?quarter=2026", None).status, 400);
    assert_eq!(writer.call("GET", &format!("/api/notice?quarter={quarter}"), None).status, 403);

    // The year's volume, the same bytes as `xinbao volume` makes.
    let year = today.format("%Y").to_string();
    let volume = clerk.call("GET", &format!("/api/volume?period={year}"), None);
    assert!(volume.status == 200 && volume.body.starts_with(b"%PDF"), "{}", volume.head);
    let docx = clerk.call("GET", &format!("/api/volume?period={year}&format=docx"), None);
    assert!(docx.status == 200 && docx.body.starts_with(b"PK"), "{}", docx.head);
    let out = office.clone("office").join("volume-out");
    let made = xinbao()
        .current_dir(office.clone("office"))
        .args(["volume", "--year", &year, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let file = std::fs::read(out.join(format!("信息汇编-{year}.pdf"))).unwrap();
    assert!(file == volume.body, "the desk's volume differs from the command line's");
    assert_eq!(clerk.call("GET", "/api/volume?period=1999", None).status, 404);
    assert_eq!(clerk.call("GET", "/api/volume?period=soon", None).status, 400);
    assert_eq!(writer.call("GET", &format!("/api/volume?period={year}"), None).status, 403);
}

#[test]
fn a_person_makes_a_signing_key_at_the_desk_and_the_office_registers_it() {
    let Some(office) = Office::new() else { return };
    let clone = office.clone("writer");
    let writer = Desk::start(&clone);
    assert_eq!(writer.ok("GET", "/api/signing", None)["configured"], false);
    let made = writer.ok("POST", "/api/signing", None);
    let public = made["ssh"].as_str().unwrap().to_string();
    assert!(public.starts_with("ssh-ed25519 "), "{made:#}");
    assert!(!made.to_string().contains("PRIVATE"), "the private key never goes to the page");

    // Kept in the clone's git folder, for the user only, and git signs with it.
    let file = clone.join(".git/xinbao/keys/id_ed25519");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    let config = git(&clone, crate::bureau::WRITTEN, &["config", "--get", "user.signingkey"]);
    assert_eq!(String::from_utf8_lossy(&config.stdout).trim(), file.display().to_string());
    let signed =
        git(&clone, crate::bureau::WRITTEN, &["commit", "-q", "-S", "--allow-empty", "-m", "签名"]);
    assert!(signed.status.success(), "{}", stderr(&signed));
    assert_eq!(writer.ok("POST", "/api/signing", None)["ssh"], public.as_str(), "made once");
    // A key the user set up themselves is left as it is.
    let supervisor = Desk::start(&office.clone("supervisor"));
    assert_eq!(supervisor.call("POST", "/api/signing", None).status, 409);
    assert_eq!(supervisor.ok("GET", "/api/signing", None)["made_here"], false);

    // The office registers it under 张三, in a commit it signs.
    let clerk = Desk::start(&office.clone("office"));
    let mut form = clerk.ok("GET", "/api/settings", None);
    form["key"] = json!({"name": "张三", "ssh": public});
    let done = clerk.ok("POST", "/api/settings", Some(form));
    office.verify("office", done["commit"].as_str().unwrap());
    let settings = std::fs::read_to_string(office.clone("office").join("xinbao.yaml")).unwrap();
    let body: Vec<&str> = public.split_whitespace().take(2).collect();
    assert!(settings.contains(&body.join(" ")), "{settings}");
}

#[test]
fn a_published_report_is_seen_in_the_archive_at_the_desk_and_nothing_else_is() {
    let Some(office) = Office::new() else { return };
    let (writer, id) = approved_report(&office);
    let page = format!("/archive/reports/{id}.html");
    // Approved is not published: the archive does not show it.
    let early = writer.call("GET", &page, None);
    assert_eq!(early.status, 404, "{}", String::from_utf8_lossy(&early.body));
    let clerk = Desk::start(&office.clone("office"));
    clerk.ok("POST", "/api/publish", Some(json!({"ids": [id]})));
    // The writer's desk pulls the published main and rebuilds the archive.
    let mine = writer.ok("GET", "/api/reports", None);
    assert!(
        mine["reports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == id.as_str() && r["state"] == "published"),
        "{mine:#}"
    );
    let shown = writer.call("GET", &page, None);
    assert_eq!(shown.status, 200, "{}", String::from_utf8_lossy(&shown.body));
    assert!(shown.head.contains("text/html"), "{}", shown.head);
    assert!(String::from_utf8_lossy(&shown.body).contains("县发改局召开重点项目调度会"));
    assert_eq!(writer.call("GET", "/archive/index.html", None).status, 200);
    // Nothing outside the archive's folder, and no token, no archive.
    for path in ["/archive/../../xinbao.yaml", "/archive/%2e%2e/%2e%2e/xinbao.yaml"] {
        let outside = writer.call("GET", path, None);
        assert!(matches!(outside.status, 400 | 404), "{path}: {}", outside.status);
    }
    let stranger = writer.raw("GET", &page, &[format!("Host: 127.0.0.1:{}", writer.port)], b"");
    assert_eq!(stranger.status, 403);
}

#[test]
fn a_settings_change_or_an_issue_record_that_would_not_count_is_undone() {
    let Some(office) = Office::new() else { return };
    let (_writer, id) = approved_report(&office);
    let clone = office.clone("office");
    let clerk = Desk::start(&clone);
    clerk.ok("POST", "/api/publish", Some(json!({"ids": [id]})));
    // 钱七 now signs with 李四's key: a supervisor's signature counts for neither.
    let li = office.bureau.key("li").display().to_string();
    git(&clone, crate::bureau::WRITTEN, &["config", "user.signingkey", &li]);
    let head = || {
        String::from_utf8_lossy(&git(&clone, crate::bureau::WRITTEN, &["rev-parse", "HEAD"]).stdout)
            .to_string()
    };
    let before = (head(), std::fs::read_to_string(clone.join("xinbao.yaml")).unwrap());
    let mut form = clerk.ok("GET", "/api/settings", None);
    // A unit decides verdicts (a name alone does not need the office's signature).
    form["units"].as_array_mut().unwrap().push(json!("新设科"));
    let settings = clerk.call("POST", "/api/settings", Some(form));
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let period =
        json!({"from": format!("{}", today - chrono::Days::new(3)), "to": format!("{today}")});
    let issue = clerk.call("POST", "/api/bulletin", Some(period));
    for answer in [settings, issue] {
        assert_eq!(answer.status, 403, "{}", String::from_utf8_lossy(&answer.body));
        assert_eq!(answer.json()["error"]["code"], "not-authorized");
    }
    let after = (head(), std::fs::read_to_string(clone.join("xinbao.yaml")).unwrap());
    assert_eq!(after, before, "no commit left, the settings as they were");
    let status = git(&clone, crate::bureau::WRITTEN, &["status", "--porcelain"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "", "nothing half-done");
}

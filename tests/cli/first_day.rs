//! A bureau's first day, as docs/first-day.md tells it: `xinbao init` in an empty folder,
//! the settings filled in (the bureau, and the signing keys of a supervisor and
//! of the office, made with ssh-keygen), committed with the office's signature;
//! a writer's report from `xinbao new` written on a branch; the supervisor's
//! signed `approve`, the office's signed `publish`, and `build`: the first report
//! approved, published and archived. Nothing but the `xinbao` binary and git.

use crate::support::{Sandbox, require, ssh_keygen, stderr, stdout};
use std::path::Path;
use std::process::Command;

/// git in `dir` as `name`, signing with the SSH key `key` when given, at the
/// present moment (the report's times are the present too).
fn git(dir: &Path, name: &str, key: Option<&Path>, args: &[&str]) -> String {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", std::env::temp_dir())
        .args(["-c", &format!("user.name={name}"), "-c", "user.email=someone@example.org"]);
    if let Some(key) = key {
        command
            .args(["-c", "gpg.format=ssh", "-c"])
            .arg(format!("user.signingkey={}", key.display()));
    }
    let out = command.args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_new_bureau_gets_its_first_report_approved_published_and_archived() {
    if !require("ssh-keygen") {
        return;
    }
    let sandbox = Sandbox::new();
    let keys = tempfile::tempdir().unwrap();
    for name in ["yi", "bing"] {
        ssh_keygen(keys.path(), name);
    }
    let public =
        |name: &str| std::fs::read_to_string(keys.path().join(format!("{name}.pub"))).unwrap();
    let (yi, bing) = (keys.path().join("yi"), keys.path().join("bing"));

    // 1. init, then the settings filled in: the bureau's name, the keys.
    let init = sandbox.run(&["init", "bureau"]);
    assert!(init.status.success(), "{}", stderr(&init));
    let root = sandbox.root().join("bureau");
    let settings = std::fs::read_to_string(root.join("xinbao.yaml")).unwrap();
    let settings = settings
        .replace("bureau: 某某县某某局", "bureau: 测试县测试局")
        .replace("editor: 某某县某某局办公室", "editor: 测试县测试局办公室")
        .replace(
            "    supervises: [第一科, 第二科]\n    phone: \"13800000001\"\n",
            &format!("    supervises: [第一科, 第二科]\n    phone: \"13800000001\"\n    keys:\n      - ssh: \"{}\"\n", public("yi").trim()),
        )
        .replace(
            "    roles: [office]\n    phone: \"13800000002\"\n",
            &format!("    roles: [office]\n    phone: \"13800000002\"\n    keys:\n      - ssh: \"{}\"\n", public("bing").trim()),
        );
    assert!(settings.matches("keys:\n      - ssh:").count() == 2, "{settings}");
    std::fs::write(root.join("xinbao.yaml"), settings).unwrap();
    let check = sandbox.run(&["--root", "bureau", "check"]);
    assert!(check.status.success(), "{}", stdout(&check));
    git(&root, "办公室丙", Some(&bing), &["add", "-A"]);
    git(&root, "办公室丙", Some(&bing), &["commit", "-q", "-S", "-m", "本局的设置"]);
    assert_eq!(git(&root, "办公室丙", None, &["branch", "--show-current"]), "main");

    // 2. The writer: a report from its template, written, on a branch.
    git(&root, "信息员甲", None, &["checkout", "-q", "-b", "jia/diaoduhui"]);
    // Each person works with git set up as docs/first-day.md says (user.name, and the
    // signing key for those who sign); xinbao asks git who the user is.
    let run = |who: &str, args: &[&str]| {
        git(&root, who, None, &["config", "user.name", who]);
        git(&root, who, None, &["config", "user.email", "someone@example.org"]);
        let mut command = crate::support::xinbao();
        command.current_dir(&root).args(args);
        command.output().unwrap()
    };
    let new =
        run("信息员甲", &["new", "work", "--title", "第一科召开项目调度会", "--slug", "diaoduhui"]);
    assert!(new.status.success(), "{}", stderr(&new));
    let file = walkdir::WalkDir::new(root.join("reports"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .expect("the new report")
        .into_path();
    let id = file.file_stem().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(&file).unwrap();
    // Unedited, the template's placeholder is not a report yet.
    assert_eq!(run("信息员甲", &["check"]).status.code(), Some(1));
    let start = text.find("……（").unwrap();
    let end = start + text[start..].find('）').unwrap() + '）'.len_utf8();
    let written = format!(
        "{}召开项目调度会，梳理在建项目的用地和资金问题，明确了责任人和完成时限。{}",
        &text[..start],
        &text[end..]
    );
    std::fs::write(&file, written).unwrap();
    let check = run("信息员甲", &["check"]);
    assert!(check.status.success(), "{}", stdout(&check));
    git(&root, "信息员甲", None, &["add", "-A"]);
    git(&root, "信息员甲", None, &["commit", "-q", "-m", "报送：第一科召开项目调度会"]);
    git(&root, "信息员甲", None, &["checkout", "-q", "main"]);

    // 3. The supervisor approves with a signed merge; 4. the office publishes.
    git(&root, "负责人乙", None, &["config", "gpg.format", "ssh"]);
    git(&root, "负责人乙", None, &["config", "user.signingkey", &yi.display().to_string()]);
    let approve = run("负责人乙", &["approve", "jia/diaoduhui"]);
    assert!(approve.status.success(), "{}", stderr(&approve));
    assert!(
        stdout(&approve).contains("负责人乙 已审核并合并 1 条信息")
            && stdout(&approve).contains("请 git push"),
        "{}",
        stdout(&approve)
    );
    git(&root, "办公室丙", None, &["config", "user.signingkey", &bing.display().to_string()]);
    let publish = run("办公室丙", &["publish", &id]);
    assert!(publish.status.success(), "{}", stderr(&publish));
    let status = run("办公室丙", &["status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["reports"][0]["state"], "published", "{status}");
    assert_eq!(status["reports"][0]["approved_by"][0]["name"], "负责人乙");

    // 5. The documents and the archive.
    let build = run("办公室丙", &["build"]);
    assert!(build.status.success(), "{}{}", stdout(&build), stderr(&build));
    for made in [
        format!("public/files/{id}.docx"),
        format!("public/files/{id}.pdf"),
        format!("public/reports/{id}.html"),
        "public/index.html".into(),
    ] {
        assert!(root.join(&made).is_file(), "{made}");
    }
    let page = std::fs::read_to_string(root.join(format!("public/reports/{id}.html"))).unwrap();
    assert!(page.contains("测试县测试局") && page.contains("负责人乙"), "{page}");
}

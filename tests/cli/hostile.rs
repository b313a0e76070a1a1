//! Bad input (SPEC §10): every hostile file gets a diagnostic with a rule id; nothing
//! panics or hangs, and no report is changed.

use crate::support::{Sandbox, finding_list, fixture, rule_list};

fn settings_only() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write("xinbao.yaml", std::fs::read(fixture("repo/xinbao.yaml")).unwrap());
    sandbox
}

#[test]
fn files_over_one_mebibyte_are_refused_unread() {
    let sandbox = settings_only();
    let big = format!("---\ntitle: 大\n---\n{}", "很长的正文。".repeat(70_000));
    assert!(big.len() > 1024 * 1024);
    sandbox.write("reports/2026/03/2026-03-01-big.md", &big);
    let (code, json) = sandbox.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(json["diagnostics"][0]["rule"], "file-too-large");
    assert_eq!(json["diagnostics"][0]["line"], 1);
}

#[test]
fn hostile_files_never_crash_and_are_left_untouched() {
    let sandbox = settings_only();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("only-dashes", b"---".to_vec()),
        ("nul", b"---\ntitle: \0\n---\n".to_vec()),
        ("binary", (0..=255u8).cycle().take(4096).collect()),
        ("tabs", b"---\n\ttitle: x\n---\n".to_vec()),
        ("anchor-loop", b"---\na: &a [*a]\n---\n".to_vec()),
        ("tag", b"---\ntitle: !!binary aGVsbG8=\ncategory: !custom work\n---\n".to_vec()),
        ("scalar-root", b"---\njust text\n---\n".to_vec()),
        ("list-root", b"---\n- a\n- b\n---\n".to_vec()),
        ("two-docs", b"---\na: 1\n...\n---\nb: 2\n---\n".to_vec()),
        ("lone-cr", b"---\rtitle: x\r---\r".to_vec()),
        ("long-line", format!("---\ntitle: {}\n---\n", "长".repeat(200_000)).into_bytes()),
        (
            "wide-map",
            format!("---\n{}---\n", (0..30_000).map(|i| format!("k{i}: v\n")).collect::<String>())
                .into_bytes(),
        ),
        (
            "html",
            b"---\ntitle: x\n---\n<iframe src=javascript:alert(1)></iframe>\n<style>*{}</style>\n"
                .to_vec(),
        ),
    ];
    for (name, bytes) in &files {
        sandbox.write(&format!("reports/2026/03/2026-03-01-{name}.md"), bytes);
    }
    let (code, json) = sandbox.check_json(&[]);
    assert_eq!(code, 1, "{json}");
    for (name, bytes) in &files {
        let file = format!("reports/2026/03/2026-03-01-{name}.md");
        let mine: Vec<_> =
            json["diagnostics"].as_array().unwrap().iter().filter(|d| d["file"] == file).collect();
        assert!(!mine.is_empty(), "{name}: no diagnostic");
        assert!(
            mine.iter().all(
                |d| d["line"].as_u64().unwrap() >= 1 && !d["rule"].as_str().unwrap().is_empty()
            )
        );
        assert_eq!(
            &std::fs::read(sandbox.root().join(&file)).unwrap(),
            bytes,
            "{name} was modified"
        );
    }
}

#[test]
fn every_truncation_of_a_report_parses_without_panicking() {
    let text =
        std::fs::read_to_string(fixture("repo/reports/2026/03/2026-03-02-good-follow-up.md"))
            .unwrap();
    let mut diags = xinbao::diag::Diagnostics::default();
    let run = xinbao::run::Run::open(&fixture("repo"), xinbao::lang::Lang::Zh, None);
    let settings = xinbao::config::load(run.workspace(), &mut diags).unwrap();
    for (end, _) in text.char_indices() {
        let mut diags = xinbao::diag::Diagnostics::default();
        let none = xinbao::report::Placeholders::default();
        let _ = xinbao::report::parse("r.md", "r", &text[..end], &settings, &none, &mut diags);
        assert!(diags.iter().all(|d| d.pos.line >= 1 && d.pos.column >= 1));
    }
}

#[test]
fn a_symlinked_report_is_not_followed() {
    let sandbox = settings_only();
    std::fs::create_dir_all(sandbox.root().join("reports/2026/03")).unwrap();
    std::os::unix::fs::symlink(
        "/etc/passwd",
        sandbox.root().join("reports/2026/03/2026-03-01-link.md"),
    )
    .unwrap();
    let (_, json) = sandbox.check_json(&[]);
    assert_eq!(json["diagnostics"][0]["rule"], "unsafe-link", "{json}");
}

/// Runs `xinbao ARGS` in `sandbox`, failing the test if it has not finished
/// after 60 seconds (it is then killed).
fn run_within_a_minute(sandbox: &crate::support::Sandbox, args: &[&str]) -> std::process::Output {
    let mut child = crate::support::xinbao()
        .current_dir(sandbox.root())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("xinbao {args:?} still runs after 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// A pushed history is input too. Ten thousand folders nested under
/// `reports/` took time and memory that grow with the square of the depth
/// (every path spelled out: 200,000 folders ran out of memory): the walks now
/// stop at 32 folders, and a report deeper is known to no commit.
#[test]
fn a_history_nested_thousands_deep_is_read_only_to_the_depth_limit() {
    let sandbox = with_pushed_reports(|git| {
        let blob = git.blob(b"---\ntitle: x\n---\n").unwrap();
        let mut tree = {
            let mut builder = git.treebuilder(None).unwrap();
            builder.insert("2026-03-01-deep.md", blob, 0o100644).unwrap();
            builder.write().unwrap()
        };
        for _ in 0..10_000 {
            let mut builder = git.treebuilder(None).unwrap();
            builder.insert("a", tree, 0o040000).unwrap();
            tree = builder.write().unwrap();
        }
        tree
    });
    let out = run_within_a_minute(&sandbox, &["status", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!json.to_string().contains("2026-03-01-deep"), "{json}");
    // Nor may such a tree make `check` skip the times the history gives.
    let out = run_within_a_minute(&sandbox, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("跳过首次提交时间检查"), "{stderr}");
}

/// A repository whose settings are committed, then a commit whose `reports/` is
/// the tree `make` writes: what a writer can push.
fn with_pushed_reports(make: impl FnOnce(&git2::Repository) -> git2::Oid) -> Sandbox {
    let sandbox = settings_only();
    sandbox.git_init();
    sandbox.commit_all("2026-03-01T09:00:00+08:00", "settings");
    let git = git2::Repository::open(sandbox.root()).unwrap();
    let reports = make(&git);
    let head = git.head().unwrap().peel_to_commit().unwrap();
    let mut top = git.treebuilder(Some(&head.tree().unwrap())).unwrap();
    top.insert("reports", reports, 0o040000).unwrap();
    let top = git.find_tree(top.write().unwrap()).unwrap();
    let who = git2::Signature::now("a", "a@example.org").unwrap();
    git.commit(Some("HEAD"), &who, &who, "pushed", &top, &[&head]).unwrap();
    sandbox
}

#[test]
fn a_history_path_out_of_the_repository_is_no_report() {
    let sandbox = with_pushed_reports(|git| {
        let text = std::fs::read(fixture("repo/reports/2026/03/2026-03-02-good-work.md")).unwrap();
        let blob = git.blob(&text).unwrap();
        // A raw tree, as a push can carry it (`git fsck`: fullPathname, hasDotdot);
        // git itself cannot check these names out.
        let mut raw = Vec::new();
        for name in ["../../../x/2026-03-01-out.md", "..", "2026-03-02-in.md"] {
            raw.extend_from_slice(format!("100644 {name}\0").as_bytes());
            raw.extend_from_slice(blob.as_bytes());
        }
        git.odb().unwrap().write(git2::ObjectType::Tree, &raw).unwrap()
    });
    let out = sandbox.run(&["status", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains("reports/2026-03-02-in.md"), "{json}");
    assert!(!json.contains("2026-03-01-out") && !json.contains(".."), "{json}");
}

#[test]
fn a_pipe_named_as_a_report_is_a_finding_not_a_hang() {
    // Reading a pipe that no one writes to waits for ever: `check` used to.
    let sandbox = settings_only();
    std::fs::create_dir_all(sandbox.root().join("reports/2026/03")).unwrap();
    let pipe = sandbox.root().join("reports/2026/03/2026-03-01-pipe.md");
    assert!(std::process::Command::new("mkfifo").arg(&pipe).status().unwrap().success());
    let out = run_within_a_minute(&sandbox, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["rule"], "invalid-value", "{json}");
    assert_eq!(json["diagnostics"][0]["file"], "reports/2026/03/2026-03-01-pipe.md", "{json}");
}

#[test]
fn a_report_of_gigabytes_is_refused_unread_in_every_format() {
    // The human format used to read the file whole to quote its first line:
    // a 2 GiB report took 24 GB of memory and was killed.
    let sandbox = settings_only();
    std::fs::create_dir_all(sandbox.root().join("reports/2026/03")).unwrap();
    let file = std::fs::File::create(sandbox.root().join("reports/2026/03/2026-03-01-big.md"));
    file.unwrap().set_len(2 << 30).unwrap(); // sparse: no disk space taken
    for format in ["human", "json", "github", "sarif"] {
        let out = run_within_a_minute(&sandbox, &["check", "--format", format]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("file-too-large"), "{format}: {text}");
        assert_eq!(out.status.code(), Some(1), "{format}: {text}");
    }
}

#[test]
fn settings_of_gigabytes_are_refused_unread() {
    let sandbox = crate::support::Sandbox::new();
    let file = std::fs::File::create(sandbox.root().join("xinbao.yaml")).unwrap();
    file.set_len(2 << 30).unwrap(); // sparse: no disk space taken
    let out = run_within_a_minute(&sandbox, &["check"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A report of thousands of pictures is a finding, and its documents hold the
/// first 200: a 1 MiB file of 30,000 pictures once kept the PDF layout busy for
/// minutes.
#[test]
fn thousands_of_pictures_are_a_finding_and_only_two_hundred_are_laid_out() {
    let sandbox = Sandbox::from_fixture("repo");
    let pictures = "![项目现场](images/ok.png)\n".repeat(3_000);
    let file = "reports/2026/03/2026-03-02-many-pictures.md";
    sandbox.write(
        file,
        format!("---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T17:40:00+08:00\n---\n\n{pictures}"),
    );
    let (_, json) = sandbox.check_json(&[file]);
    let rules = rule_list(&json);
    assert_eq!(rules, ["file-too-large"], "{json}");
    let out = sandbox.run(&["render", file, "--docx", "many.docx"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let docx = crate::render::unzip(&sandbox.root().join("many.docx"));
    let document = String::from_utf8(docx["word/document.xml"].clone()).unwrap();
    assert_eq!(document.matches("<wp:docPr ").count(), 200);
}

/// A report of 投资科 whose front matter lists `images` (YAML list items) and
/// whose body is `body`.
fn report_with_pictures(images: &str, body: &str) -> String {
    format!(
        "---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T17:40:00+08:00\nimages:\n{images}---\n\n{body}"
    )
}

/// The number of pictures a rendered DOCX shows.
fn pictures_in(docx: &std::path::Path) -> usize {
    let docx = crate::render::unzip(docx);
    String::from_utf8(docx["word/document.xml"].clone()).unwrap().matches("<wp:docPr ").count()
}

/// SPEC §6.3: approval binds the bytes of pictures under `reports/` only, so a
/// picture anywhere else in the repository (reached by `..` or by a symlink)
/// could be swapped after publication. It is refused and never laid out.
#[test]
fn pictures_outside_reports_are_refused_and_left_out() {
    let sandbox = Sandbox::from_fixture("repo");
    let picture = image::GrayImage::from_pixel(40, 30, image::Luma([90]));
    std::fs::create_dir_all(sandbox.root().join("templates")).unwrap();
    picture.save(sandbox.root().join("templates/x.png")).unwrap();
    std::os::unix::fs::symlink(
        "../../../../templates/x.png",
        sandbox.root().join("reports/2026/03/images/swap.png"),
    )
    .unwrap();
    let file = "reports/2026/03/2026-03-02-elsewhere.md";
    let images = "  - file: ../../../templates/x.png\n    caption: 模板中\n  - file: images/swap.png\n    caption: 链接\n  - file: images/ok.png\n    caption: 现场\n";
    sandbox.write(
        file,
        report_with_pictures(images, "正文。\n\n![正文中](../../../templates/x.png)\n"),
    );
    let (_, json) = sandbox.check_json(&[file]);
    let found = finding_list(&json);
    let at = |line: u64| (file.to_string(), line, "image-outside-repo".to_string());
    assert_eq!(found, [at(10), at(12), at(20)], "{json}");
    let out = sandbox.run(&["render", file, "--docx", "out.docx", "--pdf", "out.pdf"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(pictures_in(&sandbox.root().join("out.docx")), 1, "only images/ok.png");
}

/// SPEC §6.3: the decoded pixels of one report are limited to 200 megapixels in
/// total. Five pictures of 40 megapixels (each at the limit for one picture)
/// are allowed; a sixth is `image-invalid` and left out of the documents, which
/// hold the five scaled down.
#[test]
fn a_report_past_two_hundred_megapixels_is_refused_and_left_out() {
    let sandbox = Sandbox::from_fixture("repo");
    let big =
        image::GrayImage::from_fn(5_000, 8_000, |x, y| image::Luma([(x / 20 + y / 30) as u8]));
    big.save(sandbox.root().join("reports/2026/03/images/big.png")).unwrap();
    let file = "reports/2026/03/2026-03-02-megapixels.md";
    let images = "  - file: images/big.png\n    caption: 现场\n".repeat(6);
    sandbox.write(file, report_with_pictures(&images, "正文。\n"));
    let (_, json) = sandbox.check_json(&[file]);
    let sixth = (file.to_string(), 20, "image-invalid".to_string());
    assert_eq!(finding_list(&json), [sixth], "{json}");
    let out = sandbox.run(&["render", file, "--docx", "out.docx"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(pictures_in(&sandbox.root().join("out.docx")), 5);
}

/// Files that do not compress are held whole by the documents, so one report's
/// picture files are limited to 50 MiB together: the third reference to an
/// 18 MiB picture is `image-invalid` (the check reads headers only, so the
/// picture is a PNG header and zeros).
#[test]
fn a_report_past_fifty_mebibytes_of_pictures_is_refused() {
    let sandbox = Sandbox::from_fixture("repo");
    let mut heavy = std::fs::read(sandbox.root().join("reports/2026/03/images/ok.png")).unwrap();
    heavy.resize(18 << 20, 0);
    sandbox.write("reports/2026/03/images/heavy.png", heavy);
    let file = "reports/2026/03/2026-03-02-heavy.md";
    let images = "  - file: images/heavy.png\n    caption: 现场\n".repeat(3);
    sandbox.write(file, report_with_pictures(&images, "正文。\n"));
    let (_, json) = sandbox.check_json(&[file]);
    let third = (file.to_string(), 14, "image-invalid".to_string());
    assert_eq!(finding_list(&json), [third], "{json}");
}

#[test]
fn a_report_that_cannot_be_read_fails_the_build_and_render_says_why() {
    let sandbox = settings_only();
    let good = "reports/2026/03/2026-03-02-good-work.md";
    sandbox.write(good, std::fs::read(fixture(&format!("repo/{good}"))).unwrap());
    let only_good = sandbox.run(&["build", "--drafts", "--only", "docx", "--out", "a"]);
    assert_eq!(only_good.status.code(), Some(0), "{}", String::from_utf8_lossy(&only_good.stderr));
    // A typo in the front matter, a file too large to read: each is left out, said,
    // counted, and the build fails (exit 1: an error-level finding).
    sandbox.write("reports/2026/03/2026-03-03-typo.md", "---\ntitle: [未闭合\n---\n正文。\n");
    sandbox.write("reports/2026/03/2026-03-03-large.md", "长".repeat(400_000));
    let out = sandbox.run(&["build", "--drafts", "--only", "docx", "--out", "b"]);
    let (said, summary) =
        (String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    assert_eq!(out.status.code(), Some(1), "{said}{summary}");
    assert!(said.contains("错误[yaml-syntax]") && said.contains("错误[file-too-large]"), "{said}");
    assert!(summary.contains("2 条信息未通过检查"), "{summary}");
    assert!(sandbox.root().join("b/files/2026-03-02-good-work.docx").is_file());
    // `render` names the file and why, not "no report with that id".
    let out = sandbox.run(&["render", "2026-03-03-typo", "--docx", "typo.docx"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("错误[yaml-syntax]") && said.contains("前置信息读不出"), "{said}");
    // An error in another file than a report fails it too.
    std::fs::remove_dir_all(sandbox.root().join("reports/2026/03")).unwrap();
    sandbox.write(good, std::fs::read(fixture(&format!("repo/{good}"))).unwrap());
    sandbox.write("requests/2026/q1.yaml", "id: q1\ntitle: [未闭合\n");
    let out = sandbox.run(&["build", "--drafts", "--only", "docx", "--out", "c"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("requests/2026/q1.yaml"), "{said}");
}

#[test]
fn a_control_character_is_a_finding_and_never_reaches_a_document() {
    let sandbox = settings_only();
    let good = std::fs::read_to_string(fixture("repo/reports/2026/03/2026-03-02-good-work.md"));
    let good = good.unwrap();
    // A title written with an escape, and a NUL and an ESC in the body.
    let text = good.replacen("title: 投资科召开", "title: \"投资科\\x01召开\"\n#", 1);
    let text = format!("{text}\n甲\0乙\n丙\u{1b}丁\n");
    let file = "reports/2026/03/2026-03-02-control.md";
    sandbox.write(file, &text);
    // Warnings: a report signed or published with one keeps its record.
    let (code, json) = sandbox.check_json(&[]);
    assert_eq!(code, 0, "{json}");
    let found: Vec<(u64, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file && d["rule"] == "invalid-value" && d["severity"] == "warning")
        .map(|d| (d["line"].as_u64().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    let lines = text.lines().count() as u64;
    assert!(found.iter().any(|(line, m)| *line == 2 && m.contains("title")), "{found:?}");
    assert!(found.iter().any(|(line, m)| *line == lines - 1 && m.contains("U+0000")), "{found:?}");
    assert!(found.iter().any(|(line, m)| *line == lines && m.contains("U+001B")), "{found:?}");
    // It is laid out without them: no XML part and no archive page holds one.
    let out = sandbox.run(&["build", "--drafts", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let page = std::fs::read(sandbox.root().join("out/reports/2026-03-02-control.html")).unwrap();
    assert!(!page.iter().any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')));
    assert!(String::from_utf8_lossy(&page).contains("投资科召开"));
    let out = sandbox.run(&["render", "2026-03-02-control", "--docx", "c.docx"]);
    assert!(sandbox.root().join("c.docx").is_file(), "{}", String::from_utf8_lossy(&out.stderr));
    for (name, bytes) in crate::render::unzip(&sandbox.root().join("c.docx")) {
        if name.ends_with(".xml") {
            let bad = bytes.iter().find(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'));
            assert!(bad.is_none(), "{name} holds {bad:?}");
        }
    }
}

#[test]
fn a_report_named_oddly_is_said_not_lost() {
    use std::os::unix::ffi::OsStrExt as _;
    let sandbox = settings_only();
    let good = std::fs::read(fixture("repo/reports/2026/03/2026-03-02-good-work.md")).unwrap();
    sandbox.write("reports/2026/03/2026-03-02-upper.MD", &good);
    sandbox.write("reports/2026/03/2026-03-02-long.markdown", &good);
    let name = std::ffi::OsStr::from_bytes(b"2026-03-02-gbk-\xb5\xf7\xb6\xc8.md");
    std::fs::write(sandbox.root().join("reports/2026/03").join(name), &good).unwrap();
    let (code, json) = sandbox.check_json(&[]);
    assert_eq!(code, 1, "{json}");
    let said = |end: &str| -> Vec<(String, String)> {
        let all = json["diagnostics"].as_array().unwrap().iter();
        all.filter(|d| d["file"].as_str().unwrap().ends_with(end))
            .map(|d| {
                (d["severity"].as_str().unwrap().into(), d["message"].as_str().unwrap().into())
            })
            .collect()
    };
    for end in [".MD", ".markdown"] {
        let found = said(end);
        assert!(found.len() == 1 && found[0].0 == "warning", "{end}: {found:?}");
        assert!(found[0].1.contains("不会当作信息读取"), "{found:?}");
    }
    let found = said("\u{fffd}.md");
    assert!(found.iter().any(|(s, m)| s == "error" && m.contains("不是 UTF-8")), "{found:?}");
}

#[test]
fn a_path_outside_the_repository_is_not_read() {
    let sandbox = settings_only();
    let outside = tempfile::tempdir().unwrap();
    let draft = outside.path().join("2026-03-02-outside.md");
    std::fs::copy(fixture("repo/reports/2026/03/2026-03-02-good-work.md"), &draft).unwrap();
    let folder = outside.path().to_str().unwrap();
    for args in [
        vec!["check", folder],
        vec!["check", draft.to_str().unwrap()],
        vec!["check", ".."],
        vec!["render", draft.to_str().unwrap(), "--docx", "x.docx"],
    ] {
        let out = sandbox.run(&args);
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {said}");
        assert!(said.contains("不在报送仓库"), "{args:?}: {said}");
    }
    assert!(!sandbox.root().join("x.docx").exists());
}

#[test]
fn a_pipe_as_the_output_is_not_waited_on() {
    let sandbox = settings_only();
    let good = "reports/2026/03/2026-03-02-good-work.md";
    sandbox.write(good, std::fs::read(fixture(&format!("repo/{good}"))).unwrap());
    let made = std::process::Command::new("mkfifo").arg(sandbox.root().join("pipe.docx")).status();
    assert!(made.unwrap().success());
    let out =
        run_within_a_minute(&sandbox, &["render", "2026-03-02-good-work", "--docx", "pipe.docx"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

//! Nothing reaches outside (SPEC §6.3): a committed manifest or symlink in the output
//! folder cannot make `build` write, keep or remove anything outside it.

use crate::support::Sandbox;
use std::path::Path;

/// `xinbao build --drafts --only docx,site ARGS` in `sandbox`; its exit code.
fn build(sandbox: &Sandbox, args: &[&str]) -> Option<i32> {
    let mut all = vec!["build", "--drafts", "--only", "docx,site"];
    all.extend(args);
    let out = sandbox.run(&all);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.status.code()
}

/// A folder outside the repository with one file, `victim.txt`.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("victim.txt"), "keep").unwrap();
    dir
}

/// The files of `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn committed_manifests_pointing_outside_remove_nothing_there() {
    let sandbox = Sandbox::from_fixture("repo");
    let away = outside();
    for name in ["a.docx", "b.docx", "c.html", "d.pdf", "e.html"] {
        std::fs::write(away.path().join(name), "keep").unwrap();
    }
    // From a folder `depth` below the repository, the way up and over to `away`.
    let up = sandbox.root().parent().unwrap();
    let beside = away.path().strip_prefix(up).expect("both in the temporary folder");
    let climb = |depth: usize| format!("{}{}", "../".repeat(depth + 1), beside.display());
    let abs = away.path().display().to_string();
    let manifest = |keys: &[String]| {
        serde_json::to_string(
            &keys.iter().map(|k| (k.clone(), "0".into())).collect::<serde_json::Map<_, _>>(),
        )
        .unwrap()
    };
    sandbox.write(
        "public/files/.xinbao-inputs.json",
        manifest(&[format!("{}/a.docx", climb(2)), format!("{abs}/b.docx")]),
    );
    sandbox
        .write("public/bulletins/.xinbao-inputs.json", manifest(&[format!("{}/d.pdf", climb(2))]));
    sandbox.write(
        "public/.xinbao-site.json",
        manifest(&[format!("{}/c.html", climb(1)), format!("{abs}/e.html")]),
    );
    assert_eq!(build(&sandbox, &[]), Some(1), "the fixture's bad reports fail the check");
    assert_eq!(
        names(away.path()),
        ["a.docx", "b.docx", "c.html", "d.pdf", "e.html", "victim.txt"],
        "nothing outside was removed"
    );
    assert!(sandbox.root().join("public/reports/2026-03-02-good-work.html").is_file());
}

#[cfg(unix)]
#[test]
fn committed_symlinks_in_the_output_are_replaced_never_followed() {
    use std::os::unix::fs::symlink;
    let sandbox = Sandbox::from_fixture("repo");
    let (pages, documents) = (outside(), outside());
    std::fs::write(pages.path().join("2026-03-02-good-work.html"), "keep").unwrap();
    std::fs::create_dir_all(sandbox.root().join("public")).unwrap();
    symlink(pages.path(), sandbox.root().join("public/reports")).unwrap();
    symlink(documents.path(), sandbox.root().join("public/files")).unwrap();
    // The site's manifest lists the page, so the old build removed it through the link.
    sandbox.write("public/.xinbao-site.json", r#"{"reports/2026-03-02-good-work.html": "0"}"#);
    build(&sandbox, &[]);
    assert_eq!(names(pages.path()), ["2026-03-02-good-work.html", "victim.txt"]);
    let kept = std::fs::read_to_string(pages.path().join("2026-03-02-good-work.html")).unwrap();
    assert_eq!(kept, "keep", "no page written through the link");
    assert_eq!(names(documents.path()), ["victim.txt"], "no document written outside");
    let public = sandbox.root().join("public");
    for folder in ["reports", "files"] {
        let meta = std::fs::symlink_metadata(public.join(folder)).unwrap();
        assert!(meta.is_dir(), "{folder} is a real folder now");
    }
    assert!(public.join("reports/2026-03-02-good-work.html").is_file());
    assert!(public.join("files/2026-03-02-good-work.docx").is_file());

    // A symlink where a document goes is replaced, not kept: its inputs did not
    // change, but it is not the document.
    let document = public.join("files/2026-03-02-good-work.docx");
    let real = std::fs::read(&document).unwrap();
    std::fs::remove_file(&document).unwrap();
    symlink(documents.path().join("victim.txt"), &document).unwrap();
    build(&sandbox, &[]);
    assert!(!std::fs::symlink_metadata(&document).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&document).unwrap(), real);
    assert_eq!(std::fs::read_to_string(documents.path().join("victim.txt")).unwrap(), "keep");
    let page = std::fs::read_to_string(public.join("reports/2026-03-02-good-work.html")).unwrap();
    assert!(page.contains("2026-03-02-good-work.docx"), "the page links the real document");
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_symlink_in_the_repository_is_refused() {
    let sandbox = Sandbox::from_fixture("repo");
    let away = outside();
    std::os::unix::fs::symlink(away.path(), sandbox.root().join("public")).unwrap();
    let out = sandbox.run(&["build", "--drafts", "--only", "site"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("符号链接"));
    assert_eq!(names(away.path()), ["victim.txt"]);
}

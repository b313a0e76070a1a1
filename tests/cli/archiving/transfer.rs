//! `xinbao transfer` and `xinbao verify-transfer`: the package's layout and 档号,
//! a clean 四性检测, and a failing one, naming the 件 and the element, after each
//! kind of tampering: a changed byte, a missing 件, an extra file, a metadata
//! title edited with the manifest updated to match, an approval taken out of the
//! bundled history.

use super::{ITEMS, LATE, RETRACTED, quarter};
use crate::bureau::{Bureau, PUBLISHED};
use crate::support::{stderr, stdout};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};

/// The archive's settings, committed without a signature (they decide no verdict).
const ARCHIVE: &str =
    "\narchive:\n  fonds: Z109\n  retention:\n    default: D30\n  unit_codes:\n    投资科: TZK\n";

/// [`quarter`] with `archive:` settings and its package for 2026 in a new folder.
fn packaged() -> Option<(Bureau, PathBuf)> {
    let bureau = quarter()?;
    let settings = std::fs::read_to_string(bureau.root().join("xinbao.yaml")).unwrap();
    bureau.put("xinbao.yaml", format!("{settings}{ARCHIVE}"));
    bureau.commit(PUBLISHED, None, "档案移交设置");
    let dir = bureau.outside("package");
    let out = bureau.run(&["transfer", "--year", "2026", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("2026年度移交包：5 件"), "{}", stdout(&out));
    Some((bureau, dir))
}

/// `xinbao verify-transfer DIR`: its exit code and lines.
fn verify(bureau: &Bureau, dir: &Path) -> (i32, String) {
    let out = bureau.run(&["verify-transfer", dir.to_str().unwrap()]);
    (out.status.code().unwrap(), format!("{}{}", stdout(&out), stderr(&out)))
}

/// The manifest written again for what the folder holds now (a forger's step).
fn rewrite_manifest(dir: &Path) {
    let mut lines = String::new();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for file in files {
        let rel = file.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        if rel != "manifest-sha256.txt" {
            let digest = Sha256::digest(std::fs::read(&file).unwrap());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            lines.push_str(&format!("{hex}  {rel}\n"));
        }
    }
    std::fs::write(dir.join("manifest-sha256.txt"), lines).unwrap();
}

/// The folder of the 件 with archival code `code`.
fn item(dir: &Path, code: &str) -> PathBuf {
    let retention = code.split('-').nth(2).unwrap();
    dir.join("电子档案/2026").join(retention).join(code)
}

#[test]
fn the_package_has_the_layout_and_archival_codes_of_da_t_22_and_verifies_clean() {
    let Some((bureau, dir)) = packaged() else { return };
    for file in [
        "说明文件.txt",
        "文件目录.xml",
        "manifest-sha256.txt",
        "其他/归档文件目录.pdf",
        "其他/信息汇编-2026.pdf",
        "其他/history.bundle",
    ] {
        assert!(dir.join(file).is_file(), "{file} is missing");
    }
    // 投资科 has its code from the settings, 价格科 its initials; 件号 from 0001
    // within retention and unit, in the order of arrival; the retracted report is a 件 too.
    let codes: Vec<String> = ["TZK-0001", "TZK-0002", "TZK-0003", "JGK-0001", "JGK-0002"]
        .iter()
        .map(|tail| format!("Z109-WS·2026-D30-{tail}"))
        .collect();
    for code in &codes {
        let folder = item(&dir, code);
        for ext in ["pdf", "docx", "xml"] {
            assert!(folder.join(format!("{code}.{ext}")).is_file(), "{code}.{ext}");
        }
    }
    // The description counts every file but itself and the manifest.
    let files = walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok);
    let files = files.filter(|e| e.file_type().is_file()).count();
    let readme = std::fs::read_to_string(dir.join("说明文件.txt")).unwrap();
    assert!(readme.contains(&format!("文件数：{}（", files - 2)), "{files} files:\n{readme}");
    let catalogue = std::fs::read_to_string(dir.join("文件目录.xml")).unwrap();
    assert!(catalogue.contains("件数=\"5\""), "{catalogue}");
    let tuijin =
        std::fs::read_to_string(item(&dir, &codes[0]).join(format!("{}.xml", codes[0]))).unwrap();
    assert!(tuijin.contains(&format!("<电子文件号>{RETRACTED}</电子文件号>")), "{tuijin}");
    assert!(tuijin.contains("<备注>已撤回（2026-03-02-gengzheng）</备注>"), "{tuijin}");
    assert!(
        tuijin.contains("<行为 类型=\"审核\">")
            && tuijin.contains("<机构人员名称>李四</机构人员名称>")
    );
    assert!(tuijin.contains(&bureau.ssh_fingerprint("li")), "{tuijin}");
    let late =
        std::fs::read_to_string(item(&dir, &codes[3]).join(format!("{}.xml", codes[3]))).unwrap();
    assert!(
        late.contains(&format!("<电子文件号>{LATE}</电子文件号>"))
            && late.contains("<备注>迟报</备注>"),
        "{late}"
    );
    // The sources are the signed text and its picture.
    let diaodu = item(&dir, &codes[1]).join("源文件/reports/2026/03");
    assert!(
        diaodu.join("2026-03-02-diaodu.md").is_file() && diaodu.join("images/site.png").is_file()
    );
    let (code, said) = verify(&bureau, &dir);
    assert_eq!(code, 0, "{said}");
    assert_eq!(said.lines().filter(|l| l.starts_with('✓')).count(), 14, "{said}");
    assert!(!said.contains('✗'), "{said}");
    let items: Vec<&str> = ITEMS.iter().map(|i| i.id).collect();
    for id in items {
        assert!(catalogue.contains(id), "{id} is not catalogued");
    }
    // A second package goes into a new folder only.
    let out = bureau.run(&["transfer", "--year", "2026", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn a_changed_byte_a_missing_item_or_an_extra_file_fails_naming_the_item() {
    let Some((bureau, dir)) = packaged() else { return };
    let code = "Z109-WS·2026-D30-TZK-0002";
    let pdf = item(&dir, code).join(format!("{code}.pdf"));
    let mut bytes = std::fs::read(&pdf).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&pdf, &bytes).unwrap();
    let (exit, said) = verify(&bureau, &dir);
    assert_eq!(exit, 1, "{said}");
    let failed = said.lines().find(|l| l.contains("SHA-256")).unwrap();
    assert!(failed.starts_with('✗') && failed.contains(&format!("件 {code}")), "{said}");
    assert!(
        said.lines().any(|l| l.starts_with('✗') && l.contains(code) && l.contains("数字摘要")),
        "{said}"
    );
    bytes[at] ^= 1;
    std::fs::write(&pdf, &bytes).unwrap();
    assert_eq!(verify(&bureau, &dir).0, 0);

    // An extra file.
    std::fs::write(item(&dir, code).join("说明.txt"), "x").unwrap();
    let (exit, said) = verify(&bureau, &dir);
    assert_eq!(exit, 1, "{said}");
    assert!(
        said.lines().any(|l| l.starts_with('✗') && l.contains("不在清单中") && l.contains(code)),
        "{said}"
    );
    std::fs::remove_file(item(&dir, code).join("说明.txt")).unwrap();

    // A link to a file outside, and a manifest line that climbs out: neither is read.
    std::os::unix::fs::symlink("/etc/hostname", item(&dir, code).join("outside.pdf")).unwrap();
    let manifest = dir.join("manifest-sha256.txt");
    let listed = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{listed}{}  ../outside.txt\n", "0".repeat(64))).unwrap();
    let (exit, said) = verify(&bureau, &dir);
    assert_eq!(exit, 1, "{said}");
    let link = said.lines().find(|l| l.contains("符号链接")).unwrap();
    assert!(link.starts_with('✗') && link.contains("outside.pdf"), "{said}");
    let climb = said.lines().find(|l| l.contains("清单中的路径")).unwrap();
    assert!(climb.starts_with('✗') && climb.contains("../outside.txt"), "{said}");
    std::fs::remove_file(item(&dir, code).join("outside.pdf")).unwrap();
    std::fs::write(&manifest, listed).unwrap();

    // A missing 件, the manifest written again without it.
    let gone = "Z109-WS·2026-D30-JGK-0002";
    std::fs::remove_dir_all(item(&dir, gone)).unwrap();
    rewrite_manifest(&dir);
    let (exit, said) = verify(&bureau, &dir);
    assert_eq!(exit, 1, "{said}");
    assert!(said.lines().any(|l| l.starts_with('✗') && l.contains(gone)), "{said}");
    assert!(said.lines().any(|l| l.starts_with('✗') && l.contains("件数")), "{said}");
}

#[test]
fn a_title_edited_with_the_manifest_to_match_fails_against_the_history() {
    let Some((bureau, dir)) = packaged() else { return };
    let code = "Z109-WS·2026-D30-TZK-0002";
    for file in [item(&dir, code).join(format!("{code}.xml")), dir.join("文件目录.xml")] {
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(
            &file,
            text.replace("<题名>投资科召开调度会</题名>", "<题名>投资科召开座谈会</题名>"),
        )
        .unwrap();
    }
    rewrite_manifest(&dir);
    let (exit, said) = verify(&bureau, &dir);
    assert_eq!(exit, 1, "{said}");
    let failed: Vec<&str> = said.lines().filter(|l| l.starts_with('✗')).collect();
    assert_eq!(failed.len(), 1, "{said}");
    assert!(failed[0].contains(&format!("件 {code}：题名")), "{said}");
}

#[test]
fn an_approval_taken_out_of_the_bundled_history_fails_naming_the_item() {
    let Some((bureau, dir)) = packaged() else { return };
    // The history again with 赵六's approving merge of 价格科's branch made unsigned,
    // and what came after it (the publication, the settings) replayed on top with
    // the office's key: a forged bundle whose description and manifest match.
    let forged = bureau.outside("forged");
    let root = bureau.root().to_str().unwrap().to_string();
    let git = |args: &[&str]| {
        let out = bureau
            .git_command(PUBLISHED, Some("qian"))
            .current_dir(&forged)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        stdout(&out).trim().to_string()
    };
    let clone = std::process::Command::new("git")
        .args(["clone", "-q", &root])
        .arg(&forged)
        .output()
        .unwrap();
    assert!(clone.status.success());
    let branch = bureau.git(PUBLISHED, None, &["rev-parse", "wang/q1"]);
    let merges = git(&["log", "--merges", "--format=%H %P", "main"]);
    let merge = merges
        .lines()
        .find(|l| l.ends_with(&branch))
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let after = git(&["rev-list", "--reverse", "--first-parent", &format!("{merge}..main")]);
    git(&["checkout", "-q", "-B", "main", &format!("{merge}^1")]);
    git(&["merge", "-q", "--no-ff", "--no-gpg-sign", "-m", "合并", &branch]);
    for commit in after.lines() {
        git(&["cherry-pick", "--allow-empty", "-S", commit]);
    }
    let tip = git(&["rev-parse", "main"]);
    let bundle = dir.join("其他/history.bundle");
    std::fs::remove_file(&bundle).unwrap();
    git(&["bundle", "create", "-q", bundle.to_str().unwrap(), "main"]);
    let readme = std::fs::read_to_string(dir.join("说明文件.txt")).unwrap();
    let old = readme.lines().find(|l| l.starts_with("主分支提交：")).unwrap();
    std::fs::write(dir.join("说明文件.txt"), readme.replace(old, &format!("主分支提交：{tip}")))
        .unwrap();
    rewrite_manifest(&dir);
    let (exit, said) = verify(&bureau, &dir);
    assert_eq!(exit, 1, "{said}");
    let history = said.lines().find(|l| l.contains("历史包验证")).unwrap();
    assert!(history.starts_with('✗'), "{said}");
    for code in ["Z109-WS·2026-D30-JGK-0001", "Z109-WS·2026-D30-JGK-0002"] {
        assert!(history.contains(&format!("件 {code}：业务行为 审核")), "{history}");
    }
    // 投资科's approvals still verify (its publication was made again, so it is another commit).
    assert!(!history.contains("TZK-0001：业务行为 审核"), "{history}");
    assert!(history.contains("TZK-0001：业务行为 发布"), "{history}");
}

#[test]
fn the_archive_site_has_a_page_per_year_with_its_volumes_and_catalogue() {
    let Some((bureau, dir)) = packaged() else { return };
    if crate::support::require("pdfinfo") {
        // The printed catalogue is A4 landscape (DA/T 22).
        let info = crate::render::poppler("pdfinfo", &[], &dir.join("其他/归档文件目录.pdf"));
        assert!(info.contains("841.89 x 595.276 pts (A4)"), "{info}");
    }
    let out = bureau.run(&["volume", "--year", "2026"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = bureau.run(&["build", "--only", "site"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = bureau.root().join("public");
    let index = std::fs::read_to_string(public.join("volumes/index.html")).unwrap();
    assert!(index.contains(r#"<a href="2026.html">"#), "{index}");
    let year = std::fs::read_to_string(public.join("volumes/2026.html")).unwrap();
    for link in [
        "%E4%BF%A1%E6%81%AF%E6%B1%87%E7%BC%96-2026.pdf",
        "%E4%BF%A1%E6%81%AF%E6%B1%87%E7%BC%96-2026.docx",
    ] {
        assert!(year.contains(&format!(r#"href="{link}""#)), "{link} in {year}");
    }
    // The catalogue: the codes the package gave, each report linked to its page.
    let package = std::fs::read_to_string(dir.join("文件目录.xml")).unwrap();
    for item in &ITEMS {
        assert!(year.contains(&format!("../reports/{}.html", item.id)), "{} in {year}", item.id);
    }
    for code in package.lines().filter_map(|l| l.trim().strip_prefix("<档号>")) {
        let code = code.trim_end_matches("</档号>");
        assert!(year.contains(code), "{code} in {year}");
    }
    assert!(year.contains("已撤回") && year.contains("迟报"), "{year}");
    let front = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(front.contains(r#"href="volumes/index.html""#), "the navigation names the volumes");
}

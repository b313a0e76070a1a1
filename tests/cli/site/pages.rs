//! The archive's pages: every page present and linked only inside the site, report text
//! never turned into markup, and the English archive of `--lang en`.

use super::{build_site, check_site, hrefs, project, read, tags, tree};
use crate::support::{Sandbox, xinbao};

#[test]
fn the_projects_archive_has_every_page_and_links_only_inside_itself() {
    let out = tempfile::tempdir().unwrap();
    let summary = build_site(project(), out.path());
    assert!(summary.contains("档案网站：写入 "), "{summary}");
    let pages = check_site(out.path());

    let ids: Vec<String> = walkdir::WalkDir::new(project().join("reports"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for id in &ids {
        assert!(pages.contains_key(&format!("reports/{id}.html")), "no page for {id}");
    }
    for category in [
        "work",
        "county-project",
        "innovation",
        "research",
        "implementation",
        "leader-visit",
        "public-concern",
        "party-building",
        "holiday-safety",
        "emergency",
    ] {
        assert!(pages.contains_key(&format!("category/{category}.html")), "{category}");
    }
    for page in [
        "index.html",
        "category/index.html",
        "date/index.html",
        "unit/index.html",
        "request/index.html",
        "search.html",
        "stats.html",
        "bulletins.html",
    ] {
        assert!(pages.contains_key(page), "{page}");
    }
    // Every month with a report has its page, and the front page links the sections.
    for month in 1..=10 {
        assert!(pages.contains_key(&format!("date/2026-{month:02}.html")), "month {month}");
    }
    let front = hrefs(&pages["index.html"]);
    for link in ["category/emergency.html", "date/2026-10.html", "unit/touzike.html", "search.html"]
    {
        assert!(front.contains(&link), "index.html lacks {link}: {front:?}");
    }
    let index = read(out.path(), "index.html");
    assert!(index.contains("息烽县发展和改革局") && index.contains("突发紧急"), "labels");

    // A month is a calendar with the days that have reports.
    let april = read(out.path(), "date/2026-04.html");
    assert!(april.contains(r#"<table class="calendar">"#));
    assert!(april.contains(r##"href="#d-2026-04-14""##) && april.contains(r#"id="d-2026-04-14""#));

    // Relations: an emergency and its follow-ups, a request and its answers, a retraction.
    let first = hrefs(&pages["reports/2026-04-14-gongdi-jiaoshoujia-tanta.html"]);
    assert!(first.contains(&"2026-04-14-gongdi-jiaoshoujia-tanta-xubao1.html"), "{first:?}");
    let emergency = read(out.path(), "reports/2026-04-14-gongdi-jiaoshoujia-tanta.html");
    assert!(
        emergency.contains(r#"<table class="elements">"#) && emergency.contains("突发事件要素")
    );
    let follow_up = hrefs(&pages["reports/2026-04-14-gongdi-jiaoshoujia-tanta-xubao1.html"]);
    assert!(follow_up.contains(&"2026-04-14-gongdi-jiaoshoujia-tanta.html"));
    let answers = hrefs(&pages["request/index.html"]);
    assert!(answers.iter().filter(|h| h.starts_with("../reports/")).count() >= 4, "{answers:?}");
    let retracted = read(out.path(), "reports/2026-04-16-yijidu-jingji-yunxing.html");
    assert!(retracted.contains("此信息已被撤回"), "retraction banner");

    // Pictures are copied into the site, with their captions.
    let with_picture = pages.values().flatten().filter(|t| t.name == "img").count();
    assert!(with_picture >= 6, "{with_picture} pictures");
    // The approval trail of a report approved by a real signed merge.
    let approved: Vec<&String> = pages
        .keys()
        .filter(|p| p.starts_with("reports/") && read(out.path(), p).contains("审核签发"))
        .collect();
    assert!(approved.len() >= 3, "{approved:?}");
    assert!(read(out.path(), approved[0]).contains("SHA256:"), "key fingerprint");

    // The search index names every report and holds its words.
    let docs = read(out.path(), "search/docs.js");
    for id in &ids {
        assert!(docs.contains(&format!("[\"{id}\",")), "{id} not in the index");
    }
    let shards: String = tree(out.path())
        .iter()
        .filter(|(p, _)| p.starts_with("search/shard-"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    // Chinese keys are filed under their first character: "停":"…车<postings>…".
    let entry = |first: &str| {
        let start = shards.find(&format!("\"{first}\":\"")).unwrap_or_else(|| panic!("{first}"));
        let rest = &shards[start + first.len() + 4..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    assert!(entry("停").contains('车') && entry("脚").contains('手'));
}

#[test]
fn report_text_never_becomes_markup_and_unsafe_links_lose_their_target() {
    let sandbox = Sandbox::from_fixture("repo");
    sandbox.write(
        "reports/2026/03/2026-03-09-good-links.md",
        "---\ntitle: 链接测试\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\n\
         occurred_at: 2026-03-09T09:00:00+08:00\nsubmitted_at: 2026-03-09T17:00:00+08:00\n---\n\n\
         见[调度会](2026-03-02-good-work.md)和[官网](https://example.org/a?b=1&c=\"2\")，\
         <b onmouseover=alert(1)>粗</b>，[坏](javascript:alert(1))，[外](../../../../etc/passwd)，\
         [仓库外](../../../xinbao.yaml)，[图](data:text/html,<script>alert(1)</script>)。\n",
    );
    let out = sandbox.root().join("public");
    build_site(sandbox.root(), &out);
    check_site(&out);

    let raw = read(&out, "reports/2026-03-12-bad-raw-html.html");
    assert!(
        raw.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "script shown as text"
    );
    assert!(raw.contains("&lt;img src=x onerror=alert(1)&gt;"), "img shown as text");
    let links = read(&out, "reports/2026-03-09-good-links.html");
    let link_tags = tags(&links);
    let body_links: Vec<&str> =
        hrefs(&link_tags).into_iter().filter(|h| !h.starts_with("../")).collect();
    assert_eq!(
        body_links,
        ["2026-03-02-good-work.html", "https://example.org/a?b=1&amp;c=&quot;2&quot;"],
        "only the report and the web link keep their targets"
    );
    for text in ["坏", "外", "仓库外", "&lt;b onmouseover=alert(1)&gt;粗&lt;/b&gt;"] {
        assert!(links.contains(text), "{text} kept as text");
    }
    let unsafe_links = read(&out, "reports/2026-03-12-bad-unsafe-link.html");
    assert_eq!(
        hrefs(&tags(&unsafe_links))
            .into_iter()
            .filter(|h| !h.starts_with("../"))
            .collect::<Vec<_>>(),
        ["https://example.org"]
    );
    // Reports that fail the check are not in the archive.
    assert!(!out.join("reports/2026-03-11-bad-images.html").exists());
}

#[test]
fn the_archive_speaks_english_with_lang_en() {
    let sandbox = Sandbox::from_fixture("repo");
    let out = sandbox.root().join("en");
    let built = xinbao()
        .args(["--lang", "en", "build", "--drafts", "--only", "site", "--out"])
        .arg(&out)
        .current_dir(sandbox.root())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&built.stdout).contains("archive: "), "summary in English");
    let index = read(&out, "index.html");
    assert!(index.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(index.contains("Information archive") && index.contains("Emergencies"));
    assert!(read(&out, "search.html").contains("Full-text search"));
    let page = read(&out, "reports/2026-03-02-good-work.html");
    assert!(page.contains("Submitted") && page.contains("Work news"));
    check_site(&out);
}

//! Worst-case reports at the 1 MiB size limit, for `bench/hostile.sh`: each
//! stresses one part of the parsers, the rules or the renderers.
//!
//! ```sh
//! cargo run --release --example hostile -- DIR
//! ```
//!
//! Each case becomes a reports repository of its own, `DIR/<case>/` (the fixture
//! settings and pictures), whose one report is
//! `reports/2026/03/2026-03-02-<case>.md`; the cases' names are printed.

use std::fmt::Write as _;
use std::path::Path;

/// Just under the 1 MiB limit of a report.
const BUDGET: usize = (1 << 20) - 4096;

const FRONT: &str = "---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T17:40:00+08:00\n";

/// `unit` repeated until the body reaches the budget.
fn fill(unit: &str) -> String {
    let mut body = String::with_capacity(BUDGET);
    while body.len() + unit.len() < BUDGET - FRONT.len() - 8 {
        body.push_str(unit);
    }
    body
}

/// Every case: its name, and the report's text.
fn cases() -> Vec<(&'static str, String)> {
    let report = |body: String| format!("{FRONT}---\n\n{body}\n");
    let mut cases = vec![
        ("links", report(fill("见[上一条](2026-03-02-good-work.md)。\n"))),
        ("unsafe-links", report(fill("[x](javascript:alert(1)) "))),
        ("emphasis", report(fill("*a **b _c __d "))),
        ("unclosed-emphasis", report(fill("**"))),
        ("backticks", report(fill("` `` ``` "))),
        ("raw-html", report(fill("<b>"))),
        ("long-line", report(fill("调度会研究解决项目推进中的问题"))),
        ("headings", report(fill("## 一、标题\n\n"))),
        ("list-items", report(fill("- 项目\n"))),
        ("table-rows", report(format!("|名称|投资|\n|---|---|\n{}", fill("|项目|1.5|\n")))),
        ("footnotes", report(fill("正文[^1]。\n\n[^1]: 注释\n\n"))),
        ("pictures", report(fill("![项目现场](images/ok.png)\n"))),
        ("missing-pictures", report(fill("![现场](images/none.png)\n"))),
    ];
    // Deep nesting: block quotes and lists as deep as the size allows.
    let depth = 20_000;
    cases.push(("nested-quotes", report(format!("{}正文", "> ".repeat(depth)))));
    let mut lists = String::new();
    for level in 0..depth.min(BUDGET / 64) {
        let _ = writeln!(lists, "{}- 第{level}层", "  ".repeat(level));
        if lists.len() > BUDGET - FRONT.len() - 64 {
            break;
        }
    }
    cases.push(("nested-lists", report(lists)));
    // A table as wide as it gets.
    let columns = 20_000;
    let header = format!(
        "|{}\n|{}\n|{}\n",
        "列|".repeat(columns),
        "---|".repeat(columns),
        "1|".repeat(columns)
    );
    cases.push(("table-columns", report(header)));
    // Front matter at the YAML limits: nesting, aliases, many keys, a long value.
    let nested = format!("{FRONT}tags: {}{}\n---\n\n正文。\n", "[".repeat(31), "]".repeat(31));
    cases.push(("yaml-nesting", nested));
    let mut aliases = String::from(FRONT);
    aliases.push_str("x0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
    for i in 1..4 {
        let p = i - 1;
        let _ = writeln!(
            aliases,
            "x{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]"
        );
    }
    aliases.push_str("---\n\n正文。\n");
    cases.push(("yaml-aliases", aliases));
    let mut keys = String::from(FRONT);
    let mut i = 0;
    while keys.len() < BUDGET - 64 {
        let _ = writeln!(keys, "key{i}: 值");
        i += 1;
    }
    keys.push_str("---\n\n正文。\n");
    cases.push(("yaml-keys", keys));
    let long = format!("{FRONT}late_reason: \"{}\"\n---\n\n正文。\n", "原因".repeat(BUDGET / 8));
    cases.push(("yaml-long-value", long));
    let tags = format!("{FRONT}tags: [{}]\n---\n\n正文。\n", fill("标签, ").trim_end_matches(", "));
    cases.push(("yaml-long-list", tags));
    cases
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: hostile DIR");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repo");
    for (name, text) in cases() {
        assert!(text.len() <= 1 << 20, "{name}: {} bytes", text.len());
        let repo = Path::new(&dir).join(name);
        let reports = repo.join("reports/2026/03");
        std::fs::create_dir_all(reports.join("images")).unwrap();
        std::fs::copy(fixture.join("xinbao.yaml"), repo.join("xinbao.yaml")).unwrap();
        let picture = fixture.join("reports/2026/03/images/ok.png");
        std::fs::copy(picture, reports.join("images/ok.png")).unwrap();
        std::fs::write(reports.join(format!("2026-03-02-{name}.md")), text).unwrap();
        println!("{name}");
    }
}

//! The archive's statistics page with its charts, the units' figures and the bulletins page.

use super::history;

#[test]
fn the_archive_has_statistics_with_charts_and_the_bulletins() {
    let Some(h) = history() else { return };
    let out = h.run(&["bulletin", "--from", "2026-01-01", "--to", "2026-03-31"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The issue's record counts once the office commits it with its signature.
    h.git("2026-04-20T09:00:00+08:00", None, &["add", "bulletins"]);
    h.git("2026-04-20T09:00:00+08:00", Some("qian"), &["commit", "-q", "-S", "-m", "第1期"]);
    std::fs::remove_dir_all(h.sandbox.root().join("public")).unwrap();
    let out = h.run(&["build"]);
    // Late reports are recorded, not refused (SPEC §6.2): everything is built.
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let public = h.sandbox.root().join("public");
    crate::site::check_site(&public);
    assert!(
        public.join("bulletins/2026-01.docx").is_file()
            && public.join("bulletins/2026-01.pdf").is_file()
    );

    let stats = std::fs::read_to_string(public.join("stats.html")).unwrap();
    assert_eq!(stats.matches(r#"<svg class="chart""#).count(), 2, "two charts");
    // Bars per unit for the latest quarter (2026Q2), on-time rate for Q1 (6 of 8) and Q2 (0 of 1).
    assert!(stats.contains("2026年第二季度 · 各单位报送"), "{stats}");
    assert!(stats.contains(">75%</text>") && stats.contains(">0%</text>"), "{stats}");
    for unit in ["办公室", "投资科", "价格科", "能源股"] {
        assert!(stats.contains(&format!(r#"class="axis">{unit}</text>"#)), "{unit} bar");
    }
    // The year's table and eligibility, every quarter's table.
    assert!(stats.contains("<h2>2026年度</h2>"));
    assert!(stats.contains("取消评先评优资格：办公室、价格科、能源股"));
    assert!(stats.contains("<summary>2026年第一季度</summary>"));
    assert!(
        stats.contains(r#"<td>1</td><td><a href="unit/touzike.html">投资科</a></td><td>4</td>"#),
        "{stats}"
    );

    // A unit's page has its figures of the latest quarter and of the year.
    let unit = std::fs::read_to_string(public.join("unit/touzike.html")).unwrap();
    for row in [
        r#"<tr><td><a href="../stats.html">2026年第二季度</a></td><td class="short">0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td><td>4</td><td>1</td></tr>"#,
        r#"<tr><td><a href="../stats.html">2026年度</a></td><td>4</td><td>4</td><td>1</td><td>1</td><td>0</td><td>0</td><td>2</td><td>10</td><td>1</td></tr>"#,
    ] {
        assert!(unit.contains(row), "{row} not in:\n{unit}");
    }

    let bulletins = std::fs::read_to_string(public.join("bulletins.html")).unwrap();
    assert!(bulletins.contains("《发改信息》2026年第1期"));
    assert!(bulletins.contains(r#"href="bulletins/2026-01.pdf""#));
    assert!(
        bulletins.contains(r#"<a href="reports/2026-01-05-t1.html">投资科召开重点项目调度会</a>"#),
        "{bulletins}"
    );

    // A second build keeps the issue's documents; a removed record takes them away.
    let again = h.run(&["build"]);
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("生成 0 个文件"), "{again:?}");
    // Removed from the work tree only, the record stays in force; the office's
    // signed removal takes the issue's documents away.
    std::fs::remove_file(h.sandbox.root().join("bulletins/2026/01.yaml")).unwrap();
    h.run(&["build"]);
    assert!(public.join("bulletins/2026-01.pdf").exists());
    h.git("2026-04-21T09:00:00+08:00", None, &["add", "-A", "bulletins"]);
    h.git("2026-04-21T09:00:00+08:00", Some("qian"), &["commit", "-q", "-S", "-m", "撤销第1期"]);
    h.run(&["build"]);
    assert!(!public.join("bulletins/2026-01.pdf").exists());
}

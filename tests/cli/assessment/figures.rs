//! The figures: a quarter's and a year's statistics asserted exactly, `--explain` tracing them
//! to their reports, and adoptions checked like every other field.

use super::{history, report, stats};
use serde_json::{Value, json};

/// The unit rows of a stats JSON, by unit name, without the unit key.
fn by_unit(stats: &Value) -> Vec<(String, Value)> {
    stats["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let mut u = u.clone();
            let name = u.as_object_mut().unwrap().remove("unit").unwrap();
            (name.as_str().unwrap().to_string(), u)
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn row(
    submitted: u32,
    (approved, published): (u32, u32),
    by_category: Value,
    (on_time, late, missed, false_reports): (u32, u32, u32, u32),
    problem_share: f64,
    (quota, shortfall): (u32, u32),
    (adopted, adoption_points): (u32, i64),
    (score, rank): (i64, u32),
) -> Value {
    json!({
        "submitted": submitted, "approved": approved, "published": published,
        "by_category": by_category, "on_time": on_time, "late": late, "missed": missed,
        "false": false_reports, "problem_share": problem_share, "quota": quota,
        "quota_shortfall": shortfall, "adopted": adopted, "adoption_points": adoption_points,
        "score": score, "rank": rank,
    })
}

#[test]
fn a_quarter_has_exact_figures() {
    let Some(h) = history() else { return };
    let stats = stats(&h, &["--quarter", "2026Q1"]);
    assert_eq!(stats["period"], "2026Q1");
    assert_eq!(stats["from"], "2026-01-01");
    assert_eq!(stats["to"], "2026-03-31");
    assert!(stats.get("not_eligible").is_none(), "only a year lists eligibility");
    let units = by_unit(&stats);
    let expected = vec![
        (
            "投资科".to_string(),
            // 4 submitted, t1 and t2 approved, t1 published; t3 late; t1's county adoption.
            row(
                4,
                (2, 1),
                json!({"work": 2, "research": 1, "innovation": 1}),
                (3, 1, 0, 0),
                0.25,
                (1, 0),
                (1, 2),
                (4 + 1 - 1 + 2, 1),
            ),
        ),
        // Ties share rank 2; the order of `units` breaks the tie in the listing.
        (
            "办公室".to_string(),
            row(0, (0, 0), json!({}), (0, 0, 0, 0), 0.0, (1, 1), (0, 0), (0, 2)),
        ),
        (
            "能源股".to_string(),
            row(1, (0, 0), json!({"emergency": 1}), (0, 1, 0, 0), 0.0, (3, 2), (0, 0), (0, 2)),
        ),
        (
            "价格科".to_string(),
            // q1 and q2 (due on the quarter's last day) missed, p2 retracted by p3.
            row(
                3,
                (0, 0),
                json!({"public-concern": 1, "work": 2}),
                (3, 0, 2, 1),
                1.0 / 3.0,
                (3, 0),
                (0, 0),
                (3 - 2 * 2 - 3, 4),
            ),
        ),
    ];
    assert_eq!(units, expected, "{stats:#}");
    assert_eq!(
        stats["totals"],
        json!({"submitted": 8, "approved": 2, "published": 1, "on_time": 6, "late": 2,
               "missed": 2, "false": 1, "adopted": 1})
    );
}

#[test]
fn a_year_adds_up_its_quarters_and_lists_eligibility() {
    let Some(h) = history() else { return };
    let q2 = by_unit(&stats(&h, &["--quarter", "2026Q2"]));
    // Q2: t1's city adoption (4 points, 市级 written in Chinese); o1 answers q3 late, so q3 is not missed.
    assert_eq!(q2[0].0, "投资科");
    assert_eq!((q2[0].1["adopted"].clone(), q2[0].1["score"].clone()), (json!(1), json!(4)));
    let office = &q2.iter().find(|(u, _)| u == "办公室").unwrap().1;
    assert_eq!(
        (&office["submitted"], &office["late"], &office["missed"], &office["score"]),
        (&json!(1), &json!(1), &json!(0), &json!(0))
    );
    assert!(q2[1..].iter().all(|(_, f)| f["rank"] == 2 && f["missed"] == 0), "{q2:?}");

    let year = stats(&h, &["--year", "2026"]);
    assert_eq!((year["period"].as_str(), year["to"].as_str()), (Some("2026"), Some("2026-12-31")));
    let units = by_unit(&year);
    let names: Vec<&str> = units.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(names, ["投资科", "办公室", "能源股", "价格科"]);
    let figures =
        |unit: &str, key: &str| units.iter().find(|(u, _)| u == unit).unwrap().1[key].clone();
    assert_eq!(figures("投资科", "score"), json!(4 + 1 - 1 + 2 + 4));
    assert_eq!(figures("投资科", "adoption_points"), json!(6));
    assert_eq!(figures("投资科", "quota"), json!(4));
    assert_eq!(figures("投资科", "quota_shortfall"), json!(0));
    assert_eq!(figures("办公室", "quota_shortfall"), json!(3));
    assert_eq!((figures("办公室", "rank"), figures("能源股", "rank")), (json!(2), json!(2)));
    assert_eq!(figures("价格科", "rank"), json!(4));
    assert_eq!(year["not_eligible"], json!(["办公室", "价格科", "能源股"]));
    assert_eq!(year["totals"]["submitted"], json!(9));
    assert_eq!(year["totals"]["adopted"], json!(2));

    // A request whose deadline is still ahead is not missed.
    let far = stats(&h, &["--year", "2099"]);
    assert!(by_unit(&far).iter().all(|(_, f)| f["missed"] == 0 && f["submitted"] == 0));
}

#[test]
fn explain_traces_every_figure_to_its_reports() {
    let Some(h) = history() else { return };
    let out = h.run(&["stats", "--quarter", "2026Q1", "--explain", "价格科", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["unit"]["score"], -4);
    let ids: Vec<&str> = json["evidence"]["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    for id in ["2026-01-20-p1", "2026-02-02-p2", "2026-02-03-p3"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    let missed: Vec<&str> = json["evidence"]["missed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["request"].as_str().unwrap())
        .collect();
    assert_eq!(missed, ["q1", "q2"]);
    assert_eq!(
        json["evidence"]["retracted"][0],
        json!({"id": "2026-02-02-p2", "title": "价格科开展价格巡查", "by": "2026-02-03-p3"})
    );

    let out = h.run(&["stats", "--quarter", "2026Q1", "--explain", "投资科"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in ["2026-03-04-t3", "迟报 ", "县委办《每日要情》", "+2", "排名 1"] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
    assert!(
        !text.contains("2026-02-15"),
        "an unpublished report's adoption is not counted:\n{text}"
    );
    // Figures made from a work tree that is not main say so.
    let t3 = h.sandbox.root().join("reports/2026/03/2026-03-04-t3.md");
    let text = std::fs::read_to_string(&t3).unwrap();
    std::fs::write(&t3, format!("{text}\n补充一句。\n")).unwrap();
    let out = h.run(&["stats", "--quarter", "2026Q1", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 条信息在工作区中与主分支不同") && stderr.contains("2026-03-04-t3"),
        "{stderr}"
    );
    std::fs::write(&t3, text).unwrap();
    let out = h.run(&["stats", "--quarter", "2026Q1", "--format", "json"]);
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = h.run(&["stats", "--quarter", "2026Q1", "--explain", "不存在科"]);
    assert_eq!(out.status.code(), Some(2));
    let out = h.run(&["stats", "--quarter", "2026Q5"]);
    assert_eq!(out.status.code(), Some(2));
    let out = h.run(&["stats"]);
    assert_eq!(out.status.code(), Some(2), "a period is required");
}

#[test]
fn adoptions_are_checked_like_every_field() {
    let Some(h) = history() else { return };
    let bad = report(
        "能源股开展节能检查",
        "能源股",
        "吴海",
        "category: innovation\nsubmitted_at: 2026-04-20T10:00:00+08:00\nadoptions:\n  - {by: 省发改委, level: planet, date: 2026-04-21}\n  - {by: 县委办, level: county, date: 2026-04-01}\n  - 县委办\n",
        "开展节能检查。",
    );
    h.sandbox.write("reports/2026/04/2026-04-20-bad.md", bad);
    let (code, json) = h.sandbox.check_json(&["reports/2026/04/2026-04-20-bad.md"]);
    assert_eq!(code, 1);
    let rules: Vec<(&str, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert!(rules.contains(&("invalid-value", 9)), "{rules:?}");
    assert!(rules.contains(&("time-order", 10)), "{rules:?}");
    assert!(rules.contains(&("invalid-value", 11)), "{rules:?}");
}

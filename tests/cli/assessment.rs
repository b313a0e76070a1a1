//! Statistics, the notice and bulletins (SPEC §8): a repository with a known
//! history — units with quotas, on-time, late and missed items, a retraction,
//! requests, signed approvals and publications, adoptions — whose quarterly and
//! annual figures are asserted exactly; the notice and a bulletin opened like the
//! report documents.

use crate::render::{poppler, unzip};
use crate::support::{Sandbox, git_command, require, soffice_text, ssh_keygen, xinbao};
use serde_json::{Value, json};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The history: every Q1 report was submitted before the root commit (imported),
/// approvals and publication come after, and one Q2 report is committed when written.
struct History {
    sandbox: Sandbox,
    keys: TempDir,
}

/// The settings: four units, quotas 1/1/3/3, two adoption levels.
fn settings(li: &str, qian: &str) -> String {
    format!(
        r#"bureau: 测试县发展和改革局
office: 办公室
timezone: "+08:00"
units: [办公室, 投资科, 价格科, 能源股]
people:
  - name: 张三
    unit: 投资科
    roles: [writer]
  - name: 王丽
    unit: 价格科
    roles: [writer]
  - name: 吴海
    unit: 能源股
    roles: [writer]
  - name: 刘燕
    unit: 办公室
    roles: [writer]
  - name: 李四
    roles: [supervisor]
    supervises: [投资科, 价格科]
    keys:
      - ssh: "{li}"
  - name: 钱七
    unit: 办公室
    roles: [office]
    keys:
      - ssh: "{qian}"
quotas:
  default: 3
  办公室: 1
  投资科: 1
scoring:
  per_item: 1
  per_published: 1
  late: -1
  missed: -2
  false_report: -3
  adoption: {{county: 2, city: 4}}
bulletin:
  name: 发改信息
  editor: 测试县发展和改革局办公室
  report_to: [县委办, 县政府办]
  send_to: [局领导]
  issue_to: [局机关各科室]
  copies: 20
notice:
  to: 局机关各科室
  cc: [局领导]
  code: 测发改办
"#
    )
}

/// A report's text: front matter lines, then the body.
fn report(title: &str, unit: &str, author: &str, extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nunit: {unit}\nauthor: {author}\nphone: \"13800000000\"\n{extra}---\n\n{body}\n"
    )
}

fn work(occurred: &str, submitted: &str) -> String {
    format!("category: work\noccurred_at: {occurred}\nsubmitted_at: {submitted}\n")
}

const RESEARCH_BODY: &str = "## 一、基本情况\n\n调研了10家企业。\n\n## 二、存在问题\n\n融资难。\n\n## 三、对策建议\n\n建立银企对接机制。";

const EMERGENCY: &str = r#"category: emergency
occurred_at: 2026-03-10T08:00:00+08:00
submitted_at: 2026-03-10T11:00:00+08:00
emergency:
  severity: general
  source: 县应急局通报
  location: 永靖镇加油站
  cause: 储罐泄漏
  casualties: {dead: 0, injured: 0, missing: 0}
  property_loss: 暂无
  process: 巡检发现储罐阀门渗漏。
  consequences: 暂无人员伤亡。
  impact: 加油站周边。
  trend: 已得到控制。
  leaders_on_site: [李四]
  measures: 关闭阀门，疏散人员。
  next_steps: 全面排查。
  informant: {name: 吴海, phone: "13800000000"}
  phone_reported_at: 2026-03-10T08:20:00+08:00
"#;

impl History {
    fn new() -> Option<History> {
        if !require("ssh-keygen") {
            return None;
        }
        let keys = tempfile::tempdir().unwrap();
        for name in ["li", "qian"] {
            ssh_keygen(keys.path(), name);
        }
        let h = History { sandbox: Sandbox::new(), keys };
        let s = &h.sandbox;
        s.write("xinbao.yaml", settings(&h.public("li"), &h.public("qian")));
        s.write(
            "requests/2026/q1.yaml",
            "id: q1\ntitle: 一季度营商环境典型做法\nfrom: 县委办\nunits: [投资科, 价格科]\nissued_at: 2026-03-01T09:00:00+08:00\ndeadline: 2026-03-20\n",
        );
        // Due at the end of the quarter's last day (24:00 = 2026-04-01 00:00): a Q1 miss.
        s.write(
            "requests/2026/q2.yaml",
            "id: q2\ntitle: 一季度价格监测分析\nfrom: 县政府办\nunits: [价格科]\nissued_at: 2026-03-01T09:00:00+08:00\ndeadline: 2026-03-31\n",
        );
        s.write(
            "requests/2026/q3.yaml",
            "id: q3\ntitle: 办公室工作情况\nfrom: 县政府办\nunits: [办公室]\nissued_at: 2026-04-01T09:00:00+08:00\ndeadline: 2026-04-10\n",
        );
        s.write(
            "requests/2099/q9.yaml",
            "id: q9\ntitle: 远期约稿\nfrom: 县政府办\nunits: [能源股]\nissued_at: 2026-03-01T09:00:00+08:00\ndeadline: 2099-12-31\n",
        );
        // 投资科: late (occurred 3/1, due by 3/3 00:00), and a request answered in time.
        s.write(
            "reports/2026/03/2026-03-04-t3.md",
            report(
                "投资科召开项目推进会",
                "投资科",
                "张三",
                &work("2026-03-01T09:00:00+08:00", "2026-03-04T10:00:00+08:00"),
                "3月1日召开项目推进会。",
            ),
        );
        s.write(
            "reports/2026/03/2026-03-18-t4.md",
            report(
                "投资科推行项目代办制",
                "投资科",
                "张三",
                "category: innovation\nsubmitted_at: 2026-03-18T10:00:00+08:00\nrequest: q1\n",
                "推行项目全程代办。",
            ),
        );
        // 价格科: a public concern, a report found false and the one that retracts it; q1 unanswered.
        s.write(
            "reports/2026/01/2026-01-20-p1.md",
            report(
                "群众关注菜价上涨",
                "价格科",
                "王丽",
                "category: public-concern\nsubmitted_at: 2026-01-20T10:00:00+08:00\n",
                "近期蔬菜价格上涨。",
            ),
        );
        s.write(
            "reports/2026/02/2026-02-02-p2.md",
            report(
                "价格科开展价格巡查",
                "价格科",
                "王丽",
                &work("2026-02-02T09:00:00+08:00", "2026-02-02T17:00:00+08:00"),
                "2月2日开展价格巡查。",
            ),
        );
        s.write(
            "reports/2026/02/2026-02-03-p3.md",
            report(
                "更正：价格科开展价格巡查",
                "价格科",
                "王丽",
                &format!(
                    "{}retracts: 2026-02-02-p2\nreason: 巡查日期有误\n",
                    work("2026-02-03T09:00:00+08:00", "2026-02-03T17:00:00+08:00")
                ),
                "2月3日开展价格巡查。",
            ),
        );
        // 能源股: a general emergency written 3 h after the event (limit 2 h).
        s.write(
            "reports/2026/03/2026-03-10-e1.md",
            report("永靖镇加油站储罐泄漏", "能源股", "吴海", EMERGENCY, "3月10日发生储罐泄漏。"),
        );
        h.git("2026-04-01T09:00:00+08:00", None, &["init", "-q", "-b", "main"]);
        h.git("2026-04-01T09:00:00+08:00", None, &["add", "-A"]);
        h.git("2026-04-01T09:00:00+08:00", None, &["commit", "-q", "-m", "导入一季度信息"]);

        // 投资科's two reports come through a branch that 李四 merges with his signature.
        h.git("2026-04-01T10:00:00+08:00", None, &["checkout", "-q", "-b", "touzi"]);
        s.write(
            "reports/2026/01/2026-01-05-t1.md",
            report(
                "投资科召开重点项目调度会",
                "投资科",
                "张三",
                &work("2026-01-05T09:00:00+08:00", "2026-01-05T17:00:00+08:00"),
                "1月5日召开重点项目调度会。",
            ),
        );
        // An adoption on a report that is approved but never published does not count.
        s.write(
            "reports/2026/02/2026-02-10-t2.md",
            report(
                "关于民营企业融资情况的调研",
                "投资科",
                "张三",
                "category: research\nsubmitted_at: 2026-02-10T10:00:00+08:00\nadoptions:\n  - {by: 县委办《每日要情》, level: county, date: 2026-02-15}\n",
                RESEARCH_BODY,
            ),
        );
        h.git("2026-04-01T10:00:00+08:00", None, &["add", "-A"]);
        h.git("2026-04-01T10:00:00+08:00", None, &["commit", "-q", "-m", "报送"]);
        h.git("2026-04-01T10:00:00+08:00", None, &["checkout", "-q", "main"]);
        h.git(
            "2026-04-01T11:00:00+08:00",
            Some("li"),
            &["merge", "-q", "--no-ff", "-S", "-m", "审核", "touzi"],
        );
        // The office publishes t1, then records two adoptions in it (one in Q1, one in Q2).
        h.git(
            "2026-04-02T09:00:00+08:00",
            Some("qian"),
            &["commit", "-q", "--allow-empty", "-S", "-m", "发布\n\nPublished: 2026-01-05-t1"],
        );
        let t1 = "reports/2026/01/2026-01-05-t1.md";
        let text = std::fs::read_to_string(h.sandbox.root().join(t1)).unwrap().replacen(
            "---\n\n",
            "adoptions:\n  - by: 县委办《每日要情》\n    level: county\n    date: 2026-01-08\n  - by: 市发改委《发改信息》\n    level: 市级\n    date: 2026-04-10\n---\n\n",
            1,
        );
        s.write(t1, text);
        h.git("2026-04-10T15:00:00+08:00", None, &["add", "-A"]);
        h.git("2026-04-10T15:00:00+08:00", Some("qian"), &["commit", "-q", "-S", "-m", "登记采用"]);
        // 办公室 answers q3 five days late (Q2), committed as it is written.
        s.write(
            "reports/2026/04/2026-04-15-o1.md",
            report(
                "办公室开展公文质量检查",
                "办公室",
                "刘燕",
                &format!(
                    "{}request: q3\n",
                    work("2026-04-15T09:00:00+08:00", "2026-04-15T16:55:00+08:00")
                ),
                "4月15日开展公文质量检查。",
            ),
        );
        h.git("2026-04-15T17:00:00+08:00", None, &["add", "-A"]);
        h.git("2026-04-15T17:00:00+08:00", None, &["commit", "-q", "-m", "报送"]);
        Some(h)
    }

    fn public(&self, name: &str) -> String {
        std::fs::read_to_string(self.keys.path().join(format!("{name}.pub"))).unwrap().trim().into()
    }

    fn git(&self, date: &str, signer: Option<&str>, args: &[&str]) {
        let mut command = git_command(self.sandbox.root(), date);
        if let Some(name) = signer {
            command.args(["-c", "gpg.format=ssh", "-c"]);
            command.arg(format!("user.signingkey={}", self.keys.path().join(name).display()));
        }
        let out = command.args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn run(&self, args: &[&str]) -> Output {
        self.sandbox.run(args)
    }

    /// `xinbao stats ARGS --format json`.
    fn stats(&self, args: &[&str]) -> Value {
        let mut all = vec!["stats", "--format", "json"];
        all.extend(args);
        let out = self.run(&all);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

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
    let Some(h) = History::new() else { return };
    let stats = h.stats(&["--quarter", "2026Q1"]);
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
    let Some(h) = History::new() else { return };
    let q2 = by_unit(&h.stats(&["--quarter", "2026Q2"]));
    // Q2: t1's city adoption (4 points, 市级 written in Chinese); o1 answers q3 late, so q3 is not missed.
    assert_eq!(q2[0].0, "投资科");
    assert_eq!((q2[0].1["adopted"].clone(), q2[0].1["score"].clone()), (json!(1), json!(4)));
    let office = &q2.iter().find(|(u, _)| u == "办公室").unwrap().1;
    assert_eq!(
        (&office["submitted"], &office["late"], &office["missed"], &office["score"]),
        (&json!(1), &json!(1), &json!(0), &json!(0))
    );
    assert!(q2[1..].iter().all(|(_, f)| f["rank"] == 2 && f["missed"] == 0), "{q2:?}");

    let year = h.stats(&["--year", "2026"]);
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
    let far = h.stats(&["--year", "2099"]);
    assert!(by_unit(&far).iter().all(|(_, f)| f["missed"] == 0 && f["submitted"] == 0));
}

#[test]
fn explain_traces_every_figure_to_its_reports() {
    let Some(h) = History::new() else { return };
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
fn the_notice_is_an_official_document() {
    let Some(h) = History::new() else { return };
    let out = h.run(&["stats", "--quarter", "2026Q1", "--date", "2026-04-03"]);
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "# 关于2026年第一季度信息报送情况的通报",
        "局机关各科室：",
        "全局共报送信息8条，其中经分管负责人审核2条、编发1条；按时报送6条，迟报2条，漏报约稿2条，误报1条；被上级采用1条。",
        "投资科、价格科完成了本季度信息报送任务，予以通报表扬。",
        "办公室（应报1条，实报0条）、能源股（应报3条，实报1条）未完成本季度信息报送任务",
        "迟报：投资科《投资科召开项目推进会》",
        "漏报：价格科未在2026年3月20日前报送约稿《一季度营商环境典型做法》。",
        "误报：价格科《价格科开展价格巡查》经信息 2026-02-03-p3 更正。",
        "2026年4月3日",
        "| 1 | 投资科 | 4 | 1 | 1 | 0 | 0 | 1 | 1 | 0 | 6 |",
    ] {
        assert!(md.contains(expected), "{expected} not in:\n{md}");
    }

    let year = [
        "stats",
        "--year",
        "2026",
        "--format",
        "docx",
        "--date",
        "2027-01-05",
        "--number",
        "3",
        "-o",
        "year.docx",
    ];
    let out = h.run(&year);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let entries = unzip(&h.sandbox.root().join("year.docx"));
    let xml = String::from_utf8(entries["word/document.xml"].clone()).unwrap();
    for expected in [
        "测试县发展和改革局",
        "测发改办〔2027〕3号",
        "关于2026年度信息报送工作考核情况的通报",
        "取消评先评优资格",
        "附件：2026年度信息报送情况统计表",
        "w:color w:val=\"E60012\"",
        "<w:pageBreakBefore />",
        "抄送：局领导。",
        "2027年1月5日印发",
    ] {
        assert!(xml.contains(expected), "{expected} not in the DOCX");
    }
    // The attachment's table: a header and one row per unit.
    assert_eq!(xml.matches("<w:tr>").count(), 5);
    // Same inputs, same bytes.
    let first = std::fs::read(h.sandbox.root().join("year.docx")).unwrap();
    h.run(&year);
    assert_eq!(first, std::fs::read(h.sandbox.root().join("year.docx")).unwrap());

    if !require("pdftotext") {
        return;
    }
    let out = h.run(&["stats", "--quarter", "2026Q1", "--format", "pdf", "--date", "2026-04-03"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = h.sandbox.root().join("public/stats/2026Q1.pdf");
    let text: String = poppler("pdftotext", &[], &pdf).split_whitespace().collect();
    for expected in ["关于2026年第一季度信息报送情况的通报", "附件", "能源股", "2026年4月3日印发"]
    {
        assert!(text.contains(expected), "{expected} not in the PDF:\n{text}");
    }
}

#[test]
fn bulletin_issues_are_numbered_once_per_year() {
    let Some(h) = History::new() else { return };
    let out = h.run(&["bulletin", "--from", "2026-01-01", "--to", "2026-03-31"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let record = std::fs::read_to_string(h.sandbox.root().join("bulletins/2026/01.yaml")).unwrap();
    assert!(record.contains("from: 2026-01-01\nto: 2026-03-31\n"), "{record}");
    // Only the published report goes in.
    assert!(record.ends_with("reports:\n  - \"2026-01-05-t1\"\n"), "{record}");
    let entries = unzip(&h.sandbox.root().join("public/bulletins/2026-01.docx"));
    let xml = String::from_utf8(entries["word/document.xml"].clone()).unwrap();
    for expected in [
        "发改信息",
        "2026年第1期",
        "测试县发展和改革局办公室",
        "w:color w:val=\"E60012\"",
        "投资科召开重点项目调度会",
        "1月5日召开重点项目调度会。",
        "（供稿：投资科 张三）",
        "报：县委办，县政府办。",
        "送：局领导。",
        "发：局机关各科室。",
        "共印20份",
    ] {
        assert!(xml.contains(expected), "{expected} not in the bulletin");
    }
    assert!(h.sandbox.root().join("public/bulletins/2026-01.pdf").is_file());
    // The date and the print run sit at the right: after a tab to a right tab stop.
    for right in [">共印20份<", &format!(">{}<", today_in_beijing())] {
        let at = xml.find(right).unwrap_or_else(|| panic!("{right} not in the bulletin"));
        let run = &xml[xml[..at].rfind("<w:r>").unwrap()..at];
        assert!(run.contains("<w:tab />"), "no tab before {right}: {run}");
    }

    // The same period again keeps its number; a new period takes the next one.
    let again = h.run(&["bulletin", "--from", "2026-01-01", "--to", "2026-03-31"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("2026年第1期"));
    assert!(!h.sandbox.root().join("bulletins/2026/02.yaml").exists());
    let next = h.run(&["bulletin", "--from", "2026-01-01", "--to", "2026-01-31"]);
    assert!(next.status.success(), "{}", String::from_utf8_lossy(&next.stderr));
    assert!(h.sandbox.root().join("bulletins/2026/02.yaml").is_file());
    // The office is told that the period overlaps issue 1 and its reports are in it already.
    let told = String::from_utf8_lossy(&next.stderr);
    assert!(told.contains("与2026年第1期（2026-01-01–2026-03-31）重叠"), "{told}");
    assert!(told.contains("已收入2026年第1期"), "{told}");
    // A number taken by another period is refused, with the next free number named.
    let taken = h.run(&["bulletin", "--from", "2026-02-01", "--to", "2026-03-31", "--number", "1"]);
    assert_eq!(taken.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&taken.stderr).contains("下一个可用期号是 3"),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    // A record naming a report that does not exist is a finding of the check.
    h.sandbox.write("bulletins/2026/07.yaml", "from: 2026-03-01\nto: 2026-02-01\ndate: 2026-03-02\nreports:\n  - 2026-01-05-t1\n  - no-such-report\n  - 2026-01-05-t1\n");
    let (code, json) = h.sandbox.check_json(&[]);
    assert_eq!(code, 1);
    let findings: Vec<(&str, &str, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "bulletins/2026/07.yaml")
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("time-order", "error", 1),
        ("dangling-reference", "error", 6),
        ("duplicate-id", "error", 7),
    ];
    assert_eq!(findings, expected);
    std::fs::remove_file(h.sandbox.root().join("bulletins/2026/07.yaml")).unwrap();
    // A recorded period is not numbered a second time.
    let twice = h.run(&["bulletin", "--from", "2026-01-01", "--to", "2026-03-31", "--number", "5"]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(!h.sandbox.root().join("bulletins/2026/05.yaml").exists());
    // One file per number: 1.yaml beside 01.yaml is refused by the check.
    std::fs::copy(
        h.sandbox.root().join("bulletins/2026/01.yaml"),
        h.sandbox.root().join("bulletins/2026/1.yaml"),
    )
    .unwrap();
    let (_, json) = h.sandbox.check_json(&[]);
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"] == "bulletins/2026/1.yaml" && d["rule"] == "invalid-value"),
        "{json}"
    );
    std::fs::remove_file(h.sandbox.root().join("bulletins/2026/1.yaml")).unwrap();
    // Nothing published in the period: no issue.
    let empty = h.run(&["bulletin", "--from", "2026-02-01", "--to", "2026-02-28"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(!h.sandbox.root().join("bulletins/2026/03.yaml").exists());
}

#[test]
fn adoptions_are_checked_like_every_field() {
    let Some(h) = History::new() else { return };
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

#[test]
fn the_archive_has_statistics_with_charts_and_the_bulletins() {
    let Some(h) = History::new() else { return };
    let out = h.run(&["bulletin", "--from", "2026-01-01", "--to", "2026-03-31"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
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
    std::fs::remove_file(h.sandbox.root().join("bulletins/2026/01.yaml")).unwrap();
    h.run(&["build"]);
    assert!(!public.join("bulletins/2026-01.pdf").exists());
}

/// The office's own quarter: the project's sample reports, with their signed
/// approvals, publications and one adoption, give the figures the README shows,
/// and the notice and the recorded bulletin open in a word processor.
#[test]
fn the_offices_own_quarter() {
    let project = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |args: &[&str]| {
        let out = xinbao()
            .arg("--root")
            .arg(project)
            .args(["--trust-root", crate::support::PROJECT_TRUST_ROOT])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    };
    let stats: Value =
        serde_json::from_slice(&run(&["stats", "--quarter", "2026Q4", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(
        stats["totals"],
        json!({"submitted": 6, "approved": 3, "published": 2, "on_time": 6, "late": 0,
               "missed": 0, "false": 0, "adopted": 1}),
        "{stats:#}"
    );
    let first = &stats["units"][0];
    assert_eq!(
        (&first["unit"], &first["score"], &first["rank"]),
        (&json!("投资科"), &json!(5), &json!(1))
    );
    assert_eq!(stats["units"].as_array().unwrap().len(), 7, "every unit is listed");

    let dir = tempfile::tempdir().unwrap();
    let notice = dir.path().join("notice.docx");
    run(&[
        "stats",
        "--quarter",
        "2026Q4",
        "--format",
        "docx",
        "--date",
        "2026-12-31",
        "-o",
        notice.to_str().unwrap(),
    ]);
    // The bulletin runs in a clone, so a record that drifted could never be written
    // into the source tree.
    let clone = dir.path().join("clone");
    let cloned =
        Command::new("git").args(["clone", "-q"]).arg(project).arg(&clone).output().unwrap();
    assert!(cloned.status.success(), "{}", String::from_utf8_lossy(&cloned.stderr));
    let out = xinbao()
        .arg("--root")
        .arg(&clone)
        .args(["--trust-root", crate::support::PROJECT_TRUST_ROOT])
        .args(["bulletin", "--from", "2026-10-01", "--to", "2026-11-30", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("《发改信息》2026年第1期：2 条信息"));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("期号记录"),
        "the recorded issue is reused"
    );
    if !require("soffice") {
        return;
    }
    let notice = soffice_text(dir.path(), &dir.path().join("notice.docx"));
    for expected in [
        "关于2026年第四季度信息报送情况的通报",
        "局机关各科室（股、中心）：",
        "被上级采用1条",
        "2026年12月31日印发",
    ] {
        assert!(notice.contains(expected), "{expected} not in:\n{notice}");
    }
    let bulletin = soffice_text(dir.path(), &dir.path().join("2026-01.docx"));
    for expected in [
        "发改信息",
        "2026年第1期",
        "县发改局召开第四季度重点项目建设推进会",
        "报：县委办，县政府办，市发展改革委。",
        "共印20份",
    ] {
        assert!(bulletin.contains(expected), "{expected} not in:\n{bulletin}");
    }
}

/// Today in +08:00 as a document writes it: the date of an issue made today.
fn today_in_beijing() -> String {
    let zone = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    chrono::Utc::now().with_timezone(&zone).format("%Y年%-m月%-d日").to_string()
}

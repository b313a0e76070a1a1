//! Statistics, the notice and bulletins (SPEC §8): a repository with a known
//! history — units with quotas, on-time, late and missed items, a retraction,
//! requests, signed approvals and publications, adoptions — whose quarterly and
//! annual figures are asserted exactly; the notice and a bulletin opened like the
//! report documents.
//!
//! The history is built here, in a [`crate::bureau::Bureau`]; the tests are grouped by
//! behaviour in the submodules.

mod archive;
mod documents;
mod figures;
mod own_quarter;

use crate::bureau::{Bureau, Person};
use serde_json::Value;

/// The settings after the people: quotas 1/1/3/3, two adoption levels, the bulletin
/// and the notice.
const MORE_SETTINGS: &str = r#"quotas:
  default: 3
  办公室: 1
  投资科: 1
scoring:
  per_item: 1
  per_published: 1
  late: -1
  missed: -2
  false_report: -3
  adoption: {county: 2, city: 4}
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
"#;

/// The settings: four units, a writer in each, 李四 supervising two of them, 钱七 of
/// the office.
fn settings(bureau: &Bureau) -> String {
    let people = [
        Person::writer("张三", "投资科"),
        Person::writer("王丽", "价格科"),
        Person::writer("吴海", "能源股"),
        Person::writer("刘燕", "办公室"),
        Person::supervisor("李四", "投资科, 价格科", "li"),
        Person::usual("钱七"),
    ];
    let people: String = people.into_iter().map(|person| bureau.entry(person)).collect();
    crate::bureau::settings("办公室, 投资科, 价格科, 能源股", &people, MORE_SETTINGS)
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

/// The history: every Q1 report was submitted before the root commit (imported),
/// approvals and publication come after, and one Q2 report is committed when written.
fn history() -> Option<Bureau> {
    let h = Bureau::unsettled()?;
    let s = &h.sandbox;
    s.write("xinbao.yaml", settings(&h));
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
    h.commit("2026-04-01T09:00:00+08:00", None, "导入一季度信息");

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
    h.commit("2026-04-10T15:00:00+08:00", Some("qian"), "登记采用");
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
    h.commit("2026-04-15T17:00:00+08:00", None, "报送");
    Some(h)
}

/// `xinbao stats ARGS --format json`.
fn stats(h: &Bureau, args: &[&str]) -> Value {
    let mut all = vec!["stats", "--format", "json"];
    all.extend(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

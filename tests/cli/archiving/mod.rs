//! 定期整理 (SPEC §7.1, seed §六): the period's volume (信息汇编) and the transfer
//! package for the county archive, made from a bureau whose approvals and
//! publications were signed with `xinbao approve` and `xinbao publish` and real keys.

mod transfer;
mod volume;

use crate::bureau::{Bureau, MERGED, PUBLISHED, WRITTEN};
use crate::support::stderr;

/// One report of [`quarter`]: id, unit, title, occurred, submitted, extra front matter.
pub struct Item {
    pub id: &'static str,
    pub unit: &'static str,
    pub title: &'static str,
    occurred: &'static str,
    submitted: &'static str,
    front: &'static str,
}

/// The quarter's reports, in the order of their arrival.
pub const ITEMS: [Item; 5] = [
    Item {
        id: "2026-03-01-tuijin",
        unit: "投资科",
        title: "投资科召开推进会",
        occurred: "2026-03-01T09:00:00+08:00",
        submitted: "2026-03-02T17:36:00+08:00",
        front: "",
    },
    Item {
        id: "2026-02-25-xuncha",
        unit: "价格科",
        title: "价格科开展价格巡查",
        occurred: "2026-02-25T09:00:00+08:00",
        submitted: "2026-03-02T17:38:00+08:00",
        front: "late_reason: 巡查结果汇总较晚\n",
    },
    Item {
        id: "2026-03-02-diaodu",
        unit: "投资科",
        title: "投资科召开调度会",
        occurred: "2026-03-02T09:00:00+08:00",
        submitted: "2026-03-02T17:40:00+08:00",
        front: "images:\n  - file: images/site.png\n    caption: 调度会现场\n",
    },
    Item {
        id: "2026-03-02-gengzheng",
        unit: "投资科",
        title: "更正投资科推进会信息",
        occurred: "2026-03-02T10:00:00+08:00",
        submitted: "2026-03-02T17:42:00+08:00",
        front: "retracts: 2026-03-01-tuijin\nreason: 会议日期有误\n",
    },
    Item {
        id: "2026-03-02-zhiban",
        unit: "价格科",
        title: "价格科部署节日值班",
        occurred: "2026-03-02T08:00:00+08:00",
        submitted: "2026-03-02T17:44:00+08:00",
        front: "",
    },
];

/// The report whose time limit passed (迟报).
pub const LATE: &str = "2026-02-25-xuncha";
/// The report retracted by `2026-03-02-gengzheng` (已撤回).
pub const RETRACTED: &str = "2026-03-01-tuijin";

impl Item {
    fn file(&self) -> String {
        format!("reports/{}/{}/{}.md", &self.occurred[..4], &self.occurred[5..7], self.id)
    }

    fn text(&self) -> String {
        let author = if self.unit == "投资科" { "张三" } else { "王五" };
        format!(
            "---\ntitle: {title}\ncategory: work\nunit: {unit}\nauthor: {author}\nphone: \"13800000000\"\noccurred_at: {occurred}\nsubmitted_at: {submitted}\n{front}---\n\n{title}。会议听取了各项工作进展情况汇报，研究部署了下一步工作。\n",
            title = self.title,
            unit = self.unit,
            occurred = self.occurred,
            submitted = self.submitted,
            front = self.front,
        )
    }
}

/// A bureau's first quarter, signed: 投资科's reports approved by 李四 and
/// 价格科's by 赵六 with `xinbao approve`, all published by 钱七 with `xinbao
/// publish`. `None` (skipped) without ssh-keygen.
pub fn quarter() -> Option<Bureau> {
    let bureau = Bureau::new()?;
    for (branch, unit) in [("zhang/q1", "投资科"), ("wang/q1", "价格科")] {
        bureau.branch(branch, WRITTEN, |bureau| {
            for item in ITEMS.iter().filter(|i| i.unit == unit) {
                bureau.put(&item.file(), item.text());
            }
            if unit == "投资科" {
                bureau.draw("site.png", 90);
            }
        });
    }
    for (branch, name, key) in [("zhang/q1", "李四", "li"), ("wang/q1", "赵六", "zhao")] {
        bureau.configure_signer(name, key);
        let out = bureau.approve(&[branch], MERGED);
        assert!(out.status.success(), "approve {branch}: {}", stderr(&out));
    }
    bureau.configure_signer("钱七", "qian");
    let mut publish = vec!["publish"];
    publish.extend(ITEMS.iter().map(|i| i.id));
    let out = bureau.xinbao_at(PUBLISHED, &publish);
    let check = || crate::support::stdout(&bureau.run(&["check"]));
    assert!(out.status.success(), "publish: {}{}", stderr(&out), check());
    let status = bureau.reports();
    for item in &ITEMS {
        assert_eq!(status[item.id]["state"], "published", "{}", status[item.id]);
    }
    Some(bureau)
}

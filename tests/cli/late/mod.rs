//! Late is a fact, not a gate (SPEC §6.2): a routine work report submitted days
//! after its meeting is a `deadline-exceeded` *warning* that says 迟报, by how much
//! and why (`late_reason`), and it flows on like any other report — from the
//! writer's branch through the pre-commit hook, a supervisor's signed approval and
//! the office's signed publication, to its documents, the archive (with a 迟报
//! mark), the bulletin, `xinbao log` and the quarter's figures and notice, and
//! through a plain git server's `contrib/` hooks. Real repositories, real SSH keys
//! made with ssh-keygen, real commits signed by git.

mod checked;
mod flows;

use crate::bureau::{Bureau, Server, document_xml};
use crate::support::{said, stderr, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The late report: its meeting was on 2026-03-02 09:00, so it was due by 24:00
/// of 3 March; it was submitted on 5 March at 10:00, 1 day 10 hours late.
const ID: &str = "2026-03-02-late";
const FILE: &str = "reports/2026/03/2026-03-02-late.md";
const TITLE: &str = "投资科召开重点项目调度会";
const REASON: &str = "调度会纪要须经分管领导审定后报送";
const LATE: &str = "---\ntitle: 投资科召开重点项目调度会\ncategory: work\nunit: 投资科\n\
author: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-02T09:00:00+08:00\n\
submitted_at: 2026-03-05T10:00:00+08:00\nlate_reason: 调度会纪要须经分管领导审定后报送\n---\n\n\
3月2日，投资科召开重点项目调度会，安排下一步工作。\n";
/// How the check words the lateness, in Chinese and in English.
const LATE_ZH: &str = "迟报 1 天 10 小时：";
const LATE_EN: &str = "late by 1 d 10 h (迟报): ";

/// An on-time report of the following week.
const ON_TIME_ID: &str = "2026-03-09-ontime";
const ON_TIME: &str = "---\ntitle: 投资科召开项目推进会\ncategory: work\nunit: 投资科\n\
author: 张三\nphone: \"13800000000\"\noccurred_at: 2026-03-09T09:00:00+08:00\n\
submitted_at: 2026-03-09T17:00:00+08:00\n---\n\n3月9日，投资科召开项目推进会。\n";

/// Commit times, in order after the settings ([`crate::bureau::SETTLED`]): every commit
/// is later than its parents. The writer commits five minutes after `submitted_at`
/// (within `commit_skew`).
const WRITTEN: &str = "2026-03-05T10:05:00+08:00";
const MERGED: &str = "2026-03-05T16:00:00+08:00";
const PUBLISHED: &str = "2026-03-06T09:00:00+08:00";
const ON_TIME_WRITTEN: &str = "2026-03-09T17:05:00+08:00";
const ON_TIME_MERGED: &str = "2026-03-09T18:00:00+08:00";

/// The bureau: 张三 writes for 投资科, 李四 supervises it, 钱七 of the office
/// publishes; the settings are its first commit.
fn bureau() -> Option<Bureau> {
    Bureau::settled(&["张三", "李四", "钱七"])
}

/// 张三's branch `branch` adding report `id` with `text`, committed at `date`;
/// back on main.
fn propose(bureau: &Bureau, branch: &str, id: &str, text: &str, date: &str) {
    let file = format!("reports/2026/03/{id}.md");
    bureau.branch_with(branch, date, &format!("投资科：{id}"), |b| b.put(&file, text));
}

/// 李四 approves `branch` with `xinbao approve` at `date`.
fn approve(bureau: &Bureau, branch: &str, date: &str) -> Output {
    bureau.configure_signer("李四", "li");
    bureau.approve(&[branch], date)
}

/// Report `id` with `text` proposed by 张三 on `branch`, approved by 李四 and published
/// by 钱七, at the `[written, merged, published]` times.
fn propose_approve_publish(bureau: &Bureau, branch: &str, id: &str, text: &str, at: [&str; 3]) {
    let [written, merged, published] = at;
    propose(bureau, branch, id, text, written);
    let approved = approve(bureau, branch, merged);
    assert!(approved.status.success(), "{}", said(&approved));
    bureau.configure_signer("钱七", "qian");
    let published = bureau.xinbao_at(published, &["publish", id]);
    assert!(published.status.success(), "{}", said(&published));
}

/// The late report proposed, approved by 李四 and published by 钱七.
fn published() -> Option<Bureau> {
    let bureau = bureau()?;
    propose_approve_publish(&bureau, "zhang/late", ID, LATE, [WRITTEN, MERGED, PUBLISHED]);
    Some(bureau)
}

/// A file written under `public/`.
fn public_file(bureau: &Bureau, path: &str) -> PathBuf {
    bureau.root().join("public").join(path)
}

/// The report entries of the archive's search index, `search/docs.js`.
fn search_docs(path: &Path) -> Vec<Value> {
    let script = std::fs::read_to_string(path).unwrap();
    let (_, docs) = script.split_once("XB.docs=").expect("XB.docs in docs.js");
    let docs = docs.trim_end().strip_suffix(';').expect("docs.js ends with `;`");
    serde_json::from_str::<Vec<Value>>(docs).unwrap()
}

/// The unit `unit` of `stats --format json`.
fn unit_figures<'a>(stats: &'a Value, unit: &str) -> &'a Value {
    stats["units"].as_array().unwrap().iter().find(|u| u["unit"] == unit).unwrap()
}

//! `xinbao pending [--for NAME]`: the supervisor's morning list (SPEC §6.2) — the
//! branches, local and remote-tracking, whose reports wait for approval, grouped
//! by the supervisors who may approve them.

use crate::cli::{PendingArgs, StatusFormat};
use crate::commit::changes_since;
use crate::lang::Lang;
use crate::run::Run;
use anyhow::Context as _;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// One report waiting on a branch.
struct Waiting {
    branch: String,
    id: String,
    unit: String,
    file: String,
}

/// Runs `pending`.
pub fn run(run: &Run, args: &PendingArgs) -> anyhow::Result<ExitCode> {
    let lists = lists(run, args.person.as_deref())?;
    let text = match args.format {
        StatusFormat::Json => format!("{}\n", json_of(&lists)),
        StatusFormat::Human => human(&lists, run.lang()),
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// The branches waiting, by supervisor (`""`: nobody may approve them) and branch.
pub struct Lists {
    waiting: Vec<Waiting>,
    groups: BTreeMap<String, BTreeMap<String, Vec<usize>>>,
}

/// The `pending --format json` object of `lists`.
pub fn json_of(lists: &Lists) -> Value {
    let groups: Vec<Value> = lists
        .groups
        .iter()
        .map(|(name, branches)| {
            let branches: Vec<Value> = branches
                .iter()
                .map(|(branch, reports)| {
                    let reports: Vec<Value> = reports
                        .iter()
                        .map(|&i| &lists.waiting[i])
                        .map(|w| json!({"id": w.id, "unit": w.unit, "file": w.file}))
                        .collect();
                    json!({"branch": branch, "reports": reports})
                })
                .collect();
            json!({"supervisor": name, "branches": branches})
        })
        .collect();
    json!({ "pending": groups })
}

/// What waits for approval on the branches, local and remote-tracking, for
/// `person` (everybody's when `None`).
pub fn lists(run: &Run, person: Option<&str>) -> anyhow::Result<Lists> {
    let ledger = crate::pipeline::read_ledger(run, None)?;
    let Some(settings) = ledger.settings() else {
        return Err(crate::lang::unable(
            "主分支上还没有 xinbao.yaml",
            "no xinbao.yaml on the main branch yet",
        ));
    };
    if let Some(name) = person
        && settings.person(name).is_none()
    {
        return Err(crate::lang::unable(
            format!("xinbao.yaml 中没有 {name}"),
            format!("no person {name} in xinbao.yaml"),
        ));
    }
    let git = run.history()?;
    let main = ledger.tip.context("主分支没有提交 / the main branch has no commit")?;
    let mut waiting = Vec::new();
    for reference in git.references()?.flatten() {
        let Ok(branch) = reference.shorthand().map(str::to_string) else { continue };
        let is_branch = reference.is_branch() || reference.is_remote();
        let is_main = ["main", "master", "HEAD"]
            .iter()
            .any(|m| branch == *m || branch.ends_with(&format!("/{m}")));
        let Ok(tip) = reference.peel_to_commit() else { continue };
        if !is_branch
            || is_main
            || git.graph_descendant_of(main, tip.id()).unwrap_or(false)
            || tip.id() == main
        {
            continue;
        }
        let Ok(changes) = changes_since(run, git, main, tip.id()) else { continue };
        for p in changes.proposed {
            // A report approved on main as it is on the branch waits for nothing.
            let done =
                ledger.trails.get(&p.id).is_some_and(|t| t.state.is_approved() && t.file == p.file)
                    && git.find_commit(tip.id()).is_ok_and(|c| {
                        c.tree()
                            .ok()
                            .and_then(|tree| tree.get_path(Path::new(&p.file)).ok())
                            .map(|e| e.id())
                            == ledger.trails.get(&p.id).and_then(|t| t.blob())
                    });
            if !done {
                let unit = p.unit.unwrap_or_default();
                waiting.push(Waiting { branch: branch.clone(), id: p.id, unit, file: p.file });
            }
        }
    }
    // Supervisor → branch → reports; reports nobody may approve under "".
    let mut groups: BTreeMap<String, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
    for (i, w) in waiting.iter().enumerate() {
        let supervisors: Vec<&str> = settings
            .people
            .iter()
            .filter(|p| p.supervises(&w.unit))
            .map(|p| p.name.as_str())
            .collect();
        let names = if supervisors.is_empty() { vec![""] } else { supervisors };
        for name in names {
            if person.is_some_and(|wanted| wanted != name) {
                continue;
            }
            groups
                .entry(name.to_string())
                .or_default()
                .entry(w.branch.clone())
                .or_default()
                .push(i);
        }
    }
    Ok(Lists { waiting, groups })
}

fn human(lists: &Lists, lang: Lang) -> String {
    let mut out = String::new();
    if lists.groups.is_empty() {
        out.push_str(lang.pick("没有待审核的分支。\n", "No branch waits for approval.\n"));
    }
    for (name, branches) in &lists.groups {
        let who = match (name.as_str(), lang) {
            ("", Lang::Zh) => "（无人分管这些科室）".to_string(),
            ("", Lang::En) => "(no supervisor for these units)".to_string(),
            (name, _) => name.to_string(),
        };
        out.push_str(&format!("{who}\n"));
        for (branch, reports) in branches {
            out.push_str(&format!("  {branch}    xinbao approve {branch}\n"));
            for w in reports.iter().map(|&i| &lists.waiting[i]) {
                out.push_str(&format!("    {}  {}  {}\n", w.id, w.unit, w.file));
            }
        }
    }
    out
}

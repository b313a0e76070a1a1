//! The desk's JSON API (SPEC §11), the page's own and for scripts. Every answer
//! comes from the command line's own code: `check`'s findings, `status`'s
//! entries, `pending`'s lists, `approve` and `publish` themselves, `render`'s PDF.
//! Each request is a fresh [`Run`] on the repository (the files and the clock
//! read anew), reading through what the desk keeps warm: the commits' facts and
//! the reports whose files did not change ([`crate::run::Warm`]).

use super::adoptions;
use super::branches::{self, branch_of};
use super::compose::{self, Composed};
use super::documents;
use super::findings::{findings, signed_text};
use super::http::{Desk, Failure, Reply, Request, id_of, percent_encode};
use super::normalize;
use super::security;
use super::setup;
use super::signing;
use super::who::{may_publish, settings, signing_ready, user_name};
use crate::approval::State;
use crate::commands::{approve, pending, publish, render, status};
use crate::pipeline::Purpose;
use crate::report::Category;
use crate::run::Run;
use serde_json::{Value, json};

/// Answers an `/api/…` request.
pub fn answer(desk: &Desk, request: &Request) -> Result<Reply, Failure> {
    let run = Run::warm(desk.lang, desk.trust_root.clone(), &desk.warm);
    let parts: Vec<&str> = request.path.trim_start_matches("/api/").split('/').collect();
    let value = match (request.method.as_str(), parts.as_slice()) {
        ("GET", ["session"]) => session(&run)?,
        ("GET", ["fields"]) => fields(&run, request)?,
        ("POST", ["check"]) => check_text(&run, &request.json()?)?,
        ("GET", ["reports"]) => mine(&run)?,
        ("POST", ["reports"]) => create(&run, &request.json()?)?,
        ("PUT", ["reports", id]) => update(&run, id, &request.json()?)?,
        ("POST", ["reports", id, "submit"]) => submit(&run, id)?,
        ("GET", ["reports", id]) => report(&run, id, request.param("branch"))?,
        ("GET", ["reports", id, "pdf"]) => return pdf(&run, id, request.param("branch")),
        ("GET", ["pending"]) => pending_for(&run)?,
        ("GET", ["approved"]) => approved(&run)?,
        ("GET", ["approved", id]) => normalize::open(&run, id)?,
        ("PUT", ["approved", id]) => normalize::save(&run, id, &request.json()?)?,
        ("POST", ["approve"]) => approve_branch(&run, &request.json()?)?,
        ("POST", ["return"]) => return_branch(&run, &request.json()?)?,
        ("POST", ["publish"]) => publish_ids(&run, &request.json()?)?,
        ("POST", ["adoptions"]) => adoptions::register(&run, &request.json()?)?,
        ("GET", ["notice"]) => return documents::notice(&run, request),
        ("GET", ["volume"]) => return documents::volume(&run, request),
        ("POST", ["bulletin"]) => documents::compile(&run, &request.json()?)?,
        ("GET", ["bulletins", year, number, format]) => {
            return documents::issue(&run, year, number, format);
        }
        ("GET", ["settings"]) => setup::current(&run)?,
        ("GET", ["signing"]) => signing::current(&run)?,
        ("POST", ["signing"]) => signing::generate(&run)?,
        ("POST", ["settings"]) => set_up(&run, &request.json()?)?,
        _ => return Err(Failure::not_found("没有这个接口", "no such API")),
    };
    Ok(Reply::json(value))
}

/// `GET /api/session`: who the user is, as `people` says.
fn session(run: &Run) -> Result<Value, Failure> {
    let settings = settings(run)?;
    let name = user_name(run);
    let person = name.as_deref().and_then(|n| settings.person(n));
    let branch = crate::commit::run(run.root(), &["symbolic-ref", "-q", "--short", "HEAD"], None)?
        .ok()
        .map(|b| b.trim().to_string());
    let supervises: Vec<&str> =
        person.map(|p| p.supervises.iter().map(|u| u.value.as_str()).collect()).unwrap_or_default();
    Ok(json!({
        "name": name,
        "known": person.is_some(),
        "unit": person.and_then(|p| p.unit.as_ref()).map(|u| u.value.clone()),
        "roles": person.map(|p| p.roles.iter().map(|r| r.id()).collect::<Vec<_>>()).unwrap_or_default(),
        "supervises": supervises,
        "branch": branch,
        "bureau": settings.bureau,
        "placeholders": setup::placeholders(run),
        "may_set_up": setup::may_set_up(&settings, name.as_deref()),
        // The adoption levels the settings score, in order of their points.
        "adoption_levels": adoption_levels(&settings.scoring),
        "lang": match run.lang() { crate::lang::Lang::Zh => "zh", crate::lang::Lang::En => "en" },
    }))
}

/// The adoption levels of `scoring`, fewest points first: `[{"id", "label"}]`.
fn adoption_levels(scoring: &crate::config::Scoring) -> Vec<Value> {
    let mut levels: Vec<(&String, &i64)> = scoring.adoption.iter().collect();
    levels.sort_by_key(|(id, points)| (**points, id.as_str()));
    let label = |id: &str| format!("{} {id}", crate::config::Scoring::level_label(id));
    levels.into_iter().map(|(id, _)| json!({"id": id, "label": label(id)})).collect()
}

/// `GET /api/fields?category=work`: the form of a category, from the field table.
fn fields(run: &Run, request: &Request) -> Result<Value, Failure> {
    let wanted = request.param("category").unwrap_or("work");
    let category = Category::parse(wanted).ok_or_else(|| {
        Failure::bad(format!("未知类别 `{wanted}`"), format!("unknown category `{wanted}`"))
    })?;
    let mut value = compose::fields_json(category, run.lang());
    // The category's template body as `new` fills it (the research sections, say).
    let args = crate::cli::NewArgs {
        category: category.id().to_string(),
        title: String::new(),
        unit: None,
        occurred_at: None,
        slug: None,
    };
    value["body"] =
        crate::commands::new::draft(run, &args).map(|d| d.body).unwrap_or_default().into();
    Ok(value)
}

/// `POST /api/check` `{"path"?, "text"}`, or the form of `POST /api/reports`.
fn check_text(run: &Run, body: &Value) -> Result<Value, Failure> {
    let (file, text) = match body.get("text").and_then(Value::as_str) {
        Some(text) => {
            let file = body.get("path").and_then(Value::as_str).unwrap_or("reports/draft.md");
            (path(file)?.to_string(), text.to_string())
        }
        None => {
            let form = compose::form(body)?;
            let existing = match body.get("id").and_then(Value::as_str) {
                Some(id) => Some(existing(run, id)?),
                None => None,
            };
            let existing = existing.as_ref().map(|(f, i)| (f.as_str(), i.as_str()));
            let Composed { file, text, .. } = compose::compose(run, &form, existing)?;
            (file, text)
        }
    };
    let mut value = findings(&run.with_draft(&file, &text), &file)?;
    value["path"] = file.into();
    value["text"] = text.into();
    Ok(value)
}

/// A report path of a request: under `reports/`, nothing that climbs out.
fn path(file: &str) -> Result<&str, Failure> {
    security::report_path(file).ok_or_else(|| {
        Failure::bad(
            format!("路径 {file} 无效：须是 reports/ 下的 .md 文件"),
            format!("bad path {file}: it must be a .md file under reports/"),
        )
    })
}

/// The file and id of the existing report `id` (on its draft branch, or in the work tree).
fn existing(run: &Run, id: &str) -> Result<(String, String), Failure> {
    let id = id_of(id)?;
    let file = file_of(&where_is(run, id, None)?, id).ok_or_else(|| {
        Failure::not_found(format!("没有编号为 {id} 的信息"), format!("no report with id {id}"))
    })?;
    Ok((file, id.to_string()))
}

/// The file of report `id` in `run`'s work tree.
fn file_of(run: &Run, id: &str) -> Option<String> {
    let reports = run.root().join(crate::load::REPORTS);
    walkdir::WalkDir::new(&reports)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file() && e.file_name().to_string_lossy() == format!("{id}.md"))
        .map(|e| crate::load::relative(run.root(), e.path()))
}

/// The run in which report `id` is read: its draft branch's work tree, the
/// review of `branch`, or the user's work tree.
fn where_is(run: &Run, id: &str, branch: Option<&str>) -> Result<Run, Failure> {
    let dir = match branch {
        Some(branch) => Some(branches::review_tree(run, branch)?),
        None => branches::draft_tree(run, id),
    };
    Ok(match dir {
        Some(dir) => branches::run_in(run, &dir),
        None => run.reread(),
    })
}

/// The answer of a save: `{"id", "path", "branch", "commit", "diagnostics"}`.
fn saved(run: &Run, composed: &Composed, message: &str) -> Result<Value, Failure> {
    let mut files = vec![(composed.file.clone(), composed.text.clone().into_bytes())];
    files.extend(composed.pictures.iter().cloned());
    let saved = branches::save(run, &composed.id, &files, message)?;
    let found = findings(&branches::run_in(run, &saved.dir), &composed.file)?;
    Ok(json!({
        "id": composed.id,
        "path": composed.file,
        "branch": saved.branch,
        "commit": saved.commit,
        "diagnostics": found["diagnostics"],
        "errors": found["errors"],
        "warnings": found["warnings"],
    }))
}

/// `POST /api/reports`: a new report from the form, committed on a new branch.
fn create(run: &Run, body: &Value) -> Result<Value, Failure> {
    let form = compose::form(body)?;
    if form.title.trim().is_empty() {
        return Err(Failure::bad("请填写标题", "the title is empty"));
    }
    let mut composed = compose::compose(run, &form, None)?;
    // `new` chose an id free in the work tree; another draft's branch may hold it.
    let (file, id) = (composed.file.clone(), composed.id.clone());
    for n in 2.. {
        if branches::tip_of(run.root(), &format!("refs/heads/{}", branch_of(&composed.id))).is_err()
        {
            break;
        }
        let (next_file, next_id) =
            (file.replace(&format!("{id}.md"), &format!("{id}-{n}.md")), format!("{id}-{n}"));
        composed = compose::compose(run, &form, Some((&next_file, &next_id)))?;
    }
    saved(run, &composed, &format!("报送：{}", form.title.trim()))
}

/// `PUT /api/reports/{id}` `{"text", "pictures"?}` (or the form): the draft
/// changed and committed on its branch.
fn update(run: &Run, id: &str, body: &Value) -> Result<Value, Failure> {
    let id = id_of(id)?;
    let (file, _) = existing(run, id)?;
    let composed = match body.get("text").and_then(Value::as_str) {
        Some(text) => {
            let folder = file.rsplit_once('/').map_or("", |(f, _)| f).to_string();
            let pictures = compose::pictures(body.get("pictures"))?;
            let pictures = pictures
                .iter()
                .enumerate()
                .map(|(n, p)| {
                    (format!("{folder}/images/{id}-{}.{}", n + 1, p.ext), p.bytes.clone())
                })
                .collect();
            Composed { file, id: id.to_string(), text: text.to_string(), pictures }
        }
        None => compose::compose(run, &compose::form(body)?, Some((&file, id)))?,
    };
    saved(run, &composed, &format!("修改：{id}"))
}

/// `POST /api/reports/{id}/submit`: the draft's branch pushed to `origin`.
fn submit(run: &Run, id: &str) -> Result<Value, Failure> {
    let id = id_of(id)?;
    let submitted = branches::submit(run, id)?;
    Ok(json!({
        "branch": branch_of(id),
        "pushed": submitted.pushed,
        "remote": submitted.remote,
        "error": submitted.error,
        "request_url": submitted.request_url,
    }))
}

/// `GET /api/reports/{id}[?branch=B]`: the `status` entry, the findings, the diff
/// against the last approved text, the text itself and the PDF's address.
fn report(run: &Run, id: &str, branch: Option<&str>) -> Result<Value, Failure> {
    let id = id_of(id)?;
    let at = where_is(run, id, branch)?;
    let file = file_of(&at, id).ok_or_else(|| {
        Failure::not_found(format!("没有编号为 {id} 的信息"), format!("no report with id {id}"))
    })?;
    // Judged as `check FILE` judges it (the status entry needs no other report's rules).
    let named = [at.root().join(&file)];
    let purpose = Purpose::Check { approvals: true, rev: None, extra: &named };
    let loaded = crate::pipeline::judge(&at, purpose)?;
    let ledger = loaded.ledger()?;
    let mut value = match ledger.trails.get(id) {
        Some(trail) => status::entry_json(&loaded, trail, run.lang()),
        None => json!({"id": id, "file": file, "state": "draft"}),
    };
    let text =
        at.workspace().read_file(&file, crate::workspace::MAX_FILE_BYTES).unwrap_or_default();
    let text = String::from_utf8_lossy(&text).into_owned();
    let approved = ledger.trails.get(id).map(|t| signed_text(run, t)).unwrap_or_default();
    let found = findings(&at, &file)?;
    value["diagnostics"] = found["diagnostics"].clone();
    value["diff"] = crate::approval::trail::unified_diff(
        &approved,
        &text,
        "审核稿 approved",
        "本稿 this version",
    )
    .into();
    value["text"] = text.into();
    let query = branch.map(|b| format!("?branch={}", percent_encode(b))).unwrap_or_default();
    value["pdf"] = format!("/api/reports/{id}/pdf{query}").into();
    // A return reaches the writer on `origin`'s copy of the draft branch.
    let returned = match branch {
        Some(branch) => branches::returned_reason(run.root(), branch),
        None => branches::returned_reason(run.root(), &format!("origin/{}", branch_of(id))),
    };
    value["returned"] = returned.map_or(Value::Null, Value::from);
    Ok(value)
}

/// `GET /api/reports/{id}/pdf`: the PDF as `render` makes it.
fn pdf(run: &Run, id: &str, branch: Option<&str>) -> Result<Reply, Failure> {
    let id = id_of(id)?;
    let at = where_is(run, id, branch)?;
    let preview = render::preview(&at, id)?;
    let bytes = crate::render::pdf_bytes(
        &preview.repo.workspace,
        &preview.repo.settings.fonts,
        &preview.document,
        &preview.file,
    )?;
    Ok(Reply::bytes("application/pdf", bytes))
}

/// `GET /api/reports`: the user's reports — drafts on their branches (with a
/// supervisor's return reason) and the reports on main they wrote.
fn mine(run: &Run) -> Result<Value, Failure> {
    branches::sync(run.root());
    let name = user_name(run).unwrap_or_default();
    let mut items = Vec::new();
    let drafts = crate::commit::run(
        run.root(),
        &["for-each-ref", "--format=%(refname:short)", "refs/heads/desk/"],
        None,
    )?
    .unwrap_or_default();
    for branch in drafts.lines() {
        let id = branch.trim_start_matches("desk/");
        if branches::draft_tree(run, id).is_none() {
            continue;
        }
        let remote = format!("origin/{branch}");
        let pushed = branches::tip_of(run.root(), &remote).ok();
        let returned = pushed.as_ref().and_then(|_| branches::returned_reason(run.root(), &remote));
        let state = match (&returned, &pushed) {
            (Some(_), _) => "returned",
            (None, Some(_)) => "submitted",
            (None, None) => "draft",
        };
        items.push(json!({"id": id, "branch": branch, "state": state, "returned": returned}));
    }
    // As `status` judges them, with the lateness (迟报) of each as `check` finds it.
    let loaded = status::judge(run, None)?;
    let written = |r: &crate::report::Report| r.author.as_ref().is_some_and(|a| a.value == name);
    let late = status::late_where(run, &loaded, &written);
    for trail in loaded.ledger()?.current() {
        let report = loaded.repo.report(&trail.id);
        if trail.state == State::Draft || !report.is_some_and(written) {
            continue;
        }
        let mut entry = status::entry_json(&loaded, trail, run.lang());
        let late: Vec<&str> = late.of(&trail.file).iter().map(|t| t.get(run.lang())).collect();
        entry["late"] = late.into();
        entry["late_reason"] = report
            .and_then(|r| r.late_reason.as_ref())
            .map_or(Value::Null, |r| r.value.clone().into());
        items.push(entry);
    }
    Ok(json!({ "reports": items }))
}

/// `GET /api/pending`: `pending --format json` for this user, each branch marked
/// with the reason when the supervisor returned it and it was not changed since.
fn pending_for(run: &Run) -> Result<Value, Failure> {
    branches::sync(run.root());
    let run = run.reread();
    let name = user_name(&run);
    let lists = pending::lists(&run, name.as_deref())?;
    let mut value = pending::json_of(&lists);
    for group in value["pending"].as_array_mut().into_iter().flatten() {
        for branch in group["branches"].as_array_mut().into_iter().flatten() {
            let name = branch["branch"].as_str().unwrap_or_default().to_string();
            let returned = branches::returned_reason(run.root(), &name);
            branch["returned"] = returned.map_or(Value::Null, Value::from);
        }
    }
    // 已在主线: reports on main waiting for this supervisor (`approve --on-main`).
    let person = name.as_deref().and_then(|n| settings(&run).ok()?.person(n).cloned());
    let loaded = crate::pipeline::judge(&run, Purpose::Approvals { rev: Some("HEAD") })?;
    let on_main: Vec<Value> = loaded
        .ledger()?
        .current()
        .filter(|t| matches!(t.state, State::Submitted | State::Stale))
        .filter(|t| {
            person.as_ref().is_some_and(|p| p.supervises(t.unit.as_deref().unwrap_or_default()))
        })
        .map(|t| status::entry_json(&loaded, t, run.lang()))
        .collect();
    value["on_main"] = on_main.into();
    Ok(value)
}

/// `GET /api/approved`: the office's 待发布, the reports approved and not yet published.
fn approved(run: &Run) -> Result<Value, Failure> {
    branches::sync(run.root());
    let run = run.reread();
    let loaded = crate::pipeline::judge(&run, Purpose::Approvals { rev: Some("HEAD") })?;
    let items: Vec<Value> = loaded
        .ledger()?
        .current()
        .filter(|t| t.state == State::Approved)
        .map(|t| {
            let mut entry = status::entry_json(&loaded, t, run.lang());
            let title = loaded.repo.report(&t.id).and_then(|r| r.title.as_ref());
            entry["title"] = title.map_or(Value::Null, |t| t.value.clone().into());
            entry
        })
        .collect();
    Ok(json!({ "reports": items }))
}

/// A text field of a request's body, required.
fn required<'a>(body: &'a Value, key: &str) -> Result<&'a str, Failure> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| Failure::bad(format!("缺少 {key}"), format!("{key} is missing")))
}

/// `POST /api/approve` `{"branch"}`: `approve BRANCH`, pushed; or `{"ids"}`:
/// `approve --on-main ID…` for reports already on main (submitted or stale), pushed.
fn approve_branch(run: &Run, body: &Value) -> Result<Value, Failure> {
    if body.get("branch").is_none() {
        let ids = ids_of(body)?;
        signing_ready(run)?;
        branches::sync(run.root());
        let run = run.reread();
        let done = approve::approve_on_main(&run, &ids)?;
        let commit = done.head.to_string();
        let pushed = branches::pushed(&run, &commit, "--hard")?;
        return Ok(
            json!({"commit": commit, "ids": done.ids, "signer": done.signer, "pushed": pushed}),
        );
    }
    let branch = required(body, "branch")?;
    signing_ready(run)?;
    branches::sync(run.root());
    may_judge(&run.reread(), branch, ("审核", "approve"))?;
    let run = run.reread();
    let done = approve::approve(&run, branch, false)?;
    let commit = done.head.to_string();
    let pushed = branches::pushed(&run, &commit, "--hard")?;
    branches::forget_review(&run, branch);
    Ok(
        json!({"commit": commit, "ids": done.ids, "signer": done.signer, "key": done.key, "pushed": pushed}),
    )
}

/// `POST /api/return` `{"branch", "reason"}`: a signed commit on the branch with
/// the reason and `Returned:` trailers, by a supervisor of the reports' units.
fn return_branch(run: &Run, body: &Value) -> Result<Value, Failure> {
    let branch = required(body, "branch")?;
    let reason = required(body, "reason")?;
    signing_ready(run)?;
    let ids = may_judge(run, branch, ("退回", "return"))?;
    if ids.is_empty() {
        return Err(Failure::conflict(
            format!("分支 {branch} 没有待审核的信息（可能已审核）"),
            format!("branch {branch} has no report waiting (already approved?)"),
        ));
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let commit = branches::record_return(run.root(), branch, &ids, reason)?;
    Ok(json!({"commit": commit, "ids": ids}))
}

/// The reports `branch` adds or changes since it left HEAD, when the person git
/// signs as (the same code as `approve`) supervises the unit of each; 403, saying
/// who may not `verb` what, otherwise.
fn may_judge(run: &Run, branch: &str, verb: (&str, &str)) -> Result<Vec<String>, Failure> {
    let tip = branches::tip_of(run.root(), branch)?;
    let loaded = crate::pipeline::judge(run, Purpose::Approvals { rev: Some("HEAD") })?;
    let git = run.git().ok_or_else(|| Failure::from(crate::run::no_git()))?;
    let head = git.head().and_then(|h| h.peel_to_commit()).map_err(anyhow::Error::from)?;
    let tip = git2::Oid::from_str(&tip).map_err(anyhow::Error::from)?;
    let changes = crate::commit::changes_since(run, git, head.id(), tip)?;
    let settings = &loaded.repo.settings;
    let signer = crate::commit::signer(run.root(), settings, loaded.ring())
        .map_err(|err| Failure { status: 403, code: "not-authorized", ..Failure::from(err) })?;
    let person = &settings.people[signer];
    let outside: Vec<&str> = changes
        .proposed
        .iter()
        .filter(|p| !person.supervises(p.unit.as_deref().unwrap_or_default()))
        .map(|p| p.id.as_str())
        .collect();
    if !outside.is_empty() {
        return Err(Failure::forbidden(
            "not-authorized",
            format!("{} 无权{}：{}", person.name, verb.0, outside.join("、")),
            format!("{} may not {}: {}", person.name, verb.1, outside.join(", ")),
        ));
    }
    Ok(changes.proposed.into_iter().map(|p| p.id).collect())
}

/// The report ids of a request's `"ids"`: at least one, each a plain id.
fn ids_of(body: &Value) -> Result<Vec<String>, Failure> {
    let ids: Vec<String> = body
        .get("ids")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(Failure::bad("缺少 ids", "ids is missing"));
    }
    for id in &ids {
        id_of(id)?;
    }
    Ok(ids)
}

/// `POST /api/settings`: the set-up page's settings, committed signed ([`setup::save`]), pushed.
fn set_up(run: &Run, body: &Value) -> Result<Value, Failure> {
    signing_ready(run)?;
    branches::sync(run.root());
    let run = run.reread();
    setup::save(&run, body, user_name(&run).as_deref())
}

/// `POST /api/publish` `{"ids"}`: `publish ID…`, pushed.
fn publish_ids(run: &Run, body: &Value) -> Result<Value, Failure> {
    let ids = ids_of(body)?;
    signing_ready(run)?;
    may_publish(run)?;
    branches::sync(run.root());
    let run = run.reread();
    let done = publish::publish(&run, &ids)?;
    let commit = done.head.to_string();
    let pushed = branches::pushed(&run, &commit, "--soft")?;
    Ok(json!({"commit": commit, "ids": done.ids, "signer": done.signer, "pushed": pushed}))
}

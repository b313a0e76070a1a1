//! `xinbao new <category>`: a new report file from the category's template,
//! with title, unit, author, phone and times filled in.

use crate::atomic::write_new;
use crate::cli::NewArgs;
use crate::config::{self, Settings};
use crate::diag::Diagnostics;
use crate::lang::Lang;
use crate::load;
use crate::report::{Category, split};
use crate::run::Run;
use crate::templates;
use crate::time::{self, Time};
use chrono::{Datelike, SecondsFormat, Timelike};
use std::path::Path;
use std::process::ExitCode;

/// Runs `new`.
pub fn run(run: &Run, args: &NewArgs) -> anyhow::Result<ExitCode> {
    let (root, lang) = (run.root(), run.lang());
    let settings = config::load(run.workspace(), &mut Diagnostics::default())?;
    let Some(category) = Category::parse(&args.category) else {
        let ids: Vec<_> =
            Category::ALL.iter().map(|c| format!("{}（{}）", c.id(), c.label())).collect();
        let ids_en: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
        return Err(crate::lang::unable(
            format!("未知类别 `{}`；可用：{}", args.category, ids.join("、")),
            format!("unknown category `{}`; use one of: {}", args.category, ids_en.join(", ")),
        ));
    };
    let user = git_user_name(run.git());
    let person = user.as_deref().and_then(|name| settings.person(name));
    let unit = match (&args.unit, person.and_then(|p| p.unit.as_ref())) {
        (Some(unit), _) => unit.clone(),
        (None, Some(unit)) => unit.value.clone(),
        (None, None) => {
            return Err(crate::lang::unable(
                "请用 --unit 指定供稿科室（git 的 user.name 不在 xinbao.yaml 的 people 中）",
                "pass --unit: git's user.name is not in `people` of xinbao.yaml",
            ));
        }
    };
    if !settings.has_unit(&unit) {
        let why = crate::config::unknown_unit(&unit, &settings.units);
        return Err(crate::lang::unable(why.zh, why.en));
    }
    let now = now(run, &settings);
    let occurred = match &args.occurred_at {
        Some(text) => time::parse_time(text, settings.timezone, true).ok_or_else(|| {
            crate::lang::unable(
                format!("--occurred-at `{text}`：应为 2026-03-02T09:00 这样的时间"),
                format!("--occurred-at `{text}`: expected a time like 2026-03-02T09:00"),
            )
        })?,
        None => now,
    };
    let slug = match &args.slug {
        Some(slug) if is_slug(slug) => slug.clone(),
        Some(slug) => {
            return Err(crate::lang::unable(
                format!("--slug `{slug}`：只能用小写字母、数字和连字符"),
                format!("--slug `{slug}`: use a-z, 0-9 and -"),
            ));
        }
        None => crate::slug::from_chinese(&args.title),
    };
    let file = free_file(root, &occurred, &slug);
    let id = load::stem(&file);
    let phone = person.and_then(|p| p.phone.clone()).unwrap_or_default();
    let author = user.unwrap_or_default();
    let template_path = Path::new("templates").join(format!("{}.md", category.id()));
    let template = run
        .workspace()
        .read(&template_path)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| templates::report_template(category).to_string());
    let values = |quote: fn(&str) -> String| {
        vec![
            ("title", quote(&args.title)),
            ("unit", quote(&unit)),
            ("author", quote(&author)),
            ("phone", quote(&phone)),
            ("occurred_at", occurred.to_rfc3339_opts(SecondsFormat::Secs, false)),
            ("submitted_at", now.to_rfc3339_opts(SecondsFormat::Secs, false)),
            ("id", id.clone()),
            ("date", format!("{}月{}日", occurred.month(), occurred.day())),
        ]
    };
    // Values are YAML-quoted in the front matter and plain in the body.
    let body_start = split(&template).map_or(0, |s| s.body_offset);
    let (front, body) = template.split_at(body_start);
    let yaml_quote: fn(&str) -> String = |s| serde_json::to_string(s).unwrap_or_default();
    let text = templates::fill(front, &values(yaml_quote))
        + &templates::fill(body, &values(str::to_string));
    write_new(&root.join(&file), &text)?;
    match lang {
        Lang::Zh => {
            println!("已创建 {file}\n写好正文后运行 `xinbao check {file}`，再提交并发起合并请求。")
        }
        Lang::En => println!(
            "created {file}\nwrite the text, run `xinbao check {file}`, then commit and open a pull request."
        ),
    }
    if author.is_empty() {
        eprintln!(
            "提示：git 未设置 user.name，请在 author 中填写供稿人 / note: git has no user.name; fill in `author`"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The moment of this run in the bureau's offset, to the minute; `SOURCE_DATE_EPOCH` wins.
fn now(run: &Run, settings: &Settings) -> Time {
    let utc = crate::workspace::source_date_epoch().unwrap_or_else(|| run.now());
    let local = utc.with_timezone(&settings.timezone);
    local.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(local)
}

fn git_user_name(git: Option<&git2::Repository>) -> Option<String> {
    let config = match git {
        Some(repo) => repo.config().ok()?,
        None => git2::Config::open_default().ok()?,
    };
    config.get_string("user.name").ok().filter(|s| !s.trim().is_empty())
}

/// `reports/YYYY/MM/YYYY-MM-DD-slug.md`, with `-2`, `-3`… when the id is taken.
fn free_file(root: &Path, date: &Time, slug: &str) -> String {
    let taken: Vec<String> = walkdir::WalkDir::new(root.join(load::REPORTS))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| load::stem(&e.file_name().to_string_lossy()))
        .collect();
    let base = format!("{}-{slug}", date.format("%Y-%m-%d"));
    let id = (1..)
        .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
        .find(|id| !taken.contains(id))
        .unwrap_or(base);
    format!("{}/{}/{id}.md", load::REPORTS, date.format("%Y/%m"))
}

fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("a-1"));
        assert!(!is_slug("A"));
    }
}

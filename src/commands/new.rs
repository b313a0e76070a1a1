//! `xinbao new <category>`: a new report file from the category's template,
//! with title, unit, author, phone and times filled in.

use crate::atomic::write_new;
use crate::cli::NewArgs;
use crate::config::{self, Settings};
use crate::diag::Diagnostics;
use crate::lang::Lang;
use crate::load;
use crate::report::field::{self, Field, Kind};
use crate::report::{Category, split};
use crate::run::Run;
use crate::templates;
use crate::time::{self, Time};
use crate::yaml;
use chrono::{Datelike, SecondsFormat, Timelike};
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// Runs `new`.
pub fn run(run: &Run, args: &NewArgs) -> anyhow::Result<ExitCode> {
    let (root, lang) = (run.root(), run.lang());
    let Draft { file, text, author, .. } = draft(run, args)?;
    write_new(&root.join(&file), &text)?;
    let done = match lang {
        Lang::Zh => {
            format!("已创建 {file}\n写好正文后运行 `xinbao check {file}`，再提交并发起合并请求。")
        }
        Lang::En => format!(
            "created {file}\nwrite the text, run `xinbao check {file}`, then commit and open a pull request."
        ),
    };
    // The report is written: a reader that went away (`| head -0`) misses only the note.
    let _ = writeln!(std::io::stdout(), "{done}");
    if author.is_empty() {
        eprintln!(
            "提示：git 未设置 user.name，请在 author 中填写供稿人 / note: git has no user.name; fill in `author`"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A new report as `new` scaffolds it, not yet written.
pub struct Draft {
    /// Its file, relative to the root (a free id).
    pub file: String,
    /// Its id.
    pub id: String,
    /// The whole text: the template filled in.
    pub text: String,
    /// The body alone (the text after the front matter).
    pub body: String,
    /// The values filled in, by front matter key (`title`, `unit`, `author`,
    /// `phone`, `occurred_at`, `submitted_at`), unquoted.
    pub values: Vec<(&'static str, String)>,
    /// The author (git's `user.name`; empty when unset).
    pub author: String,
}

/// The report `new` would write for `args`: the category's template (the
/// bureau's own under `templates/`, else the shipped one) with title, unit,
/// author, phone and times filled in, at a free file name.
pub fn draft(run: &Run, args: &NewArgs) -> anyhow::Result<Draft> {
    let root = run.root();
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
    let user = git_user_name(run.git().map(|git| &**git));
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
    // Days are the bureau's (SPEC §4): the file and the date in the text by its clock.
    let local = occurred.with_timezone(&settings.timezone);
    let file = free_file(root, &local, &slug);
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
            ("date", format!("{}月{}日", local.month(), local.day())),
        ]
    };
    // Values are YAML-quoted in the front matter and plain in the body.
    let body_start = split(&template).map_or(0, |s| s.body_offset);
    let (front, body) = template.split_at(body_start);
    let yaml_quote: fn(&str) -> String = |s| serde_json::to_string(s).unwrap_or_default();
    let front = with_needed_fields(&templates::fill(front, &values(yaml_quote)), category);
    let body = templates::fill(body, &values(str::to_string));
    let text = front + &body;
    let values = values(str::to_string)
        .into_iter()
        .filter(|(key, _)| field::find(field::REPORT, key).is_some())
        .collect();
    Ok(Draft { file, id, text, body, values, author })
}

/// The front matter `front` (with its `---` lines) with an empty line for each
/// field `category` needs that it lacks, labelled from the field table: a
/// bureau's own template that left one out still shows the writer what to fill.
fn with_needed_fields(front: &str, category: Category) -> String {
    let Ok(split) = split(front) else { return front.to_string() };
    let Ok(node) = yaml::parse(split.yaml, split.yaml_line) else { return front.to_string() };
    let mut lines = String::new();
    for field in field::REPORT.iter().filter(|f| node.get(f.key).is_none()) {
        needed_lines(field, category, 0, &mut lines);
    }
    let head = &front[..split.body_offset];
    let close = head.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1);
    format!("{}{lines}{}", &front[..close], &front[close..])
}

/// `field:   # label，如 example`, indented by `depth`, when `category` needs it, with the
/// needed fields of a mapping below it.
fn needed_lines(field: &Field, category: Category, depth: usize, out: &mut String) {
    if !field.required_for(Some(category)) {
        return;
    }
    let example = match field.example {
        "" => String::new(),
        example => format!("，如 {example}"),
    };
    out.push_str(&format!("{}{}:   # {}{example}\n", "  ".repeat(depth), field.key, field.zh));
    if let Kind::Record(parts) = field.kind {
        for part in parts {
            needed_lines(part, category, depth + 1, out);
        }
    }
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

    /// A template's front matter with its placeholders filled as `new` fills them.
    fn filled(template: &str) -> String {
        let front = &template[..split(template).unwrap().body_offset];
        let values: Vec<(&str, String)> = ["title", "unit", "author", "phone"]
            .into_iter()
            .map(|key| (key, "\"x\"".to_string()))
            .chain([("occurred_at", "2026-03-02T09:00:00+08:00".to_string())])
            .chain([("submitted_at", "2026-03-02T10:00:00+08:00".to_string())])
            .collect();
        templates::fill(front, &values)
    }

    #[test]
    fn the_shipped_templates_write_every_field_their_category_needs() {
        for category in Category::ALL {
            let front = filled(templates::report_template(*category));
            assert_eq!(with_needed_fields(&front, *category), front, "{category:?}");
        }
    }

    #[test]
    fn a_template_without_a_needed_field_gets_it_labelled() {
        let front = filled(templates::report_template(Category::LeaderVisit))
            .replace("leaders: [领导姓名]", "tags: []");
        let completed = with_needed_fields(&front, Category::LeaderVisit);
        assert!(completed.ends_with("leaders:   # 领导，如 王五\n---\n"), "{completed}");
        let work = filled(templates::report_template(Category::Work));
        let completed = with_needed_fields(&work, Category::Emergency);
        assert!(
            completed.contains(
                "emergency:   # 突发事件要素\n  severity:   # 事件等级，如 general\n  source:   # 信息来源，如 县应急局通报\n"
            ),
            "{completed}"
        );
        assert!(completed.contains("  casualties:   # 伤亡人数\n    dead:   # 死亡，如 0\n"));
        assert!(!completed.contains("phone_reported_at"), "{completed}");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("a-1"));
        assert!(!is_slug("A"));
    }
}

//! `xinbao init [DIR]`: a working reports repository in one step.
//!
//! Writes `xinbao.yaml`, `templates/`, an example report and the workflow file,
//! never overwriting a file that exists, and makes DIR a git repository if it
//! is not one yet.

use crate::atomic::write_new;
use crate::cli::InitArgs;
use crate::lang::Lang;
use crate::report::Category;
use crate::templates;
use anyhow::Context as _;
use std::process::ExitCode;

/// Runs `init`.
pub fn run(args: &InitArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let dir = args.dir.clone().unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let settings = templates::settings();
    let mut files: Vec<(String, &str)> = vec![
        (crate::config::FILE.to_string(), &settings),
        (".github/workflows/xinbao.yml".to_string(), templates::WORKFLOW),
        (".gitignore".to_string(), templates::GITIGNORE),
        (templates::EXAMPLE_REPORT.0.to_string(), templates::EXAMPLE_REPORT.1),
    ];
    for category in Category::ALL {
        files.push((
            format!("templates/{}.md", category.id()),
            templates::report_template(*category),
        ));
    }
    let mut written = 0;
    for (file, text) in &files {
        let path = dir.join(file);
        if path.exists() {
            say(lang, &format!("跳过已存在的 {file}"), &format!("kept existing {file}"));
            continue;
        }
        write_new(&path, text)?;
        written += 1;
    }
    std::fs::create_dir_all(dir.join("requests")).context("creating requests/")?;
    if git2::Repository::discover(&dir).is_err() {
        git2::Repository::init(&dir).with_context(|| format!("git init {}", dir.display()))?;
    }
    say(
        lang,
        &format!(
            "已在 {} 创建报送仓库（{written} 个文件）。下一步：编辑 xinbao.yaml 中的科室和人员，然后运行 `xinbao check`。",
            dir.display()
        ),
        &format!(
            "created a reports repository in {} ({written} files). Next: edit the units and people in xinbao.yaml, then run `xinbao check`.",
            dir.display()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

fn say(lang: Lang, zh: &str, en: &str) {
    println!("{}", lang.pick(zh, en));
}

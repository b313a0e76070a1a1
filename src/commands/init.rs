//! `xinbao init [DIR]`: a working reports repository in one step.
//!
//! Writes `xinbao.yaml` (placeholders for the bureau), `templates/`, the CI
//! pipeline of the forge asked for, `.gitignore`, `reports/` and `requests/`,
//! never overwriting a file that exists, and makes DIR a git repository on
//! branch `main` if it is not one yet (the pipelines and the server hooks watch
//! `main`).

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
    let pipeline = templates::pipeline(args.ci);
    let mut files: Vec<(String, &str)> = vec![
        (crate::config::FILE.to_string(), templates::SETTINGS),
        (".gitignore".to_string(), templates::GITIGNORE),
    ];
    if let Some((path, text)) = &pipeline {
        files.push((path.to_string(), text));
    }
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
    for folder in [crate::load::REPORTS, crate::load::REQUESTS] {
        std::fs::create_dir_all(dir.join(folder)).with_context(|| format!("creating {folder}/"))?;
    }
    if git2::Repository::discover(&dir).is_err() {
        let mut options = git2::RepositoryInitOptions::new();
        options.initial_head("main");
        git2::Repository::init_opts(&dir, &options)
            .with_context(|| format!("git init {}", dir.display()))?;
    }
    say(
        lang,
        &format!(
            "已在 {} 创建报送仓库（{written} 个文件，主分支 main）。下一步：把 xinbao.yaml 中带“改为”的各项（局名、科室、人员和他们的签名密钥）换成本局的实际情况，运行 `xinbao check`，再由办公室或管理员签名提交（git commit -S）。",
            dir.display()
        ),
        &format!(
            "created a reports repository in {} ({written} files, branch main). Next: replace the placeholders in xinbao.yaml (bureau, units, people and their signing keys), run `xinbao check`, then commit it signed by the office or an admin (git commit -S).",
            dir.display()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

fn say(lang: Lang, zh: &str, en: &str) {
    println!("{}", lang.pick(zh, en));
}

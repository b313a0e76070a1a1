//! `xinbao build`: every report that passes the check, rendered into
//! `OUT/files/<id>.docx` and `OUT/files/<id>.pdf` on all cores. Files whose inputs (text, pictures,
//! approvals, settings, xinbao version) did not change since the last build are
//! kept; each file is written atomically.

use crate::approval::{self, KeyRing};
use crate::cli::{BuildArgs, Output};
use crate::diag::{self, Diagnostics, Severity};
use crate::lang::Lang;
use crate::load;
use crate::render;
use anyhow::Context as _;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write as _};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Stack size of a rendering thread.
const RENDER_STACK: usize = 64 << 20;

/// The record of what each file was built from, kept beside the files.
const MANIFEST: &str = ".xinbao-inputs.json";

/// Runs `build`.
pub fn run(root: &Path, args: &BuildArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    // load → check → approvals → render
    let mut diags = Diagnostics::default();
    let repo = load::load(root, &[], &mut diags)?;
    let history = crate::history::open(root)
        .and_then(|git| crate::history::read(&git, root, load::REPORTS).ok());
    crate::rules::check(&repo, history.as_ref(), &mut diags);
    let ring = KeyRing::build(&repo.settings, root, &mut diags);
    let ledger = approval::read(root, &repo.settings, &ring, None, &repo).ok();

    let failing: BTreeSet<String> =
        diags.iter().filter(|d| d.severity == Severity::Error).map(|d| d.file.clone()).collect();
    let errors: Vec<diag::Diagnostic> =
        diags.into_sorted().into_iter().filter(|d| d.severity == Severity::Error).collect();
    if !errors.is_empty() {
        let none = |_: &str, _: u32| None;
        eprint!("{}", diag::render_human(&errors, lang, false, &none));
    }

    let out_dir = match &args.out {
        Some(dir) => std::path::absolute(dir).context("resolving --out")?,
        None => root.join("public"),
    };
    let files = out_dir.join("files");
    std::fs::create_dir_all(&files).with_context(|| format!("creating {}", files.display()))?;
    let manifest_path = files.join(MANIFEST);
    let old: BTreeMap<String, String> = std::fs::read(&manifest_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();

    let reports: Vec<_> = repo.reports.iter().filter(|r| !failing.contains(&r.file)).collect();
    let fonts = &repo.settings.fonts;
    let (font_set, problems) = render::font_set(root, fonts);
    problems.iter().for_each(|p| eprintln!("{p}"));
    let progress = Progress::new(reports.len() * args.only.len());
    // typst's layout recurses deeply: give the rendering threads room.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(RENDER_STACK)
        .build()
        .context("starting the rendering threads")?;
    let results: Vec<(String, anyhow::Result<(String, bool)>)> = pool.install(|| {
        reports
            .par_iter()
            .flat_map_iter(|report| args.only.iter().map(move |output| (report, *output)))
            .map(|(report, output)| {
                let key = format!("{}.{}", report.id, extension(output));
                let result = (|| {
                    let trail = ledger.as_ref().and_then(|l| l.trails.get(&report.id));
                    let document = render::prepare(&repo, report, trail)?;
                    let hash = render::inputs_hash(&document, fonts, extension(output));
                    let target = files.join(&key);
                    if old.get(&key) == Some(&hash) && target.is_file() {
                        return Ok((hash, false));
                    }
                    let bytes = match output {
                        Output::Docx => {
                            let rendered = render::docx::write(&document, fonts)?;
                            rendered
                                .warnings
                                .iter()
                                .for_each(|w| eprintln!("{}: {w}", report.file));
                            rendered.bytes
                        }
                        Output::Pdf => {
                            let rendered = render::pdf::write(&document, &font_set, fonts)?;
                            rendered
                                .warnings
                                .iter()
                                .for_each(|w| eprintln!("{}: {w}", report.file));
                            rendered.bytes
                        }
                    };
                    crate::atomic::write(&target, &bytes)
                        .with_context(|| format!("writing {}", target.display()))?;
                    Ok((hash, true))
                })();
                progress.tick();
                (key, result)
            })
            .collect()
    });
    progress.finish();

    let mut manifest = BTreeMap::new();
    let (mut written, mut kept, mut failed) = (0, 0, 0);
    for (key, result) in results {
        match result {
            Ok((hash, changed)) => {
                if changed {
                    written += 1
                } else {
                    kept += 1
                }
                manifest.insert(key, hash);
            }
            Err(err) => {
                failed += 1;
                eprintln!("{key}: {err:#}");
            }
        }
    }
    // Files of reports that are gone (or now fail the check) are removed; other
    // outputs not built this time (`--only`) are kept as they are.
    let built: Vec<&str> = args.only.iter().map(|o| extension(*o)).collect();
    for (key, hash) in &old {
        if manifest.contains_key(key) {
            continue;
        }
        let (id, kind) = key.rsplit_once('.').unwrap_or((key, ""));
        if !built.contains(&kind) && reports.iter().any(|r| r.id == id) {
            manifest.insert(key.clone(), hash.clone());
        } else {
            let _ = std::fs::remove_file(files.join(key));
        }
    }
    let json = serde_json::to_vec_pretty(&manifest)?;
    crate::atomic::write(&manifest_path, &json).context("writing the build manifest")?;

    let skipped = repo.reports.len() - reports.len();
    let out = out_dir.display();
    match lang {
        Lang::Zh => println!(
            "生成 {written} 个文件，{kept} 个未改动保留；{skipped} 条信息未通过检查、{failed} 个文件生成失败（输出目录 {out}）"
        ),
        Lang::En => println!(
            "{written} files written, {kept} unchanged; {skipped} reports fail the check, {failed} files failed (in {out})"
        ),
    }
    Ok(if skipped + failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn extension(output: Output) -> &'static str {
    match output {
        Output::Docx => "docx",
        Output::Pdf => "pdf",
    }
}

/// A progress bar on standard error, only when it is a terminal.
struct Progress {
    total: usize,
    done: AtomicUsize,
    shown: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress { total, done: AtomicUsize::new(0), shown: std::io::stderr().is_terminal() }
    }

    fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.shown {
            let filled = done * 30 / self.total.max(1);
            eprint!("\r[{}{}] {done}/{}", "#".repeat(filled), " ".repeat(30 - filled), self.total);
            let _ = std::io::stderr().flush();
        }
    }

    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

//! `xinbao build`: every report that passes the check, rendered into
//! `OUT/files/<id>.docx` and `OUT/files/<id>.pdf` on all cores. Files whose inputs (text, pictures,
//! approvals, settings, xinbao version) did not change since the last build are
//! kept; each file is written atomically.

use crate::approval::{self, KeyRing};
use crate::cli::{BuildArgs, Output};
use crate::diag::{self, Severity};
use crate::lang::Lang;
use crate::load;
use crate::render;
use crate::report::Report;
use anyhow::Context as _;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write as _};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The record of what each file was built from, kept beside the files.
const MANIFEST: &str = ".xinbao-inputs.json";

/// Runs `build`.
pub fn run(root: &Path, args: &BuildArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    // load → check → approvals → render
    let (repo, mut diags) = super::check::load_checked(root, &[])?;
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
    let job =
        Job { repo: &repo, ledger: ledger.as_ref(), fonts: &font_set, files: &files, old: &old };
    // Threads with room for typst's deep recursion; typst's own parallel work runs
    // in the same pool.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(render::pdf::STACK)
        .build()
        .context("starting the rendering threads")?;
    let results: Vec<(String, anyhow::Result<(String, bool)>)> = pool.install(|| {
        reports
            .par_iter()
            .flat_map_iter(|report| args.only.iter().map(move |output| (report, *output)))
            .map(|(report, output)| {
                let key = format!("{}.{}", report.id, extension(output));
                let result = job.build(report, output, &key);
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

/// What every file of one build shares.
struct Job<'a> {
    repo: &'a load::Repository,
    ledger: Option<&'a approval::Ledger>,
    fonts: &'a render::fonts::FontSet,
    files: &'a Path,
    /// Input hashes of the previous build.
    old: &'a BTreeMap<String, String>,
}

impl Job<'_> {
    /// Renders `report` as `output` into `files/key` unless its inputs are unchanged;
    /// gives the inputs' hash and whether the file was written.
    fn build(&self, report: &Report, output: Output, key: &str) -> anyhow::Result<(String, bool)> {
        let trail = self.ledger.and_then(|l| l.trails.get(&report.id));
        let document = render::prepare(self.repo, report, trail)?;
        let names = &self.repo.settings.fonts;
        let hash = render::inputs_hash(&document, names, extension(output));
        let target = self.files.join(key);
        if self.old.get(key) == Some(&hash) && target.is_file() {
            return Ok((hash, false));
        }
        let (bytes, warnings) = match output {
            Output::Docx => {
                let rendered = render::docx::write(&document, names)?;
                (rendered.bytes, rendered.warnings)
            }
            Output::Pdf => {
                let rendered = render::pdf::write(&document, self.fonts, names)?;
                (rendered.bytes, rendered.warnings)
            }
        };
        warnings.iter().for_each(|w| eprintln!("{}: {w}", report.file));
        crate::atomic::write(&target, &bytes)
            .with_context(|| format!("writing {}", target.display()))?;
        Ok((hash, true))
    }
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

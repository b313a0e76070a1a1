//! The build stage: the whole pipeline, load → check → approvals → layout →
//! render → archive. Every published report that passes the check (with
//! `--drafts`, every report that passes it) is rendered into `OUT/files/<id>.docx`
//! and `OUT/files/<id>.pdf` on all cores, and the archive site is generated
//! around them (SPEC §7: the archive is what the office published). Documents
//! whose inputs (text, pictures, approvals, settings, xinbao version) did not
//! change since the last build are kept, and only the site's files whose bytes
//! changed are written; every file is written atomically, and everything is
//! written and removed through [`OutDir`], inside the output folder only.

use crate::approval::State;
use crate::cli::{BuildArgs, Output};
use crate::diag::{self, Severity};
use crate::lang::Lang;
use crate::layout::Document;
use crate::out_dir::OutDir;
use crate::render;
use crate::report::Report;
use crate::run::Run;
use crate::site;
use crate::stats;
use anyhow::Context as _;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The record of what each document was built from, kept beside the documents.
const MANIFEST: &str = ".xinbao-inputs.json";

/// The reports' documents, under the output folder.
const FILES: &str = "files";

/// The bulletin issues' documents, under the output folder.
const BULLETINS: &str = "bulletins";

/// Reports laid out and rendered at a time: enough to keep every core busy, few
/// enough that the documents in memory do not grow with the repository.
const RENDER_BATCH: usize = 256;

/// What one build did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Documents written.
    pub written: usize,
    /// Documents kept because their inputs did not change.
    pub kept: usize,
    /// Reports left out because they fail the check.
    pub skipped: usize,
    /// Reports left out because they are not published (a build without `--drafts`).
    pub unpublished: usize,
    /// Documents that could not be rendered.
    pub failed: usize,
    /// What the archive's writer did, when the site was built.
    pub site: Option<site::Written>,
    /// The output folder.
    pub out: PathBuf,
}

impl Outcome {
    /// Prints the one-line summary on standard output.
    pub fn print(&self, lang: Lang) {
        let Outcome { written, kept, skipped, failed, .. } = self;
        let out = self.out.display();
        match lang {
            Lang::Zh => println!(
                "生成 {written} 个文件，{kept} 个未改动保留；{skipped} 条信息未通过检查、{failed} 个文件生成失败（输出目录 {out}）"
            ),
            Lang::En => println!(
                "{written} files written, {kept} unchanged; {skipped} reports fail the check, {failed} files failed (in {out})"
            ),
        }
        if self.unpublished > 0 {
            let n = self.unpublished;
            match lang {
                Lang::Zh => {
                    println!("{n} 条信息尚未发布，未收入文件和档案网站（内部预览用 --drafts）")
                }
                Lang::En => println!(
                    "{n} reports are not published and were left out (--drafts previews them)"
                ),
            }
        }
        if let Some(site) = self.site {
            let site::Written { written, kept, removed } = site;
            let index = self.out.join("index.html");
            let index = index.display();
            match lang {
                Lang::Zh => println!(
                    "档案网站：写入 {written} 个文件，{kept} 个未改动，删除 {removed} 个；打开 {index}"
                ),
                Lang::En => println!(
                    "archive: {written} files written, {kept} unchanged, {removed} removed; open {index}"
                ),
            }
        }
    }

    /// Counts the documents of one rendering pass, keyed by file name, and records
    /// the input hashes of those that were written or kept in `manifest`.
    fn record(
        &mut self,
        results: Vec<(String, anyhow::Result<(String, bool)>)>,
        manifest: &mut BTreeMap<String, String>,
    ) {
        for (key, result) in results {
            match result {
                Ok((hash, changed)) => {
                    if changed {
                        self.written += 1;
                    } else {
                        self.kept += 1;
                    }
                    manifest.insert(key, hash);
                }
                Err(err) => {
                    self.failed += 1;
                    eprintln!("{key}: {err:#}");
                }
            }
        }
    }

    /// 1 when a report failed the check or a document failed to render.
    pub fn exit_code(&self) -> ExitCode {
        if self.skipped + self.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
    }
}

/// Builds the outputs of `args` for the run's repository.
pub fn build(run: &Run, args: &BuildArgs) -> anyhow::Result<Outcome> {
    let (root, lang) = (run.root(), run.lang());
    // history → settings in force → load → check → approvals
    let figures = crate::pipeline::Purpose::Figures { deleted: false };
    let crate::pipeline::Verdicts { repo, diags, late, ledger, history } =
        crate::pipeline::judge(run, figures)?;
    if ledger.as_ref().is_some_and(|l| l.rewritten) {
        return Err(crate::lang::refuse(
            "history-rewritten：主分支的历史被改写（不经过服务器记录的上一个位置），在办公室或管理员签名确认（History-rewritten-from: <原位置>）之前不生成、不发布；`xinbao status` 说明改写了什么",
            "history-rewritten: the main line was rewritten (it skips the tip the server recorded); nothing is built or published until an office or admin signature acknowledges it (History-rewritten-from: <old tip>); `xinbao status` says what was rewritten",
        ));
    }
    let trail = |report: &Report| ledger.as_ref().and_then(|l| l.trail_of(report));

    let now = run.now().fixed_offset();
    let figures =
        ledger.as_ref().map(|l| stats::Input { repo: &repo, ledger: l, late: &late, now });
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
    let out = OutDir::open(root, &out_dir)?;
    out.make_dir(FILES)?;
    let manifest_path = format!("{FILES}/{MANIFEST}");
    let old = read_manifest(&out, &manifest_path);

    let checked: Vec<&Report> =
        repo.reports.iter().filter(|r| !failing.contains(&r.file)).collect();
    // Only what the office published goes out, unless this is a preview (SPEC §7).
    let published = |report: &Report| trail(report).is_some_and(|t| t.state == State::Published);
    let reports: Vec<&Report> =
        checked.iter().copied().filter(|r| args.drafts || published(r)).collect();
    let documents_wanted: Vec<Output> =
        args.only.iter().copied().filter(|o| *o != Output::Site).collect();
    let site_wanted = args.only.contains(&Output::Site);
    let fonts = &repo.settings.fonts;
    let (font_set, problems) = render::font_set(&repo.workspace, fonts);
    problems.iter().for_each(|p| eprintln!("{p}"));
    let layout = |report: &Report| crate::layout::report::prepare(&repo, report, trail(report));

    // layout → render, a batch of reports at a time, so that only one batch's
    // documents are in memory; the archive lays them out again for its pages
    let progress = Progress::new(reports.len() * documents_wanted.len() + usize::from(site_wanted));
    let job = Job { fonts: &font_set, names: fonts, out: &out, dir: FILES, old: &old };
    let mut laid_out: Vec<bool> = Vec::with_capacity(reports.len());
    let mut results: Vec<(String, anyhow::Result<(String, bool)>)> = Vec::new();
    for batch in reports.chunks(RENDER_BATCH) {
        let documents: Vec<anyhow::Result<Document>> =
            batch.par_iter().map(|report| layout(report)).collect();
        let work: Vec<(&Report, &anyhow::Result<Document>, Output)> = batch
            .iter()
            .zip(&documents)
            .flat_map(|(report, document)| {
                documents_wanted.iter().map(move |output| (*report, document, *output))
            })
            .collect();
        results.extend(render::on_threads(&work, |(report, document, output)| {
            let key = format!("{}.{}", report.id, extension(*output));
            let result = match document {
                Ok(document) => job.build(&report.file, document, *output, &key),
                Err(err) => Err(anyhow::anyhow!("{err:#}")),
            };
            progress.tick();
            (key, result)
        })?);
        laid_out.extend(documents.iter().map(Result::is_ok));
    }

    let mut outcome = Outcome { out: out_dir, ..Outcome::default() };
    let mut manifest = BTreeMap::new();
    outcome.record(results, &mut manifest);
    // Files of reports that are gone (or now fail the check) are removed.
    let ids: BTreeSet<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    let exists = |id: &str| ids.contains(id);
    carry_over(&old, &mut manifest, &documents_wanted, exists, &out, FILES);
    let json = serde_json::to_vec_pretty(&manifest)?;
    out.write(&manifest_path, &json, true).context("writing the build manifest")?;

    // bulletins: every recorded issue, kept when its inputs did not change
    if let Some(ledger) = &ledger {
        let bulletins_manifest = format!("{BULLETINS}/{MANIFEST}");
        let job_old = read_manifest(&out, &bulletins_manifest);
        let job = Job { fonts: &font_set, names: fonts, out: &out, dir: BULLETINS, old: &job_old };
        let mut manifest = BTreeMap::new();
        for issue in &repo.bulletins {
            let document = match crate::layout::bulletin::issue(issue, &repo, ledger) {
                Ok((document, missing)) => {
                    for id in missing {
                        eprintln!(
                            "{}: 记录中的信息 {id} 已不存在 / report {id} no longer exists",
                            issue.file
                        );
                    }
                    document
                }
                Err(err) => {
                    outcome.failed += 1;
                    eprintln!("{}: {err:#}", issue.file);
                    continue;
                }
            };
            let built = render::on_threads(&documents_wanted, |output| {
                let key = format!("{}.{}", issue.stem(), extension(*output));
                let result = job.build(&issue.file, &document, *output, &key);
                (key, result)
            })?;
            outcome.record(built, &mut manifest);
        }
        // Documents of removed issues are removed.
        let exists = |stem: &str| repo.bulletins.iter().any(|issue| issue.stem() == stem);
        carry_over(&job_old, &mut manifest, &documents_wanted, exists, &out, BULLETINS);
        if !manifest.is_empty() || !job_old.is_empty() {
            out.write(&bulletins_manifest, &serde_json::to_vec_pretty(&manifest)?, true)
                .context("writing the bulletins' manifest")?;
        }
    }
    // Unreadable records were shown with the check's findings above.
    outcome.failed +=
        failing.iter().filter(|file| file.starts_with(crate::report::bulletin::DIR)).count();

    // archive
    if site_wanted {
        let bulletin_files: BTreeSet<String> = out.file_names(BULLETINS).into_iter().collect();
        let assessment = assessment(figures.as_ref(), bulletin_files);
        let present: BTreeSet<String> =
            manifest.keys().filter(|key| out.is_file(&format!("{FILES}/{key}"))).cloned().collect();
        let entries = reports
            .iter()
            .zip(&laid_out)
            .filter(|(_, laid_out)| **laid_out)
            .map(|(report, _)| {
                let late = late.of(&report.file);
                let received = history.as_ref().and_then(|h| h.received.get(&report.id)).copied();
                site::Entry { report, trail: trail(report), late, received }
            })
            .collect();
        let layout = |report: &Report| layout(report).ok();
        let input = site::Input {
            repo: &repo,
            entries,
            layout: &layout,
            files: &present,
            lang,
            assessment: &assessment,
            drafts: args.drafts,
        };
        outcome.site = Some(site::build(&out, &input)?);
        progress.tick();
    }
    progress.finish();
    outcome.skipped = repo.reports.len() - checked.len();
    outcome.unpublished = checked.len() - reports.len();
    Ok(outcome)
}

/// The figures of every quarter and year with reports on main, and the issues'
/// documents present.
fn assessment(
    figures: Option<&stats::Input>,
    bulletin_files: BTreeSet<String>,
) -> site::Assessment {
    let Some(input) = figures else {
        return site::Assessment { bulletin_files, ..Default::default() };
    };
    let quarters = stats::quarters(input);
    let years: BTreeSet<i32> = quarters.iter().map(|q| q.year()).collect();
    site::Assessment {
        quarters: quarters.iter().map(|q| stats::compute(input, *q)).collect(),
        years: years.into_iter().map(|y| stats::compute(input, stats::Period::Year(y))).collect(),
        bulletin_files,
    }
}

/// Completes `manifest` from the previous build's `old`: documents of outputs not
/// built this time (`--only`) are kept for the items that still `exist`; every
/// other document of `old` not in `manifest` is removed from the folder `dir` of
/// `out`.
fn carry_over(
    old: &BTreeMap<String, String>,
    manifest: &mut BTreeMap<String, String>,
    built: &[Output],
    exists: impl Fn(&str) -> bool,
    out: &OutDir,
    dir: &str,
) {
    let built: Vec<&str> = built.iter().map(|o| extension(*o)).collect();
    for (key, hash) in old {
        if manifest.contains_key(key) {
            continue;
        }
        let (item, kind) = key.rsplit_once('.').unwrap_or((key, ""));
        if !built.contains(&kind) && exists(item) {
            manifest.insert(key.clone(), hash.clone());
        } else {
            out.remove(&format!("{dir}/{key}"));
        }
    }
}

/// The input hashes recorded at `rel` by the previous build (none when
/// unreadable); entries that are not plain file names are ignored (SPEC §6.3).
fn read_manifest(out: &OutDir, rel: &str) -> BTreeMap<String, String> {
    let manifest: BTreeMap<String, String> =
        out.read(rel).and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
    manifest.into_iter().filter(|(key, _)| crate::out_dir::is_plain(key)).collect()
}

/// What every document of one build shares.
struct Job<'a> {
    fonts: &'a render::fonts::FontSet,
    names: &'a crate::config::Fonts,
    out: &'a OutDir,
    /// The folder of `out` the documents go to.
    dir: &'a str,
    /// Input hashes of the previous build.
    old: &'a BTreeMap<String, String>,
}

impl Job<'_> {
    /// Renders `document` as `output` into `dir/key` unless its inputs are
    /// unchanged; gives the inputs' hash and whether the file was written. Warnings
    /// are printed after `label` (the report's or record's file).
    fn build(
        &self,
        label: &str,
        document: &Document,
        output: Output,
        key: &str,
    ) -> anyhow::Result<(String, bool)> {
        let hash = render::inputs_hash(document, self.names, extension(output));
        let target = format!("{}/{key}", self.dir);
        if self.old.get(key) == Some(&hash) && self.out.is_file(&target) {
            return Ok((hash, false));
        }
        let (bytes, warnings) = match output {
            Output::Docx => {
                let rendered = render::docx::write(document, self.names)?;
                (rendered.bytes, rendered.warnings)
            }
            Output::Pdf => {
                let rendered = render::pdf::write(document, self.fonts, self.names)?;
                (rendered.bytes, rendered.warnings)
            }
            Output::Site => anyhow::bail!("the site is not a document"),
        };
        warnings.iter().for_each(|w| eprintln!("{label}: {w}"));
        self.out.write(&target, &bytes, true)?;
        Ok((hash, true))
    }
}

fn extension(output: Output) -> &'static str {
    match output {
        Output::Docx => "docx",
        Output::Pdf => "pdf",
        Output::Site => "html",
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

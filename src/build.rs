//! The build stage: the whole pipeline, load → check → approvals → layout →
//! render → archive. Every published report that passes the check (with
//! `--drafts`, every report that passes it) is rendered into `OUT/files/<id>.docx`
//! and `OUT/files/<id>.pdf` on all cores, and the archive site is generated
//! around them (SPEC §7: the archive is what the office published). Each report
//! is laid out once, a batch at a time in the archive's order: the same
//! `Document` makes its DOCX, its PDF and its archive page. Documents
//! whose inputs (text, pictures, approvals, settings, xinbao version) did not
//! change since the last build are kept, and only the site's files whose bytes
//! changed are written; every file is written atomically, and everything is
//! written and removed through [`OutDir`], inside the output folder only.

use crate::approval::{Ledger, State};
use crate::cli::{BuildArgs, Output};
use crate::diag::{self, Diagnostics, Severity};
use crate::lang::Lang;
use crate::layout::Document;
use crate::load::Repository;
use crate::out_dir::OutDir;
use crate::pipeline::{Purpose, Verdicts};
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
/// Where `xinbao volume` writes the volumes the archive links to.
const VOLUMES: &str = "volumes";

/// Reports laid out and rendered at a time: enough to keep every core busy, few
/// enough that the documents in memory do not grow with the repository.
const RENDER_BATCH: usize = 256;

/// A document's file name and what building it gave: the hash of its inputs and
/// whether it was written (not kept).
type Built = (String, anyhow::Result<(String, bool)>);

/// What one build did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Documents written.
    pub written: usize,
    /// Documents kept because their inputs did not change.
    pub kept: usize,
    /// Reports left out because they fail the check, those that could not be read
    /// at all included.
    pub skipped: usize,
    /// Error-level findings of the check, in any file.
    pub errors: usize,
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
    fn record(&mut self, results: Vec<Built>, manifest: &mut BTreeMap<String, String>) {
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

    /// 1 when the check found an error (in a report, a request, a record …; a
    /// skipped report has one) or a document failed to render.
    pub fn exit_code(&self) -> ExitCode {
        if self.errors + self.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
    }
}

/// Builds the outputs of `args` for the run's repository, in the order of the
/// process: judge → the check's errors → the output folder → the bulletins →
/// the reports, each laid out once into its documents and its archive page →
/// the archive's indexes and lists.
pub fn build(run: &Run, args: &BuildArgs) -> anyhow::Result<Outcome> {
    let site_wanted = args.only.contains(&Output::Site);
    let wanted: Vec<Output> = args.only.iter().copied().filter(|o| *o != Output::Site).collect();
    let previous = previous_archive(run, site_wanted);
    // history → settings in force → load → check → approvals
    let Verdicts { repo, diags, late, ledger, history } = judged(run)?;
    let errors = print_errors(diags, run.lang());
    let failing: BTreeSet<String> = errors.iter().map(|d| d.file.clone()).collect();

    let out_dir = match &args.out {
        Some(dir) => std::path::absolute(dir).context("resolving --out")?,
        None => run.root().join("public"),
    };
    let out = OutDir::open(run.root(), &out_dir)?;
    out.make_dir(FILES)?;
    let manifest_path = format!("{FILES}/{MANIFEST}");
    let old = read_manifest(&out, &manifest_path);
    let (font_set, problems) = render::font_set(&repo.workspace, &repo.settings.fonts);
    problems.iter().for_each(|p| eprintln!("{p}"));
    let names = &repo.settings.fonts;
    let job = Job { fonts: &font_set, names, out: &out, wanted: &wanted, dir: FILES, old: &old };
    let mut outcome = Outcome { out: out_dir, errors: errors.len(), ..Outcome::default() };

    // bulletins first: the archive's statistics page links to their documents
    if let Some(ledger) = &ledger {
        bulletins(&repo, ledger, &job, &mut outcome)?;
    }
    // Unreadable records were shown with the check's findings above.
    outcome.failed +=
        failing.iter().filter(|file| file.starts_with(crate::report::bulletin::DIR)).count();

    let checked: Vec<&Report> =
        repo.reports.iter().map(|r| &**r).filter(|r| !failing.contains(&r.file)).collect();
    let reports = going_out(&checked, ledger.as_ref(), args.drafts);
    let assessment = site_wanted.then(|| {
        let figures = ledger.as_ref().map(|ledger| stats::Input {
            repo: &repo,
            ledger,
            late: &late,
            now: run.now().fixed_offset(),
        });
        let files = |dir| out.file_names(dir).into_iter().collect();
        assessment(figures.as_ref(), files(BULLETINS), files(VOLUMES))
    });
    let input = assessment.as_ref().map(|assessment| site::Input {
        repo: &repo,
        // A report is laid out unless it is not in the work tree (layout::report::prepare).
        entries: reports
            .iter()
            .filter(|report| report.read.is_some())
            .map(|report| site::Entry {
                report,
                trail: ledger.as_ref().and_then(|l| l.trail_of(report)),
                late: late.of(&report.file),
                received: history.as_ref().and_then(|h| h.received.get(&report.id)).copied(),
            })
            .collect(),
        lang: run.lang(),
        assessment,
        drafts: args.drafts,
    });
    let mut archive =
        input.as_ref().map(|input| site::Archive::begin(&out, input, previous())).transpose()?;

    let progress = Progress::new(reports.len() * wanted.len() + usize::from(site_wanted));
    let results = lay_out(&repo, ledger.as_ref(), &reports, &job, archive.as_mut(), &progress)?;
    let mut manifest = BTreeMap::new();
    outcome.record(results, &mut manifest);
    // Files of reports that are gone (or now fail the check) are removed.
    let ids: BTreeSet<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    carry_over(&old, &mut manifest, &wanted, |id| ids.contains(id), &out, FILES);
    let json = serde_json::to_vec_pretty(&manifest)?;
    out.write(&manifest_path, &json, true).context("writing the build manifest")?;

    // the archive's search index, statistics and lists
    if let Some(archive) = archive {
        outcome.site = Some(archive.finish()?);
        progress.tick();
    }
    progress.finish();
    // A report file whose front matter could not be read fails the check too.
    let report_files: BTreeSet<&str> = (repo.files.iter().map(|(_, file)| file.as_str()))
        .chain(repo.reports.iter().map(|r| r.file.as_str()))
        .collect();
    outcome.skipped = report_files.iter().filter(|file| failing.contains(**file)).count();
    outcome.unpublished = checked.len() - reports.len();
    crate::run::free_later((repo, ledger, history, late));
    Ok(outcome)
}

/// What the previous build kept of the archive (none outside git, or when the
/// site is not `wanted`), read on a thread of its own while the history is judged.
fn previous_archive(run: &Run, wanted: bool) -> impl FnOnce() -> Option<site::Previous> {
    let git_dir = run.git().filter(|_| wanted).map(|git| git.path().to_path_buf());
    let read = git_dir.clone().map(|dir| move || site::Previous::read(&dir));
    let reading = read.and_then(|read| std::thread::Builder::new().spawn(read).ok());
    move || match reading {
        Some(reading) => reading.join().ok(),
        None => git_dir.map(|dir| site::Previous::read(&dir)),
    }
}

/// The run's verdicts for the figures; refused while a rewrite of the main line
/// stands unacknowledged (SPEC §6.3).
fn judged(run: &Run) -> anyhow::Result<Verdicts> {
    let verdicts = crate::pipeline::judge(run, Purpose::Figures { deleted: false })?;
    if verdicts.ledger.as_ref().is_some_and(|l| l.rewritten) {
        return Err(crate::lang::refuse(
            "history-rewritten：主分支的历史被改写（不经过服务器记录的上一个位置），在办公室或管理员签名确认（History-rewritten-from: <原位置>）之前不生成、不发布；`xinbao status` 说明改写了什么",
            "history-rewritten: the main line was rewritten (it skips the tip the server recorded); nothing is built or published until an office or admin signature acknowledges it (History-rewritten-from: <old tip>); `xinbao status` says what was rewritten",
        ));
    }
    Ok(verdicts)
}

/// Prints the check's errors on standard error, and gives them: their files are
/// not built.
fn print_errors(diags: Diagnostics, lang: Lang) -> Vec<diag::Diagnostic> {
    let errors: Vec<diag::Diagnostic> =
        diags.into_sorted().into_iter().filter(|d| d.severity == Severity::Error).collect();
    diag::tell(&errors, lang);
    errors
}

/// The reports of `checked` that go out, in the archive's order: only what the
/// office published, unless this is a preview (`drafts`; SPEC §7).
fn going_out<'r>(checked: &[&'r Report], ledger: Option<&Ledger>, drafts: bool) -> Vec<&'r Report> {
    let published = |report: &Report| {
        ledger.and_then(|l| l.trail_of(report)).is_some_and(|t| t.state == State::Published)
    };
    let mut reports: Vec<&Report> =
        checked.iter().copied().filter(|r| drafts || published(r)).collect();
    // In the archive's order, so that it takes each batch of documents as it is rendered.
    reports.sort_by(|a, b| site::newest_first(a, b));
    reports
}

/// Lays out `reports` and renders their documents, a batch at a time, so that
/// only one batch's documents are in memory: each report is laid out once, the
/// same `Document` making its DOCX, its PDF and its archive page, and not at
/// all when only its page is wanted and the `archive` keeps it.
fn lay_out(
    repo: &Repository,
    ledger: Option<&Ledger>,
    reports: &[&Report],
    job: &Job,
    mut archive: Option<&mut site::Archive>,
    progress: &Progress,
) -> anyhow::Result<Vec<Built>> {
    let trail = |report: &Report| ledger.and_then(|l| l.trail_of(report));
    let mut results = Vec::new();
    for batch in reports.chunks(RENDER_BATCH) {
        let kept = match &mut archive {
            Some(archive) if job.wanted.is_empty() => {
                archive.plan(batch, &present(batch, &[], job))
            }
            _ => vec![false; batch.len()],
        };
        let documents: Vec<Option<anyhow::Result<Document>>> = batch
            .par_iter()
            .zip(&kept)
            .map(|(report, kept)| {
                (!kept).then(|| crate::layout::report::prepare(repo, report, trail(report)))
            })
            .collect();
        let work: Vec<(&Report, &anyhow::Result<Document>, Output)> = batch
            .iter()
            .zip(&documents)
            .filter_map(|(report, document)| Some((*report, document.as_ref()?)))
            .flat_map(|(report, document)| {
                job.wanted.iter().map(move |output| (report, document, *output))
            })
            .collect();
        let rendered = render::on_threads(&work, |(report, document, output)| {
            let key = format!("{}.{}", report.id, extension(*output));
            let result = match document {
                Ok(document) => job.build(&report.file, document, *output, &key),
                Err(err) => Err(anyhow::anyhow!("{err:#}")),
            };
            progress.tick();
            (key, result)
        })?;
        if let Some(archive) = &mut archive {
            let files = present(batch, &rendered, job);
            if !job.wanted.is_empty() {
                archive.plan(batch, &files);
            }
            // Reports that could not be laid out (not in the work tree) have no page.
            let laid_out = batch.iter().zip(documents).filter_map(|(r, d)| match d {
                None => Some((*r, None)),
                Some(d) => Some((*r, Some(d.ok()?))),
            });
            archive.add(laid_out.collect(), &files)?;
        }
        results.extend(rendered);
    }
    Ok(results)
}

/// Renders every recorded bulletin issue as `wanted`, keeping the documents whose
/// inputs did not change, and removes the documents of issues that are gone.
fn bulletins(
    repo: &Repository,
    ledger: &Ledger,
    job: &Job,
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    let (out, wanted) = (job.out, job.wanted);
    let manifest_path = format!("{BULLETINS}/{MANIFEST}");
    let old = read_manifest(out, &manifest_path);
    let job = job.in_folder(BULLETINS, &old);
    let mut manifest = BTreeMap::new();
    for issue in &repo.bulletins {
        let document = match crate::layout::bulletin::issue(issue, repo, ledger) {
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
        let built = render::on_threads(wanted, |output| {
            let key = format!("{}.{}", issue.stem(), extension(*output));
            let result = job.build(&issue.file, &document, *output, &key);
            (key, result)
        })?;
        outcome.record(built, &mut manifest);
    }
    // Documents of removed issues are removed.
    let exists = |stem: &str| repo.bulletins.iter().any(|issue| issue.stem() == stem);
    carry_over(&old, &mut manifest, wanted, exists, out, BULLETINS);
    if !manifest.is_empty() || !old.is_empty() {
        out.write(&manifest_path, &serde_json::to_vec_pretty(&manifest)?, true)
            .context("writing the bulletins' manifest")?;
    }
    Ok(())
}

/// The documents present in `OUT/files/` for `batch` after this build: those
/// just `rendered` or kept, and those of outputs not wanted this time (`--only`)
/// that the previous build left (see [`carry_over`]).
fn present(batch: &[&Report], rendered: &[Built], job: &Job) -> BTreeSet<String> {
    let ok: BTreeSet<&str> =
        rendered.iter().filter(|(_, r)| r.is_ok()).map(|(key, _)| key.as_str()).collect();
    let mut files = BTreeSet::new();
    for report in batch {
        for output in [Output::Docx, Output::Pdf] {
            let key = format!("{}.{}", report.id, extension(output));
            let recorded = if job.wanted.contains(&output) {
                ok.contains(key.as_str())
            } else {
                job.old.contains_key(&key)
            };
            if recorded && job.out.is_file(&format!("{}/{key}", job.dir)) {
                files.insert(key);
            }
        }
    }
    files
}

/// The figures of every quarter and year with reports on main, and the issues'
/// documents present.
fn assessment(
    figures: Option<&stats::Input>,
    bulletin_files: BTreeSet<String>,
    volume_files: BTreeSet<String>,
) -> site::Assessment {
    let Some(input) = figures else {
        return site::Assessment { bulletin_files, volume_files, ..Default::default() };
    };
    let quarters = stats::quarters(input);
    let years: BTreeSet<i32> = quarters.iter().map(|q| q.year()).collect();
    let count = quarters.len();
    let periods: Vec<stats::Period> =
        quarters.into_iter().chain(years.into_iter().map(stats::Period::Year)).collect();
    let mut quarters = stats::compute_all(input, &periods);
    let years = quarters.split_off(count);
    // Each year's catalogue, numbered as `transfer` numbers it.
    let published = crate::volume::Published::of(input.repo, input.ledger, input.late);
    let volumes = years
        .iter()
        .rev()
        .filter_map(|stats| {
            let period = stats::Period::parse(&stats.period)?;
            let volume = published.volume(period, crate::volume::By::Category);
            let rows = crate::transfer::catalogue(&volume, &input.repo.settings);
            (!rows.is_empty()).then(|| (period.year(), rows))
        })
        .collect();
    site::Assessment { quarters, years, bulletin_files, volumes, volume_files }
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
    /// The documents wanted (`--only`, without the site).
    wanted: &'a [Output],
    /// The folder of `out` the documents go to.
    dir: &'a str,
    /// Input hashes of the previous build.
    old: &'a BTreeMap<String, String>,
}

impl<'a> Job<'a> {
    /// The same job for the documents in `dir`, whose previous inputs were `old`.
    fn in_folder(&self, dir: &'a str, old: &'a BTreeMap<String, String>) -> Job<'a> {
        Job { dir, old, ..*self }
    }

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

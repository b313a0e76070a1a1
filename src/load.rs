//! Finding and reading the repository's files: reports, requests, bulletin
//! records and settings,
//! parsed on all cores. Reading never follows a symlink out of the repository
//! and never reads a file over [`MAX_FILE_BYTES`].

use crate::config::{self, Settings};
use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::parsed::Parsed;
use crate::report::bulletin::Issue;
use crate::report::{self, Placeholders, Report};
use crate::request::Request;
use crate::source::{self, Pos};
use crate::workspace::{Unread, Workspace};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

pub use crate::workspace::MAX_FILE_BYTES;

/// The folder of reports.
pub const REPORTS: &str = "reports";
/// The folder of commissioned drafts.
pub const REQUESTS: &str = "requests";

/// The folders of the office records read as requests and bulletin records.
const RECORD_DIRS: [&str; 2] = [REQUESTS, crate::report::bulletin::DIR];

/// A repository's settings, reports and requests, as read from disk.
#[derive(Debug)]
pub struct Repository {
    /// The repository root.
    pub root: PathBuf,
    /// Where every file was read from, and the pictures read so far.
    pub workspace: Arc<Workspace>,
    /// `xinbao.yaml`.
    pub settings: Settings,
    /// Every report file found, parsed or not: `(id, file)`, sorted by file.
    pub files: Vec<(String, String)>,
    /// The reports whose front matter could be read, sorted by file.
    pub reports: Vec<Arc<Report>>,
    /// The requests that could be read, sorted by file.
    pub requests: Vec<Request>,
    /// The bulletin issue records that could be read, by year and number.
    pub bulletins: Vec<crate::report::bulletin::Issue>,
    /// The requests and bulletin records of the work tree, as files: what the
    /// check looks at file by file. `requests` and `bulletins` are those in force,
    /// which may come from the history instead ([`Repository::use_records`]).
    pub record_files: RecordFiles,
    /// The placeholder sentences of each category's template (the repository's
    /// `templates/` and the built-in ones), which a report must not keep.
    pub placeholders: Placeholders,
    /// Report id → its index in `reports` (the first file of that id).
    pub by_id: std::collections::HashMap<String, usize>,
}

/// The work tree's requests and bulletin records, read as files.
#[derive(Debug, Default)]
pub struct RecordFiles {
    /// The requests that could be read, sorted by file.
    pub requests: Vec<Request>,
    /// The bulletin issue records that could be read, by year and number.
    pub bulletins: Vec<crate::report::bulletin::Issue>,
}

impl Repository {
    /// Rebuilds the index of report ids after `reports` changed.
    pub fn reindex(&mut self) {
        self.by_id.clear();
        for (index, report) in self.reports.iter().enumerate() {
            self.by_id.entry(report.id.clone()).or_insert(index);
        }
    }

    /// Makes the file that `holder` names for an id (the one holding its record
    /// on the main branch) the report of that id, whatever other file has it too.
    pub fn prefer<'a>(&mut self, holder: impl Fn(&str) -> Option<&'a str>) {
        for (index, report) in self.reports.iter().enumerate() {
            if holder(&report.id) == Some(report.file.as_str()) {
                self.by_id.insert(report.id.clone(), index);
            }
        }
    }

    /// Of the files that share an id no record `held` (main holds none of them),
    /// makes the one first `committed`, then the first by path, the report of
    /// that id: what `check` says keeps the id (SPEC §6.3).
    pub fn prefer_first_committed(
        &mut self,
        committed: impl Fn(&str) -> Option<i64>,
        held: impl Fn(&str) -> bool,
    ) {
        let mut files: std::collections::HashMap<&str, usize> = Default::default();
        for report in &self.reports {
            *files.entry(&report.id).or_default() += 1;
        }
        let shared = |id: &str| files.get(id).is_some_and(|&n| n > 1) && !held(id);
        let mut first: std::collections::HashMap<&str, (i64, &str)> = Default::default();
        for report in self.reports.iter().filter(|r| shared(&r.id)) {
            let key = (committed(&report.file).unwrap_or(i64::MAX), report.file.as_str());
            let kept = first.entry(&report.id).or_insert(key);
            *kept = (*kept).min(key);
        }
        let first: std::collections::HashMap<String, String> =
            first.into_iter().map(|(id, (_, file))| (id.to_string(), file.to_string())).collect();
        self.prefer(|id| first.get(id).map(String::as_str));
    }

    /// The report with id `id` (the holder of its record, else the first of its id, by file).
    pub fn report(&self, id: &str) -> Option<&Report> {
        self.by_id.get(id).map(|&i| &*self.reports[i])
    }

    /// The request with id `id`.
    pub fn request(&self, id: &str) -> Option<&Request> {
        self.requests.iter().find(|r| r.id == id)
    }

    /// Replaces the requests, bulletin records and templates read from the work
    /// tree by the versions in force in the signed history (SPEC §6.3: `records`,
    /// path → bytes). The work tree's files were still read, for their findings;
    /// those of the versions in force are not repeated.
    pub fn use_records(&mut self, records: &std::collections::BTreeMap<String, Vec<u8>>) {
        let mut ignored = Diagnostics::default();
        let text = |file: &str| {
            let bytes = records.get(file)?;
            if bytes.len() as u64 > MAX_FILE_BYTES {
                return None;
            }
            source::decode(bytes.clone()).ok()
        };
        let files = records.keys().filter(|file| {
            RECORD_DIRS.iter().any(|dir| under(dir, file))
                && [".yaml", ".yml"].iter().any(|ext| file.ends_with(ext))
        });
        let in_force =
            RecordFiles::parse(files.cloned(), |file, _| text(file), &self.settings, &mut ignored);
        (self.requests, self.bulletins) = (in_force.requests, in_force.bulletins);
        self.placeholders = placeholders(|own| text(own));
    }
}

/// Reads the repository of the workspace `ws` under its own settings, plus any
/// report files in `extra` outside `reports/`.
///
/// Fails only when the settings cannot be read; every problem of a report is a diagnostic.
pub fn load(
    ws: &Arc<Workspace>,
    extra: &[PathBuf],
    diags: &mut Diagnostics,
) -> anyhow::Result<Repository> {
    load_kept(ws, extra, None, diags)
}

/// [`load`], reading through the reports a long-lived process keeps `parsed`.
pub(crate) fn load_kept(
    ws: &Arc<Workspace>,
    extra: &[PathBuf],
    parsed: Option<&Parsed>,
    diags: &mut Diagnostics,
) -> anyhow::Result<Repository> {
    let settings = config::load(ws, diags)?;
    Ok(load_with_kept(ws, extra, settings, parsed, diags))
}

/// Reads the repository of the workspace `ws` under `settings` (the ones in force
/// in the history, for the commands that give verdicts), plus the `extra` report
/// files; every file is read through `ws`, once.
pub fn load_with(
    ws: &Arc<Workspace>,
    extra: &[PathBuf],
    settings: Settings,
    diags: &mut Diagnostics,
) -> Repository {
    load_with_kept(ws, extra, settings, None, diags)
}

/// [`load_with`], reading through the reports a long-lived process keeps
/// parsed: a file whose parse is `kept` unchanged is not read again.
pub(crate) fn load_with_kept(
    ws: &Arc<Workspace>,
    extra: &[PathBuf],
    settings: Settings,
    kept: Option<&Parsed>,
    diags: &mut Diagnostics,
) -> Repository {
    let (files, misnamed) = report_files(ws, extra);
    for file in misnamed {
        diags.push_as(
            crate::diag::Severity::Warning,
            &file,
            Pos::START,
            Rule::InvalidValue,
            Text::new(
                "不会当作信息读取：信息文件的扩展名是小写的 .md",
                "not read as a report: a report's file name ends in .md, lower case",
            ),
        );
    }
    let placeholders = placeholders(|own| {
        ws.read_file(own, MAX_FILE_BYTES).ok().and_then(|bytes| String::from_utf8(bytes).ok())
    });
    let parse = |file: &str| parse_report(ws, file, (&settings, &placeholders));
    let parses = match kept {
        Some(kept) => {
            kept.parse_all(ws.root(), &files, (&settings, &placeholders), ws.drafted(), parse)
        }
        None => files.par_iter().map(|file| parse(file)).collect(),
    };
    let mut reports = Vec::with_capacity(parses.len());
    for (report, local) in parses {
        reports.extend(report);
        diags.merge(local);
    }
    let record_files = RecordFiles::read(ws, &settings, diags);
    let mut repo = Repository {
        root: ws.root().to_path_buf(),
        settings,
        files: files.iter().map(|file| (stem(file), file.clone())).collect(),
        reports,
        requests: record_files.requests.clone(),
        bulletins: record_files.bulletins.clone(),
        record_files,
        placeholders,
        by_id: std::collections::HashMap::new(),
        workspace: ws.clone(),
    };
    repo.reindex();
    repo
}

/// The report files of the workspace `ws`, sorted: those under `reports/`, those
/// under the paths `extra` and the draft the desk gives, if any; and the files
/// under `reports/` that look like reports but are not read as one (`.MD`,
/// `.markdown`).
fn report_files(ws: &Workspace, extra: &[PathBuf]) -> (Vec<String>, Vec<String>) {
    let root = ws.root();
    let markdown =
        |ext: &str| ["md", "markdown", "mdown"].iter().any(|m| ext.eq_ignore_ascii_case(m));
    let (mut files, misnamed): (Vec<String>, Vec<String>) =
        find(root, REPORTS, markdown).into_iter().partition(|file| file.ends_with(".md"));
    for path in extra {
        for file in find(root, &relative(root, path), |ext| ext == "md") {
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    if let Some(file) = ws.drafted()
        && !files.iter().any(|f| f == file)
    {
        files.push(file.to_string());
    }
    files.sort();
    (files, misnamed)
}

/// Reads and parses the report `file` under the settings and the templates'
/// placeholders: the report, when its front matter could be read, and the
/// findings of reading and parsing it.
fn parse_report(
    ws: &Workspace,
    file: &str,
    (settings, placeholders): (&Settings, &Placeholders),
) -> (Option<Arc<Report>>, Diagnostics) {
    let mut local = Diagnostics::default();
    let report = read_text(ws, file, &mut local).and_then(|read| {
        let text = read.text(ws, file)?;
        let mut report =
            report::parse(file, &stem(file), text, settings, placeholders, &mut local)?;
        report.read = Some(read);
        Some(Arc::new(report))
    });
    (report, local)
}

impl RecordFiles {
    /// The requests and bulletin records of the workspace `ws`, read under `settings`.
    fn read(ws: &Workspace, settings: &Settings, diags: &mut Diagnostics) -> RecordFiles {
        let yaml = |ext: &str| ext == "yaml" || ext == "yml";
        let files = RECORD_DIRS.iter().flat_map(|dir| find(ws.root(), dir, yaml));
        RecordFiles::parse(files, |file, diags| read_record(ws, file, diags), settings, diags)
    }

    /// Parses the requests and bulletin records among `files`, each as `text`
    /// reads it, under `settings`.
    fn parse(
        files: impl IntoIterator<Item = String>,
        mut text: impl FnMut(&str, &mut Diagnostics) -> Option<String>,
        settings: &Settings,
        diags: &mut Diagnostics,
    ) -> RecordFiles {
        let mut records = RecordFiles::default();
        for file in files {
            let Some(text) = text(&file, diags) else { continue };
            if under(REQUESTS, &file) {
                records.requests.extend(Request::parse(
                    &file,
                    &stem(&file),
                    &text,
                    settings,
                    diags,
                ));
            } else {
                records.bulletins.extend(Issue::parse(&file, &text, diags));
            }
        }
        records.bulletins.sort_by_key(|issue| (issue.year, issue.number));
        records
    }
}

/// A unit speaks for itself (SPEC §6.3): `follow_up_of` and `retracts` name a
/// report of the same unit. Otherwise `cross-unit-reference` and the reference is
/// cut: the follow-up is judged as a first report, the retraction retracts
/// nothing — except a retraction in a report the office published, where the
/// history tells (`published`); without it, such a retraction is a warning (it
/// takes effect once the office publishes the report).
pub fn sever_cross_unit(
    repo: &mut Repository,
    published: Option<&dyn Fn(&Report) -> bool>,
    diags: &mut Diagnostics,
) {
    let unit_of = |id: &str| repo.report(id)?.unit.as_ref().map(|u| u.value.as_str());
    let mut cut = Vec::new();
    for (index, report) in repo.reports.iter().enumerate() {
        let Some(ours) = report.unit.as_ref().map(|u| u.value.as_str()) else { continue };
        for (key, target) in
            [("follow_up_of", &report.follow_up_of), ("retracts", &report.retracts)]
        {
            let Some(target) = target else { continue };
            let Some(theirs) = unit_of(&target.value) else { continue };
            let retracts = key == "retracts";
            if theirs == ours || retracts && published.is_some_and(|p| p(report)) {
                continue;
            }
            let id = &target.value;
            let severity = match retracts && published.is_none() {
                true => crate::diag::Severity::Warning,
                false => crate::diag::Severity::Error,
            };
            diags.push_as(
                severity,
                &report.file,
                target.span(),
                Rule::CrossUnitReference,
                Text::new(
                    format!("`{key}` 指向“{theirs}”的信息 `{id}`：只能续报或撤回本科室（{ours}）的信息（撤回其他科室的信息须是办公室签名发布的信息），此引用不生效"),
                    format!("`{key}` names `{id}`, a report of “{theirs}”: a unit may only continue or retract its own ({ours}) reports (another unit's may be retracted only by a report the office published); the reference has no effect"),
                ),
            );
            cut.push((index, key));
        }
    }
    for (index, key) in cut {
        let report = Arc::make_mut(&mut repo.reports[index]);
        match key {
            "follow_up_of" => report.follow_up_of = None,
            _ => report.retracts = None,
        }
    }
}

/// The placeholder sentences of each category: those of the repository's own
/// template (`templates/<category>.md`, read by `read`, when it has one) and of
/// the built-in one.
fn placeholders(read: impl Fn(&str) -> Option<String>) -> Placeholders {
    let by_category = crate::report::Category::ALL
        .iter()
        .map(|category| {
            let mut found =
                crate::templates::placeholders(crate::templates::report_template(*category));
            if let Some(text) = read(&format!("templates/{}.md", category.id())) {
                found.extend(crate::templates::placeholders(&text));
            }
            found.sort();
            found.dedup();
            (*category, found)
        })
        .collect();
    Placeholders::new(by_category)
}

/// Whether the repository-relative `file` is in the folder `dir`.
fn under(dir: &str, file: &str) -> bool {
    file.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

/// Repository-relative paths (with `/`) of the files under `dir` whose extension
/// `wanted` takes.
fn find(root: &Path, dir: &str, wanted: impl Fn(&str) -> bool) -> Vec<String> {
    let start = root.join(dir);
    let mut files: Vec<String> = WalkDir::new(&start)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_type().is_dir())
        .filter(|entry| {
            let ext = entry.path().extension().and_then(|e| e.to_str()).unwrap_or_default();
            wanted(ext)
        })
        .map(|entry| relative(root, entry.path()))
        .collect();
    files.sort();
    files
}

/// `path` relative to `root`, with `/` separators; paths outside stay as given.
pub fn relative(root: &Path, path: &Path) -> String {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { root.join(path) };
    let shown = absolute.strip_prefix(root).unwrap_or(&absolute);
    let parts: Vec<_> = shown.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

/// The files under the paths a user named (`check FILE…`), each relative to
/// the root as [`relative`] makes it: a file is within when it is a path named
/// or under a folder named.
pub struct Within(Vec<String>);

impl Within {
    /// The files under `paths` (as given on the command line) of the
    /// repository at `root`.
    pub fn new(root: &Path, paths: &[PathBuf]) -> Within {
        let absolute = |p: &PathBuf| std::path::absolute(p).unwrap_or_default();
        Within(paths.iter().map(|p| relative(root, &absolute(p))).collect())
    }

    /// Whether `file` (relative to the root) is within.
    pub fn has(&self, file: &str) -> bool {
        self.0.iter().any(|p| {
            p.is_empty()
                || file == p
                || file.strip_prefix(p.as_str()).is_some_and(|r| r.starts_with('/'))
        })
    }
}

/// A file's stem: the report or request id.
pub fn stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem).to_string()
}

/// Reads an office record (a request or a bulletin record) as normalized text,
/// or records why it cannot be read.
fn read_record(ws: &Workspace, file: &str, diags: &mut Diagnostics) -> Option<String> {
    let bytes = read_bytes(ws, file, diags)?;
    decode(file, bytes, diags)
}

/// Reads a repository file's bytes, unless it is not a regular file or is too
/// large ([`Workspace::read_file`]); records why it cannot be read.
fn read_bytes(ws: &Workspace, file: &str, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    let why = match ws.read_file(file, MAX_FILE_BYTES) {
        Ok(bytes) => return Some(bytes),
        Err(why) => why,
    };
    let (rule, zh, en) = match why {
        Unread::Link => (
            Rule::UnsafeLink,
            "文件是符号链接，已跳过（请提交文件本身）".to_string(),
            "the file is a symbolic link and was skipped (commit the file itself)".to_string(),
        ),
        Unread::NotAFile => (
            Rule::InvalidValue,
            "不是普通文件（文件夹、管道或设备），已跳过".to_string(),
            "not a regular file (a folder, a pipe or a device) and was skipped".to_string(),
        ),
        Unread::TooLarge(len) => (
            Rule::FileTooLarge,
            format!("文件大小 {len} 字节，超过 1 MiB 上限"),
            format!("the file has {len} bytes, over the 1 MiB limit"),
        ),
        // The walk spells a name that is not UTF-8 with U+FFFD, a name no file has.
        Unread::Io(err) if err.kind() == std::io::ErrorKind::NotFound && file.contains('\u{fffd}') => (
            Rule::InvalidValue,
            "文件名不是 UTF-8 编码（显示为 �），读不出：请用 UTF-8 重新命名".to_string(),
            "the file's name is not UTF-8 (shown with �) and cannot be read: rename it in UTF-8"
                .to_string(),
        ),
        Unread::Io(err) => (
            Rule::InvalidValue,
            format!("无法读取文件：{err}"),
            format!("cannot read the file: {err}"),
        ),
    };
    diags.push(file, Pos::START, rule, Text::new(zh, en));
    None
}

/// The text of the report file `file` as the loader reads it.
fn read_text(ws: &Workspace, file: &str, diags: &mut Diagnostics) -> Option<report::ReadText> {
    report::ReadText::of(read_bytes(ws, file, diags)?)
        .map_err(|pos| not_utf8(file, pos, diags))
        .ok()
}

/// Decodes a file's bytes as normalized text, or records that they are not UTF-8.
fn decode(file: &str, bytes: Vec<u8>, diags: &mut Diagnostics) -> Option<String> {
    source::decode(bytes).map_err(|pos| not_utf8(file, pos, diags)).ok()
}

/// Records that `file` is not UTF-8 from `pos` on.
fn not_utf8(file: &str, pos: Pos, diags: &mut Diagnostics) {
    diags.push(
        file,
        pos,
        Rule::InvalidValue,
        Text::new(
            "文件不是有效的 UTF-8 编码（请以 UTF-8 保存）",
            "the file is not valid UTF-8 (save it as UTF-8)",
        ),
    );
}

/// The human format quotes a report from the text the run read (no second read
/// from disk); other files are read when quoted.
impl crate::diag::Sources for Repository {
    fn text(&self, file: &str) -> Option<Arc<str>> {
        let report = self.report(&stem(file)).filter(|r| r.file == file);
        match report.and_then(|r| r.read.as_ref()?.text(&self.workspace, file)) {
            Some(text) => Some(text.clone()),
            None => self.workspace.text(file),
        }
    }
}

//! The year's transfer package for the county archive (SPEC §7.1, seed §六):
//! every published report of the year as one 件 with its 档号 (DA/T 22-2015),
//! its PDF/A and DOCX, its signed source and pictures, and its metadata; the
//! catalogue as XML and as the printed 归档文件目录; the year's volume; the
//! history as a `git bundle`, so every signature stays verifiable; and a
//! SHA-256 manifest. [`verify`] checks such a package from itself alone.

pub mod record;
pub mod verify;

use crate::approval::{Step, Trail};
use crate::config::Retention;
use crate::pipeline::Verdicts;
use crate::run::Run;
use crate::volume::{By, Entry};
use anyhow::Context as _;
use record::{Action, Record};
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The folder of the 件 (电子档案/<年度>/<期限>/<档号>).
pub const ITEMS: &str = "电子档案";
/// The folder of everything else.
pub const OTHER: &str = "其他";
/// The catalogue as XML.
pub const CATALOGUE: &str = "文件目录.xml";
/// The description of the package.
pub const README: &str = "说明文件.txt";
/// The manifest.
pub const MANIFEST: &str = "manifest-sha256.txt";
/// The history.
pub const BUNDLE: &str = "其他/history.bundle";
/// The printed catalogue.
pub const PRINTED_CATALOGUE: &str = "其他/归档文件目录.pdf";
/// What the PDFs are.
pub const FORMAT: &str = "PDF/A-2b";
/// The record class of reports in a 档号: 文书.
pub const CLASS: &str = "WS";

/// What was written.
pub struct Package {
    /// The 件.
    pub items: usize,
    /// Files in the package, the manifest's lines.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
    /// Problems that did not stop the package (a PDF that is not PDF/A, say).
    pub warnings: Vec<String>,
}

/// One 件 being made: its entry and its place.
struct Item<'v, 'r> {
    entry: &'v Entry<'r>,
    retention: Retention,
    unit_code: String,
    number: usize,
}

impl Item<'_, '_> {
    fn code(&self, fonds: &str, year: i32) -> String {
        format!(
            "{fonds}-{CLASS}·{year}-{}-{}-{:04}",
            self.retention.code(),
            self.unit_code,
            self.number
        )
    }
}

/// Writes the transfer package of `year` into `out`, which must not exist or be
/// empty: it is made beside it and moved into place whole.
pub fn write(run: &Run, verdicts: &Verdicts, year: i32, out: &Path) -> anyhow::Result<Package> {
    let repo = &verdicts.repo;
    let ledger = verdicts.ledger()?;
    let settings = &repo.settings;
    let archive = &settings.archive;
    if archive.fonds.is_empty() {
        return Err(crate::lang::unable(
            "xinbao.yaml 没有 archive.fonds（全宗号，由档案馆编定）：请先填写，见 docs/office.md“移交档案”",
            "xinbao.yaml has no archive.fonds (the fonds number the archive assigns): fill it in first (docs/office.md)",
        ));
    }
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(crate::lang::unable(
            format!("{} 已存在且不为空：移交包写入新目录", out.display()),
            format!(
                "{} exists and is not empty: the package goes into a new folder",
                out.display()
            ),
        ));
    }
    let volume = crate::volume::select(
        repo,
        ledger,
        &verdicts.late,
        crate::stats::Period::Year(year),
        By::Category,
    );
    if volume.groups.is_empty() {
        return Err(crate::lang::unable(
            format!("{year}年没有已发布的信息，无可移交"),
            format!("nothing was published in {year}: nothing to transfer"),
        ));
    }
    let items = number(&volume, settings);
    let git = run.history()?;
    let names = &settings.fonts;
    let (fonts, problems) = crate::render::font_set(&repo.workspace, names);
    let mut warnings = problems;

    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // Never through a link of the repository's, nor into one.
    crate::out_dir::OutDir::open(run.root(), parent)?;
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(crate::lang::unable(
            format!("{} 是符号链接：移交包写入真实的新目录", out.display()),
            format!(
                "{} is a symbolic link: the package goes into a real new folder",
                out.display()
            ),
        ));
    }
    let name = out.file_name().context("--out names no folder")?.to_string_lossy();
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let made = (|| {
        std::fs::create_dir_all(staging.join(OTHER))?;
        let mut records = Vec::new();
        // The documents of the 件, on every core; the rest in order.
        let documents = crate::render::on_threads(&items, |item| {
            let document =
                crate::layout::report::prepare(repo, item.entry.report, Some(item.entry.trail))?;
            let pdf = crate::render::pdf::write(&document, &fonts, names)?;
            let docx = crate::render::docx::write(&document, names)?;
            anyhow::Ok((pdf, docx))
        })?;
        for (item, documents) in items.iter().zip(documents) {
            let (pdf, docx) = documents.with_context(|| item.entry.report.id.clone())?;
            warnings.extend(pdf.warnings);
            warnings.extend(docx.warnings);
            let code = item.code(&archive.fonds, year);
            let folder =
                Path::new(ITEMS).join(year.to_string()).join(item.retention.code()).join(&code);
            let mut record = describe(verdicts, item, &code, year, &pdf.bytes)?;
            put(&staging, &folder.join(&record.file_name), &pdf.bytes)?;
            put(&staging, &folder.join(format!("{code}.docx")), &docx.bytes)?;
            sources(git, item.entry.trail, &staging, &folder.join("源文件"))?;
            record.actions.push(Action {
                kind: "归档".into(),
                person: run.user_name().unwrap_or_else(|| "未署名".into()),
                time: crate::time::rfc3339(run.now().timestamp(), settings.timezone),
                ..Action::default()
            });
            put(&staging, &folder.join(format!("{code}.xml")), record.document().as_bytes())?;
            records.push(record);
        }
        // In the order of the 档号's parts: retention (永久 first), unit, 件号.
        put(&staging, Path::new(CATALOGUE), catalogue_xml(&records, year, archive).as_bytes())?;
        let printed = catalogue_pdf(&records, year, settings, &fonts, volume.date)?;
        put(&staging, Path::new(PRINTED_CATALOGUE), &printed)?;
        let written = crate::render::volume::write(&volume, repo, &fonts, names)?;
        warnings.extend(written.warnings);
        put(&staging, &Path::new(OTHER).join(format!("{}.pdf", volume.stem())), &written.pdf)?;
        bundle(run.root(), &staging.join(BUNDLE))?;
        let (files, bytes) = listing(&staging)?;
        let tip = git.find_reference("refs/heads/main")?.peel_to_commit()?.id().to_string();
        let readme = readme(run, settings, year, &records, files, bytes, &tip);
        put(&staging, Path::new(README), readme.as_bytes())?;
        let manifest = manifest(&staging)?;
        put(&staging, Path::new(MANIFEST), manifest.as_bytes())?;
        anyhow::Ok((records.len(), manifest.lines().count()))
    })();
    let (count, lines) = match made {
        Ok(made) => made,
        Err(err) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(err);
        }
    };
    let _ = std::fs::remove_dir(out);
    std::fs::rename(&staging, out)
        .with_context(|| format!("moving the package to {}", out.display()))?;
    let bytes = walk_files(out)?.iter().map(|(_, size)| size).sum();
    Ok(Package { items: count, files: lines, bytes, warnings })
}

/// One line of a year's catalogue (归档文件目录) as the archive site shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The report id.
    pub id: String,
    /// Its 档号; none until `archive.fonds` is set.
    pub code: Option<String>,
    /// 题名.
    pub title: String,
    /// 责任者.
    pub unit: String,
    /// The day it arrived.
    pub day: chrono::NaiveDate,
    /// 保管期限.
    pub retention: Retention,
    /// 迟报, 已撤回.
    pub remark: String,
}

/// The catalogue of `volume` (a year's): each 件 in the order of its 档号, as
/// [`write`] numbers them.
pub fn catalogue(volume: &crate::volume::Volume, settings: &crate::config::Settings) -> Vec<Row> {
    let year = volume.period.year();
    let fonds = &settings.archive.fonds;
    number(volume, settings)
        .iter()
        .map(|item| {
            let entry = item.entry;
            let mut remark = Vec::new();
            if entry.retracted_by.is_some() {
                remark.push("已撤回");
            }
            if entry.late {
                remark.push("迟报");
            }
            Row {
                id: entry.report.id.clone(),
                code: (!fonds.is_empty()).then(|| item.code(fonds, year)),
                title: entry.title().to_string(),
                unit: entry.unit().to_string(),
                day: entry.day,
                retention: item.retention,
                remark: remark.join("、"),
            }
        })
        .collect()
}

/// The 件 of `volume` with their retention, unit code and 件号: numbered without
/// gaps within year, retention and unit, in the order of arrival (DA/T 22).
fn number<'v, 'r>(
    volume: &'v crate::volume::Volume<'r>,
    settings: &crate::config::Settings,
) -> Vec<Item<'v, 'r>> {
    let archive = &settings.archive;
    let mut items: Vec<Item> = volume
        .entries()
        .map(|entry| {
            let unit = entry.unit();
            let unit_code = archive.unit_codes.get(unit).cloned().unwrap_or_else(|| {
                Some(crate::slug::initials(unit)).filter(|c| !c.is_empty()).unwrap_or("QT".into())
            });
            let retention = archive.retention.of(entry.report.category().map(|c| c.id()));
            Item { entry, retention, unit_code, number: 0 }
        })
        .collect();
    items.sort_by(|a, b| {
        (a.retention, &a.unit_code, a.entry.arrived, &a.entry.report.id).cmp(&(
            b.retention,
            &b.unit_code,
            b.entry.arrived,
            &b.entry.report.id,
        ))
    });
    let mut counts: BTreeMap<(Retention, String), usize> = BTreeMap::new();
    for item in &mut items {
        let n = counts.entry((item.retention, item.unit_code.clone())).or_default();
        *n += 1;
        item.number = *n;
    }
    items
}

/// The metadata of one 件 from the signed history (归档 is added by the caller).
fn describe(
    verdicts: &Verdicts,
    item: &Item,
    code: &str,
    year: i32,
    pdf: &[u8],
) -> anyhow::Result<Record> {
    let settings = &verdicts.repo.settings;
    let archive = &settings.archive;
    let (entry, trail) = (item.entry, item.entry.trail);
    let zone = settings.timezone;
    let published = trail.published_by.last().context("published without a publication")?;
    let date = chrono::DateTime::from_timestamp(published.at, 0).unwrap_or_default();
    let number = verdicts
        .repo
        .bulletins
        .iter()
        .find(|issue| issue.reports.iter().any(|r| r.value == entry.report.id))
        .map(|issue| format!("《{}》{}年第{}期", settings.bulletin.name, issue.year, issue.number))
        .unwrap_or_default();
    let mut remark = Vec::new();
    if let Some(by) = &entry.retracted_by {
        remark.push(format!("已撤回（{by}）"));
    }
    if entry.late {
        remark.push("迟报".to_string());
    }
    let pages = crate::transfer::verify::pdf_pages(pdf).unwrap_or(0);
    let mut actions = Vec::new();
    if let Some((commit, at)) = trail.steps.iter().find_map(|s| match s {
        Step::Submitted { commit, at, .. } => Some((commit, at)),
        _ => None,
    }) {
        let received = verdicts.received(&entry.report.id);
        actions.push(Action {
            kind: "起草".into(),
            person: format!("{} {}", entry.unit(), crate::fields::text(&entry.report.author))
                .trim()
                .to_string(),
            time: crate::time::rfc3339(*at, zone),
            commit: commit.to_string(),
            key: String::new(),
            received: received.map(|r| crate::time::rfc3339(r, zone)).unwrap_or_default(),
        });
    }
    for (kind, signature) in [("审核", trail.approved_by.last()), ("发布", Some(published))] {
        if let Some(s) = signature {
            actions.push(Action {
                kind: kind.into(),
                person: s.name.clone(),
                time: crate::time::rfc3339(s.at, zone),
                commit: s.commit.to_string(),
                key: s.key.clone(),
                received: String::new(),
            });
        }
    }
    Ok(Record {
        id: entry.report.id.clone(),
        code: code.to_string(),
        fonds: archive.fonds.clone(),
        fonds_name: fonds_name(settings),
        year: year.to_string(),
        retention: item.retention.code().into(),
        unit_code: item.unit_code.clone(),
        item: format!("{:04}", item.number),
        title: entry.title().to_string(),
        unit: entry.unit().to_string(),
        date: date.with_timezone(&zone).format("%Y%m%d").to_string(),
        number,
        classification: "公开".into(),
        pages: pages.to_string(),
        format: FORMAT.into(),
        file_name: format!("{code}.pdf"),
        file_size: pdf.len().to_string(),
        digest: hex(&Sha256::digest(pdf)),
        creator: concat!("xinbao ", env!("CARGO_PKG_VERSION")).into(),
        remark: remark.join("；"),
        actions,
    })
}

/// 立档单位名称: `archive.fonds_name`, else the bureau.
fn fonds_name(settings: &crate::config::Settings) -> String {
    match settings.archive.fonds_name.as_str() {
        "" => settings.bureau.clone(),
        name => name.to_string(),
    }
}

/// The signed text and pictures of `trail`, from the history, under `folder`
/// with their paths in the repository (so the text's links still resolve).
fn sources(
    git: &git2::Repository,
    trail: &Trail,
    root: &Path,
    folder: &Path,
) -> anyhow::Result<()> {
    let content = trail.signed_content().context("no signed content")?;
    // Paths from the history are written under the 件's folder only when plain.
    anyhow::ensure!(crate::out_dir::is_plain(&trail.file), "{}: not a plain path", trail.file);
    // Read only within the limits a work tree's report and picture are held to.
    let odb = git.odb()?;
    let text = crate::tree::read_at_most(&odb, content.text, crate::load::MAX_FILE_BYTES)?;
    put(root, &folder.join(&trail.file), text.data())?;
    for (path, blob) in &content.pictures {
        let Some(blob) = blob else { continue };
        if crate::out_dir::is_plain(path) {
            let picture = crate::report::picture::MAX_IMAGE_BYTES;
            put(root, &folder.join(path), crate::tree::read_at_most(&odb, *blob, picture)?.data())?;
        }
    }
    Ok(())
}

/// Writes `bytes` to `rel` under `root`, making its folders.
fn put(root: &Path, rel: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// `git bundle create` of main into `path`.
fn bundle(root: &Path, path: &Path) -> anyhow::Result<()> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["bundle", "create", "--quiet"])
        .arg(path)
        .arg("refs/heads/main")
        .output()
        .context("running git bundle")?;
    anyhow::ensure!(
        out.status.success(),
        "git bundle create: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// The catalogue: every 件's metadata.
fn catalogue_xml(records: &[Record], year: i32, archive: &crate::config::Archive) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<文件目录 全宗号=\"{}\" 年度=\"{year}\" 件数=\"{}\">\n",
        record::escape(&archive.fonds),
        records.len()
    );
    for r in records {
        xml.push_str(&r.element(2));
    }
    xml.push_str("</文件目录>\n");
    xml
}

/// The printed 归档文件目录 (DA/T 22: A4 landscape, 序号 to 备注).
fn catalogue_pdf(
    records: &[Record],
    year: i32,
    settings: &crate::config::Settings,
    fonts: &crate::render::fonts::FontSet,
    date: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<u8>> {
    let header = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"];
    let rows: Vec<Vec<String>> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.code.clone(),
                r.number.clone(),
                r.unit.clone(),
                r.title.clone(),
                r.date.clone(),
                r.classification.clone(),
                r.pages.clone(),
                r.remark.clone(),
            ]
        })
        .collect();
    let title = format!("{} {year}年度 归档文件目录", fonds_name(settings));
    let subtitle = format!("全宗号：{}　　件数：{}", settings.archive.fonds, records.len());
    crate::render::pdf::catalogue(&title, &subtitle, &header, &rows, fonts, &settings.fonts, date)
}

/// 说明文件: what, who, when, how many, how to verify.
fn readme(
    run: &Run,
    settings: &crate::config::Settings,
    year: i32,
    records: &[Record],
    files: usize,
    bytes: u64,
    tip: &str,
) -> String {
    let count = |code: &str| records.iter().filter(|r| r.retention == code).count();
    let who = run.user_name().unwrap_or_else(|| "未署名".into());
    let now = crate::time::rfc3339(run.now().timestamp(), settings.timezone);
    format!(
        "{bureau} {year}年度信息报送电子档案移交说明\n\n\
立档单位：{name}\n全宗号：{fonds}\n年度：{year}\n件数：{n}（永久 {y}，30年 {d30}，10年 {d10}）\n\
文件数：{files}（不含本说明文件和 {MANIFEST}）\n总字节数：{bytes}\n\
生成程序：xinbao {version}\n生成时间：{now}\n移交人：{who}\n主分支提交：{tip}\n\n\
内容：\n  {CATALOGUE}  归档文件目录（每件一条，含全部元数据）\n\
  {ITEMS}/<年度>/<保管期限>/<档号>/  每件一个目录：<档号>.pdf（PDF/A-2b）、<档号>.docx、<档号>.xml（元数据）、源文件/（签名的原稿和图片）\n\
  {PRINTED_CATALOGUE}  归档文件目录（打印本，A4 横向）\n  其他/信息汇编-{year}.pdf  本年度信息汇编\n\
  {BUNDLE}  报送仓库主分支的 git 历史（git bundle），每一次审核、发布的签名都可核验\n\
  {MANIFEST}  除该文件外每个文件的 SHA-256\n\n\
核验（四性检测，离线，只用本包）：\n  xinbao verify-transfer <本目录>\n\
  或：sha256sum -c {MANIFEST}；git clone {BUNDLE} 后 git log --show-signature\n\
档案馆应核对历史包的根提交和办公室密钥指纹与报送单位登记的一致（xinbao verify-transfer --trust-root <根提交>）。\n",
        bureau = settings.bureau,
        name = fonds_name(settings),
        fonds = settings.archive.fonds,
        n = records.len(),
        y = count("Y"),
        d30 = count("D30"),
        d10 = count("D10"),
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// Every regular file under `root` with its size, paths relative with `/`, sorted.
pub fn walk_files(root: &Path) -> anyhow::Result<Vec<(String, u64)>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root)?;
            let rel: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            files.push((rel.join("/"), entry.metadata()?.len()));
        }
    }
    files.sort();
    Ok(files)
}

/// How many files the package holds so far, and their bytes.
fn listing(root: &Path) -> anyhow::Result<(usize, u64)> {
    let files = walk_files(root)?;
    Ok((files.len(), files.iter().map(|(_, size)| size).sum()))
}

/// `sha256sum` lines of every file but the manifest.
fn manifest(root: &Path) -> anyhow::Result<String> {
    let mut lines = String::new();
    for (rel, _) in walk_files(root)? {
        if rel == MANIFEST {
            continue;
        }
        let bytes = std::fs::read(root.join(&rel))?;
        lines.push_str(&format!("{}  {rel}\n", hex(&Sha256::digest(&bytes))));
    }
    Ok(lines)
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

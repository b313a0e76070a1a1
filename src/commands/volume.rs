//! `xinbao volume --year Y | --quarter Q [--by category|month]`: the period's
//! 信息汇编 as PDF and DOCX (SPEC §7.1), from the signed history alone.

use crate::cli::{VolumeArgs, VolumeBy};
use crate::lang::{Lang, Tone, tell};
use crate::run::Run;
use crate::volume::{self, By};
use std::path::PathBuf;
use std::process::ExitCode;

/// Runs `volume`.
pub fn run(run: &Run, args: &VolumeArgs) -> anyhow::Result<ExitCode> {
    let Some(period) = args.quarter.or(args.year) else {
        return Err(crate::lang::unable("请给出 --quarter 或 --year", "give --quarter or --year"));
    };
    let verdicts =
        crate::pipeline::judge(run, crate::pipeline::Purpose::Figures { deleted: false })?;
    let (repo, late, ledger) = (&verdicts.repo, &verdicts.late, verdicts.ledger()?);
    crate::pipeline::warn_if_not_main(run, repo, ledger);
    let by = match args.by {
        VolumeBy::Category => By::Category,
        VolumeBy::Month => By::Month,
    };
    let volume = volume::select(repo, ledger, late, period, by);
    if volume.groups.is_empty() {
        return Err(crate::lang::unable(
            format!("{}没有已发布的信息，不编汇编", period.chinese()),
            format!("nothing was published in {}: no volume", period.english()),
        ));
    }
    let written = write(run, &volume, repo, args.out.clone())?;
    let lang = run.lang();
    let printed = volume.entries().filter(|e| e.printed()).count();
    let retracted = volume.entries().count() - printed;
    match lang {
        Lang::Zh => println!(
            "《{}》：收录 {printed} 条信息{}，共 {} 页",
            volume.title(&repo.settings.bureau),
            if retracted > 0 {
                format!("（另 {retracted} 条已撤回，只列目录）")
            } else {
                String::new()
            },
            written.1
        ),
        Lang::En => println!(
            "{} volume {}: {printed} reports{}, {} pages",
            repo.settings.bureau,
            period.english(),
            if retracted > 0 {
                format!(" ({retracted} retracted, listed only)")
            } else {
                String::new()
            },
            written.1
        ),
    }
    for path in written.0 {
        match lang {
            Lang::Zh => println!("已生成 {}", path.display()),
            Lang::En => println!("wrote {}", path.display()),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `volume`'s PDF and DOCX into `out` (default `public/volumes`): the
/// files written and the PDF's page count.
fn write(
    run: &Run,
    volume: &volume::Volume,
    repo: &crate::load::Repository,
    out: Option<PathBuf>,
) -> anyhow::Result<(Vec<PathBuf>, usize)> {
    let names = &repo.settings.fonts;
    let (fonts, problems) = crate::render::font_set(&repo.workspace, names);
    problems.iter().for_each(|p| eprintln!("{p}"));
    let written = crate::render::volume::write(volume, repo, &fonts, names)?;
    for warning in &written.warnings {
        tell(run.lang(), Tone::Caution, &crate::lang::Text::new(warning.clone(), warning.clone()));
    }
    // Never through a link of the repository's (a `public` committed as one, say).
    let out = out.unwrap_or_else(|| run.root().join("public").join("volumes"));
    let out = crate::out_dir::OutDir::open(run.root(), &out)?;
    let mut paths = Vec::new();
    for (ext, bytes) in [("pdf", &written.pdf), ("docx", &written.docx)] {
        let file = format!("{}.{ext}", volume.stem());
        out.write(&file, bytes, true)?;
        paths.push(out.path().join(file));
    }
    Ok((paths, written.page_count))
}

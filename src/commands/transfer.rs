//! `xinbao transfer --year Y --out DIR` writes the year's package for the county
//! archive; `xinbao verify-transfer DIR` checks one from the package alone (SPEC §7.1).

use crate::cli::{TransferArgs, VerifyTransferArgs};
use crate::lang::{Lang, Tone, tell};
use crate::run::Run;
use std::process::ExitCode;

/// Runs `transfer`.
pub fn run(run: &Run, args: &TransferArgs) -> anyhow::Result<ExitCode> {
    let year = args.year.year();
    let verdicts =
        crate::pipeline::judge(run, crate::pipeline::Purpose::Figures { deleted: false })?;
    crate::pipeline::warn_if_not_main(run, &verdicts.repo, verdicts.ledger()?);
    let package = crate::transfer::write(run, &verdicts, year, &args.out)?;
    let lang = run.lang();
    for warning in &package.warnings {
        tell(lang, Tone::Caution, &crate::lang::Text::new(warning.clone(), warning.clone()));
    }
    let (items, files, bytes, out) =
        (package.items, package.files + 1, package.bytes, args.out.display());
    let done = crate::lang::Text::new(
        format!(
            "{year}年度移交包：{items} 件，{files} 个文件，{bytes} 字节，在 {out}\n核验：xinbao verify-transfer {out}"
        ),
        format!(
            "transfer package of {year}: {items} items, {files} files, {bytes} bytes, in {out}\ncheck it: xinbao verify-transfer {out}"
        ),
    );
    println!("{}", done.get(lang));
    Ok(ExitCode::SUCCESS)
}

/// Runs `verify-transfer`: one line per check, exit 1 on any failure.
pub fn verify(
    args: &VerifyTransferArgs,
    lang: Lang,
    trust_root: Option<String>,
) -> anyhow::Result<ExitCode> {
    if !args.dir.is_dir() {
        return Err(crate::lang::unable(
            format!("{}：不是目录", args.dir.display()),
            format!("{}: not a folder", args.dir.display()),
        ));
    }
    let checks = crate::transfer::verify::verify(&args.dir, lang, trust_root);
    let failed = checks.iter().filter(|c| !c.failures.is_empty()).count();
    for check in &checks {
        println!("{}", check.line(lang));
    }
    match (lang, failed) {
        (Lang::Zh, 0) => println!("四性检测通过：{} 项检查", checks.len()),
        (Lang::En, 0) => println!("all {} checks passed", checks.len()),
        (Lang::Zh, n) => println!("四性检测未通过：{n} 项检查有问题"),
        (Lang::En, n) => println!("{n} checks failed"),
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

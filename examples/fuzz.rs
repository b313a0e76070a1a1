//! A mutation fuzzer on stable Rust, for the parsers and renderers (cargo-fuzz
//! needs a nightly toolchain and a sanitizer build of typst, which does not fit
//! this project's CI; this harness runs on the release build instead).
//!
//! ```sh
//! cargo run --release --example fuzz -- TARGET SECONDS [SEED]
//! ```
//!
//! Targets: `report` (front matter and YAML → rules → layout → DOCX, through the
//! real loader), `pdf` (the same, then the PDF), `settings` (xinbao.yaml and the
//! signing keys: SSH keys and OpenPGP armor), `search` (the archive's search
//! keys). Inputs are the project's and the fixtures' reports and settings,
//! mutated (bytes flipped, inserted, deleted, repeated; Markdown, YAML and
//! full-width tokens inserted; two inputs spliced). A panic is a crash: its
//! input is saved under `fuzz-crashes/` and the run fails. Runs are
//! deterministic for a seed.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Tokens the mutations insert: the syntax the parsers care about.
const TOKENS: &[&str] = &[
    "---",
    "\n---\n",
    ":",
    "：",
    ": ",
    "\t",
    "\u{3000}",
    "[",
    "]",
    "](",
    "![",
    "](images/ok.png)",
    "**",
    "*",
    "_",
    "~~",
    "`",
    "```",
    "<",
    ">",
    "<script>",
    "&",
    "&amp;",
    "|",
    "| --- |",
    "\n|a|b|\n",
    "#",
    "## ",
    "###### ",
    "\n- ",
    "\n1. ",
    "> ",
    "{{",
    "}}",
    "&a",
    "*a",
    "!!str",
    "? ",
    "- - - ",
    "1e999",
    "-1",
    "99999999999999999999",
    "2026-02-30",
    "T25:61",
    "+99:99",
    "\"",
    "'",
    "\\",
    "\u{feff}",
    "\r\n",
    "\u{202e}",
    "𠀀",
    "\0",
    "emergency:",
    "images:\n  - file: ",
    "caption: ",
    "follow_up_of: ",
    "adoptions:\n  - by: x\n    level: ",
    "ssh-ed25519 ",
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n",
    "-----END PGP PUBLIC KEY BLOCK-----\n",
    "=",
    "AAAA",
    "[^1]",
    "\n[^1]: x\n",
    "<!--",
    "-->",
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `input` changed by one to eight mutations (`other` for splicing).
fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.insert(at, rng.next() as u8),
            2 if !out.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(out.len());
                out.drain(at.min(end)..end);
            }
            3 if !out.is_empty() => {
                let start = rng.below(out.len());
                let end = (start + 1 + rng.below(256)).min(out.len());
                let piece = out[start..end].repeat(1 + rng.below(64));
                out.splice(at..at, piece);
            }
            4 | 5 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
            _ if !other.is_empty() => {
                let start = rng.below(other.len());
                let end = (start + rng.below(512)).min(other.len());
                out.splice(at..at, other[start..end].iter().copied());
            }
            _ => {}
        }
    }
    out.truncate(1 << 21);
    out
}

/// The seed inputs: every Markdown report, or every settings file, of the project
/// and of the test fixtures.
fn seeds(extension: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<Vec<u8>> =
        ["reports", "tests/fixtures", "templates", "xinbao.yaml", "src/scaffold"]
            .iter()
            .flat_map(|dir| {
                walkdir::WalkDir::new(root.join(dir)).into_iter().filter_map(Result::ok)
            })
            .filter(|e| e.path().extension().is_some_and(|x| x == extension))
            .filter_map(|e| std::fs::read(e.path()).ok())
            .collect();
    seeds.sort();
    seeds
}

/// A repository in `dir` with the fixture settings and pictures, and `report` as
/// its one report; the report file's path.
fn repository(dir: &Path) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repo");
    std::fs::create_dir_all(dir.join("reports/2026/03/images")).unwrap();
    std::fs::copy(fixture.join("xinbao.yaml"), dir.join("xinbao.yaml")).unwrap();
    for picture in ["ok.png", "ok.jpg"] {
        let from = fixture.join("reports/2026/03/images").join(picture);
        std::fs::copy(from, dir.join("reports/2026/03/images").join(picture)).unwrap();
    }
    dir.join("reports/2026/03/2026-03-02-fuzz.md")
}

/// One input through the whole pipeline of `report` (and the PDF with `pdf`).
fn run_report(dir: &Path, file: &Path, input: &[u8], pdf: bool) {
    std::fs::write(file, input).unwrap();
    let run = xinbao::run::Run::open(dir, xinbao::lang::Lang::Zh, None);
    let ws = run.workspace();
    let mut diags = xinbao::diag::Diagnostics::default();
    let Ok(settings) = xinbao::config::load(ws, &mut diags) else { return };
    let repo = xinbao::load::load_with(ws, &[], settings, &mut diags);
    xinbao::rules::check(&repo, None, &mut diags);
    let findings = diags.into_sorted();
    let _ = xinbao::diag::render_human(&findings, xinbao::lang::Lang::Zh, false, &|_, _| None);
    let _ = xinbao::diag::render_sarif(&findings, xinbao::lang::Lang::En);
    for report in &repo.reports {
        let Ok(document) = xinbao::layout::report::prepare(&repo, report, None) else { continue };
        let _ = xinbao::render::docx::write(&document, &repo.settings.fonts);
        let _ = xinbao::site::search::keys(&document.text());
        if pdf {
            let fonts = xinbao::render::fonts::FontSet::embedded();
            let _ = xinbao::render::pdf::write(&document, &fonts, &repo.settings.fonts);
        }
    }
}

/// One settings file and its keys (each key's text also read as an OpenPGP file).
fn run_settings(input: &[u8]) {
    let mut diags = xinbao::diag::Diagnostics::default();
    let Ok(settings) = xinbao::config::from_bytes(input.to_vec(), &mut diags) else { return };
    let armor = String::from_utf8_lossy(input).into_owned();
    let files = |_: &str| -> Result<String, xinbao::lang::Text> { Ok(armor.clone()) };
    let _ = xinbao::approval::KeyRing::build_with(&settings, &files, &mut diags);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let target = args.get(1).cloned().unwrap_or_else(|| "report".into());
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let mut rng = Rng(args.get(3).and_then(|s| s.parse().ok()).unwrap_or(0x5eed) | 1);
    let seeds = match target.as_str() {
        "settings" => seeds("yaml"),
        _ => seeds("md"),
    };
    assert!(!seeds.is_empty(), "no seed inputs");
    let dir = tempfile::tempdir().unwrap();
    let file = repository(dir.path());
    std::panic::set_hook(Box::new(|_| {}));
    let (started, budget) = (Instant::now(), Duration::from_secs(seconds));
    let (mut runs, mut crashes) = (0u64, 0u64);
    // Run on a thread with room for typst's deep recursion.
    let worker = std::thread::Builder::new().stack_size(64 << 20);
    let summary = worker
        .spawn(move || {
            while started.elapsed() < budget {
                let input = &seeds[rng.below(seeds.len())];
                let other = &seeds[rng.below(seeds.len())];
                let input = mutate(&mut rng, input, other);
                let outcome =
                    std::panic::catch_unwind(AssertUnwindSafe(|| match target.as_str() {
                        "report" => run_report(dir.path(), &file, &input, false),
                        "pdf" => run_report(dir.path(), &file, &input, true),
                        "settings" => run_settings(&input),
                        "search" => {
                            let _ = xinbao::site::search::keys(&String::from_utf8_lossy(&input));
                        }
                        other => panic!("unknown target {other}"),
                    }));
                runs += 1;
                if outcome.is_err() {
                    crashes += 1;
                    let name = format!("fuzz-crashes/{target}-{runs}.bin");
                    let _ = std::fs::create_dir_all("fuzz-crashes");
                    let _ = std::fs::write(&name, &input);
                    eprintln!("crash: {name}");
                }
            }
            (runs, crashes)
        })
        .unwrap()
        .join()
        .unwrap();
    let (runs, crashes) = summary;
    let target = args.get(1).map(String::as_str).unwrap_or("report");
    println!("{target}: {runs} inputs in {seconds} s, {crashes} crashes");
    std::process::exit(i32::from(crashes > 0));
}

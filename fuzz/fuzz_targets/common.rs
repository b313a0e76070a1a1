//! What the targets share: a throwaway repository with the fixture settings and
//! pictures, into which each input is written as its one report and loaded by the
//! real loader, as `xinbao check` would.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use xinbao::diag::{Diagnostic, Diagnostics};
use xinbao::layout::Document;
use xinbao::load::Repository;

/// A repository holding one report, rewritten for every input.
pub struct Bench {
    dir: tempfile::TempDir,
    file: PathBuf,
}

impl Bench {
    /// The fixture repository's settings and pictures in a new folder.
    pub fn new() -> Bench {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/repo");
        let images = root.join("reports/2026/03/images");
        std::fs::create_dir_all(&images).expect("the reports folder");
        std::fs::copy(fixture.join("xinbao.yaml"), root.join("xinbao.yaml")).expect("settings");
        for picture in ["ok.png", "ok.jpg"] {
            let from = fixture.join("reports/2026/03/images").join(picture);
            std::fs::copy(from, images.join(picture)).expect("a picture");
        }
        let file = root.join("reports/2026/03/2026-03-02-fuzz.md");
        Bench { dir, file }
    }

    /// `input` loaded as the repository's one report and checked by every rule;
    /// the findings are also rendered as the human and SARIF outputs.
    pub fn check(&self, input: &[u8]) -> Option<(Repository, Vec<Diagnostic>)> {
        std::fs::write(&self.file, input).expect("writing the report");
            let run = xinbao::run::Run::open(self.dir.path(), xinbao::lang::Lang::Zh, None);
        let ws = run.workspace();
        let mut diags = Diagnostics::default();
        let settings = xinbao::config::load(ws, &mut diags).ok()?;
        let repo = xinbao::load::load_with(ws, &[], settings, &mut diags);
        xinbao::rules::check(&repo, None, &mut diags);
        let findings = diags.into_sorted();
        let _ = xinbao::diag::render_human(&findings, xinbao::lang::Lang::Zh, false, &|_, _| None);
        let _ = xinbao::diag::render_sarif(&findings, xinbao::lang::Lang::En);
        Some((repo, findings))
    }

    /// The documents of the reports of `input` that can be laid out.
    pub fn documents(&self, input: &[u8]) -> Option<(Repository, Vec<Document>)> {
        let (repo, _) = self.check(input)?;
        let documents = repo
            .reports
            .iter()
            .filter_map(|report| xinbao::layout::report::prepare(&repo, report, None).ok())
            .collect();
        Some((repo, documents))
    }

    /// A folder for outputs.
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
}

/// Runs `job` on a thread with the stack the build gives typst (its layout
/// recurses deeply), as `xinbao build` does; a panic there is the input's crash.
pub fn on_big_stack<R: Send>(job: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(xinbao::render::pdf::STACK)
            .spawn_scoped(scope, job)
            .expect("a rendering thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

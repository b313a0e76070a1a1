//! The binary's own test runner (`harness = false`, libtest-mimic): every `#[test]`
//! (the attribute of `tests/harness`) registers itself here, and a test that found
//! a tool missing (`support::require`) ends as ignored, with the reason, in the
//! runner's summary. libtest's arguments (`--list`, `--ignored`, `--exact`,
//! `--test-threads`, a name filter …) work as before.

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::cell::RefCell;

/// One test function, registered by `#[test]`.
pub struct Test {
    module: &'static str,
    name: &'static str,
    run: fn(),
}

impl Test {
    /// The test `name` in `module` (from `module_path!()`).
    pub const fn new(module: &'static str, name: &'static str, run: fn()) -> Test {
        Test { module, name, run }
    }

    /// `rules::some_test`: the module path without the crate, as libtest names it.
    fn full_name(&self) -> String {
        let module = self.module.split_once("::").map_or("", |(_, rest)| rest);
        if module.is_empty() { self.name.to_string() } else { format!("{module}::{}", self.name) }
    }
}

inventory::collect!(Test);

thread_local! {
    /// The tools this thread's current test found missing.
    static MISSING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Notes that the running test cannot do its work without `what` (outside CI):
/// it will end as ignored, "`what` is not installed".
pub fn missing(what: &str) {
    MISSING.with(|missing| missing.borrow_mut().push(format!("{what} is not installed")));
}

/// Runs one test: passed, ignored when it found a tool missing, failed when it panicked
/// (libtest-mimic catches the panic).
fn run(test: fn()) -> Result<Completion, Failed> {
    MISSING.with(|missing| missing.borrow_mut().clear());
    test();
    let missing = MISSING.with(|missing| std::mem::take(&mut *missing.borrow_mut()));
    Ok(if missing.is_empty() {
        Completion::Completed
    } else {
        Completion::ignored_with(missing.join("; "))
    })
}

/// Every registered test, in name order, as libtest lists them.
fn trials() -> Vec<Trial> {
    let mut tests: Vec<&Test> = inventory::iter::<Test>.into_iter().collect();
    tests.sort_by_key(|test| test.full_name());
    tests
        .into_iter()
        .map(|test| Trial::ignorable_test(test.full_name(), move || run(test.run)))
        .collect()
}

/// Parses libtest's arguments, runs the selected tests and exits with their verdict.
pub fn main() {
    let (options, filters) = split_filters(std::env::args().skip(1));
    let mut args = Arguments::from_iter(std::iter::once("cli".to_string()).chain(options));
    let mut trials = trials();
    match filters.as_slice() {
        [] => {}
        [one] => args.filter = Some(one.clone()),
        // libtest runs a test that matches any of several filters; libtest-mimic takes one.
        many => trials.retain(|trial| {
            many.iter()
                .any(|f| if args.exact { trial.name() == f } else { trial.name().contains(f) })
        }),
    }
    libtest_mimic::run(&args, trials).exit();
}

/// The options (with their values) and the name filters among libtest's arguments.
fn split_filters(mut args: impl Iterator<Item = String>) -> (Vec<String>, Vec<String>) {
    /// The options whose value is the next argument when not written `--option=value`.
    const WITH_VALUE: [&str; 6] =
        ["-Z", "--test-threads", "--logfile", "--skip", "--color", "--format"];
    let (mut options, mut filters) = (Vec::new(), Vec::new());
    while let Some(arg) = args.next() {
        if WITH_VALUE.contains(&arg.as_str()) {
            options.push(arg);
            options.extend(args.next());
        } else if arg.starts_with('-') {
            options.push(arg);
        } else {
            filters.push(arg);
        }
    }
    (options, filters)
}

/// This binary run again on one test that needs zizmor, with a PATH where nothing is
/// installed: outside CI the summary counts it as ignored, with the reason; under
/// `CI=true` it fails.
#[test]
fn a_test_whose_tool_is_missing_is_ignored_and_fails_in_ci() {
    let empty = tempfile::tempdir().unwrap();
    let run = |ci: bool| {
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command.env_clear().env("PATH", empty.path()).args([
            "--exact",
            "--test-threads=1",
            "project::zizmor_finds_nothing_in_the_workflows_and_templates",
        ]);
        if ci {
            command.env("CI", "true");
        }
        command.output().unwrap()
    };
    let out = run(false);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("... ignored (zizmor is not installed)"), "{said}");
    assert!(said.contains("0 passed; 0 failed; 1 ignored;"), "{said}");
    let out = run(true);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("zizmor is required in CI"), "{said}");
    assert!(said.contains("0 passed; 1 failed; 0 ignored;"), "{said}");
}

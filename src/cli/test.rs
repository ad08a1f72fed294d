//! `vigil test [PATH...]`: runs each detection's test cases.

use std::process::ExitCode;

use super::report::emit;
use super::{TestArgs, TestFormat};
use crate::testing::{report, run_paths_with};

/// Runs the tests files found under the paths; exit 1 on any failure.
pub fn run(args: &TestArgs) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![std::path::PathBuf::from("detections")]
    } else {
        args.paths.clone()
    };
    let mut summary = match run_paths_with(&paths, args.allow_outside) {
        Ok(s) => s,
        Err(d) => {
            emit(&[d]);
            return ExitCode::from(super::EXIT_USAGE);
        }
    };
    if summary.files.is_empty() && summary.untested.is_empty() {
        // Nothing to work on, as `compile` of an empty folder: usage.
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        super::report::fail(&format!(
            "no tests files or detections under {}",
            names.join(", ")
        ));
        return ExitCode::from(super::EXIT_USAGE);
    }
    if let Some(k) = &args.case {
        // Every case runs (they are fast); only the named ones count.
        for f in &mut summary.files {
            f.cases.retain(|c| c.name.contains(k.as_str()));
        }
        summary.files.retain(|f| !f.cases.is_empty());
        summary.untested.clear();
        if summary.files.is_empty() {
            super::report::fail(&format!("no test case name contains `{k}`"));
            return ExitCode::from(super::EXIT_USAGE);
        }
    }
    match args.format {
        TestFormat::Text => {
            let (text, diags) = report::text(&summary);
            print!("{text}");
            emit(&diags);
        }
        TestFormat::Junit => print!("{}", report::junit(&summary)),
    }
    if summary.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_ERRORS)
    }
}

//! `vigil check PATH...`: `compile` without printing queries. It takes the
//! same options and runs the same code path ([`super::driver`]), so it
//! reports every diagnostic `compile` would; exit 1 on any error (with
//! `--strict`, on any warning too).

use std::process::ExitCode;

use super::driver::{self, input_files};
use super::json::{self, Entry};
use super::options::Setup;
use super::report::{emit, fail, out, summary};
use super::{CheckArgs, CheckFormat, EXIT_ERRORS, EXIT_USAGE};
use crate::diagnostic::Diagnostic;

/// Loads (and with a target, compiles) every file and reports all
/// diagnostics.
pub fn run(args: &CheckArgs) -> ExitCode {
    let setup = match Setup::new(&args.options, None) {
        Ok(s) => s,
        Err(e) => {
            fail(&e);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let files = match input_files(&args.paths) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let outcome = driver::run(&setup, &files);
    let format = if args.json {
        CheckFormat::Json
    } else {
        args.format
    };
    match format {
        CheckFormat::Json => {
            let target = setup.target.as_ref().map(|(t, _)| t.name());
            let entries: Vec<Entry> = outcome
                .units
                .iter()
                .map(|u| Entry::new(u, target, false))
                .collect();
            out(&json::render(&entries));
            // What is about no one detection stays on stderr.
            emit(&outcome.general);
        }
        CheckFormat::Text => {
            let diags: Vec<Diagnostic> = outcome.diagnostics().cloned().collect();
            emit(&diags);
        }
    }
    let errors = outcome.diagnostics().filter(|d| d.is_error()).count();
    let warnings = outcome.diagnostics().count() - errors;
    summary(&format!(
        "checked {} file(s), {} detection(s): {errors} error(s), {warnings} warning(s)",
        files.len(),
        outcome.detections
    ));
    if errors > 0 {
        ExitCode::from(EXIT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}

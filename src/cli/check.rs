//! `vigil check PATH...`: every diagnostic, exit 1 on any error (with
//! `--strict`, on any warning too).

use std::process::ExitCode;

use super::CheckArgs;
use super::report::{emit, fail, out, summary};
use crate::load::{expand_paths, load_files};
use crate::profile::Profile;
use crate::targets::Options;

/// Loads (and optionally compiles) every file and reports all diagnostics.
pub fn run(args: &CheckArgs) -> ExitCode {
    let files = match expand_paths(&args.paths) {
        Ok(f) => f,
        Err(d) => {
            emit(&[d]);
            return ExitCode::from(1);
        }
    };
    if files.is_empty() {
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        fail(&format!(
            "no detection files (.vigil, Sigma .yml/.yaml) under {}",
            paths.join(", ")
        ));
        return ExitCode::from(1);
    }
    let profile = match args
        .target
        .map(|t| Profile::load(t.default_profile()))
        .transpose()
    {
        Ok(p) => p,
        Err(e) => {
            fail(&e);
            return ExitCode::from(2);
        }
    };
    let mut all = Vec::new();
    let mut detections = 0usize;
    for loaded in load_files(&files) {
        all.extend(loaded.diagnostics);
        for det in &loaded.detections {
            detections += 1;
            all.extend(crate::lower::validate::regexes_and_ranges(det));
            if let (Some(target), Some(profile)) = (args.target, profile.as_ref()) {
                match target.backend().compile(det, profile, &Options::default()) {
                    Ok(c) => all.extend(c.diagnostics),
                    Err(errs) => all.extend(errs),
                }
            }
        }
    }
    let all: Vec<_> = all.into_iter().map(|d| d.strict(args.strict)).collect();
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.len() - errors;
    if args.json {
        for d in &all {
            out(&format!("{}\n", d.to_json()));
        }
    } else {
        emit(&all);
    }
    summary(&format!(
        "checked {} file(s), {detections} detection(s): {errors} error(s), {warnings} warning(s)",
        files.len()
    ));
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

//! `vigil fmt [PATH...] [--check]`: formats `.vigil` files in place, or with
//! `--check` lists the ones that are not formatted.

use std::path::PathBuf;
use std::process::ExitCode;

use super::FmtArgs;
use super::report::{emit, fail, out, summary};
use super::write::write_file;
use crate::fmt::{format, is_formattable};
use crate::load::walk_files;

/// Formats (or checks) every `.vigil` file under the paths.
pub fn run(args: &FmtArgs) -> ExitCode {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for root in &roots {
        if root.is_dir() {
            if let Err(e) = walk_files(root, &mut |p| {
                if is_formattable(&p) {
                    files.push(p)
                }
            }) {
                fail(&format!("{}: {e}", root.display()));
                return ExitCode::from(super::EXIT_USAGE);
            }
        } else if root.is_file() {
            files.push(root.clone());
        } else {
            fail(&format!("{}: no such file or directory", root.display()));
            return ExitCode::from(super::EXIT_USAGE);
        }
    }
    let mut errors = false;
    let mut unformatted = Vec::new();
    for f in &files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                fail(&format!("{}: {e}", f.display()));
                errors = true;
                continue;
            }
        };
        match format(&f.display().to_string(), &text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if args.check {
                    out(&format!("{}\n", f.display()));
                } else if let Err(e) = write_file(f, &formatted, true) {
                    // `fmt` rewrites the files it was given: replacing them
                    // is the command's job, so no `--force`.
                    fail(&format!("{}: {e}", f.display()));
                    errors = true;
                    continue;
                }
                unformatted.push(f);
            }
            Err(diags) => {
                emit(&diags);
                errors = true;
            }
        }
    }
    let verb = if args.check {
        "would reformat"
    } else {
        "reformatted"
    };
    summary(&format!(
        "{verb} {} of {} file(s)",
        unformatted.len(),
        files.len()
    ));
    if errors || (args.check && !unformatted.is_empty()) {
        ExitCode::from(super::EXIT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}

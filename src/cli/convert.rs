//! `vigil convert PATH... --to vigil`: rewrite detections (a Sigma rule, or
//! any file a reader loads) in Vigil's language, so a team can migrate.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::report::{emit, fail};
use super::write::{OutFile, write_file, write_files};
use super::{ConvertArgs, ConvertTo};
use crate::diagnostic::Diagnostic;
use crate::load::{VIGIL_EXT, load_file};

/// One converted detection.
struct Converted {
    /// The file it came from.
    source: PathBuf,
    /// Its Vigil text.
    text: String,
}

/// Converts every detection under the given paths.
pub fn run(args: &ConvertArgs) -> ExitCode {
    let ConvertTo::Vigil = args.to;
    let files = match super::driver::input_files(&args.paths) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let mut out: Vec<Converted> = Vec::new();
    let mut diags: Vec<Diagnostic> = Vec::new();
    for path in &files {
        let loaded = load_file(path);
        diags.extend(loaded.diagnostics);
        for det in &loaded.detections {
            match crate::vigil_print::print(det) {
                Ok(p) => {
                    diags.extend(p.diagnostics);
                    out.push(Converted {
                        source: path.clone(),
                        text: p.text,
                    });
                }
                Err(e) => diags.extend(e),
            }
        }
    }
    emit(&diags);
    if diags.iter().any(Diagnostic::is_error) {
        if args.output.is_some() {
            fail("nothing written: some detections did not convert");
        }
        return ExitCode::from(super::EXIT_ERRORS);
    }
    match &args.output {
        None => {
            let texts: Vec<String> = out
                .iter()
                .map(|c| {
                    if out.len() == 1 {
                        c.text.clone()
                    } else {
                        format!("# {}\n{}", c.source.display(), c.text)
                    }
                })
                .collect();
            print!("{}", texts.join("\n"));
            ExitCode::SUCCESS
        }
        Some(dest) => match write_all(&out, dest, args.force) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                fail(&e);
                ExitCode::from(super::EXIT_ERRORS)
            }
        },
    }
}

/// Writes one file, or one `<stem>.vigil` per detection into a directory.
fn write_all(out: &[Converted], dest: &Path, force: bool) -> Result<(), String> {
    if !dest.is_dir() {
        return match out {
            [one] => write_file(dest, &one.text, force),
            _ => Err(format!(
                "{}: {} detections need a directory to be written to",
                dest.display(),
                out.len()
            )),
        };
    }
    let mut names: Vec<PathBuf> = Vec::new();
    for c in out {
        let stem = c
            .source
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("detection");
        let mut name = dest.join(format!("{stem}.{VIGIL_EXT}"));
        let mut n = 2;
        while names.contains(&name) {
            name = dest.join(format!("{stem}_{n}.{VIGIL_EXT}"));
            n += 1;
        }
        names.push(name);
    }
    let files: Vec<OutFile> = out
        .iter()
        .zip(names)
        .map(|(c, path)| OutFile {
            path,
            text: &c.text,
        })
        .collect();
    write_files(&files, force)
}

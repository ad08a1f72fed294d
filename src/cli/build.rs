//! `vigil build [--env NAME] [--out DIR]`: orchestrates `package::build` and
//! writes its files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::BuildArgs;
use super::report::{emit, fail, out};
use crate::diagnostic::{Diagnostic, codes};
use crate::package::build::{Build, build};
use crate::package::manifest::{FILE_NAME, Manifest};
use crate::package::report::Report;

/// Builds the manifest's environments into `--out`.
pub fn run(args: &BuildArgs) -> ExitCode {
    let manifest_path = args
        .manifest
        .clone()
        .unwrap_or_else(|| PathBuf::from(FILE_NAME));
    let lookup = |name: &str| std::env::var(name).ok();
    let result = Manifest::load(&manifest_path, &lookup).and_then(|m| {
        let templates = crate::package::Templates::load(args.templates.as_deref())?;
        build(&m, args.env.as_deref(), &templates)
    });
    let b = match result {
        Ok(b) => b,
        Err(d) => {
            emit(&[d]);
            return ExitCode::from(super::EXIT_USAGE);
        }
    };
    if let Err(d) = write_dist(&args.out, &b) {
        emit(&[d]);
        return ExitCode::from(super::EXIT_ERRORS);
    }
    emit(&b.errors);
    let skipped = b.report.skipped();
    let built = b.report.entries().count() - skipped;
    out(&format!(
        "{}: {built} built, {skipped} skipped (detection × target); see {}\n",
        args.out.display(),
        args.out.join("REPORT.md").display()
    ));
    if b.failed() {
        fail(&format!(
            "the build failed ({} error(s)); only the report was written",
            b.errors.len()
        ));
        return ExitCode::from(super::EXIT_ERRORS);
    }
    if args.strict && skipped > 0 {
        fail(&format!("--strict: {skipped} detection × target skipped"));
        return ExitCode::from(super::EXIT_ERRORS);
    }
    ExitCode::SUCCESS
}

/// Writes a build into `dir`, replacing an earlier build there. A folder that
/// holds something other than a build (no Vigil `report.json`) is left
/// alone. A failed build writes only its report, so that no package that
/// lacks a broken detection can be deployed by mistake.
fn write_dist(dir: &Path, b: &Build) -> Result<(), Diagnostic> {
    let io =
        |p: &Path, e: std::io::Error| Diagnostic::error(codes::IO, format!("{}: {e}", p.display()));
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| io(dir, e))?
            .next()
            .is_none();
        let earlier_build = std::fs::read_to_string(dir.join("report.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<Report>(&t).ok())
            .is_some();
        if !empty && !earlier_build {
            return Err(Diagnostic::error(
                codes::IO,
                format!(
                    "{}: the folder is not empty and holds no earlier build",
                    dir.display()
                ),
            )
            .with_help("give --out a new or empty folder (an earlier build there is replaced)"));
        }
        // Files of targets since removed from the manifest would linger.
        std::fs::remove_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let reports = ["REPORT.md", "report.json"];
    for (rel, bytes) in b
        .files
        .iter()
        .filter(|(p, _)| !b.failed() || reports.contains(&p.as_str()))
    {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        write_file(&path, bytes).map_err(|e| io(&path, e))?;
    }
    Ok(())
}

/// The one function that writes a file of a build. The output folder was
/// just created empty, so every file is new: `create_new` (O_EXCL) refuses
/// anything planted there meanwhile, a symbolic link included, instead of
/// writing through it.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

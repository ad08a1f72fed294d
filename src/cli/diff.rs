//! `vigil diff OLD NEW`: orchestrates `package::diff` over two build folders
//! or two git revisions (each built into a temporary folder first).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use super::DiffArgs;
use super::report::{emit, out};
use crate::diagnostic::{Diagnostic, codes};
use crate::package::diff::{Dist, diff};
use crate::package::manifest::FILE_NAME;

/// Prints what changed between OLD and NEW.
pub fn run(args: &DiffArgs) -> ExitCode {
    let scratch = std::env::temp_dir().join(format!("vigil-diff-{}", std::process::id()));
    let result = (|| {
        let old = resolve(&args.old, args, &scratch.join("old"))?;
        let new = resolve(&args.new, args, &scratch.join("new"))?;
        Ok::<_, Diagnostic>(diff(&Dist::read(&old)?, &Dist::read(&new)?))
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    match result {
        Ok(d) => {
            out(&if args.markdown {
                d.to_markdown()
            } else {
                d.to_text()
            });
            if args.exit_code && !d.is_empty() {
                ExitCode::from(super::EXIT_ERRORS)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            emit(&[e]);
            ExitCode::from(super::EXIT_USAGE)
        }
    }
}

/// A build folder as it is, or a git revision built into `scratch`.
fn resolve(spec: &str, args: &DiffArgs, scratch: &Path) -> Result<PathBuf, Diagnostic> {
    let as_dir = PathBuf::from(spec);
    if as_dir.is_dir() {
        return Ok(as_dir);
    }
    let manifest = args
        .manifest
        .clone()
        .unwrap_or_else(|| PathBuf::from(FILE_NAME));
    let git_err = |m: String| {
        Diagnostic::error(codes::IO, format!("{spec}: {m}")).with_help(
            "give a folder written by `vigil build`, or a git revision of this repository",
        )
    };
    // A revision is never read as an option of git.
    if spec.starts_with('-') {
        return Err(git_err("neither a folder nor a git revision".into()));
    }
    let top = git(&["rev-parse", "--show-toplevel"]).map_err(git_err)?;
    let top = PathBuf::from(top.trim());
    let rev = git(&["rev-parse", "--verify", &format!("{spec}^{{commit}}")])
        .map_err(|_| git_err("neither a folder nor a git revision".into()))?;
    // The manifest's place in the repository, so the revision's copy is
    // read from the same place.
    let abs = std::fs::canonicalize(&manifest)
        .map_err(|e| git_err(format!("{}: {e}", manifest.display())))?;
    let rel = abs
        .strip_prefix(std::fs::canonicalize(&top).unwrap_or(top.clone()))
        .map_err(|_| git_err("the manifest is outside the git repository".into()))?
        .to_path_buf();
    let tree = scratch.join("tree");
    std::fs::create_dir_all(&tree).map_err(|e| git_err(e.to_string()))?;
    let archive = Command::new("git")
        .args(["archive", "--format=tar", rev.trim()])
        .current_dir(&top)
        .output()
        .map_err(|e| git_err(format!("git archive: {e}")))?;
    if !archive.status.success() {
        return Err(git_err(String::from_utf8_lossy(&archive.stderr).into()));
    }
    tar::Archive::new(&archive.stdout[..])
        .unpack(&tree)
        .map_err(|e| git_err(format!("unpacking git archive: {e}")))?;
    let dist = scratch.join("dist");
    if !tree.join(&rel).is_file() {
        // A revision from before the manifest existed built nothing, so a
        // pull request that adds it shows every detection as added.
        eprintln!(
            "note: {spec} has no {}; it counts as an empty build",
            rel.display()
        );
        let empty = crate::package::report::Report {
            vigil_version: env!("CARGO_PKG_VERSION").into(),
            ..Default::default()
        };
        std::fs::create_dir_all(&dist).map_err(|e| git_err(e.to_string()))?;
        std::fs::write(dist.join("report.json"), empty.to_json())
            .map_err(|e| git_err(e.to_string()))?;
        return Ok(dist);
    }
    let exe = std::env::current_exe().map_err(|e| git_err(e.to_string()))?;
    // The build runs in the revision's tree, so file names in its report
    // are the same as in a build of the working tree.
    let mut cmd = Command::new(exe);
    cmd.arg("build")
        .arg("--manifest")
        .arg(&rel)
        .arg("--out")
        .arg(&dist)
        .current_dir(&tree);
    if let Some(env) = &args.env {
        cmd.arg("--env").arg(env);
    }
    let status = cmd
        .output()
        .map_err(|e| git_err(format!("building: {e}")))?;
    let stderr = String::from_utf8_lossy(&status.stderr);
    if !dist.join("report.json").is_file() {
        return Err(git_err(format!(
            "the build of this revision failed:\n{stderr}"
        )));
    }
    if !status.status.success() {
        // Its report lists the errors; its packages were not written.
        eprintln!("warning: the build of {spec} has errors:\n{stderr}");
    }
    Ok(dist)
}

fn git(args: &[&str]) -> Result<String, String> {
    let o = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if o.status.success() {
        Ok(String::from_utf8_lossy(&o.stdout).into())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).trim().to_string())
    }
}

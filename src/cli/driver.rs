//! The one code path of `compile` and `check`: load every file,
//! substitute parameters, validate, compile for the target (if any), and
//! keep each detection's diagnostics with it. `check` is `compile`
//! without printing queries, so both report the same diagnostics.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::options::Setup;
use crate::diagnostic::Diagnostic;
use crate::ir::Detection;
use crate::load::load_files;

/// One detection's result, or a file's that gave no detection.
pub struct Unit {
    /// The file it came from.
    pub source: String,
    /// The detection; `None` for a file that failed before giving one.
    pub det: Option<Detection>,
    /// The compiled query; `None` if it failed or there is no target.
    pub query: Option<String>,
    /// Its diagnostics (its file's go with the file's first detection).
    pub diagnostics: Vec<Diagnostic>,
}

impl Unit {
    /// True if any diagnostic is an error (after `--strict`).
    pub fn failed(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Everything `compile` or `check` found.
pub struct Outcome {
    /// One unit per detection (or failed file), in file order.
    pub units: Vec<Unit>,
    /// Diagnostics about no one detection (an unused `--param`).
    pub general: Vec<Diagnostic>,
    /// The number of detections loaded.
    pub detections: usize,
}

impl Outcome {
    /// Every diagnostic, in output order.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.units
            .iter()
            .flat_map(|u| &u.diagnostics)
            .chain(&self.general)
    }

    /// True if any diagnostic is an error.
    pub fn failed(&self) -> bool {
        self.diagnostics().any(Diagnostic::is_error)
    }

    /// Applies `--strict` to a diagnostic list added after [`run`].
    pub fn push_general(&mut self, diags: Vec<Diagnostic>, strict: bool) {
        self.general
            .extend(diags.into_iter().map(|d| d.strict(strict)));
    }
}

/// Loads, substitutes, validates and compiles every file.
pub fn run(setup: &Setup, files: &[PathBuf]) -> Outcome {
    let mut used: BTreeSet<String> = setup
        .target
        .iter()
        .flat_map(|(_, p)| p.scope.iter().map(|s| s.param.clone()))
        .collect();
    let loads = load_files(files);
    // One unit per detection, or per file without one.
    let mut units: Vec<Unit> =
        Vec::with_capacity(loads.iter().map(|l| l.detections.len().max(1)).sum());
    let mut detections = 0;
    // Loading first (in order), then every detection's parameters, checks
    // and compile in parallel, then the results kept in order: the output
    // is the same whatever the number of threads.
    for loaded in loads {
        let mut pending = loaded.diagnostics;
        if loaded.detections.is_empty() {
            units.push(Unit {
                source: loaded.file.name.clone(),
                det: None,
                query: None,
                diagnostics: pending,
            });
            continue;
        }
        for det in loaded.detections {
            detections += 1;
            used.extend(det.params.iter().map(|p| p.name.clone()));
            units.push(Unit {
                source: det.file.name.clone(),
                det: Some(det),
                query: None,
                diagnostics: std::mem::take(&mut pending),
            });
        }
    }
    crate::par::map_mut(&mut units, |unit| {
        let Some(det) = &mut unit.det else { return };
        let mut own = crate::ir::params::substitute(det, &setup.params);
        own.extend(crate::lower::validate::regexes_and_ranges(det));
        // Only the detection's own errors stop it from compiling; its
        // file's go with its first detection but do not stop the others.
        let ready = !own.iter().any(Diagnostic::is_error);
        unit.diagnostics.extend(own);
        let Some((target, profile)) = setup.target.as_ref().filter(|_| ready) else {
            return;
        };
        match target.backend().compile(det, profile, &setup.opts) {
            Ok(c) => {
                unit.query = Some(c.query);
                unit.diagnostics.extend(c.diagnostics);
            }
            Err(errs) => unit.diagnostics.extend(errs),
        }
    });
    for u in &mut units {
        u.diagnostics = std::mem::take(&mut u.diagnostics)
            .into_iter()
            .map(|d| d.strict(setup.strict))
            .collect();
    }
    let mut outcome = Outcome {
        units,
        general: Vec::new(),
        detections,
    };
    let unused = setup
        .params
        .keys()
        .filter(|k| !used.contains(*k))
        .map(|name| {
            Diagnostic::warning(
                crate::diagnostic::codes::PARAM,
                format!("--param {name}: no detection or profile has this parameter"),
            )
        })
        .collect();
    outcome.push_general(unused, setup.strict);
    outcome
}

/// The detection files under `paths`. A path that does not exist, or
/// that holds no detection file, is a usage error (exit 2): the arguments
/// name nothing to work on.
pub fn input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, std::process::ExitCode> {
    let usage = std::process::ExitCode::from(super::EXIT_USAGE);
    let files = crate::load::expand_paths(paths).map_err(|d| {
        super::report::emit(&[d]);
        usage
    })?;
    if files.is_empty() {
        let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        super::report::fail(&format!(
            "no detection files (.vigil, Sigma .yml/.yaml, .spl) under {}",
            paths.join(", ")
        ));
        return Err(usage);
    }
    Ok(files)
}

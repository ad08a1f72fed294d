//! Detection tests: sample events and the rows a detection must return.
//!
//! Each detection `detections/<stem>.vigil` (or Sigma `.yml`) may have a
//! `detections/<stem>.tests.yaml` beside it (format in [`spec`] and
//! `docs/testing.md`). [`run_paths`] finds the tests files under some paths,
//! runs every case through the evaluator and reports pass or fail with a
//! diff; [`report`] prints the results as text or JUnit XML.

mod case;
pub mod compare;
pub mod confine;
pub mod report;
pub mod spec;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::Detection;
use crate::load::{is_test_file, load_file};
use crate::source::{SourceFile, Span};
pub use confine::Confine;
use spec::TestFile;

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Its line in the tests file.
    pub line: usize,
    /// Why it failed (a diff or an error); `None` if it passed.
    pub failure: Option<String>,
    /// True if the case could not run (rather than returned other rows).
    pub error: bool,
    /// How long it took.
    pub seconds: f64,
    /// True if the case expects no result (a negative case).
    pub negative: bool,
}

/// The outcome of one tests file.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The tests file.
    pub tests: PathBuf,
    /// The detection it tests, if found.
    pub detection: Option<PathBuf>,
    /// The cases.
    pub cases: Vec<CaseResult>,
    /// Problems with the file itself (it ran no case).
    pub errors: Vec<Diagnostic>,
}

impl FileResult {
    /// True if every case passed and the file had no error.
    pub fn passed(&self) -> bool {
        self.errors.is_empty() && self.cases.iter().all(|c| c.failure.is_none())
    }
}

/// Everything `vigil test` found.
#[derive(Debug, Default)]
pub struct Summary {
    /// Per tests file.
    pub files: Vec<FileResult>,
    /// Detections that have no tests file.
    pub untested: Vec<PathBuf>,
}

impl Summary {
    /// True if every file passed.
    pub fn passed(&self) -> bool {
        self.files.iter().all(FileResult::passed)
    }
}

/// The tests file of a detection: `<stem>.tests.yaml` (or `.yml`) beside it.
pub fn tests_file_for(detection: &Path) -> Option<PathBuf> {
    let stem = detection.file_stem()?.to_str()?;
    let dir = detection.parent().unwrap_or(Path::new(""));
    ["yaml", "yml"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.tests.{ext}")))
        .find(|p| p.is_file())
}

/// The detection a tests file tests: its `detection:` key (which must
/// stay inside the repository), else the `.vigil`, `.yml`, `.yaml` or `.spl` file
/// with its stem.
fn detection_for(
    tests: &Path,
    spec: &TestFile,
    confine: &Confine,
) -> Result<Option<PathBuf>, String> {
    let dir = tests.parent().unwrap_or(Path::new(""));
    if let Some(d) = &spec.detection {
        return confine.resolve(dir, d, "detection").map(Some);
    }
    let Some(name) = tests.file_name().and_then(|n| n.to_str()) else {
        return Ok(None);
    };
    let Some(stem) = name
        .strip_suffix(".tests.yaml")
        .or_else(|| name.strip_suffix(".tests.yml"))
    else {
        return Ok(None);
    };
    Ok(["vigil", "yml", "yaml", "spl"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .find(|p| p.is_file()))
}

fn walk(
    dir: &Path,
    tests: &mut Vec<PathBuf>,
    detections: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    crate::load::walk_files(dir, &mut |p| {
        if is_test_file(&p) {
            tests.push(p);
        } else if crate::load::is_detection_file(&p) {
            detections.push(p);
        }
    })
}

/// Finds the tests files under `paths` (directories, tests files or
/// detection files) and runs them, each confined to the repository of the
/// path it was found under.
pub fn run_paths(paths: &[PathBuf]) -> Result<Summary, Diagnostic> {
    run_paths_with(paths, false)
}

/// [`run_paths`]; with `allow_outside`, tests files may name files outside
/// the detection repository (`vigil test --allow-outside`).
pub fn run_paths_with(paths: &[PathBuf], allow_outside: bool) -> Result<Summary, Diagnostic> {
    let mut tests: Vec<(PathBuf, Confine)> = Vec::new();
    let mut detections = Vec::new();
    for p in paths {
        let confine = if allow_outside {
            Confine::anywhere()
        } else {
            Confine::repository_of(p)
        };
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, &mut detections)
                .map_err(|e| Diagnostic::error(codes::IO, format!("{}: {e}", p.display())))?;
            tests.extend(found.into_iter().map(|t| (t, confine.clone())));
        } else if is_test_file(p) {
            tests.push((p.clone(), confine));
        } else if p.is_file() {
            match tests_file_for(p) {
                Some(t) => tests.push((t, confine)),
                None => detections.push(p.clone()),
            }
        } else {
            return Err(Diagnostic::error(
                codes::IO,
                format!("{}: no such file or directory", p.display()),
            ));
        }
    }
    tests.dedup_by(|a, b| a.0 == b.0);
    let mut summary = Summary::default();
    for (t, confine) in &tests {
        summary.files.push(run_file_in(t, confine, None));
    }
    let tested: Vec<PathBuf> = summary
        .files
        .iter()
        .filter_map(|f| f.detection.clone())
        .collect();
    summary.untested = detections
        .into_iter()
        .filter(|d| !tested.iter().any(|t| same_file(t, d)))
        .collect();
    Ok(summary)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// A diagnostic at a line and column of a tests file.
fn at(file: &Arc<SourceFile>, line: usize, col: usize, message: String) -> Diagnostic {
    let offset = file
        .text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + col.saturating_sub(1);
    let offset = offset.min(file.text.len());
    Diagnostic::error(codes::TEST, message)
        .with_label(Span::new(offset, offset), "here")
        .in_file(file)
}

/// Runs every case of one tests file, confined to its repository.
pub fn run_file(tests: &Path) -> FileResult {
    run_file_in(tests, &Confine::repository_of(tests), None)
}

/// Runs every case of one tests file, reading only files `confine` allows,
/// against `detection` when given instead of the file's own detection (the
/// Splunk reader's tests run the catalog's imported searches through the
/// hand ports' cases).
pub fn run_file_in(tests: &Path, confine: &Confine, detection: Option<&Detection>) -> FileResult {
    let mut result = FileResult {
        tests: tests.to_path_buf(),
        detection: None,
        cases: Vec::new(),
        errors: Vec::new(),
    };
    let text = match crate::limits::read_text(tests) {
        Ok(t) => t,
        Err(e) => {
            result.errors.push(Diagnostic::error(
                codes::IO,
                format!("{}: {e}", tests.display()),
            ));
            return result;
        }
    };
    let file = SourceFile::new(tests.display().to_string(), text);
    let spec: TestFile = match serde_saphyr::from_str(&file.text) {
        Ok(s) => s,
        Err(e) => {
            let (line, col) = e
                .location()
                .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
            let msg = e.to_string();
            let first = msg.lines().next().unwrap_or(&msg);
            // The location is the label's job; keep the message alone.
            let first = match first.split_once(": ") {
                Some((pre, rest)) if pre.starts_with("error") => match rest.split_once(": ") {
                    Some((loc, rest)) if loc.starts_with("line ") => rest,
                    _ => rest,
                },
                _ => first,
            }
            .to_string();
            // serde-saphyr's resource limits (alias expansion, node count)
            // print as Rust debug text; say what they are.
            let (first, help) = match first.split_once("budget breached: ") {
                Some((_, which)) => (
                    format!("the tests file is over the YAML reader's budget ({which})"),
                    "split the cases into several tests files, or put large event sets in \
                     an `events_file`",
                ),
                None => (first, "see docs/testing.md for the layout"),
            };
            result
                .errors
                .push(at(&file, line, col, format!("invalid tests file: {first}")).with_help(help));
            return result;
        }
    };
    let det_path = match detection_for(tests, &spec, confine) {
        Ok(p) => p,
        Err(e) => {
            result.errors.push(at(&file, 1, 1, e));
            return result;
        }
    };
    let Some(det_path) = det_path else {
        result.errors.push(
            at(&file, 1, 1, "no detection for this tests file".into())
                .with_help("name it <stem>.tests.yaml next to <stem>.vigil, or set `detection:`"),
        );
        return result;
    };
    result.detection = Some(det_path.clone());
    let loaded = load_file(&det_path);
    if loaded.diagnostics.iter().any(Diagnostic::is_error) {
        result.errors.extend(loaded.diagnostics);
        return result;
    }
    // A file with several detections (a Sigma correlation and its rules)
    // is tested through its last one, the correlation.
    let Some(det) = detection.or(loaded.detections.last()) else {
        result.errors.push(at(
            &file,
            1,
            1,
            format!("{}: no detection", det_path.display()),
        ));
        return result;
    };
    let dir = tests.parent().unwrap_or(Path::new("")).to_path_buf();
    for case in &spec.cases {
        let started = Instant::now();
        let line = case.referenced.line() as usize;
        let outcome = case::run_case(&spec, &case.value, det, &dir, confine);
        let (failure, error) = match outcome {
            Ok(None) => (None, false),
            Ok(Some(diff)) => (Some(diff), false),
            Err(msg) => (Some(msg), true),
        };
        result.cases.push(CaseResult {
            name: case.value.name.clone(),
            line,
            failure,
            error,
            seconds: started.elapsed().as_secs_f64(),
            negative: case.value.expect.expects_nothing(),
        });
    }
    result
}

//! Finding and loading detection files: Vigil (`.vigil`) and Sigma
//! (`.yml`, `.yaml`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::Detection;
use crate::source::SourceFile;

/// The extension of Vigil source files.
pub const VIGIL_EXT: &str = "vigil";

/// What one file yielded.
pub struct Loaded {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The detections it holds (none if it had errors).
    pub detections: Vec<Detection>,
    /// Everything found wrong or worth noting.
    pub diagnostics: Vec<Diagnostic>,
}

/// True if the path names a detection file Vigil reads (a detection's
/// tests file, `<stem>.tests.yaml`, is not one).
pub fn is_detection_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some(VIGIL_EXT) | Some("yml") | Some("yaml")
    ) && !is_test_file(p)
}

/// True if the path names a detection's tests file (`*.tests.yaml` or
/// `*.tests.yml`; see `docs/testing.md`).
pub fn is_test_file(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".tests.yaml") || n.ends_with(".tests.yml"))
}

/// Expands paths: a directory means every detection file below it, in sorted
/// order so output is deterministic.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| io_error(p, &e))?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(Diagnostic::error(
                codes::IO,
                format!("{}: no such file or directory", p.display()),
            )
            .with_help("give a .vigil or Sigma .yml file, or a directory of them"));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    walk_files(dir, &mut |p| {
        if is_detection_file(&p) {
            out.push(p);
        }
    })
}

/// Calls `f` with every file under `dir`, recursively, in sorted order (so
/// that output is deterministic whatever the file system's order).
pub fn walk_files(dir: &Path, f: &mut impl FnMut(PathBuf)) -> std::io::Result<()> {
    // The directory entry's type comes with the listing; only a symbolic
    // link costs a `stat` to see what it points to.
    let mut entries: Vec<(PathBuf, bool)> = std::fs::read_dir(dir)?
        .filter_map(|e| {
            let e = e.ok()?;
            let p = e.path();
            let is_dir = match e.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => p.is_dir(),
            };
            Some((p, is_dir))
        })
        .collect();
    entries.sort();
    for (p, is_dir) in entries {
        if is_dir {
            walk_files(&p, f)?;
        } else {
            f(p);
        }
    }
    Ok(())
}

fn io_error(p: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(codes::IO, format!("{}: {e}", p.display()))
}

/// Reads and lowers one file.
pub fn load_file(path: &Path) -> Loaded {
    load_file_with(path, load_text)
}

/// Reads a file and hands its text to `lower` (read errors are reported
/// here).
fn load_file_with(path: &Path, lower: impl FnOnce(&Path, String) -> Loaded) -> Loaded {
    let name = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                let file = SourceFile::new(name, "");
                return Loaded {
                    diagnostics: vec![
                        Diagnostic::error(codes::IO, "the file is not UTF-8 text").in_file(&file),
                    ],
                    file,
                    detections: Vec::new(),
                };
            }
        },
        Err(e) => {
            let file = SourceFile::new(name, "");
            return Loaded {
                diagnostics: vec![io_error(path, &e)],
                file,
                detections: Vec::new(),
            };
        }
    };
    lower(path, text)
}

/// Lowers file contents already read, choosing the reader by extension.
pub fn load_text(path: &Path, text: String) -> Loaded {
    let file = SourceFile::new(path.display().to_string(), text);
    let is_vigil = path.extension().and_then(|e| e.to_str()) == Some(VIGIL_EXT);
    if is_vigil {
        let (det, diagnostics) = crate::lower::load_vigil(file.clone());
        Loaded {
            file,
            detections: det.into_iter().collect(),
            diagnostics,
        }
    } else {
        loaded(crate::sigma::load(file))
    }
}

fn loaded(l: crate::sigma::Linked) -> Loaded {
    Loaded {
        file: l.file,
        detections: l.detections,
        diagnostics: l.diagnostics,
    }
}

/// Reads and lowers files as one load, in order: Sigma filter documents
/// apply to the rules of every file, and correlations may refer to rules of
/// other files by id.
pub fn load_files(paths: &[PathBuf]) -> Vec<Loaded> {
    // Reading and parsing is per file, so it runs in parallel; linking
    // works across files and runs after, in file order.
    let read = crate::par::map(paths, |p| {
        let is_vigil = p.extension().and_then(|e| e.to_str()) == Some(VIGIL_EXT);
        let mut parsed = None;
        let read = load_file_with(p, |path, text| {
            if is_vigil {
                return load_text(path, text);
            }
            let file = SourceFile::new(path.display().to_string(), text);
            parsed = Some(crate::sigma::parse(file.clone()));
            Loaded {
                file,
                detections: Vec::new(),
                diagnostics: Vec::new(),
            }
        });
        (read, parsed)
    });
    let mut out: Vec<Option<Loaded>> = Vec::with_capacity(paths.len());
    // Sigma files wait for linking; `slots` are their places in `out`.
    let mut sigma = Vec::new();
    let mut slots = Vec::new();
    for (read, parsed) in read {
        match parsed {
            Some(parsed) => {
                slots.push(out.len());
                sigma.push(parsed);
                out.push(None);
            }
            None => out.push(Some(read)),
        }
    }
    for (slot, linked) in slots.into_iter().zip(crate::sigma::link(sigma)) {
        out[slot] = Some(loaded(linked));
    }
    out.into_iter().flatten().collect()
}

//! Finding and loading detection files: Vigil (`.vigil`), Sigma
//! (`.yml`, `.yaml`) and Splunk searches (`.spl`, `savedsearches.conf`, YAML
//! with `--from splunk`).

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
    (matches!(
        p.extension().and_then(|e| e.to_str()),
        Some(VIGIL_EXT) | Some("yml") | Some("yaml")
    ) || crate::spl::is_spl_input(p))
        && !is_test_file(p)
}

/// True if the path names a detection's tests file (`*.tests.yaml` or
/// `*.tests.yml`; see `docs/testing.md`).
pub fn is_test_file(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".tests.yaml") || n.ends_with(".tests.yml"))
}

/// True for the path `-`: standard input.
pub fn is_stdin(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// Expands paths: a directory means every detection file below it, in sorted
/// order so output is deterministic.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut out = Vec::new();
    for p in paths {
        if is_stdin(p) {
            out.push(p.clone());
        } else if p.is_dir() {
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
/// Symbolic links to folders are followed once: a folder already walked
/// (a link loop such as `a/up -> ..`) is skipped, so the walk ends and no
/// file is read twice. Entries that are not folders are passed on as they
/// are; readers refuse the ones that are not regular files.
pub fn walk_files(dir: &Path, f: &mut impl FnMut(PathBuf)) -> std::io::Result<()> {
    let mut seen = Seen::new();
    let Some(entries) = list_unseen(dir, &mut seen)? else {
        return Ok(());
    };
    // The top folder's subfolders are walked in parallel (listing folders
    // is system calls, a tenth of a corpus compile), each with its own
    // record of folders seen. If two of them reach one folder (a link
    // between them), which one reads it depends on the order: the walk is
    // then done again in order, one folder after the other.
    let subdirs: Vec<&PathBuf> = entries.iter().filter(|e| e.2).map(|e| &e.1).collect();
    let walked = crate::par::map(&subdirs, |d| {
        let mut own = seen.clone();
        let mut files = Vec::new();
        let result = walk_unseen(d, &mut own, &mut |p| files.push(p));
        (files, result, own)
    });
    let mut reached = seen.clone();
    for (_, _, own) in &walked {
        for id in own.difference(&seen) {
            if !reached.insert(*id) {
                let mut seen = Seen::new();
                return walk_unseen(dir, &mut seen, f);
            }
        }
    }
    let mut walked = walked.into_iter();
    for (_, p, is_dir) in entries {
        if !is_dir {
            f(p);
            continue;
        }
        let Some((files, result, _)) = walked.next() else {
            break;
        };
        files.into_iter().for_each(&mut *f);
        result?;
    }
    Ok(())
}

/// The folders (device, inode) a walk has listed.
type Seen = std::collections::HashSet<(u64, u64)>;

/// A folder's entries as (name, path, is a folder), sorted by name; `None`
/// if the folder was listed already.
fn list_unseen(
    dir: &Path,
    seen: &mut Seen,
) -> std::io::Result<Option<Vec<(std::ffi::OsString, PathBuf, bool)>>> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(dir)?;
    if !seen.insert((meta.dev(), meta.ino())) {
        return Ok(None);
    }
    // The directory entry's type comes with the listing; only a symbolic
    // link costs a `stat` to see what it points to.
    let mut entries: Vec<(std::ffi::OsString, PathBuf, bool)> = std::fs::read_dir(dir)?
        .filter_map(|e| {
            let e = e.ok()?;
            let p = e.path();
            let is_dir = match e.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => p.is_dir(),
            };
            Some((e.file_name(), p, is_dir))
        })
        .collect();
    // Siblings: comparing their names orders them as comparing the paths
    // would. The names are taken once: `Path::file_name` in the comparison
    // re-parsed both paths at every step, most of the walk's time.
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(Some(entries))
}

fn walk_unseen(dir: &Path, seen: &mut Seen, f: &mut impl FnMut(PathBuf)) -> std::io::Result<()> {
    let Some(entries) = list_unseen(dir, seen)? else {
        return Ok(());
    };
    for (_, p, is_dir) in entries {
        if is_dir {
            walk_unseen(&p, seen, f)?;
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
    if is_stdin(path) {
        let mut text = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            let file = SourceFile::new("<stdin>", "");
            return Loaded {
                diagnostics: vec![io_error(path, &e)],
                file,
                detections: Vec::new(),
            };
        }
        // No extension to choose the reader: a Sigma rule has a top-level
        // `detection:` or `correlation:` block.
        let sigma = text
            .lines()
            .any(|l| l.starts_with("detection:") || l.starts_with("correlation:"));
        let name = if sigma {
            "<stdin>.yml"
        } else {
            "<stdin>.vigil"
        };
        return lower(Path::new(name), text);
    }
    let name = path.display().to_string();
    let text = match crate::limits::read_text(path) {
        Ok(t) => t,
        Err(e) => {
            let file = SourceFile::new(name.clone(), "");
            return Loaded {
                diagnostics: vec![
                    Diagnostic::error(codes::IO, format!("{name}: {e}"))
                        .with_help("give a .vigil or Sigma .yml file (a regular UTF-8 file)"),
                ],
                file,
                detections: Vec::new(),
            };
        }
    };
    lower(path, text)
}

/// Lowers file contents already read, choosing the reader by extension.
pub fn load_text(path: &Path, mut text: String) -> Loaded {
    // A UTF-8 byte-order mark (as some Windows editors write) is not part
    // of the text; the YAML reader skips it already.
    if text.starts_with('\u{FEFF}') {
        text.replace_range(..3, "");
    }
    let file = SourceFile::new(path.display().to_string(), text);
    let is_vigil = path.extension().and_then(|e| e.to_str()) == Some(VIGIL_EXT);
    if crate::spl::is_spl_input(path) {
        let (detections, diagnostics) = crate::spl::load(file.clone());
        return Loaded {
            file,
            detections,
            diagnostics,
        };
    }
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
    let mut diagnostics = l.diagnostics;
    if l.detections.is_empty()
        && diagnostics.is_empty()
        && l.file.text.trim().trim_matches('-').trim().is_empty()
    {
        // An empty file (or only `---`) is most likely a mistake: say so
        // rather than count it as checked.
        diagnostics.push(
            Diagnostic::warning(codes::SIGMA, "the file is empty: it holds no Sigma rule")
                .with_label(crate::source::Span::new(0, 0), "nothing here")
                .with_help("write a rule in it, or delete it")
                .in_file(&l.file),
        );
    }
    Loaded {
        file: l.file,
        detections: l.detections,
        diagnostics,
    }
}

/// Reads and lowers files as one load, in order: Sigma filter documents
/// apply to the rules of every file, and correlations may refer to rules of
/// other files by id.
pub fn load_files(paths: &[PathBuf]) -> Vec<Loaded> {
    // Reading and parsing is per file, so it runs in parallel; linking
    // works across files and runs after, in file order.
    let read = crate::par::map(paths, |p| {
        let mut parsed = None;
        let read = load_file_with(p, |path, text| {
            if path.extension().and_then(|e| e.to_str()) == Some(VIGIL_EXT)
                || crate::spl::is_spl_input(path)
            {
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
    let mut out: Vec<Loaded> = out.into_iter().flatten().collect();
    reject_duplicate_ids(&mut out);
    out
}

/// Two detections with one id are an error: the id names the detection in
/// every package (a Splunk stanza, a Kibana `rule_id`), where the second
/// would silently replace the first. The later one is dropped.
fn reject_duplicate_ids(loads: &mut [Loaded]) {
    // Found first, without copying ids or moving detections (most loads
    // have no duplicate); then each later copy is reported and dropped.
    let mut first: std::collections::HashMap<&str, (usize, usize)> =
        std::collections::HashMap::with_capacity(loads.len());
    let mut later = Vec::new();
    for (li, l) in loads.iter().enumerate() {
        for (di, det) in l.detections.iter().enumerate() {
            if let Some(id) = det.meta.id.as_deref() {
                let at = *first.entry(id).or_insert((li, di));
                if at != (li, di) {
                    later.push((li, di, at));
                }
            }
        }
    }
    drop(first);
    for &(li, di, (fi, fdi)) in &later {
        let first = &loads[fi].detections[fdi].file.name;
        let det = &loads[li].detections[di];
        let id = det.meta.id.as_deref().unwrap_or_default();
        let d = Diagnostic::error(
            codes::META,
            format!("the id `{id}` is already used by {first}"),
        )
        .with_label(det.span, "this detection")
        .with_help("give each detection its own id (a new UUID, such as the output of `uuidgen`)")
        .in_file(&det.file);
        loads[li].diagnostics.push(d);
    }
    // Last first, so the positions of the others stay right.
    for &(li, di, _) in later.iter().rev() {
        loads[li].detections.remove(di);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files a walk gives, relative to `root`.
    fn walked(root: &Path) -> Vec<String> {
        let mut files = Vec::new();
        walk_files(root, &mut |p| {
            files.push(p.strip_prefix(root).unwrap().display().to_string());
        })
        .unwrap();
        files
    }

    #[test]
    fn folders_reached_twice_are_read_once_in_walk_order() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("a/x.yml", ""),
            ("c/y.yml", ""),
            ("d/e/z.yml", ""),
            ("top.yml", ""),
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        }
        // `a/link` reaches `c` before `c` itself; `b` is `a` again; `d/e/up`
        // loops back to the top.
        symlink("../c", root.join("a/link")).unwrap();
        symlink("a", root.join("b")).unwrap();
        symlink("../..", root.join("d/e/up")).unwrap();
        assert_eq!(
            walked(root),
            ["a/link/y.yml", "a/x.yml", "d/e/z.yml", "top.yml"]
        );
        // Without links between them, the subfolders are walked apart and
        // the files still come in order.
        let plain = tempfile::tempdir().unwrap();
        for path in ["b/2.yml", "a/1.yml", "c/d/3.yml", "0.yml", "c/4.yml"] {
            std::fs::create_dir_all(plain.path().join(path).parent().unwrap()).unwrap();
            std::fs::write(plain.path().join(path), "").unwrap();
        }
        assert_eq!(
            walked(plain.path()),
            ["0.yml", "a/1.yml", "b/2.yml", "c/4.yml", "c/d/3.yml"]
        );
    }
}

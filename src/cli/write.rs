//! Writing `-o` output files safely.
//!
//! Each file is written to a temporary file with an unpredictable name,
//! created exclusively (`O_EXCL`) in the target's folder, then renamed over
//! the target. So a failure never leaves a partial file, a planted
//! symbolic link at a guessable temporary name cannot redirect the write,
//! and concurrent writers never share a temporary file. A target that
//! exists and is not a regular file (a symbolic link, a device such as
//! `/dev/null`, a FIFO, a folder) is refused rather than replaced; an
//! existing regular file is replaced only with `--force`. When several
//! files are written (`convert -o DIR`), every check passes and every
//! temporary file is written before the first rename, so either all of
//! them are written or none.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// One file to write.
pub(crate) struct OutFile<'a> {
    /// Where.
    pub path: PathBuf,
    /// What.
    pub text: &'a str,
}

/// Checks that `path` may be written: it does not exist, or it is a regular
/// file and `force` is set.
fn check_target(path: &Path, force: bool) -> Result<(), String> {
    if let Some(kind) = crate::limits::special_kind(path) {
        return Err(format!(
            "{}: {kind}; -o writes only regular files and never replaces anything else",
            path.display()
        ));
    }
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(format!(
            "{} exists; pass --force to overwrite it",
            path.display()
        ));
    }
    Ok(())
}

/// A temporary file beside `path`, holding `text`.
fn stage(path: &Path, text: &str) -> Result<NamedTempFile, String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".vigil-").suffix(".tmp");
    {
        // The file is created with the mode a plain write would give it
        // (0666 less the umask), not tempfile's private 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(err)?;
    Ok(tmp)
}

/// Writes every file, or none of them (see the module documentation).
pub(crate) fn write_files(files: &[OutFile<'_>], force: bool) -> Result<(), String> {
    for f in files {
        check_target(&f.path, force)?;
    }
    let mut staged = Vec::with_capacity(files.len());
    for f in files {
        // On an error, the files staged so far are removed when dropped.
        staged.push((stage(&f.path, f.text)?, &f.path));
    }
    let mut done: Vec<&Path> = Vec::new();
    for (tmp, path) in staged {
        let result = if force {
            tmp.persist(path).map(drop)
        } else {
            // Atomic "create if absent": a writer that lost a race with
            // another one is told so instead of overwriting its output.
            tmp.persist_noclobber(path).map(drop)
        };
        if let Err(e) = result {
            if !force {
                // Those were new files: take them back, so nothing is
                // half written.
                for p in &done {
                    let _ = std::fs::remove_file(p);
                }
            }
            return Err(match e.error.kind() {
                std::io::ErrorKind::AlreadyExists => format!(
                    "{} was created by another process meanwhile; not overwritten \
                     (pass --force to overwrite it)",
                    path.display()
                ),
                _ => format!("{}: {}", path.display(), e.error),
            });
        }
        done.push(path);
    }
    Ok(())
}

/// Writes one file (see [`write_files`]).
pub(crate) fn write_file(path: &Path, text: &str, force: bool) -> Result<(), String> {
    write_files(
        &[OutFile {
            path: path.to_path_buf(),
            text,
        }],
        force,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_file_needs_force() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.spl");
        write_file(&p, "one", false).unwrap();
        let e = write_file(&p, "two", false).unwrap_err();
        assert!(e.contains("--force"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
        write_file(&p, "two", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        // Nothing is left behind in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn symlinks_and_devices_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let precious = dir.path().join("precious.txt");
        std::fs::write(&precious, "precious").unwrap();
        let link = dir.path().join("out.spl");
        std::os::unix::fs::symlink(&precious, &link).unwrap();
        let e = write_file(&link, "x", true).unwrap_err();
        assert!(e.contains("a symbolic link"), "{e}");
        assert!(link.is_symlink());
        assert_eq!(std::fs::read_to_string(&precious).unwrap(), "precious");
        let e = write_file(Path::new("/dev/null"), "x", true).unwrap_err();
        assert!(e.contains("a character device"), "{e}");
    }

    #[test]
    fn several_files_are_all_written_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.vigil");
        let b = dir.path().join("b.vigil");
        std::fs::create_dir(&b).unwrap();
        let files = [
            OutFile {
                path: a.clone(),
                text: "a",
            },
            OutFile {
                path: b.clone(),
                text: "b",
            },
        ];
        let e = write_files(&files, true).unwrap_err();
        assert!(e.contains("a directory"), "{e}");
        assert!(!a.exists());
    }
}

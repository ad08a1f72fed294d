//! Where a tests file may read from.
//!
//! A tests file names a detection, events files and lookup tables. Its
//! output (diffs, diagnostics with source snippets) shows what they hold,
//! for example in CI logs of an untrusted pull request, so a tests file
//! must not be able to name `/etc/...` or `../../secret.env`. Paths are
//! relative to the tests file and must resolve (symbolic links included)
//! inside the detection repository, unless `vigil test --allow-outside`.
//!
//! The detection repository is the nearest folder at or above the path
//! given on the command line that holds `.git` (the repository's top);
//! without one, the folder given on the command line itself (for a file,
//! its folder).

use std::path::{Path, PathBuf};

/// The folder paths must stay in; `None` allows any path.
#[derive(Clone, Debug, Default)]
pub struct Confine {
    root: Option<PathBuf>,
}

impl Confine {
    /// No confinement (`--allow-outside`).
    pub fn anywhere() -> Confine {
        Confine { root: None }
    }

    /// The repository of a path given on the command line (see the module
    /// documentation).
    pub fn repository_of(arg: &Path) -> Confine {
        let dir = if arg.is_dir() {
            arg
        } else {
            arg.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
        };
        let Ok(dir) = dir.canonicalize() else {
            return Confine::default();
        };
        let top = dir
            .ancestors()
            .find(|a| a.join(".git").exists())
            .unwrap_or(&dir)
            .to_path_buf();
        Confine { root: Some(top) }
    }

    /// `name`, relative to the folder `dir` of the tests file, if it stays
    /// inside the repository; `what` names the key for the message.
    pub fn resolve(&self, dir: &Path, name: &str, what: &str) -> Result<PathBuf, String> {
        let path = dir.join(name);
        let Some(root) = &self.root else {
            return Ok(path);
        };
        // A path that does not exist is left to the reader's own error.
        let Ok(real) = path.canonicalize() else {
            return Ok(path);
        };
        if real.starts_with(root) {
            Ok(path)
        } else {
            Err(format!(
                "`{what}: {name}` is outside the detection repository ({}); a tests file \
                 may only name files inside it (pass --allow-outside to permit this)",
                root.display()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_repository() {
        let top = tempfile::tempdir().unwrap();
        let repo = top.path().join("repo");
        std::fs::create_dir_all(repo.join("d")).unwrap();
        std::fs::write(repo.join("d/e.ndjson"), "{}").unwrap();
        std::fs::write(top.path().join("secret.env"), "x").unwrap();
        std::os::unix::fs::symlink(top.path().join("secret.env"), repo.join("d/link")).unwrap();
        let c = Confine::repository_of(&repo);
        let d = repo.join("d");
        assert!(c.resolve(&d, "e.ndjson", "events_file").is_ok());
        assert!(c.resolve(&d, "../d/e.ndjson", "events_file").is_ok());
        for bad in ["../../secret.env", "link", "/etc/hostname"] {
            let e = c.resolve(&d, bad, "events_file").unwrap_err();
            assert!(e.contains("--allow-outside"), "{e}");
        }
        assert!(
            Confine::anywhere()
                .resolve(&d, "/etc/hostname", "x")
                .is_ok()
        );
    }
}

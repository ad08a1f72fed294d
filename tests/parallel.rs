//! Compiling in parallel gives byte-for-byte the output of a sequential run
//! (`VIGIL_JOBS=1`): same queries, same order, same diagnostics. Runs on
//! `detections/` and, when present, the whole SigmaHQ corpus (many files
//! with warnings, filters and correlations across files).

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn vigil(jobs: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .env("VIGIL_JOBS", jobs)
        .env("NO_COLOR", "1")
        .output()
        .expect("run vigil")
}

/// Runs the command sequentially and on several threads (more than the
/// cores, so batches really finish out of order) and compares everything.
fn same_in_parallel(args: &[&str]) {
    let seq = vigil("1", args);
    assert!(
        !seq.stdout.is_empty() || !seq.stderr.is_empty(),
        "{args:?}: no output"
    );
    for jobs in ["2", "5"] {
        let par = vigil(jobs, args);
        assert_eq!(seq.status.code(), par.status.code(), "{args:?} jobs={jobs}");
        assert!(
            seq.stdout == par.stdout,
            "{args:?}: stdout differs with VIGIL_JOBS={jobs}"
        );
        assert!(
            seq.stderr == par.stderr,
            "{args:?}: stderr differs with VIGIL_JOBS={jobs}"
        );
    }
}

#[test]
fn detections_compile_the_same_in_parallel() {
    let dir = common::root().join("detections");
    let dir = dir.to_str().unwrap();
    same_in_parallel(&["compile", dir, "--target", "splunk"]);
    same_in_parallel(&["compile", dir, "--target", "kql", "--format", "json"]);
    same_in_parallel(&["check", dir, "--target", "esql"]);
}

#[test]
fn sigmahq_compiles_the_same_in_parallel() {
    let Some(corpora) = common::corpora() else {
        eprintln!("skipped: no ../shared/corpora");
        return;
    };
    let dir = corpora.join("sigmahq");
    if !Path::new(&dir).is_dir() {
        eprintln!("skipped: no SigmaHQ corpus");
        return;
    }
    let dir = dir.to_str().unwrap();
    same_in_parallel(&[
        "compile",
        dir,
        "--target",
        "splunk",
        "--profile",
        "splunk-plain",
    ]);
    same_in_parallel(&["compile", dir, "--target", "esql", "--format", "json"]);
}

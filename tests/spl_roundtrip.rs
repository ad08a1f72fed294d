//! Vigil's own SPL reads back: every detection of `detections/` (with the
//! `splunk-auth0` profile) and every SigmaHQ rule that compiles to Splunk
//! (with `splunk-plain`), printed, read by the Splunk reader and printed
//! again, gives the same text. The SigmaHQ part skips when ../shared is
//! absent.

mod common;

use std::path::{Path, PathBuf};

use vigil::ir::Detection;
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

fn print(det: &Detection, profile: &Profile) -> Option<String> {
    let opts = Options {
        comments: true,
        ..Default::default()
    };
    Target::Splunk
        .backend()
        .compile(det, profile, &opts)
        .ok()
        .map(|c| c.query)
}

/// Prints each detection, reads the text back, prints again; returns how
/// many round-tripped and the failures.
fn round_trip(files: &[PathBuf], profile: &Profile) -> (usize, Vec<String>) {
    let mut ok = 0;
    let mut failures = Vec::new();
    for loaded in vigil::load::load_files(files) {
        for det in &loaded.detections {
            let Some(first) = print(det, profile) else {
                continue;
            };
            let name = format!("{} ({})", loaded.file.name, det.display_id());
            let back = vigil::load::load_text(Path::new("back.spl"), first.clone());
            let Some(read) = back.detections.first() else {
                let why: Vec<String> = back.diagnostics.iter().map(|d| d.one_line()).collect();
                failures.push(format!("{name}: not read back: {why:?}\n{first}"));
                continue;
            };
            match print(read, profile) {
                Some(second) if second == first => ok += 1,
                Some(second) => {
                    failures.push(format!("{name}:\nfirst:  {first}\nsecond: {second}"))
                }
                None => failures.push(format!("{name}: the read-back search does not compile")),
            }
        }
    }
    (ok, failures)
}

#[test]
fn detections_read_back() {
    let files =
        vigil::load::expand_paths(&[common::root().join("detections")]).expect("detections");
    let profile = Profile::builtin("splunk-auth0").expect("profile");
    let (ok, failures) = round_trip(&files, &profile);
    eprintln!("detections read back: {ok}, failed: {}", failures.len());
    assert!(ok > 30);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn sigmahq_reads_back() {
    let Some(corpora) = common::corpora() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    let files = vigil::load::expand_paths(&[corpora.join("sigmahq")]).expect("corpus");
    let profile = Profile::builtin("splunk-plain").expect("profile");
    let (ok, failures) = round_trip(&files, &profile);
    eprintln!("SigmaHQ rules read back: {ok}, failed: {}", failures.len());
    for f in failures.iter().take(15) {
        eprintln!("{f}\n");
    }
    assert!(
        failures.is_empty(),
        "{} rules do not read back",
        failures.len()
    );
}

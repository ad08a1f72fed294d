//! Round trips through Sigma: DSL → Sigma → IR keeps the filter, and
//! Sigma → IR → Sigma → IR keeps the IR (and the second Sigma text is the
//! first: writing is a fixed point).
//!
//! `canonical_filters_compare_meaning` checks the comparison they use.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use vigil::ir::{Detection, Filter, StageKind};
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// Compiles to Sigma with the default profile.
fn to_sigma(det: &Detection, params: &BTreeMap<String, String>) -> Option<String> {
    to_sigma_with(det, params, Target::Sigma.default_profile())
}

/// Compiles to Sigma with a profile.
fn to_sigma_with(
    det: &Detection,
    params: &BTreeMap<String, String>,
    profile: &str,
) -> Option<String> {
    let profile = Profile::load(profile).unwrap();
    let opts = Options {
        params: params.clone(),
        ..Options::default()
    };
    Target::Sigma
        .backend()
        .compile(det, &profile, &opts)
        .ok()
        .map(|c| c.query)
}

/// Reads Sigma text; panics with the diagnostics on errors.
fn read_sigma(name: &str, yaml: &str) -> Vec<Detection> {
    let loaded = vigil::load::load_text(Path::new(name), yaml.to_string());
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(vigil::diagnostic::render_plain)
        .collect();
    assert!(errors.is_empty(), "{name}:\n{}\n{yaml}", errors.join("\n"));
    loaded.detections
}

/// The filter the Sigma detection holds: the detection's filter and the
/// `search` stages the writer joins to it.
fn sigma_filter(det: &Detection) -> Filter {
    let mut parts = vec![det.filter.clone()];
    for s in &det.pipeline {
        match &s.kind {
            StageKind::Search { filter } => parts.push(filter.clone()),
            StageKind::Stats { .. } => break,
            _ => {}
        }
    }
    Filter::and(parts)
}

#[test]
fn canonical_filters_compare_meaning() {
    let canon = |src: &str| {
        let (d, diags) = common::load_str("t.vigil", &format!("title: \"t\"\nsearch {src}"));
        common::canon::filter(&d.unwrap_or_else(|| panic!("{diags:?}")).filter)
    };
    assert_eq!(
        canon(r#"f in ("a", "b")"#),
        canon(r#"f == "b" or f == "a""#)
    );
    assert_eq!(canon(r#"f != "x""#), canon(r#"f exists and not f == "x""#));
    assert_eq!(
        canon("(a == 1 and b == 2) and c == 3"),
        canon("c == 3 and b == 2 and a == 1")
    );
    assert_eq!(canon(r#"f like "abc""#), canon(r#"f == "abc""#));
    assert_eq!(canon(r#"f contains "x""#), canon(r#"f like "*x*""#));
    assert_eq!(canon("not not a == 1"), canon("a == 1"));
    assert_ne!(canon("a == 1"), canon("a == 2"));
    assert_ne!(canon("a == 1 or b == 2"), canon("a == 1 and b == 2"));
    assert_ne!(canon(r#"f like "a*""#), canon(r#"f == "a*""#));
}

#[test]
fn dsl_to_sigma_to_ir_keeps_the_filter() {
    let mut files: Vec<_> = ["detections", "tests/fixtures/sigma-write"]
        .iter()
        .flat_map(|d| std::fs::read_dir(common::root().join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("vigil"))
        .collect();
    files.sort();
    let mut checked = 0;
    for path in &files {
        let det = common::load(path);
        for params in [BTreeMap::new(), common::sample_params(&det)] {
            let mut det = det.clone();
            vigil::ir::params::substitute(&mut det, &params);
            let Some(yaml) = to_sigma(&det, &params) else {
                continue;
            };
            let back = read_sigma("written.yml", &yaml);
            assert_eq!(back.len(), 1, "{}: one detection\n{yaml}", path.display());
            assert_eq!(
                common::canon::filter(&sigma_filter(&det)),
                common::canon::filter(&back[0].filter),
                "{}\n{yaml}",
                path.display()
            );
            assert_eq!(back[0].meta.title, det.meta.title, "{}", path.display());
            assert_eq!(back[0].meta.id, det.meta.id, "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} Sigma outputs checked");
}

#[test]
fn sigma_to_ir_to_sigma_keeps_the_ir() {
    let Some(corpora) = common::corpora() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    let dir = corpora.join("auth0-detections/detections");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut written, mut refused, mut unreadable) = (0, Vec::new(), Vec::new());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let loaded = vigil::load::load_text(path, text);
        if loaded.diagnostics.iter().any(|d| d.is_error()) {
            // Not a detection to begin with (the reader says why).
            unreadable.push(path.display().to_string());
            continue;
        }
        for ir1 in loaded.detections {
            let Some(s1) = to_sigma(&ir1, &BTreeMap::new()) else {
                refused.push(path.display().to_string());
                continue;
            };
            // Read back as the same file: the base rule of a correlation is
            // named after the file.
            let ir2 = read_sigma(&path.display().to_string(), &s1);
            assert_eq!(ir2.len(), 1, "{}\n{s1}", path.display());
            let ir2 = &ir2[0];
            assert_eq!(
                common::canon::filter(&ir1.filter),
                common::canon::filter(&ir2.filter),
                "{}\n{s1}",
                path.display()
            );
            let mut m1 = ir1.meta.clone();
            let mut m2 = ir2.meta.clone();
            // The only key the writer adds: the parameters it leaves as placeholders.
            m1.extra.remove("parameters");
            m2.extra.remove("parameters");
            assert_eq!(m1, m2, "{}\n{s1}", path.display());
            let kinds =
                |d: &Detection| d.pipeline.iter().map(|s| s.kind.name()).collect::<Vec<_>>();
            assert_eq!(kinds(&ir1), kinds(ir2), "{}", path.display());
            let s2 = to_sigma(ir2, &BTreeMap::new()).expect("the second write");
            assert_eq!(s1, s2, "{}: writing is not a fixed point", path.display());
            written += 1;
        }
    }
    eprintln!(
        "{written} catalog rules round-tripped; refused by the writer: {refused:?}; unreadable: {unreadable:?}"
    );
    assert!(
        written >= 25,
        "only {written} of {} rules written",
        files.len()
    );
}

/// Every SigmaHQ rule the reader takes is written back with the same
/// meaning (field names as they are: the `sigma-raw` profile).
#[test]
fn sigmahq_rules_round_trip() {
    let Some(corpora) = common::corpora() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    let mut files = Vec::new();
    let mut dirs = vec![corpora.join("sigmahq")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().and_then(|x| x.to_str()) == Some("yml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut same, mut unreadable, mut refused) = (0, 0, Vec::new());
    for path in &files {
        let loaded = vigil::load::load_text(path, std::fs::read_to_string(path).unwrap());
        if loaded.diagnostics.iter().any(|d| d.is_error()) {
            unreadable += 1;
            continue;
        }
        for ir1 in loaded.detections {
            let Some(s1) = to_sigma_with(&ir1, &BTreeMap::new(), "sigma-raw") else {
                refused.push(path.display().to_string());
                continue;
            };
            let ir2 = read_sigma(&path.display().to_string(), &s1);
            assert_eq!(ir2.len(), 1, "{}\n{s1}", path.display());
            assert_eq!(
                common::canon::filter(&ir1.filter),
                common::canon::filter(&ir2[0].filter),
                "{}\n{s1}",
                path.display()
            );
            let (mut m1, mut m2) = (ir1.meta.clone(), ir2[0].meta.clone());
            // The only key the writer adds: the parameters it leaves as placeholders.
            m1.extra.remove("parameters");
            m2.extra.remove("parameters");
            assert_eq!(m1, m2, "{}\n{s1}", path.display());
            same += 1;
        }
    }
    eprintln!(
        "{same} SigmaHQ detections round-tripped, {unreadable} files unreadable, writer refused: {refused:?}"
    );
    assert!(refused.is_empty(), "{refused:?}");
    assert!(
        same >= files.len() * 9 / 10,
        "{same} of {} files",
        files.len()
    );
}

/// `vigil convert RULE.yml --to vigil`: every catalog and SigmaHQ rule the
/// printer takes reads back from Vigil's language with the same filter,
/// pipeline and metadata (the printer refuses what Vigil cannot say, such as
/// full-text keywords, and warns where metadata loses its type).
#[test]
fn sigma_to_vigil_keeps_the_ir() {
    let Some(corpora) = common::corpora() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    let mut files = Vec::new();
    let mut dirs = vec![corpora.join("auth0-detections"), corpora.join("sigmahq")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().and_then(|x| x.to_str()) == Some("yml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut same, mut refused, mut lossy) = (0, BTreeMap::<String, usize>::new(), 0);
    for path in &files {
        let loaded = vigil::load::load_text(path, std::fs::read_to_string(path).unwrap());
        if loaded.diagnostics.iter().any(|d| d.is_error()) {
            continue;
        }
        for ir1 in loaded.detections {
            let printed = match vigil::vigil_print::print(&ir1) {
                Ok(p) => p,
                Err(e) => {
                    let why = e[0].message.split(':').next().unwrap_or_default();
                    *refused.entry(why.to_string()).or_default() += 1;
                    continue;
                }
            };
            let (ir2, diags) = common::load_str("converted.vigil", &printed.text);
            let ir2 = ir2.unwrap_or_else(|| {
                panic!(
                    "{}: the Vigil text does not load:\n{}\n{diags:?}",
                    path.display(),
                    printed.text
                )
            });
            assert_eq!(
                common::canon::filter(&ir1.filter),
                common::canon::filter(&ir2.filter),
                "{}\n{}",
                path.display(),
                printed.text
            );
            let kinds =
                |d: &Detection| d.pipeline.iter().map(|s| s.kind.name()).collect::<Vec<_>>();
            assert_eq!(
                kinds(&ir1),
                kinds(&ir2),
                "{}\n{}",
                path.display(),
                printed.text
            );
            if printed.diagnostics.is_empty() {
                assert_eq!(ir1.meta, ir2.meta, "{}\n{}", path.display(), printed.text);
            } else {
                lossy += 1;
            }
            same += 1;
        }
    }
    eprintln!(
        "{same} rules converted to Vigil and read back ({lossy} with metadata warnings); refused: {refused:?}"
    );
    assert!(
        same >= files.len() * 9 / 10,
        "{same} of {} files",
        files.len()
    );
}

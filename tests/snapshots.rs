//! One snapshot per detection per target (review every .snap you accept).

mod common;

use vigil::targets::Target;

#[test]
fn splunk() {
    insta::glob!("../detections", "*.vigil", |path| {
        let det = common::load(path);
        let out = common::compile(&det, Target::Splunk).unwrap_or_else(|e| {
            e.iter()
                .map(vigil::diagnostic::render_plain)
                .collect::<Vec<_>>()
                .join("\n")
        });
        insta::assert_snapshot!(out);
    });
}

/// The Sigma output (or the diagnostics saying why there is none), with the
/// warnings and notes the compiler gave.
fn sigma_snapshot(path: &std::path::Path, params: bool) -> String {
    // Load under the path relative to the crate, so snapshots do not depend
    // on where the checkout lives.
    let rel = path.strip_prefix(common::root()).unwrap_or(path);
    let text = std::fs::read_to_string(path).expect("readable");
    let (det, diags) = common::load_str(&rel.display().to_string(), &text);
    let mut det = det.unwrap_or_else(|| panic!("{diags:?}"));
    let values: std::collections::BTreeMap<String, String> = if params {
        common::sample_params(&det)
    } else {
        Default::default()
    };
    let diags = vigil::ir::params::substitute(&mut det, &values);
    assert!(diags.is_empty(), "{diags:?}");
    let profile = vigil::profile::Profile::load("sigma-auth0").expect("profile");
    let opts = vigil::targets::Options {
        filter_only: false,
        comments: true,
        params: values,
        ..Default::default()
    };
    let render = |d: &[vigil::diagnostic::Diagnostic]| {
        d.iter()
            .map(vigil::diagnostic::render_plain)
            .collect::<Vec<_>>()
            .join("\n")
    };
    match Target::Sigma.backend().compile(&det, &profile, &opts) {
        Ok(c) if c.diagnostics.is_empty() => c.query,
        Ok(c) => format!("{}\n{}", render(&c.diagnostics), c.query),
        Err(e) => render(&e),
    }
}

#[test]
fn sigma() {
    insta::glob!("../detections", "*.vigil", |path| {
        insta::assert_snapshot!(sigma_snapshot(path, false));
    });
}

/// With every parameter set to a sample value (thresholds become numbers,
/// so aggregating pipelines can become correlations).
#[test]
fn sigma_with_params() {
    insta::glob!("../detections", "*.vigil", |path| {
        insta::assert_snapshot!(sigma_snapshot(path, true));
    });
}

/// Detections written to exercise every shape the Sigma writer produces
/// (pySigma loads each of them too: conformance/sigma_load.py).
#[test]
fn sigma_fixtures() {
    insta::glob!("fixtures/sigma-write", "*.vigil", |path| {
        insta::assert_snapshot!(sigma_snapshot(path, false));
    });
}

/// Auth0 log search. Every catalog detection has a pipeline, which Auth0
/// cannot run, so the snapshot is the `--filter-only` query followed by every
/// warning (what was left out, and where Auth0's case-sensitive matching
/// differs).
#[test]
fn auth0() {
    insta::glob!("../detections", "*.vigil", |path| {
        let det = common::load(path);
        let out = match common::compile_full(&det, Target::Auth0, true) {
            Ok(c) => {
                let mut lines = vec![c.query, "--- warnings".to_string()];
                lines.extend(c.diagnostics.iter().map(common::diagnostic_line));
                lines.join("\n")
            }
            Err(e) => e
                .iter()
                .map(common::diagnostic_line)
                .collect::<Vec<_>>()
                .join("\n"),
        };
        insta::assert_snapshot!(out);
    });
}

/// Compiles for an Elastic target and renders the query followed by every
/// diagnostic (notes, warnings), or the diagnostics alone when it fails.
fn elastic(
    path: &std::path::Path,
    target: Target,
    filter_only: bool,
    stack_version: Option<&str>,
) -> String {
    let det = common::load(path);
    let profile = vigil::profile::Profile::load(target.default_profile()).expect("default profile");
    let opts = vigil::targets::Options {
        filter_only,
        comments: true,
        stack_version: stack_version.map(str::to_string),
        ..Default::default()
    };
    match target.backend().compile(&det, &profile, &opts) {
        Ok(c) => {
            let mut lines = vec![c.query, "--- diagnostics".to_string()];
            lines.extend(c.diagnostics.iter().map(common::diagnostic_line));
            lines.join("\n")
        }
        Err(e) => e
            .iter()
            .map(common::diagnostic_line)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// KQL, the filter alone (`--filter-only`): every detection has one.
#[test]
fn kql() {
    insta::glob!("../detections", "*.vigil", |path| {
        insta::assert_snapshot!(elastic(path, Target::Kql, true, None));
    });
}

/// ES|QL at the default stack version (9.3).
#[test]
fn esql() {
    insta::glob!("../detections", "*.vigil", |path| {
        insta::assert_snapshot!(elastic(path, Target::Esql, false, None));
    });
}

/// ES|QL at 9.5, which reads the leaves of flattened fields (the Auth0
/// integration's `details`).
#[test]
fn esql_9_5() {
    insta::glob!("../detections", "*.vigil", |path| {
        insta::assert_snapshot!(elastic(path, Target::Esql, false, Some("9.5")));
    });
}

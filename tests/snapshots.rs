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

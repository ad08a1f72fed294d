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

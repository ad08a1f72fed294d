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

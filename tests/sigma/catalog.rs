//! The Auth0 detection catalog as one folder: every valid file compiles,
//! the known defects are diagnostics at their YAML line, nothing panics.

use super::common::corpora;
use super::compile;

#[test]
fn catalog_folder() {
    let Some(corpora) = corpora() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    let dir = corpora.join("auth0-detections/detections");
    let files = vigil::load::expand_paths(&[dir]).expect("catalog files");
    assert_eq!(files.len(), 33);
    let loaded = std::panic::catch_unwind(|| vigil::load::load_files(&files)).expect("no panic");
    let mut problems = Vec::new();
    let mut queries = 0;
    for l in &loaded {
        let name = l.file.name.rsplit('/').next().unwrap_or("").to_string();
        for d in &l.diagnostics {
            let (_, line, col) = d.location().expect("a location");
            problems.push(format!(
                "{name}:{line}:{col}: {:?}: {}",
                d.severity, d.message
            ));
        }
        for det in &l.detections {
            let q = compile(det, "splunk-auth0");
            assert!(!q.contains("data.data."), "{name}: {q}");
            queries += 1;
        }
        let errors = l.diagnostics.iter().any(|d| d.is_error());
        assert_eq!(l.detections.is_empty(), errors, "{name}");
    }
    // 32 valid files, one detection each (the 8 correlations replace their
    // base rule: `generate` is false).
    assert_eq!(queries, 32);
    insta::assert_debug_snapshot!(problems, @r#"
        [
            "client_with_overpermissive_granted_scopes.yml:16:25: Error: the value of `data.client_id` is a YAML mapping, not a value",
            "logins_or_signups_from_suspicious_ips.yml:18:18: Warning: `data.type` has no value, which Sigma reads as null: this matches only events without `data.type`",
        ]
        "#);
}

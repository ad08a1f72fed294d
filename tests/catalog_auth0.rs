//! Reference fidelity for Auth0 log search: each ported catalog detection's
//! auth0 output equals the catalog's `tenant_logs:` query (kept under
//! tests/fixtures/auth0-catalog/tenant_logs, Apache-2.0, see NOTICE.md there)
//! modulo whitespace, or is listed under `## auth0` in
//! detections/DEVIATIONS.md with the reason.
//!
//! The detections are compiled with `--filter-only`: every catalog rule has a
//! pipeline, which Auth0 cannot run, and the catalog's `tenant_logs` query is
//! exactly the searchable part of the rule's filter (a broader pre-filter
//! where the rule tests `details.*`), which is what `--filter-only` emits.

mod common;

use common::{compile_full, deviations, load, normalize, root};
use vigil::targets::Target;

#[test]
fn normalize_keeps_lucene_structure() {
    assert_eq!(
        normalize("type: \"sapi\" AND (description: \"a\"\nOR description: \"b\")"),
        normalize(r#"type:"sapi" AND (description:"a" OR description:"b")"#)
    );
    assert_ne!(normalize("type: (s f)"), normalize("type:(sf)"));
    assert_ne!(normalize(r#"type:"sapi""#), normalize("type:sapi"));
    assert_ne!(normalize(r#"d:"a  b""#), normalize(r#"d:"ab""#));
}

#[test]
fn ported_detections_match_their_tenant_logs_queries() {
    let listed = deviations("auth0");
    let fixtures = root().join("tests/fixtures/auth0-catalog/tenant_logs");
    let mut checked = Vec::new();
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(root().join("detections"))
        .expect("detections/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("vigil"))
        .collect();
    paths.sort();
    for path in paths {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let reference = fixtures.join(format!("{stem}.lucene"));
        if !reference.exists() {
            continue;
        }
        let det = load(&path);
        let ours = compile_full(&det, Target::Auth0, true)
            .unwrap_or_else(|e| panic!("{stem}: {e:?}"))
            .query;
        let theirs = std::fs::read_to_string(&reference).expect("reference");
        let equal = normalize(&ours) == normalize(&theirs);
        match (equal, listed.contains_key(&stem)) {
            (true, true) => stale.push(stem.clone()),
            (false, false) => failures.push(format!(
                "{stem}:\n  ours:   {}\n  theirs: {}",
                normalize(&ours),
                normalize(&theirs)
            )),
            _ => {}
        }
        checked.push(stem);
    }
    let unknown: Vec<&String> = listed.keys().filter(|k| !checked.contains(k)).collect();
    eprintln!(
        "{} detections compared with their tenant_logs query, {} listed deviations",
        checked.len(),
        listed.len()
    );
    let references = std::fs::read_dir(&fixtures)
        .expect("tenant_logs fixtures")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().and_then(|x| x.to_str()) == Some("lucene"))
        })
        .count();
    assert_eq!(
        checked.len(),
        references,
        "every tenant_logs reference needs a ported detection"
    );
    assert!(
        unknown.is_empty(),
        "DEVIATIONS.md `## auth0` lists rules without a ported detection and reference: {unknown:?}"
    );
    assert!(
        stale.is_empty(),
        "listed in DEVIATIONS.md but equal to the reference: {stale:?}"
    );
    assert!(
        failures.is_empty(),
        "differ from the tenant_logs reference:\n{}",
        failures.join("\n")
    );
}

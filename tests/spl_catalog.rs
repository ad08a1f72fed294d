//! The Splunk reader against the catalog: each reference search of the Auth0
//! catalog (tests/fixtures/auth0-catalog), read as SPL and printed back to
//! Splunk, equals the reference modulo whitespace and ``` comments, or is
//! listed in detections/DEVIATIONS.md under `spl-import` with the reason.

mod common;

use std::collections::BTreeMap;

use common::{compile, deviations, load, normalize, root};
use vigil::targets::Target;

fn references() -> Vec<std::path::PathBuf> {
    let dir = root().join("tests/fixtures/auth0-catalog");
    let mut out = vec![dir.join("article-attack-protection-status.spl")];
    let mut found = Vec::new();
    vigil::load::walk_files(&dir.join("splunk"), &mut |p| found.push(p)).expect("fixtures");
    out.extend(found.into_iter().filter(|p| p.extension().is_some_and(|e| e == "spl")));
    out
}

#[test]
fn catalog_searches_read_back_to_their_reference() {
    let listed = deviations("spl-import");
    let mut equal = 0;
    let mut failures = BTreeMap::new();
    let mut stale = Vec::new();
    let refs = references();
    assert_eq!(refs.len(), 34, "33 catalog searches and the article's");
    for path in &refs {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let det = load(path);
        let ours = compile(&det, Target::Splunk).unwrap_or_else(|e| panic!("{stem}: {e:?}"));
        let theirs = std::fs::read_to_string(path).expect("reference");
        let same = normalize(&ours) == normalize(&theirs);
        equal += usize::from(same);
        match (same, listed.contains_key(&stem)) {
            (true, true) => stale.push(stem),
            (false, false) => {
                failures.insert(stem, format!("ours:   {}\ntheirs: {}", normalize(&ours), normalize(&theirs)));
            }
            _ => {}
        }
    }
    eprintln!("catalog round trip: {equal}/{}", refs.len());
    assert!(stale.is_empty(), "listed but equal: {stale:?}");
    assert!(failures.is_empty(), "differ:\n{}", failures.iter().map(|(k, v)| format!("{k}:\n{v}")).collect::<Vec<_>>().join("\n\n"));
}

//! Reference fidelity: each ported catalog detection compiles to its
//! `splunk:` reference search (kept under tests/fixtures/auth0-catalog,
//! Apache-2.0, see NOTICE.md there) modulo whitespace and ``` comments, or is
//! listed in detections/DEVIATIONS.md with the reason.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{compile, load, normalize, root};
use vigil::targets::Target;

/// The detection whose reference is the seed article's search.
const ARTICLE: &str = "article_attack_protection_status";

/// Rules listed under `## <section>` in DEVIATIONS.md, with their reasons.
pub fn deviations(section: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("detections/DEVIATIONS.md")).unwrap_or_default();
    let mut out = BTreeMap::new();
    let mut in_section = false;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            in_section = h.trim().eq_ignore_ascii_case(section);
            continue;
        }
        if in_section
            && let Some(rest) = line.strip_prefix("- `")
            && let Some((name, reason)) = rest.split_once('`')
        {
            out.insert(
                name.to_string(),
                reason.trim_start_matches(':').trim().to_string(),
            );
        }
    }
    out
}

fn reference_for(stem: &str) -> Option<PathBuf> {
    let dir = root().join("tests/fixtures/auth0-catalog");
    if stem == ARTICLE {
        return Some(dir.join("article-attack-protection-status.spl"));
    }
    let p = dir.join("splunk").join(format!("{stem}.spl"));
    p.exists().then_some(p)
}

#[test]
fn normalize_ignores_only_whitespace_and_comments() {
    assert_eq!(
        normalize("a  b\n| sort - _time ```c``` | x"),
        normalize("a b | sort -_time | x")
    );
    assert_ne!(normalize("a b"), normalize("ab"));
    assert_ne!(normalize("x=\"a b\""), normalize("x=\"ab\""));
    assert_ne!(normalize("IN (a b)"), normalize("IN (a, b)"));
}

#[test]
fn ported_detections_match_their_reference_searches() {
    let listed = deviations("splunk");
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(root().join("detections")).expect("detections/") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("vigil") {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let Some(reference) = reference_for(&stem) else {
            continue;
        };
        checked += 1;
        let det = load(&path);
        let ours = compile(&det, Target::Splunk).unwrap_or_else(|e| panic!("{stem}: {e:?}"));
        let theirs = std::fs::read_to_string(&reference).expect("reference");
        let equal = normalize(&ours) == normalize(&theirs);
        match (equal, listed.contains_key(&stem)) {
            (true, true) => stale.push(stem),
            (false, false) => failures.push(format!(
                "{stem}:\n  ours:   {}\n  theirs: {}",
                normalize(&ours),
                normalize(&theirs)
            )),
            _ => {}
        }
    }
    assert!(checked >= 9, "only {checked} ported detections found");
    assert!(
        stale.is_empty(),
        "listed in DEVIATIONS.md but equal to the reference: {stale:?}"
    );
    assert!(
        failures.is_empty(),
        "differ from the reference:\n{}",
        failures.join("\n")
    );
}

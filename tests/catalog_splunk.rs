//! Reference fidelity: each ported catalog detection compiles to its
//! `splunk:` reference search (kept under tests/fixtures/auth0-catalog,
//! Apache-2.0, see NOTICE.md there) modulo whitespace and ``` comments, or is
//! listed in detections/DEVIATIONS.md with the reason; every catalog rule is
//! ported, under the catalog's id; README.md's fidelity table tells the truth.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::{compile, deviations, load, normalize, root};
use vigil::targets::Target;

/// The detection whose reference is the seed article's search.
const ARTICLE: &str = "article_attack_protection_status";

/// The article detection's own id (it is not a catalog rule).
const ARTICLE_ID: &str = "3f0c6f3e-5a2b-4d0e-9b7a-0a1e2f3c4d5e";

/// How many rules the Auth0 catalog has.
const CATALOG_RULES: usize = 33;

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

/// The stems of the catalog rules, from the reference fixtures.
fn catalog_stems() -> BTreeSet<String> {
    let dir = root().join("tests/fixtures/auth0-catalog/splunk");
    std::fs::read_dir(&dir)
        .expect("tests/fixtures/auth0-catalog/splunk")
        .filter_map(|e| {
            let p = e.expect("entry").path();
            (p.extension().and_then(|x| x.to_str()) == Some("spl")).then(|| stem_of(&p))
        })
        .collect()
}

fn stem_of(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

/// Every detection that has a reference search, with whether its Splunk
/// output equals it (and both texts, normalised, for messages).
fn fidelity() -> BTreeMap<String, (bool, String, String)> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("detections")).expect("detections/") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("vigil") {
            continue;
        }
        let stem = stem_of(&path);
        let Some(reference) = reference_for(&stem) else {
            continue;
        };
        let det = load(&path);
        let ours = compile(&det, Target::Splunk).unwrap_or_else(|e| panic!("{stem}: {e:?}"));
        let theirs = std::fs::read_to_string(&reference).expect("reference");
        let (ours, theirs) = (normalize(&ours), normalize(&theirs));
        out.insert(stem, (ours == theirs, ours, theirs));
    }
    out
}

#[test]
fn ported_detections_match_their_reference_searches() {
    let listed = deviations("splunk");
    let results = fidelity();
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    for (stem, (equal, ours, theirs)) in &results {
        match (*equal, listed.contains_key(stem)) {
            (true, true) => stale.push(stem.clone()),
            (false, false) => {
                failures.push(format!("{stem}:\n  ours:   {ours}\n  theirs: {theirs}"))
            }
            _ => {}
        }
    }
    assert_eq!(
        results.len(),
        CATALOG_RULES + 1,
        "every catalog rule and the article are checked: {:?}",
        results.keys().collect::<Vec<_>>()
    );
    let unknown: Vec<&String> = listed
        .keys()
        .filter(|k| !results.contains_key(*k))
        .collect();
    assert!(
        unknown.is_empty(),
        "DEVIATIONS.md lists rules that are not ported detections: {unknown:?}"
    );
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

#[test]
fn every_catalog_rule_has_a_ported_detection() {
    let stems = catalog_stems();
    assert_eq!(stems.len(), CATALOG_RULES, "reference fixtures: {stems:?}");
    let missing: Vec<&String> = stems
        .iter()
        .filter(|s| {
            !root()
                .join("detections")
                .join(format!("{s}.vigil"))
                .is_file()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "catalog rules without a detection: {missing:?}"
    );
}

/// The rows of README.md's "Catalog fidelity" table: detection stem → the
/// status cell; and the "**N of M**" count in the section's text.
fn readme_fidelity() -> (BTreeMap<String, String>, Option<(usize, usize)>) {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Catalog fidelity"))
        .expect("README.md has a `## Catalog fidelity` section");
    let mut rows = BTreeMap::new();
    for line in section.lines() {
        let Some(rest) = line.strip_prefix("| [`") else {
            continue;
        };
        let (stem, _) = rest.split_once('`').expect("a stem in backquotes");
        let status = line.trim_end_matches('|').rsplit('|').next().unwrap_or("");
        let previous = rows.insert(stem.to_string(), status.trim().to_string());
        assert!(previous.is_none(), "README lists `{stem}` twice");
    }
    let count = regex::Regex::new(r"\*\*(\d+) of (\d+)\*\*")
        .expect("regex")
        .captures(section)
        .map(|c| (c[1].parse().expect("N"), c[2].parse().expect("M")));
    (rows, count)
}

#[test]
fn readme_fidelity_table_agrees_with_the_compiler() {
    let results = fidelity();
    let (rows, count) = readme_fidelity();
    let listed: BTreeSet<&String> = rows.keys().collect();
    let checked: BTreeSet<&String> = results.keys().collect();
    assert_eq!(
        listed, checked,
        "README rows vs detections with a reference"
    );
    let mut wrong = Vec::new();
    for (stem, (equal, _, _)) in &results {
        let status = &rows[stem];
        let says_exact = status == "exact";
        let says_differs =
            status.starts_with("differs") && status.contains("(detections/DEVIATIONS.md)");
        if !(*equal && says_exact || !*equal && says_differs) {
            wrong.push(format!("{stem}: README says `{status}`, equal = {equal}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "README.md is stale:\n{}",
        wrong.join("\n")
    );
    let exact = results.values().filter(|r| r.0).count();
    assert_eq!(
        count,
        Some((exact, results.len())),
        "README's \"**N of M**\" count"
    );
}

/// `stem -> id` from tests/fixtures/auth0-catalog/ids.tsv.
fn fixture_ids() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/auth0-catalog/ids.tsv"))
        .expect("ids.tsv");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (stem, id) = l.split_once('\t').expect("stem<TAB>id");
            (stem.to_string(), id.to_string())
        })
        .collect()
}

#[test]
fn compiled_detections_carry_the_catalog_ids() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
        .current_dir(root())
        .args([
            "compile",
            "detections/",
            "--target",
            "splunk",
            "--format",
            "json",
        ])
        .output()
        .expect("run vigil");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON list");
    let mut expected = fixture_ids();
    assert_eq!(expected.len(), CATALOG_RULES);
    expected.insert(ARTICLE.to_string(), ARTICLE_ID.to_string());
    let got: BTreeMap<String, String> = entries
        .iter()
        .map(|e| {
            let source = e["source"].as_str().expect("source");
            let id = e["id"].as_str().expect("id");
            (stem_of(Path::new(source)), id.to_string())
        })
        // detections/ also holds Vigil's own detections (m2m_*), which are
        // not from the catalog.
        .filter(|(stem, _)| expected.contains_key(stem))
        .collect();
    assert_eq!(got, expected, "detection ids vs the catalog's");
}

#[test]
fn fixture_ids_are_the_catalog_yaml_ids() {
    let Some(corpora) = common::corpora() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    let dir = corpora.join("auth0-detections/detections");
    let mut from_yaml = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("catalog detections") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("yml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("rule");
        // The first YAML document is the rule (some files add a correlation).
        let docs: Vec<serde_json::Value> =
            serde_saphyr::from_multiple(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let id = docs
            .first()
            .and_then(|d| d["id"].as_str())
            .unwrap_or_else(|| panic!("{path:?} has no id"));
        from_yaml.insert(stem_of(&path), id.to_string());
    }
    assert_eq!(from_yaml, fixture_ids());
}

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
    out.extend(
        found
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "spl")),
    );
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
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let det = load(path);
        let ours = compile(&det, Target::Splunk).unwrap_or_else(|e| panic!("{stem}: {e:?}"));
        let theirs = std::fs::read_to_string(path).expect("reference");
        let same = normalize(&ours) == normalize(&theirs);
        equal += usize::from(same);
        match (same, listed.contains_key(&stem)) {
            (true, true) => stale.push(stem),
            (false, false) => {
                failures.insert(
                    stem,
                    format!(
                        "ours:   {}\ntheirs: {}",
                        normalize(&ours),
                        normalize(&theirs)
                    ),
                );
            }
            _ => {}
        }
    }
    eprintln!("catalog round trip: {equal}/{}", refs.len());
    assert!(stale.is_empty(), "listed but equal: {stale:?}");
    assert!(
        failures.is_empty(),
        "differ:\n{}",
        failures
            .iter()
            .map(|(k, v)| format!("{k}:\n{v}"))
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// The detection whose reference is the article's search.
const ARTICLE: &str = "article_attack_protection_status";

/// Every test case of a hand-ported catalog detection passes when run
/// against the catalog's own search, read by the Splunk reader, instead of
/// the `.vigil` port: the imported search means what the port means.
#[test]
fn imported_searches_pass_the_ports_test_cases() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for path in references() {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let port = if stem == "article-attack-protection-status" {
            ARTICLE
        } else {
            stem
        };
        let tests = root().join("detections").join(format!("{port}.tests.yaml"));
        if !tests.exists() {
            continue;
        }
        let det = load(&path);
        let result = vigil::testing::run_file_in(
            &tests,
            &vigil::testing::Confine::repository_of(&tests),
            Some(&det),
        );
        assert!(
            result.errors.is_empty(),
            "{port}: {:?}",
            result
                .errors
                .iter()
                .map(|e| e.one_line())
                .collect::<Vec<_>>()
        );
        for case in &result.cases {
            ran += 1;
            if let Some(f) = &case.failure
                && !only_port_fixed_columns(port, f)
            {
                failures.push(format!("{port} / {}:\n{f}", case.name));
            }
        }
    }
    eprintln!("test cases run against imported searches: {ran}");
    assert!(ran > 0, "no test case ran");
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// No input makes the reader panic: every prefix of every reference search,
/// and each with multi-byte characters spliced in, reads or fails with a
/// diagnostic.
#[test]
fn truncated_and_mangled_searches_never_panic() {
    let macros = vigil::spl::Macros::default();
    for path in references() {
        let text = std::fs::read_to_string(&path).expect("reference");
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(11).collect();
        for &cut in &cuts {
            for variant in [
                text[..cut].to_string(),
                format!("{}é`\"ü'{}", &text[..cut], &text[cut..]),
                format!("{}[({}", &text[..cut], &text[cut..]),
            ] {
                let file = vigil::source::SourceFile::new("x.spl", variant.as_str());
                let r = std::panic::catch_unwind(|| {
                    let _ =
                        vigil::spl::read_search(&file, 0, &variant, Default::default(), &macros);
                });
                assert!(r.is_ok(), "panic on:\n{variant}");
            }
        }
    }
}

/// Columns a port keeps where its reference search loses them, as
/// `detections/DEVIATIONS.md` says: the reference of
/// `risk_for_mfa_push_fatigue` tables `ip` after `stats ... by user_id`
/// dropped it (always empty); the port keeps it with `values(ip) as ip`.
const PORT_FIXED_COLUMNS: &[(&str, &str)] = &[("risk_for_mfa_push_fatigue", "ip")];

/// True when a case fails only because the expected rows carry a column
/// the reference search cannot give: every row of the diff is an expected
/// row paired with an actual one (`~ row ...`) that lacks only that column
/// (`    ip: expected ..., got nothing`), or the rows it gave (`+ {...}`)
/// are the expected ones (`- {...}`) without it.
fn only_port_fixed_columns(port: &str, failure: &str) -> bool {
    let Some((_, column)) = PORT_FIXED_COLUMNS.iter().find(|(p, _)| *p == port) else {
        return false;
    };
    let body: Vec<&str> = failure.lines().skip(1).collect();
    let columns: Vec<&str> = body.iter().filter_map(|l| l.strip_prefix("    ")).collect();
    if body.iter().any(|l| l.starts_with("~ "))
        && body
            .iter()
            .all(|l| l.starts_with("~ ") || l.starts_with("    "))
        && columns
            .iter()
            .all(|c| c.starts_with(&format!("{column}: ")) && c.ends_with(", got nothing"))
    {
        return true;
    }
    let rows = |sign: &str| -> Vec<serde_json::Value> {
        failure
            .lines()
            .filter_map(|l| l.strip_prefix(sign))
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    };
    let mut expected = rows("- ");
    let got = rows("+ ");
    for row in &mut expected {
        if let Some(o) = row.as_object_mut() {
            o.remove(*column);
        }
    }
    !got.is_empty() && expected == got
}

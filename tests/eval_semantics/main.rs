//! One test per rule of docs/semantics.md: `sN_...` tests rule SN. The
//! evaluator is Vigil's definition of what a detection means, so these are
//! the definition's executable form.

mod expressions;
mod filters;
mod stages;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use vigil::eval::{Event, LookupSource, Lookups, Options, prepare};
use vigil::ir::Detection;

/// Loads Vigil source (a title is added).
pub fn detection(src: &str) -> Detection {
    let loaded = vigil::load::load_text(Path::new("t.vigil"), format!("title: \"t\"\n{src}"));
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(vigil::diagnostic::render_plain)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    loaded.detections.into_iter().next().expect("a detection")
}

/// Runs a detection over events with options.
pub fn run_det(det: &Detection, events: &[Value], opts: &Options) -> Vec<Value> {
    let plan = match prepare(det, &BTreeMap::new(), opts) {
        Ok(p) => p,
        Err(d) => panic!(
            "{}",
            d.iter()
                .map(|d| d.one_line())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    plan.run(events.iter().cloned().map(Event::new))
        .map(|r| r.to_json())
        .collect()
}

/// Runs Vigil source over events (`now` = 0, no lookups).
pub fn run(src: &str, events: &[Value]) -> Vec<Value> {
    run_det(&detection(src), events, &Options::default())
}

/// Runs with lookup tables given as rows.
pub fn run_with_lookup(
    src: &str,
    events: &[Value],
    name: &str,
    rows: &[&[(&str, &str)]],
) -> Vec<Value> {
    let mut lookups = Lookups::default();
    lookups.tables.insert(
        name.to_string(),
        LookupSource::Rows(
            rows.iter()
                .map(|r| {
                    r.iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect()
                })
                .collect(),
        ),
    );
    run_det(&detection(src), events, &Options { now: 0.0, lookups })
}

/// The `log_id`s of result rows.
pub fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["log_id"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// Events numbered `log_id` "1", "2", ... from JSON objects.
pub fn numbered(events: Vec<Value>) -> Vec<Value> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, mut e)| {
            e["log_id"] = Value::String((i + 1).to_string());
            e
        })
        .collect()
}

/// The ids of the events a filter matches.
pub fn matching(filter: &str, events: Vec<Value>) -> Vec<String> {
    ids(&run(&format!("search {filter}"), &numbered(events)))
}

#[test]
fn every_documented_rule_has_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/semantics.md")).expect("docs/semantics.md");
    let tests: String = ["main.rs", "filters.rs", "expressions.rs", "stages.rs"]
        .iter()
        .map(|f| {
            std::fs::read_to_string(root.join("tests/eval_semantics").join(f)).unwrap_or_default()
        })
        .collect();
    let mut rules = 0;
    for line in doc.lines() {
        let Some(rest) = line.strip_prefix("### S") else {
            continue;
        };
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        rules += 1;
        assert!(
            tests.contains(&format!("fn s{n}_")),
            "rule S{n} of docs/semantics.md has no test `s{n}_...`"
        );
    }
    assert!(rules >= 30, "found only {rules} rules");
}

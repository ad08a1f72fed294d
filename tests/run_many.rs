//! Many detections in one pass (`vigil run A B ... --events`): each
//! detection's rows are exactly those it gives when run alone, with or
//! without the shared prefilter, and every row names its detection.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::root;
use serde_json::Value;
use vigil::eval::{Event, LookupSource, Lookups, Options, Plan, multi, prepare};
use vigil::ir::ParamType;
use vigil::synth::Generator;

/// Every detection of `detections/` and `bench/`, parameters filled in.
fn plans() -> Vec<(String, Plan)> {
    plans_of(&[
        "detections",
        "bench/filter.vigil",
        "bench/selective.vigil",
        "bench/stats.vigil",
    ])
}

/// The detections of the paths (relative to the crate), parameters filled
/// in; those that cannot run even so are left out.
fn plans_of(paths: &[&str]) -> Vec<(String, Plan)> {
    let paths: Vec<_> = paths.iter().map(|p| root().join(p)).collect();
    let paths = vigil::load::expand_paths(&paths).expect("detections");
    let mut out = Vec::new();
    for path in paths {
        let det = common::load(&path);
        let params: BTreeMap<String, String> = det
            .params
            .iter()
            .map(|p| {
                let v = match p.ty {
                    ParamType::Number => "1",
                    ParamType::Bool => "true",
                    ParamType::String => "acme-prod",
                };
                (p.name.clone(), v.to_string())
            })
            .collect();
        let mut lookups = Lookups::default();
        lookups
            .tables
            .insert("acme-prod".into(), LookupSource::Rows(Vec::new()));
        let opts = Options {
            now: 1.75e9,
            lookups,
        };
        if let Ok(plan) = prepare(&det, &params, &opts) {
            out.push((path.display().to_string(), plan));
        }
    }
    out
}

#[test]
fn one_pass_gives_each_detection_its_own_rows() {
    let mut generator = Generator::new(41, 1.75e9);
    let events: Vec<Value> = (0..3000).map(|_| generator.event()).collect();
    let (names, plans): (Vec<String>, Vec<Plan>) = plans().into_iter().unzip();
    assert!(
        plans.len() >= 30,
        "only {} detections prepared",
        plans.len()
    );
    assert!(plans.iter().any(Plan::is_filter_only));
    assert!(plans.iter().any(|p| !p.is_filter_only()));
    assert!(plans.iter().any(Plan::needs_events), "no `join` detection");
    let alone: Vec<Vec<Value>> = plans
        .iter()
        .map(|p| {
            p.run(events.iter().cloned().map(Event::new))
                .map(|r| r.to_json())
                .collect()
        })
        .collect();
    assert!(
        alone.iter().filter(|rows| !rows.is_empty()).count() >= 5,
        "too few detections return rows to compare"
    );

    let mut together: Vec<Vec<Value>> = vec![Vec::new(); plans.len()];
    multi::run(&plans, events.iter().cloned().map(Event::new), |i, row| {
        together[i].push(row.to_json());
        true
    });
    for (i, name) in names.iter().enumerate() {
        assert_eq!(alone[i], together[i], "{name}");
    }

    // The shared prefilter skips only events no detection matches: over
    // every detection that has one, and over two selective ones (where it
    // must skip some events).
    let lenient: Vec<Plan> = plans
        .into_iter()
        .filter(|p| p.prefilter().is_some())
        .collect();
    assert!(
        lenient.len() >= 20,
        "only {} with a prefilter",
        lenient.len()
    );
    same_with_prefilter(&lenient, &events);
    let selective: Vec<Plan> = plans_of(&["bench/selective.vigil", "bench/filter.vigil"])
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    assert_eq!(selective.len(), 2);
    assert!(
        same_with_prefilter(&selective, &events) > 0,
        "nothing skipped"
    );
}

/// Checks that the detections give the same rows over the events their
/// shared prefilter keeps as over all; returns how many it skipped.
fn same_with_prefilter(plans: &[Plan], events: &[Value]) -> usize {
    let pre = multi::prefilter(plans).expect("a prefilter for detections that each have one");
    let kept: Vec<Value> = events
        .iter()
        .filter(|e| pre.may_match(e.to_string().as_bytes()))
        .cloned()
        .collect();
    let mut filtered: Vec<Vec<Value>> = vec![Vec::new(); plans.len()];
    multi::run(plans, kept.iter().cloned().map(Event::new), |i, row| {
        filtered[i].push(row.to_json());
        true
    });
    for (plan, rows) in plans.iter().zip(&filtered) {
        let all: Vec<Value> = plan
            .run(events.iter().cloned().map(Event::new))
            .map(|r| r.to_json())
            .collect();
        assert_eq!(&all, rows);
    }
    events.len() - kept.len()
}

#[test]
fn rows_name_their_detection_and_the_summary_counts_all() {
    let dir = std::env::temp_dir().join(format!("vigil-run-many-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let events = dir.join("events.ndjson");
    let out = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["gen-events", "--count", "10000", "--seed", "5"])
        .output()
        .expect("gen-events");
    std::fs::write(&events, out.stdout).expect("write");
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_vigil"))
            .current_dir(root())
            .args([
                "run",
                "bench/selective.vigil",
                "bench/stats.vigil",
                "--summary",
            ])
            .args(["--format", format, "--events"])
            .arg(&events)
            .output()
            .expect("run")
    };
    let out = run("ndjson");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut seen = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let row: serde_json::Map<String, Value> = serde_json::from_str(line).expect("a JSON row");
        let keys: Vec<&String> = row.keys().collect();
        assert!(keys.contains(&&"_detection".to_string()), "{line}");
        let id = row["_detection"].as_str().expect("id").to_string();
        let title = row["_title"].as_str().expect("title").to_string();
        *seen.entry((id, title)).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 2, "rows of both detections: {seen:?}");
    // Without its two leading columns, a row is the row of the detection
    // run alone (filter-only rows are printed from the event's text).
    let alone = |path: &str| -> Vec<Value> {
        let out = Command::new(env!("CARGO_BIN_EXE_vigil"))
            .current_dir(root())
            .args(["run", path, "--events"])
            .arg(&events)
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON row"))
            .collect()
    };
    let mut together: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect();
    for row in &mut together {
        let row = row.as_object_mut().expect("an object");
        row.remove("_detection");
        row.remove("_title");
    }
    let mut expected = alone("bench/selective.vigil");
    assert!(!expected.is_empty());
    expected.extend(alone("bench/stats.vigil"));
    assert_eq!(together, expected);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 detections: 10000 events"), "{err}");

    let table = String::from_utf8_lossy(&run("table").stdout).into_owned();
    assert!(table.contains("# bench/selective.vigil ("), "{table}");
    assert!(table.contains("# bench/stats.vigil ("), "{table}");
    let _ = std::fs::remove_dir_all(&dir);
}

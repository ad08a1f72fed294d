//! `vigil run`, `vigil test` and `vigil gen-events` end to end (the built
//! binary), and every detection over perturbed synthetic events without a
//! panic.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use common::root;
use serde_json::{Value, json};
use vigil::eval::{Event, LookupSource, Lookups, Options, prepare};
use vigil::ir::ParamType;
use vigil::synth::{Generator, SplitMix64};

fn vigil() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vigil"));
    c.current_dir(root());
    c
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vigil-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

#[test]
fn run_prints_result_rows() {
    let dir = temp_dir("run");
    let events = dir.join("events.ndjson");
    let mut lines = String::new();
    for (i, user) in ["a", "a", "a", "b", "b", "b", "c"].iter().enumerate() {
        lines.push_str(
            &json!({
                "date": format!("2025-07-11T10:0{i}:00.000Z"),
                "type": "ferrt",
                "description": "Unsuccessful Refresh Token exchange, reused refresh token detected",
                "user_id": format!("auth0|{user}"),
                "log_id": format!("{i}"),
            })
            .to_string(),
        );
        lines.push('\n');
    }
    std::fs::write(&events, lines).expect("write");
    let out = vigil()
        .args(["run", "detections/refresh_token_reuse.vigil", "--events"])
        .arg(&events)
        .args([
            "--param",
            "excessive_reuse_threshold=2",
            "--param",
            "effected_users_threshold=1",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"user_id\":\"auth0|a\",\"detected_reuse_counter\":3}\n{\"user_id\":\"auth0|b\",\"detected_reuse_counter\":3}\n"
    );
    let table = vigil()
        .args([
            "run",
            "detections/refresh_token_reuse.vigil",
            "--format",
            "table",
            "--events",
        ])
        .arg(&events)
        .args([
            "--param",
            "excessive_reuse_threshold=2",
            "--param",
            "effected_users_threshold=1",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&table.stdout),
        "user_id  detected_reuse_counter\n-------  ----------------------\nauth0|a  3\nauth0|b  3\n(2 rows)\n"
    );
}

#[test]
fn run_reports_bad_input_and_missing_parameters() {
    let dir = temp_dir("bad");
    let events = dir.join("events.ndjson");
    std::fs::write(&events, "{\"type\":\"seccft\"}\nnot json\n").expect("write");
    let out = vigil()
        .args([
            "run",
            "detections/risk_of_copying_the_most_powerful_token.vigil",
            "--events",
        ])
        .arg(&events)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("parameter `{api_explorer_client_id}` has no value"),
        "{err}"
    );

    // The malformed line lacks the filter's words (the prefilter rules it
    // out): it is still reported.
    let out = vigil()
        .args([
            "run",
            "detections/risk_of_copying_the_most_powerful_token.vigil",
            "--param",
            "api_explorer_client_id=x",
            "--events",
        ])
        .arg(&events)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("events.ndjson:2:2"), "{err}");
    assert!(err.contains("malformed JSON"), "{err}");
}

#[test]
fn test_command_exit_codes_and_junit() {
    let ok = vigil().args(["test", "detections"]).output().expect("runs");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(text.contains(" 0 failed"), "{text}");

    let dir = temp_dir("junit");
    std::fs::write(dir.join("d.vigil"), "title: \"d\"\nsearch type == \"s\"\n").expect("write");
    std::fs::write(
        dir.join("d.tests.yaml"),
        "cases:\n  - name: passes\n    events: [{type: s, log_id: \"1\"}]\n    expect: {log_ids: [\"1\"]}\n  - name: \"fails <&>\"\n    events: [{type: s, log_id: \"1\"}]\n    expect: {count: 0}\n",
    )
    .expect("write");
    let out = vigil()
        .args(["test", "--format", "junit"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vigil\" tests=\"2\" failures=\"1\""), "{xml}");
    assert!(
        xml.contains("<testcase name=\"fails &lt;&amp;&gt;\""),
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"expected 0 rows, got 1\">"),
        "{xml}"
    );
}

#[test]
fn gen_events_is_deterministic() {
    let a = vigil()
        .args(["gen-events", "--count", "20", "--seed", "3"])
        .output()
        .expect("runs");
    let b = vigil()
        .args(["gen-events", "--count", "20", "--seed", "3"])
        .output()
        .expect("runs");
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(String::from_utf8_lossy(&a.stdout).lines().count(), 20);
}

/// Replaces some values of an event with values of other JSON types.
fn perturb(v: &mut Value, rng: &mut SplitMix64) {
    match v {
        Value::Object(m) => {
            for child in m.values_mut() {
                if rng.below(8) == 0 {
                    *child = match rng.below(6) {
                        0 => Value::Null,
                        1 => json!([]),
                        2 => json!(["x", 1, null, {"y": true}]),
                        3 => json!(rng.next_u64() % 1000),
                        4 => json!({"nested": "value"}),
                        _ => json!("2025-13-45T99:99:99Z"),
                    };
                } else {
                    perturb(child, rng);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| perturb(x, rng)),
        _ => {}
    }
}

#[test]
fn every_detection_runs_over_perturbed_events_without_panicking() {
    let mut generator = Generator::new(11, 1.75e9);
    let mut rng = SplitMix64::new(12);
    let events: Vec<Value> = (0..3000)
        .map(|_| {
            let mut e = generator.event();
            perturb(&mut e, &mut rng);
            e
        })
        .collect();
    let files = vigil::load::expand_paths(&[root().join("detections")]).expect("detections");
    for path in files {
        let det = common::load(&path);
        let mut params = BTreeMap::new();
        let mut lookups = Lookups::default();
        for p in &det.params {
            let v = match p.ty {
                ParamType::Number => "1",
                ParamType::Bool => "true",
                ParamType::String => "fuzz",
            };
            params.insert(p.name.clone(), v.to_string());
        }
        // A table with every column the detection's lookups name.
        let mut columns = BTreeMap::new();
        for s in &det.pipeline {
            if let vigil::ir::StageKind::Lookup {
                inputs, outputs, ..
            } = &s.kind
            {
                for f in inputs
                    .iter()
                    .chain(outputs.iter().flat_map(|o| o.fields.iter()))
                {
                    columns.insert(f.column.path.to_string(), "198.51.1.1".to_string());
                }
            }
        }
        lookups
            .tables
            .insert("fuzz".into(), LookupSource::Rows(vec![columns]));
        let plan = prepare(
            &det,
            &params,
            &Options {
                now: 1.75e9,
                lookups,
            },
        )
        .expect("plan");
        let rows = plan.run(events.iter().cloned().map(Event::new)).count();
        assert!(rows <= events.len() * 10, "{}", path.display());
    }
}

#[test]
fn the_prefilter_never_changes_results() {
    // Synthetic events (and perturbed copies) through every detection and
    // the bench detections: skipping what the prefilter rules out gives the
    // same rows as parsing everything.
    let mut generator = Generator::new(21, 1.75e9);
    let mut rng = SplitMix64::new(22);
    let mut events: Vec<Value> = (0..1500).map(|_| generator.event()).collect();
    for i in 0..500 {
        let mut e = events[i].clone();
        perturb(&mut e, &mut rng);
        events.push(e);
    }
    let mut paths = vigil::load::expand_paths(&[root().join("detections")]).expect("detections");
    paths.push(root().join("bench/filter.vigil"));
    paths.push(root().join("bench/stats.vigil"));
    let mut with_prefilter = 0;
    let mut nonempty = 0;
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
        let Ok(plan) = prepare(
            &det,
            &params,
            &Options {
                now: 1.75e9,
                lookups,
            },
        ) else {
            continue;
        };
        let all: Vec<Value> = plan
            .run(events.iter().cloned().map(Event::new))
            .map(|r| r.to_json())
            .collect();
        let Some(pre) = plan.prefilter() else {
            continue;
        };
        with_prefilter += 1;
        nonempty += usize::from(!all.is_empty());
        let kept = events
            .iter()
            .filter(|e| pre.may_match(e.to_string().as_bytes()))
            .cloned()
            .map(Event::new);
        let some: Vec<Value> = plan.run(kept).map(|r| r.to_json()).collect();
        assert_eq!(all, some, "{}", path.display());
    }
    assert!(
        with_prefilter >= 20,
        "only {with_prefilter} detections have a prefilter"
    );
    assert!(
        nonempty >= 3,
        "only {nonempty} detections with a prefilter returned rows"
    );
}

#[test]
fn events_read_in_place_give_the_same_results_as_parsed_events() {
    let mut generator = Generator::new(31, 1.75e9);
    let mut rng = SplitMix64::new(32);
    let mut events: Vec<Value> = (0..1500).map(|_| generator.event()).collect();
    for i in 0..500 {
        let mut e = events[i].clone();
        perturb(&mut e, &mut rng);
        events.push(e);
    }
    // Envelopes, escapes and pretty-printing take the other paths.
    events.push(json!({"log_id": "env", "data": {"type": "s", "user_id": "a\"b", "date": "2025-07-01T00:00:00Z"}}));
    events.push(json!({"type": "f", "k\"ey": 1, "date": 5}));
    let texts: Vec<String> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            if i % 7 == 0 {
                serde_json::to_string_pretty(e)
            } else {
                serde_json::to_string(e)
            }
            .expect("json")
        })
        .collect();
    let mut paths = vigil::load::expand_paths(&[root().join("detections")]).expect("detections");
    paths.push(root().join("bench/filter.vigil"));
    paths.push(root().join("bench/stats.vigil"));
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
        let Ok(plan) = prepare(&det, &params, &opts) else {
            continue;
        };
        let parsed: Vec<Value> = plan
            .run(events.iter().cloned().map(Event::new))
            .map(|r| r.to_json())
            .collect();
        let in_place: Vec<Value> = plan
            .run(texts.iter().map(|t| match Event::from_text(t.clone()) {
                Ok(e) => e,
                Err(_) => panic!("not an event: {t}"),
            }))
            .map(|r| r.to_json())
            .collect();
        assert_eq!(parsed, in_place, "{}", path.display());
    }
}

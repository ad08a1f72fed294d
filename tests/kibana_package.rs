//! The Kibana package: detection rules as NDJSON, read back as JSON to prove
//! every value (queries with quotes, backslashes and line breaks, titles
//! with template syntax) survives byte for byte.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;
use vigil::package::{Item, Templates, kibana};
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// The detections of the library that compile for `target` (at 9.5 for
/// ES|QL; KQL with --filter-only), as package items.
fn library_items(target: Target) -> Vec<Item> {
    let profile = Profile::load(target.default_profile()).expect("profile");
    let opts = Options {
        filter_only: target == Target::Kql,
        stack_version: Some("9.5".into()),
        ..Options::default()
    };
    let files =
        vigil::load::expand_paths(&[common::root().join("detections")]).expect("detections");
    let mut items = Vec::new();
    for f in files {
        if f.extension().and_then(|e| e.to_str()) != Some("vigil") {
            continue;
        }
        let det = common::load(&f);
        if let Ok(c) = target.backend().compile(&det, &profile, &opts) {
            items.push(Item::new(&det, c.query, &profile, &BTreeMap::new()));
        }
    }
    items
}

fn render(items: &[Item], target: Target) -> (Vec<Value>, Vec<String>) {
    let profile = Profile::load(target.default_profile()).expect("profile");
    let templates = Templates::load(None).expect("templates");
    let (text, warnings) = kibana::render(&templates, items, target, &profile).expect("renders");
    assert!(text.ends_with('\n'), "NDJSON ends with a newline");
    let rules = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (rules, warnings.iter().map(|d| d.message.clone()).collect())
}

#[test]
fn every_kql_rule_reads_back() {
    let items = library_items(Target::Kql);
    assert_eq!(items.len(), 37, "every detection's filter compiles to KQL");
    let (rules, _) = render(&items, Target::Kql);
    assert_eq!(rules.len(), items.len());
    for (item, rule) in items.iter().zip(&rules) {
        assert_eq!(rule["rule_id"], item.id.as_str());
        assert_eq!(rule["name"], item.title.as_str());
        assert_eq!(rule["query"], item.query.as_str(), "byte for byte");
        assert_eq!(rule["type"], "query");
        assert_eq!(rule["language"], "kuery");
        assert_eq!(rule["index"], serde_json::json!(["logs-auth0.logs-*"]));
        assert_eq!(rule["enabled"], false);
        let (sev, score) = kibana::severity(&item.level);
        assert_eq!(rule["severity"], sev);
        assert_eq!(rule["risk_score"], score);
        assert!(rule["interval"].as_str().is_some_and(|s| !s.is_empty()));
        assert_eq!(
            rule["from"].as_str().map(|f| f.strip_prefix("now-")),
            Some(rule["interval"].as_str())
        );
        for t in rule["threat"].as_array().expect("threat") {
            assert_eq!(t["framework"], "MITRE ATT&CK");
            assert!(
                t["tactic"]["id"]
                    .as_str()
                    .is_some_and(|id| id.starts_with("TA"))
            );
        }
    }
}

#[test]
fn esql_rules_name_their_index_in_the_query() {
    let items = library_items(Target::Esql);
    assert!(!items.is_empty());
    let (rules, warnings) = render(&items, Target::Esql);
    for (item, rule) in items.iter().zip(&rules) {
        assert_eq!(rule["type"], "esql");
        assert_eq!(rule["language"], "esql");
        assert!(rule.get("index").is_none());
        assert_eq!(rule["query"], item.query.as_str());
        assert!(item.query.starts_with("FROM logs-auth0.logs-*"));
        // A rule with placeholders says so, and the compile warns.
        if item.unset_params.is_empty() {
            assert!(rule.get("note").is_none());
        } else {
            let note = rule["note"].as_str().expect("note");
            for p in &item.unset_params {
                assert!(note.contains(p.as_str()), "{note}");
            }
            assert!(
                warnings
                    .iter()
                    .any(|w| w.starts_with(&format!("{}:", item.id)))
            );
        }
    }
}

#[test]
fn hostile_values_stay_values() {
    let src = "title: \"a \\\"quoted\\\" {{ title }} {% raw %} </script> \\\\ title\"\nid: \"x\\\"y\"\nlevel: critical\ntags: [\"attack.credential-access\", \"attack.t1110.004\"]\ndescription: \"line one\\nline \\\"two\\\"\"\n\nsearch user_id == \"a\\\"b\\\\c\\nd\" or user_id like \"*\\{\\{x}}*\"\n";
    let (det, diags) = common::load_str("hostile.vigil", src);
    let det = det.unwrap_or_else(|| panic!("{diags:?}"));
    for target in [Target::Kql, Target::Esql] {
        let profile = Profile::load(target.default_profile()).expect("profile");
        let query = target
            .backend()
            .compile(&det, &profile, &Options::default())
            .expect("compiles")
            .query;
        let item = Item::new(&det, query.clone(), &profile, &BTreeMap::new());
        let (rules, _) = render(std::slice::from_ref(&item), target);
        assert_eq!(rules.len(), 1);
        let r = &rules[0];
        assert_eq!(r["query"], query.as_str());
        assert_eq!(r["rule_id"], "x\"y");
        assert_eq!(
            r["name"],
            "a \"quoted\" {{ title }} {% raw %} </script> \\ title"
        );
        assert_eq!(r["severity"], "critical");
        assert_eq!(r["risk_score"], 99);
        assert_eq!(r["threat"][0]["tactic"]["name"], "Credential Access");
        assert_eq!(r["threat"][0]["technique"][0]["id"], "T1110");
        assert_eq!(
            r["threat"][0]["technique"][0]["subtechnique"][0]["name"],
            "Credential Stuffing"
        );
    }
}

#[test]
fn the_cli_writes_kibana_rules_and_refuses_other_targets() {
    let bin = env!("CARGO_BIN_EXE_vigil");
    let file = common::root().join("detections/sms_bombarding.vigil");
    let out = Command::new(bin)
        .args(["compile", "--target", "esql", "--format", "kibana-ndjson"])
        .args(["--param", "threshold_for_max_sms=10"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let rule: Value = serde_json::from_str(text.trim_end()).expect("one JSON line");
    assert!(
        rule["query"]
            .as_str()
            .is_some_and(|q| q.ends_with("WHERE sms_per_user > 10"))
    );
    assert!(rule.get("note").is_none());
    let out = Command::new(bin)
        .args(["compile", "--target", "splunk", "--format", "kibana-ndjson"])
        .arg(&file)
        .output()
        .expect("runs");
    // A package format of another target is a usage error, before compiling.
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--format kibana-ndjson does not apply to --target splunk")
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--target kql, --target esql"));
}

#[test]
fn user_templates_override_the_builtin_one() {
    let dir = std::env::temp_dir().join(format!("vigil-kibana-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("kibana")).expect("dir");
    std::fs::write(
        dir.join("kibana/rules.ndjson.j2"),
        "{% for r in rules %}{{ {\"id\": r.rule_id, \"q\": r.query} | tojson }}\n{% endfor %}",
    )
    .expect("template");
    let items = library_items(Target::Kql);
    let profile = Profile::load("elastic-auth0").expect("profile");
    let templates = Templates::load(Some(&dir)).expect("templates");
    let (text, _) =
        kibana::render(&templates, &items[..1], Target::Kql, &profile).expect("renders");
    let v: Value = serde_json::from_str(text.trim_end()).expect("json");
    assert_eq!(v["q"], items[0].query.as_str());
    let _ = std::fs::remove_dir_all(&dir);
}

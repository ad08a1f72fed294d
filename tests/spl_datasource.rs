//! The data a Splunk search reads (`index=`, `sourcetype=`, ... terms) is the
//! detection's `logsource`, not a field test; each target chooses its own
//! data source from it through its profile (docs/splunk-import.md, "The
//! data a search reads").

mod common;

use std::collections::BTreeMap;

use common::load_str;
use vigil::diagnostic::Diagnostic;
use vigil::ir::Detection;
use vigil::profile::Profile;
use vigil::targets::{Compiled, Options, Target};

const SEARCH: &str = "index=windows sourcetype=\"WinEventLog:Security\" EventCode=4625 user=bob\n";

fn search(text: &str) -> Detection {
    let (det, diags) = load_str("win.spl", text);
    det.unwrap_or_else(|| panic!("{diags:?}"))
}

fn compile(det: &Detection, target: Target, profile: &Profile) -> Compiled {
    let opts = Options {
        filter_only: true,
        ..Options::default()
    };
    target
        .backend()
        .compile(det, profile, &opts)
        .unwrap_or_else(|e| panic!("{e:?}"))
}

/// A built-in profile with `options.<option>` set to `map`.
fn with_option(name: &str, option: &str, map: serde_json::Value) -> Profile {
    let mut p = Profile::builtin(name).expect("built-in");
    p.options.insert(option.into(), map);
    p
}

fn has_profile_note(diags: &[Diagnostic], needle: &str) -> bool {
    diags.iter().any(|d| d.message.contains(needle))
}

#[test]
fn the_data_source_is_the_logsource_not_a_test() {
    let det = search(SEARCH);
    let expected: BTreeMap<String, String> = [
        ("index".to_string(), "windows".to_string()),
        ("sourcetype".to_string(), "WinEventLog:Security".to_string()),
    ]
    .into();
    assert_eq!(det.meta.logsource, expected);
    let mut fields = Vec::new();
    det.filter
        .for_each_pred(&mut |p| fields.push(p.field.path.to_string()));
    assert_eq!(fields, ["EventCode", "user"]);
}

#[test]
fn splunk_prints_the_searchs_own_data_source() {
    let det = search(SEARCH);
    let plain = Profile::builtin("splunk-plain").unwrap();
    let out = compile(&det, Target::Splunk, &plain).query;
    assert!(
        out.starts_with("index=windows sourcetype=\"WinEventLog:Security\"\n"),
        "{out}"
    );
    // Alternatives stay alternatives; a profile's index stands in for a
    // key the search does not name.
    let det = search("sourcetype=a OR sourcetype=b x=1\n");
    let mut p = Profile::builtin("splunk-plain").unwrap();
    p.index = Some("main".into());
    let out = compile(&det, Target::Splunk, &p).query;
    assert!(
        out.starts_with("index=main (sourcetype=a OR sourcetype=b)\n"),
        "{out}"
    );
    // A value holding the separator stays one value.
    let det = search("sourcetype=\"a, b\" OR sourcetype=\"c\\\\,\" x=1\n");
    let out = compile(&det, Target::Splunk, &plain).query;
    assert!(
        out.starts_with("(sourcetype=\"a, b\" OR sourcetype=\"c\\\\,\")\n"),
        "{out}"
    );
}

#[test]
fn esql_reads_the_index_its_profile_maps_the_data_to() {
    let det = search(SEARCH);
    let p = with_option(
        "elastic-plain",
        "indexes",
        serde_json::json!({
            "index=windows": "logs-windows.*",
            "index=windows sourcetype=WinEventLog:Security": "logs-system.security-*",
            "index=linux": "logs-linux.*",
        }),
    );
    let c = compile(&det, Target::Esql, &p);
    assert!(
        c.query.starts_with("FROM logs-system.security-*"),
        "{}",
        c.query
    );
    assert!(!has_profile_note(&c.diagnostics, "maps no index"));
    // Unmapped: the profile's own index, with a note naming the data.
    let plain = Profile::builtin("elastic-plain").unwrap();
    let c = compile(&det, Target::Esql, &plain);
    assert!(c.query.starts_with("FROM logs-*"), "{}", c.query);
    assert!(
        has_profile_note(
            &c.diagnostics,
            "maps no index for the detection's data (index=windows sourcetype=WinEventLog:Security)"
        ),
        "{:?}",
        c.diagnostics
    );
}

#[test]
fn kibana_kql_rules_name_the_mapped_index() {
    let det = search(SEARCH);
    let p = with_option(
        "elastic-plain",
        "indexes",
        serde_json::json!({"sourcetype=wineventlog:security": "logs-system.security-*"}),
    );
    let query = compile(&det, Target::Kql, &p).query;
    let item = vigil::package::Item::new(&det, query, &p, &BTreeMap::new());
    let templates = vigil::package::Templates::load(None).expect("templates");
    let (ndjson, _) =
        vigil::package::kibana::render(&templates, &[item], Target::Kql, &p).expect("renders");
    let rule: serde_json::Value =
        serde_json::from_str(ndjson.lines().next().expect("a rule")).expect("json");
    assert_eq!(rule["index"], serde_json::json!(["logs-system.security-*"]));
    // Without a mapping, the profile's index.
    let plain = Profile::builtin("elastic-plain").unwrap();
    let item = vigil::package::Item::new(&det, String::from("x"), &plain, &BTreeMap::new());
    let (ndjson, _) =
        vigil::package::kibana::render(&templates, &[item], Target::Kql, &plain).expect("renders");
    let rule: serde_json::Value =
        serde_json::from_str(ndjson.lines().next().expect("a rule")).expect("json");
    assert_eq!(rule["index"], serde_json::json!(["logs-*"]));
}

#[test]
fn sigma_maps_splunk_data_to_a_sigma_logsource() {
    let det = search(SEARCH);
    let p = with_option(
        "sigma-raw",
        "logsources",
        serde_json::json!({"sourcetype=WinEventLog:Security": {"product": "windows", "service": "security"}}),
    );
    let c = compile(&det, Target::Sigma, &p);
    assert!(
        c.query
            .contains("logsource:\n    product: windows\n    service: security\n"),
        "{}",
        c.query
    );
    // Unmapped: the profile's logsource, the Splunk terms as Sigma's
    // `definition`, and a warning.
    let raw = Profile::builtin("sigma-raw").unwrap();
    let c = compile(&det, Target::Sigma, &raw);
    assert!(
        c.query.contains(
            "definition: \"Splunk: index=windows sourcetype=WinEventLog:Security\"\n    product: auth0\n"
        ),
        "{}",
        c.query
    );
    assert!(has_profile_note(&c.diagnostics, "maps no Sigma logsource"));
    assert!(!c.query.contains("sourcetype:"), "{}", c.query);
}

#[test]
fn detections_without_splunk_data_are_unchanged() {
    // A Sigma-style logsource is not Splunk data: no note, the profile's
    // index as before.
    let (det, _) = load_str(
        "x.vigil",
        "title: \"x\"\nlogsource: {product: \"auth0\"}\nsearch type == \"s\"\n",
    );
    let det = det.expect("loads");
    let p = Profile::builtin("elastic-auth0").unwrap();
    let c = compile(&det, Target::Esql, &p);
    assert!(c.query.starts_with("FROM logs-auth0.logs-*"), "{}", c.query);
    assert!(!has_profile_note(&c.diagnostics, "maps no index"));
}

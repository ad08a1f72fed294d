//! Pipelines that become Sigma correlation rules, and the ones that cannot.

mod common;

use serde_json::{Value, json};
use vigil::diagnostic::{Diagnostic, Severity};
use vigil::targets::{Options, Target};

const HEAD: &str = "title: \"Many\"\nid: \"0e95725d-7320-415d-80f7-004da920fc11\"\nlevel: high\n";

/// Compiles; returns the documents and the warnings/notes.
fn compile(body: &str) -> Result<(Vec<Value>, Vec<Diagnostic>), Vec<String>> {
    let (det, diags) = common::load_str("many_logins.vigil", &format!("{HEAD}{body}"));
    let det = det.unwrap_or_else(|| panic!("{diags:?}"));
    let profile = vigil::profile::Profile::load("sigma-auth0").unwrap();
    match Target::Sigma
        .backend()
        .compile(&det, &profile, &Options::default())
    {
        Ok(c) => Ok((
            serde_saphyr::from_multiple::<Value>(&c.query).unwrap(),
            c.diagnostics,
        )),
        Err(e) => Err(e.iter().map(|d| d.message.clone()).collect()),
    }
}

fn correlation(body: &str) -> Value {
    let (docs, _) = compile(body).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(docs.len(), 2, "{docs:?}");
    docs[1]["correlation"].clone()
}

fn error(body: &str) -> String {
    match compile(body) {
        Ok((d, _)) => panic!("expected an error, got {d:?}"),
        Err(e) => e.join("\n"),
    }
}

const BASE: &str = "search type == \"f\"\n";

#[test]
fn event_count_with_bin_and_timestamp_grouping() {
    let body = format!(
        "{BASE}| bin timestamp span=5m\n| stats count as n by timestamp, user_id, ip\n| where n >= 10"
    );
    let (docs, diags) = compile(&body).unwrap();
    // The base rule: named, detection only; the correlation: the metadata.
    assert_eq!(docs[0]["name"], json!("many_logins_events"));
    assert_eq!(docs[0]["detection"]["selection"], json!({"data.type": "f"}));
    assert_eq!(docs[0]["level"], Value::Null);
    assert_eq!(docs[1]["title"], json!("Many"));
    assert_eq!(docs[1]["level"], json!("high"));
    assert_eq!(docs[1]["logsource"], Value::Null);
    assert_eq!(
        docs[1]["correlation"],
        json!({
            "type": "event_count",
            "rules": ["many_logins_events"],
            "group-by": ["data.user_id", "data.ip"],
            "timespan": "5m",
            "condition": {"gte": 10},
        })
    );
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn bin_without_timestamp_grouping_warns() {
    let body =
        format!("{BASE}| bin timestamp span=1h\n| stats count as n by user_id\n| where n > 3");
    let (docs, diags) = compile(&body).unwrap();
    assert_eq!(docs[1]["correlation"]["timespan"], json!("1h"));
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Warning);
    assert!(
        diags[0].message.contains("changes nothing"),
        "{}",
        diags[0].message
    );
}

#[test]
fn metric_types() {
    let c = correlation(&format!(
        "{BASE}| bin timestamp span=1d\n| stats dc(ip) as ips by timestamp, user_id\n| where ips > 5"
    ));
    assert_eq!(c["type"], json!("value_count"));
    assert_eq!(c["condition"], json!({"gt": 5, "field": "data.ip"}));
    for (agg, ty) in [
        ("sum", "value_sum"),
        ("avg", "value_avg"),
        ("median", "value_median"),
    ] {
        let c = correlation(&format!(
            "{BASE}| bin timestamp span=1h\n| stats {agg}(bytes) as v by timestamp\n| where v < 2.5"
        ));
        assert_eq!(c["type"], json!(ty));
        assert_eq!(c["condition"], json!({"lt": 2.5, "field": "data.bytes"}));
        assert_eq!(c.get("group-by"), None, "no grouping but the window");
    }
    let c = correlation(&format!(
        "{BASE}| bin timestamp span=2mon\n| stats perc95(latency) as p by timestamp, client_id\n| where p != 7"
    ));
    assert_eq!(c["type"], json!("value_percentile"));
    assert_eq!(c["timespan"], json!("2M"));
    assert_eq!(
        c["condition"],
        json!({"neq": 7, "field": "data.latency", "percentile": 95})
    );
}

#[test]
fn thresholds() {
    let c = |w: &str| {
        correlation(&format!(
            "{BASE}| bin timestamp span=1h\n| stats count by timestamp\n| where {w}"
        ))["condition"]
            .clone()
    };
    assert_eq!(c("count > 1"), json!({"gt": 1}));
    assert_eq!(c("(count == 4)"), json!({"eq": 4}));
    assert_eq!(c("10 < count"), json!({"gt": 10}), "reversed");
    assert_eq!(c("10 >= count"), json!({"lte": 10}));
    let e = error(&format!(
        "param t: number\n{BASE}| bin timestamp span=1h\n| stats count by timestamp\n| where count > {{t}}"
    ));
    assert!(e.contains("--param t=N"), "{e}");
    let e = error(&format!(
        "{BASE}| bin timestamp span=1h\n| stats count as c by timestamp\n| where c > 1 and c < 5"
    ));
    assert!(e.contains("not a comparison"), "{e}");
}

#[test]
fn count_of_a_field_needs_the_field_in_the_search() {
    let c = correlation(
        "search type == \"f\" and user_id exists and ip == \"1\"\n| bin timestamp span=1h\n| stats count(ip) as n by timestamp\n| where n > 1",
    );
    assert_eq!(c["type"], json!("event_count"));
    let e = error(&format!(
        "{BASE}| bin timestamp span=1h\n| stats count(ip) as n by timestamp\n| where n > 1"
    ));
    assert!(
        e.contains("counts only events where `ip` has a value"),
        "{e}"
    );
}

#[test]
fn renamed_columns_are_followed_back_to_event_fields() {
    let c = correlation(&format!(
        "{BASE}| rename user_id as u\n| bin timestamp span=1h\n| stats dc(ip) as n by timestamp, u\n| rename n as m\n| where m > 1\n| table u, m"
    ));
    assert_eq!(c["group-by"], json!(["data.user_id"]));
}

#[test]
fn shapes_that_are_not_correlations() {
    let no_window = error(&format!(
        "{BASE}| stats count by user_id\n| where count > 1"
    ));
    assert!(no_window.contains("time window"), "{no_window}");
    let no_threshold = error(&format!(
        "{BASE}| bin timestamp span=1h\n| stats count by timestamp"
    ));
    assert!(no_threshold.contains("needs a threshold"), "{no_threshold}");
    let untested = error(&format!(
        "{BASE}| bin timestamp span=1h\n| stats count, dc(ip) as d by timestamp\n| where timestamp > 1"
    ));
    assert!(
        untested.contains("`timestamp`, which is not an aggregate"),
        "{untested}"
    );
    let pre_where = error(&format!("{BASE}| where x == 1\n| stats count by timestamp"));
    assert!(pre_where.contains("before `stats`"), "{pre_where}");
    let values = error(&format!(
        "{BASE}| bin timestamp span=1h\n| stats values(ip) as v by timestamp\n| where v > 1"
    ));
    assert!(values.contains("no Sigma correlation type"), "{values}");
    let exact_time = error(&format!(
        "{BASE}| stats count by timestamp\n| where count > 1"
    ));
    assert!(exact_time.contains("exact `timestamp`"), "{exact_time}");
    // `fields` dropped `ip` before `stats` reads it: the front end reports
    // it for every target (tests/authoring_checks.rs).
    let (det, diags) = common::load_str(
        "many_logins.vigil",
        &format!(
            "{HEAD}{BASE}| fields user_id\n| bin timestamp span=1h\n| stats dc(ip) as n by timestamp\n| where n > 1"
        ),
    );
    assert!(det.is_none());
    assert!(
        diags
            .iter()
            .any(|d| d.message.contains("`ip` no longer exists here")),
        "{diags:?}"
    );
    let ms = error(&format!(
        "{BASE}| bin timestamp span=1500ms\n| stats count by timestamp\n| where count > 1"
    ));
    assert!(ms.contains("no timespan `1500ms`"), "{ms}");
    let eventstats = error(&format!("{BASE}| eventstats count"));
    assert!(eventstats.contains("`eventstats`"), "{eventstats}");
}

#[test]
fn aggregates_the_condition_does_not_test_are_left_out_with_a_note() {
    let (docs, diags) = compile(&format!(
        "{BASE}| bin timestamp span=1h\n| stats values(ip) as ips, dc(user_id) as users, count by timestamp, ip\n| where users > 3"
    ))
    .unwrap();
    assert_eq!(docs[1]["correlation"]["type"], json!("value_count"));
    assert_eq!(
        docs[1]["correlation"]["condition"],
        json!({"gt": 3, "field": "data.user_id"})
    );
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].message.contains("`values(ip)`, `count`"),
        "{}",
        diags[0].message
    );
}

#[test]
fn search_stages_before_stats_join_the_filter() {
    let (docs, _) = compile(
        "search type == \"ss\" or type == \"s\"\n| bin timestamp span=1h\n| search user_name endswith (\"@a.com\", \"@b.com\") and not ip == \"1.2.3.4\"\n| stats dc(user_name) as n by timestamp\n| where n > 2",
    )
    .unwrap();
    let d = &docs[0]["detection"];
    // `type == "ss" or type == "s"` is one item, so it shares the map.
    assert_eq!(
        d["selection"],
        json!({"data.type": ["ss", "s"], "data.user_name|endswith": ["@a.com", "@b.com"]})
    );
    assert_eq!(d["filter"], json!({"data.ip": "1.2.3.4"}));
    assert_eq!(d["condition"], json!("selection and not filter"));
    // A search on a binned or renamed column, or after stats, is not a filter.
    let binned = error(&format!(
        "{BASE}| bin timestamp span=1h\n| search timestamp > 5\n| stats count by timestamp\n| where count > 1"
    ));
    assert!(binned.contains("changed by an earlier stage"), "{binned}");
    let renamed = error(&format!(
        "{BASE}| rename ip as addr\n| search addr == \"x\"\n| bin timestamp span=1h\n| stats count by timestamp\n| where count > 1"
    ));
    assert!(renamed.contains("changed by an earlier stage"), "{renamed}");
    let after = error(&format!(
        "{BASE}| bin timestamp span=1h\n| stats count by timestamp\n| search count > 1"
    ));
    assert!(after.contains("after `stats`"), "{after}");
    // A column an earlier stage removed: the front end reports it for
    // every target (see tests/authoring_checks.rs).
    let (det, diags) = common::load_str(
        "many_logins.vigil",
        &format!("{HEAD}{BASE}| fields ip\n| search user_id == \"u\""),
    );
    assert!(det.is_none());
    assert!(
        diags
            .iter()
            .any(|d| d.message.contains("`user_id` no longer exists here")),
        "{diags:?}"
    );
}

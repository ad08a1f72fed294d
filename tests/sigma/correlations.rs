//! Correlation rules: one test per type, each showing the window and the
//! threshold in the one SPL query.

use super::{compile_to, load, problems, spl_all, spl_all_with};
use vigil::targets::Target;

/// The SPL of the file's last detection (the correlation; the other base
/// rule is emitted too).
fn spl(text: &str) -> String {
    spl_all(text).pop().unwrap_or_default()
}

const FAILED: &str = "title: Failed logon\nname: failed_logon\nlogsource: {product: windows}\ndetection:\n  sel:\n    EventID: 4625\n  condition: sel\n";
const SUCCESS: &str = "title: Successful logon\nname: success_logon\nlogsource: {product: windows}\ndetection:\n  sel:\n    EventID: 4624\n  condition: sel\n";

fn with(correlation: &str) -> String {
    format!("{FAILED}---\n{SUCCESS}---\ntitle: Correlation\ncorrelation:\n{correlation}")
}

#[test]
fn event_count() {
    insta::assert_snapshot!(spl(&with("  type: event_count\n  rules: failed_logon\n  group-by: [TargetUserName, TargetDomainName]\n  timespan: 5m\n  condition:\n    gte: 10\n")), @r#"
        EventID=4625
        | bin _time span=5m
        | stats count as event_count by _time, TargetUserName, TargetDomainName
        | where event_count >= 10
        "#);
}

#[test]
fn value_count() {
    insta::assert_snapshot!(spl(&with("  type: value_count\n  rules: [failed_logon]\n  group-by: IpAddress\n  timespan: 1d\n  condition:\n    lt: 5\n    field: TargetUserName\n")), @r#"
        EventID=4625
        | bin _time span=1d
        | stats dc(TargetUserName) as value_count by _time, IpAddress
        | where value_count < 5
        "#);
}

#[test]
fn temporal() {
    insta::assert_snapshot!(spl(&with("  type: temporal\n  rules: [failed_logon, success_logon]\n  group-by: [TargetUserName]\n  timespan: 10m\n")), @r#"
        EventID=4625 OR EventID=4624
        | bin _time span=10m
        | stats count(eval(EventID = 4625)) as failed_logon_count, count(eval(EventID = 4624)) as success_logon_count by _time, TargetUserName
        | eval event_type_count = if(failed_logon_count > 0, 1, 0) + if(success_logon_count > 0, 1, 0)
        | where event_type_count >= 2
        "#);
}

#[test]
fn temporal_extended_condition() {
    insta::assert_snapshot!(spl(&with("  type: temporal\n  group-by: [TargetUserName]\n  timespan: 10m\n  condition: failed_logon and not success_logon\n")), @r#"
        EventID=4625 OR EventID=4624
        | bin _time span=10m
        | stats count(eval(EventID = 4625)) as failed_logon_count, count(eval(EventID = 4624)) as success_logon_count by _time, TargetUserName
        | search failed_logon_count>0 NOT success_logon_count>0
        "#);
}

#[test]
fn temporal_ordered() {
    insta::assert_snapshot!(spl(&with("  type: temporal_ordered\n  rules: [failed_logon, success_logon]\n  group-by: [TargetUserName]\n  timespan: 1h\n")), @r#"
        EventID=4625 OR EventID=4624
        | eval event_time = _time
        | bin _time span=1h
        | eval failed_logon_time = if(EventID = 4625, event_time, null())
        | eventstats min(failed_logon_time) as failed_logon_first by _time, TargetUserName
        | eval success_logon_time = if(EventID = 4624 AND event_time > failed_logon_first, event_time, null())
        | eventstats min(success_logon_time) as success_logon_first by _time, TargetUserName
        | stats min(failed_logon_first) as failed_logon_first, min(success_logon_first) as success_logon_first by _time, TargetUserName
        | eval event_type_count = if(isnotnull(failed_logon_first), 1, 0) + if(isnotnull(success_logon_first), 1, 0)
        | where event_type_count >= 2
        "#);
}

/// A metric correlation over `bytes`.
fn metric(kind: &str, extra: &str) -> String {
    spl(&with(&format!(
        "  type: {kind}\n  rules: failed_logon\n  group-by: [src]\n  timespan: 2M\n  condition:\n    gt: 1000\n    field: bytes\n{extra}"
    )))
}

#[test]
fn value_sum() {
    insta::assert_snapshot!(metric("value_sum", ""), @r#"
        EventID=4625
        | bin _time span=2mon
        | stats sum(bytes) as value_sum by _time, src
        | where value_sum > 1000
        "#);
}

#[test]
fn value_avg() {
    insta::assert_snapshot!(metric("value_avg", ""), @r#"
        EventID=4625
        | bin _time span=2mon
        | stats avg(bytes) as value_avg by _time, src
        | where value_avg > 1000
        "#);
}

#[test]
fn value_median() {
    insta::assert_snapshot!(metric("value_median", ""), @r#"
        EventID=4625
        | bin _time span=2mon
        | stats median(bytes) as value_median by _time, src
        | where value_median > 1000
        "#);
}

#[test]
fn value_percentile() {
    insta::assert_snapshot!(metric("value_percentile", "    percentile: 95\n"), @r#"
        EventID=4625
        | bin _time span=2mon
        | stats perc95(bytes) as value_percentile by _time, src
        | where value_percentile > 1000
        "#);
}

#[test]
fn value_min_and_max() {
    insta::assert_snapshot!(metric("value_min", ""), @r#"
        EventID=4625
        | bin _time span=2mon
        | stats min(bytes) as value_min by _time, src
        | where value_min > 1000
        "#);
    insta::assert_snapshot!(metric("value_max", ""), @r#"
        EventID=4625
        | bin _time span=2mon
        | stats max(bytes) as value_max by _time, src
        | where value_max > 1000
        "#);
}

#[test]
fn ranges_and_every_operator() {
    insta::assert_snapshot!(spl(&with("  type: event_count\n  rules: failed_logon\n  timespan: 1h\n  condition:\n    gt: 100\n    lte: 200\n    neq: 150\n")), @r#"
        EventID=4625
        | bin _time span=1h
        | stats count as event_count by _time
        | where event_count > 100 AND event_count <= 200 AND event_count != 150
        "#);
}

#[test]
fn aliases_unify_fields_across_rules() {
    insta::assert_snapshot!(spl(&with("  type: temporal\n  rules: [failed_logon, success_logon]\n  group-by: [user]\n  timespan: 10m\n  aliases:\n    user:\n      failed_logon: TargetUserName\n      success_logon: SubjectUserName\n")), @r#"
        EventID=4625 OR EventID=4624
        | eval user = case(EventID = 4625, TargetUserName, EventID = 4624, SubjectUserName)
        | bin _time span=10m
        | stats count(eval(EventID = 4625)) as failed_logon_count, count(eval(EventID = 4624)) as success_logon_count by _time, user
        | eval event_type_count = if(failed_logon_count > 0, 1, 0) + if(success_logon_count > 0, 1, 0)
        | where event_type_count >= 2
        "#);
}

#[test]
fn generate_keeps_the_referenced_rules() {
    let all = spl_all(&with(
        "  type: event_count\n  rules: failed_logon\n  timespan: 1h\n  generate: true\n  condition: {gte: 2}\n",
    ));
    // Both rules on their own (generate: true), then the correlation.
    assert_eq!(all.len(), 3, "{all:#?}");
    assert_eq!(all[0], "EventID=4625");
    assert_eq!(all[1], "EventID=4624");
    // Without generate, the referenced rule is left out.
    let some = spl_all(&with(
        "  type: event_count\n  rules: failed_logon\n  timespan: 1h\n  condition: {gte: 2}\n",
    ));
    assert_eq!(some.len(), 2, "{some:#?}");
    assert_eq!(some[0], "EventID=4624");
}

#[test]
fn auth0_rule_and_correlation_make_one_query() {
    let text = "title: Credential stuffing\nname: selected_events\nlogsource: {product: auth0}\ndetection:\n  selection:\n    data.type: [f, fu]\n  condition: selection\n---\ntitle: Correlated\ncorrelation:\n  type: event_count\n  rules: [selected_events]\n  group-by: [data.ip]\n  timespan: 1h\n  condition: {gt: 1}\n";
    insta::assert_snapshot!(spl_all_with(text, "splunk-auth0").join("\n\n"), @r#"
        index=auth0 data.tenant_name="{your-tenant-name}"
        data.type IN (f, fu)
        | bin _time span=1h
        | stats count as event_count by _time, data.ip
        | where event_count > 1
        "#);
}

#[test]
fn unknown_rule_points_at_the_reference() {
    insta::assert_debug_snapshot!(problems(&with("  type: event_count\n  rules: [failed_logons]\n  timespan: 1h\n  condition: {gte: 2}\n")), @r#"
        [
            "20:11: error[vigil::sigma::rule]: the correlation refers to `failed_logons`, which is not a rule of this file or an id of the loaded rules",
        ]
        "#);
}

#[test]
fn invalid_correlations_are_errors() {
    insta::assert_debug_snapshot!(problems(&with("  type: value_count\n  rules: failed_logon\n  timespan: 1H\n  condition: {gte: 2}\n")), @r#"
        [
            "21:13: error[vigil::sigma::rule]: `1H` is not a Sigma timespan",
            "22:14: error[vigil::sigma::rule]: this correlation type needs `field` in its condition",
        ]
        "#);
    insta::assert_debug_snapshot!(problems(&with("  type: event_counts\n  rules: failed_logon\n  timespan: 1h\n")), @r#"
        [
            "19:9: error[vigil::sigma::rule]: unknown correlation type `event_counts`",
        ]
        "#);
    insta::assert_debug_snapshot!(problems(&with("  type: value_percentile\n  rules: failed_logon\n  timespan: 1h\n  condition: {gte: 2, field: x}\n")), @r#"
        [
            "22:14: error[vigil::sigma::rule]: `value_percentile` needs `percentile` in its condition",
        ]
        "#);
}

#[test]
fn a_correlation_takes_the_metadata_its_rule_has() {
    let base = "title: Reuse\nid: a7b2e75c-7171-11f0-aa28-723487b9527c\nname: selected_events\nlevel: medium\ndescription: d\ntags: [attack.t1078]\nlogsource: {product: auth0}\ndetection:\n  s: {data.type: ferrt}\n  condition: s\nsplunk: index=auth0\n---\ntitle: Reuse - Correlation\ncorrelation:\n  type: event_count\n  rules: [selected_events]\n  timespan: 1d\n  condition: {gte: 1}\n";
    let loaded = super::load(base);
    let [det] = &loaded.detections[..] else {
        panic!("one detection: {:?}", loaded.detections.len())
    };
    let m = &det.meta;
    assert_eq!(m.title.as_deref(), Some("Reuse - Correlation"));
    assert_eq!(
        m.id.as_deref(),
        Some("a7b2e75c-7171-11f0-aa28-723487b9527c")
    );
    assert_eq!(m.level.as_deref(), Some("medium"));
    assert_eq!(m.description.as_deref(), Some("d"));
    assert_eq!(m.tags, ["attack.t1078"]);
    assert!(m.extra.contains_key("splunk"));
    // With `generate: true` the rule keeps its id; the correlation has none.
    let loaded =
        super::load(&base.replace("  timespan: 1d\n", "  timespan: 1d\n  generate: true\n"));
    assert_eq!(loaded.detections.len(), 2);
    assert_eq!(loaded.detections[1].meta.id, None);
    assert_eq!(loaded.detections[1].meta.level.as_deref(), Some("medium"));
}

/// The ES|QL of the file's last detection (Elastic profile without prefix).
fn esql(text: &str) -> String {
    let loaded = load(text);
    let det = loaded.detections.last().expect("a detection");
    compile_to(det, Target::Esql, "elastic-raw")
}

/// Temporal correlations test each rule's condition inside an aggregate;
/// ES|QL prints those conditions as parenthesized operands of `CASE`.
#[test]
fn temporal_in_esql() {
    let q = esql(&with(
        "  type: temporal\n  rules: [failed_logon, success_logon]\n  group-by: [TargetUserName]\n  timespan: 10m\n",
    ));
    assert!(
        q.contains("(data.EventID == \"4625\")") || q.contains("(EventID == 4625)"),
        "{q}"
    );
    insta::assert_snapshot!(q);
}

#[test]
fn temporal_ordered_in_esql() {
    insta::assert_snapshot!(esql(&with(
        "  type: temporal_ordered\n  rules: [failed_logon, success_logon]\n  group-by: [TargetUserName]\n  timespan: 10m\n"
    )));
}

/// The users a correlation reports, run by the evaluator over events.
fn users_reported(correlation: &str) -> Vec<String> {
    use std::collections::BTreeMap;
    use vigil::eval::{Event, Options, prepare};
    let loaded = load(&with(correlation));
    let det = loaded.detections.last().expect("a detection");
    let plan = prepare(det, &BTreeMap::new(), &Options::default())
        .unwrap_or_else(|d| panic!("{:?}", d.iter().map(|d| d.one_line()).collect::<Vec<_>>()));
    let events = [
        (10, 4625, "alice"),
        (20, 4624, "alice"),
        (30, 4624, "bob"),
        (40, 4625, "bob"),
        (50, 4625, "carol"),
    ]
    .map(|(s, id, user)| {
        serde_json::json!({"date": format!("2026-01-01T00:00:{s:02}Z"), "EventID": id, "TargetUserName": user})
    });
    plan.run(events.into_iter().map(Event::new))
        .map(|r| {
            r.to_json()["TargetUserName"]
                .as_str()
                .unwrap_or("?")
                .to_string()
        })
        .collect()
}

/// The evaluator reads a rule's condition inside a correlation's aggregate:
/// both users saw both events, only alice in order, carol saw only one.
#[test]
fn temporal_correlations_run() {
    let spec =
        "  rules: [failed_logon, success_logon]\n  group-by: [TargetUserName]\n  timespan: 10m\n";
    assert_eq!(
        users_reported(&format!("  type: temporal\n{spec}")),
        ["alice", "bob"]
    );
    assert_eq!(
        users_reported(&format!("  type: temporal_ordered\n{spec}")),
        ["alice"]
    );
}

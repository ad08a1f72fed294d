//! Rules S1-S12: events, fields and filters.

use serde_json::json;
use vigil::eval::Options;
use vigil::ir::{Filter, Keyword, Text, TextPart};

use super::{detection, matching, run, run_det};

#[test]
fn s1_events_and_their_fields() {
    let events = vec![
        // A log-stream envelope is unwrapped; its log_id is kept.
        json!({"log_id": "env", "data": {"type": "s", "date": "2025-07-11T09:30:00.5Z",
               "details": {"a": [{"b": "x"}, {"b": "y"}]}}}),
        json!({"log_id": "raw", "type": "s", "date": "2025-07-11T11:30:00+02:00",
               "details": {"a": {"b": "y"}}}),
    ];
    let rows = run(
        "search details.a[].b == \"y\" and details.a.b == \"y\"\n| eval t = timestamp\n| table timestamp, t, log_id",
        &events,
    );
    assert_eq!(
        rows,
        vec![
            json!({"timestamp": "2025-07-11T09:30:00.500Z", "t": 1752226200.5, "log_id": "env"}),
            json!({"timestamp": "2025-07-11T09:30:00Z", "t": 1752226200, "log_id": "raw"}),
        ]
    );
    // `_raw` is the event's JSON text.
    let rows = run(
        "search type == \"s\"\n| eval n = len(_raw)\n| table n",
        &events[1..],
    );
    assert!(rows[0]["n"].as_i64().unwrap_or(0) > 40, "{rows:?}");
}

#[test]
fn s2_text_comparisons_ignore_case_unless_cased() {
    let ev = || {
        vec![
            json!({"type": "ferrt"}),
            json!({"type": "FERRT"}),
            json!({"type": "s"}),
        ]
    };
    assert_eq!(matching("type == \"Ferrt\"", ev()), ["1", "2"]);
    assert_eq!(matching("type == \"ferrt\" cased", ev()), ["1"]);
    assert_eq!(
        matching("type in (\"FERRT\", \"S\")", ev()),
        ["1", "2", "3"]
    );
    assert_eq!(matching("type contains \"ERR\"", ev()), ["1", "2"]);
    assert_eq!(matching("type startswith \"fe\" cased", ev()), ["1"]);
    assert_eq!(matching("type != \"ferrt\"", ev()), ["3"]);
}

#[test]
fn s3_wildcards() {
    let ev = || {
        vec![
            json!({"p": "ac"}),
            json!({"p": "abc"}),
            json!({"p": "abbc"}),
            json!({"p": "a*c"}),
            json!({"p": "xabc"}),
        ]
    };
    assert_eq!(matching("p like \"a*c\"", ev()), ["1", "2", "3", "4"]);
    assert_eq!(matching("p like \"a?c\"", ev()), ["2", "4"]);
    assert_eq!(matching("p like \"a\\*c\"", ev()), ["4"]);
    assert_eq!(matching("p == \"a*c\"", ev()), ["4"]);
    assert_eq!(matching("p endswith \"bc\"", ev()), ["2", "3", "5"]);
    assert_eq!(matching("p contains \"b\"", ev()), ["2", "3", "5"]);
}

#[test]
fn s4_multi_values_any_value() {
    let ev = || {
        vec![
            json!({"shields": ["admin_notification", "block"]}),
            json!({"shields": ["admin_notification"]}),
            json!({"shields": []}),
            json!({"shields": ["ab"]}),
            json!({"shields": ["ax", "yb"]}),
        ]
    };
    assert_eq!(matching("shields[] == \"block\"", ev()), ["1"]);
    assert_eq!(
        matching("shields[] != \"admin_notification\"", ev()),
        ["1", "4", "5"]
    );
    assert_eq!(
        matching("shields[] like all (\"a*\", \"*b\")", ev()),
        ["4", "5"]
    );
    // An empty array is no value: missing.
    assert_eq!(matching("shields[] is null", ev()), ["3"]);
    assert_eq!(matching("shields[] exists", ev()), ["1", "2", "4", "5"]);
}

#[test]
fn s5_missing_fields_fail_every_test_but_is_null() {
    let ev = || vec![json!({"f": "x"}), json!({"f": "y"}), json!({"g": 1})];
    assert_eq!(matching("not f == \"x\"", ev()), ["2", "3"]);
    assert_eq!(matching("f != \"x\"", ev()), ["2"]);
    assert_eq!(matching("f is null", ev()), ["3"]);
    assert_eq!(matching("f exists", ev()), ["1", "2"]);
    assert_eq!(matching("f < \"z\"", ev()), ["1", "2"]);
}

#[test]
fn s6_null_is_present_without_a_value() {
    let ev = || vec![json!({"f": null}), json!({"f": "x"}), json!({})];
    assert_eq!(matching("f exists", ev()), ["1", "2"]);
    assert_eq!(matching("f is null", ev()), ["1", "3"]);
    assert_eq!(matching("f == \"null\"", ev()), Vec::<String>::new());
    assert_eq!(matching("f != \"x\"", ev()), ["1"]);
    assert_eq!(matching("f is not null", ev()), ["2"]);
}

#[test]
fn s7_booleans_compare_as_text() {
    let ev = || {
        vec![
            json!({"enabled": false}),
            json!({"enabled": true}),
            json!({"enabled": "FALSE"}),
        ]
    };
    assert_eq!(matching("enabled == \"false\"", ev()), ["1", "3"]);
    assert_eq!(matching("enabled == false", ev()), ["1", "3"]);
    let rows = run(
        "search enabled exists\n| where enabled == \"false\"\n| table log_id",
        &super::numbered(ev()),
    );
    // Eval compares exactly: "FALSE" is not "false".
    assert_eq!(super::ids(&rows), ["1"]);
}

#[test]
fn s8_numbers_compare_as_numbers() {
    let ev = || {
        vec![
            json!({"status": 200, "code": 1, "n": "10"}),
            json!({"status": "200", "code": "01", "n": "9"}),
            json!({"status": 200.0, "code": "1", "n": "abc"}),
            json!({"status": "2e2", "code": "x", "n": "B"}),
        ]
    };
    assert_eq!(matching("status == 200", ev()), ["1", "2", "3", "4"]);
    assert_eq!(matching("code == \"01\"", ev()), ["2"]);
    assert_eq!(matching("code == 1", ev()), ["1", "2", "3"]);
    assert_eq!(matching("n > 9", ev()), ["1"]);
    // A text value: numerically where both read as numbers, else by bytes
    // ("abc" and "B" sort after "9"; upper case before lower case).
    assert_eq!(matching("n >= \"9\"", ev()), ["1", "2", "3", "4"]);
    assert_eq!(matching("n < \"a\"", ev()), ["1", "2", "4"]);
}

#[test]
fn s9_regular_expressions() {
    let ev = || {
        vec![
            json!({"p": "/api/v2/users/42"}),
            json!({"p": "/API/V2/users"}),
            json!({"p": 7}),
        ]
    };
    assert_eq!(matching("p matches r\"v2/users\"", ev()), ["1"]);
    assert_eq!(matching("p matches r\"(?i)^/api/v2\"", ev()), ["1", "2"]);
    assert_eq!(matching("p matches r\"^\\d$\"", ev()), ["3"]);
    // PCRE look-ahead: the SIEM accepts it, the evaluator says it cannot run it.
    let det = detection("search p matches r\"users(?=/)\"");
    let err = vigil::eval::prepare(&det, &Default::default(), &Options::default())
        .expect_err("look-ahead is unsupported");
    assert!(err[0].message.contains("look-around"), "{}", err[0].message);
}

#[test]
fn s10_cidr_ranges() {
    let ev = || {
        vec![
            json!({"ip": "10.1.2.3"}),
            json!({"ip": "11.0.0.1"}),
            json!({"ip": "2001:db8::5"}),
            json!({"ip": "unknown"}),
        ]
    };
    assert_eq!(matching("ip cidr \"10.0.0.0/8\"", ev()), ["1"]);
    assert_eq!(
        matching("ip cidr (\"10.0.0.0/8\", \"2001:db8::/32\")", ev()),
        ["1", "3"]
    );
    assert_eq!(matching("not ip cidr \"0.0.0.0/0\"", ev()), ["3", "4"]);
}

#[test]
fn s11_comparing_two_fields() {
    let ev = || {
        vec![
            json!({"a": "Admin", "b": "admin"}),
            json!({"a": "x", "b": "y"}),
            json!({"a": 5, "b": "5.0"}),
            json!({"a": ["p", "q"], "b": "Q"}),
            json!({"a": "x"}),
        ]
    };
    assert_eq!(matching("a == b", ev()), ["1", "3", "4"]);
}

#[test]
fn s12_keywords() {
    let events = super::numbered(vec![
        json!({"description": "user admin; changed"}),
        json!({"description": "administrator"}),
        json!({"details": {"note": "ADMIN"}}),
        json!({"admin": "key names are not searched"}),
    ]);
    let with_keyword = |parts: Vec<TextPart>, cased: bool| {
        let mut det = detection("search description exists");
        det.filter = Filter::Keyword(Keyword {
            text: Text { parts },
            cased,
            span: Default::default(),
        });
        super::ids(&run_det(&det, &events, &Options::default()))
    };
    let lit = |s: &str| TextPart::Lit(s.to_string());
    assert_eq!(with_keyword(vec![lit("admin")], false), ["1", "3"]);
    assert_eq!(with_keyword(vec![lit("admin")], true), ["1"]);
    assert_eq!(
        with_keyword(vec![lit("admin"), TextPart::AnyString], false),
        ["1", "2", "3"]
    );
    assert_eq!(
        with_keyword(
            vec![TextPart::AnyString, lit("nistrat"), TextPart::AnyString],
            false
        ),
        ["2"]
    );
}

//! Rules S13-S17: expressions.

use serde_json::{Value, json};
use vigil::eval::Options;

use super::{detection, numbered, run, run_det};

/// Evaluates `eval` assignments on one event and returns the row.
fn eval_row(assignments: &str, event: Value) -> Value {
    let names: Vec<&str> = assignments
        .split(',')
        .filter_map(|a| a.split_once('=').map(|(n, _)| n.trim()))
        .collect();
    let rows = run(
        &format!(
            "search k exists\n| eval {assignments}\n| table {}",
            names.join(", ")
        ),
        &[event],
    );
    rows.into_iter().next().unwrap_or(Value::Null)
}

/// The ids of events kept by `where cond`.
fn kept(cond: &str, events: Vec<Value>) -> Vec<String> {
    super::ids(&run(
        &format!("search k exists\n| where {cond}"),
        &numbered(events),
    ))
}

#[test]
fn s13_eval_comparisons_are_case_sensitive_and_null_aware() {
    let ev = || {
        vec![
            json!({"k": 1, "type": "s", "n": "10"}),
            json!({"k": 1, "type": "S", "n": 9}),
            json!({"k": 1, "n": "x"}),
            json!({"k": 1, "type": ["a", "s"]}),
        ]
    };
    assert_eq!(kept("type == \"s\"", ev()), ["1", "4"]);
    assert_eq!(kept("type != \"s\"", ev()), ["2", "4"]);
    assert_eq!(kept("n > 9.5", ev()), ["1"]);
    // A comparison with a missing field is null, so neither it nor its
    // negation keeps the row.
    assert_eq!(kept("not (type == \"s\")", ev()), ["2"]);
}

#[test]
fn s14_three_valued_logic() {
    let ev = || vec![json!({"k": 1, "a": 1}), json!({"k": 1})];
    assert_eq!(kept("a == 1 or true", ev()), ["1", "2"]);
    assert_eq!(kept("a == 1 and true", ev()), ["1"]);
    assert_eq!(kept("not (a == 1 and false)", ev()), ["1", "2"]);
    assert_eq!(kept("not (a == 1)", ev()), Vec::<String>::new());
    let row = eval_row("r = if(a == 1, \"y\", \"n\")", json!({"k": 1}));
    assert_eq!(row, json!({"r": "n"}));
    // A value that is not a boolean is not true.
    assert_eq!(kept("a", ev()), Vec::<String>::new());
}

#[test]
fn s15_arithmetic() {
    let row = eval_row(
        "a = 7 - 2, b = 7 / 2, c = 1 / 0, d = \"ab\" + \"cd\", e = \"5\" + 1, f = \"x\" * 2, g = 10 % 4, h = -k, \
         i = -9223372036854775807 - 1, j = i / -1, l = i % -1",
        json!({"k": 3}),
    );
    assert_eq!(
        row,
        json!({"a": 5, "b": 3.5, "d": "abcd", "e": 6, "g": 2, "h": -3,
               // Integer overflow falls back to decimal arithmetic, never a panic.
               "i": i64::MIN, "j": 9.223372036854776e18, "l": 0})
    );
}

#[test]
fn s16_functions() {
    let row = eval_row(
        "a = lower(m), b = match(m, \"^B\"), c = like(m, \"B*\"), d = like(m, \"b*\"), \
         e = mvcount(m), f = mvfind(m, \"^C\"), g = mvindex(m, -1), h = mvjoin(m, \"|\"), \
         i = replace(\"ab-cd\", r\"(\\w+)-(\\w+)\", r\"\\2-\\1\"), j = case(k == 0, \"zero\"), \
         l = substr(\"abcdef\", 2, 3), o = substr(\"abcdef\", -2), p = mvfilter(match(m, \"^[BC]\")), \
         q = coalesce(missing, m), r = tonumber(\"12.5\") + 1, s = round(2.346, 2), \
         t = cidrmatch(\"10.0.0.0/8\", ips), u = split(\"a,b\", \",\"), v = len(\"héllo\"), \
         w = isnull(missing), x = upper(tostring(k)), y = strftime(ts, \"%Y-%m-%dT%H:%M:%S\"), \
         z = strftime(ts, \"%a\")",
        json!({"k": 3, "m": ["Abc", "Bcd", "Cde"], "ips": ["192.0.2.1", "10.9.9.9"], "ts": 1752226200}),
    );
    assert_eq!(
        row,
        json!({
            "a": "abc", "b": true, "c": true, "d": false, "e": 3, "f": 2, "g": "Cde",
            "h": "Abc|Bcd|Cde", "i": "cd-ab", "l": "bcd", "o": "ef", "p": ["Bcd", "Cde"],
            "q": ["Abc", "Bcd", "Cde"], "r": 13.5, "s": 2.35, "t": true, "u": ["a", "b"],
            "v": 5, "w": true, "x": "3", "y": "2025-07-11T09:30:00"
            // `z`: an unknown specifier gives null (no column).
        })
    );
}

#[test]
fn s17_now_is_fixed() {
    let det =
        detection("search k exists\n| eval n = now(), age = now() - timestamp\n| table n, age");
    let opts = Options {
        now: 1_752_228_000.0,
        ..Options::default()
    };
    let rows = run_det(
        &det,
        &[json!({"k": 1, "date": "2025-07-11T09:00:00Z"})],
        &opts,
    );
    assert_eq!(rows, vec![json!({"n": 1_752_228_000, "age": 3600})]);
}

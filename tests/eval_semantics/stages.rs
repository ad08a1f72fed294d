//! Rules S18-S32: stages.

use serde_json::{Value, json};

use super::{ids, numbered, run, run_with_lookup};

/// Events `1`..`n` at the given minutes past 2025-07-11T10:00Z, with extra
/// fields.
fn at(minutes: &[u32], extra: Vec<Value>) -> Vec<Value> {
    numbered(
        minutes
            .iter()
            .zip(extra)
            .map(|(m, mut e)| {
                e["date"] = json!(format!("2025-07-11T10:{m:02}:00Z"));
                e["k"] = json!(1);
                e
            })
            .collect(),
    )
}

#[test]
fn s18_row_order() {
    // Input oldest first: `head` still takes the newest.
    let ev = at(
        &[1, 3, 2, 3],
        vec![json!({}), json!({}), json!({}), json!({})],
    );
    assert_eq!(ids(&run("search k exists\n| head 2", &ev)), ["2", "4"]);
    // Without an order-sensitive stage, input order.
    assert_eq!(ids(&run("search k exists", &ev)), ["1", "2", "3", "4"]);
    assert_eq!(
        ids(&run("search k exists\n| eval x = 1", &ev)),
        ["1", "2", "3", "4"]
    );
}

#[test]
fn s19_eval_rename_fields_table() {
    let ev = at(&[0], vec![json!({"a": "x", "b": "y", "c": "z"})]);
    let rows = run(
        "search k exists\n| eval d = a + b, e = d + \"!\", a = null\n| rename b as bb, nope as other\n| fields - c\n| fields d, e, bb",
        &ev,
    );
    assert_eq!(
        rows,
        vec![json!({"d": "xy", "e": "xy!", "bb": "y", "timestamp": "2025-07-11T10:00:00Z"})]
    );
    let rows = run("search k exists\n| table c, missing, a", &ev);
    assert_eq!(rows, vec![json!({"c": "z", "a": "x"})]);
}

#[test]
fn s20_stats() {
    let ev = at(
        &[1, 2, 3, 4, 5, 6],
        vec![
            json!({"user": "b", "ip": "1.1.1.1", "n": 10, "tags": ["x", "y"]}),
            json!({"user": "a", "ip": "1.1.1.1", "n": 2, "tags": "x"}),
            json!({"user": "b", "ip": "2.2.2.2", "n": "4"}),
            json!({"user": "b", "ip": "1.1.1.1", "n": "abc"}),
            json!({"ip": "3.3.3.3", "n": 1}),
            json!({"user": "B", "ip": "9.9.9.9", "n": 100}),
        ],
    );
    let rows = run(
        "search k exists\n| stats count, count(tags), dc(ip), values(ip) as ips, min(n) as lo, max(n) as hi, \
         avg(n) as mean, sum(n) as total, median(n) as mid, earliest(ip) as first_ip, latest(ip) as last_ip by user\n\
         | eval again = count",
        &ev,
    );
    assert_eq!(
        rows,
        vec![
            json!({"user": "B", "count": 1, "count(tags)": 0, "dc(ip)": 1, "ips": "9.9.9.9", "lo": 100, "hi": 100,
                   "mean": 100, "total": 100, "mid": 100, "first_ip": "9.9.9.9", "last_ip": "9.9.9.9", "again": 1}),
            json!({"user": "a", "count": 1, "count(tags)": 1, "dc(ip)": 1, "ips": "1.1.1.1", "lo": 2, "hi": 2,
                   "mean": 2, "total": 2, "mid": 2, "first_ip": "1.1.1.1", "last_ip": "1.1.1.1", "again": 1}),
            json!({"user": "b", "count": 3, "count(tags)": 2, "dc(ip)": 2, "ips": ["1.1.1.1", "2.2.2.2"],
                   "lo": 4, "hi": 10, "mean": 7, "total": 14, "mid": 7, "first_ip": "1.1.1.1",
                   "last_ip": "1.1.1.1", "again": 3}),
        ]
    );
    // A multi-value `by` puts the row in a group per value.
    let rows = run("search k exists\n| stats count by tags", &ev);
    assert_eq!(
        rows,
        vec![
            json!({"tags": "x", "count": 2}),
            json!({"tags": "y", "count": 1})
        ]
    );
    // No `by`: one row; none when it would be empty.
    assert_eq!(
        run("search k exists\n| stats count", &ev),
        vec![json!({"count": 6})]
    );
    assert_eq!(
        run("search nope exists\n| stats count", &ev),
        vec![json!({"count": 0})]
    );
    assert_eq!(
        run("search nope exists\n| stats values(ip)", &ev),
        Vec::<Value>::new()
    );
    // first/last follow row order (newest first); list keeps every value.
    assert_eq!(
        run(
            "search k exists\n| stats first(n) as f, last(n) as l, list(user) as u",
            &ev
        ),
        vec![json!({"f": 100, "l": 10, "u": ["B", "b", "b", "a", "b"]})]
    );
}

#[test]
fn s21_eventstats() {
    let ev = at(
        &[1, 2, 3],
        vec![
            json!({"user": "a"}),
            json!({"user": "a"}),
            json!({"other": 1}),
        ],
    );
    let rows = run(
        "search k exists\n| eventstats count as per_user by user\n| table log_id, per_user",
        &ev,
    );
    assert_eq!(
        rows,
        vec![
            json!({"log_id": "1", "per_user": 2}),
            json!({"log_id": "2", "per_user": 2}),
            json!({"log_id": "3"}),
        ]
    );
}

#[test]
fn s22_sort() {
    let ev = at(
        &[1, 2, 3, 4, 5, 6],
        vec![
            json!({"v": "10"}),
            json!({"v": 9}),
            json!({"v": "b"}),
            json!({"v": "B"}),
            json!({}),
            json!({"v": 9}),
        ],
    );
    assert_eq!(
        ids(&run("search k exists\n| sort v", &ev)),
        ["6", "2", "1", "4", "3", "5"]
    );
    assert_eq!(
        ids(&run("search k exists\n| sort -v", &ev)),
        ["3", "4", "1", "6", "2", "5"]
    );
    // `sort N` keeps the first N rows after sorting.
    assert_eq!(ids(&run("search k exists\n| sort 2 -v", &ev)), ["3", "4"]);
}

#[test]
fn s23_dedup() {
    let ev = at(
        &[1, 2, 3, 4],
        vec![
            json!({"u": "a", "ip": "1"}),
            json!({"u": "a", "ip": "1"}),
            json!({"u": "a", "ip": "2"}),
            json!({"u": "a"}),
        ],
    );
    // Newest first: event 3, then 2 (1 is a duplicate), 4 lacks `ip`.
    assert_eq!(ids(&run("search k exists\n| dedup u, ip", &ev)), ["3", "2"]);
}

#[test]
fn s24_head() {
    let ev = at(&[1, 2, 3], vec![json!({}), json!({}), json!({})]);
    assert_eq!(
        ids(&run("search k exists\n| sort log_id\n| head 2", &ev)),
        ["1", "2"]
    );
    assert_eq!(
        ids(&run("search k exists\n| head 0", &ev)),
        Vec::<String>::new()
    );
}

#[test]
fn s25_bin() {
    let ev = numbered(vec![
        json!({"k": 1, "date": "2025-07-16T13:45:10Z"}),
        json!({"k": 1, "date": "2025-07-16T13:59:59.999Z"}),
    ]);
    let b = |span: &str| {
        run(
            &format!("search k exists\n| bin timestamp span={span}\n| table timestamp"),
            &ev,
        )
        .into_iter()
        .map(|r| r["timestamp"].as_str().unwrap_or("").to_string())
        .collect::<Vec<_>>()
    };
    assert_eq!(b("1h"), ["2025-07-16T13:00:00Z", "2025-07-16T13:00:00Z"]);
    assert_eq!(b("15m"), ["2025-07-16T13:45:00Z", "2025-07-16T13:45:00Z"]);
    assert_eq!(b("1d"), ["2025-07-16T00:00:00Z", "2025-07-16T00:00:00Z"]);
    assert_eq!(b("1w"), ["2025-07-14T00:00:00Z", "2025-07-14T00:00:00Z"]);
    assert_eq!(b("1mon"), ["2025-07-01T00:00:00Z", "2025-07-01T00:00:00Z"]);
    assert_eq!(b("1y"), ["2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"]);
}

#[test]
fn s26_rex() {
    let ev = at(
        &[1, 2],
        vec![
            json!({"path": "/api/v2/guardian/factors/sms", "factor": "old"}),
            json!({"path": "no slash at the end/", "factor": "old"}),
        ],
    );
    let rows = run(
        "search k exists\n| eval factor = \"old\"\n| rex field=path r\"/(?<factor>[^/]+)$\"\n| table log_id, factor",
        &ev,
    );
    assert_eq!(
        rows,
        vec![
            json!({"log_id": "1", "factor": "sms"}),
            json!({"log_id": "2", "factor": "old"})
        ]
    );
    let rows = run(
        "search k exists\n| rex field=path r\"/(?<seg>[a-z0-9]+)\" max_match=0\n| rex field=path r\"/(?P<first>[a-z0-9]+)\"\n| table seg, first",
        &ev[..1],
    );
    assert_eq!(
        rows,
        vec![json!({"seg": ["api", "v2", "guardian", "factors", "sms"], "first": "api"})]
    );
}

#[test]
fn s27_spath() {
    let ev = at(
        &[1],
        vec![json!({"details": {"response": {"body": {"enabled": false, "stage": {"x": 1}}}}})],
    );
    let rows = run(
        "search k exists\n| fields log_id\n| spath path=details.response.body.enabled output=on\n| spath details.response.body.stage\n| table on, details.response.body.stage",
        &ev,
    );
    assert_eq!(
        rows,
        vec![json!({"on": false, "details.response.body.stage": "{\"x\":1}"})]
    );
}

#[test]
fn s28_mvexpand() {
    let ev = at(
        &[1, 2, 3],
        vec![
            json!({"ips": ["a", "b"]}),
            json!({"ips": "c"}),
            json!({"ips": []}),
        ],
    );
    let rows = run("search k exists\n| mvexpand ips\n| table log_id, ips", &ev);
    assert_eq!(
        rows,
        vec![
            json!({"log_id": "1", "ips": "a"}),
            json!({"log_id": "1", "ips": "b"}),
            json!({"log_id": "2", "ips": "c"}),
        ]
    );
}

#[test]
fn s29_lookup() {
    let ev = at(
        &[1, 2, 3, 4],
        vec![
            json!({"src": "10.0.0.1", "who": "before"}),
            json!({"src": "10.0.0.2", "who": "before"}),
            json!({"src": "10.0.0.9", "who": "before"}),
            json!({"src": "10.0.0.1"}),
        ],
    );
    let table: &[&[(&str, &str)]] = &[
        &[("ip", "10.0.0.1"), ("owner", "HQ")],
        &[("ip", "10.0.0.2"), ("owner", "VPN")],
        &[("ip", "10.0.0.2"), ("owner", "Lab")],
        &[("ip", "10.0.0.3"), ("owner", "")],
    ];
    let src = |mode: &str| {
        format!(
            "search k exists\n| fields src, who, log_id\n| rename src as s, who as w\n| lookup known ip AS s {mode} owner AS w\n| table log_id, w"
        )
    };
    assert_eq!(
        run_with_lookup(&src("OUTPUT"), &ev, "known", table),
        vec![
            json!({"log_id": "1", "w": "HQ"}),
            json!({"log_id": "2", "w": ["VPN", "Lab"]}),
            json!({"log_id": "3", "w": "before"}),
            json!({"log_id": "4", "w": "HQ"}),
        ]
    );
    assert_eq!(
        run_with_lookup(&src("OUTPUTNEW"), &ev, "known", table),
        vec![
            json!({"log_id": "1", "w": "before"}),
            json!({"log_id": "2", "w": "before"}),
            json!({"log_id": "3", "w": "before"}),
            json!({"log_id": "4", "w": "HQ"}),
        ]
    );
}

#[test]
fn s30_join() {
    let ev = at(
        &[1, 2, 3, 4, 5],
        vec![
            json!({"type": "s", "user": "a"}),
            json!({"type": "s", "user": "b"}),
            json!({"type": "f", "user": "a"}),
            json!({"type": "f", "user": "a"}),
            json!({"type": "s", "user": "c", "fails": "x"}),
        ],
    );
    let sub = "[ search type == \"f\" | stats count as fails by user ]";
    let inner = run(
        &format!("search type == \"s\"\n| join user {sub}\n| table user, fails"),
        &ev,
    );
    assert_eq!(inner, vec![json!({"user": "a", "fails": 2})]);
    let left = run(
        &format!("search type == \"s\"\n| join type=left user {sub}\n| table user, fails"),
        &ev,
    );
    assert_eq!(
        left,
        vec![
            json!({"user": "a", "fails": 2}),
            json!({"user": "b"}),
            // The event field `fails` of c is not the joined column `fails`.
            json!({"user": "c"})
        ]
    );
}

#[test]
fn s31_fillnull() {
    let ev = at(&[1, 2], vec![json!({"a": 1}), json!({"b": 2})]);
    let rows = run("search k exists\n| table a, b\n| fillnull", &ev);
    assert_eq!(rows, vec![json!({"a": 1, "b": 0}), json!({"b": 2, "a": 0})]);
    let rows = run(
        "search k exists\n| table a\n| fillnull value=\"none\" a, c",
        &ev,
    );
    assert_eq!(
        rows,
        vec![
            json!({"a": 1, "c": "none"}),
            json!({"a": "none", "c": "none"})
        ]
    );
}

#[test]
fn s32_transpose() {
    let ev = at(
        &[1, 2, 3, 4, 5, 6],
        (0..6).map(|i| json!({"n": i})).collect(),
    );
    let rows = run("search k exists\n| sort n\n| table n\n| transpose", &ev);
    assert_eq!(
        rows,
        vec![json!({"column": "n", "row 1": 0, "row 2": 1, "row 3": 2, "row 4": 3, "row 5": 4})]
    );
    let rows = run(
        "search k exists\n| sort n\n| table n, log_id\n| transpose 2",
        &ev,
    );
    assert_eq!(
        rows,
        vec![
            json!({"column": "n", "row 1": 0, "row 2": 1}),
            json!({"column": "log_id", "row 1": "1", "row 2": "2"}),
        ]
    );
}

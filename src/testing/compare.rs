//! Comparing expected rows with actual rows, and the diff shown when they
//! differ.
//!
//! Values compare leniently where YAML and JSON spell one value two ways: a
//! number equals its text (`3` and `"3"`), a value equals a one-element list,
//! two times are equal if they are the same instant (`2025-07-11T09:00:00Z`,
//! `2025-07-11T09:00:00.000Z`, or epoch seconds), and a column without a
//! value equals a missing one.

use serde_json::{Map, Value};

use crate::eval::time::parse_iso;
use crate::eval::value::parse_number;

/// True if two values are the same for a test.
pub fn same_value(expected: &Value, actual: &Value) -> bool {
    if expected == actual {
        return true;
    }
    match (expected, actual) {
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| same_value(x, y))
        }
        (Value::Array(e), a) if e.len() == 1 => same_value(&e[0], a),
        (e, Value::Array(a)) if a.len() == 1 => same_value(e, &a[0]),
        (Value::Array(_), _) | (_, Value::Array(_)) => false,
        (e, a) => match (text(e), text(a)) {
            (Some(x), Some(y)) if x == y => true,
            (Some(x), Some(y)) => {
                // A time: ISO text on either side, the other ISO text or
                // epoch seconds.
                let time = |s: &str, other: &str| {
                    instant(s).or_else(|| instant(other).and(parse_number(s)))
                };
                match (time(&x, &y), time(&y, &x)) {
                    (Some(p), Some(q)) => (p - q).abs() < 1e-6,
                    _ => match (parse_number(&x), parse_number(&y)) {
                        (Some(p), Some(q)) => p == q,
                        _ => false,
                    },
                }
            }
            _ => false,
        },
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A time, when the text is ISO 8601.
fn instant(s: &str) -> Option<f64> {
    parse_iso(s)
}

fn without_nulls(m: &Map<String, Value>) -> Map<String, Value> {
    m.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// True if two rows have the same columns with the same values.
pub fn same_row(expected: &Map<String, Value>, actual: &Map<String, Value>) -> bool {
    let (e, a) = (without_nulls(expected), without_nulls(actual));
    e.len() == a.len()
        && e.iter().all(|(k, v)| {
            a.get(k)
                .is_some_and(|w| same_value(v, w) || (k == "timestamp" && same_time(v, w)))
        })
}

/// `timestamp` may be written as epoch seconds next to ISO text.
fn same_time(e: &Value, a: &Value) -> bool {
    let t = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_iso(s).or_else(|| parse_number(s)),
        _ => None,
    };
    matches!((t(e), t(a)), (Some(x), Some(y)) if (x - y).abs() < 1e-6)
}

/// A row as JSON.
pub type JsonRow = Map<String, Value>;

/// The outcome of comparing row lists.
#[derive(Debug, PartialEq)]
pub struct Mismatch {
    /// Expected rows with no actual counterpart.
    pub missing: Vec<Value>,
    /// Actual rows nobody expected.
    pub unexpected: Vec<Value>,
    /// For ordered comparisons: the first position that differs.
    pub first_difference: Option<usize>,
}

/// Compares rows, in order or as multisets. `None` when they agree.
pub fn compare_rows(
    expected: &[Map<String, Value>],
    actual: &[Map<String, Value>],
    ordered: bool,
    same: &dyn Fn(&JsonRow, &JsonRow) -> bool,
) -> Option<Mismatch> {
    if ordered {
        let first = (0..expected.len().max(actual.len())).find(|&i| {
            match (expected.get(i), actual.get(i)) {
                (Some(e), Some(a)) => !same(e, a),
                _ => true,
            }
        })?;
        return Some(Mismatch {
            missing: expected[first.min(expected.len())..]
                .iter()
                .map(|m| Value::Object(m.clone()))
                .collect(),
            unexpected: actual[first.min(actual.len())..]
                .iter()
                .map(|m| Value::Object(m.clone()))
                .collect(),
            first_difference: Some(first),
        });
    }
    let mut used = vec![false; actual.len()];
    let mut missing = Vec::new();
    for e in expected {
        match (0..actual.len()).find(|&i| !used[i] && same(e, &actual[i])) {
            Some(i) => used[i] = true,
            None => missing.push(Value::Object(e.clone())),
        }
    }
    let unexpected: Vec<Value> = actual
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(a, _)| Value::Object(a.clone()))
        .collect();
    if missing.is_empty() && unexpected.is_empty() {
        None
    } else {
        Some(Mismatch {
            missing,
            unexpected,
            first_difference: None,
        })
    }
}

/// The diff text. An expected row and an actual row that agree on some
/// columns are taken for the same row and shown as `~`, followed by the
/// columns that differ (expected, then actual); the other rows are shown
/// whole: `-` expected rows not found, `+` rows not expected.
pub fn render_mismatch(m: &Mismatch, expected: usize, actual: usize, what: &str) -> String {
    let mut out = format!("expected {expected} {what}, got {actual}");
    if let Some(i) = m.first_difference {
        out.push_str(&format!(" (in order; first difference at {})", i + 1));
    }
    out.push('\n');
    let pairs = pair_rows(m);
    let paired_actual: Vec<usize> = pairs.iter().filter_map(|p| *p).collect();
    for (v, pair) in m.missing.iter().zip(&pairs) {
        match pair.and_then(|j| Some((v.as_object()?, m.unexpected[j].as_object()?))) {
            Some((e, a)) => out.push_str(&render_pair(e, a)),
            None => out.push_str(&format!("- {v}\n")),
        }
    }
    for (j, v) in m.unexpected.iter().enumerate() {
        if !paired_actual.contains(&j) {
            out.push_str(&format!("+ {v}\n"));
        }
    }
    out
}

/// For each missing row, the unexpected row it is taken for: in order,
/// the one at the same position; otherwise the one agreeing on the most
/// columns. Rows agreeing on no column are not paired.
fn pair_rows(m: &Mismatch) -> Vec<Option<usize>> {
    let mut used = vec![false; m.unexpected.len()];
    m.missing
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let candidates: Vec<usize> = if m.first_difference.is_some() {
                vec![i]
            } else {
                (0..m.unexpected.len()).collect()
            };
            let best = candidates
                .into_iter()
                .filter(|&j| j < used.len() && !used[j])
                .map(|j| (agreeing(e, &m.unexpected[j]), j))
                .filter(|(n, _)| *n > 0)
                .max_by_key(|&(n, j)| (n, std::cmp::Reverse(j)))?;
            used[best.1] = true;
            Some(best.1)
        })
        .collect()
}

/// The number of columns on which two rows agree.
fn agreeing(e: &Value, a: &Value) -> usize {
    match (e.as_object(), a.as_object()) {
        (Some(e), Some(a)) => without_nulls(e)
            .iter()
            .filter(|(k, v)| a.get(*k).is_some_and(|w| same_cell(k, v, w)))
            .count(),
        _ => 0,
    }
}

fn same_cell(key: &str, e: &Value, a: &Value) -> bool {
    same_value(e, a) || (key == "timestamp" && same_time(e, a))
}

/// `~ row where k = v, ...:` and one line per column that differs.
fn render_pair(e: &Map<String, Value>, a: &Map<String, Value>) -> String {
    let (e, a) = (without_nulls(e), without_nulls(a));
    let same: Vec<String> = e
        .iter()
        .filter(|(k, v)| a.get(*k).is_some_and(|w| same_cell(k, v, w)))
        .take(3)
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    let mut out = format!("~ row where {}:\n", same.join(", "));
    let shown = |v: Option<&Value>| v.map_or_else(|| "nothing".to_string(), Value::to_string);
    let keys = e.keys().chain(a.keys().filter(|k| !e.contains_key(*k)));
    for k in keys {
        let (x, y) = (e.get(k), a.get(k));
        if matches!((x, y), (Some(x), Some(y)) if same_cell(k, x, y)) {
            continue;
        }
        out.push_str(&format!(
            "    {k}: expected {}, got {}\n",
            shown(x),
            shown(y)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn lenient_values() {
        assert!(same_value(&json!(3), &json!("3")));
        assert!(same_value(&json!(3), &json!(3.0)));
        assert!(same_value(&json!("a"), &json!(["a"])));
        assert!(same_value(
            &json!("2025-07-11T09:00:00Z"),
            &json!("2025-07-11T09:00:00.000Z")
        ));
        assert!(same_value(
            &json!("2025-07-11T09:00:00Z"),
            &json!(1752224400)
        ));
        assert!(!same_value(
            &json!("2025-07-11T09:00:00Z"),
            &json!(1752224401)
        ));
        assert!(!same_value(&json!("a"), &json!("A")));
        assert!(!same_value(&json!(["a", "b"]), &json!(["b", "a"])));
        assert!(!same_value(&json!(1), &json!(true)));
    }

    #[test]
    fn a_row_that_differs_in_some_columns_shows_those_columns() {
        let e = vec![
            row(json!({"user_id": "u1", "ip": "1.2.3.4", "n": 4})),
            row(json!({"user_id": "u9", "n": 1})),
        ];
        let a = vec![
            row(json!({"user_id": "u1", "ip": "1.2.3.4", "n": 5, "extra": "x"})),
            row(json!({"user_id": "u7", "n": 2})),
        ];
        let m = compare_rows(&e, &a, false, &same_row).unwrap();
        assert_eq!(
            render_mismatch(&m, 2, 2, "rows"),
            "expected 2 rows, got 2\n\
             ~ row where ip = \"1.2.3.4\", user_id = \"u1\":\n\
             \x20   n: expected 4, got 5\n\
             \x20   extra: expected nothing, got \"x\"\n\
             - {\"n\":1,\"user_id\":\"u9\"}\n\
             + {\"n\":2,\"user_id\":\"u7\"}\n"
        );
        // In order, rows are paired by position.
        let m = compare_rows(&e, &a, true, &same_row).unwrap();
        let text = render_mismatch(&m, 2, 2, "rows");
        assert!(text.contains("first difference at 1"), "{text}");
        assert!(text.contains("~ row where ip"), "{text}");
    }

    #[test]
    fn rows_ignore_nulls_and_order() {
        let e = vec![
            row(json!({"u": "a", "n": 2, "x": null})),
            row(json!({"u": "b", "n": 1})),
        ];
        let a = vec![
            row(json!({"u": "b", "n": 1})),
            row(json!({"u": "a", "n": "2"})),
        ];
        assert_eq!(compare_rows(&e, &a, false, &same_row), None);
        let m = compare_rows(&e, &a, true, &same_row).unwrap();
        assert_eq!(m.first_difference, Some(0));
        let extra = vec![row(json!({"u": "a", "n": 2, "more": 1}))];
        assert!(compare_rows(&e[..1], &extra, false, &same_row).is_some());
        assert!(same_row(
            &row(json!({"timestamp": 1752224400})),
            &row(json!({"timestamp": "2025-07-11T09:00:00Z"}))
        ));
    }
}

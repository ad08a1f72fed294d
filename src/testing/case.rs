//! Running one test case: its events through the detection, and the
//! comparison of the rows with what the case expects.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::compare::{compare_rows, render_mismatch, same_row, same_value};
use super::confine::Confine;
use super::spec::{self, Case, Expect, LookupSpec, TestFile, scalar_text};
use crate::diagnostic::Diagnostic;
use crate::eval::input::read_all;
use crate::eval::{Event, LookupSource, Lookups, Options, prepare};
use crate::ir::Detection;

fn lookup_source(spec: &LookupSpec, dir: &Path, confine: &Confine) -> Result<LookupSource, String> {
    Ok(match spec {
        LookupSpec::File(f) => LookupSource::File(confine.resolve(dir, f, "lookups")?),
        LookupSpec::Rows(rows) => LookupSource::Rows(
            rows.iter()
                .map(|r| {
                    r.iter()
                        .map(|(k, v)| (k.clone(), scalar_text(v).unwrap_or_default()))
                        .collect()
                })
                .collect(),
        ),
    })
}

fn time_of(v: &Value) -> Result<f64, String> {
    let t = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::eval::time::parse_time(s),
        _ => None,
    };
    t.ok_or_else(|| format!("`now: {v}` is not a time (ISO 8601 or epoch seconds)"))
}

/// Runs one case: `Ok(None)` if it passed, `Ok(Some(diff))` if the rows
/// differ, `Err` if it could not run.
pub(super) fn run_case(
    file: &TestFile,
    case: &Case,
    det: &Detection,
    dir: &Path,
    confine: &Confine,
) -> Result<Option<String>, String> {
    let mut params = BTreeMap::new();
    for (k, v) in file.params.iter().chain(&case.params) {
        if !det.params.iter().any(|p| p.name == *k) {
            let known: Vec<&str> = det.params.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "parameter `{k}`: the detection declares no such parameter ({})",
                if known.is_empty() {
                    "it has none".to_string()
                } else {
                    format!("it has {}", known.join(", "))
                }
            ));
        }
        let text = scalar_text(v)
            .ok_or_else(|| format!("parameter `{k}`: give a string, number or boolean"))?;
        params.insert(k.clone(), text);
    }
    let mut events: Vec<Event> = Vec::new();
    for (i, v) in case.events.iter().enumerate() {
        if !v.is_object() {
            return Err(format!("event {} is not an object", i + 1));
        }
        events.push(Event::new(v.clone()));
    }
    for name in case.events_file.iter().flat_map(spec::OneOrMany::names) {
        let (evs, diags) = read_all(&confine.resolve(dir, &name, "events_file")?);
        if let Some(d) = diags.first() {
            return Err(d.one_line());
        }
        events.extend(evs);
    }
    let now = match case.now.as_ref().or(file.now.as_ref()) {
        Some(v) => time_of(v)?,
        None => events.iter().filter_map(|e| e.time).fold(0.0, f64::max),
    };
    let mut lookups = Lookups {
        dirs: vec![dir.to_path_buf()],
        ..Lookups::default()
    };
    for (name, l) in file.lookups.iter().chain(&case.lookups) {
        lookups
            .tables
            .insert(name.clone(), lookup_source(l, dir, confine)?);
    }
    let plan = prepare(det, &params, &Options { now, lookups }).map_err(|diags| {
        diags
            .iter()
            .filter(|d| d.is_error())
            .map(Diagnostic::one_line)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let rows: Vec<Map<String, Value>> = plan
        .run(events.into_iter())
        .map(|r| match r.to_json() {
            Value::Object(m) => m,
            _ => Map::new(),
        })
        .collect();
    if let Some(e) = plan.take_errors().first() {
        return Err(e.one_line());
    }
    Ok(check(&case.expect, &rows))
}

/// Compares the rows with what was expected; the diff if they differ.
fn check(expect: &Expect, rows: &[Map<String, Value>]) -> Option<String> {
    let mut out = String::new();
    if expect.rows.is_none() && expect.log_ids.is_none() && expect.count.is_none() {
        return Some("the case expects nothing: give `rows`, `log_ids` or `count`".into());
    }
    if let Some(n) = expect.count
        && n != rows.len()
    {
        out.push_str(&format!("expected {n} rows, got {}\n", rows.len()));
    }
    if let Some(want) = &expect.rows
        && let Some(m) = compare_rows(want, rows, expect.ordered, &same_row)
    {
        out.push_str(&render_mismatch(&m, want.len(), rows.len(), "rows"));
    }
    if let Some(ids) = &expect.log_ids {
        let as_rows = |vals: Vec<Value>| -> Vec<Map<String, Value>> {
            vals.into_iter()
                .map(|v| Map::from_iter([("log_id".to_string(), v)]))
                .collect()
        };
        let got = as_rows(
            rows.iter()
                .map(|r| r.get("log_id").cloned().unwrap_or(Value::Null))
                .collect(),
        );
        let want = as_rows(ids.clone());
        let same =
            |e: &Map<String, Value>, a: &Map<String, Value>| same_value(&e["log_id"], &a["log_id"]);
        if let Some(m) = compare_rows(&want, &got, expect.ordered, &same) {
            out.push_str(&render_mismatch(&m, want.len(), got.len(), "log ids"));
        }
    }
    (!out.is_empty()).then_some(out)
}

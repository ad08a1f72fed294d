//! Events: Auth0 log events as JSON, and how a neutral field path finds its
//! values in them.
//!
//! A path walks objects by key; an array met on the way fans out (each
//! element is walked, so `details.request.body.allowlist[]` and
//! `a[].b` both collect every value). The `[]` marker of the IR is for targets
//! that need it (Splunk's `{}`); the evaluator finds arrays with or without it.

use std::cell::OnceCell;
use std::ops::ControlFlow;

use serde_json::Value as Json;

use super::raw::{IndexError, RawEvent};
use super::time::parse_iso;
use super::value::{Scalar, Val};
use crate::ir::Path;

/// One event: the Auth0 log (unwrapped from a log-stream envelope) and its
/// time.
#[derive(Debug)]
pub struct Event {
    /// Read in place from its text, or parsed.
    raw: Option<RawEvent>,
    /// The parsed event: given, or parsed from the text when first needed.
    parsed: OnceCell<Json>,
    /// `date` in epoch seconds, if the event has a readable one.
    pub time: Option<f64>,
}

fn time_of(date: Option<Scalar<'_>>) -> Option<f64> {
    match date? {
        Scalar::Str(s) => parse_iso(s),
        Scalar::Int(i) => Some(i as f64),
        Scalar::Float(f) => Some(f),
        _ => None,
    }
}

/// Why an event text is not an event.
pub enum EventError {
    /// Not JSON (the parser's error has the line and column).
    Json(serde_json::Error),
    /// JSON, but not an object: what it is.
    NotAnObject(&'static str),
}

impl Event {
    /// An event from a JSON object. A log-stream envelope
    /// (`{"log_id": ..., "data": {...}}`) is unwrapped; the envelope's
    /// `log_id` is kept if the inner event has none.
    pub fn new(json: Json) -> Event {
        let json = unwrap_envelope(json);
        let time = time_of(json.get("date").map(Scalar::from_json));
        Event {
            raw: None,
            parsed: OnceCell::from(json),
            time,
        }
    }

    /// An event from its JSON text, validated and indexed but not parsed
    /// (fields are read in place; see `raw.rs`); what the index leaves out
    /// (escaped keys) is parsed fully. On error the text is given back.
    pub fn from_text(text: String) -> Result<Event, (EventError, String)> {
        let text = match super::invalid::replace_unpaired(&text) {
            std::borrow::Cow::Owned(t) => t,
            std::borrow::Cow::Borrowed(_) => text,
        };
        match RawEvent::new(text.into_boxed_str()) {
            Ok(raw) => {
                let mut date = None;
                let lazy = raw.visit(&["date".to_string()], &mut |s| {
                    date = time_of(Some(s));
                    ControlFlow::Break(())
                });
                let mut ev = Event {
                    raw: Some(raw),
                    parsed: OnceCell::new(),
                    time: date,
                };
                if lazy.is_none() {
                    ev.time = time_of(ev.json().get("date").map(Scalar::from_json));
                }
                Ok(ev)
            }
            Err((IndexError::Json(e), text)) => Err((EventError::Json(e), text.into())),
            Err((IndexError::NotIndexable, text)) => {
                Event::from_text_parsed(&text).map_err(|e| (e, text.into()))
            }
        }
    }

    /// An event from JSON text that [`Event::from_text`] could not index:
    /// parsed fully.
    pub fn from_text_parsed(text: &str) -> Result<Event, EventError> {
        match serde_json::from_str::<Json>(text) {
            Ok(json @ Json::Object(_)) => Ok(Event::new(json)),
            Ok(other) => Err(EventError::NotAnObject(match other {
                Json::Array(_) => "an array",
                Json::String(_) => "a string",
                Json::Number(_) => "a number",
                Json::Bool(_) => "a boolean",
                _ => "null",
            })),
            Err(e) => Err(EventError::Json(e)),
        }
    }

    /// The event as JSON (parsed on first use for an event read from text).
    pub fn json(&self) -> &Json {
        self.parsed.get_or_init(|| match &self.raw {
            Some(raw) => super::invalid::parse_lenient(raw.text())
                .map(unwrap_envelope)
                .unwrap_or(Json::Null),
            None => Json::Null,
        })
    }

    /// The event's JSON text as read, when it can be printed unchanged.
    pub fn text(&self) -> Option<&str> {
        self.raw.as_ref().and_then(RawEvent::object_text)
    }
}

/// Unwraps the Auth0 log-stream envelope; other objects pass unchanged.
fn unwrap_envelope(json: Json) -> Json {
    let is_envelope = matches!(
        &json,
        Json::Object(m) if m.contains_key("log_id")
            && matches!(m.get("data"), Some(Json::Object(_)))
            && !m.contains_key("type")
    );
    if !is_envelope {
        return json;
    }
    let Json::Object(mut outer) = json else {
        return Json::Null;
    };
    let log_id = outer.remove("log_id");
    match outer.remove("data") {
        Some(Json::Object(mut inner)) => {
            if let Some(id) = log_id {
                inner.entry("log_id").or_insert(id);
            }
            Json::Object(inner)
        }
        _ => Json::Null,
    }
}

/// A path's segment names, precomputed for the hot path.
#[derive(Clone, Debug)]
pub struct JsonPath {
    segments: Vec<String>,
}

impl JsonPath {
    /// The segments of an IR path.
    pub fn new(path: &Path) -> JsonPath {
        JsonPath {
            segments: path.segments.iter().map(|s| s.name.clone()).collect(),
        }
    }

    /// Calls `each` with every value at this path until it breaks. Returns
    /// whether the path had any value, and whether `each` broke.
    pub fn visit<'a>(
        &self,
        root: &'a Json,
        each: &mut dyn FnMut(Scalar<'a>) -> ControlFlow<()>,
    ) -> (bool, bool) {
        let mut present = false;
        let flow = walk(root, &self.segments, &mut present, each);
        (present, flow.is_break())
    }

    /// Like [`JsonPath::visit`] on an event: read in place when the event
    /// came from text and the path allows it, else on the parsed event.
    pub fn visit_event<'a>(
        &self,
        ev: &'a Event,
        each: &mut dyn FnMut(Scalar<'a>) -> ControlFlow<()>,
    ) -> (bool, bool) {
        if ev.parsed.get().is_none()
            && let Some(raw) = &ev.raw
            && let Some(done) = raw.visit(&self.segments, each)
        {
            return done;
        }
        self.visit(ev.json(), each)
    }

    /// The values at this path of an event, as one value.
    pub fn get_event(&self, ev: &Event) -> Option<Val> {
        let mut vals = Vec::new();
        let (present, _) = self.visit_event(ev, &mut |s| {
            vals.push(s.to_val());
            ControlFlow::Continue(())
        });
        present.then(|| Val::from_values(vals))
    }

    /// The values at this path, as one value (`None` when there are none).
    pub fn get(&self, root: &Json) -> Option<Val> {
        let mut vals = Vec::new();
        let (present, _) = self.visit(root, &mut |s| {
            vals.push(s.to_val());
            ControlFlow::Continue(())
        });
        present.then(|| Val::from_values(vals))
    }
}

fn walk<'a>(
    v: &'a Json,
    segs: &[String],
    present: &mut bool,
    each: &mut dyn FnMut(Scalar<'a>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    match (segs.split_first(), v) {
        (_, Json::Array(items)) => {
            for item in items {
                walk(item, segs, present, each)?;
            }
            ControlFlow::Continue(())
        }
        (None, leaf) => {
            *present = true;
            each(Scalar::from_json(leaf))
        }
        (Some((first, rest)), Json::Object(map)) => match map.get(first.as_str()) {
            Some(child) => walk(child, rest, present, each),
            None => ControlFlow::Continue(()),
        },
        (Some(_), _) => ControlFlow::Continue(()),
    }
}

/// Every leaf of an object as `(path, value)`, paths written the neutral
/// way (`a.b`, arrays of scalars as `a[]`, fields of objects in arrays as
/// `a[].b`); used where a stage needs an event's fields as columns.
pub fn flatten(json: &Json) -> Vec<(String, Val)> {
    let mut out: Vec<(String, Vec<Val>)> = Vec::new();
    flatten_into(json, String::new(), &mut out);
    out.into_iter()
        .map(|(k, v)| (k, Val::from_values(v)))
        .collect()
}

fn flatten_into(v: &Json, prefix: String, out: &mut Vec<(String, Vec<Val>)>) {
    match v {
        Json::Object(map) => {
            for (k, child) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_into(child, key, out);
            }
        }
        Json::Array(items) => {
            let key = if prefix.ends_with("[]") {
                prefix
            } else {
                format!("{prefix}[]")
            };
            for item in items {
                flatten_into(item, key.clone(), out);
            }
        }
        leaf => {
            let val = Scalar::from_json(leaf).to_val();
            match out.iter_mut().find(|(k, _)| *k == prefix) {
                Some((_, vals)) => vals.push(val),
                None => out.push((prefix, vec![val])),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelope_is_unwrapped() {
        let e = Event::new(
            json!({"log_id": "1", "data": {"type": "s", "date": "2025-01-01T00:00:00Z"}}),
        );
        assert_eq!(
            *e.json(),
            json!({"type": "s", "date": "2025-01-01T00:00:00Z", "log_id": "1"})
        );
        assert_eq!(e.time, Some(1_735_689_600.0));
        // An event that merely has a `data` field is not an envelope.
        let raw = json!({"type": "s", "log_id": "1", "data": {"x": 1}});
        assert_eq!(*Event::new(raw.clone()).json(), raw);
    }

    #[test]
    fn arrays_fan_out() {
        let j = json!({"a": [{"b": 1}, {"b": [2, 3]}, {"c": 4}], "e": []});
        let p = JsonPath::new(&Path::parse("a[].b"));
        assert_eq!(
            p.get(&j),
            Some(Val::Multi(vec![Val::Int(1), Val::Int(2), Val::Int(3)]))
        );
        assert_eq!(JsonPath::new(&Path::parse("a.b")).get(&j), p.get(&j));
        assert_eq!(JsonPath::new(&Path::parse("e[]")).get(&j), None);
        assert_eq!(JsonPath::new(&Path::parse("zz")).get(&j), None);
    }

    #[test]
    fn flatten_names_arrays() {
        let j = json!({"a": {"b": [1, 2]}, "c": [{"d": "x"}, {"d": "y"}], "n": null});
        let f = flatten(&j);
        assert_eq!(
            f,
            vec![
                ("a.b[]".into(), Val::Multi(vec![Val::Int(1), Val::Int(2)])),
                (
                    "c[].d".into(),
                    Val::Multi(vec![Val::str("x"), Val::str("y")])
                ),
                ("n".into(), Val::Null),
            ]
        );
    }
}

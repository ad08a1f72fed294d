//! Events kept as their JSON text and read lazily.
//!
//! Building a `serde_json::Value` for every event (a map per object, a
//! string per key and value) is most of the cost of a run. An event read
//! from a file is instead validated once and indexed: its top-level keys and
//! the text ranges of their values. A field test then reads just the value it
//! needs: a string without escapes is borrowed from the text, a number or
//! boolean is read in place, a nested object is indexed on demand. Anything
//! else (arrays, escapes, objects as values) falls back to the whole event
//! parsed once, so both ways give the same values.

use std::ops::{ControlFlow, Range};

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::value::Scalar;

/// The fields of one JSON object: `(key, value text)` in document order.
struct Fields<'a>(Vec<(&'a str, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Fields<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Fields<'a>, M::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(24));
                while let Some(kv) = m.next_entry::<&'a str, &'a RawValue>()? {
                    out.push(kv);
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// Where a field's value text lies.
#[derive(Clone, Debug)]
struct Slot {
    key: Range<usize>,
    value: Range<usize>,
}

/// An indexed event text.
#[derive(Debug)]
pub struct RawEvent {
    text: Box<str>,
    /// The event object's fields (of `data` for a log-stream envelope, plus
    /// the envelope's `log_id` when `data` has none).
    slots: Vec<Slot>,
    /// The event object's range (the envelope's `data`, or the whole text).
    root: Range<usize>,
    /// True if the envelope's `log_id` was added to the fields.
    added_log_id: bool,
}

fn offset(text: &str, part: &str) -> usize {
    part.as_ptr() as usize - text.as_ptr() as usize
}

fn slots_of(text: &str, fields: &Fields<'_>) -> Vec<Slot> {
    fields
        .0
        .iter()
        .map(|(k, v)| {
            let ks = offset(text, k);
            let vs = offset(text, v.get());
            Slot {
                key: ks..ks + k.len(),
                value: vs..vs + v.get().len(),
            }
        })
        .collect()
}

/// Why an event text cannot be indexed.
pub enum IndexError {
    /// Not JSON: the parser's error (with line and column).
    Json(serde_json::Error),
    /// JSON, but not an object; or an object this reader leaves to the full
    /// parser (escaped keys).
    NotIndexable,
}

impl RawEvent {
    /// Validates and indexes an event text. A key with escapes (rare) is
    /// `NotIndexable`: the caller parses such an event fully.
    pub fn new(text: Box<str>) -> Result<RawEvent, (IndexError, Box<str>)> {
        let indexed = Self::index(&text);
        match indexed {
            Ok((slots, root, added_log_id)) => Ok(RawEvent {
                text,
                slots,
                root,
                added_log_id,
            }),
            Err(e) => Err((e, text)),
        }
    }

    /// The fields, the event object's range and whether the envelope's
    /// `log_id` was added.
    fn index(text: &str) -> Result<(Vec<Slot>, Range<usize>, bool), IndexError> {
        Ok({
            let fields: Fields<'_> = match serde_json::from_str(text) {
                Ok(f) => f,
                Err(e) if e.is_syntax() || e.is_eof() => return Err(IndexError::Json(e)),
                Err(_) => return Err(IndexError::NotIndexable),
            };
            let get = |name: &str| {
                fields
                    .0
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| *v)
            };
            let data = get("data").filter(|d| d.get().starts_with('{'));
            match (get("log_id"), data, get("type")) {
                (Some(_), Some(data), None) => {
                    let inner: Fields<'_> =
                        serde_json::from_str(data.get()).map_err(|_| IndexError::NotIndexable)?;
                    let mut slots = slots_of(text, &inner);
                    let has_id = inner.0.iter().any(|(k, _)| *k == "log_id");
                    if !has_id {
                        let outer = slots_of(text, &fields);
                        if let Some(s) = outer
                            .iter()
                            .rev()
                            .find(|s| &text[s.key.clone()] == "log_id")
                        {
                            slots.push(s.clone());
                        }
                    }
                    let start = offset(text, data.get());
                    (slots, start..start + data.get().len(), !has_id)
                }
                _ => (slots_of(text, &fields), 0..text.len(), false),
            }
        })
    }

    /// The event object's JSON text as it was read, when it can be printed
    /// as is (an envelope whose `log_id` was moved in cannot).
    pub fn object_text(&self) -> Option<&str> {
        (!self.added_log_id).then(|| &self.text[self.root.clone()])
    }

    /// The whole text to parse fully, and whether it is an envelope.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The value text of a top-level field (the last one if repeated).
    fn field(&self, name: &str) -> Option<&str> {
        self.slots
            .iter()
            .rev()
            .find(|s| &self.text[s.key.clone()] == name)
            .map(|s| &self.text[s.value.clone()])
    }

    /// Visits the values at a path without a full parse; `None` when the
    /// path needs one (an array, an escaped string, an object as a value).
    pub fn visit<'a>(
        &'a self,
        segs: &[String],
        each: &mut dyn FnMut(Scalar<'a>) -> ControlFlow<()>,
    ) -> Option<(bool, bool)> {
        let (first, rest) = segs.split_first()?;
        let Some(mut value) = self.field(first) else {
            return Some((false, false));
        };
        for seg in rest {
            match value.as_bytes().first() {
                Some(b'{') => {
                    let fields: Fields<'_> = serde_json::from_str(value).ok()?;
                    match fields.0.iter().rev().find(|(k, _)| k == seg) {
                        Some((_, v)) => value = v.get(),
                        None => return Some((false, false)),
                    }
                }
                Some(b'[') => return None,
                // A scalar has no fields.
                _ => return Some((false, false)),
            }
        }
        let scalar = leaf(value)?;
        Some((true, each(scalar).is_break()))
    }
}

/// A scalar read from its JSON text; `None` for arrays, objects and strings
/// with escapes.
fn leaf(text: &str) -> Option<Scalar<'_>> {
    Some(match text.as_bytes().first()? {
        b'"' => {
            let inner = text.get(1..text.len().checked_sub(1)?)?;
            if inner.contains('\\') {
                return None;
            }
            Scalar::Str(inner)
        }
        b't' => Scalar::Bool(true),
        b'f' => Scalar::Bool(false),
        b'n' => Scalar::Null,
        b'[' | b'{' => return None,
        _ => match text.parse::<i64>() {
            Ok(i) => Scalar::Int(i),
            Err(_) => Scalar::Float(text.parse::<f64>().ok()?),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> RawEvent {
        match RawEvent::new(text.into()) {
            Ok(r) => r,
            Err(_) => panic!("not indexable: {text}"),
        }
    }

    fn values(r: &RawEvent, path: &str) -> Option<Vec<String>> {
        let segs: Vec<String> = path.split('.').map(str::to_string).collect();
        let mut out = Vec::new();
        r.visit(&segs, &mut |s| {
            out.push(format!("{s:?}"));
            ControlFlow::Continue(())
        })?;
        Some(out)
    }

    #[test]
    fn reads_fields_in_place() {
        let r = raw(
            r#"{"type": "s", "n": 12, "f": 1.5, "b": false, "z": null, "d": {"e": {"g": "x"}}}"#,
        );
        assert_eq!(values(&r, "type"), Some(vec!["Str(\"s\")".into()]));
        assert_eq!(values(&r, "n"), Some(vec!["Int(12)".into()]));
        assert_eq!(values(&r, "f"), Some(vec!["Float(1.5)".into()]));
        assert_eq!(values(&r, "b"), Some(vec!["Bool(false)".into()]));
        assert_eq!(values(&r, "z"), Some(vec!["Null".into()]));
        assert_eq!(values(&r, "d.e.g"), Some(vec!["Str(\"x\")".into()]));
        assert_eq!(values(&r, "missing"), Some(vec![]));
        assert_eq!(values(&r, "type.x"), Some(vec![]));
        // What the in-place reader leaves to the full parser.
        assert_eq!(values(&raw(r#"{"a": [1]}"#), "a"), None);
        assert_eq!(values(&raw(r#"{"a": {"b": 1}}"#), "a"), None);
        assert_eq!(values(&raw(r#"{"a": "x\"y"}"#), "a"), None);
    }

    #[test]
    fn envelopes_are_unwrapped() {
        let r = raw(r#"{"log_id": "9", "data": {"type": "s"}}"#);
        assert_eq!(values(&r, "type"), Some(vec!["Str(\"s\")".into()]));
        assert_eq!(values(&r, "log_id"), Some(vec!["Str(\"9\")".into()]));
        assert_eq!(r.object_text(), None);
        let r = raw(r#"{"log_id": "9", "data": {"type": "s", "log_id": "9"}}"#);
        assert_eq!(r.object_text(), Some(r#"{"type": "s", "log_id": "9"}"#));
    }

    #[test]
    fn malformed_text_is_an_error() {
        assert!(matches!(
            RawEvent::new("{\"a\": }".into()),
            Err((IndexError::Json(_), _))
        ));
        assert!(matches!(
            RawEvent::new("[1]".into()),
            Err((IndexError::NotIndexable, _))
        ));
        assert!(matches!(
            RawEvent::new(r#"{"a\"b": 1}"#.into()),
            Err((IndexError::NotIndexable, _))
        ));
    }
}

//! Rows: what flows through the pipeline.
//!
//! A row starts as an event and gains, changes or loses columns as stages
//! run. Columns are kept in order of creation; an event field is read from
//! the row's columns first and then from the event itself, until a stage
//! that chooses columns (`fields`, `table`, `stats`) hides the event.

use std::ops::ControlFlow;
use std::rc::Rc;

use super::event::{Event, JsonPath, flatten};
use super::time::format_iso;
use super::value::{Scalar, Val};
use crate::ir::{FieldKind, FieldRef, TIMESTAMP};

/// A column's identity: event fields and pipeline columns live apart, as
/// they do in a SIEM where event fields carry a prefix (`data.user_id` next
/// to a computed `user_id`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// A column the pipeline made (not an event field).
    pub local: bool,
    /// The name (a neutral path for event fields, `[]` marking arrays).
    pub name: Rc<str>,
}

impl Key {
    /// The key of a pipeline column.
    pub fn local(name: &str) -> Key {
        Key {
            local: true,
            name: name.into(),
        }
    }

    /// The key of an event field.
    pub fn event(name: &str) -> Key {
        Key {
            local: false,
            name: name.into(),
        }
    }
}

/// Event fields with a meaning of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Special {
    None,
    /// `timestamp`: the event's `date` in epoch seconds.
    Timestamp,
    /// `_raw`: the event's JSON text.
    Raw,
}

/// A field reference prepared for evaluation.
#[derive(Clone, Debug)]
pub struct Field {
    /// The column key.
    pub key: Key,
    path: JsonPath,
    special: Special,
}

impl Field {
    /// Prepares an IR field reference.
    pub fn new(f: &FieldRef) -> Field {
        let name = f.path.render("[]");
        let local = f.kind != FieldKind::Event;
        let special = match (local, name.as_str()) {
            (false, TIMESTAMP) => Special::Timestamp,
            (false, "_raw") => Special::Raw,
            _ => Special::None,
        };
        Field {
            key: Key {
                local,
                name: name.into(),
            },
            path: JsonPath::new(&f.path),
            special,
        }
    }

    /// True for a field read from the event's JSON as written (not a
    /// column, not `timestamp` or `_raw`): its text appears in the raw event.
    pub fn is_plain_event_field(&self) -> bool {
        !self.key.local && self.special == Special::None
    }

    /// A pipeline column by name.
    pub fn local(name: &str) -> Field {
        Field::new(&FieldRef::local(name))
    }

    /// The event's time field.
    pub fn timestamp() -> Field {
        Field::new(&FieldRef::event(TIMESTAMP))
    }
}

/// One column: a value, or `None` where a stage removed an event field.
#[derive(Clone, Debug)]
pub struct Col {
    /// Which column.
    pub key: Key,
    /// Its value (`None`: removed).
    pub val: Option<Val>,
}

/// A row of the pipeline.
#[derive(Clone, Debug, Default)]
pub struct Row {
    /// The event it came from, if a stage has not dropped it.
    pub event: Option<Rc<Event>>,
    /// True once `fields` chose columns: the event's own fields are hidden
    /// (its time and text stay, as `_time` and `_raw` do in SPL).
    pub projected: bool,
    /// The columns, in order of creation.
    pub cols: Vec<Col>,
}

impl Row {
    /// A row for an event.
    pub fn from_event(event: Rc<Event>) -> Row {
        Row {
            event: Some(event),
            projected: false,
            cols: Vec::new(),
        }
    }

    /// A row of columns only.
    pub fn from_cols(cols: Vec<(Key, Val)>) -> Row {
        Row {
            event: None,
            projected: false,
            cols: cols
                .into_iter()
                .map(|(key, val)| Col {
                    key,
                    val: Some(val),
                })
                .collect(),
        }
    }

    fn col(&self, key: &Key) -> Option<&Col> {
        self.cols.iter().find(|c| c.key == *key)
    }

    /// The event's JSON if its fields are visible.
    pub(crate) fn visible_event(&self) -> Option<&Event> {
        self.event.as_deref().filter(|_| !self.projected)
    }

    /// The event's time, when the row still has its event.
    pub fn event_time(&self) -> Option<f64> {
        self.event.as_ref().and_then(|e| e.time)
    }

    /// Calls `each` for every value of the field until it breaks. Returns
    /// (the field has a value, `each` broke).
    pub fn visit<'a>(
        &'a self,
        f: &Field,
        each: &mut dyn FnMut(Scalar<'a>) -> ControlFlow<()>,
    ) -> (bool, bool) {
        if let Some(c) = self.col(&f.key) {
            return match &c.val {
                None => (false, false),
                Some(v) => {
                    let vals = v.values();
                    let mut broke = false;
                    for x in vals {
                        if each(x.scalar()).is_break() {
                            broke = true;
                            break;
                        }
                    }
                    (!vals.is_empty(), broke)
                }
            };
        }
        if f.key.local {
            return (false, false);
        }
        match f.special {
            Special::Timestamp => match self.event_time() {
                Some(t) => (true, each(Scalar::Float(t)).is_break()),
                None => (false, false),
            },
            Special::Raw => match &self.event {
                Some(e) => (true, each(Scalar::Json(e.json())).is_break()),
                None => (false, false),
            },
            Special::None => match self.visible_event() {
                Some(e) => f.path.visit_event(e, each),
                None => (false, false),
            },
        }
    }

    /// The field's value (`None` when it has none).
    pub fn get(&self, f: &Field) -> Option<Val> {
        if let Some(c) = self.col(&f.key) {
            return c.val.clone();
        }
        if f.key.local {
            return None;
        }
        match f.special {
            Special::Timestamp => self.event_time().map(Val::num),
            Special::Raw => self.event.as_ref().map(|e| Val::Str(e.json().to_string())),
            Special::None => self.visible_event().and_then(|e| f.path.get_event(e)),
        }
    }

    /// Sets a column (`None` removes it).
    pub fn set(&mut self, key: &Key, val: Option<Val>) {
        let val = val.filter(|v| !v.is_null());
        if let Some(c) = self.cols.iter_mut().find(|c| c.key == *key) {
            c.val = val;
            return;
        }
        // A removed event field needs a marker to hide the event's value.
        if val.is_some() || (!key.local && self.event.is_some()) {
            self.cols.push(Col {
                key: key.clone(),
                val,
            });
        }
    }

    /// Drops the event and hidden markers, keeping only these columns.
    pub fn keep_only(&mut self, cols: Vec<(Key, Val)>) {
        *self = Row::from_cols(cols);
    }

    /// The row's columns with values, event fields included (flattened)
    /// when the event is visible; used where a stage needs every column.
    pub fn all_columns(&self) -> Vec<(Key, Val)> {
        let mut out: Vec<(Key, Val)> = Vec::new();
        if let Some(e) = self.visible_event() {
            for (name, v) in flatten(e.json()) {
                let key = Key::event(&name);
                if self.col(&key).is_none() {
                    out.push((key, v));
                }
            }
        }
        for c in &self.cols {
            if let Some(v) = &c.val {
                out.push((c.key.clone(), v.clone()));
            }
        }
        out
    }

    /// The event's JSON text as read, when the row is that event unchanged
    /// (no column added or removed): printed as is, without a parse.
    pub fn raw_text(&self) -> Option<&str> {
        if self.cols.is_empty() && !self.projected {
            // One line only: a pretty-printed event is not an NDJSON row.
            self.event.as_ref()?.text().filter(|t| !t.contains('\n'))
        } else {
            None
        }
    }

    /// The row as ordered `(column, JSON value)` pairs: the event's fields
    /// while they are visible (with the pipeline's columns on top), else the
    /// columns in order. `timestamp` is written as ISO 8601 text.
    pub fn to_pairs(&self) -> Vec<(String, serde_json::Value)> {
        let mut out: Vec<(String, serde_json::Value)> = match self.visible_event() {
            Some(e) => match e.json() {
                serde_json::Value::Object(m) => {
                    m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
                }
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        for c in &self.cols {
            let name = c.key.name.to_string();
            let pos = out.iter().position(|(k, _)| *k == name);
            match (&c.val, pos) {
                (Some(v), pos) => {
                    let json = if !c.key.local && &*c.key.name == TIMESTAMP {
                        v.number()
                            .map(|t| serde_json::Value::String(format_iso(t)))
                            .unwrap_or_else(|| v.to_json())
                    } else {
                        v.to_json()
                    };
                    match pos {
                        Some(i) => out[i].1 = json,
                        None => out.push((name, json)),
                    }
                }
                (None, Some(i)) => {
                    out.remove(i);
                }
                (None, None) => {}
            }
        }
        out
    }

    /// The row as a JSON object (see [`Row::to_pairs`]; keys sorted).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(self.to_pairs().into_iter().collect())
    }
}

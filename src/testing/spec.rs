//! The test-case file format: `<stem>.tests.yaml` next to the detection.
//!
//! ```yaml
//! detection: refresh_token_reuse.vigil   # optional: default is the stem's sibling
//! params: {excessive_reuse_threshold: 2} # for every case (a case may override)
//! now: 2025-07-11T12:00:00Z              # optional: default is the latest event's time
//! templates:                             # optional: anchors for events the cases share
//!   ferrt: &ferrt {type: ferrt, description: "..."}
//! cases:
//!   - name: alerts when one user reuses refresh tokens
//!     events:                            # inline events (YAML or JSON objects) ...
//!       - {type: ferrt, user_id: "auth0|1", date: "2025-07-11T10:00:00.000Z"}
//!     events_file: samples/reuse.ndjson  # ... and/or files, relative to this file
//!     lookups: {known_ips: known_ips.csv} # or inline rows: {known_ips: [{ip: 1.2.3.4}]}
//!     expect:
//!       rows: [{user_id: "auth0|1", detected_reuse_counter: 3}]
//!       # or: log_ids: [...], count: N; `ordered: true` compares in order
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

/// A tests file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// The detection file, relative to the tests file.
    #[serde(default)]
    pub detection: Option<String>,
    /// Parameters for every case.
    #[serde(default)]
    pub params: BTreeMap<String, Value>,
    /// `now()` for every case.
    #[serde(default)]
    pub now: Option<Value>,
    /// Lookup tables for every case.
    #[serde(default)]
    pub lookups: BTreeMap<String, LookupSpec>,
    /// Not read: a place to define YAML anchors (`&base`) for events the
    /// cases share (`<<: *base`).
    #[serde(default)]
    pub templates: Option<Value>,
    /// The cases.
    pub cases: Vec<Spanned<Case>>,
}

/// One test case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What it shows.
    pub name: String,
    /// Parameters (over the file's).
    #[serde(default)]
    pub params: BTreeMap<String, Value>,
    /// `now()` (over the file's).
    #[serde(default)]
    pub now: Option<Value>,
    /// Lookup tables (over the file's).
    #[serde(default)]
    pub lookups: BTreeMap<String, LookupSpec>,
    /// Events written in the case.
    #[serde(default)]
    pub events: Vec<Value>,
    /// Event files, relative to the tests file.
    #[serde(default)]
    pub events_file: Option<OneOrMany>,
    /// What the detection must return.
    pub expect: Expect,
}

/// One file name or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The names.
    pub fn names(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A lookup table: a CSV file, or rows.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum LookupSpec {
    /// A CSV file relative to the tests file.
    File(String),
    /// Rows, column → value.
    Rows(Vec<BTreeMap<String, Value>>),
}

/// The expected result.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The result rows, exactly (columns without a value may be left out).
    #[serde(default)]
    pub rows: Option<Vec<serde_json::Map<String, Value>>>,
    /// The `log_id`s of the result rows.
    #[serde(default)]
    pub log_ids: Option<Vec<Value>>,
    /// How many rows.
    #[serde(default)]
    pub count: Option<usize>,
    /// Compare rows (or log ids) in order.
    #[serde(default)]
    pub ordered: bool,
}

impl Expect {
    /// True if the case expects no result at all.
    pub fn expects_nothing(&self) -> bool {
        self.rows.as_ref().is_some_and(Vec::is_empty)
            || self.log_ids.as_ref().is_some_and(Vec::is_empty)
            || self.count == Some(0)
    }
}

/// A YAML scalar as parameter text.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

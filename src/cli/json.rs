//! `-f json` of `compile` and `check`: one entry per detection, the ones
//! that failed included, with their diagnostics as data. The schema is
//! documented in docs/cli.md.

use super::driver::Unit;
use crate::diagnostic::Diagnostic;

/// One detection (or a file that gave none), as `-f json` lists it.
#[derive(serde::Serialize)]
pub struct Entry {
    /// The detection's id (its file name when it has none, or when the
    /// file gave no detection).
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// The file it came from.
    pub source: String,
    /// The target; `null` for `check` without `--target`.
    pub target: Option<&'static str>,
    /// The compiled query; `null` when it did not compile, and in `check`.
    pub query: Option<String>,
    /// `false` when any diagnostic is an error (with `--strict`, any
    /// warning).
    pub ok: bool,
    /// Every diagnostic of this detection: code, severity, message, help,
    /// file, line, column, label.
    pub diagnostics: Vec<serde_json::Value>,
}

impl Entry {
    /// The entry of one unit; `query` says whether to include the query.
    pub fn new(unit: &Unit, target: Option<&'static str>, query: bool) -> Entry {
        let det = unit.det.as_ref();
        Entry {
            id: det.map_or_else(|| unit.source.clone(), |d| d.display_id()),
            title: det.and_then(|d| d.meta.title.clone()),
            source: unit.source.clone(),
            target,
            query: if query { unit.query.clone() } else { None },
            ok: !unit.failed(),
            diagnostics: unit.diagnostics.iter().map(Diagnostic::to_json).collect(),
        }
    }
}

/// The JSON array of the entries, pretty-printed, with a final newline.
pub fn render(entries: &[Entry]) -> String {
    serde_json::to_string_pretty(entries).unwrap_or_default() + "\n"
}

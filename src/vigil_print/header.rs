//! Metadata and parameter declarations.

use std::fmt::Write;

use super::Printer;
use super::quote::{self, bare_date, bare_word, meta_key, meta_string, param_name, text_block};
use crate::ir::{ParamType, Scope};

/// Lists longer than this are written one item per line.
const WIDTH: usize = 100;

impl Printer<'_> {
    /// `key: value` lines, then `param` lines.
    pub(super) fn header(&mut self, out: &mut String) {
        let m = &self.det.meta;
        let text = |s: &Option<String>| s.as_deref().map(meta_string);
        let word = |s: &Option<String>| {
            s.as_deref().map(|v| {
                if bare_word(v) {
                    v.to_string()
                } else {
                    meta_string(v)
                }
            })
        };
        let date = |s: &Option<String>| {
            s.as_deref().map(|v| {
                if bare_date(v) {
                    v.to_string()
                } else {
                    meta_string(v)
                }
            })
        };
        let entries: [(&str, Option<String>); 8] = [
            ("title", text(&m.title)),
            ("id", text(&m.id)),
            ("name", text(&m.name)),
            ("status", word(&m.status)),
            ("level", word(&m.level)),
            ("author", text(&m.author)),
            ("date", date(&m.date)),
            ("modified", date(&m.modified)),
        ];
        for (k, v) in entries {
            if let Some(v) = v {
                let _ = writeln!(out, "{k}: {v}");
            }
        }
        if !m.logsource.is_empty() {
            let mut pairs = Vec::new();
            for (k, v) in &m.logsource {
                if meta_key(k) {
                    pairs.push(format!("{k}: {}", meta_string(v)));
                } else {
                    self.warn(
                        self.det.span,
                        format!(
                            "the logsource key `{k}` cannot be written in Vigil and was left out"
                        ),
                    );
                }
            }
            let _ = writeln!(out, "logsource: {{{}}}", pairs.join(", "));
        }
        for (k, list) in [("tags", &m.tags), ("references", &m.references)] {
            if !list.is_empty() {
                let items: Vec<String> = list.iter().map(|s| meta_string(s)).collect();
                let _ = writeln!(out, "{k}: {}", list_text(&items));
            }
        }
        if let Some(d) = &m.description {
            let _ = writeln!(out, "description: {}", block_or_string(d));
        }
        if !m.falsepositives.is_empty() {
            let items: Vec<String> = m.falsepositives.iter().map(|s| meta_string(s)).collect();
            let _ = writeln!(out, "falsepositives: {}", list_text(&items));
        }
        for (k, v) in &m.extra {
            if !meta_key(k) {
                self.warn(
                    self.det.span,
                    format!("the metadata key `{k}` cannot be written in Vigil and was left out"),
                );
                continue;
            }
            let v = self.json(k, v, true);
            let _ = writeln!(out, "{k}: {v}");
        }
        if self.det.scope == Scope::None {
            out.push_str("scope: none\n");
        }
        if !self.det.params.is_empty() {
            out.push('\n');
        }
        for p in &self.det.params {
            if !param_name(&p.name) {
                self.error(
                    p.span,
                    format!("`{}` is not a Vigil parameter name", p.name),
                );
                continue;
            }
            let ty = match p.ty {
                ParamType::String => "string",
                ParamType::Number => "number",
                ParamType::Bool => "bool",
            };
            let _ = write!(out, "param {}: {ty}", p.name);
            if let Some(d) = &p.default {
                match quote::value(d, false) {
                    Some(v) => {
                        let _ = write!(out, " = {v}");
                    }
                    None => self.error(
                        p.span,
                        format!(
                            "the default of `{}` has no Vigil literal (negative numbers have none)",
                            p.name
                        ),
                    ),
                }
            }
            if let Some(doc) = &p.description {
                let _ = write!(out, " {}", meta_string(doc));
            }
            out.push('\n');
        }
    }

    /// Extra metadata (JSON) as a metadata value. Vigil's metadata has
    /// strings, numbers, lists and maps; other values become text.
    fn json(&mut self, key: &str, v: &serde_json::Value, top: bool) -> String {
        use serde_json::Value as J;
        match v {
            J::String(s) if top => block_or_string(s),
            J::String(s) => meta_string(s),
            J::Number(n) => {
                let t = n.to_string();
                if quote::is_decimal(&t) {
                    t
                } else {
                    self.warn(
                        self.det.span,
                        format!("`{key}`: the number {t} is written as text"),
                    );
                    meta_string(&t)
                }
            }
            J::Bool(b) => {
                self.warn(
                    self.det.span,
                    format!("`{key}`: Vigil metadata has no booleans; `{b}` is written as text"),
                );
                meta_string(&b.to_string())
            }
            J::Null => {
                self.warn(
                    self.det.span,
                    format!(
                        "`{key}`: Vigil metadata has no null; it is written as an empty string"
                    ),
                );
                meta_string("")
            }
            J::Array(items) => {
                let items: Vec<String> = items.iter().map(|i| self.json(key, i, false)).collect();
                list_text(&items)
            }
            J::Object(map) => {
                let mut pairs = Vec::new();
                for (k, val) in map {
                    if meta_key(k) {
                        let val = self.json(key, val, false);
                        pairs.push(format!("{k}: {val}"));
                    } else {
                        self.warn(
                            self.det.span,
                            format!(
                                "`{key}`: the key `{k}` cannot be written in Vigil and was left out"
                            ),
                        );
                    }
                }
                format!("{{{}}}", pairs.join(", "))
            }
        }
    }
}

/// A `"""` block for multi-line text, else a string.
fn block_or_string(s: &str) -> String {
    text_block(s, "    ").unwrap_or_else(|| meta_string(s))
}

/// `[a, b]`, or one item per line when long.
fn list_text(items: &[String]) -> String {
    let one_line = format!("[{}]", items.join(", "));
    if one_line.len() <= WIDTH && !one_line.contains('\n') {
        return one_line;
    }
    let mut out = String::from("[\n");
    for i in items {
        let _ = writeln!(out, "    {i},");
    }
    out.push(']');
    out
}

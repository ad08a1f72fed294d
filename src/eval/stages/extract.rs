//! Stages that derive columns from one row: `bin`, `rex`, `spath`,
//! `mvexpand`.

use crate::eval::compile::Cx;
use crate::eval::event::JsonPath;
use crate::eval::pattern::compile_regex;
use crate::eval::row::{Field, Key, Row};
use crate::eval::time::bucket;
use crate::eval::value::Val;
use crate::ir::{Duration, FieldRef, Regex};
use crate::source::Span;

/// `bin f span=d`: a time rounded down to the start of its bucket.
#[derive(Debug)]
pub struct Bin {
    field: Field,
    span: Duration,
}

impl Bin {
    pub fn new(field: &FieldRef, span: Duration) -> Bin {
        Bin {
            field: Field::new(field),
            span,
        }
    }

    pub fn apply(&self, mut row: Row) -> Row {
        if let Some(t) = row.get(&self.field).and_then(|v| v.number()) {
            row.set(&self.field.key, Some(Val::num(bucket(t, self.span))));
        }
        row
    }
}

/// `rex field=f "(?<name>...)" [max_match=N]`: named groups become
/// columns. The first match by default; up to N matches (all with 0) make
/// multi-values. Without a match the columns are left as they were.
#[derive(Debug)]
pub struct Rex {
    field: Field,
    regex: regex::Regex,
    max: usize,
    groups: Vec<(String, Key)>,
}

impl Rex {
    pub(crate) fn new(
        field: &FieldRef,
        regex: &Regex,
        max_match: Option<u64>,
        groups: &[String],
        cx: &mut Cx,
        span: Span,
    ) -> Option<Rex> {
        let src = cx.literal(&regex.pattern, span)?;
        let compiled = match compile_regex(&src, regex.flags) {
            Ok(re) => re,
            Err(e) => {
                cx.error(
                    span,
                    format!("cannot run this regular expression: {e}"),
                    "this `rex`",
                    "Vigil evaluates regular expressions with Rust's `regex` crate (no look-around, back-references, atomic groups, possessive quantifiers); rewrite the expression without them to test it",
                );
                return None;
            }
        };
        Some(Rex {
            field: Field::new(field),
            regex: compiled,
            max: match max_match {
                None => 1,
                Some(0) => usize::MAX,
                Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            },
            groups: groups.iter().map(|g| (g.clone(), Key::local(g))).collect(),
        })
    }

    pub fn apply(&self, mut row: Row) -> Row {
        let Some(v) = row.get(&self.field) else {
            return row;
        };
        let mut found: Vec<Vec<Val>> = vec![Vec::new(); self.groups.len()];
        let mut matches = 0;
        'values: for x in v.values() {
            let Some(text) = x.text() else { continue };
            for caps in self.regex.captures_iter(&text) {
                if matches == self.max {
                    break 'values;
                }
                matches += 1;
                for (i, (name, _)) in self.groups.iter().enumerate() {
                    if let Some(m) = caps.name(name) {
                        found[i].push(Val::str(m.as_str()));
                    }
                }
            }
        }
        for ((_, key), vals) in self.groups.iter().zip(found) {
            if !vals.is_empty() {
                row.set(key, Some(Val::from_values(vals)));
            }
        }
        row
    }
}

/// `spath [input=i] path=p [output=o]`: the value at a JSON path of the
/// event (its text when it is an object), or with `input` of the JSON text
/// that column holds (its first value; text that is not JSON gives
/// nothing), as column `o` (or `p`).
#[derive(Debug)]
pub struct Spath {
    input: Option<Field>,
    /// The path and the output column; none: every key of the input's JSON.
    path: Option<(JsonPath, Key)>,
}

impl Spath {
    pub fn new(
        input: Option<&FieldRef>,
        path: Option<&FieldRef>,
        output: Option<&FieldRef>,
    ) -> Spath {
        Spath {
            input: input.map(Field::new),
            path: path.map(|p| (JsonPath::new(&p.path), Field::new(output.unwrap_or(p)).key)),
        }
    }

    pub fn apply(&self, mut row: Row) -> Row {
        let json = self.input.as_ref().and_then(|f| {
            let text = row.get(f)?.first().text()?.into_owned();
            serde_json::from_str::<serde_json::Value>(&text).ok()
        });
        let Some((path, out)) = &self.path else {
            // Every key, named by its path (`a.b`, `a{}.b`), as event
            // fields are: later stages read them by those names.
            for (name, v) in json
                .as_ref()
                .map(crate::eval::event::flatten)
                .unwrap_or_default()
            {
                let key = Key {
                    local: false,
                    name: name.into(),
                };
                row.set(&key, Some(v));
            }
            return row;
        };
        let v = match (&self.input, &json) {
            (None, _) => row.event.as_ref().and_then(|e| path.get_event(e)),
            (Some(_), Some(json)) => path.get(json),
            (Some(_), None) => None,
        };
        if let Some(v) = v {
            row.set(out, Some(v));
        }
        row
    }
}

/// `mvexpand f`: one row per value of `f`; a row without a value gives none.
#[derive(Debug)]
pub struct MvExpand {
    field: Field,
}

impl MvExpand {
    pub fn new(field: &FieldRef) -> MvExpand {
        MvExpand {
            field: Field::new(field),
        }
    }

    pub fn apply(&self, row: Row) -> Vec<Row> {
        let Some(v) = row.get(&self.field) else {
            return Vec::new();
        };
        v.values()
            .iter()
            .map(|x| {
                let mut r = row.clone();
                r.set(&self.field.key, Some(x.clone()));
                r
            })
            .collect()
    }
}

//! `lookup`: enriching rows from a CSV table.
//!
//! A table is found by name: a table given explicitly (`--lookup NAME=FILE`,
//! or `lookups:` in a test), else `NAME` or `NAME.csv` in the lookup
//! directories. Matching is exact and case-sensitive (SPL's default for CSV
//! lookups); every matching table row contributes its outputs.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::eval::compile::Cx;
use crate::eval::row::{Field, Key, Row};
use crate::eval::value::Val;
use crate::ir::{FieldRef, List, LookupField, LookupOutputs, OutputMode, Text};
use crate::source::Span;

/// Where a lookup table's rows come from.
#[derive(Clone, Debug)]
pub enum LookupSource {
    /// A CSV file with a header line.
    File(PathBuf),
    /// Rows given inline (column → value).
    Rows(Vec<BTreeMap<String, String>>),
}

/// The lookup tables a run can use.
#[derive(Clone, Debug, Default)]
pub struct Lookups {
    /// Tables by name.
    pub tables: BTreeMap<String, LookupSource>,
    /// Directories searched for `NAME` and `NAME.csv`.
    pub dirs: Vec<PathBuf>,
}

/// A loaded table.
#[derive(Debug)]
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Lookups {
    fn load(&self, name: &str) -> Result<Table, String> {
        let source = match self.tables.get(name) {
            Some(s) => s.clone(),
            // A table found by name beside a tests file stays below that
            // folder: a detection's `lookup ../../secret` would otherwise
            // read (and show) any file.
            None if Path::new(name).components().any(|c| {
                !matches!(
                    c,
                    std::path::Component::Normal(_) | std::path::Component::CurDir
                )
            }) =>
            {
                return Err(format!(
                    "lookup table `{name}`: a table found beside the tests file is named by a \
                     relative path without `..`"
                ));
            }
            None => {
                let found = self.dirs.iter().find_map(|d| {
                    [d.join(name), d.join(format!("{name}.csv"))]
                        .into_iter()
                        .find(|p| p.is_file())
                });
                match found {
                    Some(p) => LookupSource::File(p),
                    None => {
                        return Err(format!(
                            "no lookup table `{name}` (looked for {name} and {name}.csv in {})",
                            if self.dirs.is_empty() {
                                "no directory".to_string()
                            } else {
                                self.dirs
                                    .iter()
                                    .map(|d| d.display().to_string())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            }
                        ));
                    }
                }
            }
        };
        match source {
            LookupSource::File(p) => {
                let text =
                    crate::limits::read_text(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                let mut records = parse_csv(&text).into_iter();
                let header = records
                    .next()
                    .ok_or_else(|| format!("{}: the CSV file is empty", p.display()))?;
                Ok(Table {
                    header,
                    rows: records.collect(),
                })
            }
            LookupSource::Rows(rows) => {
                let mut header: Vec<String> = Vec::new();
                for r in &rows {
                    for k in r.keys() {
                        if !header.contains(k) {
                            header.push(k.clone());
                        }
                    }
                }
                let rows = rows
                    .iter()
                    .map(|r| {
                        header
                            .iter()
                            .map(|h| r.get(h).cloned().unwrap_or_default())
                            .collect()
                    })
                    .collect();
                Ok(Table { header, rows })
            }
        }
    }
}

/// Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                any = false;
            }
            c => field.push(c),
        }
    }
    if any {
        record.push(field);
        records.push(record);
    }
    records.retain(|r| !(r.len() == 1 && r[0].is_empty()));
    records
}

/// A compiled `lookup`.
#[derive(Debug)]
pub struct Lookup {
    table: Table,
    /// (table column index, row fields) pairs that must match: the first
    /// of the fields the row has is read.
    inputs: Vec<(usize, Vec<Field>)>,
    /// (table column index, row column) pairs copied out.
    outputs: Vec<(usize, Key)>,
    mode: OutputMode,
    /// Table rows by the value of the first input column.
    index: HashMap<String, Vec<usize>>,
}

/// The row column a lookup field stands for: its `as` name, else a column
/// named like the table's.
fn row_field(f: &LookupField) -> Field {
    match &f.alias {
        Some(a) => Field::new(&a.name),
        None => Field::new(&FieldRef::local(&f.column.path.render("[]"))),
    }
}

/// The row fields an input column is matched against. Without `as`, SPL's
/// short form (`lookup t user_id`) reads the field named like the column:
/// a pipeline column of that name if there is one, else the event field.
fn input_fields(f: &LookupField) -> Vec<Field> {
    match &f.alias {
        Some(a) => vec![Field::new(&a.name)],
        None => vec![
            row_field(f),
            Field::new(&FieldRef {
                kind: crate::ir::FieldKind::Event,
                ..f.column.clone()
            }),
        ],
    }
}

impl Lookup {
    pub(crate) fn new(
        table: &Text,
        inputs: &List<LookupField>,
        outputs: Option<&LookupOutputs>,
        lookups: &Lookups,
        cx: &mut Cx,
        span: Span,
    ) -> Option<Lookup> {
        let name = cx.literal(table, span)?;
        let table = match lookups.load(&name) {
            Ok(t) => t,
            Err(e) => {
                cx.error(
                    span,
                    e,
                    "this lookup",
                    "give the table: vigil run --lookup NAME=FILE.csv (or `lookups:` in a test file)",
                );
                return None;
            }
        };
        let mut missing = Vec::new();
        let mut column = |f: &LookupField| {
            let name = f.column.path.render("[]");
            let i = table.header.iter().position(|h| *h == name);
            if i.is_none() && !missing.contains(&name) {
                missing.push(name);
            }
            i
        };
        let ins: Vec<(usize, Vec<Field>)> = inputs
            .iter()
            .filter_map(|f| Some((column(f)?, input_fields(f))))
            .collect();
        let outs: Vec<(usize, Key)> = match outputs {
            Some(o) => o
                .fields
                .iter()
                .filter_map(|f| Some((column(f)?, row_field(f).key)))
                .collect(),
            None => (0..table.header.len())
                .filter(|i| !ins.iter().any(|(j, _)| j == i))
                .map(|i| (i, Key::local(&table.header[i])))
                .collect(),
        };
        if !missing.is_empty() {
            cx.error(
                span,
                format!(
                    "lookup table `{name}` has no column {} (it has: {})",
                    missing.join(", "),
                    table.header.join(", ")
                ),
                "this lookup",
                "",
            );
            return None;
        }
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        if let Some((col, _)) = ins.first() {
            for (i, r) in table.rows.iter().enumerate() {
                if let Some(v) = r.get(*col) {
                    index.entry(v.clone()).or_default().push(i);
                }
            }
        }
        Some(Lookup {
            table,
            inputs: ins,
            outputs: outs,
            mode: outputs.map_or(OutputMode::Output, |o| o.mode),
            index,
        })
    }

    fn matches(&self, row: &Row) -> Vec<usize> {
        let inputs: Vec<Vec<String>> = self
            .inputs
            .iter()
            .map(|(_, fields)| {
                fields
                    .iter()
                    .find_map(|f| row.get(f))
                    .map(|v| {
                        v.values()
                            .iter()
                            .filter_map(|x| x.text().map(|t| t.into_owned()))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        let Some(first) = inputs.first() else {
            return Vec::new();
        };
        let mut out: Vec<usize> = first
            .iter()
            .flat_map(|v| self.index.get(v).into_iter().flatten().copied())
            .filter(|&i| {
                self.inputs
                    .iter()
                    .zip(&inputs)
                    .skip(1)
                    .all(|((col, _), vals)| {
                        self.table.rows[i]
                            .get(*col)
                            .is_some_and(|cell| vals.contains(cell))
                    })
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn apply(&self, mut row: Row) -> Row {
        let hits = self.matches(&row);
        if hits.is_empty() {
            return row;
        }
        for (col, key) in &self.outputs {
            let vals: Vec<Val> = hits
                .iter()
                .filter_map(|&i| self.table.rows[i].get(*col))
                .filter(|cell| !cell.is_empty())
                .map(|cell| Val::str(cell.as_str()))
                .collect();
            let has = row.cols.iter().any(|c| c.key == *key && c.val.is_some());
            if self.mode == OutputMode::OutputNew && has {
                continue;
            }
            row.set(key, Some(Val::from_values(vals)));
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_line_ends() {
        let rows = parse_csv("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\n3,\n");
        assert_eq!(
            rows,
            vec![
                vec!["a".to_string(), "b".to_string()],
                vec!["x,1".to_string(), "say \"hi\"".to_string()],
                vec!["3".to_string(), String::new()],
            ]
        );
    }
}

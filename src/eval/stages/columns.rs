//! Stages that compute, choose, rename or fill columns, and `transpose`.

use super::Rows;
use crate::eval::compile::Cx;
use crate::eval::expr::{CExpr, Env};
use crate::eval::row::{Field, Key, Row};
use crate::eval::value::Val;
use crate::ir::{Assign, FieldRef, List, Rename, Value};
use crate::source::Span;

/// `eval a = ..., b = ...`: assignments run in order, each seeing the ones
/// before it; a null result removes the column.
#[derive(Debug)]
pub struct Eval {
    assignments: Vec<(Key, CExpr)>,
}

impl Eval {
    pub(crate) fn new(assignments: &[Assign], cx: &mut Cx, span: Span) -> Eval {
        Eval {
            assignments: assignments
                .iter()
                .map(|a| (Field::new(&a.field).key, CExpr::new(&a.value, cx, span)))
                .collect(),
        }
    }

    pub fn apply(&self, row: &mut Row, now: f64) {
        for (key, e) in &self.assignments {
            let v = e.eval(&Env {
                row,
                now,
                bound: None,
            });
            row.set(key, Some(v));
        }
    }
}

fn fields_of(l: &List<FieldRef>) -> Vec<Field> {
    l.iter().map(Field::new).collect()
}

/// `table a, b`: exactly these columns, in this order; the event is gone.
#[derive(Debug)]
pub struct Table {
    fields: Vec<Field>,
}

impl Table {
    pub fn new(l: &List<FieldRef>) -> Table {
        Table {
            fields: fields_of(l),
        }
    }

    pub fn apply(&self, mut row: Row) -> Row {
        let cols = self
            .fields
            .iter()
            .filter_map(|f| row.get(f).map(|v| (f.key.clone(), v)))
            .collect();
        row.keep_only(cols);
        row
    }
}

/// `fields a, b` keeps these columns and the event's time (as SPL keeps
/// `_time`); `fields - a, b` removes these.
#[derive(Debug)]
pub struct Fields {
    remove: bool,
    fields: Vec<Field>,
}

impl Fields {
    pub fn new(remove: bool, l: &List<FieldRef>) -> Fields {
        Fields {
            remove,
            fields: fields_of(l),
        }
    }

    pub fn apply(&self, mut row: Row) -> Row {
        if self.remove {
            for f in &self.fields {
                row.set(&f.key, None);
            }
            return row;
        }
        let ts = Field::timestamp();
        let mut cols: Vec<(Key, Val)> = self
            .fields
            .iter()
            .filter_map(|f| row.get(f).map(|v| (f.key.clone(), v)))
            .collect();
        if !cols.iter().any(|(k, _)| *k == ts.key)
            && let Some(t) = row.get(&ts)
        {
            cols.push((ts.key.clone(), t));
        }
        let event = row.event.take();
        row.keep_only(cols);
        row.event = event;
        row.projected = true;
        row
    }
}

/// `rename a as b, ...`, in order: a column without a value is left alone.
#[derive(Debug)]
pub struct Renames {
    pairs: Vec<RenameOp>,
}

#[derive(Debug)]
enum RenameOp {
    One(Field, Key),
    /// `p*s as q*r`: (p, s) and (q, r).
    Wild((String, String), (String, String)),
}

impl Renames {
    pub fn new(l: &List<Rename>) -> Renames {
        Renames {
            pairs: l
                .iter()
                .map(|r| {
                    match (
                        r.wildcard,
                        Rename::wildcard_parts(&r.from),
                        Rename::wildcard_parts(&r.to.name),
                    ) {
                        (true, Some(from), Some(to)) => RenameOp::Wild(from, to),
                        _ => RenameOp::One(Field::new(&r.from), Field::new(&r.to.name).key),
                    }
                })
                .collect(),
        }
    }

    pub fn apply(&self, mut row: Row) -> Row {
        for op in &self.pairs {
            match op {
                RenameOp::One(from, to) => {
                    if let Some(v) = row.get(from) {
                        row.set(&from.key, None);
                        row.set(to, Some(v));
                    }
                }
                RenameOp::Wild(from, to) => row = wild_rename(row, from, to),
            }
        }
        row
    }
}

/// Renames every column (the event's fields, then the pipeline's) whose
/// name is `p…s` to `q…r`.
fn wild_rename(mut row: Row, (p, s): &(String, String), (q, r): &(String, String)) -> Row {
    let mut cols: Vec<(Key, Option<Val>)> = Vec::new();
    if let Some(ev) = row.visible_event() {
        for (name, v) in crate::eval::event::flatten(ev.json()) {
            let key = Key {
                local: false,
                name: name.into(),
            };
            cols.push((key, Some(v)));
        }
    }
    for c in &row.cols {
        match cols.iter_mut().find(|(k, _)| *k == c.key) {
            Some(slot) => slot.1 = c.val.clone(),
            None => cols.push((c.key.clone(), c.val.clone())),
        }
    }
    let moves: Vec<(Key, Key, Val)> = cols
        .into_iter()
        .filter_map(|(key, v)| {
            let mid = key
                .name
                .strip_prefix(p.as_str())?
                .strip_suffix(s.as_str())?
                .to_string();
            // The reader resolves later names as event fields, since it
            // cannot know which columns a wildcard renamed.
            let to = Key {
                local: false,
                name: format!("{q}{mid}{r}").into(),
            };
            Some((key, to, v?))
        })
        .collect();
    for (from, _, _) in &moves {
        row.set(from, None);
    }
    for (_, to, v) in moves {
        row.set(&to, Some(v));
    }
    row
}

/// `fillnull [value=v] [f, ...]`: missing or null columns get `v` (0 by
/// default). Without a field list: every column some row has (made or
/// chosen by the pipeline).
#[derive(Debug)]
pub struct FillNull {
    value: Val,
    fields: Vec<Field>,
}

impl FillNull {
    pub(crate) fn new(
        value: Option<&Value>,
        l: &List<FieldRef>,
        cx: &mut Cx,
        span: Span,
    ) -> FillNull {
        FillNull {
            value: value.and_then(|v| cx.value(v, span)).unwrap_or(Val::Int(0)),
            fields: fields_of(l),
        }
    }

    pub fn apply<'a>(&'a self, rows: Rows<'a>) -> Rows<'a> {
        if !self.fields.is_empty() {
            return Box::new(rows.map(move |mut r| {
                for f in &self.fields {
                    if r.get(f).is_none() {
                        r.set(&f.key, Some(self.value.clone()));
                    }
                }
                r
            }));
        }
        let rows: Vec<Row> = rows.collect();
        let mut keys: Vec<Key> = Vec::new();
        for r in &rows {
            for c in &r.cols {
                if !keys.contains(&c.key) {
                    keys.push(c.key.clone());
                }
            }
        }
        Box::new(rows.into_iter().map(move |mut r| {
            for k in &keys {
                let present = r.cols.iter().any(|c| c.key == *k && c.val.is_some());
                if !present {
                    r.set(k, Some(self.value.clone()));
                }
            }
            r
        }))
    }
}

/// `transpose [N]`: the first N rows (5 by default, as in SPL) become
/// columns `row 1` ... `row N`; each former column becomes a row, named in
/// `column`.
#[derive(Debug)]
pub struct Transpose {
    rows: usize,
}

impl Transpose {
    pub fn new(rows: Option<u64>) -> Transpose {
        Transpose {
            rows: rows.map_or(5, |n| usize::try_from(n).unwrap_or(usize::MAX)),
        }
    }

    pub fn apply<'a>(&'a self, rows: Rows<'a>) -> Rows<'a> {
        let taken: Vec<Vec<(Key, Val)>> = rows.take(self.rows).map(|r| r.all_columns()).collect();
        let mut names: Vec<Key> = Vec::new();
        for cols in &taken {
            for (k, _) in cols {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
        let out: Vec<Row> = names
            .into_iter()
            .map(|name| {
                let mut cols = vec![(Key::local("column"), Val::Str(name.name.to_string()))];
                for (i, r) in taken.iter().enumerate() {
                    if let Some((_, v)) = r.iter().find(|(k, _)| *k == name) {
                        cols.push((Key::local(&format!("row {}", i + 1)), v.clone()));
                    }
                }
                Row::from_cols(cols)
            })
            .collect();
        Box::new(out.into_iter())
    }
}

//! `join`: rows joined with the rows of a sub-search over the same events.
//!
//! Each row is joined with the first sub-search row whose key columns have
//! the same values (SPL's default `max=1`), whose columns are copied onto it
//! (overwriting, as SPL's `overwrite=true`). Without keys, every row is
//! joined with the first sub-search row. `inner` drops rows without a
//! match; `left` keeps them unchanged.

use std::collections::HashMap;
use std::rc::Rc;

use super::{Lookups, Pipeline, Rows, RunCx};
use crate::eval::compile::Cx;
use crate::eval::filter::CFilter;
use crate::eval::row::{Field, Key, Row};
use crate::eval::value::Val;
use crate::ir::{FieldRef, JoinKind, List, SubQuery};

/// A compiled `join`.
#[derive(Debug)]
pub struct Join {
    kind: JoinKind,
    keys: Vec<Field>,
    filter: CFilter,
    pipeline: Pipeline,
}

fn key_of(row: &Row, keys: &[Field]) -> Option<Vec<String>> {
    keys.iter()
        .map(|f| row.get(f).and_then(|v| v.text().map(|t| t.into_owned())))
        .collect()
}

impl Join {
    pub(crate) fn new(
        kind: JoinKind,
        fields: &List<FieldRef>,
        query: &SubQuery,
        cx: &mut Cx,
        lookups: &Lookups,
    ) -> Join {
        Join {
            kind,
            keys: fields.iter().map(Field::new).collect(),
            filter: CFilter::new(&query.filter, cx),
            pipeline: Pipeline::new(&query.stages, cx, lookups),
        }
    }

    pub fn apply<'a>(&'a self, rows: Rows<'a>, cx: &RunCx) -> Rows<'a> {
        let events = cx.events.clone().unwrap_or_else(|| Rc::new(Vec::new()));
        let sub_rows: Rows<'_> = Box::new(
            events
                .iter()
                .map(|e| Row::from_event(e.clone()))
                .filter(|r| self.filter.matches(r))
                .collect::<Vec<_>>()
                .into_iter(),
        );
        let right: Vec<Row> = self.pipeline.run(sub_rows, cx).collect();
        let mut index: HashMap<Vec<String>, Vec<(Key, Val)>> = HashMap::new();
        for r in &right {
            if let Some(k) = key_of(r, &self.keys) {
                index.entry(k).or_insert_with(|| r.all_columns());
            }
        }
        Box::new(rows.filter_map(move |mut row| {
            let hit = key_of(&row, &self.keys).and_then(|k| index.get(&k));
            match hit {
                Some(cols) => {
                    for (k, v) in cols {
                        row.set(k, Some(v.clone()));
                    }
                    Some(row)
                }
                None if self.kind == JoinKind::Left => Some(row),
                None => None,
            }
        }))
    }
}

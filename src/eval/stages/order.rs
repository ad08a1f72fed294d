//! Row order: newest-first input, `sort` and `dedup`.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::Rows;
use crate::eval::row::{Field, Row};
use crate::eval::value::{Val, order};
use crate::ir::{FieldRef, List, SortKey};

/// Puts rows newest first by their event time (rows without one last),
/// keeping input order among equal times.
pub fn newest_first<'a>(rows: Rows<'a>) -> Rows<'a> {
    let ts = Field::timestamp();
    let mut keyed: Vec<(Option<f64>, Row)> = rows
        .map(|r| (r.get(&ts).and_then(|v| v.number()), r))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(x), Some(y)) => y.total_cmp(x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    Box::new(keyed.into_iter().map(|(_, r)| r))
}

/// Compares two optional values: missing values last whichever the
/// direction; multi-values by their first value.
pub fn compare_keys(a: Option<&Val>, b: Option<&Val>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => {
            let o = order(x.scalar(), y.scalar());
            if descending { o.reverse() } else { o }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// `sort`: a stable sort on the keys, every row kept unless a count is
/// given (`sort N`), in which case the first N.
#[derive(Debug)]
pub struct Sort {
    keys: Vec<(Field, bool)>,
    limit: usize,
}

impl Sort {
    pub fn new(keys: &List<SortKey>, limit: Option<u64>) -> Sort {
        Sort {
            keys: keys
                .iter()
                .map(|k| (Field::new(&k.field), k.descending))
                .collect(),
            limit: limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX)),
        }
    }

    pub fn apply<'a>(&'a self, rows: Rows<'a>) -> Rows<'a> {
        let mut keyed: Vec<(Vec<Option<Val>>, Row)> = rows
            .map(|r| (self.keys.iter().map(|(f, _)| r.get(f)).collect(), r))
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            for (i, (_, desc)) in self.keys.iter().enumerate() {
                let o = compare_keys(a[i].as_ref(), b[i].as_ref(), *desc);
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        keyed.truncate(self.limit);
        Box::new(keyed.into_iter().map(|(_, r)| r))
    }
}

/// `dedup f, ...`: the first row of each combination of values; rows
/// missing any of the fields are dropped (as SPL's default does).
#[derive(Debug)]
pub struct Dedup {
    fields: Vec<Field>,
}

impl Dedup {
    pub fn new(l: &List<FieldRef>) -> Dedup {
        Dedup {
            fields: l.iter().map(Field::new).collect(),
        }
    }

    pub fn apply<'a>(&'a self, rows: Rows<'a>) -> Rows<'a> {
        let mut seen: HashSet<Vec<String>> = HashSet::new();
        Box::new(rows.filter(move |r| {
            let mut key = Vec::with_capacity(self.fields.len());
            for f in &self.fields {
                match r.get(f).and_then(|v| v.text().map(|t| t.into_owned())) {
                    Some(t) => key.push(t),
                    None => return false,
                }
            }
            seen.insert(key)
        }))
    }
}

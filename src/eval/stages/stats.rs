//! `stats` and `eventstats`: aggregates per group of `by` values.
//!
//! A row joins the group of its `by` values; a row missing one of them is
//! left out (as in SPL); a multi-value `by` field puts the row in one group
//! per value. `stats` returns one row per group, sorted by the `by` values;
//! without `by` it returns one row (none if it would have no columns).
//! `eventstats` adds the aggregates to every row instead.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::aggregate::State;
use super::{Rows, RunCx};
use crate::eval::compile::Cx;
use crate::eval::expr::{CExpr, Env};
use crate::eval::row::{Field, Key, Row};
use crate::eval::value::{Val, order};
use crate::ir::{AggArg, AggFunc, Aggregate, FieldRef, List};
use crate::source::Span;

#[derive(Debug)]
enum Arg {
    Rows,
    Field(Field),
    Expr(CExpr),
}

#[derive(Debug)]
struct Agg {
    func: AggFunc,
    arg: Arg,
    name: Key,
}

/// A compiled `stats` / `eventstats`.
#[derive(Debug)]
pub struct Stats {
    event: bool,
    aggs: Vec<Agg>,
    by: Vec<Field>,
    /// The event time, read only when an aggregate needs it.
    time: Field,
    needs_time: bool,
    /// Where the stage was written (for the budget's error).
    span: Span,
}

/// A group's identity: its `by` values, ordered as `sort` orders them
/// (ties between different texts of one number broken by text).
#[derive(Clone, Debug)]
struct GroupKey(Vec<Val>);

impl Ord for GroupKey {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.0.iter().zip(&other.0) {
            let o = order(a.scalar(), b.scalar()).then_with(|| a.text().cmp(&b.text()));
            if o != Ordering::Equal {
                return o;
            }
        }
        self.0.len().cmp(&other.0.len())
    }
}

impl PartialOrd for GroupKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GroupKey {
    fn eq(&self, other: &Self) -> bool {
        // The order breaks ties by text, so equal keys are those with equal
        // texts (the cheaper test, made for every row's hash lookup).
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|(a, b)| a.text() == b.text())
    }
}

impl Eq for GroupKey {}

impl Hash for GroupKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Equal keys have equal texts (the order breaks ties by text).
        for v in &self.0 {
            v.text().hash(state);
        }
    }
}

impl Stats {
    pub(crate) fn new(
        event: bool,
        aggregates: &List<Aggregate>,
        by: &List<FieldRef>,
        cx: &mut Cx,
        span: Span,
    ) -> Stats {
        let aggs: Vec<Agg> = aggregates
            .iter()
            .map(|a| Agg {
                func: a.func,
                arg: match &a.arg {
                    None => Arg::Rows,
                    Some(AggArg::Field(f)) => Arg::Field(Field::new(f)),
                    Some(AggArg::Expr(e)) => Arg::Expr(CExpr::new(e, cx, span)),
                },
                name: match &a.alias {
                    Some(al) => Field::new(&al.name).key,
                    None => Key::local(&a.default_name()),
                },
            })
            .collect();
        let needs_time = aggs
            .iter()
            .any(|a: &Agg| matches!(a.func, AggFunc::Earliest | AggFunc::Latest));
        Stats {
            event,
            aggs,
            by: by.iter().map(Field::new).collect(),
            time: Field::timestamp(),
            needs_time,
            span,
        }
    }

    /// `eventstats` rather than `stats`.
    pub fn is_event(&self) -> bool {
        self.event
    }

    /// True if an aggregate depends on row order (`first`, `last`, `list`).
    pub fn order_sensitive(&self) -> bool {
        self.aggs
            .iter()
            .any(|a| matches!(a.func, AggFunc::First | AggFunc::Last | AggFunc::List))
    }

    /// The groups a row belongs to (none if a `by` field has no value).
    fn keys_of(&self, row: &Row) -> Vec<GroupKey> {
        let mut keys: Vec<Vec<Val>> = vec![Vec::with_capacity(self.by.len())];
        for f in &self.by {
            let Some(v) = row.get(f) else {
                return Vec::new();
            };
            if let Val::Multi(vals) = v {
                let mut next = Vec::with_capacity(keys.len() * vals.len());
                for k in &keys {
                    for x in &vals {
                        let mut k2 = k.clone();
                        k2.push(x.clone());
                        next.push(k2);
                    }
                }
                keys = next;
            } else {
                // The common case: one value, no copies of the key so far.
                for k in &mut keys {
                    k.push(v.clone());
                }
            }
        }
        keys.into_iter().map(GroupKey).collect()
    }

    fn feed(&self, states: &mut [State], row: &Row, now: f64) {
        let time = if self.needs_time {
            row.get(&self.time).and_then(|v| v.number())
        } else {
            None
        };
        for (agg, st) in self.aggs.iter().zip(states.iter_mut()) {
            match &agg.arg {
                Arg::Rows => st.count_row(),
                Arg::Field(f) => {
                    if let Some(v) = row.get(f) {
                        for x in v.values().iter().filter(|x| !x.is_null()) {
                            st.add(agg.func, x, time);
                        }
                    }
                }
                Arg::Expr(e) => {
                    let env = Env {
                        row,
                        now,
                        bound: None,
                    };
                    if agg.func == AggFunc::Count {
                        if e.holds(&env) {
                            st.count_row();
                        }
                        continue;
                    }
                    let v = e.eval(&env);
                    for x in v.values().iter().filter(|x| !x.is_null()) {
                        st.add(agg.func, x, time);
                    }
                }
            }
        }
    }

    fn new_states(&self) -> Vec<State> {
        self.aggs.iter().map(|a| State::new(a.func)).collect()
    }

    fn results(&self, states: &[State]) -> Vec<(Key, Val)> {
        self.aggs
            .iter()
            .zip(states)
            .filter_map(|(a, st)| {
                let v = st.result(a.func);
                (!v.is_null()).then(|| (a.name.clone(), v))
            })
            .collect()
    }

    /// The groups, in `by` order. Rows are hashed into groups as they come
    /// (a hash lookup per row), and sorted once at the end. None, with an
    /// error in the budget, if there would be more than it allows.
    fn groups(
        &self,
        rows: impl Iterator<Item = Row>,
        cx: &RunCx,
    ) -> Option<Vec<(GroupKey, Vec<State>)>> {
        let max = cx.budget.max_groups;
        let mut groups: HashMap<GroupKey, Vec<State>> = HashMap::new();
        for row in rows {
            for key in self.keys_of(&row) {
                if groups.len() >= max && !groups.contains_key(&key) {
                    self.over_budget(cx, max);
                    return None;
                }
                let states = groups.entry(key).or_insert_with(|| self.new_states());
                self.feed(states, &row, cx.now);
            }
        }
        let mut out: Vec<(GroupKey, Vec<State>)> = groups.into_iter().collect();
        out.sort_by(|(a, _), (b, _)| a.cmp(b));
        Some(out)
    }

    fn over_budget(&self, cx: &RunCx, max: usize) {
        let name = if self.event { "eventstats" } else { "stats" };
        cx.budget.errors.borrow_mut().push(
            crate::diagnostic::Diagnostic::error(
                crate::diagnostic::codes::EVAL,
                format!(
                    "`{name}` would hold more than {max} groups, the evaluator's budget; it returned no rows"
                ),
            )
            .with_label(self.span, "this stage")
            .with_help("raise the budget with --max-groups N, or group by fewer distinct values"),
        );
    }

    pub fn apply<'a>(&'a self, rows: Rows<'a>, cx: &RunCx) -> Rows<'a> {
        if self.event {
            return self.apply_event(rows, cx);
        }
        let Some(mut groups) = self.groups(rows, cx) else {
            return Box::new(std::iter::empty());
        };
        if self.by.is_empty() && groups.is_empty() {
            groups.push((GroupKey(Vec::new()), self.new_states()));
        }
        let out: Vec<Row> = groups
            .into_iter()
            .filter_map(|(key, states)| {
                let mut cols: Vec<(Key, Val)> = self
                    .by
                    .iter()
                    .zip(key.0)
                    .map(|(f, v)| (f.key.clone(), v))
                    .collect();
                cols.extend(self.results(&states));
                (!cols.is_empty()).then(|| Row::from_cols(cols))
            })
            .collect();
        Box::new(out.into_iter())
    }

    fn apply_event<'a>(&'a self, rows: Rows<'a>, cx: &RunCx) -> Rows<'a> {
        let rows: Vec<Row> = rows.collect();
        let Some(groups) = self.groups(rows.iter().cloned(), cx) else {
            return Box::new(std::iter::empty());
        };
        let results: HashMap<GroupKey, Vec<(Key, Val)>> = groups
            .into_iter()
            .map(|(k, states)| {
                let r = self.results(&states);
                (k, r)
            })
            .collect();
        Box::new(rows.into_iter().map(move |mut r| {
            // A row in several groups (multi-value `by`) takes its first.
            if let Some(key) = self.keys_of(&r).into_iter().next()
                && let Some(cols) = results.get(&key)
            {
                for (k, v) in cols {
                    r.set(k, Some(v.clone()));
                }
            }
            r
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_keys_merge_equal_texts_only() {
        let a = GroupKey(vec![Val::str("1")]);
        let b = GroupKey(vec![Val::Int(1)]);
        let c = GroupKey(vec![Val::str("1.0")]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(GroupKey(vec![Val::Int(9)]) < GroupKey(vec![Val::Int(10)]));
    }
}

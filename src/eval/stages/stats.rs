//! `stats` and `eventstats`: aggregates per group of `by` values.
//!
//! A row joins the group of its `by` values; a row missing one of them is
//! left out (as in SPL); a multi-value `by` field puts the row in one group
//! per value. `stats` returns one row per group, sorted by the `by` values;
//! without `by` it returns one row (none if it would have no columns).
//! `eventstats` adds the aggregates to every row instead.

use std::cmp::Ordering;
use std::collections::BTreeMap;

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
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GroupKey {}

/// The running state of one aggregate in one group.
#[derive(Debug, Default)]
struct State {
    count: u64,
    sum: f64,
    all_int: bool,
    int_sum: Option<i64>,
    nums: Vec<f64>,
    distinct: BTreeMap<String, Val>,
    list: Vec<Val>,
    num_min: Option<f64>,
    num_max: Option<f64>,
    text_min: Option<String>,
    text_max: Option<String>,
    timed: Option<(f64, Val)>,
    first: Option<Val>,
    last: Option<Val>,
    // Welford's running mean and squared deviations, for stdev.
    mean: f64,
    m2: f64,
}

impl Stats {
    pub(crate) fn new(
        event: bool,
        aggregates: &List<Aggregate>,
        by: &List<FieldRef>,
        cx: &mut Cx,
        span: Span,
    ) -> Stats {
        let aggs = aggregates
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
        Stats {
            event,
            aggs,
            by: by.iter().map(Field::new).collect(),
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
        let mut keys = vec![Vec::new()];
        for f in &self.by {
            let Some(v) = row.get(f) else {
                return Vec::new();
            };
            let vals = v.values();
            let mut next = Vec::with_capacity(keys.len() * vals.len());
            for k in &keys {
                for x in vals {
                    let mut k2: Vec<Val> = k.clone();
                    k2.push(x.clone());
                    next.push(k2);
                }
            }
            keys = next;
        }
        keys.into_iter().map(GroupKey).collect()
    }

    fn feed(&self, states: &mut [State], row: &Row, now: f64) {
        let time = row.get(&Field::timestamp()).and_then(|v| v.number());
        for (agg, st) in self.aggs.iter().zip(states.iter_mut()) {
            let vals: Vec<Val> = match &agg.arg {
                Arg::Rows => {
                    st.count += 1;
                    continue;
                }
                Arg::Field(f) => row.get(f).map(|v| v.values().to_vec()).unwrap_or_default(),
                Arg::Expr(e) => {
                    let env = Env {
                        row,
                        now,
                        bound: None,
                    };
                    if agg.func == AggFunc::Count {
                        if e.holds(&env) {
                            st.count += 1;
                        }
                        continue;
                    }
                    e.eval(&env).values().to_vec()
                }
            };
            for v in vals.into_iter().filter(|v| !v.is_null()) {
                st.add(agg.func, v, time);
            }
        }
    }

    fn new_states(&self) -> Vec<State> {
        self.aggs
            .iter()
            .map(|_| State {
                all_int: true,
                int_sum: Some(0),
                ..State::default()
            })
            .collect()
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

    fn groups(&self, rows: impl Iterator<Item = Row>, now: f64) -> BTreeMap<GroupKey, Vec<State>> {
        let mut groups: BTreeMap<GroupKey, Vec<State>> = BTreeMap::new();
        for row in rows {
            for key in self.keys_of(&row) {
                let states = groups.entry(key).or_insert_with(|| self.new_states());
                self.feed(states, &row, now);
            }
        }
        groups
    }

    pub fn apply<'a>(&'a self, rows: Rows<'a>, cx: &RunCx) -> Rows<'a> {
        if self.event {
            return self.apply_event(rows, cx);
        }
        let mut groups = self.groups(rows, cx.now);
        if self.by.is_empty() && groups.is_empty() {
            groups.insert(GroupKey(Vec::new()), self.new_states());
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
        let groups = self.groups(rows.iter().cloned(), cx.now);
        let results: BTreeMap<GroupKey, Vec<(Key, Val)>> = groups
            .into_iter()
            .map(|(k, states)| (k, self.results(&states)))
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

impl State {
    fn add(&mut self, func: AggFunc, v: Val, time: Option<f64>) {
        match func {
            AggFunc::Count => self.count += 1,
            AggFunc::Dc | AggFunc::Values => {
                if let Some(t) = v.text() {
                    self.distinct.entry(t.into_owned()).or_insert(v);
                }
            }
            AggFunc::List => self.list.push(v),
            AggFunc::Min | AggFunc::Max => match v.number() {
                Some(n) => {
                    self.num_min = Some(self.num_min.map_or(n, |m| m.min(n)));
                    self.num_max = Some(self.num_max.map_or(n, |m| m.max(n)));
                }
                None => {
                    let t = v.text().map(|t| t.into_owned()).unwrap_or_default();
                    if self.text_min.as_ref().is_none_or(|m| t < *m) {
                        self.text_min = Some(t.clone());
                    }
                    if self.text_max.as_ref().is_none_or(|m| t > *m) {
                        self.text_max = Some(t);
                    }
                }
            },
            AggFunc::Avg | AggFunc::Sum | AggFunc::Stdev => {
                if let Some(n) = v.number() {
                    self.count += 1;
                    self.sum += n;
                    match (&v, self.int_sum) {
                        (Val::Int(i), Some(s)) => self.int_sum = s.checked_add(*i),
                        _ => self.all_int = false,
                    }
                    let delta = n - self.mean;
                    self.mean += delta / self.count as f64;
                    self.m2 += delta * (n - self.mean);
                }
            }
            AggFunc::Median | AggFunc::Perc(_) => {
                if let Some(n) = v.number() {
                    self.nums.push(n);
                }
            }
            AggFunc::Earliest | AggFunc::Latest => {
                if let Some(t) = time {
                    let better = match &self.timed {
                        None => true,
                        Some((best, _)) if func == AggFunc::Earliest => t < *best,
                        Some((best, _)) => t > *best,
                    };
                    if better {
                        self.timed = Some((t, v));
                    }
                }
            }
            AggFunc::First => {
                if self.first.is_none() {
                    self.first = Some(v);
                }
            }
            AggFunc::Last => self.last = Some(v),
        }
    }

    fn result(&self, func: AggFunc) -> Val {
        match func {
            AggFunc::Count => Val::Int(self.count as i64),
            AggFunc::Dc => Val::Int(self.distinct.len() as i64),
            AggFunc::Values => Val::from_values(self.distinct.values().cloned().collect()),
            AggFunc::List => Val::from_values(self.list.clone()),
            AggFunc::Min => match (self.num_min, &self.text_min) {
                (Some(n), _) => Val::num(n),
                (None, Some(t)) => Val::Str(t.clone()),
                _ => Val::Null,
            },
            AggFunc::Max => match (self.num_max, &self.text_max) {
                (Some(n), _) => Val::num(n),
                (None, Some(t)) => Val::Str(t.clone()),
                _ => Val::Null,
            },
            AggFunc::Sum if self.count > 0 => match (self.all_int, self.int_sum) {
                (true, Some(s)) => Val::Int(s),
                _ => Val::num(self.sum),
            },
            AggFunc::Avg if self.count > 0 => Val::num(self.sum / self.count as f64),
            AggFunc::Stdev if self.count > 0 => {
                if self.count == 1 {
                    Val::Int(0)
                } else {
                    Val::num((self.m2 / (self.count - 1) as f64).sqrt())
                }
            }
            AggFunc::Median => percentile(&self.nums, 50.0),
            AggFunc::Perc(p) => percentile(&self.nums, f64::from(p)),
            AggFunc::Earliest | AggFunc::Latest => {
                self.timed.as_ref().map_or(Val::Null, |(_, v)| v.clone())
            }
            AggFunc::First => self.first.clone().unwrap_or(Val::Null),
            AggFunc::Last => self.last.clone().unwrap_or(Val::Null),
            AggFunc::Sum | AggFunc::Avg | AggFunc::Stdev => Val::Null,
        }
    }
}

/// The p-th percentile by linear interpolation between the closest ranks.
fn percentile(nums: &[f64], p: f64) -> Val {
    if nums.is_empty() {
        return Val::Null;
    }
    let mut v = nums.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = p / 100.0 * (v.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    let frac = rank - lo as f64;
    Val::num(v[lo] + (v[hi] - v[lo]) * frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate() {
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), Val::Float(2.5));
        assert_eq!(percentile(&[5.0, 1.0, 3.0], 50.0), Val::Int(3));
        assert_eq!(percentile(&[1.0, 2.0], 100.0), Val::Int(2));
        assert_eq!(percentile(&[], 50.0), Val::Null);
    }

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

//! The running state of one aggregate function in one group, and its
//! result (docs/semantics.md, S20).

use std::collections::{BTreeMap, BTreeSet};

use crate::eval::value::Val;
use crate::ir::AggFunc;

/// What an aggregate keeps while rows arrive: only what its function needs.
#[derive(Debug)]
pub enum State {
    /// `count`: rows or values.
    Count(u64),
    /// `dc`: distinct texts.
    Distinct(BTreeSet<Box<str>>),
    /// `values`: distinct values by text (sorted by text).
    Values(BTreeMap<Box<str>, Val>),
    /// `list`: every value.
    List(Vec<Val>),
    /// `min` / `max`: numeric and text extremes.
    Extremes {
        /// Smallest number.
        num_min: Option<f64>,
        /// Largest number.
        num_max: Option<f64>,
        /// Smallest text.
        text_min: Option<String>,
        /// Largest text.
        text_max: Option<String>,
    },
    /// `avg`, `sum`, `stdev`: running sums (Welford's mean and squared
    /// deviations for `stdev`).
    Sums {
        /// Numeric values seen.
        count: u64,
        /// Their sum.
        sum: f64,
        /// Their sum while every value is an integer and it fits.
        int_sum: Option<i64>,
        /// Running mean.
        mean: f64,
        /// Sum of squared deviations.
        m2: f64,
    },
    /// `median`, `percN`: every numeric value.
    Numbers(Vec<f64>),
    /// `earliest` / `latest`: the best (time, value).
    Timed(Option<(f64, Val)>),
    /// `first` / `last`.
    One(Option<Val>),
}

impl State {
    /// The empty state for a function.
    pub fn new(func: AggFunc) -> State {
        match func {
            AggFunc::Count => State::Count(0),
            AggFunc::Dc => State::Distinct(BTreeSet::new()),
            AggFunc::Values => State::Values(BTreeMap::new()),
            AggFunc::List => State::List(Vec::new()),
            AggFunc::Min | AggFunc::Max => State::Extremes {
                num_min: None,
                num_max: None,
                text_min: None,
                text_max: None,
            },
            AggFunc::Avg | AggFunc::Sum | AggFunc::Stdev => State::Sums {
                count: 0,
                sum: 0.0,
                int_sum: Some(0),
                mean: 0.0,
                m2: 0.0,
            },
            AggFunc::Median | AggFunc::Perc(_) => State::Numbers(Vec::new()),
            AggFunc::Earliest | AggFunc::Latest => State::Timed(None),
            AggFunc::First | AggFunc::Last => State::One(None),
        }
    }

    /// Counts one row (`count` without an argument, `count(condition)`).
    pub fn count_row(&mut self) {
        if let State::Count(n) = self {
            *n += 1;
        }
    }

    /// Adds one (non-null) value; `time` is its row's time.
    pub fn add(&mut self, func: AggFunc, v: &Val, time: Option<f64>) {
        match self {
            State::Count(n) => *n += 1,
            State::Distinct(set) => {
                if let Some(t) = v.text()
                    && !set.contains(t.as_ref())
                {
                    set.insert(t.into());
                }
            }
            State::Values(map) => {
                if let Some(t) = v.text()
                    && !map.contains_key(t.as_ref())
                {
                    map.insert(t.into(), v.clone());
                }
            }
            State::List(items) => items.push(v.clone()),
            State::Extremes {
                num_min,
                num_max,
                text_min,
                text_max,
            } => match v.number() {
                Some(n) => {
                    *num_min = Some(num_min.map_or(n, |m| m.min(n)));
                    *num_max = Some(num_max.map_or(n, |m| m.max(n)));
                }
                None => {
                    let t = v.text().unwrap_or_default();
                    if text_min.as_deref().is_none_or(|m| *t < *m) {
                        *text_min = Some(t.to_string());
                    }
                    if text_max.as_deref().is_none_or(|m| *t > *m) {
                        *text_max = Some(t.into_owned());
                    }
                }
            },
            State::Sums {
                count,
                sum,
                int_sum,
                mean,
                m2,
            } => {
                if let Some(n) = v.number() {
                    *count += 1;
                    *sum += n;
                    *int_sum = match (v.first(), *int_sum) {
                        (Val::Int(i), Some(s)) => s.checked_add(*i),
                        _ => None,
                    };
                    let delta = n - *mean;
                    *mean += delta / *count as f64;
                    *m2 += delta * (n - *mean);
                }
            }
            State::Numbers(nums) => {
                if let Some(n) = v.number() {
                    nums.push(n);
                }
            }
            State::Timed(best) => {
                if let Some(t) = time {
                    let better = match best {
                        None => true,
                        Some((b, _)) if func == AggFunc::Earliest => t < *b,
                        Some((b, _)) => t > *b,
                    };
                    if better {
                        *best = Some((t, v.clone()));
                    }
                }
            }
            State::One(slot) => {
                if func == AggFunc::Last || slot.is_none() {
                    *slot = Some(v.clone());
                }
            }
        }
    }

    /// The aggregate's value (null when it has none).
    pub fn result(&self, func: AggFunc) -> Val {
        match self {
            State::Count(n) => Val::Int(*n as i64),
            State::Distinct(set) => Val::Int(set.len() as i64),
            State::Values(map) => Val::from_values(map.values().cloned().collect()),
            State::List(items) => Val::from_values(items.clone()),
            State::Extremes {
                num_min,
                num_max,
                text_min,
                text_max,
            } => {
                let (num, text) = if func == AggFunc::Min {
                    (num_min, text_min)
                } else {
                    (num_max, text_max)
                };
                match (num, text) {
                    (Some(n), _) => Val::num(*n),
                    (None, Some(t)) => Val::Str(t.clone()),
                    _ => Val::Null,
                }
            }
            State::Sums { count: 0, .. } => Val::Null,
            State::Sums {
                count,
                sum,
                int_sum,
                m2,
                ..
            } => match func {
                AggFunc::Sum => int_sum.map_or_else(|| Val::num(*sum), Val::Int),
                AggFunc::Avg => Val::num(*sum / *count as f64),
                _ if *count == 1 => Val::Int(0),
                _ => Val::num((*m2 / (*count - 1) as f64).sqrt()),
            },
            State::Numbers(nums) => match func {
                AggFunc::Perc(p) => percentile(nums, f64::from(p)),
                _ => percentile(nums, 50.0),
            },
            State::Timed(best) => best.as_ref().map_or(Val::Null, |(_, v)| v.clone()),
            State::One(slot) => slot.clone().unwrap_or(Val::Null),
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
    fn sums_stay_integers_until_a_decimal() {
        let mut s = State::new(AggFunc::Sum);
        s.add(AggFunc::Sum, &Val::Int(2), None);
        s.add(AggFunc::Sum, &Val::str("3"), None);
        assert_eq!(s.result(AggFunc::Sum), Val::Int(5));
        let mut s = State::new(AggFunc::Sum);
        s.add(AggFunc::Sum, &Val::Int(2), None);
        s.add(AggFunc::Sum, &Val::Int(3), None);
        assert_eq!(s.result(AggFunc::Sum), Val::Int(5));
        s.add(AggFunc::Sum, &Val::Float(0.5), None);
        assert_eq!(s.result(AggFunc::Sum), Val::Float(5.5));
        let mut d = State::new(AggFunc::Stdev);
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            d.add(AggFunc::Stdev, &Val::num(x), None);
        }
        let sd = d.result(AggFunc::Stdev).number().unwrap_or(0.0);
        assert!((sd - 2.138).abs() < 1e-3, "{sd}");
    }
}

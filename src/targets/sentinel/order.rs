//! Stages whose result depends on row order (S18): `head`, `dedup`, and
//! `mv-expand`, which keeps the order it expands in.
//!
//! SPL's rows always have an order; Kusto's only after `sort`, and the
//! operators that keep a sorted order do not include `summarize`, `join` or
//! `lookup`. The printer tracks the order SPL would give ([`Order`]): rows
//! sorted by columns they still carry can be put back in that order, or
//! their first row picked with `arg_min`, after any operator. `mv-expand`
//! numbers the values it expands (`with_itemindex`), so that the expanded
//! rows keep a key: their row's keys, then the value's index.

use super::quote::ident;
use super::schema::Ty;
use super::{Order, Printer};
use crate::ir::{FieldRef, List};

impl Printer<'_> {
    /// The order as sort keys (column, descending), if the rows carry them.
    pub(super) fn sort_keys(&self) -> Option<Vec<(String, bool)>> {
        let keys = match &self.order {
            Order::Events => vec![(self.time(), true)],
            Order::Sorted(k) | Order::Keyed(k) => k.clone(),
            Order::Grouped(k) => k.iter().map(|k| (k.clone(), false)).collect(),
            Order::Unknown => return None,
        };
        keys.iter().all(|(k, _)| self.key_exists(k)).then_some(keys)
    }

    /// A sort key is a column, a path into a dynamic one, or `tostring()`
    /// of either.
    fn key_exists(&self, k: &str) -> bool {
        let col = k
            .strip_prefix("tostring(")
            .and_then(|x| x.strip_suffix(')'))
            .unwrap_or(k);
        self.exists(col) || (!col.starts_with("['") && col.contains(['.', '[']))
    }

    pub(super) fn time(&self) -> String {
        ident(self.schema.mapped("timestamp").unwrap_or("TimeGenerated"))
    }

    /// After an operator that keeps every column but not the row order
    /// (`lookup`, `join`, `eventstats`): the order is still given by the
    /// columns, not by the rows' places.
    pub(super) fn unordered(&mut self) {
        self.order = match self.sort_keys() {
            Some(k) if !k.is_empty() => Order::Keyed(k),
            _ => Order::Unknown,
        };
    }

    pub(super) fn mv_expand(&mut self, field: &FieldRef) -> Vec<String> {
        let Some(c) = self.col(field) else {
            return Vec::new();
        };
        let name = self.target_name(field);
        let col = self.set_made(field, &name, Ty::Dyn);
        let expand = if c.nested {
            format!("{col} = {}", c.text)
        } else {
            col.clone()
        };
        // The expanded column cannot order the rows it replaces.
        let keys = self
            .sort_keys()
            .filter(|k| k.iter().all(|(k, _)| *k != col));
        let Some(mut keys) = keys else {
            self.order = Order::Unknown;
            return vec![format!("mv-expand {expand}")];
        };
        // Each value's index: the rows of one event stay in value order.
        self.temp_n += 1;
        let index = format!("__x{}", self.temp_n);
        keys.push((index.clone(), false));
        self.order = Order::Keyed(keys);
        self.hidden.push(index.clone());
        if let Some(k) = &mut self.known {
            k.insert(index.clone());
        }
        vec![format!("mv-expand with_itemindex={index} {expand}")]
    }

    pub(super) fn head(&mut self, n: u64) -> Vec<String> {
        if let (Order::Events, true) = (&self.order, self.exists(&self.time())) {
            return vec![format!("top {n} by {} desc", self.time())];
        }
        if let Order::Sorted(k) = &self.order
            && k.iter().all(|(k, _)| self.key_exists(k))
        {
            return vec![format!("take {n}")];
        }
        let Some(keys) = self.sort_keys() else {
            self.order_error("head");
            return Vec::new();
        };
        let by: Vec<String> = keys
            .iter()
            .map(|(k, desc)| format!("{k} {} nulls last", if *desc { "desc" } else { "asc" }))
            .collect();
        self.order = Order::Sorted(keys);
        vec![format!("sort by {}", by.join(", ")), format!("take {n}")]
    }

    fn order_error(&mut self, what: &str) {
        self.error(
            self.at,
            format!(
                "`{what}` keeps the first rows, and Kusto gives these rows no order (after `join`, `lookup`, `mv-expand` or `eventstats` of rows without one, or a stage that dropped the columns they were sorted by)"
            ),
            "depends on row order",
            Some("sort the rows first"),
        );
    }

    /// `dedup`: the first row of each group (S23), where the order says
    /// which row is first: the newest event, or the one with the least
    /// sort keys, numbered with `row_number()` after a `sort` when there
    /// are several keys.
    pub(super) fn dedup(&mut self, fields: &List<FieldRef>) -> Vec<String> {
        let Some(keys) = self.sort_keys().filter(|k| !k.is_empty()) else {
            self.order_error("dedup");
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut temp = None;
        let pick = match keys.as_slice() {
            [(k, desc)] => format!("{}({k}, *)", if *desc { "arg_max" } else { "arg_min" }),
            _ => {
                let by: Vec<String> = keys
                    .iter()
                    .map(|(k, d)| format!("{k} {} nulls last", if *d { "desc" } else { "asc" }))
                    .collect();
                self.temp_n += 1;
                let n = format!("__n{}", self.temp_n);
                if !matches!(self.order, Order::Sorted(_)) {
                    out.push(format!("sort by {}", by.join(", ")));
                }
                out.push(format!("extend {n} = row_number()"));
                let pick = format!("arg_min({n}, *)");
                temp = Some(n);
                pick
            }
        };
        let (items, tests) = self.by_columns(fields);
        out.push(format!("where {}", tests.join(" and ")));
        out.push(format!("summarize {pick} by {}", items.join(", ")));
        out.extend(temp.map(|n| format!("project-away {n}")));
        // The rows kept stay in their order, which their keys still give.
        self.order = Order::Keyed(keys);
        out
    }

    /// The `project-away` of the value indexes `mv-expand` added, at the
    /// end of the query (or of a sub-search), when no stage dropped them.
    pub(super) fn drop_hidden(&mut self) -> Option<String> {
        let hidden = std::mem::take(&mut self.hidden);
        let left: Vec<String> = hidden.into_iter().filter(|h| self.exists(h)).collect();
        if let Some(k) = &mut self.known {
            for h in &left {
                k.remove(h);
            }
        }
        (!left.is_empty()).then(|| format!("project-away {}", left.join(", ")))
    }
}

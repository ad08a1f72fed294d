//! `stats` and `eventstats` as `summarize`, and their aggregates.

use std::collections::BTreeSet;

use super::schema::{Col, Ty};
use super::{Order, Printer, as_string, present};
use crate::ir::{AggArg, AggFunc, Aggregate, FieldRef, List};

impl Printer<'_> {
    /// The by columns of a `summarize`, with the test that leaves out rows
    /// missing one (S20). Returns (by clause items, presence tests).
    pub(super) fn by_columns(&mut self, by: &List<FieldRef>) -> (Vec<String>, Vec<String>) {
        let mut items = Vec::new();
        let mut tests = Vec::new();
        for f in by.iter() {
            let Some(c) = self.col(f) else { continue };
            tests.push(present(&c));
            if c.nested || c.ty == Ty::Dyn {
                // Kusto groups by scalars only: a dynamic value by its text.
                let key = if c.nested {
                    f.path.render("")
                } else {
                    self.target_name(f)
                };
                let col = self.set_made(f, &key, Ty::Str);
                items.push(format!("{col} = {}", as_string(&c)));
            } else {
                items.push(c.text.clone());
            }
        }
        (items, tests)
    }

    pub(super) fn stats(
        &mut self,
        aggregates: &List<Aggregate>,
        by: &List<FieldRef>,
    ) -> Vec<String> {
        let (items, tests) = self.by_columns(by);
        let aggs = self.aggregates(aggregates);
        // Vigil's column order (S20): the by fields, then the aggregates.
        let names: Vec<String> = by
            .iter()
            .map(|f| f.path.render(""))
            .chain(aggregates.iter().map(|a| {
                a.alias
                    .as_ref()
                    .map_or_else(|| a.default_name(), |al| al.name.path.render(""))
            }))
            .collect();
        let texts: Vec<String> = items_to_keys(&items)
            .into_iter()
            .chain(aggs.iter().map(|a| a.col.clone()))
            .collect();
        self.cols_order =
            (names.len() == texts.len()).then(|| names.into_iter().zip(texts).collect());
        let mut known: BTreeSet<String> = BTreeSet::new();
        for f in by.iter() {
            if let Some(c) = self.col(f) {
                known.insert(c.text);
            }
        }
        for a in &aggs {
            known.insert(a.col.clone());
        }
        let mut out = Vec::new();
        if !tests.is_empty() {
            out.push(format!("where {}", tests.join(" and ")));
        }
        let list: Vec<String> = aggs.iter().map(Agg::assignment).collect();
        let mut line = "summarize".to_string();
        if !list.is_empty() {
            line.push_str(&format!(" {}", list.join(", ")));
        }
        if !items.is_empty() {
            line.push_str(&format!(" by {}", items.join(", ")));
        }
        out.push(line);
        out.extend(times_away(&aggs));
        self.known = Some(known);
        self.order = if items.is_empty() {
            Order::Sorted(Vec::new())
        } else {
            Order::Grouped(items_to_keys(&items))
        };
        out
    }

    /// `eventstats`: the aggregates of each row's group, joined back onto
    /// the rows with `lookup` (rows missing a by value get none, S21).
    pub(super) fn eventstats(
        &mut self,
        aggregates: &List<Aggregate>,
        by: &List<FieldRef>,
    ) -> Vec<String> {
        self.bound += 1;
        let rows = format!("__rows{}", self.bound);
        let mut out = Vec::new();
        let (items, tests) = self.by_columns(by);
        let aggs = self.aggregates(aggregates);
        let mut list: Vec<String> = vec![
            aggs.iter()
                .map(Agg::assignment)
                .collect::<Vec<_>>()
                .join(", "),
        ];
        list.extend(times_away(&aggs));
        let keys: Vec<String> = items_to_keys(&items);
        // Nested by values become columns first, so that lookup can match.
        let computed: Vec<&String> = items.iter().filter(|i| i.contains(" = ")).collect();
        if !computed.is_empty() {
            out.push(format!(
                "extend {}",
                computed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if keys.is_empty() {
            out.push("extend __all = 1".into());
            out.push(format!("as {rows}"));
            out.push(format!(
                "lookup kind=leftouter ({rows} | summarize {} | extend __all = 1) on __all",
                list.join(" | ")
            ));
            out.push("project-away __all".into());
        } else {
            out.push(format!("as {rows}"));
            out.push(format!(
                "lookup kind=leftouter ({rows} | where {} | summarize {} by {}{}) on {}",
                tests.join(" and "),
                list[0],
                keys.join(", "),
                list[1..]
                    .iter()
                    .map(|l| format!(" | {l}"))
                    .collect::<String>(),
                keys.join(", ")
            ));
        }
        if let Some(k) = &mut self.known {
            k.extend(aggs.iter().map(|a| a.col.clone()));
        }
        self.unordered();
        out
    }

    /// Each aggregate as Kusto writes it; records the columns.
    fn aggregates(&mut self, aggregates: &List<Aggregate>) -> Vec<Agg> {
        let mut out = Vec::new();
        for a in aggregates.iter() {
            let (arg, col): (Option<String>, Option<Col>) = match &a.arg {
                None => (None, None),
                Some(AggArg::Field(f)) => match self.col(f) {
                    Some(c) => (Some(c.text.clone()), Some(c)),
                    None => continue,
                },
                Some(AggArg::Expr(e)) => (Some(self.expr(e)), None),
            };
            // An array is kept whole: `make_set` adds its elements, as
            // `values` and `dc` count every value of a multi-value (S20).
            let value = |c: &Option<Col>, arg: &str| match c {
                Some(c) if c.ty == Ty::Dyn && !c.array => as_string(c),
                _ => arg.to_string(),
            };
            let array = col.as_ref().is_some_and(|c| c.array);
            let num = |c: &Option<Col>, arg: &str| match c {
                Some(c) if c.ty == Ty::Num => arg.to_string(),
                _ => format!("todouble({arg})"),
            };
            let a_text = arg.clone().unwrap_or_default();
            let pres = col.as_ref().map(present);
            let mut time = None;
            let (text, ty) = match (a.func, &a.arg) {
                (AggFunc::Count, None) => ("count()".to_string(), Ty::Num),
                (AggFunc::Count, Some(AggArg::Expr(_))) => (format!("countif({a_text})"), Ty::Num),
                (AggFunc::Count, _) => (
                    format!("countif({})", pres.clone().unwrap_or_default()),
                    Ty::Num,
                ),
                (AggFunc::Dc, _) if array => (
                    format!(
                        "array_length(make_set_if({a_text}, {}))",
                        pres.clone().unwrap_or_default()
                    ),
                    Ty::Num,
                ),
                (AggFunc::Dc, _) => match &pres {
                    Some(p) => (
                        format!("count_distinctif({}, {p})", value(&col, &a_text)),
                        Ty::Num,
                    ),
                    None => (format!("count_distinct({a_text})"), Ty::Num),
                },
                (AggFunc::Values, _) => match &pres {
                    Some(p) => (
                        format!("array_sort_asc(make_set_if({}, {p}))", value(&col, &a_text)),
                        Ty::Dyn,
                    ),
                    None => (format!("array_sort_asc(make_set({a_text}))"), Ty::Dyn),
                },
                (AggFunc::Min | AggFunc::Max, _) => {
                    let f = if a.func == AggFunc::Min { "min" } else { "max" };
                    match &col {
                        Some(c) if matches!(c.ty, Ty::Time | Ty::Num) => {
                            (format!("{f}({a_text})"), c.ty)
                        }
                        _ => (format!("{f}({})", num(&col, &a_text)), Ty::Num),
                    }
                }
                (AggFunc::Avg, _) => (format!("avg({})", num(&col, &a_text)), Ty::Num),
                (AggFunc::Sum, _) => (format!("sum({})", num(&col, &a_text)), Ty::Num),
                (AggFunc::Stdev, _) => (format!("stdev({})", num(&col, &a_text)), Ty::Num),
                (AggFunc::Earliest | AggFunc::Latest, Some(_)) if !array => {
                    let present = pres
                        .clone()
                        .unwrap_or_else(|| format!("isnotempty(tostring({a_text}))"));
                    let Some((text, t)) = self.timed(a.func, &a_text, &present) else {
                        self.error(
                            self.at,
                            format!(
                                "`{}` needs the events' time, which an earlier stage dropped or replaced",
                                a.func.name()
                            ),
                            "aggregate",
                            None,
                        );
                        continue;
                    };
                    time = Some(t);
                    (text, col.as_ref().map_or(Ty::Dyn, |c| c.ty))
                }
                (AggFunc::Earliest | AggFunc::Latest, _) => {
                    self.error(
                        self.at,
                        format!(
                            "Kusto cannot express `{}` of a multi-value field (Vigil takes the first value of the row; arg_min/arg_max return the whole array)",
                            a.func.name()
                        ),
                        "aggregate",
                        None,
                    );
                    continue;
                }
                (f, _) => {
                    self.error(
                        self.at,
                        format!("the Sentinel printer does not write `{}`", f.name()),
                        "aggregate",
                        None,
                    );
                    continue;
                }
            };
            let name = match &a.alias {
                Some(al) => self.target_name(&al.name),
                None => a.default_name(),
            };
            let field = match &a.alias {
                Some(al) => al.name.clone(),
                None => FieldRef::local(&name),
            };
            let col = self.set_made(&field, &name, ty);
            if a.func == AggFunc::Values {
                self.set_array(&field, true);
            }
            out.push(Agg { col, text, time });
        }
        out
    }

    /// `earliest(x)` / `latest(x)`: the value of the row with the least or
    /// greatest time among the rows where `x` has one (S20): `arg_min` /
    /// `arg_max` of the time where `x` is present (the function skips rows
    /// whose time expression is null). Returns (aggregation, time column).
    fn timed(&mut self, func: AggFunc, value: &str, present: &str) -> Option<(String, String)> {
        let t = match self.made.get("timestamp") {
            Some(t) => t.clone(),
            None if self.exists(&self.time()) => self.col(&FieldRef::event("timestamp"))?,
            None => return None,
        };
        if t.ty != Ty::Time {
            return None;
        }
        self.temp_n += 1;
        let f = if func == AggFunc::Earliest {
            "arg_min"
        } else {
            "arg_max"
        };
        Some((
            format!("{f}(iff({present}, {}, datetime(null)), {value})", t.text),
            format!("__t{}", self.temp_n),
        ))
    }
}

/// One aggregate of a `summarize`.
struct Agg {
    /// The column it makes.
    col: String,
    /// The aggregation.
    text: String,
    /// For `arg_min`/`arg_max`: the extra column holding the time, removed
    /// after the `summarize`.
    time: Option<String>,
}

impl Agg {
    fn assignment(&self) -> String {
        match &self.time {
            Some(t) => format!("({t}, {}) = {}", self.col, self.text),
            None => format!("{} = {}", self.col, self.text),
        }
    }
}

/// The `project-away` of the time columns of `earliest`/`latest`.
fn times_away(aggs: &[Agg]) -> Option<String> {
    let t: Vec<&str> = aggs.iter().filter_map(|a| a.time.as_deref()).collect();
    (!t.is_empty()).then(|| format!("project-away {}", t.join(", ")))
}

/// The key names of `by` items (`name = expr` → `name`).
pub(super) fn items_to_keys(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|i| i.split(" = ").next().unwrap_or(i).to_string())
        .collect()
}

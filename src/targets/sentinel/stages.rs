//! Pipeline stages as Kusto tabular operators.

use std::collections::BTreeSet;

use super::quote::{ident, string};
use super::schema::{Col, Ty};
use super::{Order, Printer, as_string, present};
use crate::ir::{
    AggArg, AggFunc, Aggregate, Expr, FieldRef, JoinKind, List, Stage, StageKind, SubQuery,
    TimeUnit, Value,
};

impl Printer<'_> {
    /// One stage, as zero or more operators (without the leading `| `).
    pub(super) fn stage(&mut self, s: &Stage) -> Vec<String> {
        match &s.kind {
            StageKind::Eval { assignments } => {
                // `extend a = 1, b = a + 1` cannot see `a`: start a new
                // `extend` when an assignment reads one made in this one.
                let mut out: Vec<Vec<String>> = vec![Vec::new()];
                let mut here: BTreeSet<String> = BTreeSet::new();
                for a in assignments {
                    let mut reads = false;
                    a.value.walk(&mut |e| {
                        if let Expr::Field(f) = e {
                            reads |= here.contains(&f.path.render(""));
                        }
                    });
                    if reads {
                        out.push(Vec::new());
                        here.clear();
                    }
                    let (v, ty) = self.typed(&a.value);
                    let name = self.target_name(&a.field);
                    let col = self.set_made(&a.field, &name, ty.unwrap_or(Ty::Str));
                    here.insert(a.field.path.render(""));
                    if let Some(last) = out.last_mut() {
                        last.push(format!("{col} = {v}"));
                    }
                }
                out.into_iter()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("extend {}", v.join(", ")))
                    .collect()
            }
            StageKind::Where { cond } => vec![format!("where {}", self.expr(cond))],
            StageKind::Search { filter } => vec![format!("where {}", self.row_filter(filter))],
            StageKind::Stats {
                event: false,
                aggregates,
                by,
            } => self.stats(aggregates, by),
            StageKind::Stats {
                event: true,
                aggregates,
                by,
            } => self.eventstats(aggregates, by),
            StageKind::Table { fields } => self.project(fields, false),
            StageKind::Fields {
                remove: false,
                fields,
            } => self.project(fields, true),
            StageKind::Fields {
                remove: true,
                fields,
            } => {
                let mut cols = Vec::new();
                for f in fields.iter() {
                    let Some(c) = self.col(f) else { continue };
                    if c.nested {
                        self.error(
                            self.at,
                            format!(
                                "`{}` is inside a dynamic column: Kusto removes whole columns",
                                f.path
                            ),
                            "field inside a dynamic column",
                            None,
                        );
                        continue;
                    }
                    if let Some(k) = &mut self.known {
                        k.remove(&c.text);
                    }
                    self.unmake(f);
                    cols.push(c.text);
                }
                vec![format!("project-away {}", cols.join(", "))]
            }
            StageKind::Rename { renames } => {
                let mut out = Vec::new();
                for r in renames.iter() {
                    let Some(c) = self.col(&r.from) else { continue };
                    let to = self.target_name(&r.to.name);
                    self.unmake(&r.from);
                    if let Some(k) = &mut self.known {
                        k.remove(&c.text);
                    }
                    let to = self.set_made(&r.to.name, &to, c.ty);
                    self.set_array(&r.to.name, c.array);
                    out.push(if c.nested {
                        format!("extend {to} = {}", c.text)
                    } else {
                        format!("project-rename {to} = {}", c.text)
                    });
                }
                out
            }
            StageKind::Sort { limit, keys } => {
                let mut parts = Vec::new();
                let mut order = Vec::new();
                for k in keys.iter() {
                    let Some(c) = self.col(&k.field) else {
                        continue;
                    };
                    let text = if c.ty == Ty::Dyn {
                        as_string(&c)
                    } else {
                        c.text
                    };
                    let dir = if k.descending { "desc" } else { "asc" };
                    parts.push(format!("{text} {dir} nulls last"));
                    order.push((text, k.descending));
                }
                self.order = Order::Sorted(order);
                // `top` takes one key only; `take` after `sort` keeps the
                // sorted order.
                let mut out = vec![format!("sort by {}", parts.join(", "))];
                out.extend(limit.map(|n| format!("take {n}")));
                out
            }
            StageKind::Head { count } => self.head(*count),
            StageKind::Dedup { fields } => self.dedup(fields),
            StageKind::Bin { field, span } => {
                let Some(c) = self.col(field) else {
                    return Vec::new();
                };
                if c.nested || c.ty != Ty::Time {
                    self.error(
                        self.at,
                        format!(
                            "`bin` rounds a datetime column; `{}` is not one",
                            field.path
                        ),
                        "bin of a non-time field",
                        None,
                    );
                    return Vec::new();
                }
                let x = &c.text;
                let unit = match span.unit {
                    TimeUnit::Ms => "ms",
                    TimeUnit::S => "s",
                    TimeUnit::M => "m",
                    TimeUnit::H => "h",
                    TimeUnit::D => "d",
                    // Weeks start on Monday (S25); the epoch was a
                    // Thursday, and `startofweek` starts on Sunday.
                    TimeUnit::W => return vec![format!("extend {x} = bin({x} + 3d, 7d) - 3d")],
                    TimeUnit::Mon => return vec![format!("extend {x} = startofmonth({x})")],
                    TimeUnit::Y => return vec![format!("extend {x} = startofyear({x})")],
                };
                vec![format!("extend {x} = bin({x}, {}{unit})", span.amount)]
            }
            StageKind::Rex {
                field,
                regex,
                groups,
                ..
            } => {
                let Some(c) = self.col(field) else {
                    return Vec::new();
                };
                let Some(re) = self.re2(self.at, regex) else {
                    return Vec::new();
                };
                let names: Vec<Option<String>> = match regex::Regex::new(&re) {
                    Ok(r) => r.capture_names().map(|n| n.map(str::to_string)).collect(),
                    Err(_) => Vec::new(),
                };
                let mut parts = Vec::new();
                for g in groups {
                    let Some(i) = names.iter().position(|n| n.as_deref() == Some(g)) else {
                        continue;
                    };
                    let col = self.set_made(&FieldRef::local(g), g, Ty::Str);
                    parts.push(format!(
                        "{col} = extract({}, {i}, {})",
                        string(&re),
                        as_string(&c)
                    ));
                }
                if parts.is_empty() {
                    return Vec::new();
                }
                vec![format!("extend {}", parts.join(", "))]
            }
            StageKind::Spath { path, output, .. } => match output {
                Some(o) => {
                    let Some(c) = self.col(path) else {
                        return Vec::new();
                    };
                    let name = self.target_name(o);
                    let col = self.set_made(o, &name, c.ty);
                    self.set_array(o, c.array);
                    vec![format!("extend {col} = {}", c.text)]
                }
                // The event's JSON is already columns: the path is readable.
                None => Vec::new(),
            },
            StageKind::MvExpand { field } => {
                let Some(c) = self.col(field) else {
                    return Vec::new();
                };
                self.order = Order::Unknown;
                let name = self.target_name(field);
                let col = self.set_made(field, &name, Ty::Dyn);
                if c.nested {
                    vec![format!("mv-expand {col} = {}", c.text)]
                } else {
                    vec![format!("mv-expand {col}")]
                }
            }
            StageKind::Lookup {
                table,
                inputs,
                outputs,
            } => self.lookup(table, inputs, outputs.as_ref()),
            StageKind::Join {
                kind,
                fields,
                query,
                ..
            } => self.join(*kind, fields, query),
            StageKind::FillNull { value, fields } => self.fillnull(value.as_ref(), fields),
            StageKind::Transpose { .. } => Vec::new(),
        }
    }

    /// The by columns of a `summarize`, with the test that leaves out rows
    /// missing one (S20). Returns (by clause items, presence tests).
    fn by_columns(&mut self, by: &List<FieldRef>) -> (Vec<String>, Vec<String>) {
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

    fn stats(&mut self, aggregates: &List<Aggregate>, by: &List<FieldRef>) -> Vec<String> {
        let (items, tests) = self.by_columns(by);
        let aggs = self.aggregates(aggregates);
        let mut known: BTreeSet<String> = BTreeSet::new();
        for f in by.iter() {
            if let Some(c) = self.col(f) {
                known.insert(c.text);
            }
        }
        for (name, _) in &aggs {
            known.insert(name.clone());
        }
        let mut out = Vec::new();
        if !tests.is_empty() {
            out.push(format!("where {}", tests.join(" and ")));
        }
        let list: Vec<String> = aggs.iter().map(|(n, a)| format!("{n} = {a}")).collect();
        let mut line = "summarize".to_string();
        if !list.is_empty() {
            line.push_str(&format!(" {}", list.join(", ")));
        }
        if !items.is_empty() {
            line.push_str(&format!(" by {}", items.join(", ")));
        }
        out.push(line);
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
    fn eventstats(&mut self, aggregates: &List<Aggregate>, by: &List<FieldRef>) -> Vec<String> {
        self.bound += 1;
        let rows = format!("__rows{}", self.bound);
        let mut out = Vec::new();
        let (items, tests) = self.by_columns(by);
        let aggs = self.aggregates(aggregates);
        let list: Vec<String> = aggs.iter().map(|(n, a)| format!("{n} = {a}")).collect();
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
                list.join(", ")
            ));
            out.push("project-away __all".into());
        } else {
            out.push(format!("as {rows}"));
            out.push(format!(
                "lookup kind=leftouter ({rows} | where {} | summarize {} by {}) on {}",
                tests.join(" and "),
                list.join(", "),
                keys.join(", "),
                keys.join(", ")
            ));
        }
        if let Some(k) = &mut self.known {
            k.extend(aggs.iter().map(|(n, _)| n.clone()));
        }
        self.order = Order::Unknown;
        out
    }

    /// Each aggregate as (column, Kusto aggregation); records the columns.
    fn aggregates(&mut self, aggregates: &List<Aggregate>) -> Vec<(String, String)> {
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
            let value = |c: &Option<Col>, arg: &str| match c {
                Some(c) if c.ty == Ty::Dyn => as_string(c),
                _ => arg.to_string(),
            };
            let num = |c: &Option<Col>, arg: &str| match c {
                Some(c) if c.ty == Ty::Num => arg.to_string(),
                _ => format!("todouble({arg})"),
            };
            let a_text = arg.clone().unwrap_or_default();
            let pres = col.as_ref().map(present);
            let (text, ty) = match (a.func, &a.arg) {
                (AggFunc::Count, None) => ("count()".to_string(), Ty::Num),
                (AggFunc::Count, Some(AggArg::Expr(_))) => (format!("countif({a_text})"), Ty::Num),
                (AggFunc::Count, _) => (
                    format!("countif({})", pres.clone().unwrap_or_default()),
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
            out.push((col, text));
        }
        out
    }

    /// `table` (exactly these columns) or `fields` (these and the time).
    fn project(&mut self, fields: &List<FieldRef>, keep_time: bool) -> Vec<String> {
        let mut items = Vec::new();
        let mut known = BTreeSet::new();
        let time = ident(self.schema.mapped("timestamp").unwrap_or("TimeGenerated"));
        let lists_time = fields.iter().any(|f| f.path.is("timestamp"));
        if keep_time && !lists_time && self.exists(&time) && !self.made.contains_key("timestamp") {
            items.push(time.clone());
            known.insert(time);
        }
        for f in fields.iter() {
            if self.known.is_some() && f.kind == crate::ir::FieldKind::Event {
                // SPL shows no column that no row has: leave it out.
                let missing = match self.made.get(&f.path.render("")) {
                    Some(_) => false,
                    None => self
                        .schema
                        .event(&f.path)
                        .is_ok_and(|c| !c.nested && !self.exists(&c.text)),
                };
                if missing {
                    self.warn(
                        self.at,
                        format!(
                            "no row has a column `{}` here (an earlier stage dropped it): SPL shows no such column, and Kusto rejects the name, so it is left out",
                            f.path
                        ),
                        "column no row has",
                    );
                    continue;
                }
            }
            let Some(c) = self.col(f) else { continue };
            if c.nested {
                let key = f.path.render("");
                let col = self.set_made(f, &key, c.ty);
                self.set_array(f, c.array);
                items.push(format!("{col} = {}", c.text));
                known.insert(col);
            } else {
                known.insert(c.text.clone());
                items.push(c.text);
            }
        }
        self.known = Some(known);
        vec![format!("project {}", items.join(", "))]
    }

    fn head(&mut self, n: u64) -> Vec<String> {
        match &self.order {
            Order::Sorted(_) => vec![format!("take {n}")],
            Order::Events => {
                let t = ident(self.schema.mapped("timestamp").unwrap_or("TimeGenerated"));
                if !self.exists(&t) {
                    self.order_error("head");
                    return Vec::new();
                }
                vec![format!("top {n} by {t} desc")]
            }
            Order::Grouped(keys) => {
                let by: Vec<String> = keys.iter().map(|k| format!("{k} asc nulls last")).collect();
                vec![format!("sort by {}", by.join(", ")), format!("take {n}")]
            }
            Order::Unknown => {
                self.order_error("head");
                Vec::new()
            }
        }
    }

    fn order_error(&mut self, what: &str) {
        self.error(
            self.at,
            format!(
                "`{what}` keeps the first rows, and Kusto gives these rows no order (after `join`, `lookup`, `mv-expand`, `eventstats` or `dedup`)"
            ),
            "depends on row order",
            Some("sort the rows first"),
        );
    }

    /// `dedup`: the first row of each group (S23), where the order says
    /// which row is first: the newest event, or the first sort key's end.
    fn dedup(&mut self, fields: &List<FieldRef>) -> Vec<String> {
        let time = ident(self.schema.mapped("timestamp").unwrap_or("TimeGenerated"));
        let pick = match self.order.clone() {
            Order::Events if self.exists(&time) => format!("arg_max({time}, *)"),
            Order::Sorted(keys) if !keys.is_empty() => {
                let (k, desc) = keys[0].clone();
                if keys.len() > 1 {
                    self.warn(
                        self.at,
                        format!(
                            "rows with the same `{k}` in a group are kept in an arbitrary order by arg_max/arg_min, not by the later sort keys"
                        ),
                        "dedup after a sort",
                    );
                }
                format!("{}({k}, *)", if desc { "arg_max" } else { "arg_min" })
            }
            _ => {
                self.order_error("dedup");
                return Vec::new();
            }
        };
        let (items, tests) = self.by_columns(fields);
        self.order = Order::Unknown;
        vec![
            format!("where {}", tests.join(" and ")),
            format!("summarize {pick} by {}", items.join(", ")),
        ]
    }

    fn lookup(
        &mut self,
        table: &crate::ir::Text,
        inputs: &List<crate::ir::LookupField>,
        outputs: Option<&crate::ir::LookupOutputs>,
    ) -> Vec<String> {
        let Some(alias) = self.text(table) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut right = Vec::new();
        let mut on = Vec::new();
        let mut temp = Vec::new();
        for (i, inp) in inputs.iter().enumerate() {
            let event = inp.alias.as_ref().map_or_else(
                || FieldRef::event(&inp.column.path.render("")),
                |a| a.name.clone(),
            );
            let Some(c) = self.col(&event) else {
                return Vec::new();
            };
            let left = if c.ty == Ty::Str && !c.nested {
                c.text.clone()
            } else {
                let t = format!("__lk{i}");
                out.push(format!("extend {t} = {}", as_string(&c)));
                temp.push(t.clone());
                t
            };
            let key = format!("__rk{i}");
            right.push(format!(
                "{key} = tostring({})",
                ident(&inp.column.path.render(""))
            ));
            on.push(format!("$left.{left} == $right.{key}"));
        }
        let Some(o) = outputs else {
            self.error(
                self.at,
                "a lookup without OUTPUT copies every column of the table; name the columns to copy",
                "lookup",
                None,
            );
            return Vec::new();
        };
        for f in o.fields.iter() {
            let col = ident(&f.column.path.render(""));
            let target = f.alias.as_ref().map_or(&f.column, |a| &a.name);
            let name = self.target_name(target);
            let made = self.set_made(target, &name, Ty::Str);
            right.push(format!("{made} = tostring({col})"));
        }
        out.push(format!(
            "lookup kind=leftouter (_GetWatchlist({alias}) | project {}) on {}",
            right.join(", "),
            on.join(", ")
        ));
        // `lookup` drops the right-hand keys itself; the left ones made
        // here are removed.
        if !temp.is_empty() {
            out.push(format!("project-away {}", temp.join(", ")));
        }
        self.order = Order::Unknown;
        out
    }

    fn join(&mut self, kind: JoinKind, fields: &List<FieldRef>, q: &SubQuery) -> Vec<String> {
        let mut sp = self.sub();
        let mut lines = vec![self.table_text()];
        if !q.filter.is_true() {
            lines.push(format!("| where {}", sp.filter(&q.filter)));
        }
        for s in &q.stages {
            sp.at = s.span;
            if let Err(why) = super::support::support(s) {
                self.error(
                    s.span,
                    format!("Kusto cannot express `{}`: {why}", s.kind.name()),
                    "stage",
                    None,
                );
                return Vec::new();
            }
            lines.extend(sp.stage(s).into_iter().map(|l| format!("| {l}")));
        }
        if sp.diags.iter().any(crate::diagnostic::Diagnostic::is_error) {
            self.diags.append(&mut sp.diags);
            return Vec::new();
        }
        let right_known = sp.known.clone();
        let right_keys: Vec<String> = fields
            .iter()
            .filter_map(|f| sp.col(f).map(|c| c.text))
            .collect();
        self.diags.append(&mut sp.diags);
        self.params.append(&mut sp.params);
        let Some(right_cols) = right_known else {
            self.error(
                self.at,
                "the sub-search returns whole events, whose columns would overwrite this row's (SPL's overwrite=true); Kusto's join keeps both with a suffix",
                "join",
                Some("end the sub-search with `stats`, `table` or `fields`"),
            );
            return Vec::new();
        };
        // SPL keeps the first matching sub-search row (max=1): the right
        // side must have one row per key.
        let unique = matches!(&sp.order, Order::Grouped(k) if *k == right_keys)
            || matches!(&sp.order, Order::Sorted(k) if k.is_empty() && right_keys.is_empty());
        if !unique {
            let only_keys: BTreeSet<String> = right_keys.iter().cloned().collect();
            if right_cols == only_keys && !right_keys.is_empty() {
                lines.push(format!("| distinct {}", right_keys.join(", ")));
            } else {
                self.error(
                    self.at,
                    "SPL joins each row with the first matching sub-search row; Kusto's join with every one, and this sub-search may return several rows per key",
                    "join",
                    Some("end the sub-search with `stats ... by` the join fields"),
                );
                return Vec::new();
            }
        }
        let mut left_keys = Vec::new();
        for f in fields.iter() {
            if let Some(c) = self.col(f) {
                left_keys.push(c.text);
            }
        }
        let extra: Vec<&String> = right_cols
            .iter()
            .filter(|c| !right_keys.contains(c))
            .collect();
        if extra
            .iter()
            .any(|c| self.known.as_ref().is_some_and(|k| k.contains(*c)))
        {
            self.error(
                self.at,
                "a column comes from both sides of the join: SPL's sub-search value overwrites, Kusto keeps both",
                "join",
                Some("rename the sub-search's column"),
            );
            return Vec::new();
        }
        let kind = match kind {
            JoinKind::Inner => "inner",
            JoinKind::Left => "leftouter",
        };
        let mut out = Vec::new();
        let on = if left_keys.is_empty() {
            out.push("extend __all = 1".to_string());
            lines.push("| extend __all = 1".into());
            "__all".to_string()
        } else {
            left_keys
                .iter()
                .zip(&right_keys)
                .map(|(l, r)| format!("$left.{l} == $right.{r}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let body = lines.join("\n    ");
        out.push(format!("join kind={kind} (\n    {body}\n    ) on {on}"));
        // The right side's key columns come back with a `1` suffix.
        let dup: Vec<String> = if left_keys.is_empty() {
            vec!["__all".into(), "__all1".into()]
        } else {
            right_keys.iter().map(|r| suffixed(r, &left_keys)).collect()
        };
        out.push(format!("project-away {}", dup.join(", ")));
        if let Some(k) = &mut self.known {
            k.extend(extra.into_iter().cloned());
        }
        for (name, c) in sp.made {
            self.made.entry(name).or_insert(c);
        }
        self.order = Order::Unknown;
        out
    }

    fn fillnull(&mut self, value: Option<&Value>, fields: &List<FieldRef>) -> Vec<String> {
        let v = value.cloned().unwrap_or(Value::Int(0));
        let mut parts = Vec::new();
        let cols: Vec<Col> = if fields.is_empty() {
            let Some(known) = self.known.clone() else {
                self.error(
                    self.at,
                    "Kusto cannot fill every column of an event: list the columns to fill",
                    "fillnull",
                    None,
                );
                return Vec::new();
            };
            let made: Vec<Col> = self.made.values().cloned().collect();
            known
                .iter()
                .map(|k| {
                    made.iter().find(|c| &c.text == k).cloned().unwrap_or(Col {
                        text: k.clone(),
                        ty: self.schema.column_type(k),
                        nested: false,
                        array: false,
                    })
                })
                .collect()
        } else {
            fields.iter().filter_map(|f| self.col(f)).collect()
        };
        for c in cols {
            if c.nested {
                self.error(
                    self.at,
                    "`fillnull` of a field inside a dynamic column",
                    "fillnull",
                    Some("copy the field to a column with `eval` first"),
                );
                continue;
            }
            let x = &c.text;
            let text = match (c.ty, &v) {
                (Ty::Str, Value::Str(_)) => self.value(&v).unwrap_or_default(),
                (Ty::Str, other) => {
                    let s = match other {
                        Value::Int(n) => n.to_string(),
                        Value::Float(_, t) => t.clone(),
                        Value::Bool(b) => b.to_string(),
                        _ => String::new(),
                    };
                    string(&s)
                }
                (Ty::Num, Value::Int(_) | Value::Float(..)) => {
                    parts.push(format!(
                        "{x} = coalesce({x}, {})",
                        self.value(&v).unwrap_or_default()
                    ));
                    continue;
                }
                (Ty::Dyn, _) => format!("dynamic({})", self.value(&v).unwrap_or_default()),
                _ => {
                    // Time or bool columns cannot hold text.
                    continue;
                }
            };
            let test = if c.ty == Ty::Dyn {
                format!("isempty(tostring({x}))")
            } else {
                format!("isempty({x})")
            };
            parts.push(format!("{x} = iff({test}, {text}, {x})"));
        }
        if parts.is_empty() {
            return Vec::new();
        }
        vec![format!("extend {}", parts.join(", "))]
    }

    /// The table, as the first line of a (sub-)query.
    fn table_text(&self) -> String {
        self.table.clone()
    }
}

/// The key names of `by` items (`name = expr` → `name`).
fn items_to_keys(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|i| i.split(" = ").next().unwrap_or(i).to_string())
        .collect()
}

/// The name Kusto gives the right-hand copy of a join key `r`.
fn suffixed(r: &str, _left: &[String]) -> String {
    match r.strip_prefix("['").and_then(|x| x.strip_suffix("']")) {
        Some(inner) => format!("['{inner}1']"),
        None => format!("{r}1"),
    }
}

//! Pipeline stages as Kusto tabular operators.

use std::collections::BTreeSet;

use super::quote::{ident, string};
use super::schema::{Col, Ty};
use super::{Order, Printer, as_string};
use crate::ir::{Expr, FieldRef, Func, List, Stage, StageKind, TimeUnit, Value};

impl Printer<'_> {
    /// One stage, as zero or more operators (without the leading `| `):
    /// the `mv-apply`s its expressions need first, the temporary columns
    /// they made removed after.
    pub(super) fn stage(&mut self, s: &Stage) -> Vec<String> {
        let mut out = self.ops(s);
        // Stages that keep the columns, or set their order themselves.
        let keeps = matches!(
            s.kind,
            StageKind::Where { .. }
                | StageKind::Search { .. }
                | StageKind::Sort { .. }
                | StageKind::Head { .. }
                | StageKind::Dedup { .. }
                | StageKind::Stats { event: false, .. }
                | StageKind::Table { .. }
                | StageKind::Transpose { .. }
        );
        if !keeps {
            self.cols_order = None;
        }
        if !self.pre.is_empty() {
            let mut pre = std::mem::take(&mut self.pre);
            pre.append(&mut out);
            out = pre;
        }
        out.extend(self.drop_temps());
        out
    }

    fn ops(&mut self, s: &Stage) -> Vec<String> {
        match &s.kind {
            StageKind::Eval { assignments } => self.eval(assignments),
            StageKind::Where { cond } => vec![format!("where {}", self.expr(cond))],
            StageKind::Search { filter } => vec![format!("where {}", self.filter(filter))],
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
            StageKind::Rename { renames } if renames.iter().any(|r| r.wildcard) => {
                self.error(
                    self.at,
                    "a wildcard rename (`a.* as *`) is not translated to Kusto",
                    "wildcard rename",
                    None,
                );
                Vec::new()
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
                max_match,
            } => self.rex(field, regex, *max_match, groups),
            StageKind::Spath { input: Some(i), .. } => {
                self.error(
                    self.at,
                    format!(
                        "`spath input={}` (JSON text in a column) is not translated to Kusto",
                        i.path
                    ),
                    "JSON text in a column",
                    None,
                );
                Vec::new()
            }
            StageKind::Spath { path: None, .. } => {
                self.error(self.at, "`spath` without a path", "no path", None);
                Vec::new()
            }
            StageKind::Spath {
                path: Some(path),
                output,
                ..
            } => match output {
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
            StageKind::MvExpand { field } => self.mv_expand(field),
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
            StageKind::Transpose { rows } => self.transpose(*rows),
        }
    }

    /// `eval`: `extend`s. `extend a = 1, b = a + 1` cannot see `a`: a new
    /// `extend` starts when an assignment reads one made in this one, or
    /// needs an `mv-apply` first (which reads the columns made before it).
    fn eval(&mut self, assignments: &[crate::ir::Assign]) -> Vec<String> {
        let mut out = Vec::new();
        let mut group: Vec<String> = Vec::new();
        let mut here: BTreeSet<String> = BTreeSet::new();
        let flush = |out: &mut Vec<String>, group: &mut Vec<String>| {
            if !group.is_empty() {
                out.push(format!("extend {}", group.join(", ")));
                group.clear();
            }
        };
        for a in assignments {
            let mut reads = false;
            a.value.walk(&mut |e| {
                if let Expr::Field(f) = e {
                    reads |= here.contains(&f.path.render(""));
                }
            });
            if reads {
                flush(&mut out, &mut group);
                here.clear();
            }
            let (v, ty) = self.typed(&a.value);
            if !self.pre.is_empty() {
                flush(&mut out, &mut group);
                here.clear();
                out.append(&mut self.pre);
            }
            let name = self.target_name(&a.field);
            let col = self.set_made(&a.field, &name, ty.unwrap_or(Ty::Str));
            let multi = matches!(
                &a.value,
                Expr::Call {
                    func: Func::MvFilter,
                    ..
                }
            );
            self.set_array(&a.field, multi);
            here.insert(a.field.path.render(""));
            group.push(format!("{col} = {v}"));
        }
        flush(&mut out, &mut group);
        out
    }

    /// `table` (exactly these columns) or `fields` (these and the time).
    fn project(&mut self, fields: &List<FieldRef>, keep_time: bool) -> Vec<String> {
        let mut items = Vec::new();
        let mut known = BTreeSet::new();
        let mut order = Vec::new();
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
                order.push((key, col.clone()));
                known.insert(col);
            } else {
                known.insert(c.text.clone());
                order.push((f.path.render(""), c.text.clone()));
                items.push(c.text);
            }
        }
        self.known = Some(known);
        self.cols_order = (!keep_time).then_some(order);
        vec![format!("project {}", items.join(", "))]
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
}

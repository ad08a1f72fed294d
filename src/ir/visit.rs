//! Traversals: every value and text of a detection (mutable, for
//! parameter substitution) and every field reference (read-only).

use super::expr::Expr;
use super::field::FieldRef;
use super::filter::{Filter, Test};
use super::stage::{AggArg, Stage, StageKind};
use super::value::{Text, Value};

/// Callbacks for [`walk_filter`], [`walk_expr`] and [`walk_stages`].
pub trait VisitMut {
    /// Called for every value (before its text, if it is a string).
    fn value(&mut self, _v: &mut Value) {}
    /// Called for every text: string values, patterns, regexes, table names.
    fn text(&mut self, _t: &mut Text) {}
}

fn walk_value(v: &mut Value, vis: &mut impl VisitMut) {
    vis.value(v);
    if let Value::Str(t) = v {
        vis.text(t);
    }
}

/// Visits the values of a filter.
pub fn walk_filter(f: &mut Filter, vis: &mut impl VisitMut) {
    match f {
        Filter::True => {}
        Filter::And(v) | Filter::Or(v) => v.iter_mut().for_each(|x| walk_filter(x, vis)),
        Filter::Not(x) | Filter::Group(x) => walk_filter(x, vis),
        Filter::Keyword(k) => vis.text(&mut k.text),
        Filter::Pred(p) => match &mut p.test {
            Test::Eq { value, .. } | Test::Ne { value, .. } | Test::Cmp { value, .. } => {
                walk_value(value, vis)
            }
            Test::In { values, .. } => values.items.iter_mut().for_each(|v| walk_value(v, vis)),
            Test::Cidr { ranges } => ranges.items.iter_mut().for_each(|v| walk_value(v, vis)),
            Test::Like { patterns, .. } => patterns.items.iter_mut().for_each(|t| vis.text(t)),
            Test::Regex { patterns, .. } => patterns
                .items
                .iter_mut()
                .for_each(|r| vis.text(&mut r.pattern)),
            Test::Exists | Test::IsNull | Test::FieldEq { .. } => {}
        },
    }
}

/// Visits the values of an expression.
pub fn walk_expr(e: &mut Expr, vis: &mut impl VisitMut) {
    match e {
        Expr::Field(_) => {}
        Expr::Lit(v) => walk_value(v, vis),
        Expr::Binary { lhs, rhs, .. } => {
            walk_expr(lhs, vis);
            walk_expr(rhs, vis);
        }
        Expr::And(v) | Expr::Or(v) => v.iter_mut().for_each(|x| walk_expr(x, vis)),
        Expr::Not(x) | Expr::Neg(x) | Expr::Group(x) => walk_expr(x, vis),
        Expr::In { expr, list, .. } => {
            walk_expr(expr, vis);
            list.items.iter_mut().for_each(|x| walk_expr(x, vis));
        }
        Expr::Call { args, .. } => args.iter_mut().for_each(|x| walk_expr(x, vis)),
        Expr::Matches(f) => walk_filter(f, vis),
    }
}

/// Visits the values of a pipeline.
pub fn walk_stages(stages: &mut [Stage], vis: &mut impl VisitMut) {
    for s in stages {
        match &mut s.kind {
            StageKind::Eval { assignments } => assignments
                .iter_mut()
                .for_each(|a| walk_expr(&mut a.value, vis)),
            StageKind::Where { cond } => walk_expr(cond, vis),
            StageKind::Search { filter } => walk_filter(filter, vis),
            StageKind::Stats { aggregates, .. } => {
                for a in aggregates.items.iter_mut() {
                    if let Some(AggArg::Expr(e)) = &mut a.arg {
                        walk_expr(e, vis);
                    }
                }
            }
            StageKind::Rex { regex, .. } => vis.text(&mut regex.pattern),
            StageKind::Lookup { table, .. } => vis.text(table),
            StageKind::Join { query, .. } => {
                walk_filter(&mut query.filter, vis);
                walk_stages(&mut query.stages, vis);
            }
            StageKind::FillNull { value: Some(v), .. } => walk_value(v, vis),
            StageKind::FillNull { value: None, .. }
            | StageKind::Table { .. }
            | StageKind::Fields { .. }
            | StageKind::Rename { .. }
            | StageKind::Sort { .. }
            | StageKind::Head { .. }
            | StageKind::Dedup { .. }
            | StageKind::Bin { .. }
            | StageKind::Spath { .. }
            | StageKind::MvExpand { .. }
            | StageKind::Transpose { .. } => {}
        }
    }
}

/// Calls `f` with every field reference of a filter.
pub fn filter_fields<'a>(filter: &'a Filter, f: &mut impl FnMut(&'a FieldRef)) {
    filter.for_each_pred(&mut |p| {
        f(&p.field);
        if let Test::FieldEq { other } = &p.test {
            f(other);
        }
    });
}

/// Calls `f` with every field reference of an expression.
pub fn expr_fields<'a>(e: &'a Expr, f: &mut impl FnMut(&'a FieldRef)) {
    // A filter used as a value (Sigma correlations) reads fields too.
    e.walk(&mut |x| match x {
        Expr::Field(r) => f(r),
        Expr::Matches(filter) => filter_fields(filter, f),
        _ => {}
    });
}

/// Calls `f` with every field reference of a pipeline, the sub-searches of
/// `join` included: the fields stages read and the columns they name.
pub fn stage_fields<'a>(stages: &'a [Stage], f: &mut impl FnMut(&'a FieldRef)) {
    for s in stages {
        match &s.kind {
            StageKind::Eval { assignments } => {
                for a in assignments {
                    f(&a.field);
                    expr_fields(&a.value, f);
                }
            }
            StageKind::Where { cond } => expr_fields(cond, f),
            StageKind::Search { filter } => filter_fields(filter, f),
            StageKind::Stats { aggregates, by, .. } => {
                for a in aggregates {
                    match &a.arg {
                        Some(AggArg::Field(r)) => f(r),
                        Some(AggArg::Expr(e)) => expr_fields(e, f),
                        None => {}
                    }
                    if let Some(al) = &a.alias {
                        f(&al.name);
                    }
                }
                by.iter().for_each(&mut *f);
            }
            StageKind::Table { fields }
            | StageKind::Fields { fields, .. }
            | StageKind::Dedup { fields }
            | StageKind::FillNull { fields, .. } => fields.iter().for_each(&mut *f),
            StageKind::Rename { renames } => {
                // A wildcard names no one field.
                for r in renames.iter().filter(|r| !r.wildcard) {
                    f(&r.from);
                    f(&r.to.name);
                }
            }
            StageKind::Sort { keys, .. } => keys.iter().for_each(|k| f(&k.field)),
            StageKind::Bin { field, .. }
            | StageKind::Rex { field, .. }
            | StageKind::MvExpand { field } => f(field),
            StageKind::Spath {
                input,
                path,
                output,
                ..
            } => {
                if let Some(i) = input {
                    f(i);
                }
                if let Some(p) = path {
                    f(p);
                }
                if let Some(o) = output {
                    f(o);
                }
            }
            StageKind::Lookup {
                inputs, outputs, ..
            } => {
                let all = inputs
                    .iter()
                    .chain(outputs.iter().flat_map(|o| o.fields.iter()));
                for l in all {
                    f(&l.column);
                    if let Some(a) = &l.alias {
                        f(&a.name);
                    }
                }
            }
            StageKind::Join { fields, query, .. } => {
                fields.iter().for_each(&mut *f);
                filter_fields(&query.filter, f);
                stage_fields(&query.stages, f);
            }
            StageKind::Head { .. } | StageKind::Transpose { .. } => {}
        }
    }
}

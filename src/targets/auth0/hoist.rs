//! Under `--filter-only`, a `search` stage early in the pipeline is part of
//! the events the detection needs, so it joins the filter.
//!
//! A `search` stage can move in front of the stages before it when each of
//! them works row by row and leaves the fields the search reads unchanged:
//! then running the rest of the pipeline on the events of the combined
//! filter gives the same result as running it on the filter alone. The
//! stages it may pass are `where`, `sort`, `table`, `fields`, other `search`
//! stages and `bin` (on another field); the first stage that combines rows
//! (`stats`, `head`, `dedup`, ...) or makes new names (`eval`, `rename`,
//! `rex`, ...) ends the walk.

use std::collections::BTreeSet;

use crate::ir::{Detection, FieldKind, Filter, Path, Stage, StageKind, Test};
use crate::source::Span;

/// The detection with the movable `search` stages folded into its filter
/// and removed from its pipeline, and where those stages were; `None` if
/// there are none.
pub fn hoist_searches(det: &Detection) -> Option<(Detection, Vec<Span>)> {
    let mut changed: BTreeSet<Path> = BTreeSet::new();
    let mut filters = vec![det.filter.clone()];
    let mut spans = Vec::new();
    let mut rest: Vec<Stage> = Vec::new();
    let mut open = true;
    for s in &det.pipeline {
        if open {
            match &s.kind {
                StageKind::Search { filter } if reads_only_unchanged(filter, &changed) => {
                    filters.push(Filter::Group(Box::new(filter.clone())));
                    spans.push(s.span);
                    continue;
                }
                StageKind::Bin { field, .. } => {
                    changed.insert(field.path.clone());
                }
                StageKind::Search { .. }
                | StageKind::Where { .. }
                | StageKind::Sort { .. }
                | StageKind::Table { .. }
                | StageKind::Fields { .. } => {}
                _ => open = false,
            }
        }
        rest.push(s.clone());
    }
    if spans.is_empty() {
        return None;
    }
    let mut out = det.clone();
    out.filter = Filter::and(filters);
    out.pipeline = rest;
    Some((out, spans))
}

/// True if every test reads event fields that no earlier stage changed
/// (and no full-text keyword, which reads every field).
fn reads_only_unchanged(f: &Filter, changed: &BTreeSet<Path>) -> bool {
    match f {
        Filter::True => true,
        Filter::Keyword(_) => false,
        Filter::And(v) | Filter::Or(v) => v.iter().all(|x| reads_only_unchanged(x, changed)),
        Filter::Not(x) | Filter::Group(x) => reads_only_unchanged(x, changed),
        Filter::Pred(p) => {
            let unchanged =
                |r: &crate::ir::FieldRef| r.kind == FieldKind::Event && !changed.contains(&r.path);
            unchanged(&p.field)
                && match &p.test {
                    Test::FieldEq { other } => unchanged(other),
                    _ => true,
                }
        }
    }
}

//! Pipelines → Sigma correlation rules.
//!
//! Sigma has no pipeline, but one shape of pipeline is a Sigma correlation:
//!
//! ```text
//! [bin timestamp span=X] | stats AGG as c by f, g [, timestamp] | where c OP N
//! ```
//!
//! with `AGG` one of `count`, `dc(x)`, `sum(x)`, `avg(x)`, `median(x)`,
//! `percN(x)` (`event_count`, `value_count`, `value_sum`, `value_avg`,
//! `value_median`, `value_percentile`). The bin's span is the correlation's
//! `timespan`; Sigma backends count per fixed window exactly as `bin` +
//! `stats ... by timestamp` does, so `by timestamp` is implied and dropped
//! from `group-by`. Without a `bin` there is no window, and Sigma requires
//! one: that is an error with a hint, not a guess. Stages that only choose,
//! order or rename columns (`table`, `fields`, `sort`, `rename`) are left out
//! with a note; `fields:` then lists the columns of the last `table`/`fields`.
//! Anything else is an error pointing at the stage.

mod build;
mod parts;

use parts::threshold;
use serde::Serialize;

use super::items::FieldNames;
use super::quote::Scalar;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{
    Aggregate, BinOp, Detection, Duration, FieldKind, FieldRef, Filter, Path, Stage, StageKind,
    Value,
};

/// The `correlation:` block, without `rules` (the caller names the base
/// rule).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Correlation {
    /// `event_count`, `value_count`, `value_sum`, ...
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The base rule's name.
    pub rules: Vec<String>,
    /// Grouping fields.
    #[serde(rename = "group-by", skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
    /// The window, e.g. `1h`.
    pub timespan: String,
    /// The threshold.
    pub condition: Condition,
}

/// A correlation's threshold: exactly one operator (pySigma refuses more).
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// `gt`, `gte`, `lt`, `lte`, `eq` or `neq`.
    pub op: &'static str,
    /// The number.
    pub value: Scalar,
    /// The aggregated field (all types but `event_count`).
    pub field: Option<String>,
    /// The percentile, for `value_percentile`.
    pub percentile: Option<u8>,
}

impl Serialize for Condition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(self.op, &self.value)?;
        if let Some(f) = &self.field {
            m.serialize_entry("field", f)?;
        }
        if let Some(p) = self.percentile {
            m.serialize_entry("percentile", &p)?;
        }
        m.end()
    }
}

/// What the pipeline becomes in Sigma.
#[derive(Debug, Default)]
pub struct Plan {
    /// The correlation, if the pipeline aggregates.
    pub correlation: Option<Correlation>,
    /// The rule's `fields:` (columns of the last `table`/`fields`).
    pub fields: Vec<String>,
    /// Tests of `search` stages before `stats`, ANDed with the filter.
    pub filter: Vec<Filter>,
    /// Warnings and notes.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the pipeline as a correlation (or as presentation only).
pub fn plan(
    det: &Detection,
    stages: &[Stage],
    names: &FieldNames<'_>,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut w = Walk::default();
    let mut errors = Vec::new();
    for s in stages {
        if let Err(d) = w.stage(det, s) {
            errors.push(d);
            break;
        }
    }
    if errors.is_empty()
        && let Err(d) = w.finish(det, names)
    {
        errors.push(d);
    }
    // Errors that did not stop the reading come first: they are earlier in
    // the pipeline than what `finish` reports.
    errors.splice(0..0, std::mem::take(&mut w.deferred));
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(w.plan)
}

/// The stages seen so far.
#[derive(Default)]
struct Walk<'a> {
    bin: Option<(&'a Stage, Duration)>,
    stats: Option<(&'a Stage, Vec<&'a Aggregate>, Vec<&'a FieldRef>)>,
    /// The aggregates' columns, as later stages name them, and which
    /// aggregate each one is.
    agg_columns: Vec<(Path, usize)>,
    /// The `where`: which aggregate it tests, how, and against what.
    threshold: Option<(&'a Stage, usize, BinOp, Value)>,
    /// Column → the event field it was renamed from.
    renames: Vec<(Path, FieldRef)>,
    columns: Option<Vec<FieldRef>>,
    left_out: Vec<&'a Stage>,
    /// Errors found without stopping the reading.
    deferred: Vec<Diagnostic>,
    plan: Plan,
}

fn unsupported(det: &Detection, s: &Stage, why: impl Into<String>, help: &str) -> Diagnostic {
    Diagnostic::error(
        codes::UNSUPPORTED,
        format!("sigma cannot express `{}`: {}", s.kind.name(), why.into()),
    )
    .with_label(s.span, format!("`{}` stage", s.kind.name()))
    .with_help(help)
    .in_file(&det.file)
}

const FILTER_ONLY_HELP: &str = "compile with --filter-only to emit the filter alone";

impl<'a> Walk<'a> {
    /// The event field behind a column (through renames).
    fn event_field(&self, f: &FieldRef) -> Option<FieldRef> {
        match f.kind {
            FieldKind::Event => Some(f.clone()),
            FieldKind::Local => self
                .renames
                .iter()
                .rev()
                .find(|(p, _)| *p == f.path)
                .map(|(_, e)| e.clone()),
            FieldKind::Lookup => None,
        }
    }

    fn stage(&mut self, det: &Detection, s: &'a Stage) -> Result<(), Diagnostic> {
        match &s.kind {
            StageKind::Table { fields }
            | StageKind::Fields {
                remove: false,
                fields,
            } => {
                self.left_out.push(s);
                if self.stats.is_none() {
                    self.columns = Some(fields.items.clone());
                }
            }
            StageKind::Fields { remove: true, .. } | StageKind::Sort { .. } => {
                self.left_out.push(s)
            }
            StageKind::Rename { renames } if renames.iter().any(|r| r.wildcard) => {
                return Err(unsupported(
                    det,
                    s,
                    "a wildcard rename has no Sigma form",
                    FILTER_ONLY_HELP,
                ));
            }
            StageKind::Rename { renames } => {
                self.left_out.push(s);
                for r in renames {
                    if let Some(c) = self.agg_columns.iter_mut().find(|c| c.0 == r.from.path) {
                        c.0 = r.to.name.path.clone();
                    } else if let Some(e) = self.event_field(&r.from) {
                        self.renames.push((r.to.name.path.clone(), e));
                    }
                }
            }
            StageKind::Bin { field, span } => {
                if self.stats.is_some() {
                    return Err(unsupported(
                        det,
                        s,
                        "a `bin` after `stats` has no Sigma form",
                        FILTER_ONLY_HELP,
                    ));
                }
                if !(field.kind == FieldKind::Event && field.path.is(crate::ir::TIMESTAMP)) {
                    return Err(unsupported(
                        det,
                        s,
                        "Sigma correlations have time windows, but no bins of other fields",
                        FILTER_ONLY_HELP,
                    ));
                }
                self.bin = Some((s, *span));
            }
            StageKind::Stats {
                event: false,
                aggregates,
                by,
            } => {
                if self.stats.is_some() {
                    return Err(unsupported(
                        det,
                        s,
                        "a Sigma correlation aggregates once",
                        FILTER_ONLY_HELP,
                    ));
                }
                if aggregates.is_empty() {
                    return Err(unsupported(
                        det,
                        s,
                        "a Sigma correlation needs an aggregate such as `count`",
                        FILTER_ONLY_HELP,
                    ));
                }
                self.agg_columns = aggregates
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        let name = match &a.alias {
                            Some(al) => al.name.path.clone(),
                            None => Path::parse(&a.func.name()),
                        };
                        (name, i)
                    })
                    .collect();
                let by: Vec<&FieldRef> = by.iter().collect();
                self.check_columns_kept(det, s, &by)?;
                self.stats = Some((s, aggregates.iter().collect(), by));
            }
            StageKind::Where { cond } => {
                if self.stats.is_none() {
                    return Err(unsupported(
                        det,
                        s,
                        "a `where` before `stats` tests single events, and Sigma tests events only in the detection",
                        "write the test in the `search` filter (search semantics), or compile with --filter-only",
                    ));
                }
                if self.threshold.is_some() {
                    return Err(unsupported(
                        det,
                        s,
                        "a Sigma correlation has one condition",
                        FILTER_ONLY_HELP,
                    ));
                }
                let columns: Vec<Path> = self.agg_columns.iter().map(|c| c.0.clone()).collect();
                let (i, op, value) = threshold(cond, &columns).map_err(|why| {
                    unsupported(
                        det,
                        s,
                        why,
                        "compare the aggregate with a number: `| where c > 10`",
                    )
                })?;
                if let Value::Param(n) = &value {
                    self.deferred.push(unsupported(
                        det,
                        s,
                        format!("the threshold `{{{n}}}` has no value, and a Sigma condition needs a number: set it with --param {n}=N"),
                        "give the parameter a value with --param, or a default in its declaration",
                    ));
                }
                self.threshold = Some((s, self.agg_columns[i].1, op, value));
            }
            StageKind::Search { filter } => self.fold_search(det, s, filter)?,
            other => {
                return Err(unsupported(
                    det,
                    s,
                    format!("a Sigma rule has no `{}` stage", other.name()),
                    FILTER_ONLY_HELP,
                ));
            }
        }
        Ok(())
    }

    /// A `table`/`fields` before `stats` must keep what `stats` reads.
    fn check_columns_kept(
        &self,
        det: &Detection,
        s: &Stage,
        used: &[&FieldRef],
    ) -> Result<(), Diagnostic> {
        let Some(cols) = &self.columns else {
            return Ok(());
        };
        for f in used.iter().copied() {
            // A column renamed after the `fields` stage was kept under its old name.
            let path = self.event_field(f).map_or(f.path.clone(), |e| e.path);
            let kept = path.is(crate::ir::TIMESTAMP) || cols.iter().any(|c| c.path == path);
            if !kept {
                return Err(unsupported(
                    det,
                    s,
                    format!(
                        "`{}` was removed by an earlier `table` or `fields`, so Vigil's result differs from a Sigma correlation over it",
                        f.path
                    ),
                    "keep the field in the `fields` stage",
                ));
            }
        }
        Ok(())
    }

    /// A `search` stage before `stats` tests single events, like the
    /// detection's filter: it joins the filter, when it reads only event
    /// fields the earlier stages left as they were.
    fn fold_search(&mut self, det: &Detection, s: &Stage, f: &Filter) -> Result<(), Diagnostic> {
        if self.stats.is_some() {
            return Err(unsupported(
                det,
                s,
                "a `search` after `stats` tests aggregated rows; a Sigma correlation compares one aggregate with a number",
                FILTER_ONLY_HELP,
            ));
        }
        let mut fields: Vec<&FieldRef> = Vec::new();
        f.for_each_pred(&mut |p| {
            fields.push(&p.field);
            if let crate::ir::Test::FieldEq { other } = &p.test {
                fields.push(other);
            }
        });
        let computed = fields.iter().find(|x| {
            x.kind != FieldKind::Event || (self.bin.is_some() && x.path.is(crate::ir::TIMESTAMP))
        });
        if let Some(x) = computed {
            return Err(unsupported(
                det,
                s,
                format!(
                    "`{}` is changed by an earlier stage, so this `search` cannot join the Sigma detection",
                    x.path
                ),
                "test the event field in the leading `search`",
            ));
        }
        if has_keyword(f) {
            return Err(unsupported(
                det,
                s,
                "a full-text term after other stages has no Sigma form",
                "move it into the leading `search`",
            ));
        }
        self.check_columns_kept(det, s, &fields)?;
        self.plan.filter.push(f.clone());
        Ok(())
    }
}

fn has_keyword(f: &Filter) -> bool {
    match f {
        Filter::Keyword(_) => true,
        Filter::And(v) | Filter::Or(v) => v.iter().any(has_keyword),
        Filter::Not(x) | Filter::Group(x) => has_keyword(x),
        Filter::True | Filter::Pred(_) => false,
    }
}

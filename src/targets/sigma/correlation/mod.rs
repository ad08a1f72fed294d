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
    AggArg, Aggregate, BinOp, Detection, Duration, FieldKind, FieldRef, Path, Stage, StageKind,
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
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(w.plan)
}

/// The stages seen so far.
#[derive(Default)]
struct Walk<'a> {
    bin: Option<(&'a Stage, Duration)>,
    stats: Option<(&'a Stage, &'a Aggregate, Vec<&'a FieldRef>)>,
    /// The aggregate's column, as later stages name it.
    column: Option<Path>,
    threshold: Option<(&'a Stage, BinOp, Value)>,
    /// Column → the event field it was renamed from.
    renames: Vec<(Path, FieldRef)>,
    columns: Option<Vec<FieldRef>>,
    left_out: Vec<&'a Stage>,
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
            StageKind::Rename { renames } => {
                self.left_out.push(s);
                for r in renames {
                    if self.column.as_ref() == Some(&r.from.path) {
                        self.column = Some(r.to.name.path.clone());
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
                if aggregates.len() != 1 {
                    return Err(unsupported(
                        det,
                        s,
                        format!(
                            "a Sigma correlation computes one aggregate, this `stats` computes {}",
                            aggregates.len()
                        ),
                        FILTER_ONLY_HELP,
                    ));
                }
                let agg = &aggregates.items[0];
                self.column = Some(match &agg.alias {
                    Some(a) => a.name.path.clone(),
                    None => Path::parse(&agg.func.name()),
                });
                self.check_columns_kept(det, s, agg, by)?;
                self.stats = Some((s, agg, by.iter().collect()));
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
                let column = self.column.clone().unwrap_or_else(|| Path::parse("count"));
                let (op, value) = threshold(cond, &column).map_err(|why| {
                    let help = if why.contains("--param") {
                        "give the parameter a value with --param, or a default in its declaration"
                    } else {
                        "compare the aggregate with a number: `| where c > 10`"
                    };
                    unsupported(det, s, why, help)
                })?;
                self.threshold = Some((s, op, value));
            }
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
        agg: &Aggregate,
        by: &crate::ir::List<FieldRef>,
    ) -> Result<(), Diagnostic> {
        let Some(cols) = &self.columns else {
            return Ok(());
        };
        let mut used: Vec<&FieldRef> = by.iter().collect();
        if let Some(AggArg::Field(f)) = &agg.arg {
            used.push(f);
        }
        for f in used {
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
}

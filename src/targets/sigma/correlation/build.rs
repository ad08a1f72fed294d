//! The correlation block, once the stages have been read.

use super::parts::{filter_requires_value, sigma_timespan};
use super::{Condition, Correlation, FILTER_ONLY_HELP, Walk, unsupported};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{AggArg, AggFunc, Aggregate, BinOp, Detection, FieldKind, FieldRef, Value};
use crate::targets::sigma::items::FieldNames;
use crate::targets::sigma::quote::Scalar;

impl Walk<'_> {
    pub(super) fn finish(
        &mut self,
        det: &Detection,
        names: &FieldNames<'_>,
    ) -> Result<(), Diagnostic> {
        if let Some(cols) = self.columns.clone()
            && self.stats.is_none()
        {
            for c in &cols {
                if let Some(e) = self.event_field(c)
                    && let Ok(n) = names.name(&e)
                {
                    self.plan.fields.push(n);
                }
            }
        }
        if let Some(first) = self.left_out.first() {
            let list: Vec<&str> = self.left_out.iter().map(|s| s.kind.name()).collect();
            let mut msg = format!(
                "Sigma rules have no pipeline: left out {}, which only choose, order or rename columns",
                list.join(", ")
            );
            if !self.plan.fields.is_empty() {
                msg.push_str("; `fields:` lists the columns of the last `table` or `fields`");
            }
            self.plan.diagnostics.push(
                Diagnostic::note(codes::FILTER_ONLY, msg)
                    .with_label(first.span, "not in the Sigma rule")
                    .in_file(&det.file),
            );
        }
        let Some((stats_stage, aggs, by)) = self.stats.take() else {
            return Ok(());
        };
        let Some((_, chosen, op, value)) = self.threshold.take() else {
            return Err(unsupported(
                det,
                stats_stage,
                "a Sigma correlation needs a threshold on the aggregate",
                "add `| where <name> > N` after `stats`",
            ));
        };
        let agg = aggs[chosen];
        let err = |why: String| unsupported(det, stats_stage, why, FILTER_ONLY_HELP);
        if let Some(AggArg::Field(f)) = &agg.arg {
            self.check_columns_kept(det, stats_stage, &[f])?;
        }
        let (kind, value_field, percentile) = self.aggregate(det, agg).map_err(err)?;
        let others: Vec<String> = aggs
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != chosen)
            .map(|(_, a)| match &a.arg {
                Some(AggArg::Field(f)) => format!("`{}({})`", a.func.name(), f.path),
                _ => format!("`{}`", a.func.name()),
            })
            .collect();
        if !others.is_empty() {
            self.plan.diagnostics.push(
                Diagnostic::note(
                    codes::FILTER_ONLY,
                    format!(
                        "left out the aggregates {} of `stats`: the `where` does not test them, so they only add columns, and a Sigma correlation outputs none",
                        others.join(", ")
                    ),
                )
                .with_label(stats_stage.span, "only the tested aggregate is in the Sigma correlation")
                .in_file(&det.file),
            );
        }
        let field = match value_field {
            Some(f) => Some(names.name(&f).map_err(err)?),
            None => None,
        };
        let mut group_by = Vec::new();
        let mut by_time = false;
        for f in by {
            if f.kind == FieldKind::Event && f.path.is(crate::ir::TIMESTAMP) {
                by_time = true;
                continue;
            }
            let e = self.event_field(f).ok_or_else(|| {
                err(format!(
                    "`{}` is computed by the pipeline, and Sigma groups only by event fields",
                    f.path
                ))
            })?;
            group_by.push(names.name(&e).map_err(err)?);
        }
        let timespan = match self.bin {
            Some((bin_stage, span)) => {
                if !by_time {
                    self.plan.diagnostics.push(
                        Diagnostic::warning(
                            codes::SEMANTICS_DIFFER,
                            format!("the Sigma correlation counts per {span} window; in Vigil this `bin` changes nothing, because `stats` does not group by `timestamp`"),
                        )
                        .with_label(bin_stage.span, "the window comes from here")
                        .with_help("add `timestamp` to the `by` fields of `stats` to make the windows explicit")
                        .in_file(&det.file),
                    );
                }
                sigma_timespan(span).ok_or_else(|| {
                    unsupported(
                        det,
                        bin_stage,
                        format!("Sigma has no timespan `{span}`"),
                        "use whole seconds, minutes, hours, days, weeks, months or years",
                    )
                })?
            }
            None if by_time => {
                return Err(unsupported(
                    det,
                    stats_stage,
                    "grouping by the exact `timestamp` has no Sigma form",
                    "bin the time first: `| bin timestamp span=1h`",
                ));
            }
            None => {
                return Err(unsupported(
                    det,
                    stats_stage,
                    "a Sigma correlation counts within a time window (`timespan`), and this pipeline has none",
                    "add `| bin timestamp span=1h` before `stats` and group by `timestamp`",
                ));
            }
        };
        let value = match value {
            Value::Int(i) => Scalar::Int(i),
            Value::Float(f, _) => Scalar::Float(f),
            _ => Scalar::Null,
        };
        self.plan.correlation = Some(Correlation {
            kind,
            rules: Vec::new(),
            group_by,
            timespan,
            condition: Condition {
                op: match op {
                    BinOp::Gt => "gt",
                    BinOp::Ge => "gte",
                    BinOp::Lt => "lt",
                    BinOp::Le => "lte",
                    BinOp::Eq => "eq",
                    _ => "neq",
                },
                value,
                field,
                percentile,
            },
        });
        Ok(())
    }

    /// The correlation type of an aggregate, the field it reads and the
    /// percentile.
    #[allow(clippy::type_complexity)]
    fn aggregate(
        &self,
        det: &Detection,
        agg: &Aggregate,
    ) -> Result<(&'static str, Option<FieldRef>, Option<u8>), String> {
        let arg = match &agg.arg {
            None => None,
            Some(AggArg::Field(f)) => Some(self.event_field(f).ok_or_else(|| {
                format!(
                    "`{}` is computed by the pipeline, and Sigma aggregates only event fields",
                    f.path
                )
            })?),
            Some(AggArg::Expr(_)) => {
                return Err("Sigma aggregates a field, not an expression".into());
            }
        };
        let need = |arg: Option<FieldRef>| {
            arg.ok_or_else(|| format!("`{}` needs a field", agg.func.name()))
        };
        Ok(match agg.func {
            AggFunc::Count => {
                if let Some(f) = &arg
                    && !filter_requires_value(&det.filter, f)
                {
                    return Err(format!(
                        "`count({})` counts only events where `{}` has a value, and Sigma's event_count counts every event; use `count`, or test `{}` in the search",
                        f.path, f.path, f.path
                    ));
                }
                ("event_count", None, None)
            }
            AggFunc::Dc => ("value_count", Some(need(arg)?), None),
            AggFunc::Sum => ("value_sum", Some(need(arg)?), None),
            AggFunc::Avg => ("value_avg", Some(need(arg)?), None),
            AggFunc::Median => ("value_median", Some(need(arg)?), None),
            AggFunc::Perc(n) => ("value_percentile", Some(need(arg)?), Some(n)),
            other => {
                return Err(format!(
                    "`{}` has no Sigma correlation type (count, dc, sum, avg, median and percN do)",
                    other.name()
                ));
            }
        })
    }
}

//! What ES|QL can express, by stack version: the backend's
//! `supports_stage`. A stage with no faithful equivalent is refused with the
//! reason, never approximated.

use super::StackVersion;
use crate::ir::{AggFunc, FieldKind, OutputMode, Stage, StageKind};

/// Whether ES|QL at `version` can express a stage, and why not.
pub(super) fn support(version: StackVersion, stage: &Stage) -> Result<(), String> {
    match &stage.kind {
        StageKind::Stats {
            event, aggregates, ..
        } => {
            if *event && !version.has_inline_stats() {
                return Err(format!(
                    "`eventstats` needs INLINE STATS, which Elastic has from 9.3; this query targets {version} (--stack-version)"
                ));
            }
            aggregates
                .iter()
                .find_map(|a| aggregate_unsupported(a.func))
                .map_or(Ok(()), Err)
        }
        StageKind::Dedup { fields } => Err(format!(
            "ES|QL has no command that keeps the first whole row of each group: STATS keeps only aggregated columns, and no aggregation returns one row's values together. If every row at the latest time may stay (ties keep several), write `| eventstats max(timestamp) as latest by {0} | where timestamp == latest` instead",
            fields
                .iter()
                .map(|f| f.path.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        StageKind::Join { .. } => {
            Err("ES|QL has no sub-searches (LOOKUP JOIN joins only a lookup index)".into())
        }
        StageKind::Transpose { .. } => Err("ES|QL cannot turn rows into columns".into()),
        StageKind::Rex {
            max_match: Some(n), ..
        } if *n != 1 => Err(format!(
            "GROK extracts the first match only; `max_match={n}` has no equivalent"
        )),
        StageKind::Rex { field, .. } if field.kind == FieldKind::Event && field.path.is("_raw") => {
            Err(
                "Elastic keeps no raw event text to extract from; name the field with `field=`"
                    .into(),
            )
        }
        StageKind::Lookup { outputs, .. } => {
            if !version.has_lookup_join_on_expression() {
                return Err(format!(
                    "`lookup` needs LOOKUP JOIN ... ON with an expression, which Elastic has from 9.3; this query targets {version} (--stack-version)"
                ));
            }
            match outputs {
                Some(o) if o.mode == OutputMode::OutputNew => Err(
                    "`outputnew` (fill only empty columns) has no LOOKUP JOIN equivalent".into(),
                ),
                _ => Ok(()),
            }
        }
        StageKind::FillNull { fields, .. } if fields.is_empty() => {
            Err("ES|QL cannot fill every column: list the columns to fill".into())
        }
        _ => Ok(()),
    }
}

fn aggregate_unsupported(f: AggFunc) -> Option<String> {
    Some(match f {
        AggFunc::List => "`list` keeps every value in order, with duplicates; ES|QL's VALUES keeps each distinct value once".into(),
        AggFunc::Earliest | AggFunc::Latest | AggFunc::First | AggFunc::Last => format!(
            "ES|QL has no aggregation that returns the value of the {} event",
            if matches!(f, AggFunc::Earliest | AggFunc::Last) { "first" } else { "last" }
        ),
        AggFunc::Stdev => "`stdev` is the sample standard deviation; ES|QL's STD_DEV is the population one".into(),
        _ => return None,
    })
}

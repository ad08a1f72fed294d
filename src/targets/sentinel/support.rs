//! What Kusto cannot express faithfully: the backend's `supports_stage`.
//! A stage with no faithful equivalent is refused with the reason, never
//! approximated.

use crate::ir::{AggFunc, FieldKind, Stage, StageKind, TimeUnit};

/// Whether Kusto can express a stage, and why not.
pub(super) fn support(stage: &Stage) -> Result<(), String> {
    match &stage.kind {
        StageKind::Stats { aggregates, .. } => aggregates
            .iter()
            .find_map(|a| aggregate_unsupported(a.func))
            .map_or(Ok(()), Err),
        StageKind::Rex { field, .. } if field.kind == FieldKind::Event && field.path.is("_raw") => {
            Err("Sentinel tables keep no raw event text to extract from; name the field with `field=`".into())
        }
        StageKind::Bin { span, .. } => match span.unit {
            TimeUnit::W | TimeUnit::Mon | TimeUnit::Y if span.amount != 1 => Err(format!(
                "`span={span}`: Kusto's startofweek/startofmonth/startofyear take one week, month or year"
            )),
            _ => Ok(()),
        },
        StageKind::Lookup {
            outputs: Some(o), ..
        } if o.mode == crate::ir::OutputMode::OutputNew => {
            Err("`outputnew` (fill only empty columns) has no `lookup` equivalent".into())
        }
        _ => Ok(()),
    }
}

fn aggregate_unsupported(f: AggFunc) -> Option<String> {
    Some(match f {
        AggFunc::List => {
            "`list` keeps every value in row order; Kusto's make_list keeps no defined order".into()
        }
        AggFunc::First | AggFunc::Last => format!(
            "`{}` depends on row order, which Kusto's summarize does not keep",
            f.name()
        ),
        AggFunc::Median | AggFunc::Perc(_) => format!(
            "`{}` interpolates between exact ranks; Kusto's percentile() is an approximation (T-Digest)",
            f.name()
        ),
        _ => return None,
    })
}

//! Where SPL means something other than Vigil's semantics
//! (`docs/semantics.md`) and the printer cannot make it agree: each case is
//! a warning pointing at the stage, so the difference is never silent.

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{AggFunc, Detection, Stage, StageKind, TimeUnit};

/// How many values SPL's `list()` keeps.
const SPL_LIST_LIMIT: usize = 100;

fn warn(det: &Detection, s: &Stage, message: String, help: &str) -> Diagnostic {
    Diagnostic::warning(codes::SEMANTICS_DIFFER, message)
        .with_label(s.span, format!("this `{}`", s.kind.name()))
        .with_help(help)
        .in_file(&det.file)
}

/// The differences a pipeline runs into.
pub fn check(det: &Detection, stages: &[Stage]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in stages {
        match &s.kind {
            StageKind::Bin { span, .. }
                if matches!(
                    span.unit,
                    TimeUnit::D | TimeUnit::W | TimeUnit::Mon | TimeUnit::Y
                ) =>
            {
                out.push(warn(
                    det,
                    s,
                    format!(
                        "Splunk aligns `bin span={span}` buckets to the time zone of the user running the search; Vigil aligns them to UTC"
                    ),
                    "run the search as a user whose time zone is UTC, or use a span in hours",
                ));
            }
            StageKind::Stats { aggregates, .. }
                if aggregates.iter().any(|a| a.func == AggFunc::List) =>
            {
                out.push(warn(
                    det,
                    s,
                    format!(
                        "Splunk's `list()` keeps at most {SPL_LIST_LIMIT} values; Vigil's keeps all"
                    ),
                    "use `values()` (distinct values) or `count` if more values are expected",
                ));
            }
            StageKind::Join { fields, .. } if fields.is_empty() => {
                out.push(warn(
                    det,
                    s,
                    "Splunk's `join` without fields joins on every field both sides share; Vigil's joins each row with the first sub-search row".into(),
                    "name the join fields: `join user_id [ ... ]`",
                ));
            }
            _ => {}
        }
    }
    out
}

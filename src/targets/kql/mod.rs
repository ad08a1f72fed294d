//! KQL, the Kibana Query Language: the filter of a detection.
//!
//! KQL has no pipeline. A detection compiles to KQL when its stages do not
//! change which events it returns: leading `search` stages join the filter,
//! and stages that only shape columns (`fields`, `table`, `eval`, `rename`,
//! `sort`, ...) are left out with a note, since a KQL rule returns whole
//! events. A stage that changes the results (`stats`, `where`, `head`,
//! `dedup`, ...) is an error pointing at it, unless `--filter-only` asks for
//! the filter alone.
//!
//! Strings are case-insensitive in Vigil's filters, but KQL on keyword fields
//! is case-sensitive and has no general way to fold case: such tests compile
//! as written, with a warning (`vigil::target::semantics`) pointing at each.

mod checks;
mod limits;
mod print;
mod quote;

pub use quote::{quoted, unquoted};

use super::elastic::{EFilter, Layout, Rows, scoped_filter, translate};
use super::{Backend, Compiled, Options, Package, Target, gate_pipeline};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Detection, Filter, Stage, StageKind};
use crate::profile::Profile;

/// The KQL backend.
pub struct Kql;

impl Backend for Kql {
    fn target(&self) -> Target {
        Target::Kql
    }

    fn packages(&self) -> &'static [Package] {
        &[Package::KibanaNdjson]
    }

    /// Stages that only shape columns are accepted (and left out); stages
    /// that change which rows come out are not.
    fn supports_stage(&self, stage: &Stage) -> Result<(), String> {
        if changes_rows(&stage.kind) {
            Err(format!(
                "KQL is a filter without a pipeline, and `{}` changes which results the detection returns",
                stage.kind.name()
            ))
        } else {
            Ok(())
        }
    }

    fn compile(
        &self,
        det: &Detection,
        profile: &Profile,
        opts: &Options,
    ) -> Result<Compiled, Vec<Diagnostic>> {
        let layout = Layout::new(profile)
            .map_err(|e| vec![Diagnostic::error(codes::PROFILE, e).in_file(&det.file)])?;
        let (stages, mut diags) = gate_pipeline(self, det, opts)?;
        // Leading `search` stages narrow the same events: they join the filter.
        let leading = stages
            .iter()
            .take_while(|s| matches!(s.kind, StageKind::Search { .. }))
            .count();
        let extra: Vec<Filter> = stages[..leading]
            .iter()
            .filter_map(|s| match &s.kind {
                StageKind::Search { filter } => Some(Filter::Group(Box::new(filter.clone()))),
                _ => None,
            })
            .collect();
        let rest = &stages[leading..];
        if let Some(s) = rest
            .iter()
            .find(|s| matches!(s.kind, StageKind::Search { .. }))
        {
            diags.push(
                Diagnostic::error(
                    codes::UNSUPPORTED,
                    "KQL cannot express a `search` after other stages: it would test the rows they made",
                )
                .with_label(s.span, "`search` stage")
                .with_help("move it before the other stages, or compile with --filter-only to emit the filter alone")
                .in_file(&det.file),
            );
        } else if let Some(first) = rest.first() {
            let names: Vec<&str> = rest.iter().map(|s| s.kind.name()).collect();
            diags.push(
                Diagnostic::note(
                    codes::SEMANTICS_DIFFER,
                    format!(
                        "KQL returns the matching events whole; left out: {} (they only shape the columns)",
                        names.join(", ")
                    ),
                )
                .with_label(first.span, "not part of the KQL query")
                .in_file(&det.file),
            );
        }
        let filter = scoped_filter(det, profile, &opts.params, extra);
        let (efilter, notes) = translate(&layout, &filter, Rows::Events, &det.file);
        diags.extend(notes);
        let mut printer = print::Printer::new(&det.file);
        let query = printer.query(&efilter);
        diags.extend(printer.diags);
        diags.extend(engine_limits(det, &efilter));
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        Ok(Compiled {
            query,
            diagnostics: diags,
        })
    }
}

/// Elasticsearch's clause count and nesting limits ([`limits`]), as an
/// error at the filter naming the limit and the number.
fn engine_limits(det: &Detection, f: &EFilter) -> Option<Diagnostic> {
    let (clauses, depth) = limits::size(f);
    let depth = depth + limits::KIBANA_WRAPPING;
    let message = if clauses > limits::MAX_CLAUSES {
        format!(
            "the KQL query would hold {clauses} clauses; Elasticsearch (`indices.query.bool.max_clause_count`) accepts {} on every 8.x/9.x cluster (more only on large heaps) and fails a longer query with `too_many_clauses`",
            limits::MAX_CLAUSES
        )
    } else if depth > limits::MAX_NESTED_DEPTH {
        format!(
            "the KQL query would nest {depth} queries deep (with Kibana's own wrapping); Elasticsearch (`indices.query.bool.max_nested_depth`) accepts at most {}",
            limits::MAX_NESTED_DEPTH
        )
    } else {
        return None;
    };
    Some(
        Diagnostic::error(codes::UNSUPPORTED, message)
            .with_label(det.filter_span, "this filter")
            .with_help("split the detection, or use fewer values or less nesting")
            .in_file(&det.file),
    )
}

/// True for stages after which a detection returns other rows than the
/// events its filter matched (other rows, fewer rows, or aggregates).
fn changes_rows(kind: &StageKind) -> bool {
    match kind {
        StageKind::Where { .. }
        | StageKind::Stats { event: false, .. }
        | StageKind::Head { .. }
        | StageKind::Dedup { .. }
        | StageKind::MvExpand { .. }
        | StageKind::Join { .. }
        | StageKind::Transpose { .. } => true,
        StageKind::Search { .. }
        | StageKind::Eval { .. }
        | StageKind::Stats { event: true, .. }
        | StageKind::Table { .. }
        | StageKind::Fields { .. }
        | StageKind::Rename { .. }
        | StageKind::Sort { .. }
        | StageKind::Bin { .. }
        | StageKind::Rex { .. }
        | StageKind::Spath { .. }
        | StageKind::Lookup { .. }
        | StageKind::FillNull { .. } => false,
    }
}

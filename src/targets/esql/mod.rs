//! ES|QL, Elasticsearch's piped query language: filter and pipeline.
//!
//! The query is `FROM <index pattern>`, a `WHERE` with the filter, then one
//! processing command per stage. Which stages ES|QL can express depends on
//! the stack version ([`StackVersion`], `--stack-version`, default 9.3):
//! [`Esql::supports_stage`](Backend::supports_stage) decides, and a stage
//! with no faithful equivalent (`dedup` of whole events, `transpose`,
//! sub-search `join`, ...) is an error, never an approximation.
//!
//! Non-aggregating queries read `METADATA _id, _index, _version` and keep
//! those columns, which Kibana's ES|QL rules need to deduplicate alerts.

mod compare;
mod expr;
mod filter;
mod quote;
mod regex;
mod stages;
mod stats;
mod support;
mod version;

pub use quote::{ident, string as quote_string};
pub use regex::to_lucene;
pub use version::StackVersion;

use std::collections::BTreeSet;

use super::elastic::{EField, FieldType, Layout, Rows, Source, scoped_filter, translate};
use super::{Backend, Compiled, Options, Package, Target, gate_pipeline};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Detection, FieldRef, ParamType, Stage, StageKind};
use crate::profile::Profile;
use crate::source::Span;

/// The ES|QL backend for one stack version.
pub struct Esql {
    /// The version the output runs on.
    pub version: StackVersion,
}

impl Esql {
    /// The backend for the default version.
    pub const DEFAULT: Esql = Esql {
        version: StackVersion::DEFAULT,
    };

    fn for_options(&self, opts: &Options) -> Result<Esql, String> {
        Ok(Esql {
            version: match &opts.stack_version {
                Some(v) => StackVersion::parse(v)?,
                None => self.version,
            },
        })
    }
}

impl Backend for Esql {
    fn target(&self) -> Target {
        Target::Esql
    }

    fn supports_stage(&self, stage: &Stage) -> Result<(), String> {
        support::support(self.version, stage)
    }

    fn has_single_char_wildcard(&self) -> bool {
        true
    }

    fn takes_stack_version(&self) -> bool {
        true
    }

    fn packages(&self) -> &'static [Package] {
        &[Package::KibanaNdjson]
    }

    fn check_options(&self, opts: &Options) -> Result<(), String> {
        self.for_options(opts).map(|_| ())
    }

    fn compile(
        &self,
        det: &Detection,
        profile: &Profile,
        opts: &Options,
    ) -> Result<Compiled, Vec<Diagnostic>> {
        let fail = |msg: String| vec![Diagnostic::error(codes::PROFILE, msg).in_file(&det.file)];
        let backend = self
            .for_options(opts)
            .map_err(|e| vec![Diagnostic::error(codes::UNSUPPORTED, e).in_file(&det.file)])?;
        let layout = Layout::new(profile).map_err(fail)?;
        let (index, source_note) = crate::targets::elastic::index_for(det, profile);
        let index = index
            .ok_or_else(|| fail(format!("profile `{}` has no index pattern", profile.name)))?;
        let (stages, mut diags) = gate_pipeline(&backend, det, opts)?;
        diags.extend(source_note);
        let aggregating = stages
            .iter()
            .any(|s| matches!(s.kind, StageKind::Stats { event: false, .. }));
        let mut p = Printer::new(&layout, backend.version, det, !aggregating);
        let mut lines = vec![format!("FROM {}", quote::index(&index))];
        if p.metadata {
            lines[0].push_str(" METADATA _id, _index, _version");
        }
        let filter = scoped_filter(det, profile, &opts.params, Vec::new());
        let (efilter, notes) = translate(&layout, &filter, Rows::Events, &det.file);
        diags.extend(notes);
        p.at = det.filter_span;
        if !filter.is_true() {
            lines.push(format!("| WHERE {}", p.filter(&efilter, Rows::Events)));
        }
        let mut body = Vec::new();
        for s in stages {
            p.at = s.span;
            if opts.comments {
                body.extend(s.comments.iter().map(|c| format!("// {c}")));
            }
            body.extend(p.stage(s).into_iter().map(|l| format!("| {l}")));
        }
        if !p.prelude.is_empty() {
            let defs: Vec<String> = p
                .prelude
                .iter()
                .map(|(name, e)| format!("{} = {e}", ident(name)))
                .collect();
            lines.push(format!("| EVAL {}", defs.join(", ")));
        }
        lines.extend(body);
        diags.extend(p.diags);
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        Ok(Compiled {
            query: lines.join("\n"),
            diagnostics: diags,
        })
    }
}

/// Printing state for one detection.
pub(super) struct Printer<'a> {
    layout: &'a Layout<'a>,
    version: StackVersion,
    det: &'a Detection,
    /// The query reads `_id`, `_index`, `_version` (non-aggregating).
    metadata: bool,
    /// Errors and warnings, in the order found.
    diags: Vec<Diagnostic>,
    /// Columns the pipeline reads that must be computed first (leaves of
    /// flattened fields, split fields): name and expression, in order.
    prelude: Vec<(String, String)>,
    /// Where the part being printed was written.
    at: Span,
    /// Parameters already reported.
    noted_params: BTreeSet<String>,
    /// Fields whose version error was already reported.
    reported: BTreeSet<String>,
    /// Columns known to hold several values (a `values()` aggregate, an
    /// array field, ...): SPL tests them value by value, ES|QL reads them
    /// as null in a single-value test.
    multi: BTreeSet<String>,
    /// The columns a row has, once a stage has fixed them (`stats`, `table`,
    /// ...); `None` while rows are whole events.
    known: Option<BTreeSet<String>>,
}

impl<'a> Printer<'a> {
    fn new(
        layout: &'a Layout<'a>,
        version: StackVersion,
        det: &'a Detection,
        metadata: bool,
    ) -> Self {
        Printer {
            layout,
            version,
            det,
            metadata,
            diags: Vec::new(),
            prelude: Vec::new(),
            at: det.filter_span,
            noted_params: BTreeSet::new(),
            reported: BTreeSet::new(),
            multi: BTreeSet::new(),
            known: None,
        }
    }

    /// How a field is read: its name, `FIELD_EXTRACT(...)` for a leaf of a
    /// flattened field in the filter, or a column computed in the prelude
    /// for the pipeline. `None` (with an error) if ES|QL cannot read it.
    fn field_expr(&mut self, f: &EField, rows: Rows, span: Span) -> Option<String> {
        match &f.source {
            Source::Plain if matches!(f.ty, FieldType::Flattened | FieldType::Nested) => {
                self.error(
                    span,
                    format!("`{}` is {}: test one of its keys", f.name, f.ty.describe()),
                    "a whole object",
                    None,
                );
                None
            }
            Source::Plain => Some(ident(&f.name)),
            Source::Nested { parent, .. } => {
                self.error(
                    span,
                    format!("ES|QL does not read fields inside the nested field `{parent}`"),
                    "field in a nested object",
                    Some("compile to KQL (`--target kql`), which can"),
                );
                None
            }
            Source::Flattened { root, key } => {
                if !self.version.has_field_extract() {
                    if self.reported.insert(root.clone()) {
                        self.error(
                            span,
                            format!(
                                "`{}` is a key of the flattened field `{root}`, which ES|QL reads only with FIELD_EXTRACT (Elastic 9.5 and later); this query targets {}",
                                f.name, self.version
                            ),
                            "key of a flattened field",
                            Some("compile with --stack-version 9.5, or use a profile that maps these fields (such as elastic-raw)"),
                        );
                    }
                    return None;
                }
                let call = format!("FIELD_EXTRACT({}, {})", ident(root), quote::string(key));
                match rows {
                    Rows::Events => Some(call),
                    Rows::Pipeline => {
                        self.define(&f.name, call);
                        Some(ident(&f.name))
                    }
                }
            }
            Source::Split(s) => {
                self.define(
                    &f.name,
                    format!("COALESCE({}, {})", ident(&s.first), ident(&s.then)),
                );
                Some(ident(&f.name))
            }
        }
    }

    /// A column a stage reads or names.
    fn column(&mut self, f: &FieldRef) -> String {
        let ef = self.layout.row_field(f);
        if !self.exists(&ef.name) {
            // Splunk reads a column the pipeline dropped as empty; ES|QL
            // rejects a query that names it.
            self.error(
                self.at,
                format!(
                    "there is no column `{}` here (an earlier `stats`, `table` or `fields` dropped it), and ES|QL rejects a query that names a missing column",
                    ef.name
                ),
                "reads a dropped column",
                Some("keep the column in the earlier stage, or remove it here"),
            );
        }
        self.field_expr(&ef, Rows::Pipeline, self.at)
            .unwrap_or_default()
    }

    /// True unless an earlier stage fixed the columns without this one.
    fn exists(&self, name: &str) -> bool {
        self.known.as_ref().is_none_or(|k| k.contains(name))
    }

    /// Records a column a stage made.
    fn made(&mut self, name: String) {
        if let Some(k) = &mut self.known {
            k.insert(name);
        }
    }

    /// True if `f` is known to hold several values.
    fn is_multi(&mut self, f: &FieldRef) -> bool {
        let ef = self.layout.row_field(f);
        ef.array || self.multi.contains(&ef.name)
    }

    fn define(&mut self, name: &str, expr: String) {
        if !self.prelude.iter().any(|(n, _)| n == name) {
            self.prelude.push((name.to_string(), expr));
        }
    }

    /// A parameter without a value: ES|QL's named parameter `?name`.
    fn param(&mut self, name: &str) -> String {
        let (p, renamed) = quote::param(name);
        if self.noted_params.insert(name.to_string()) {
            let mut msg = format!(
                "parameter `{name}` has no value: the query reads it as the ES|QL parameter `{p}`"
            );
            if renamed {
                msg.push_str(" (ES|QL parameter names hold only letters, digits and `_`)");
            }
            let span = self
                .det
                .params
                .iter()
                .find(|x| x.name == name)
                .map_or(self.at, |x| x.span);
            self.diags.push(
                Diagnostic::note(codes::PARAM, msg)
                    .with_label(span, "declared here")
                    .with_help(format!(
                        "pass `params` with the query, or compile with --param {name}=VALUE"
                    ))
                    .in_file(&self.det.file),
            );
        }
        p
    }

    fn param_type(&self, name: &str) -> ParamType {
        self.det
            .params
            .iter()
            .find(|p| p.name == name)
            .map_or(ParamType::String, |p| p.ty)
    }

    fn error(&mut self, span: Span, msg: impl Into<String>, label: &str, help: Option<&str>) {
        let mut d = Diagnostic::error(codes::UNSUPPORTED, msg)
            .with_label(span, label)
            .in_file(&self.det.file);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    fn warn(&mut self, span: Span, msg: &str, label: &str) {
        self.diags.push(
            Diagnostic::warning(codes::SEMANTICS_DIFFER, msg)
                .with_label(span, label)
                .in_file(&self.det.file),
        );
    }
}

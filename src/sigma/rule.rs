//! A detection rule document → its metadata and IR filter.

use super::Cx;
use super::condition;
use super::detection::{self, or};
use super::meta;
use super::yaml::{Node, NodeKind};
use crate::diagnostic::codes;
use crate::ir::{Filter, Meta, Param};
use crate::source::Span;

/// A rule read from its document.
#[derive(Debug)]
pub struct Rule {
    /// Metadata.
    pub meta: Meta,
    /// What it matches.
    pub filter: Filter,
    /// Placeholders it uses.
    pub params: Vec<Param>,
    /// Where it starts (its title).
    pub span: Span,
    /// Its condition.
    pub filter_span: Span,
    /// `logsource.product: auth0`: field names lose the stream's `data.`.
    pub auth0: bool,
}

/// True if the metadata says the events are Auth0 logs.
pub fn is_auth0(meta: &Meta) -> bool {
    meta.logsource.get("product").map(String::as_str) == Some("auth0")
}

/// The span a document's diagnostics start from: its title, else its start.
pub fn start_span(root: &Node) -> Span {
    root.get("title")
        .map_or(Span::new(root.span.start, root.span.start), |t| t.span)
}

/// What reading a rule gives.
pub enum Read {
    /// The rule, without errors.
    Rule(Rule),
    /// A rule with errors: its metadata (correlations may refer to a broken
    /// rule by id or name).
    Broken(Meta),
}

/// Reads a rule.
pub fn read(cx: &mut Cx, root: &Node) -> Read {
    let errors = cx.errors();
    let meta = meta::read(cx, root);
    cx.begin(is_auth0(&meta));
    let span = start_span(root);
    required(cx, root, &meta, span);
    let Some(det) = root.get("detection") else {
        cx.error(
            codes::SIGMA,
            span,
            "the rule has no `detection`",
            "rule without detection",
            "add `detection:` with search identifiers and a `condition`",
        );
        return Read::Broken(meta);
    };
    let mut sels = detection::selections(cx, det, &["condition"]);
    let Some(cond) = det.get("condition") else {
        cx.error(
            codes::SIGMA,
            det.span,
            "the detection has no `condition`",
            "no condition",
            "add `condition: selection` (or a combination of the search identifiers)",
        );
        return Read::Broken(meta);
    };
    let filter = match &cond.kind {
        // A list of conditions: each is a query of its own; together they
        // match what any of them matches.
        NodeKind::Seq(items) => {
            let parts: Vec<Option<Filter>> = items
                .iter()
                // Each condition takes from its own copy of the selections.
                .map(|c| condition::lower(cx, c, &mut sels.clone()))
                .collect();
            parts.into_iter().collect::<Option<Vec<_>>>().map(or)
        }
        _ => condition::lower(cx, cond, &mut sels),
    };
    let params = cx.take_params();
    let auth0 = cx.auth0;
    match filter {
        Some(filter) if cx.errors() == errors => Read::Rule(Rule {
            meta,
            filter,
            params,
            span,
            filter_span: cond.span,
            auth0,
        }),
        _ => Read::Broken(meta),
    }
}

/// The fields every rule needs.
fn required(cx: &mut Cx, root: &Node, meta: &Meta, span: Span) {
    if meta.title.is_none() {
        cx.error(
            codes::SIGMA,
            span,
            "the rule has no `title`",
            "rule without title",
            "add `title: ...` (Sigma requires it)",
        );
    }
    if root.get("logsource").is_none() {
        cx.error(
            codes::SIGMA,
            span,
            "the rule has no `logsource`",
            "rule without logsource",
            "add `logsource:` with a product, category or service",
        );
    }
}

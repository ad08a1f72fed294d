//! Sigma filter documents (filters v2.1): a condition ANDed into every rule
//! of the same load whose logsource it matches and that it names (by id or
//! name, or `any`). As in pySigma, filters never apply to correlations, and
//! an exclusion is written `condition: not selection`.

use std::collections::BTreeMap;

use super::Cx;
use super::condition;
use super::correlation::Named;
use super::detection;
use super::meta;
use super::rule::{is_auth0, start_span};
use super::yaml::{Node, NodeKind};
use crate::diagnostic::codes;
use crate::ir::{Filter, Meta, Param};
use crate::source::Span;

/// A filter document.
#[derive(Debug)]
pub struct FilterDoc {
    /// Its metadata (title, id, ...).
    pub meta: Meta,
    /// The rules it applies to (`None`: every rule with a matching
    /// logsource).
    pub rules: Option<Vec<Named>>,
    /// The condition to AND in.
    pub filter: Filter,
    /// Placeholders it uses.
    pub params: Vec<Param>,
    /// Where it starts.
    pub span: Span,
}

impl FilterDoc {
    /// True if the filter applies to a rule with this metadata.
    pub fn applies_to(&self, rule: &Meta) -> bool {
        let logsource_ok = self
            .meta
            .logsource
            .iter()
            .all(|(k, v)| rule.logsource.get(k) == Some(v));
        logsource_ok && self.names(rule)
    }

    /// True if `rules` is `any` or names the rule.
    pub fn names(&self, rule: &Meta) -> bool {
        match &self.rules {
            None => true,
            Some(refs) => refs
                .iter()
                .any(|(r, _)| rule.id.as_ref() == Some(r) || rule.name.as_ref() == Some(r)),
        }
    }
}

/// Reads a filter document.
pub fn read(cx: &mut Cx, root: &Node) -> Option<FilterDoc> {
    let errors = cx.errors();
    let meta = meta::read(cx, root);
    cx.begin(is_auth0(&meta));
    let span = start_span(root);
    if root.get("logsource").is_none() {
        cx.error(
            codes::SIGMA,
            span,
            "the filter has no `logsource`",
            "filter without logsource",
            "add the logsource of the rules it filters",
        );
    }
    let Some(body) = root.get("filter").filter(|f| f.as_map().is_some()) else {
        cx.error(
            codes::SIGMA,
            span,
            "`filter` must be a mapping",
            "not a filter",
            "give it `rules`, search identifiers and a `condition`",
        );
        return None;
    };
    let rules = match body.get("rules") {
        None => {
            cx.error(
                codes::SIGMA,
                body.span,
                "the filter has no `rules`",
                "no rules",
                "list rule ids or names, or write `rules: any` to filter every rule of the logsource",
            );
            None
        }
        Some(r) => match (&r.kind, r.as_text()) {
            (_, Some(t)) if t.eq_ignore_ascii_case("any") => None,
            (_, Some(t)) => Some(vec![(t.to_string(), r.span)]),
            (NodeKind::Seq(items), _) if items.is_empty() => None,
            (NodeKind::Seq(items), _) => Some(
                items
                    .iter()
                    .filter_map(|i| Some((i.as_text()?.to_string(), i.span)))
                    .collect(),
            ),
            _ => {
                cx.error(
                    codes::SIGMA,
                    r.span,
                    "`rules` must list rule ids or names",
                    "not a list",
                    "write a list, or `any`",
                );
                None
            }
        },
    };
    let mut sels = detection::selections(cx, body, &["condition", "rules"]);
    let filter = match body.get("condition") {
        Some(c) => condition::lower(cx, c, &mut sels),
        None => {
            cx.error(
                codes::SIGMA,
                body.span,
                "the filter has no `condition`",
                "no condition",
                "add `condition: not selection` to exclude what the selection matches",
            );
            None
        }
    };
    let params = cx.take_params();
    let filter = filter.filter(|_| cx.errors() == errors)?;
    Some(FilterDoc {
        meta,
        rules,
        filter,
        params,
        span,
    })
}

/// The logsource as a sorted map (for messages).
pub fn logsource_text(l: &BTreeMap<String, String>) -> String {
    l.iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

//! The detection's filter → a [`Tree`] of Auth0 tests, with diagnostics.
//!
//! A test Auth0 cannot search exactly is an error, unless `--filter-only`
//! asks for a superset of the events. Then the test's polarity decides: where
//! it counts positively (under an even number of `not`s) it is replaced by a
//! superset of its events ([`Support::Approx`]'s `upper`, often "every
//! event"); under a `not` it is replaced by "no event", so that the `not`
//! around it becomes "every event". Either way the query selects at least
//! every event the detection's filter selects.

use std::sync::Arc;

use super::caps::Caps;
use super::preds::{self, Support};
use super::query::Tree;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::Filter;
use crate::profile::Profile;
use crate::source::{SourceFile, Span};

/// Translation state and what it found.
pub struct Translator<'a> {
    caps: &'a Caps,
    profile: &'a Profile,
    filter_only: bool,
    file: &'a Arc<SourceFile>,
    /// Tests Auth0 cannot search (when not `--filter-only`).
    pub errors: Vec<Diagnostic>,
    /// Tests left out or widened (under `--filter-only`).
    pub warnings: Vec<Diagnostic>,
    /// Tests whose values Auth0 matches case-sensitively although the test
    /// ignores case.
    pub case_spans: Vec<Span>,
}

impl<'a> Translator<'a> {
    /// A translator for one detection.
    pub fn new(
        caps: &'a Caps,
        profile: &'a Profile,
        filter_only: bool,
        file: &'a Arc<SourceFile>,
    ) -> Self {
        Translator {
            caps,
            profile,
            filter_only,
            file,
            errors: Vec::new(),
            warnings: Vec::new(),
            case_spans: Vec::new(),
        }
    }

    /// Translates `f`; `positive` is false under an odd number of `not`s.
    pub fn filter(&mut self, f: &Filter, positive: bool) -> Tree {
        match f {
            Filter::True => Tree::All,
            Filter::And(items) => Tree::And(items.iter().map(|x| self.filter(x, positive)).collect()),
            Filter::Or(items) => Tree::Or(items.iter().map(|x| self.filter(x, positive)).collect()),
            Filter::Not(x) => Tree::Not(Box::new(self.filter(x, !positive))),
            Filter::Group(x) => self.filter(x, positive),
            Filter::Keyword(k) => self.approximate(
                k.span,
                "Auth0 log search has no full-text search: a bare term is searched only in client_name, connection, description, ip, log_id, type and user_name".into(),
                Tree::All,
                positive,
            ),
            Filter::Pred(p) => {
                let o = preds::translate(self.caps, self.profile, p);
                match o.support {
                    Support::Exact(t) => {
                        if o.case_differs {
                            self.case_spans.push(p.span);
                        }
                        t
                    }
                    Support::Approx { upper, why } => {
                        let t = self.approximate(p.span, why, upper, positive);
                        if o.case_differs && !matches!(t, Tree::All | Tree::Nothing) {
                            self.case_spans.push(p.span);
                        }
                        t
                    }
                }
            }
        }
    }

    /// A test Auth0 can search only by `upper`, a superset of its events.
    fn approximate(&mut self, span: Span, why: String, upper: Tree, positive: bool) -> Tree {
        if !self.filter_only {
            self.errors.push(
                Diagnostic::error(
                    codes::UNSUPPORTED,
                    format!("auth0 cannot express this test: {why}"),
                )
                .with_label(span, "this test")
                .with_help(format!(
                    "Auth0 searches only {}; rewrite the test, or compile with --filter-only to search a superset of the events",
                    self.caps.names().join(", ")
                ))
                .in_file(self.file),
            );
            return Tree::All;
        }
        let (tree, what, label) = match (positive, upper) {
            (true, Tree::All) => (Tree::All, "left out of", "left out"),
            (true, upper) => (upper, "widened in", "widened"),
            // Under a `not`, "no event" here makes the `not` "every event".
            (false, _) => (
                Tree::Nothing,
                "left out of",
                "left out (it is under a `not`)",
            ),
        };
        self.warnings.push(
            Diagnostic::warning(
                codes::FILTER_ONLY,
                format!(
                    "--filter-only: this test is {what} the auth0 query, which selects more events than the detection: {why}"
                ),
            )
            .with_label(span, label)
            .in_file(self.file),
        );
        tree
    }
}

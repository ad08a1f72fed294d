//! Auth0 tenant log search (`GET /api/v2/logs?q=...`, search engine v3).
//!
//! Auth0 searches a Lucene query over 16 documented fields (the capability
//! table in the profile, [`caps`]); values match whole and case-sensitively;
//! `*` is the only wildcard; there is no pipeline. The output is one line:
//! `type:"sapi" AND (description:"A" OR description:"B")`.
//!
//! - Exact values are quoted phrases; wildcard patterns are unquoted with
//!   every reserved character escaped ([`quote`]).
//! - Booleans are explicit upper-case `AND`/`OR`/`NOT`, nested groups are
//!   parenthesised, and every `NOT` sits beside a positive clause
//!   ([`query`]).
//! - A test or stage Auth0 cannot run is an error pointing at it; with
//!   `--filter-only` the query is a superset of the detection's events, with
//!   a warning for each test left out or widened ([`translate`]). A `search`
//!   stage that narrows the raw events before any aggregation joins the
//!   filter (`hoist`).
//! - Vigil's string tests ignore case unless `cased`, Auth0's never do: a
//!   field whose values Auth0 writes in lower case (`type`) gets a
//!   lower-cased value, which is exact; any other case-insensitive test of a
//!   value with letters is emitted as written, with one `SEMANTICS_DIFFER`
//!   warning naming those tests.

pub mod caps;
mod hoist;
pub mod mgmt;
mod pattern;
pub mod preds;
pub mod query;
pub mod quote;
mod ranges;
pub mod translate;

use super::{Backend, Compiled, Options, Target, gate_pipeline};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Detection, Stage};
use crate::profile::Profile;
use caps::Caps;
use query::Norm;
use translate::Translator;

pub use quote::logs_request_path;

/// The Auth0 log search backend.
pub struct Auth0;

impl Backend for Auth0 {
    fn target(&self) -> Target {
        Target::Auth0
    }

    fn supports_stage(&self, _stage: &Stage) -> Result<(), String> {
        Err("Auth0 log search only selects events; it has no pipeline stages".into())
    }

    fn request_path(&self, query: &str) -> Option<String> {
        Some(logs_request_path(query))
    }

    fn compile(
        &self,
        det: &Detection,
        profile: &Profile,
        opts: &Options,
    ) -> Result<Compiled, Vec<Diagnostic>> {
        let caps =
            Caps::from_profile(profile).map_err(|e| vec![Diagnostic::error(codes::PROFILE, e)])?;
        let hoisted = hoist::hoist_searches(det);
        let (det, hoisted_spans) = match &hoisted {
            Some((d, spans)) => (d, spans.as_slice()),
            None => (det, &[][..]),
        };
        let gated = gate_pipeline(self, det, opts);
        let mut tr = Translator::new(&caps, profile, opts.filter_only, &det.file);
        let tree = tr.filter(&det.filter, true);
        let mut diagnostics = match gated {
            Ok((_, d)) if tr.errors.is_empty() => d,
            Ok(_) => return Err(tr.errors),
            Err(mut e) => {
                e.extend(tr.errors);
                return Err(e);
            }
        };
        let left_out = !tr.warnings.is_empty();
        let query = match query::normalize(tree) {
            Norm::Pos(q) if q.clauses() > query::MAX_CLAUSES => {
                return Err(vec![
                    Diagnostic::error(
                        codes::UNSUPPORTED,
                        format!(
                            "the auth0 query would hold {} clauses; Lucene (Elasticsearch's max_clause_count) accepts at most {}",
                            q.clauses(),
                            query::MAX_CLAUSES
                        ),
                    )
                    .with_label(det.filter_span, "this filter")
                    .with_help("split the detection, or narrow the filter with fewer values")
                    .in_file(&det.file),
                ]);
            }
            Norm::Pos(q) => query::print(&q),
            Norm::All => {
                if left_out && !det.filter.is_true() {
                    tr.warnings.push(whole_filter(
                        det,
                        "--filter-only: nothing of the filter is left; the auth0 query is empty and selects every log event",
                    ));
                }
                String::new()
            }
            Norm::Nothing => {
                return Err(vec![
                    Diagnostic::error(codes::SEMANTIC, "the filter matches no event")
                        .with_label(det.filter_span, "this filter")
                        .in_file(&det.file),
                ]);
            }
            Norm::Neg(_) if opts.filter_only => {
                tr.warnings.push(whole_filter(
                    det,
                    "--filter-only: the filter only excludes events, which Auth0 log search cannot express; the auth0 query is empty and selects every log event",
                ));
                String::new()
            }
            Norm::Neg(_) => {
                return Err(vec![
                    Diagnostic::error(
                        codes::UNSUPPORTED,
                        "auth0 cannot express a filter that only excludes events (a query of `NOT` clauses alone)",
                    )
                    .with_label(det.filter_span, "every test here is negated")
                    .with_help("add a positive test, e.g. `type == \"s\" and not ...`, or compile with --filter-only")
                    .in_file(&det.file),
                ]);
            }
        };
        if let Some((first, rest)) = hoisted_spans.split_first() {
            let mut note = Diagnostic::note(
                codes::FILTER_ONLY,
                "a `search` stage that narrows the events before any aggregation is part of the auth0 query",
            )
            .with_label(*first, "searched by Auth0");
            for s in rest {
                note = note.with_label(*s, "searched by Auth0");
            }
            diagnostics.push(note.in_file(&det.file));
        }
        diagnostics.append(&mut tr.warnings);
        if let Some(w) = case_warning(det, &tr.case_spans) {
            diagnostics.push(w);
        }
        Ok(Compiled { query, diagnostics })
    }
}

fn whole_filter(det: &Detection, message: &str) -> Diagnostic {
    Diagnostic::warning(codes::FILTER_ONLY, message)
        .with_label(det.filter_span, "the filter")
        .in_file(&det.file)
}

/// One warning for every test whose value Auth0 matches case-sensitively
/// although the test ignores case.
fn case_warning(det: &Detection, spans: &[crate::source::Span]) -> Option<Diagnostic> {
    let (first, rest) = spans.split_first()?;
    let what = match spans.len() {
        1 => "1 test here ignores case in Vigil but matches".to_string(),
        n => format!("{n} tests here ignore case in Vigil but match"),
    };
    let mut d = Diagnostic::warning(
        codes::SEMANTICS_DIFFER,
        format!(
            "Auth0 log search is case-sensitive: {what} only the case written in the auth0 query"
        ),
    )
    .with_label(*first, "matched case-sensitively by Auth0");
    for s in rest {
        d = d.with_label(*s, "matched case-sensitively by Auth0");
    }
    Some(
        d.with_help(
            "write values in the case Auth0 logs them; a cased test (`f like \"Value\" cased`) states that the exact case is meant and is not warned about",
        )
        .in_file(&det.file),
    )
}

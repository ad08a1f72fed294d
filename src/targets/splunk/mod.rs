//! Splunk SPL.
//!
//! The search starts with the profile's base terms (`index=`, `sourcetype=`,
//! tenant scope), then the filter in search-command syntax, then one line per
//! stage. Filter conjuncts the search command cannot express exactly (a
//! literal `*`, a single-character wildcard, a regular expression, a
//! comparison of two fields) move to a `| where` right after the search, in
//! eval syntax with the same meaning.

mod differences;
mod eval;
mod limits;
mod quote;
mod search;
mod stages;

use super::{Backend, Compiled, Options, Package, Target, gate_pipeline};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{
    self, Detection, FieldKind, FieldRef, Filter, Pred, Scope, SubQuery, Test, Text, TextPart,
    Value,
};
use crate::profile::Profile;
use std::borrow::Cow;

pub use quote::{escape_string, is_bare_search_word};

/// The Splunk backend.
pub struct Splunk;

impl Backend for Splunk {
    fn target(&self) -> Target {
        Target::Splunk
    }

    fn packages(&self) -> &'static [Package] {
        &[Package::Savedsearches]
    }

    fn compile(
        &self,
        det: &Detection,
        profile: &Profile,
        opts: &Options,
    ) -> Result<Compiled, Vec<Diagnostic>> {
        let (stages, mut diagnostics) = gate_pipeline(self, det, opts)?;
        let mut referenced = std::collections::BTreeSet::new();
        ir::visit::stage_fields(&det.pipeline, &mut |f| {
            if f.kind == FieldKind::Local {
                referenced.insert(f.path.render("[]"));
            }
        });
        let printer = Printer {
            profile,
            scope: det.scope,
            params: &opts.params,
            referenced,
            hints: std::cell::RefCell::new(det.hints.clone()),
            logsource: &det.meta.logsource,
        };
        let unquotable = printer.unquotable_fields(det);
        if !unquotable.is_empty() {
            return Err(unquotable);
        }
        // Without index or scope terms (a plain profile) the search starts
        // with the filter itself.
        let mut lines: Vec<String> = Some(printer.base(true))
            .filter(|b| !b.is_empty())
            .into_iter()
            .collect();
        let (search_part, where_part) = printer.split(&det.filter);
        if !search_part.is_true() || lines.is_empty() {
            lines.push(printer.search_filter(&search_part, true));
        }
        if let Some(w) = where_part {
            lines.push(format!("| where {}", printer.filter_as_eval(&w)));
        }
        diagnostics.extend(differences::check(det, stages));
        if let Some(e) = limits::check(det, stages) {
            return Err(vec![e]);
        }
        for (i, s) in stages.iter().enumerate() {
            if opts.comments {
                for c in &s.comments {
                    if c.contains("```") {
                        diagnostics.push(
                            Diagnostic::warning(
                                codes::SEMANTICS_DIFFER,
                                "a comment containing ``` was left out of the SPL",
                            )
                            .with_label(s.span, "the stage it is attached to")
                            .in_file(&det.file),
                        );
                        continue;
                    }
                    // Spaces inside the markers keep a comment that starts or ends
                    // with a backtick from running into them.
                    lines.push(format!("``` {c} ```"));
                }
            }
            lines.push(format!("| {}", printer.stage(s, stages.get(i + 1))));
        }
        Ok(Compiled {
            query: lines.join("\n"),
            diagnostics,
        })
    }
}

/// Printing state: the profile and how the detection is scoped.
pub(crate) struct Printer<'a> {
    profile: &'a Profile,
    scope: Scope,
    params: &'a std::collections::BTreeMap<String, String>,
    /// Pipeline columns some stage names: an aggregate without `as` whose
    /// SPL name differs from its Vigil name (`dc(data.ip)`, `dc(ip)`) gets an
    /// explicit `as` when a later stage uses it.
    referenced: std::collections::BTreeSet<String>,
    /// The spelling hints of what is being printed: the detection's for its
    /// filter, then each stage's (see [`ir::hint`]).
    hints: std::cell::RefCell<ir::Hints>,
    /// The detection's data source; its Splunk terms (`index`,
    /// `sourcetype`, ..., read from SPL) stand for the profile's.
    logsource: &'a std::collections::BTreeMap<String, String>,
}

impl Printer<'_> {
    /// Errors for the field names SPL cannot quote (see
    /// [`quote::check_field_name`]), one per name, at its first use.
    fn unquotable_fields(&self, det: &Detection) -> Vec<Diagnostic> {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        let mut check = |f: &FieldRef, span: crate::source::Span| {
            let name = self.field_name(f);
            if let Err(why) = quote::check_field_name(&name)
                && seen.insert(name)
            {
                out.push(
                    Diagnostic::error(codes::UNSUPPORTED, format!("splunk: {why}"))
                        .with_label(span, "this field")
                        .with_help("rename the field (for example with a profile field mapping)")
                        .in_file(&det.file),
                );
            }
        };
        det.filter.for_each_pred(&mut |p| {
            check(&p.field, p.span);
            if let Test::FieldEq { other } = &p.test {
                check(other, p.span);
            }
        });
        for s in &det.pipeline {
            ir::visit::stage_fields(std::slice::from_ref(s), &mut |f| check(f, s.span));
        }
        out
    }

    /// The target's name for a field.
    fn field_name(&self, f: &FieldRef) -> String {
        match f.kind {
            FieldKind::Event => self.profile.event_field(&f.path, "{}"),
            FieldKind::Local | FieldKind::Lookup => f.path.render("{}"),
        }
    }

    /// `index=... sourcetype=... <scope terms>` (with `search ` in a
    /// sub-search).
    fn base(&self, _top: bool) -> String {
        let mut terms = Vec::new();
        for key in crate::profile::SPLUNK_SOURCE_KEYS {
            let profile_value = match *key {
                "index" => self.profile.index.as_deref(),
                "sourcetype" => self.profile.sourcetype.as_deref(),
                _ => None,
            };
            let values: Vec<String> = match self.logsource.get(*key) {
                // Alternatives (`sourcetype=a OR sourcetype=b`).
                Some(v) => crate::profile::source_values(v),
                None => profile_value.into_iter().map(str::to_string).collect(),
            };
            let alternatives: Vec<String> = values
                .into_iter()
                .map(|v| format!("{key}={}", quote::search_text(&Text::lit(v))))
                .collect();
            match alternatives.len() {
                0 => {}
                1 => terms.extend(alternatives),
                _ => terms.push(format!("({})", alternatives.join(" OR "))),
            }
        }
        if self.scope == Scope::Profile {
            for t in &self.profile.scope {
                let mut value = Text {
                    parts: vec![TextPart::Param(t.param.clone())],
                };
                ir::params::substitute_text(&mut value, self.params);
                let pred = Filter::Pred(Pred {
                    field: FieldRef::event(&t.field),
                    test: Test::Eq {
                        value: Value::Str(value),
                        cased: false,
                    },
                    span: Default::default(),
                });
                terms.push(self.search_filter(&pred, true));
            }
        }
        terms.join(" ")
    }

    /// Splits a filter into what the search command can express and what has
    /// to go to `where` (top-level conjuncts only, which keeps the meaning).
    /// A filter the search command takes whole is borrowed, not copied.
    fn split<'f>(&self, f: &'f Filter) -> (Cow<'f, Filter>, Option<Cow<'f, Filter>>) {
        if self.searchable(f) {
            return (Cow::Borrowed(f), None);
        }
        match f {
            Filter::And(items) => {
                let (s, w): (Vec<Filter>, Vec<Filter>) =
                    items.iter().cloned().partition(|x| self.searchable(x));
                (Cow::Owned(Filter::and(s)), Some(Cow::Owned(Filter::and(w))))
            }
            other => (Cow::Owned(Filter::True), Some(Cow::Borrowed(other))),
        }
    }

    /// A sub-search: `search <base> <filter>` then its stages.
    fn subsearch(&self, q: &SubQuery) -> String {
        let mut first = format!("search {}", self.base(false));
        let (search_part, where_part) = self.split(&q.filter);
        if !search_part.is_true() {
            first.push(' ');
            first.push_str(&self.search_filter(&search_part, true));
        }
        let mut lines = vec![first];
        if let Some(w) = where_part {
            lines.push(format!("| where {}", self.filter_as_eval(&w)));
        }
        for (i, s) in q.stages.iter().enumerate() {
            lines.push(format!("| {}", self.stage(s, q.stages.get(i + 1))));
        }
        lines.join("\n")
    }
}

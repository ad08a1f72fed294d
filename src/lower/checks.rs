//! Checks on the names a detection reads: a column an earlier stage dropped
//! (an error: the read finds nothing), a field no event of the log source
//! has (a warning with "did you mean"), a parameter written without braces,
//! and a single-quoted name compared as if it were a string.

use super::Lowerer;
use super::names::Names;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{FieldKind, FieldRef, Meta, TIMESTAMP};
use crate::schema::{self, Lookup, Schema, closest};
use crate::source::Span;
use crate::syntax::ast;

/// One name read by the query, where it was written.
#[derive(Clone, Debug)]
pub(crate) struct Read {
    field: FieldRef,
    span: Span,
    /// The stage that dropped the column before this read, and the columns
    /// left after it.
    dropped_by: Option<(Span, Vec<String>)>,
    /// A single-quoted name on the right of `==` / `!=`.
    compared: bool,
}

/// The field table of a detection's log source, if Vigil has one.
pub(crate) fn schema_for(meta: &Meta) -> Option<&'static Schema> {
    let product = meta.logsource.get("product")?;
    product.eq_ignore_ascii_case("auth0").then(schema::auth0)
}

impl Lowerer {
    /// Resolves a field read at `span` and remembers it for [`Self::check_reads`].
    pub(crate) fn read(&mut self, names: &Names, f: &ast::Field, span: Span) -> FieldRef {
        let field = names.resolve(f);
        self.reads.push(Read {
            dropped_by: names.dropped_by(&field.path).map(|at| (at, names.kept())),
            field: field.clone(),
            span,
            compared: false,
        });
        field
    }

    /// [`Self::read`] for the right side of a comparison: a quoted name there
    /// is most often a string written with the wrong quotes.
    pub(crate) fn read_compared(&mut self, names: &Names, f: &ast::Field, span: Span) -> FieldRef {
        let field = self.read(names, f, span);
        if let Some(r) = self.reads.last_mut() {
            r.compared = f.quoted;
        }
        field
    }

    /// Reports what the recorded reads reveal.
    pub(crate) fn check_reads(&mut self, schema: Option<&Schema>) {
        let reads = std::mem::take(&mut self.reads);
        for r in &reads {
            let name = r.field.path.to_string();
            if let Some((stage, kept)) = &r.dropped_by {
                let param = self.similar_param(&name, true);
                self.diags
                    .push(dropped(&name, r.span, *stage, kept, param.as_deref()));
                continue;
            }
            if r.field.kind == FieldKind::Local || r.field.path.is(TIMESTAMP) {
                continue;
            }
            let known = schema.map(|s| s.lookup(&name) != Lookup::Unknown);
            if known == Some(true) {
                continue;
            }
            if r.compared {
                self.diags.push(
                    Diagnostic::warning(
                        codes::SCHEMA,
                        format!("`'{name}'` is a field name, not a string"),
                    )
                    .with_label(r.span, "single quotes name a field")
                    .with_help(format!(
                        "strings take double quotes: \"{name}\"; to compare two fields, keep the quotes only if the field really is named `{name}`"
                    )),
                );
                continue;
            }
            if let Some(p) = self.similar_param(&name, known.is_some()) {
                self.diags.push(
                    Diagnostic::warning(
                        codes::SCHEMA,
                        format!("`{name}` is read as an event field, not the parameter `{p}`"),
                    )
                    .with_label(r.span, "an event field")
                    .with_help(format!("parameters are written in braces: {{{p}}}")),
                );
                continue;
            }
            if let Some(s) = schema {
                let help = match s.suggest(&name) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => "check the spelling against the Auth0 log schemas (https://github.com/auth0/auth0-log-schemas)".to_string(),
                };
                self.diags.push(
                    Diagnostic::warning(
                        codes::SCHEMA,
                        format!("no Auth0 log event has a field `{name}`"),
                    )
                    .with_label(r.span, "unknown field")
                    .with_help(help),
                );
            }
        }
    }

    /// A declared parameter the name was probably meant to be: the same name
    /// always; a close one only when a schema says the field is unknown.
    fn similar_param(&self, name: &str, have_schema: bool) -> Option<String> {
        if self.params.contains_key(name) {
            return Some(name.to_string());
        }
        if !have_schema {
            return None;
        }
        closest(name, self.params.keys().map(String::as_str)).map(str::to_string)
    }
}

/// A read of a column that `stage` dropped; `kept` are the columns left,
/// `param` a parameter of similar name.
fn dropped(name: &str, at: Span, stage: Span, kept: &[String], param: Option<&str>) -> Diagnostic {
    let help = if let Some(p) = param {
        format!("to use the parameter, write it in braces: {{{p}}}")
    } else if let Some(n) = closest(name, kept.iter().map(String::as_str)) {
        format!("did you mean `{n}`, a column of that stage?")
    } else if kept.is_empty() {
        "read the column before that stage, or keep it there".to_string()
    } else {
        format!(
            "the columns here are {}; read `{name}` before that stage, or keep it there (`by`, an aggregate, the field list)",
            kept.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Diagnostic::error(
        codes::SEMANTIC,
        format!("`{name}` no longer exists here: an earlier stage dropped it"),
    )
    .with_label(at, "read after it was dropped")
    .with_label(stage, "this stage keeps only its own columns")
    .with_help(help)
}

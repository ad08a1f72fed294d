//! The Vigil printer: IR → Vigil source text.
//!
//! It prints any detection, whatever reader produced it, so a team can move
//! a Sigma rule to Vigil's language (`vigil convert RULE.yml --to vigil`).
//! The text lowers back to the same IR for every detection Vigil's own
//! language produces (the round-trip tests check all of `detections/`). IR
//! only another reader produces is printed with the same meaning in Vigil's
//! forms: regular-expression flags as an inline `(?i)`. What the language
//! cannot say at all (a full-text keyword) is an error; metadata it cannot
//! type exactly (a boolean, a negative number) is kept as text with a
//! warning.
//!
//! Architecture invariant: the printer reads only the IR; precedence and
//! escaping follow `grammar/vigil.pest` (escaping in [`quote`]).

mod expr;
mod filter;
mod header;
mod quote;
mod stages;

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Detection, FieldRef};
use crate::source::Span;

/// Printed source and what was noticed on the way.
#[derive(Clone, Debug)]
pub struct Printed {
    /// The Vigil source.
    pub text: String,
    /// Warnings (lossy metadata).
    pub diagnostics: Vec<Diagnostic>,
}

/// Prints a detection as Vigil source. Errors say what has no Vigil form.
pub fn print(det: &Detection) -> Result<Printed, Vec<Diagnostic>> {
    print_parts(det, true, true)
}

/// Prints only the query, with the stages' comments, and without the
/// `search` line unless `search` is set: what `vigil fmt` lays out, keeping
/// the author's header (and a commented `search` line) as written.
pub fn print_query(det: &Detection, search: bool) -> Result<Printed, Vec<Diagnostic>> {
    print_parts(det, false, search)
}

fn print_parts(det: &Detection, header: bool, search: bool) -> Result<Printed, Vec<Diagnostic>> {
    let mut p = Printer {
        det,
        diags: Vec::new(),
        hints: Default::default(),
    };
    let mut out = String::new();
    if header {
        p.header(&mut out);
        out.push('\n');
    }
    if !det.filter.is_true() {
        if search {
            out.push_str(&p.search_head());
            out.push('\n');
        }
    } else if det.pipeline.is_empty() {
        p.error(det.filter_span, "the detection has no filter and no stages");
    }
    for s in &det.pipeline {
        p.stage_lines(s, &mut out);
    }
    if p.diags.iter().any(Diagnostic::is_error) {
        return Err(p.diags);
    }
    Ok(Printed {
        text: out,
        diagnostics: p.diags,
    })
}

/// Printing state: the detection (for spans) and the diagnostics so far.
pub(crate) struct Printer<'a> {
    det: &'a Detection,
    diags: Vec<Diagnostic>,
    /// The spelling hints of the stage being printed.
    hints: crate::ir::Hints,
}

impl Printer<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diags.push(
            Diagnostic::error(codes::UNSUPPORTED, message)
                .with_label(span, "no Vigil form")
                .in_file(&self.det.file),
        );
    }

    fn warn(&mut self, span: Span, message: impl Into<String>) {
        self.diags.push(
            Diagnostic::warning(codes::SEMANTICS_DIFFER, message)
                .with_label(span, "here")
                .in_file(&self.det.file),
        );
    }

    /// A field name, or an error if no Vigil spelling reads back the same.
    fn field(&mut self, f: &FieldRef, span: Span) -> String {
        quote::field(f).unwrap_or_else(|| {
            self.error(
                span,
                format!("the field name `{}` cannot be written in Vigil (a `'` in the name, or a `.` inside a segment)", f.path),
            );
            String::new()
        })
    }
}

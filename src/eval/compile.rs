//! The compile context: turns IR pieces into evaluator pieces and collects
//! what cannot run (unset parameters, regular expressions the engine lacks,
//! missing lookup files) as diagnostics pointing at the rule's source.

use std::sync::Arc;

use super::value::Val;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Text, TextPart, Value};
use crate::source::{SourceFile, Span};

/// Collects diagnostics while a detection is prepared for evaluation.
pub(crate) struct Cx {
    file: Arc<SourceFile>,
    /// What was found wrong.
    pub diags: Vec<Diagnostic>,
}

impl Cx {
    /// A context for a detection from `file`.
    pub fn new(file: Arc<SourceFile>) -> Cx {
        Cx {
            file,
            diags: Vec::new(),
        }
    }

    /// Records an error at `span`.
    pub fn error(&mut self, span: Span, message: impl Into<String>, label: &str, help: &str) {
        let mut d = Diagnostic::error(codes::EVAL, message)
            .with_label(span, label)
            .in_file(&self.file);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    fn unset(&mut self, name: &str, span: Span) {
        self.error(
            span,
            format!("parameter `{{{name}}}` has no value"),
            "used here",
            &format!("give it one: --param {name}=VALUE (or `params:` in a test case)"),
        );
    }

    /// The literal string of a text, reporting unset parameters.
    pub fn literal(&mut self, t: &Text, span: Span) -> Option<String> {
        let mut out = String::new();
        for p in &t.parts {
            match p {
                TextPart::Lit(s) => out.push_str(s),
                TextPart::AnyString => out.push('*'),
                TextPart::AnyChar => out.push('?'),
                TextPart::Param(n) => {
                    self.unset(n, span);
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Reports the parameters a pattern still holds; true if it has none.
    pub fn check_text(&mut self, t: &Text, span: Span) -> bool {
        for p in &t.parts {
            if let TextPart::Param(n) = p {
                self.unset(n, span);
                return false;
            }
        }
        true
    }

    /// A typed IR value as a runtime value.
    pub fn value(&mut self, v: &Value, span: Span) -> Option<Val> {
        Some(match v {
            Value::Str(t) => Val::Str(self.literal(t, span)?),
            Value::Int(i) => Val::Int(*i),
            Value::Float(f, _) => Val::num(*f),
            Value::Bool(b) => Val::Bool(*b),
            Value::Null => Val::Null,
            Value::Param(n) => {
                self.unset(n, span);
                return None;
            }
        })
    }
}

//! The reading context of one file: its text, the diagnostics found, and
//! the current document's settings and placeholders.

use crate::diagnostic::{Diagnostic, Severity, codes};
use crate::ir::{FieldKind, FieldRef, Param, ParamType, Path};
use crate::source::Span;

/// Reading state for one file.
pub(crate) struct Cx<'a> {
    /// The file's text.
    pub src: &'a str,
    /// Diagnostics so far (file not set yet).
    pub diags: Vec<Diagnostic>,
    /// The current rule is an Auth0 rule.
    pub auth0: bool,
    /// Placeholders of the current document: name, template (not `expand`),
    /// first use.
    params: Vec<(String, bool, Span)>,
}

impl<'a> Cx<'a> {
    /// A context for a file's text.
    pub fn new(src: &'a str, auth0: bool) -> Self {
        Cx {
            src,
            diags: Vec::new(),
            auth0,
            params: Vec::new(),
        }
    }

    /// Starts a document.
    pub fn begin(&mut self, auth0: bool) {
        self.auth0 = auth0;
        self.params.clear();
    }

    /// The number of errors so far.
    pub fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        span: Span,
        message: String,
        label: &str,
        help: String,
    ) {
        let mut d = Diagnostic::error(code, message)
            .with_label(span, label)
            .with_help(help);
        d.severity = severity;
        self.diags.push(d);
    }

    /// Reports an error.
    pub fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: impl Into<String>,
    ) {
        self.push(
            Severity::Error,
            code,
            span,
            message.into(),
            label,
            help.into(),
        );
    }

    /// Reports a warning.
    pub fn warning(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: impl Into<String>,
    ) {
        self.push(
            Severity::Warning,
            code,
            span,
            message.into(),
            label,
            help.into(),
        );
    }

    /// The IR reference for a Sigma field name.
    pub fn field(&self, name: &str) -> FieldRef {
        let mut path = Path::parse(name);
        if self.auth0
            && let Some(p) = path.strip_prefix("data.")
        {
            path = p;
        }
        // Names with characters a query language cannot take bare keep
        // their quotes in the output.
        let quoted = !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-{}@".contains(c));
        FieldRef {
            path,
            kind: FieldKind::Event,
            quoted,
        }
    }

    /// Records an `expand` placeholder (warning once per name).
    pub fn placeholder(&mut self, name: &str, span: Span) {
        if self.params.iter().any(|(n, _, _)| n == name) {
            return;
        }
        // The name becomes a parameter name: printed as `{name}` in queries
        // and named in package comments, so it must be a plain word.
        if !crate::ir::params::is_param_name(name) {
            self.error(
                codes::SIGMA_PLACEHOLDER,
                span,
                format!("the placeholder name {name:?} is not a parameter name"),
                "placeholder",
                "a placeholder name holds letters, digits, `_`, `-` and `.` only",
            );
            return;
        }
        self.params.push((name.to_string(), false, span));
        self.warning(
            codes::SIGMA_PLACEHOLDER,
            span,
            format!("the placeholder `%{name}%` is compiled as the parameter `{{{name}}}`"),
            "placeholder",
            format!("give its value with --param {name}=VALUE; otherwise the query searches for the text {{{name}}}"),
        );
    }

    /// Records an Auth0 catalog template variable.
    pub fn template_param(&mut self, name: &str, span: Span) {
        if !self.params.iter().any(|(n, _, _)| n == name) {
            self.params.push((name.to_string(), true, span));
        }
    }

    /// The current document's placeholders as parameters.
    pub fn take_params(&mut self) -> Vec<Param> {
        std::mem::take(&mut self.params)
            .into_iter()
            .map(|(name, template, span)| Param {
                description: Some(if template {
                    format!("template variable {{{name}}} of the rule")
                } else {
                    format!("Sigma placeholder %{name}% (expand modifier)")
                }),
                name,
                ty: ParamType::String,
                default: None,
                span,
            })
            .collect()
    }
}

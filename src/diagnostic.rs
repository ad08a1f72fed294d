//! Diagnostics: what went wrong, where, and what to do about it.
//!
//! A [`Diagnostic`] has a stable code from [`codes`], a severity, a message,
//! labelled spans into one source file, and an optional hint. It implements
//! [`miette::Diagnostic`] so the CLI renders it with the source snippet; the
//! JSON output uses [`Diagnostic::to_json`] with line and column computed from
//! the span.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::source::{SourceFile, Span};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a command.
    Note,
    /// The output was produced but may not mean what the author expects.
    Warning,
    /// No output for this detection.
    Error,
}

/// The registry of diagnostic codes. A code is never reused for another
/// meaning; retired codes stay listed.
pub mod codes {
    /// The DSL text does not follow the grammar.
    pub const SYNTAX: &str = "vigil::syntax";
    /// A metadata entry is unknown, duplicated or has the wrong type.
    pub const META: &str = "vigil::meta";
    /// A parameter is undeclared, duplicated or given a bad value.
    pub const PARAM: &str = "vigil::param";
    /// A construct is used where it has no meaning (e.g. a function in `search`).
    pub const SEMANTIC: &str = "vigil::semantic";
    /// A field no event of the log source has, or a name that looks like
    /// something else (a parameter without braces, a string in single
    /// quotes).
    pub const SCHEMA: &str = "vigil::schema";
    /// An unknown pipeline stage, function or option.
    pub const UNKNOWN: &str = "vigil::unknown";
    /// A target cannot express a construct.
    pub const UNSUPPORTED: &str = "vigil::target::unsupported";
    /// A target expresses a construct with different semantics.
    pub const SEMANTICS_DIFFER: &str = "vigil::target::semantics";
    /// A stage was left out because `--filter-only` was asked for.
    pub const FILTER_ONLY: &str = "vigil::target::filter-only";
    /// The YAML of a Sigma rule is malformed.
    pub const YAML: &str = "vigil::sigma::yaml";
    /// A Sigma rule is well-formed YAML but not a valid rule.
    pub const SIGMA: &str = "vigil::sigma::rule";
    /// A valid Sigma construct that Vigil does not support yet.
    pub const SIGMA_UNSUPPORTED: &str = "vigil::sigma::unsupported";
    /// A Sigma placeholder (`expand`) compiled as a parameter.
    pub const SIGMA_PLACEHOLDER: &str = "vigil::sigma::placeholder";
    /// A file could not be read or written.
    pub const IO: &str = "vigil::io";
    /// A profile file is malformed.
    pub const PROFILE: &str = "vigil::profile";
    /// A package template failed to render.
    pub const TEMPLATE: &str = "vigil::template";
    /// The evaluator cannot run a detection (unset parameter, a regular
    /// expression its engine lacks, a missing lookup table).
    pub const EVAL: &str = "vigil::eval";
    /// An events file is malformed (not JSON, not an event).
    pub const EVENTS: &str = "vigil::eval::events";
    /// A detection test file is malformed.
    pub const TEST: &str = "vigil::test";
    /// A build manifest (`vigil.toml`) is malformed.
    pub const MANIFEST: &str = "vigil::manifest";
}

/// A labelled span.
#[derive(Clone, Debug)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there.
    pub text: String,
}

/// One problem found in one file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Stable code from [`codes`].
    pub code: &'static str,
    /// How serious.
    pub severity: Severity,
    /// One sentence: what is wrong.
    pub message: String,
    /// Where; the first label is the primary location.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// The file the spans point into (absent for errors without a file).
    pub file: Option<Arc<SourceFile>>,
}

impl Diagnostic {
    /// An error with a primary label.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            file: None,
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// A note.
    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(code, message)
        }
    }

    /// Adds a label.
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// Sets the hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the file the labels point into, unless one is already set.
    pub fn in_file(mut self, file: &Arc<SourceFile>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.clone());
        }
        self
    }

    /// Under `--strict`, warnings count as errors (notes stay notes).
    pub fn strict(mut self, strict: bool) -> Self {
        if strict && self.severity == Severity::Warning {
            self.severity = Severity::Error;
        }
        self
    }

    /// Whether this diagnostic is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` of the primary label, if there is one.
    pub fn location(&self) -> Option<(String, usize, usize)> {
        let file = self.file.as_ref()?;
        let (line, col) = match self.labels.first() {
            Some(l) => file.line_col(l.span.start),
            None => (1, 1),
        };
        Some((file.name.clone(), line, col))
    }

    /// A JSON-friendly view: code, severity, message, file, line, column, help.
    pub fn to_json(&self) -> serde_json::Value {
        let (file, line, column) = match self.location() {
            Some((f, l, c)) => (Some(f), Some(l), Some(c)),
            None => (None, None, None),
        };
        serde_json::json!({
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": file,
            "line": line,
            "column": column,
            "label": self.labels.first().map(|l| l.text.clone()),
            "help": self.help,
        })
    }

    /// One line: `file:line:col: severity[code]: message`.
    pub fn one_line(&self) -> String {
        let sev = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match self.location() {
            Some((f, l, c)) => format!("{f}:{l}:{c}: {sev}[{}]: {}", self.code, self.message),
            None => format!("{sev}[{}]: {}", self.code, self.message),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Source code for miette that also reports the file's name. Its text has
/// control characters masked (same byte length, so labels stay in place):
/// a malformed event's line is log data and may hold escape sequences.
struct NamedSource<'a> {
    name: String,
    text: std::borrow::Cow<'a, str>,
}

impl miette::SourceCode for NamedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.text
                .as_ref()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A [`miette::Diagnostic`] view of a [`Diagnostic`], for rendering.
pub struct Report<'a> {
    diag: &'a Diagnostic,
    source: Option<NamedSource<'a>>,
    /// Set when a labelled line is too long to show (see
    /// [`crate::limits::MAX_SNIPPET_LINE_BYTES`]): the location and the
    /// line's length, given in the message instead of a snippet.
    long_line: Option<(usize, usize, usize)>,
}

/// The length of the longest line a label of `diag` touches.
fn longest_labelled_line(diag: &Diagnostic, text: &str) -> usize {
    let line_len = |at: usize| {
        let at = at.min(text.len());
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        end - start
    };
    let bytes = text.as_bytes();
    diag.labels
        .iter()
        .flat_map(|l| [l.span.start, l.span.end])
        // Offsets are byte offsets; a stale one past a char boundary only
        // shifts the measure by a byte.
        .map(|at| {
            let mut at = at.min(bytes.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            line_len(at)
        })
        .max()
        .unwrap_or(0)
}

impl<'a> Report<'a> {
    /// Wraps a diagnostic for rendering.
    pub fn new(diag: &'a Diagnostic) -> Self {
        let Some(file) = diag.file.as_deref() else {
            return Report {
                diag,
                source: None,
                long_line: None,
            };
        };
        let longest = longest_labelled_line(diag, &file.text);
        if longest > crate::limits::MAX_SNIPPET_LINE_BYTES {
            // Too long to show, and miette cannot draw a label past column
            // 65,535: give the location in words.
            let (line, col) = diag
                .labels
                .first()
                .map_or((1, 1), |l| file.line_col(l.span.start));
            return Report {
                diag,
                source: None,
                long_line: Some((line, col, longest)),
            };
        }
        Report {
            diag,
            source: Some(NamedSource {
                name: crate::terminal::escape(&file.name).into_owned(),
                text: crate::terminal::mask_same_len(&file.text),
            }),
            long_line: None,
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::terminal::escape(&self.diag.message))?;
        if let (Some((line, col, len)), Some(file)) = (self.long_line, &self.diag.file) {
            write!(
                f,
                "\n  at {}:{line}:{col} (the line is {len} bytes long; lines over {} bytes are not shown)",
                crate::terminal::escape(&file.name),
                crate::limits::MAX_SNIPPET_LINE_BYTES
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Note => miette::Severity::Advice,
            Severity::Warning => miette::Severity::Warning,
            Severity::Error => miette::Severity::Error,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(crate::terminal::escape(h)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let text_len = self.diag.file.as_ref().map_or(0, |f| f.text.len());
        Some(Box::new(self.diag.labels.iter().enumerate().map(
            move |(i, l)| {
                // Clamp so that a stale span can never make rendering fail.
                let start = l.span.start.min(text_len);
                let end = l.span.end.clamp(start, text_len);
                let span = Span::new(start, end);
                let text = Some(crate::terminal::escape(&l.text).into_owned());
                if i == 0 {
                    miette::LabeledSpan::new_primary_with_span(text, span)
                } else {
                    miette::LabeledSpan::new_with_span(text, span)
                }
            },
        )))
    }
}

/// Renders a diagnostic with its source snippet, without colour (stable for
/// snapshots and logs).
pub fn render_plain(diag: &Diagnostic) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let mut out = String::new();
    let report = Report::new(diag);
    if handler.render_report(&mut out, &report).is_err() {
        out = crate::terminal::escape(&diag.one_line()).into_owned();
    }
    out
}

/// Renders a diagnostic for a terminal (colours when stderr is a terminal).
pub fn render_terminal(diag: &Diagnostic, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme);
    let mut out = String::new();
    if handler.render_report(&mut out, &Report::new(diag)).is_err() {
        out = crate::terminal::escape(&diag.one_line()).into_owned();
    }
    out
}

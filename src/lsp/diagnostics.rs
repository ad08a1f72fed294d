//! Diagnostics as you type: the same readers, lowering and checks as
//! `vigil check`, with the same codes and help.

use std::path::Path;

use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

use super::text::range;
use crate::diagnostic::{Diagnostic as VDiag, Severity};

/// The diagnostics of a document named `name` (its extension chooses the
/// reader: `.vigil`, or a Sigma `.yml`).
pub fn of(name: &str, text: &str) -> Vec<Diagnostic> {
    // Editors send every YAML file; only Sigma rules (and correlations) are
    // Vigil's business.
    let yaml = !name.ends_with(".vigil");
    if yaml
        && !text
            .lines()
            .any(|l| l.starts_with("detection:") || l.starts_with("correlation:"))
    {
        return Vec::new();
    }
    let loaded = crate::load::load_text(Path::new(name), text.to_string());
    loaded
        .diagnostics
        .iter()
        // A Sigma correlation may point into another file: only this one's.
        .filter(|d| d.file.as_ref().is_none_or(|f| f.text == text))
        .map(|d| convert(text, d))
        .collect()
}

fn convert(text: &str, d: &VDiag) -> Diagnostic {
    let span = d.labels.first().map(|l| l.span).unwrap_or_default();
    let mut message = d.message.clone();
    // Secondary labels (the stage that dropped a column, ...) as text.
    for l in d.labels.iter().skip(1) {
        let p = super::text::position(text, l.span.start);
        message.push_str(&format!(
            "\n{} (line {}, column {})",
            l.text,
            p.line + 1,
            p.character + 1
        ));
    }
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    Diagnostic {
        range: range(text, span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("vigil".to_string()),
        message,
        ..Diagnostic::default()
    }
}

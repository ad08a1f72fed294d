//! Printing test results: text for people, JUnit XML for CI systems.

use std::fmt::Write;

use super::{FileResult, Summary};
use crate::diagnostic::Diagnostic;

/// Cases, cases that failed (wrong rows or could not run), and tests files
/// that could not run at all.
fn counts(s: &Summary) -> (usize, usize, usize) {
    let cases: usize = s.files.iter().map(|f| f.cases.len()).sum();
    let failed: usize = s
        .files
        .iter()
        .map(|f| f.cases.iter().filter(|c| c.failure.is_some()).count())
        .sum();
    let broken = s.files.iter().filter(|f| !f.errors.is_empty()).count();
    (cases, failed, broken)
}

/// JUnit's split: cases that returned other rows, and cases or files that
/// could not run.
fn junit_counts(s: &Summary) -> (usize, usize) {
    let failures = s
        .files
        .iter()
        .flat_map(|f| &f.cases)
        .filter(|c| c.failure.is_some() && !c.error)
        .count();
    let errors = s
        .files
        .iter()
        .flat_map(|f| &f.cases)
        .filter(|c| c.error)
        .count()
        + s.files.iter().filter(|f| !f.errors.is_empty()).count();
    (failures, errors)
}

fn indent(text: &str, pad: &str) -> String {
    text.lines()
        .map(|l| format!("{pad}{l}\n"))
        .collect::<String>()
}

/// The text report: one line per case, the diff under each failure, and
/// a summary. File-level problems are returned as diagnostics to render.
pub fn text(s: &Summary) -> (String, Vec<Diagnostic>) {
    let mut out = String::new();
    let mut diags = Vec::new();
    for f in &s.files {
        let det = f
            .detection
            .as_ref()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|| "(detection not loaded)".into());
        let _ = writeln!(out, "{det}  ({})", f.tests.display());
        for c in &f.cases {
            match &c.failure {
                None => {
                    let _ = writeln!(out, "  PASS  {}", c.name);
                }
                Some(why) => {
                    let kind = if c.error { "ERROR" } else { "FAIL" };
                    let _ = writeln!(
                        out,
                        "  {kind}  {}  ({}:{})",
                        c.name,
                        f.tests.display(),
                        c.line
                    );
                    out.push_str(&indent(why, "        "));
                }
            }
        }
        if !f.errors.is_empty() {
            let _ = writeln!(out, "  ERROR  the tests file did not run (see below)");
            diags.extend(f.errors.iter().cloned());
        }
    }
    for u in &s.untested {
        let _ = writeln!(out, "{}  (no tests file)", u.display());
    }
    let (cases, failed, broken) = counts(s);
    let _ = write!(
        out,
        "\n{} tests files, {cases} cases: {} passed, {failed} failed",
        s.files.len(),
        cases - failed
    );
    if broken > 0 {
        let _ = write!(out, ", {broken} files could not run");
    }
    out.push('\n');
    // Case names, paths and diffs come from the tests file and the events:
    // control characters are escaped so they cannot drive the terminal.
    (crate::terminal::escape(&out).into_owned(), diags)
}

/// Escapes text for XML.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not
            // allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn suite(f: &FileResult) -> String {
    let name = f
        .detection
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| f.tests.display().to_string());
    let class = f
        .detection
        .as_ref()
        .and_then(|d| d.file_stem())
        .and_then(|s| s.to_str())
        .unwrap_or("detection")
        .to_string();
    let failures = f
        .cases
        .iter()
        .filter(|c| c.failure.is_some() && !c.error)
        .count();
    let errors = f.cases.iter().filter(|c| c.error).count() + usize::from(!f.errors.is_empty());
    let time: f64 = f.cases.iter().map(|c| c.seconds).sum();
    let mut out = format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{time:.3}\">\n",
        xml(&name),
        f.cases.len() + usize::from(!f.errors.is_empty()),
    );
    for c in &f.cases {
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.3}\"",
            xml(&c.name),
            xml(&class),
            xml(&f.tests.display().to_string()),
            c.line,
            c.seconds
        );
        match &c.failure {
            None => out.push_str("/>\n"),
            Some(why) => {
                let tag = if c.error { "error" } else { "failure" };
                let first = why.lines().next().unwrap_or("");
                let _ = write!(
                    out,
                    ">\n      <{tag} message=\"{}\">{}</{tag}>\n    </testcase>\n",
                    xml(first),
                    xml(why)
                );
            }
        }
    }
    if !f.errors.is_empty() {
        let text: Vec<String> = f.errors.iter().map(Diagnostic::one_line).collect();
        let _ = write!(
            out,
            "    <testcase name=\"(load)\" classname=\"{}\" file=\"{}\">\n      <error message=\"{}\">{}</error>\n    </testcase>\n",
            xml(&class),
            xml(&f.tests.display().to_string()),
            xml(text.first().map_or("", String::as_str)),
            xml(&text.join("\n"))
        );
    }
    out.push_str("  </testsuite>\n");
    out
}

/// The JUnit XML report (one `testsuite` per detection).
pub fn junit(s: &Summary) -> String {
    let (cases, _, broken) = counts(s);
    let (failures, errors) = junit_counts(s);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"vigil\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\">",
        cases + broken
    );
    for f in &s.files {
        out.push_str(&suite(f));
    }
    out.push_str("</testsuites>\n");
    out
}

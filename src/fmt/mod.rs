//! `vigil fmt`: one canonical layout for the query of a `.vigil` file.
//!
//! The query (`search ...` and its stages) is printed by the Vigil printer
//! (the one behind `vigil convert --to vigil`) from the detection's IR and
//! wrapped at [`wrap::WIDTH`] columns; the header (metadata, parameters and
//! the comments before the query) is kept as written, minus trailing
//! whitespace. Comments in the query stay with their stages. Formatting
//! refuses rather than lose anything: a comment the printer cannot place,
//! or a layout that would read back differently, is an error and the file
//! is left alone.

pub mod wrap;

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::Detection;
use crate::source::{SourceFile, Span};

/// The formatted text of a `.vigil` file named `name`, or why it cannot be
/// formatted (syntax errors, lowering errors, a comment it would lose).
pub fn format(name: &str, text: &str) -> Result<String, Vec<Diagnostic>> {
    let file = SourceFile::new(name.to_string(), text.to_string());
    let ast = crate::syntax::parse_file(text).map_err(|d| vec![d.in_file(&file)])?;
    let det = lower(&file, &ast)?;
    let comments = crate::syntax::comments(text).map_err(|d| vec![d.in_file(&file)])?;
    let q = &ast.query;
    let query_start = q.span.start.min(text.len());
    // Where the query's last token ends: comments after it are a footer.
    let query_end = q
        .node
        .stages
        .last()
        .map(|s| s.span.end)
        .or(q.node.search.as_ref().map(|s| s.span.end))
        .unwrap_or(query_start);
    // A `search` expression with comments inside is kept as written: the
    // printer has no place for them.
    let head_end = q
        .node
        .search
        .as_ref()
        .map(|s| content_end(text, s.span.start, s.span.end, &comments));
    let verbatim_head = head_end.filter(|end| {
        comments
            .iter()
            .any(|(c, _)| c.start >= query_start && c.start < *end)
    });
    let printed = crate::vigil_print::print_query(&det, verbatim_head.is_none())?;
    let mut out = trimmed_lines(&text[..query_start]).trim_end().to_string();
    if !out.is_empty() {
        out.push('\n');
        // A comment right before the query is about it: no blank line.
        let last = out.lines().last().unwrap_or("");
        if !last.trim_start().starts_with('#') {
            out.push('\n');
        }
    }
    if let Some(end) = verbatim_head {
        out.push_str(trimmed_lines(&text[query_start..end]).trim_end());
        out.push('\n');
    }
    for l in printed.text.lines() {
        out.push_str(&wrap::wrap(l));
        out.push('\n');
    }
    let footer = trimmed_lines(&text[query_end.min(text.len())..]);
    let footer = footer.trim();
    if !footer.is_empty() {
        out.push_str(footer);
        out.push('\n');
    }
    verify(&file, &det, &comments, &out)?;
    Ok(out)
}

/// Where the text between `start` and `end` really ends: a parsed node's
/// span may also cover the whitespace and comments after its last token.
fn content_end(text: &str, start: usize, mut end: usize, comments: &[(Span, String)]) -> usize {
    loop {
        end = start + text[start..end].trim_end().len();
        match comments
            .iter()
            .find(|(c, _)| c.start >= start && c.start < end && end <= c.end)
        {
            Some((c, _)) => end = c.start,
            None => return end,
        }
    }
}

/// `text` with trailing whitespace removed from every line.
fn trimmed_lines(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lowers a parsed file, failing on its errors (warnings do not matter to
/// the layout).
fn lower(
    file: &Arc<SourceFile>,
    ast: &crate::syntax::ast::File,
) -> Result<Detection, Vec<Diagnostic>> {
    let (det, diags) = crate::lower::lower_file(ast, file.clone());
    match det {
        Some(d) => Ok(d),
        None => Err(diags.into_iter().filter(Diagnostic::is_error).collect()),
    }
}

/// Checks that `out` keeps every comment of the query and reads back as the
/// same detection.
fn verify(
    file: &Arc<SourceFile>,
    det: &Detection,
    before: &[(Span, String)],
    out: &str,
) -> Result<(), Vec<Diagnostic>> {
    let after = crate::syntax::comments(out).map_err(|d| vec![internal(file, d.message)])?;
    let mut kept: Vec<&String> = after.iter().map(|(_, t)| t).collect();
    for (span, text) in before {
        match kept.iter().position(|t| *t == text) {
            Some(i) => {
                kept.remove(i);
            }
            None => {
                return Err(vec![
                    Diagnostic::error(
                        codes::SYNTAX,
                        "`vigil fmt` cannot keep this comment where it is",
                    )
                    .with_label(*span, "this comment")
                    .with_help("move the comment to its own line before a `|` stage")
                    .in_file(file),
                ]);
            }
        }
    }
    let again = SourceFile::new(file.name.clone(), out.to_string());
    let ast = crate::syntax::parse_file(out).map_err(|d| vec![internal(file, d.message)])?;
    let back = lower(&again, &ast)?;
    let text = |d: &Detection| crate::vigil_print::print(d).ok().map(|p| p.text);
    let same = text(&back) == text(det);
    if !same {
        return Err(vec![internal(
            file,
            "the formatted text reads back differently".into(),
        )]);
    }
    Ok(())
}

fn internal(file: &Arc<SourceFile>, what: String) -> Diagnostic {
    Diagnostic::error(codes::SYNTAX, format!("internal formatter error: {what}"))
        .with_label(Span::default(), "file not changed")
        .with_help("please report this with the file")
        .in_file(file)
}

/// True if `path` is a file `fmt` formats.
pub fn is_formattable(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()) == Some(crate::load::VIGIL_EXT)
}

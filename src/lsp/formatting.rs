//! Formatting through `vigil fmt`: one edit replacing the whole document,
//! or none when it cannot be formatted (its diagnostics say why).

use lsp_types::{Position, Range, TextEdit};

/// The edits that format a `.vigil` document.
pub fn edits(name: &str, text: &str) -> Vec<TextEdit> {
    if !name.ends_with(".vigil") {
        return Vec::new();
    }
    match crate::fmt::format(name, text) {
        Ok(out) if out != text => vec![TextEdit {
            range: Range {
                start: Position::new(0, 0),
                end: super::text::position(text, text.len()),
            },
            new_text: out,
        }],
        _ => Vec::new(),
    }
}

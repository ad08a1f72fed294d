//! Documents and positions: LSP counts columns in UTF-16 code units, Vigil
//! spans in bytes.

use lsp_types::{Position, Range};

use crate::source::Span;

/// The byte offset of an LSP position in `text` (clamped to the text).
pub fn offset(text: &str, pos: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..pos.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0u32;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= pos.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

/// The LSP position of a byte offset in `text`.
pub fn position(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let offset = (0..=offset)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[line_start..offset].encode_utf16().count() as u32;
    Position { line, character }
}

/// The LSP range of a span.
pub fn range(text: &str, span: Span) -> Range {
    Range {
        start: position(text, span.start),
        end: position(text, span.end.max(span.start)),
    }
}

/// The word (letters, digits, `_`, `.`, `[]`) around `offset`, with its start.
pub fn word_at(text: &str, offset: usize) -> (usize, &str) {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-');
    let offset = offset.min(text.len());
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start, &text[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_in_utf16() {
        let text = "a é\n𝄞x = 1\n";
        // Byte offsets of character boundaries: `é` is 2 bytes, `𝄞` 4.
        for off in [0, 1, 2, 4, 5, 9, 10, 11] {
            assert_eq!(offset(text, position(text, off)), off, "{off}");
        }
        assert_eq!(
            position(text, 9),
            Position {
                line: 1,
                character: 2
            }
        );
        assert_eq!(
            offset(
                text,
                Position {
                    line: 9,
                    character: 0
                }
            ),
            text.len()
        );
    }
}

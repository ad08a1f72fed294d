//! Text for terminals: control characters from inputs made visible.
//!
//! Log values, field names, test case names and the lines of malformed
//! events come from people Vigil does not trust. Printed raw, an escape
//! sequence (`ESC ] 0 ; title BEL`, `ESC [ 2 J`) retitles the window, clears
//! the screen or fakes output; a bidirectional override reorders what the
//! reader sees. Human output (tables, diagnostics, `vigil test` text)
//! passes such text through here; machine output (NDJSON, JSON, JUnit) is
//! escaped by its own format.

use std::borrow::Cow;

/// True for the characters a terminal may act on: C0 controls other than
/// tab and newline, DEL, C1 controls, and the bidirectional embeddings,
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// The text with every unsafe character written as a Rust-style escape
/// (`\u{1b}`), so that it shows what the input held.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The text with every unsafe character replaced by one of the same length
/// in UTF-8 (`?` for a one-byte control, `¿` for a C1 control, U+FFFD for a
/// bidi control), so that byte offsets into it (diagnostic labels) stay
/// valid.
pub fn mask_same_len(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            // A carriage return ends a line for the snippet renderer.
            .map(|c| match c {
                '\r' => c,
                c if is_unsafe(c) => match c.len_utf8() {
                    1 => '?',
                    2 => '¿',
                    _ => '\u{FFFD}',
                },
                c => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(escape("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(escape("\u{202e}cod.exe"), "\\u{202e}cod.exe");
        assert_eq!(escape("plain\ttext\n"), "plain\ttext\n");
        assert!(matches!(escape("ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn masking_keeps_byte_offsets() {
        for s in ["a\u{1b}[2Jb", "x\u{85}y", "\u{202e}z", "c\r\nd"] {
            let m = mask_same_len(s);
            assert_eq!(m.len(), s.len(), "{s:?}");
            assert!(!m.chars().any(|c| is_unsafe(c) && c != '\r'), "{m:?}");
        }
    }
}

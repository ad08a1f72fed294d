//! Everyday mistakes behind a syntax error, recognised from the text around
//! where the parser stopped, so the error says what is wrong and what to
//! write instead of listing the tokens the grammar expected.

use crate::schema::closest;
use crate::source::Span;

/// A better explanation of a syntax error: message, where, label, help.
pub(super) struct Hint {
    pub message: String,
    pub span: Span,
    pub label: String,
    pub help: String,
}

const KEYWORDS: &[&str] = &["and", "or", "not", "by", "as", "in", "search"];
const UNITS: &str = "ms, s, m, h, d, w, mon, y (e.g. `span=10m`)";

/// The word (identifier characters) around byte `pos`.
fn word_at(text: &str, pos: usize) -> Option<(usize, &str)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let pos = pos.min(text.len());
    let start = text[..pos]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(pos, |(i, _)| i);
    let end = pos
        + text[pos..]
            .find(|c: char| !is_word(c))
            .unwrap_or(text.len() - pos);
    (end > start).then(|| (start, &text[start..end]))
}

/// Walks `text` outside strings and quoted names; returns where an
/// unterminated string opens, and the first `(` never closed (or a `)`
/// closing nothing).
fn scan(text: &str) -> (Option<usize>, Option<usize>) {
    let b = text.as_bytes();
    let mut open = Vec::new();
    let mut stray = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if i >= b.len() || b[i] == b'\n' {
                    // Triple-quoted blocks span lines: only a `"` alone is
                    // an unterminated string.
                    if !text[start..].starts_with("\"\"\"") {
                        return (Some(start), None);
                    }
                    match text[start + 3..].find("\"\"\"") {
                        Some(e) => i = start + 3 + e + 2,
                        None => return (Some(start), None),
                    }
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' => open.push(i),
            b')' if open.pop().is_none() && stray.is_none() => stray = Some(i),
            _ => {}
        }
        i += 1;
    }
    (None, stray.or(open.first().copied()))
}

/// Explains the syntax error at `pos` in `text`, if it is a known mistake.
pub(super) fn explain(text: &str, pos: usize) -> Option<Hint> {
    let (unterminated, paren) = scan(text);
    if let Some(q) = unterminated.filter(|q| *q <= pos) {
        return Some(Hint {
            message: "unterminated string".into(),
            span: Span::new(q, q + 1),
            label: "this string is never closed".into(),
            help: "close it with `\"` on the same line (write `\\\"` for a quote inside)".into(),
        });
    }
    let rest = &text[pos.min(text.len())..];
    if rest.starts_with('=') && !rest.starts_with("==") {
        let before = text[..pos].trim_end();
        if !before.ends_with(['!', '<', '>']) {
            return Some(Hint {
                message: "comparisons are written `==`".into(),
                span: Span::new(pos, pos + 1),
                label: "`=` alone".into(),
                help: "write `==` (and `!=` for not equal); `=` assigns, in `eval` and options"
                    .into(),
            });
        }
    }
    if rest.starts_with(')') && text[..pos].trim_end().ends_with("count(") {
        let open = text[..pos].rfind('(').unwrap_or(pos);
        return Some(Hint {
            message: "`count` takes no parentheses".into(),
            span: Span::new(open, pos + 1),
            label: "empty parentheses".into(),
            help: "write `count`, or `count(field)` for the rows that have the field".into(),
        });
    }
    // `serch type == ...`: the metadata reader took `serch` for a key and
    // stopped at the next word.
    let line_start = text[..pos.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    if let Some((start, w)) = word_at(text, line_start)
        && start + w.len() < pos
        && w != "search"
        && closest(w, ["search"]).is_some()
    {
        return Some(Hint {
            message: format!("unexpected `{w}`: did you mean `search`?"),
            span: Span::new(start, start + w.len()),
            label: "did you mean `search`?".into(),
            help: "the query starts with `search <filter>` after the metadata".into(),
        });
    }
    if let Some((start, w)) = word_at(text, pos) {
        let digits = w.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && digits < w.len() {
            return Some(Hint {
                message: format!("`{w}` is not a duration"),
                span: Span::new(start, start + w.len()),
                label: "unknown unit".into(),
                help: format!("a duration is a number and a unit: {UNITS}"),
            });
        }
        let lower = w.to_ascii_lowercase();
        let near = if KEYWORDS.contains(&lower.as_str()) && lower != w {
            Some(lower.as_str())
        } else {
            closest(&lower, KEYWORDS.iter().copied())
        };
        if let Some(k) = near.filter(|k| *k != w) {
            let what = if k == "search" {
                "`search` starts the query"
            } else {
                "a keyword"
            };
            return Some(Hint {
                message: format!("unexpected `{w}`: did you mean `{k}`?"),
                span: Span::new(start, start + w.len()),
                label: format!("did you mean `{k}`?"),
                help: format!("{what}; keywords are lower case"),
            });
        }
    }
    if let Some(p) = paren {
        let closing = text.as_bytes().get(p) == Some(&b')');
        return Some(Hint {
            message: if closing {
                "`)` without a matching `(`"
            } else {
                "unclosed `(`"
            }
            .into(),
            span: Span::new(p, p + 1),
            label: if closing {
                "closes nothing"
            } else {
                "never closed"
            }
            .into(),
            help: "balance the parentheses".into(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(text: &str, pos: usize) -> String {
        explain(text, pos).map(|h| h.message).unwrap_or_default()
    }

    #[test]
    fn everyday_mistakes() {
        assert!(msg("serch type == \"f\"", 0).contains("did you mean `search`"));
        assert!(msg("title: \"t\"\nserch type == \"f\"", 18).contains("did you mean `search`"));
        assert_eq!(
            msg("search type = \"f\"", 12),
            "comparisons are written `==`"
        );
        assert_eq!(msg("search type == \"f", 15), "unterminated string");
        assert_eq!(
            msg("| stats count() by ip", 14),
            "`count` takes no parentheses"
        );
        assert!(msg("| bin timestamp span=10min", 21).contains("not a duration"));
        assert!(msg("search a == 1 adn b == 2", 14).contains("did you mean `and`"));
        assert!(msg("| stats count bi ip", 14).contains("did you mean `by`"));
        assert_eq!(msg("search (a == 1", 14), "unclosed `(`");
        assert_eq!(msg("search a == 1)", 13), "`)` without a matching `(`");
        assert_eq!(msg("search a == 1 | where", 21), "");
    }
}

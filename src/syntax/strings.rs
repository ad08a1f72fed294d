//! String literal contents: escapes, parameters and wildcards.
//!
//! In a plain string `"..."`:
//! - `\"`, `\\`, `\n`, `\t`, `\r` are the usual escapes;
//! - `\*`, `\?`, `\{`, `\}` stand for the character itself, never a wildcard
//!   or a parameter;
//! - an unescaped `*` or `?` is kept as a wildcard piece (it is a wildcard
//!   only where the operator matches patterns, such as `like`);
//! - `{name}` is a parameter when `name` is a parameter name.
//!
//! In a raw string `r"..."` every backslash is kept as written (so `\"` stays
//! `\"`, which a regular expression reads as a quote), `*` and `?` are plain
//! characters, and `{name}` is still a parameter.

use super::ast::{Piece, StrLit};
use crate::diagnostic::{Diagnostic, codes};
use crate::source::Span;

/// Parses the text between the quotes; `offset` is where that text starts in
/// the file, for diagnostics.
pub fn parse_string(text: &str, raw: bool, offset: usize) -> Result<StrLit, Diagnostic> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut buf = String::new();
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let flush = |buf: &mut String, pieces: &mut Vec<Piece>| {
        if !buf.is_empty() {
            pieces.push(Piece::Text(std::mem::take(buf)));
        }
    };
    while i < bytes.len() {
        let (pos, c) = bytes[i];
        match c {
            '\\' => {
                let Some(&(_, n)) = bytes.get(i + 1) else {
                    return Err(Diagnostic::error(
                        codes::SYNTAX,
                        "string ends with a lone backslash",
                    )
                    .with_label(Span::new(offset + pos, offset + pos + 1), "here"));
                };
                if raw {
                    buf.push('\\');
                    buf.push(n);
                    // `\p{Greek}`, `\x{41}`, `\k{name}`, `\g{1}`: the braces
                    // belong to the regex escape, never a parameter.
                    if "pPxkgNo".contains(n) && matches!(bytes.get(i + 2), Some((_, '{'))) {
                        buf.push('{');
                        i += 1;
                    }
                } else {
                    let ch = match n {
                        '"' => '"',
                        '\\' => '\\',
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '*' => '*',
                        '?' => '?',
                        '{' => '{',
                        '}' => '}',
                        '\'' => '\'',
                        _ => {
                            return Err(Diagnostic::error(
                                codes::SYNTAX,
                                format!("unknown escape `\\{n}` in a string"),
                            )
                            .with_label(
                                Span::new(offset + pos, offset + pos + 1 + n.len_utf8()),
                                "not an escape",
                            )
                            .with_help(
                                "write `\\\\` for a backslash, or use a raw string r\"...\" for a regular expression",
                            ));
                        }
                    };
                    buf.push(ch);
                }
                i += 2;
            }
            '*' if !raw => {
                flush(&mut buf, &mut pieces);
                pieces.push(Piece::Star);
                i += 1;
            }
            '?' if !raw => {
                flush(&mut buf, &mut pieces);
                pieces.push(Piece::Question);
                i += 1;
            }
            '{' => match param_at(&bytes, i + 1) {
                Some((name, end)) => {
                    flush(&mut buf, &mut pieces);
                    pieces.push(Piece::Param(name));
                    i = end + 1;
                }
                None => {
                    buf.push('{');
                    i += 1;
                }
            },
            _ => {
                buf.push(c);
                i += 1;
            }
        }
    }
    flush(&mut buf, &mut pieces);
    Ok(StrLit { pieces, raw })
}

/// If `chars[start..]` is `name}`, returns the name and the index of `}`.
fn param_at(chars: &[(usize, char)], start: usize) -> Option<(String, usize)> {
    let mut name = String::new();
    let mut i = start;
    while let Some(&(_, c)) = chars.get(i) {
        match c {
            '}' => {
                let first = name.chars().next()?;
                return (first.is_ascii_alphabetic() || first == '_').then_some((name, i));
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => name.push(c),
            _ => return None,
        }
        i += 1;
    }
    None
}

/// Removes the indentation common to all non-blank lines of a `"""` block,
/// and the blank first and last lines the delimiters leave.
pub fn dedent_block(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<&str> = lines
        .iter()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect();
    while out.first().is_some_and(|l| l.trim().is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(s: &str, raw: bool) -> Vec<Piece> {
        parse_string(s, raw, 0).unwrap().pieces
    }

    #[test]
    fn escapes_wildcards_and_params() {
        assert_eq!(
            pieces(r#"a\"b\\c\*d*{x}"#, false),
            vec![
                Piece::Text("a\"b\\c*d".into()),
                Piece::Star,
                Piece::Param("x".into())
            ]
        );
    }

    #[test]
    fn braces_that_are_not_params_stay_text() {
        assert_eq!(
            pieces("{{(?<v>[^}]+?)}}", true),
            vec![Piece::Text("{{(?<v>[^}]+?)}}".into())]
        );
        assert_eq!(
            pieces(r"\d{2,4}", true),
            vec![Piece::Text(r"\d{2,4}".into())]
        );
    }

    #[test]
    fn raw_strings_keep_backslashes() {
        assert_eq!(
            pieces(r#"\"(?<r>[^\"]*)\""#, true),
            vec![Piece::Text(r#"\"(?<r>[^\"]*)\""#.into())]
        );
    }

    #[test]
    fn unknown_escape_is_an_error() {
        let e = parse_string(r"a\d", false, 10).unwrap_err();
        assert_eq!(e.labels[0].span, Span::new(11, 13));
    }

    #[test]
    fn dedent_strips_common_indent() {
        assert_eq!(dedent_block("\n    a\n      b\n    "), "a\n  b");
    }
}

//! SPL quoting and escaping: the one place that decides how a field name or a
//! value is written, in search context and in eval context.
//!
//! - In a search, a value is written bare only if it is a plain word (letters,
//!   digits, `_ . : @ / -`, not a keyword); anything else is double-quoted
//!   with `\` and `"` escaped. `*` is always a wildcard there and cannot be
//!   escaped (Splunk docs: "The backslash symbol can't be used to escape the
//!   asterisk in search strings"), so a literal `*` is handled by the caller.
//! - In eval, strings are always double-quoted with `\` and `"` escaped;
//!   field names that are not plain identifiers are single-quoted.
//! - Regular expressions are double-quoted with the backslashes SPL would
//!   unescape doubled (`\\`, a trailing `\`) and `"` escaped: SPL unescapes
//!   a quoted argument before the regex engine sees it (Splunk docs, "SPL
//!   and regular expressions": a literal backslash needs four backslashes).
//! - Field names that no quoting form carries (`"`, `|`, `[`, `]`, a
//!   backtick, a backslash or a control character) are refused by
//!   [`check_field_name`]: single quotes do not stop `|` from starting a
//!   command.

use crate::ir::{Text, TextPart};

/// Words the search command reads as operators or directives.
const SEARCH_KEYWORDS: &[&str] = &["AND", "OR", "NOT", "XOR", "IN", "TERM", "CASE", "AS", "BY"];

/// True if `s` can stand unquoted as a search value.
pub fn is_bare_search_word(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c))
        && !SEARCH_KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(s))
}

/// Escapes `\` and `"` for a double-quoted SPL string.
pub fn escape_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    escape_into(&mut out, s);
    out
}

/// [`escape_string`], appended to `out`.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A double-quoted SPL string for literal text.
pub fn quoted(s: &str) -> String {
    format!("\"{}\"", escape_string(s))
}

/// Text with unset parameters as `{name}` and wildcards as `*`, escaped for
/// a double-quoted string. `AnyChar` must have been handled by the caller.
pub fn text_body(t: &Text) -> String {
    let mut out = String::with_capacity(body_len(t));
    push_text_body(&mut out, t);
    out
}

/// [`text_body`] in double quotes, built in one buffer.
pub fn quoted_text(t: &Text) -> String {
    let mut out = String::with_capacity(body_len(t) + 2);
    out.push('"');
    push_text_body(&mut out, t);
    out.push('"');
    out
}

/// About the length of [`text_body`] (escapes may add a little).
fn body_len(t: &Text) -> usize {
    t.parts
        .iter()
        .map(|p| match p {
            TextPart::Lit(s) => s.len(),
            TextPart::Param(n) => n.len() + 2,
            _ => 1,
        })
        .sum()
}

fn push_text_body(out: &mut String, t: &Text) {
    for p in &t.parts {
        match p {
            TextPart::Lit(s) => escape_into(out, s),
            TextPart::Param(n) => {
                out.push('{');
                escape_into(out, n);
                out.push('}');
            }
            TextPart::AnyString => out.push('*'),
            TextPart::AnyChar => out.push('?'),
        }
    }
}

/// A search value for text: bare if it is a plain word, else quoted.
pub fn search_text(t: &Text) -> String {
    match t.as_literal() {
        Some(lit) if is_bare_search_word(&lit) => lit,
        _ => quoted_text(t),
    }
}

/// An unset parameter `{name}`, escaped for a double-quoted string (names
/// are identifiers by the time they get here; escaping keeps a bad one
/// inside the quotes all the same).
pub fn param_placeholder(name: &str) -> String {
    format!("{{{}}}", escape_string(name))
}

/// A regular expression as a double-quoted SPL string. SPL reads `\\` as one
/// backslash and `\"` as a quote in a quoted argument, and keeps any other
/// backslash pair as written (Splunk docs, "SPL and regular expressions": a
/// literal backslash in a regex takes four backslashes; the catalog's
/// `"\|\s*"` reaches the engine unchanged). So a regex escape `\\` is
/// written `\\\\`, a trailing `\` is doubled (it cannot escape the closing
/// quote), a `"` is escaped, and every other escape stays as written: the
/// engine gets the pattern with its meaning (`\"` reaches it as `"`, the
/// same character).
pub fn regex_string(t: &Text) -> String {
    let mut out = String::from("\"");
    for p in &t.parts {
        match p {
            TextPart::Lit(s) => regex_body(s, &mut out),
            TextPart::Param(n) => out.push_str(&param_placeholder(n)),
            // Regexes hold no wildcards; kept with their regex meaning.
            TextPart::AnyString => out.push_str(".*"),
            TextPart::AnyChar => out.push('.'),
        }
    }
    out.push('"');
    out
}

fn regex_body(s: &str, out: &mut String) {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\') => out.push_str(r"\\\\"),
                Some('"') => out.push_str("\\\""),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str(r"\\"),
            },
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

/// Characters no SPL quoting form carries safely in a field name: in eval a
/// name is single-quoted, and single quotes do not stop `|` (a new command),
/// `[` (a subsearch), a backtick (a macro), `"` (a string that can swallow
/// the rest of the line) or `\` (which escapes the closing quote).
fn unsafe_field_char(c: char) -> bool {
    matches!(c, '"' | '|' | '[' | ']' | '`' | '\\') || c.is_control()
}

/// Whether a field name can be written in SPL in every context; `Err` says
/// which character cannot.
pub fn check_field_name(name: &str) -> Result<(), String> {
    match name.chars().find(|&c| unsafe_field_char(c)) {
        Some(c) => Err(format!(
            "the field name {name:?} holds {c:?}, which SPL cannot quote safely in a field name"
        )),
        None => Ok(()),
    }
}

/// True if a field name can be written bare in eval.
pub fn is_eval_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A field name in eval: single-quoted unless a plain identifier (or when
/// the author quoted it).
pub fn eval_field(name: &str, author_quoted: bool) -> String {
    if author_quoted || !is_eval_identifier(name) {
        format!("'{}'", name.replace('\'', "\\'"))
    } else {
        name.to_string()
    }
}

/// A field name in a command argument list (`fields`, `table`, `by`,
/// `rename`, ...): double-quoted if it has spaces, quotes or commas (or the
/// author quoted it).
pub fn command_field(name: &str, author_quoted: bool) -> String {
    if author_quoted
        || name
            .chars()
            .any(|c| c.is_whitespace() || "\",|()=[]".contains(c))
        || name.is_empty()
    {
        quoted(name)
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_words() {
        assert!(is_bare_search_word("sapi"));
        assert!(is_bare_search_word("10.0.0.1"));
        assert!(!is_bare_search_word("OR"));
        assert!(!is_bare_search_word("a b"));
        assert!(!is_bare_search_word("a*"));
        assert!(!is_bare_search_word("-x"));
        assert!(!is_bare_search_word("{x}"));
    }

    #[test]
    fn escapes_quotes_and_backslashes() {
        assert_eq!(quoted(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn regexes_double_escaped_backslashes() {
        let t = Text::lit(r#"not valid: \"(?<r>[^"]*)\""#);
        assert_eq!(regex_string(&t), r#""not valid: \"(?<r>[^\"]*)\"""#);
        // A trailing backslash cannot escape the closing quote.
        assert_eq!(regex_string(&Text::lit(r"abc\")), r#""abc\\""#);
        assert_eq!(
            regex_string(&Text::lit(r"C:\\temp\.exe")),
            r#""C:\\\\temp\.exe""#
        );
        assert_eq!(regex_string(&Text::lit(r#"a\\"b"#)), r#""a\\\\\"b""#);
    }

    #[test]
    fn unquotable_field_names() {
        assert!(check_field_name("data.ip").is_ok());
        assert!(check_field_name("it's").is_ok());
        for bad in ["a|b", "a\"b", "a[b]", "a`m`", "a\\", "a\nb"] {
            assert!(check_field_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn eval_fields() {
        assert_eq!(eval_field("data.ip", false), "'data.ip'");
        assert_eq!(eval_field("status", false), "status");
        assert_eq!(eval_field("status", true), "'status'");
    }
}

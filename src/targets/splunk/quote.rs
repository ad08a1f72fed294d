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
//! - Regular expressions pass through as written; only a bare `"` is escaped.

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
    for c in s.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A double-quoted SPL string for literal text.
pub fn quoted(s: &str) -> String {
    format!("\"{}\"", escape_string(s))
}

/// Text with unset parameters as `{name}` and wildcards as `*`, escaped for
/// a double-quoted string. `AnyChar` must have been handled by the caller.
pub fn text_body(t: &Text) -> String {
    let mut out = String::new();
    for p in &t.parts {
        match p {
            TextPart::Lit(s) => out.push_str(&escape_string(s)),
            TextPart::Param(n) => {
                out.push('{');
                out.push_str(n);
                out.push('}');
            }
            TextPart::AnyString => out.push('*'),
            TextPart::AnyChar => out.push('?'),
        }
    }
    out
}

/// A search value for text: bare if it is a plain word, else quoted.
pub fn search_text(t: &Text) -> String {
    match t.as_literal() {
        Some(lit) if is_bare_search_word(&lit) => lit,
        _ => format!("\"{}\"", text_body(t)),
    }
}

/// A regular expression in a double-quoted SPL string: kept as written, with
/// only unescaped `"` escaped.
pub fn regex_string(t: &Text) -> String {
    let src = t.display();
    let mut out = String::with_capacity(src.len() + 2);
    out.push('"');
    let mut prev_backslash = false;
    for c in src.chars() {
        if c == '"' && !prev_backslash {
            out.push('\\');
        }
        prev_backslash = c == '\\' && !prev_backslash;
        out.push(c);
    }
    out.push('"');
    out
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
    fn regexes_keep_backslashes() {
        let t = Text::lit(r#"not valid: \"(?<r>[^"]*)\""#);
        assert_eq!(regex_string(&t), r#""not valid: \"(?<r>[^\"]*)\"""#);
    }

    #[test]
    fn eval_fields() {
        assert_eq!(eval_field("data.ip", false), "'data.ip'");
        assert_eq!(eval_field("status", false), "status");
        assert_eq!(eval_field("status", true), "'status'");
    }
}

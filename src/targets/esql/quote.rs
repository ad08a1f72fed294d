//! ES|QL quoting and escaping: the one place that decides how a name, a
//! string, a pattern or a parameter is written.
//!
//! - Strings are double-quoted; the lexer accepts only the escapes `\"`
//!   `\\` `\t` `\n` `\r` and no raw line break, so every backslash is doubled
//!   and line breaks are escaped.
//! - In a `LIKE` pattern `*` and `?` are wildcards and a backslash escapes
//!   them; that backslash is then doubled by the string quoting (`"a\\*b"`
//!   matches `a*b`).
//! - Names are bare when every dotted segment is a plain identifier and not
//!   a keyword; otherwise the whole name is backquoted (a backquote inside is
//!   doubled). A bare `user-agent` would parse as a subtraction.
//! - Regular expressions and grok patterns are raw `"""..."""` strings when
//!   they can be (no escapes to read), else ordinary strings.

use crate::ir::{Text, TextPart};

/// Words that cannot be a bare name segment in an expression (any case).
const RESERVED: &[&str] = &[
    "and", "as", "asc", "by", "desc", "false", "first", "in", "is", "last", "like", "not", "null",
    "nulls", "on", "or", "rlike", "true", "where", "with",
];

/// A double-quoted ES|QL string.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `LIKE` pattern for a wildcard text (`*` any run, `?` one character),
/// with the literal text lower-cased when `fold`. `None` if the text has a
/// parameter (a pattern must be a constant).
pub fn like_pattern(t: &Text, fold: bool) -> Option<String> {
    let mut body = String::new();
    for p in &t.parts {
        match p {
            TextPart::Lit(s) => {
                let s = if fold { s.to_lowercase() } else { s.clone() };
                for c in s.chars() {
                    if matches!(c, '*' | '?' | '\\') {
                        body.push('\\');
                    }
                    body.push(c);
                }
            }
            TextPart::AnyString => body.push('*'),
            TextPart::AnyChar => body.push('?'),
            TextPart::Param(_) => return None,
        }
    }
    Some(string(&body))
}

/// A string holding a pattern written in another language (a regular
/// expression, a grok pattern): raw when possible, so it reads as written.
pub fn raw_string(s: &str) -> String {
    // `"""` ends a raw string; a raw string's text may end in up to two `"`,
    // but keep it simple and use the escaped form for any quote at the end.
    if s.contains("\"\"\"") || s.ends_with('"') || s.contains(['\n', '\r']) {
        string(s)
    } else {
        format!("\"\"\"{s}\"\"\"")
    }
}

/// True if `seg` is a plain identifier segment.
fn plain_segment(seg: &str) -> bool {
    let mut chars = seg.chars();
    let ok_rest = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let shape = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => chars.all(ok_rest),
        Some('_' | '@') => {
            let rest: Vec<char> = chars.collect();
            !rest.is_empty() && rest.into_iter().all(ok_rest)
        }
        _ => false,
    };
    shape && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(seg))
}

/// A field or column name.
pub fn ident(name: &str) -> String {
    if !name.is_empty() && name.split('.').all(plain_segment) {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// An index pattern for `FROM` / `LOOKUP JOIN`.
pub fn index(pattern: &str) -> String {
    let plain = !pattern.is_empty()
        && !pattern.starts_with(['-', '_', '+'])
        && pattern
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._*-,".contains(c));
    if plain {
        pattern.to_string()
    } else {
        string(pattern)
    }
}

/// A named query parameter: `?name`, with characters an ES|QL parameter
/// name cannot hold replaced by `_`. The flag says whether it changed.
pub fn param(name: &str) -> (String, bool) {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    let changed = out != name;
    (format!("?{out}"), changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        assert_eq!(string(r#"C:\a "b""#), r#""C:\\a \"b\"""#);
        assert_eq!(string("a\nb"), r#""a\nb""#);
    }

    #[test]
    fn like_escapes_wildcard_characters() {
        let mut t = Text::lit("a*b?");
        t.push(TextPart::AnyString);
        assert_eq!(like_pattern(&t, false).unwrap(), r#""a\\*b\\?*""#);
        assert_eq!(like_pattern(&Text::lit("AB"), true).unwrap(), r#""ab""#);
    }

    #[test]
    fn identifiers() {
        assert_eq!(ident("user.id"), "user.id");
        assert_eq!(ident("@timestamp"), "@timestamp");
        assert_eq!(ident("user-agent"), "`user-agent`");
        assert_eq!(ident("a.by"), "`a.by`");
        assert_eq!(ident("count(x)"), "`count(x)`");
        assert_eq!(ident("a`b"), "`a``b`");
        assert_eq!(ident("_"), "`_`");
    }

    #[test]
    fn params() {
        assert_eq!(param("threshold"), ("?threshold".into(), false));
        assert_eq!(param("your-tenant-url"), ("?your_tenant_url".into(), true));
    }

    #[test]
    fn raw_strings() {
        assert_eq!(raw_string(r"\d+"), r#""""\d+""""#);
        assert_eq!(raw_string(r#"a""#), r#""a\"""#);
    }
}

//! Lucene quoting and escaping for Auth0 log search, and the percent-encoding
//! of the request URL: the one place that decides how a value is written.
//!
//! - An exact value is always a quoted phrase, `field:"value"`: inside quotes
//!   only `"` and `\` are special (Lucene classic query parser), and a quoted
//!   value is matched literally by Auth0 ("To find exact matches, use double
//!   quotes"), `*` and `?` included.
//! - A wildcard pattern cannot be quoted (quotes make `*` literal), so every
//!   literal character Lucene reserves, `+ - && || ! ( ) { } [ ] ^ " ~ * ? :
//!   \ /`, the `< > =` that Elasticsearch's `query_string` reserves (a term
//!   starting with them is a range: `field:<x`), and every whitespace
//!   character is backslash-escaped and the wildcard `*` is written bare.
//! - Range bounds are restricted to Auth0's documented date forms by the
//!   caller, which contain nothing to escape.

/// Characters the Lucene classic query parser gives a meaning outside quotes
/// (`&` and `|` only doubled, but escaping a single one is harmless), and the
/// `< > =` Elasticsearch's `query_string` adds: `field:>=x` is a range.
const RESERVED: &str = "+-&|!(){}[]^\"~*?:\\/<>=";

/// A quoted phrase for an exact value: `"..."` with `\` and `"` escaped.
pub fn phrase(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Literal characters inside an unquoted wildcard term: reserved characters
/// and whitespace backslash-escaped.
pub fn pattern_literal(lit: &str) -> String {
    let mut out = String::with_capacity(lit.len());
    for c in lit.chars() {
        if RESERVED.contains(c) || c.is_whitespace() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The request path of Auth0's log search API for query `q`
/// (`GET /api/v2/logs?q=...`); an empty query asks for every log event.
pub fn logs_request_path(q: &str) -> String {
    if q.is_empty() {
        "/api/v2/logs".to_string()
    } else {
        format!("/api/v2/logs?q={}", percent_encode(q))
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), byte by byte in UTF-8. Spaces become `%20`, so
/// the result means the same to a server decoding `+` as a space or not.
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xF) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_escape_only_quote_and_backslash() {
        assert_eq!(phrase(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(phrase("x:y (z) * ? /w/"), r#""x:y (z) * ? /w/""#);
    }

    #[test]
    fn pattern_literals_escape_every_reserved_character_and_space() {
        assert_eq!(pattern_literal("logs migration"), r"logs\ migration");
        assert_eq!(
            pattern_literal(r#"+-&|!(){}[]^"~*?:\/<>="#),
            r#"\+\-\&\|\!\(\)\{\}\[\]\^\"\~\*\?\:\\\/\<\>\="#
        );
        assert_eq!(pattern_literal("abc_1.2@x"), "abc_1.2@x");
        assert_eq!(pattern_literal("a\tb\nc"), "a\\\tb\\\nc");
    }

    #[test]
    fn urls_encode_everything_but_unreserved_characters() {
        assert_eq!(
            logs_request_path(r#"type:"s" AND description:*a\ b*"#),
            "/api/v2/logs?q=type%3A%22s%22%20AND%20description%3A%2Aa%5C%20b%2A"
        );
        assert_eq!(percent_encode("é+&=#?"), "%C3%A9%2B%26%3D%23%3F");
        assert_eq!(logs_request_path(""), "/api/v2/logs");
    }
}

//! Kusto quoting: string literals, column names, regular expressions.
//!
//! Every piece of user text that reaches a Sentinel query goes through this
//! file, so that no value, field name or parameter can change the query's
//! structure. String literals are double-quoted with backslash escapes
//! (Kusto's "string literals" reference: `\"`, `\\`, `\n`, `\r`, `\t`,
//! `\uXXXX`); names that are not plain identifiers, or that are Kusto
//! keywords (`first`, `by`, `and`, ...), are bracketed as `['name']`.

use std::fmt::Write;

/// Words the Kusto parser reads as keywords where a column name could stand
/// (the language service asks to bracket them, KS228). Compared in lower case.
const KEYWORDS: &[&str] = &[
    "access",
    "and",
    "as",
    "asc",
    "between",
    "bin",
    "by",
    "consume",
    "contains",
    "count",
    "database",
    "datatable",
    "declare",
    "default",
    "desc",
    "distinct",
    "evaluate",
    "extend",
    "externaldata",
    "facet",
    "false",
    "find",
    "first",
    "fork",
    "from",
    "getschema",
    "has",
    "hint",
    "in",
    "inner",
    "into",
    "invoke",
    "join",
    "kind",
    "last",
    "let",
    "limit",
    "lookup",
    "macro-expand",
    "make-series",
    "materialize",
    "matches",
    "mv-apply",
    "mv-expand",
    "not",
    "null",
    "nulls",
    "of",
    "on",
    "or",
    "order",
    "parse",
    "partition",
    "pattern",
    "print",
    "project",
    "range",
    "reduce",
    "regex",
    "render",
    "restrict",
    "sample",
    "scan",
    "search",
    "serialize",
    "set",
    "sort",
    "step",
    "summarize",
    "table",
    "take",
    "to",
    "top",
    "toscalar",
    "true",
    "typeof",
    "union",
    "where",
    "with",
    "cluster",
    "dynamic",
    "bool",
    "datetime",
    "decimal",
    "double",
    "guid",
    "int",
    "long",
    "real",
    "string",
    "timespan",
    "time",
    "date",
    "boolean",
    "int64",
    "float",
    "uniqueid",
];

/// A Kusto string literal holding exactly `s`.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// True for a name Kusto reads as one plain identifier.
fn is_plain(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name.to_ascii_lowercase().as_str())
}

/// A column name: bare when it is a plain identifier, `['name']` otherwise.
pub fn ident(name: &str) -> String {
    if is_plain(name) {
        return name.to_string();
    }
    bracketed(name)
}

/// `['name']`, the bracketed form any name can take.
pub fn bracketed(name: &str) -> String {
    let mut out = String::from("['");
    for c in name.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push_str("']");
    out
}

/// A property of a dynamic value: `.name` or `['name']`.
pub fn member(name: &str) -> String {
    if is_plain(name) {
        format!(".{name}")
    } else {
        bracketed(name)
    }
}

/// A regular expression matching exactly the literal text `s` (RE2 syntax).
pub fn regex_literal(s: &str) -> String {
    regex_syntax::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(string("a\"b"), r#""a\"b""#);
        assert_eq!(string(r"C:\x"), r#""C:\\x""#);
        assert_eq!(string("a\nb\r\tc"), r#""a\nb\r\tc""#);
        assert_eq!(string("\u{1}"), r#""\u0001""#);
        assert_eq!(string("| where 1 == 1"), r#""| where 1 == 1""#);
        assert_eq!(string(""), r#""""#);
    }

    #[test]
    fn identifiers_bracket_keywords_and_symbols() {
        assert_eq!(ident("EventType"), "EventType");
        assert_eq!(ident("first"), "['first']");
        assert_eq!(ident("First"), "['First']");
        assert_eq!(ident("by"), "['by']");
        assert_eq!(ident("c-uri"), "['c-uri']");
        assert_eq!(ident("dc(ip)"), "['dc(ip)']");
        assert_eq!(ident("it's"), r"['it\'s']");
        assert_eq!(ident("a\\b"), r"['a\\b']");
        assert_eq!(ident("1x"), "['1x']");
        assert_eq!(ident(""), "['']");
    }

    #[test]
    fn members_of_dynamic_values() {
        assert_eq!(member("body"), ".body");
        assert_eq!(member("pre-user-registration"), "['pre-user-registration']");
        assert_eq!(member("first"), "['first']");
    }

    #[test]
    fn regex_literals_escape_metacharacters() {
        assert_eq!(regex_literal("a.b*c"), r"a\.b\*c");
        assert_eq!(regex_literal("(x)|[y]"), r"\(x\)\|\[y\]");
    }
}

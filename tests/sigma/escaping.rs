//! Sigma wildcards and backslash escapes (specification, "Escape
//! Character") through the Splunk target: a literal `*` or `?` must never
//! become a wildcard, and quotes or backslashes must never change the
//! query's structure.

use super::common::{Tok, spl_tokens};
use super::spl_rule;

/// The SPL of `f: <value>` written as a single-quoted YAML scalar.
fn one(value: &str) -> String {
    spl_rule(&format!(
        "  sel:\n    f: '{}'\n  condition: sel\n",
        value.replace('\'', "''")
    ))
}

#[test]
fn wildcards() {
    assert_eq!(one("a*b"), r#"f="a*b""#);
    // SPL's search has no one-character wildcard: the test moves to `where`
    // with a regular expression of the same meaning.
    assert_eq!(
        one("a?c"),
        r#"*
| where match(f, "(?is)^a.c$")"#
    );
}

#[test]
fn escaped_wildcards_are_literal() {
    // `\*` is a literal star: the search command cannot express it.
    assert_eq!(one(r"a\*b"), "*\n| where lower(f) = \"a*b\"");
    assert_eq!(one(r"a\?b"), r#"f="a?b""#);
}

#[test]
fn backslashes_follow_the_specification() {
    // A backslash before an ordinary character is literal.
    assert_eq!(one(r"C:\Windows\x"), r#"f="C:\\Windows\\x""#);
    // `\\` is one backslash.
    assert_eq!(one(r"a\\b"), r#"f="a\\b""#);
    // `\\*`: a backslash, then a wildcard.
    assert_eq!(one(r"C:\Windows\\*"), r#"f="C:\\Windows\\*""#);
    // `\\\*`: a backslash and a literal star.
    assert_eq!(one(r"a\\\*b"), "*\n| where lower(f) = \"a\\\\*b\"");
    // `C:\Windows\*` is a literal star (a common mistake).
    assert_eq!(
        one(r"C:\Windows\*"),
        "*\n| where lower(f) = \"c:\\\\windows*\""
    );
    // A trailing backslash is literal.
    assert_eq!(one(r"end\"), r#"f="end\\""#);
}

#[test]
fn quotes_and_operators_stay_inside_one_string() {
    for v in [
        r#"a"b"#,
        "x OR y=1",
        "| delete",
        "(paren",
        "new\nline",
        r#"\"#,
    ] {
        let q = spl_rule(&format!(
            "  sel:\n    f: {}\n  condition: sel\n",
            serde_json::to_string(v).unwrap()
        ));
        let toks = spl_tokens(&q);
        let expected = if v == "\\" {
            // `\` alone is a trailing backslash: literal.
            "\\".to_string()
        } else {
            v.to_string()
        };
        assert_eq!(
            toks,
            vec![
                Tok::Word("f".into()),
                Tok::Punct("=".into()),
                Tok::Str(expected)
            ],
            "{v:?} gave {q}"
        );
    }
}

#[test]
fn keywords_with_a_literal_star_match_the_raw_event() {
    let q = spl_rule("  kw:\n    - 'select \\*'\n  condition: kw\n");
    assert_eq!(q, "*\n| where match(_raw, \"(?is)select \\*\")");
}

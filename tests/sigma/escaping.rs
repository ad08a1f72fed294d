//! Sigma wildcards and backslash escapes (specification, "Escape
//! Character") through every target (Splunk, KQL, ES|QL, and back to
//! Sigma): a literal `*` or `?` must never become a wildcard, a `?` must
//! never be widened to `*`, and quotes or backslashes must never change the
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

/// The query of `f: <value>` (single-quoted YAML) for a target, or the
/// first error's message.
fn in_target(value: &str, target: vigil::targets::Target, profile: &str) -> Result<String, String> {
    let text = super::rule(&format!(
        "  sel:\n    f: '{}'\n  condition: sel\n",
        value.replace('\'', "''")
    ));
    let loaded = super::load(&text);
    let det = loaded.detections.first().expect("a detection");
    super::try_compile(det, target, profile).map_err(|e| {
        e.iter()
            .find(|d| d.is_error())
            .map(|d| d.message.clone())
            .unwrap_or_default()
    })
}

/// The KQL of `f: <value>` (one line), or the error's message.
fn kql(value: &str) -> Result<String, String> {
    in_target(value, vigil::targets::Target::Kql, "elastic-plain")
}

/// The ES|QL `WHERE` of `f: <value>`.
fn esql(value: &str) -> String {
    let q = in_target(value, vigil::targets::Target::Esql, "elastic-plain").expect("compiles");
    q.lines().nth(1).unwrap_or_default().to_string()
}

/// The Sigma selection line of `f: <value>`, written back.
fn sigma(value: &str) -> String {
    let q = in_target(value, vigil::targets::Target::Sigma, "sigma-raw").expect("compiles");
    q.lines()
        .find(|l| l.trim_start().starts_with("f"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[test]
fn wildcards_and_backslashes_in_kql() {
    assert_eq!(kql("a*b").unwrap(), "f: a*b");
    // KQL has no one-character wildcard and no regular expressions: refused,
    // never widened to `*`.
    assert!(
        kql("a?c")
            .unwrap_err()
            .contains("single-character wildcard")
    );
    assert_eq!(kql(r"a\*b").unwrap(), r#"f: "a*b""#);
    assert_eq!(kql(r"a\?b").unwrap(), r#"f: "a?b""#);
    assert_eq!(kql(r"C:\Windows\x").unwrap(), r#"f: "C:\\Windows\\x""#);
    assert_eq!(kql(r"a\\b").unwrap(), r#"f: "a\\b""#);
    // A backslash, then a wildcard: the backslash is escaped, the star not.
    assert_eq!(kql(r"C:\Windows\\*").unwrap(), r"f: C\:\\Windows\\*");
    assert_eq!(kql(r"end\").unwrap(), r#"f: "end\\""#);
    assert_eq!(kql(r#"a"b"#).unwrap(), r#"f: "a\"b""#);
    assert_eq!(kql("x or y:1").unwrap(), r#"f: "x or y:1""#);
    assert_eq!(kql("a(b)c").unwrap(), r#"f: "a(b)c""#);
}

#[test]
fn wildcards_and_backslashes_in_esql() {
    assert_eq!(esql("a*b"), r#"| WHERE TO_LOWER(f) LIKE "a*b""#);
    // LIKE has a one-character wildcard: `?` stays one character.
    assert_eq!(esql("a?c"), r#"| WHERE TO_LOWER(f) LIKE "a?c""#);
    assert_eq!(esql(r"a\*b"), r#"| WHERE TO_LOWER(f) == "a*b""#);
    assert_eq!(esql(r"a\?b"), r#"| WHERE TO_LOWER(f) == "a?b""#);
    assert_eq!(
        esql(r"C:\Windows\x"),
        r#"| WHERE TO_LOWER(f) == "c:\\windows\\x""#
    );
    // In a LIKE pattern a literal backslash is `\\`, written `\\\\` in the
    // string literal.
    assert_eq!(
        esql(r"C:\Windows\\*"),
        r#"| WHERE TO_LOWER(f) LIKE "c:\\\\windows\\\\*""#
    );
    assert_eq!(esql(r"end\"), r#"| WHERE TO_LOWER(f) == "end\\""#);
    assert_eq!(esql(r#"a"b"#), r#"| WHERE TO_LOWER(f) == "a\"b""#);
}

#[test]
fn wildcards_and_backslashes_written_back_to_sigma() {
    assert_eq!(sigma("a*b"), "f: a*b");
    assert_eq!(sigma("a?c"), "f: a?c");
    assert_eq!(sigma(r"a\*b"), r"f: a\*b");
    assert_eq!(sigma(r"a\?b"), r"f: a\?b");
    // A backslash before an ordinary character is literal either way.
    assert_eq!(sigma(r"C:\Windows\x"), r"f: C:\Windows\x");
    assert_eq!(sigma(r"a\\b"), r"f: a\b");
    // A trailing backslash is literal; the modifier adds the wildcard.
    assert_eq!(sigma(r"C:\Windows\\*"), r"f|startswith: C:\Windows\");
    assert_eq!(sigma(r#"a"b"#), r#"f: a"b"#);
}

//! Escaping in KQL and ES|QL: values with quotes, backslashes, wildcards,
//! parentheses, colons, keywords and line breaks never change a query's
//! structure. Each compiled query is read back by a decoder that follows the
//! target grammar's rules (Kibana's `grammar.peggy`, ES|QL's string lexer),
//! which must find exactly one test with exactly the original value. The
//! conformance script (`conformance/elastic.py`) checks the same cases with
//! the real parsers.

mod common;

use std::collections::BTreeMap;

use vigil::profile::Profile;
use vigil::targets::{Options, Target};

const TRICKY: &[&str] = &[
    "plain",
    "say \"hi\"",
    "back\\slash",
    "C:\\Windows\\System32\\",
    "a*b",
    "a?b",
    "(a) or (b)",
    "x: y",
    "a < b > c",
    "line\nbreak",
    "tab\there",
    "cr\rhere",
    "not this",
    "cannot be",
    "a and b",
    "NOT x",
    "{ braces }",
    "`backtick`",
    "\"\"\"",
    "\\u0041",
    "ünïcödé",
    "| WHERE true",
    "*",
    "trailing\\",
];

/// A Vigil string literal for `value`; `*` and `?` literal in patterns.
fn vigil_string(value: &str, pattern: bool) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '\\' | '"' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '{' => out.push_str("\\{"),
            '*' | '?' if pattern => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn compile(source: &str, target: Target, profile: &str) -> Result<String, String> {
    let (det, diags) = common::load_str("t.vigil", source);
    let det = det.unwrap_or_else(|| panic!("{source}: {diags:?}"));
    let profile = Profile::load(profile).expect("profile");
    let opts = Options {
        comments: true,
        params: BTreeMap::new(),
        ..Options::default()
    };
    target
        .backend()
        .compile(&det, &profile, &opts)
        .map(|c| c.query)
        .map_err(|e| {
            e.iter()
                .map(vigil::diagnostic::render_plain)
                .collect::<Vec<_>>()
                .join("\n")
        })
}

/// A piece of a decoded value.
#[derive(Debug, PartialEq)]
enum Piece {
    Char(char),
    Wild,
}

fn chars(s: &str) -> Vec<Piece> {
    s.chars().map(Piece::Char).collect()
}

fn is_kql_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{a0}')
}

fn unicode_escape(rest: &[char]) -> Option<char> {
    if rest.len() >= 5 && rest[0] == 'u' && rest[1..5].iter().all(char::is_ascii_hexdigit) {
        let hex: String = rest[1..5].iter().collect();
        char::from_u32(u32::from_str_radix(&hex, 16).ok()?)
    } else {
        None
    }
}

/// Decodes a KQL quoted string at the start of `s`; returns the value and
/// the number of characters it took.
fn kql_quoted(s: &[char]) -> (Vec<Piece>, usize) {
    assert_eq!(s.first(), Some(&'"'), "not a quoted string");
    let mut out = Vec::new();
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            '"' => return (out, i + 1),
            '\\' if i + 1 < s.len() => {
                let n = s[i + 1];
                if let Some(c) = unicode_escape(&s[i + 1..]) {
                    out.push(Piece::Char(c));
                    i += 6;
                    continue;
                }
                let c = match n {
                    't' => '\t',
                    'r' => '\r',
                    'n' => '\n',
                    '\\' | '"' => n,
                    _ => {
                        out.push(Piece::Char('\\'));
                        i += 1;
                        continue;
                    }
                };
                out.push(Piece::Char(c));
                i += 2;
            }
            c => {
                out.push(Piece::Char(c));
                i += 1;
            }
        }
    }
    panic!("unterminated KQL string");
}

/// Decodes an unquoted KQL value that must run to the end of `s`; panics
/// where the grammar would read an operator or a special character.
fn kql_unquoted(s: &[char]) -> Vec<Piece> {
    let word = |i: usize, w: &str| {
        let w: Vec<char> = w.chars().collect();
        s.len() >= i + w.len()
            && s[i..i + w.len()]
                .iter()
                .zip(&w)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == '\\' {
            let rest = &s[i + 1..];
            if let Some(u) = unicode_escape(rest) {
                out.push(Piece::Char(u));
                i += 6;
            } else if let Some(&n @ ('t' | 'r' | 'n')) = rest.first() {
                out.push(Piece::Char(match n {
                    't' => '\t',
                    'r' => '\r',
                    _ => '\n',
                }));
                i += 2;
            } else if let Some(&n) = rest.first().filter(|n| "\\():<>\"*{}".contains(**n)) {
                out.push(Piece::Char(n));
                i += 2;
            } else if let Some(kw) = ["or", "and", "not"].iter().find(|k| word(i + 1, k)) {
                out.extend(s[i + 1..i + 1 + kw.len()].iter().map(|c| Piece::Char(*c)));
                i += 1 + kw.len();
            } else {
                panic!("`\\` escapes nothing at {i} in {s:?}");
            }
            continue;
        }
        if c == '*' {
            out.push(Piece::Wild);
            i += 1;
            continue;
        }
        assert!(!"():<>\"{}".contains(c), "raw special `{c}` in {s:?}");
        if is_kql_space(c) {
            let mut j = i;
            while j < s.len() && is_kql_space(s[j]) {
                j += 1;
            }
            for kw in ["or", "and"] {
                let after = j + kw.len();
                assert!(
                    !(word(j, kw) && s.get(after).copied().is_some_and(is_kql_space)),
                    "`{kw}` reads as an operator in {s:?}"
                );
            }
        }
        assert!(
            !(word(i, "not") && s.get(i + 3).copied().is_some_and(is_kql_space)),
            "`not` reads as an operator in {s:?}"
        );
        out.push(Piece::Char(c));
        i += 1;
    }
    out
}

/// Decodes an ES|QL `"..."` string at the start of `s`.
fn esql_string(s: &[char]) -> (String, usize) {
    assert_eq!(s.first(), Some(&'"'), "not a string: {s:?}");
    let mut out = String::new();
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            '"' => return (out, i + 1),
            '\\' => {
                let c = match s.get(i + 1) {
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some('r') => '\r',
                    Some('"') => '"',
                    Some('\\') => '\\',
                    other => panic!("ES|QL rejects the escape \\{other:?}"),
                };
                out.push(c);
                i += 2;
            }
            '\n' | '\r' => panic!("raw line break in an ES|QL string"),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    panic!("unterminated ES|QL string");
}

/// A LIKE pattern's pieces (`\` escapes the next character).
fn like_pieces(p: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut it = p.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => out.push(Piece::Char(it.next().expect("dangling escape"))),
            '*' => out.push(Piece::Wild),
            c => out.push(Piece::Char(c)),
        }
    }
    out
}

/// The single WHERE line of a query, after `prefix`.
fn where_rest<'a>(q: &'a str, prefix: &str) -> &'a str {
    let lines: Vec<&str> = q.lines().filter(|l| l.starts_with("| WHERE ")).collect();
    assert_eq!(lines.len(), 1, "one WHERE in {q}");
    lines[0]
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{q} does not start with {prefix}"))
}

#[test]
fn kql_equality_values_are_one_quoted_string() {
    for v in TRICKY {
        let src = format!("search user_id == {}\n", vigil_string(v, false));
        let q = compile(&src, Target::Kql, "elastic-auth0").expect("compiles");
        let rest: Vec<char> = q
            .strip_prefix("user.id: ")
            .unwrap_or_else(|| panic!("{q}"))
            .chars()
            .collect();
        let (value, used) = kql_quoted(&rest);
        assert_eq!(used, rest.len(), "{v:?}: the string ends early in {q}");
        assert_eq!(value, chars(v), "{v:?} in {q}");
    }
}

#[test]
fn kql_patterns_escape_everything_but_their_wildcards() {
    for v in TRICKY {
        let mut lit = vigil_string(v, true);
        lit.insert(lit.len() - 1, '*');
        let src = format!("search user_id like {lit} cased\n");
        match compile(&src, Target::Kql, "elastic-auth0") {
            Ok(q) => {
                let rest: Vec<char> = q
                    .strip_prefix("user.id: ")
                    .unwrap_or_else(|| panic!("{q}"))
                    .chars()
                    .collect();
                let mut want = chars(v);
                want.push(Piece::Wild);
                assert_eq!(kql_unquoted(&rest), want, "{v:?} in {q}");
            }
            // Kibana trims an unquoted value: a leading space cannot be
            // written, and is refused rather than dropped.
            Err(e) => assert!(
                v.starts_with(char::is_whitespace) && e.contains("trims"),
                "{v:?}: {e}"
            ),
        }
    }
}

#[test]
fn esql_equality_values_are_one_string() {
    for v in TRICKY {
        let src = format!("search user_id == {}\n", vigil_string(v, false));
        let q = compile(&src, Target::Esql, "elastic-auth0").expect("compiles");
        let folded = v.to_lowercase() != v.to_uppercase();
        let prefix = if folded {
            "| WHERE TO_LOWER(user.id) == "
        } else {
            "| WHERE user.id == "
        };
        let rest: Vec<char> = where_rest(&q, prefix).chars().collect();
        let (value, used) = esql_string(&rest);
        assert_eq!(used, rest.len(), "{v:?}: the string ends early in {q}");
        assert_eq!(value, v.to_lowercase(), "{v:?} in {q}");
    }
}

#[test]
fn esql_like_patterns_escape_literal_wildcards() {
    for v in TRICKY {
        let mut lit = vigil_string(v, true);
        lit.insert(lit.len() - 1, '*');
        let src = format!("search user_id like {lit} cased\n");
        let q = compile(&src, Target::Esql, "elastic-auth0").expect("compiles");
        let rest: Vec<char> = where_rest(&q, "| WHERE user.id LIKE ").chars().collect();
        let (pattern, used) = esql_string(&rest);
        assert_eq!(used, rest.len(), "{v:?}: the string ends early in {q}");
        let mut want = chars(v);
        want.push(Piece::Wild);
        assert_eq!(like_pieces(&pattern), want, "{v:?} in {q}");
    }
}

#[test]
fn odd_field_names_are_quoted() {
    let q = compile(
        "search 'odd name' == \"x\" and 'a`b' exists\n",
        Target::Kql,
        "elastic-raw",
    )
    .expect("compiles");
    assert_eq!(q, "\"data.odd name\": \"x\" and \"data.a`b\": *");
    let q = compile(
        "search 'odd name' == \"x\" and 'a`b' exists\n",
        Target::Esql,
        "elastic-raw",
    )
    .expect("compiles");
    assert!(
        q.ends_with("| WHERE TO_LOWER(`data.odd name`) == \"x\" AND `data.a``b` IS NOT NULL"),
        "{q}"
    );
}

#[test]
fn regular_expressions_are_translated_and_quoted() {
    let q = compile(
        "search user_id matches r\"^a\\\"b\\\\c\\d$\"\n",
        Target::Esql,
        "elastic-auth0",
    )
    .expect("compiles");
    let rest: Vec<char> = where_rest(&q, "| WHERE user.id RLIKE ").chars().collect();
    let (pattern, used) = esql_string(&rest);
    assert_eq!(used, rest.len(), "{q}");
    // Lucene: anchored, `"` and `\` escaped, \d as a class, PCRE's `$`.
    assert_eq!(pattern, "a\\\"b\\\\c[0-9](\n)?");
}

/// The decoders are strict: an unescaped operator or special character
/// fails them (so the tests above can fail).
#[test]
#[should_panic(expected = "reads as an operator")]
fn the_kql_decoder_rejects_a_raw_keyword() {
    kql_unquoted(&"a or b*".chars().collect::<Vec<_>>());
}

#[test]
#[should_panic(expected = "raw special")]
fn the_kql_decoder_rejects_a_raw_colon() {
    kql_unquoted(&"a:b*".chars().collect::<Vec<_>>());
}

#[test]
#[should_panic(expected = "rejects the escape")]
fn the_esql_decoder_rejects_an_unknown_escape() {
    esql_string(&r#""a\*""#.chars().collect::<Vec<_>>());
}

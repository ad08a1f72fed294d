//! Escaping in Auth0 log search queries: a value with quotes, colons,
//! wildcards, spaces, parentheses, backslashes, slashes or newlines stays one
//! value and never changes the query's structure. Checked here with a small
//! tokenizer following the Lucene classic query parser's lexical rules; the
//! conformance run (`conformance/lucene/run.sh`) checks the same cases with
//! Lucene itself.

mod common;

use common::{compile_full, load_str};
use vigil::ir::{Detection, Filter, Test, Text, TextPart, Value};
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// A token of a Lucene classic query.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A quoted phrase, unescaped.
    Phrase(String),
    /// An unquoted term: unescaped literal pieces and `*` wildcards.
    Term(Vec<Piece>),
    /// `AND`, `OR`, `NOT` (unescaped, unquoted).
    Op(String),
    /// `:`, `(`, `)`, `[`, `]`, `{`, `}`.
    Punct(char),
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Lit(String),
    Any,
    One,
}

/// Splits a query as Lucene's lexer does: whitespace separates terms;
/// `( ) : [ ] { }` are punctuation outside quotes; `\` escapes the next
/// character anywhere; `"` opens a phrase; `*` and `?` are wildcards in a
/// term.
fn tokens(q: &str) -> Vec<Tok> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if "():[]{}".contains(c) {
            out.push(Tok::Punct(c));
            i += 1;
        } else if c == '"' {
            let mut v = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                v.push(chars[i]);
                i += 1;
            }
            assert!(i < chars.len(), "unterminated phrase in {q:?}");
            i += 1;
            out.push(Tok::Phrase(v));
        } else {
            let mut pieces: Vec<Piece> = Vec::new();
            let mut raw = String::new();
            while i < chars.len() {
                let c = chars[i];
                if c.is_whitespace() || "():[]{}\"".contains(c) {
                    break;
                }
                raw.push(c);
                let piece = match c {
                    '\\' => {
                        i += 1;
                        assert!(i < chars.len(), "dangling escape in {q:?}");
                        raw.push(chars[i]);
                        Piece::Lit(chars[i].to_string())
                    }
                    '*' => Piece::Any,
                    '?' => Piece::One,
                    c => Piece::Lit(c.to_string()),
                };
                match (pieces.last_mut(), piece) {
                    (Some(Piece::Lit(last)), Piece::Lit(s)) => last.push_str(&s),
                    (_, p) => pieces.push(p),
                }
                i += 1;
            }
            if ["AND", "OR", "NOT", "&&", "||"].contains(&raw.as_str()) {
                out.push(Tok::Op(raw));
            } else {
                out.push(Tok::Term(pieces));
            }
        }
    }
    out
}

/// A Vigil string literal whose value is exactly `v`.
fn vigil_string(v: &str) -> String {
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '*' => out.push_str("\\*"),
            '?' => out.push_str("\\?"),
            '{' => out.push_str("\\{"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn auth0(filter: &str) -> String {
    let text = format!("title: \"t\"\nsearch {filter}\n");
    let (det, diags) = load_str("t.vigil", &text);
    let det = det.unwrap_or_else(|| panic!("{filter}: {diags:?}"));
    compile_full(&det, Target::Auth0, false)
        .unwrap_or_else(|e| panic!("{filter}: {e:?}"))
        .query
}

fn term(field: &str) -> Tok {
    Tok::Term(vec![Piece::Lit(field.into())])
}

const NASTY: &[&str] = &[
    r#"say "hi""#,
    "a:b",
    "x*y?z",
    "two words",
    "f(x) [y] {z}",
    r"back\slash\",
    "a/b/c/",
    "line\nbreak\ttab",
    "AND",
    "OR NOT x",
    "+-&&||!^~",
    r#"" OR type:"s"#,
    r"\",
    "é ü 日本",
];

#[test]
fn exact_values_stay_one_phrase() {
    for v in NASTY {
        let q = auth0(&format!(
            "type == \"s\" and description == {}",
            vigil_string(v)
        ));
        assert_eq!(
            tokens(&q),
            vec![
                term("type"),
                Tok::Punct(':'),
                Tok::Phrase("s".into()),
                Tok::Op("AND".into()),
                term("description"),
                Tok::Punct(':'),
                Tok::Phrase(v.to_string()),
            ],
            "{v:?} -> {q}"
        );
    }
}

#[test]
fn pattern_literals_stay_one_term() {
    for v in NASTY {
        let q = auth0(&format!(
            "type == \"s\" and (user_agent startswith {} or ip == \"1\")",
            vigil_string(v)
        ));
        assert_eq!(
            tokens(&q),
            vec![
                term("type"),
                Tok::Punct(':'),
                Tok::Phrase("s".into()),
                Tok::Op("AND".into()),
                Tok::Punct('('),
                term("user_agent"),
                Tok::Punct(':'),
                Tok::Term(vec![Piece::Lit(v.to_string()), Piece::Any]),
                Tok::Op("OR".into()),
                term("ip"),
                Tok::Punct(':'),
                Tok::Phrase("1".into()),
                Tok::Punct(')'),
            ],
            "{v:?} -> {q}"
        );
    }
}

/// Compiles `det` with the value of its one test replaced by `v` (no
/// parsing, so that thousands of values stay fast).
fn with_value(det: &Detection, profile: &Profile, v: &str) -> String {
    let mut det = det.clone();
    let Filter::Pred(p) = &mut det.filter else {
        panic!("one test expected")
    };
    match &mut p.test {
        Test::Eq { value, .. } => *value = Value::Str(Text::lit(v)),
        Test::Like { patterns, .. } => {
            let mut t = Text::lit(v);
            t.push(TextPart::AnyString);
            patterns.items = vec![t];
        }
        other => panic!("unexpected test {other:?}"),
    }
    Target::Auth0
        .backend()
        .compile(&det, profile, &Options::default())
        .unwrap_or_else(|e| panic!("{v:?}: {e:?}"))
        .query
}

/// Every string of up to three characters from an alphabet of everything
/// Lucene treats specially, as an exact value and as a prefix pattern.
#[test]
fn every_short_string_of_special_characters_round_trips() {
    let alphabet: Vec<char> = "+-&|!(){}[]^\"~*?:\\/ \na".chars().collect();
    let mut values = Vec::new();
    for &a in &alphabet {
        values.push(a.to_string());
        for &b in &alphabet {
            values.push(format!("{a}{b}"));
            for &c in &alphabet {
                values.push(format!("{a}{b}{c}"));
            }
        }
    }
    let load = |src: &str| {
        load_str("t.vigil", &format!("title: \"t\"\nsearch {src}\n"))
            .0
            .expect("loads")
    };
    let eq = load(r#"user_name == "x""#);
    let prefix = load(r#"user_name startswith "x""#);
    let profile = Profile::builtin("auth0").expect("auth0 profile");
    for v in &values {
        let q = with_value(&eq, &profile, v);
        assert_eq!(
            tokens(&q),
            vec![term("user_name"), Tok::Punct(':'), Tok::Phrase(v.clone())],
            "{v:?} -> {q}"
        );
        let q = with_value(&prefix, &profile, v);
        assert_eq!(
            tokens(&q),
            vec![
                term("user_name"),
                Tok::Punct(':'),
                Tok::Term(vec![Piece::Lit(v.clone()), Piece::Any])
            ],
            "{v:?} -> {q}"
        );
    }
    assert!(values.len() > 10_000);
}

#[test]
fn the_tokenizer_sees_structure_when_it_is_there() {
    // So that the tests above can fail: unescaped specials do split.
    assert_ne!(
        tokens(r#"d:"a" OR type:"s""#).len(),
        tokens(r#"d:"a\" OR type:\"s""#).len()
    );
    assert_eq!(
        tokens(r"d:a\ b*"),
        vec![
            term("d"),
            Tok::Punct(':'),
            Tok::Term(vec![Piece::Lit("a b".into()), Piece::Any])
        ]
    );
    assert_eq!(tokens("d:a b*").len(), 4);
}

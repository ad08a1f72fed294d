//! Escaping is security: a value with quotes, backslashes, wildcards,
//! parentheses or newlines must stay one literal value in the SPL, never
//! change the query's structure.

mod common;

use common::{Tok, spl, spl_tokens};

/// Values that would break a naive printer.
const NASTY: &[&str] = &[
    "a\"b",
    "back\\slash",
    "trailing\\",
    "paren(s) OR x=1",
    "new\nline",
    "\" OR data.type=\"s",
    "| delete",
    "```comment```",
    "tab\there",
    "[subsearch]",
];

/// DSL source for a string literal with this content.
fn dsl_string(v: &str) -> String {
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '*' => out.push_str("\\*"),
            '?' => out.push_str("\\?"),
            '{' => out.push_str("\\{"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The tokens of the filter line (the line after the base search).
fn filter_tokens(q: &str) -> Vec<Tok> {
    let body: String = q.split_once('\n').map(|x| x.1).unwrap_or("").to_string();
    spl_tokens(&body)
}

#[test]
fn search_values_stay_one_string_token() {
    for v in NASTY {
        let q = spl(&format!("search description == {}", dsl_string(v)));
        assert_eq!(
            filter_tokens(&q),
            vec![
                Tok::Word("data.description".into()),
                Tok::Punct("=".into()),
                Tok::Str((*v).into())
            ],
            "value {v:?} gave:\n{q}"
        );
    }
}

#[test]
fn in_lists_keep_each_value_whole() {
    let q = spl(&format!(
        "search description in ({}, {})",
        dsl_string("a\"b"),
        dsl_string("x) OR (y")
    ));
    assert_eq!(
        filter_tokens(&q),
        vec![
            Tok::Word("data.description".into()),
            Tok::Word("IN".into()),
            Tok::Punct("(".into()),
            Tok::Str("a\"b".into()),
            Tok::Punct(",".into()),
            Tok::Str("x) OR (y".into()),
            Tok::Punct(")".into()),
        ]
    );
}

#[test]
fn eval_strings_stay_one_token() {
    for v in NASTY {
        let q = spl(&format!(
            "search type == \"s\"\n| eval x = {}",
            dsl_string(v)
        ));
        let last = q.lines().skip(2).collect::<Vec<_>>().join("\n");
        assert_eq!(
            spl_tokens(&last),
            vec![
                Tok::Punct("|".into()),
                Tok::Word("eval".into()),
                Tok::Word("x".into()),
                Tok::Punct("=".into()),
                Tok::Str((*v).into())
            ],
            "value {v:?} gave:\n{q}"
        );
    }
}

#[test]
fn literal_asterisk_moves_to_where_because_search_cannot_escape_it() {
    // Splunk: "The backslash symbol can't be used to escape the asterisk in
    // search strings." A literal `*` must not become a wildcard.
    let q = spl("search type == \"s\" and description == \"a\\*b\"");
    assert_eq!(
        q,
        "index=auth0 data.tenant_name=\"{your-tenant-name}\"\ndata.type=s\n| where lower('data.description') = \"a*b\""
    );
}

#[test]
fn single_char_wildcard_is_never_widened() {
    // SPL search has no single-character wildcard: use a regex, never `*`.
    let q = spl("search user_name like \"a?c\"");
    assert!(
        q.contains("| where match('data.user_name', \"(?is)^a.c$\")"),
        "{q}"
    );
    assert!(!q.contains("a*c"), "{q}");
}

#[test]
fn wildcards_are_kept_where_the_author_asked_for_them() {
    let q = spl("search user_name like (\"*@mailinator.com\", \"*@yopmail.com\")");
    assert!(
        q.ends_with("data.user_name IN (\"*@mailinator.com\", \"*@yopmail.com\")"),
        "{q}"
    );
}

#[test]
fn keywords_as_values_are_quoted() {
    let q = spl("search type == \"OR\"");
    assert!(q.ends_with("data.type=\"OR\""), "{q}");
}

#[test]
fn cased_tests_use_case_directives() {
    let q = spl(
        "search type == \"Sapi\" cased and description in (\"A\", \"b\") cased and ip != \"X\" cased",
    );
    assert!(
        q.ends_with(
            "data.type=CASE(Sapi) (data.description=CASE(A) OR data.description=CASE(b)) data.ip!=CASE(X)"
        ),
        "{q}"
    );
}

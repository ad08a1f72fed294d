//! One test per value modifier (and value form), through the Splunk target.

use super::{problems, rule, spl_rule};

#[test]
fn plain_values_and_lists() {
    insta::assert_snapshot!(spl_rule("  sel:\n    Image: 'C:\\x.exe'\n    EventID: [4624, 4625]\n  condition: sel\n"), @r#"Image="C:\\x.exe" EventID IN (4624, 4625)"#);
}

#[test]
fn numbers_booleans_and_quoted_numbers() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a: 5\n    b: '5'\n    c: true\n    d: 1.50\n  condition: sel\n"), @r#"a=5 b=5 c=true d=1.50"#);
}

#[test]
fn null_and_empty_list_mean_missing() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a: null\n    b: []\n    c: ''\n  condition: sel\n"), @r#"NOT a=* NOT b=* c="""#);
}

#[test]
fn contains_startswith_endswith() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a|contains: x\n    b|startswith: y\n    c|endswith: z\n    d|contains: '*w'\n  condition: sel\n"), @r#"a="*x*" b="y*" c="*z" d="*w*""#);
}

#[test]
fn all_links_values_with_and() {
    insta::assert_snapshot!(spl_rule("  sel:\n    CommandLine|contains|all: [' -enc ', ' -nop ']\n    Id|all: [1, 2]\n  condition: sel\n"), @r#"(CommandLine="* -enc *" AND CommandLine="* -nop *") Id=1 Id=2"#);
}

#[test]
fn keywords_and_keyword_modifiers() {
    insta::assert_snapshot!(spl_rule("  kw:\n    - evil\n    - 'bad*'\n  kw_all:\n    '|all': [one, two]\n  condition: kw and kw_all\n"), @r#""evil" OR "bad*" "one" "two""#);
}

#[test]
fn base64() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a|base64: abc\n    b|base64|contains: ab\n  condition: sel\n"), @r#"a=YWJj b="*YWI=*""#);
}

#[test]
fn base64offset() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a|base64offset|contains: abc\n  condition: sel\n"), @r#"a IN ("*YWJj*", "*FiY*", "*hYm*")"#);
}

#[test]
fn wide_utf16le_utf16be_utf16() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a|wide|base64: cmd\n    b|utf16le|base64: cmd\n    c|utf16be|base64: cmd\n    d|utf16|base64: cmd\n  condition: sel\n"), @r#"a=YwBtAGQA b=YwBtAGQA c=AGMAbQBk d="//5jAG0AZAA=""#);
}

#[test]
fn wide_without_base64_is_an_error() {
    insta::assert_debug_snapshot!(problems(&rule("  sel:\n    a|wide: cmd\n  condition: sel\n")), @r#"
        [
            "5:13: error[vigil::sigma::rule]: UTF-16 bytes are not text a query can search for",
        ]
        "#);
}

#[test]
fn windash() {
    insta::assert_snapshot!(spl_rule("  sel:\n    CommandLine|windash|contains: ' -s '\n  condition: sel\n"), @r#"CommandLine IN ("* -s *", "* /s *", "* –s *", "* —s *", "* ―s *")"#);
}

#[test]
fn re_with_flags() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a|re: '^a.c$'\n    b|re|i|m|s: 'x\"y'\n  condition: sel\n"), @r#"
        *
        | where match(a, "^a.c$") AND match(b, "(?ims)x\"y")
        "#);
}

#[test]
fn re_contains_wraps_alternations() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a|re|contains: 'x|y'\n    b|re|startswith: '^z'\n  condition: sel\n"), @r#"
        *
        | where match(a, ".*(?:x|y).*") AND match(b, "^z.*")
        "#);
}

#[test]
fn cidr() {
    insta::assert_snapshot!(spl_rule("  sel:\n    ip|cidr: ['10.0.0.0/8', 'fe80::/10']\n  condition: sel\n"), @r#"ip="10.0.0.0/8" OR ip="fe80::/10""#);
}

#[test]
fn cidr_with_host_bits_is_an_error() {
    insta::assert_debug_snapshot!(problems(&rule("  sel:\n    ip|cidr: 10.0.0.1/8\n  condition: sel\n")), @r#"
        [
            "5:14: error[vigil::sigma::rule]: `10.0.0.1/8` is not a valid CIDR range: it has host bits set",
        ]
        "#);
}

#[test]
fn exists() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a|exists: true\n    b|exists: false\n  condition: sel\n"), @r#"a=* NOT b=*"#);
}

#[test]
fn expand_makes_parameters() {
    insta::assert_snapshot!(spl_rule("  sel:\n    User|expand: '%Admins%'\n    Path|expand|endswith: '\\%Dir%\\x'\n  condition: sel\n"), @r#"User="{Admins}" Path="*\\{Dir}\\x""#);
    insta::assert_debug_snapshot!(problems(&rule("  sel:\n    User|expand: '%Admins%'\n  condition: sel\n")), @r#"
        [
            "5:18: warning[vigil::sigma::placeholder]: the placeholder `%Admins%` is compiled as the parameter `{Admins}`",
        ]
        "#);
}

#[test]
fn fieldref() {
    insta::assert_snapshot!(spl_rule("  sel:\n    User|fieldref: ParentUser\n  filter:\n    a|fieldref: [b, c]\n  condition: sel or not filter\n"), @r#"
        *
        | where lower(User) = lower(ParentUser) OR NOT (lower(a) = lower(b) OR lower(a) = lower(c))
        "#);
}

#[test]
fn comparisons() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a|gt: 1\n    b|gte: 2.5\n    c|lt: '3'\n    d|lte: -4\n  condition: sel\n"), @r#"a>1 b>=2.5 c<3 d<=-4"#);
}

#[test]
fn cased() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a|cased: AbC\n    b|contains|cased: XyZ\n  condition: sel\n"), @r#"a=CASE(AbC) b=CASE("*XyZ*")"#);
}

#[test]
fn neq_negates_the_item() {
    insta::assert_snapshot!(spl_rule("  sel:\n    a: 1\n    b|neq: [x, y]\n  condition: sel\n"), @r#"a=1 NOT b IN (x, y)"#);
}

#[test]
fn unknown_modifier_points_at_it() {
    insta::assert_debug_snapshot!(problems(&rule("  sel:\n    Image|endswith|foo: x\n  condition: sel\n")), @r#"
        [
            "5:20: error[vigil::sigma::rule]: unknown modifier `foo`",
        ]
        "#);
}

#[test]
fn misplaced_modifiers_are_errors() {
    insta::assert_debug_snapshot!(problems(&rule("  sel:\n    a|contains|re: x\n    b|i: y\n    c|contains|base64: z\n    d|gt: abc\n  condition: sel\n")), @r#"
        [
            "5:16: error[vigil::sigma::rule]: `re` must be the first modifier",
            "6:7: error[vigil::sigma::rule]: `i` is a flag of `re` and needs it first",
            "7:24: error[vigil::sigma::rule]: `base64` cannot encode a value with wildcards",
            "8:11: error[vigil::sigma::rule]: `gt` compares numbers, not text",
        ]
        "#);
}

#[test]
fn time_part_modifiers_are_not_supported_yet() {
    insta::assert_debug_snapshot!(problems(&rule("  sel:\n    t|hour|gte: 22\n  condition: sel\n")), @r#"
        [
            "5:7: error[vigil::sigma::unsupported]: the `hour` modifier is not supported by Vigil yet",
        ]
        "#);
}

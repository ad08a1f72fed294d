//! The condition grammar.

use super::{problems, rule, spl_rule};

const SELS: &str =
    "  sel_a:\n    a: 1\n  sel_b:\n    b: 2\n  filter_x:\n    x: 3\n  _hidden:\n    h: 4\n";

fn cond(c: &str) -> String {
    spl_rule(&format!("{SELS}  condition: {c}\n"))
}

#[test]
fn precedence_is_not_and_or() {
    // Sigma binds `and` tighter than `or`; SPL's search binds OR tighter,
    // so the printer adds parentheses.
    insta::assert_snapshot!(cond("sel_a or sel_b and not filter_x"), @r#"a=1 OR (b=2 AND NOT x=3)"#);
    insta::assert_snapshot!(cond("(sel_a or sel_b) and not filter_x"), @r#"(a=1 OR b=2) NOT x=3"#);
}

#[test]
fn quantifiers() {
    insta::assert_snapshot!(cond("1 of sel_* and not all of filter*"), @r#"a=1 OR b=2 NOT x=3"#);
    insta::assert_snapshot!(cond("any of sel_*"), @r#"a=1 OR b=2"#);
    // `them` leaves out identifiers starting with `_`.
    insta::assert_snapshot!(cond("all of them"), @r#"a=1 b=2 x=3"#);
    insta::assert_snapshot!(cond("1 of _*"), @r#"h=4"#);
}

#[test]
fn a_list_of_conditions_is_their_or() {
    insta::assert_snapshot!(spl_rule(&format!("{SELS}  condition:\n    - sel_a\n    - sel_b and filter_x\n")), @r#"a=1 OR (b=2 AND x=3)"#);
}

#[test]
fn unknown_identifier_points_at_the_condition() {
    insta::assert_debug_snapshot!(problems(&rule(&format!("{SELS}  condition: sel_a and not filter_y\n"))), @r#"
        [
            "12:28: error[vigil::sigma::rule]: the condition names `filter_y`, which is not defined",
        ]
        "#);
}

#[test]
fn pattern_matching_nothing_is_an_error() {
    insta::assert_debug_snapshot!(problems(&rule(&format!("{SELS}  condition: 1 of zz*\n"))), @r#"
        [
            "12:14: error[vigil::sigma::rule]: `1 of zz*` matches no search identifier",
        ]
        "#);
}

#[test]
fn syntax_errors() {
    insta::assert_debug_snapshot!(problems(&rule(&format!("{SELS}  condition: (sel_a or sel_b\n"))), @r#"
        [
            "12:14: error[vigil::sigma::rule]: this parenthesis is never closed",
        ]
        "#);
    insta::assert_debug_snapshot!(problems(&rule(&format!("{SELS}  condition: sel_a | count() > 5\n"))), @r#"
        [
            "12:20: error[vigil::sigma::rule]: the pipe (`| count() ...`) is Sigma v1 aggregation syntax",
        ]
        "#);
    insta::assert_debug_snapshot!(problems(&rule(&format!("{SELS}  condition: sel_a AND sel_b\n"))), @r#"
        [
            "12:20: warning[vigil::sigma::rule]: Sigma keywords are lower case: write `and`",
        ]
        "#);
}

//! Bad input gives diagnostics with the right file, line and column, and a
//! rendered message that says what to do.

mod common;

use common::load_str;

/// The (line, column) of the first error.
fn first_error(text: &str) -> (usize, usize, String) {
    let (det, diags) = load_str("bad.vigil", text);
    assert!(det.is_none(), "expected an error for:\n{text}");
    let d = diags.iter().find(|d| d.is_error()).expect("an error");
    let (_, line, col) = d.location().expect("a location");
    (line, col, d.message.clone())
}

#[test]
fn missing_value_points_at_the_next_token() {
    let (line, col, msg) = first_error("title: \"x\"\nsearch type ==\n| table ip\n");
    assert_eq!((line, col), (3, 1), "{msg}");
    assert!(msg.starts_with("syntax error"), "{msg}");
}

#[test]
fn unterminated_string_points_at_it() {
    let (line, col, _) = first_error("title: \"x\"\nsearch type == \"sapi\n");
    assert_eq!(line, 2);
    assert_eq!(col, 16);
}

#[test]
fn unknown_stage_is_named() {
    let (line, col, msg) = first_error("title: \"x\"\nsearch type == \"s\"\n| frobnicate ip\n");
    assert_eq!((line, col), (3, 3));
    assert_eq!(msg, "unknown stage `frobnicate`");
}

#[test]
fn undeclared_parameter_is_an_error() {
    let (line, col, msg) = first_error("title: \"x\"\nsearch type == \"s\"\n| where n > {limit}\n");
    assert_eq!((line, col), (3, 13));
    assert_eq!(msg, "unknown parameter `{limit}`");
}

#[test]
fn function_names_are_read_in_any_case_and_keep_their_spelling() {
    // SPL's eval reads function names in any case (Splunk's production
    // searches call `ISNOTNULL(`), so Vigil does too, and the Splunk output
    // keeps the author's spelling.
    let (det, diags) = load_str(
        "case.vigil",
        "title: \"x\"\nsearch type == \"s\"\n| where isNotNull(ip) and LOWER(ip) == \"a\"\n",
    );
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let det = det.expect("a detection");
    let out = common::compile(&det, vigil::targets::Target::Splunk).expect("compiles");
    assert!(
        out.ends_with("| where isNotNull('data.ip') AND LOWER('data.ip') = \"a\""),
        "{out}"
    );
    // An unknown name is still an error, with the nearest function.
    let (det, diags) = load_str(
        "bad.vigil",
        "title: \"x\"\nsearch type == \"s\"\n| where isNotNul(ip)\n",
    );
    assert!(det.is_none());
    let d = diags.iter().find(|d| d.is_error()).expect("an error");
    assert_eq!(d.message, "unknown function `isNotNul`");
    assert_eq!(d.help.as_deref(), Some("did you mean `isnotnull`?"));
}

#[test]
fn functions_are_refused_in_search() {
    let (_, _, msg) = first_error("title: \"x\"\nsearch match(ip, \"1\")\n");
    assert_eq!(msg, "a function (`match`) cannot be used in `search`");
}

#[test]
fn every_error_is_collected_not_just_the_first() {
    let (_, diags) = load_str(
        "bad.vigil",
        "title: \"x\"\nlevel: severe\nsearch type == \"s\"\n| where a > {p}\n| eval b = nope(1)\n",
    );
    assert_eq!(
        diags.iter().filter(|d| d.is_error()).count(),
        3,
        "{diags:#?}"
    );
}

#[test]
fn rendered_error_has_snippet_label_and_help() {
    let (_, diags) = load_str(
        "bad.vigil",
        "title: \"x\"\nsearch type == \"s\"\n| frobnicate ip\n",
    );
    let text = vigil::diagnostic::render_plain(&diags[0]);
    insta::assert_snapshot!(text);
}

#[test]
fn sort_zero_points_at_the_count() {
    let (line, col, msg) = first_error("title: \"x\"\nsearch type == \"s\"\n| sort 0 -timestamp\n");
    assert_eq!((line, col), (3, 8), "{msg}");
    assert!(msg.contains("keeps no rows"), "{msg}");
}

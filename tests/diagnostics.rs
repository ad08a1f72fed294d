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
        out.ends_with("| where isNotNull('data.ip') and LOWER('data.ip') = \"a\""),
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
fn eval_boolean_operators_keep_their_case_and_search_ones_are_upper() {
    // Eval reads `and` and `AND` alike (Splunk's production searches write
    // both in `where`: docs/splunk-import.md), so the Splunk output of a
    // `where`/`eval` follows the author; the search command's filter needs
    // upper case whatever was written.
    let text = "title: \"x\"\nsearch type == \"s\" and (ip == \"1\" or ip == \"2\")\n\
                | eval n = if(not ip == \"1\", 1, 0)\n\
                | where n == 1 and (ip == \"2\" OR ip == \"3\")\n\
                | where n == 1 AND ip == \"2\"\n";
    let (det, diags) = load_str("case.vigil", text);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let mut det = det.expect("a detection");
    let out = common::compile(&det, vigil::targets::Target::Splunk).expect("compiles");
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    assert!(
        lines.contains(&"data.type=s (data.ip=1 OR data.ip=2)"),
        "search filter in upper case: {out}"
    );
    assert!(
        lines.contains(&"| eval n = if(not 'data.ip' = \"1\", 1, 0)"),
        "{out}"
    );
    assert!(
        lines.contains(&"| where n = 1 and ('data.ip' = \"2\" OR 'data.ip' = \"3\")"),
        "{out}"
    );
    assert!(
        lines.contains(&"| where n = 1 AND 'data.ip' = \"2\""),
        "{out}"
    );
    // `vigil fmt` (the Vigil printer) keeps the spelling too.
    let vigil = vigil::vigil_print::print(&det).expect("prints").text;
    assert!(
        vigil.contains("| where n == 1 and (ip == \"2\" OR ip == \"3\")"),
        "{vigil}"
    );
    // Without a recorded spelling (a Sigma rule, a rewritten stage), eval's
    // operators print in SPL's conventional upper case.
    for s in &mut det.pipeline {
        s.hints = Default::default();
    }
    let out = common::compile(&det, vigil::targets::Target::Splunk).expect("compiles");
    assert!(out.contains("| eval n = if(NOT 'data.ip'"), "{out}");
    assert!(
        out.contains("| where n = 1 AND ('data.ip' = \"2\" OR"),
        "{out}"
    );
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

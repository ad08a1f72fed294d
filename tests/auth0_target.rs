//! The Auth0 log search target: what it emits, what it refuses, and what
//! `--filter-only` leaves out (always a superset of the events, whatever the
//! polarity).

mod common;

use std::process::Command;

use common::{compile_full, load_str};
use vigil::diagnostic::Diagnostic;
use vigil::targets::Target;

/// Compiles a filter (`search ...` source) and returns the query and the
/// codes of the warnings, or the errors' messages with their line:column.
fn auth0(filter: &str, filter_only: bool) -> Result<(String, Vec<&'static str>), Vec<String>> {
    let text = format!("title: \"t\"\nparam p: string\nsearch {filter}\n");
    let (det, diags) = load_str("t.vigil", &text);
    let det = det.unwrap_or_else(|| panic!("{filter}: {:?}", messages(&diags)));
    match compile_full(&det, Target::Auth0, filter_only) {
        Ok(c) => Ok((c.query, c.diagnostics.iter().map(|d| d.code).collect())),
        Err(e) => Err(messages(&e)),
    }
}

fn messages(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let (_, l, c) = d.location().unwrap_or_default();
            format!("{l}:{c} {}", d.message)
        })
        .collect()
}

fn exact(filter: &str) -> String {
    match auth0(filter, false) {
        Ok((q, _)) => q,
        Err(e) => panic!("{filter}: {e:?}"),
    }
}

fn filter_only(filter: &str) -> String {
    match auth0(filter, true) {
        Ok((q, _)) => q,
        Err(e) => panic!("{filter}: {e:?}"),
    }
}

fn error(filter: &str) -> String {
    match auth0(filter, false) {
        Ok((q, _)) => panic!("{filter}: expected an error, got {q}"),
        Err(e) => e.join("\n"),
    }
}

#[test]
fn booleans_are_explicit_and_nested_groups_parenthesised() {
    assert_eq!(
        exact(r#"type == "sapi" and (description == "A" or description == "B")"#),
        r#"type:"sapi" AND (description:"A" OR description:"B")"#
    );
    assert_eq!(
        exact(r#"type in ("fs", "ss")"#),
        r#"type:"fs" OR type:"ss""#
    );
    assert_eq!(
        exact(r#"type == "f" and description contains "mismatch""#),
        r#"type:"f" AND description:*mismatch*"#
    );
    assert_eq!(
        exact(r#"(type == "s" and ip == "1.2.3.4") or type == "f""#),
        r#"(type:"s" AND ip:"1.2.3.4") OR type:"f""#
    );
}

#[test]
fn negations_always_sit_beside_a_positive_clause() {
    assert_eq!(
        exact(r#"type == "s" and not ip == "1.2.3.4""#),
        r#"type:"s" AND NOT ip:"1.2.3.4""#
    );
    // `a OR NOT b` is not Lucene's `a OR NOT b` (which means a AND NOT b).
    assert_eq!(
        exact(r#"type == "s" and (ip == "1" or not user_name == "x")"#),
        r#"type:"s" AND NOT (user_name:"x" AND NOT ip:"1")"#
    );
    assert_eq!(
        exact(r#"type == "s" and not (ip == "1" or ip == "2")"#),
        r#"type:"s" AND NOT (ip:"1" OR ip:"2")"#
    );
    // `type` is on every event, so `!=` needs no existence test.
    assert_eq!(
        exact(r#"user_name == "a" and type != "s""#),
        r#"user_name:"a" AND NOT type:"s""#
    );
    let e = error(r#"not type == "s""#);
    assert!(e.contains("only excludes events"), "{e}");
    assert_eq!(filter_only(r#"not type == "s""#), "");
}

#[test]
fn case_insensitive_tests_are_lowered_or_warned_about() {
    // Auth0 writes type codes in lower case: lower-casing is exact.
    assert_eq!(
        auth0(r#"type == "SAPI""#, false),
        Ok((r#"type:"sapi""#.into(), vec![]))
    );
    let (q, warnings) = auth0(r#"description == "Update a client""#, false).unwrap();
    assert_eq!(q, r#"description:"Update a client""#);
    assert_eq!(warnings, vec!["vigil::target::semantics"]);
    let (_, warnings) = auth0(r#"description like "Update a client" cased"#, false).unwrap();
    assert!(warnings.is_empty());
    let (_, warnings) = auth0(r#"ip == "10.0.0.1""#, false).unwrap();
    assert!(warnings.is_empty(), "no letters, no difference");
    assert_eq!(exact(r#"type like "SAPI" cased"#), r#"type:"SAPI""#);
}

#[test]
fn unsearchable_tests_are_errors_pointing_at_them() {
    let e = error("type == \"s\"\n   and details.request.channel == \"x\"");
    assert!(e.starts_with("4:8 auth0 cannot express this test"), "{e}");
    assert!(e.contains("`details.request.channel`"), "{e}");
    assert!(error(r#"audience == "x""#).contains("`audience`"));
    assert!(error(r#"user_name matches r"a.*""#).contains("regular expressions"));
    assert!(error(r#"user_name exists"#).contains("exists"));
    assert!(error(r#"user_name == client_name"#).contains("two fields"));
    assert!(error(r#"user_name == """#).contains("empty value"));
    assert!(error(r#"timestamp == "2024-01-01""#).contains("ranges only"));
    assert!(error(r#"user_name > "b""#).contains("only dates"));
    assert!(error(r#"type == "s" and user_name != "x""#).contains("exist"));
}

#[test]
fn pipeline_stages_are_errors_unless_filter_only() {
    let text = "title: \"t\"\nsearch type == \"s\"\n| stats count by ip\n";
    let (det, _) = load_str("t.vigil", text);
    let errs = compile_full(&det.unwrap(), Target::Auth0, false).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].location().map(|(_, l, c)| (l, c)), Some((3, 1)));
    assert!(errs[0].message.contains("`stats`"), "{}", errs[0].message);
}

#[test]
fn filter_only_keeps_a_superset_whatever_the_polarity() {
    // Left out where it counts positively ...
    assert_eq!(
        filter_only(r#"type == "s" and details.x == "y""#),
        r#"type:"s""#
    );
    assert_eq!(
        filter_only(r#"type == "s" and (ip == "1" or details.x == "y")"#),
        r#"type:"s""#
    );
    // ... and under a `not` too: never `NOT details.x:"y"`, which would
    // select fewer events.
    assert_eq!(
        filter_only(r#"type == "s" and not details.x == "y""#),
        r#"type:"s""#
    );
    assert_eq!(
        filter_only(r#"type == "s" and not (ip == "1" and details.x == "y")"#),
        r#"type:"s""#
    );
    // not (A or D) = not A and not D, whose superset keeps `not A`.
    assert_eq!(
        filter_only(r#"type == "s" and not (ip == "1" or details.x == "y")"#),
        r#"type:"s" AND NOT ip:"1""#
    );
    // `!=` without its existence half is a superset in positive position
    // only.
    assert_eq!(
        filter_only(r#"type == "s" and user_name != "x""#),
        r#"type:"s" AND NOT user_name:"x""#
    );
    assert_eq!(
        filter_only(r#"type == "s" and not user_name != "x""#),
        r#"type:"s""#
    );
    let (q, warnings) = auth0(r#"details.x == "y""#, true).unwrap();
    assert_eq!(q, "");
    assert_eq!(
        warnings,
        vec!["vigil::target::filter-only", "vigil::target::filter-only"]
    );
}

#[test]
fn single_character_wildcards_are_never_widened_silently() {
    assert!(error(r#"user_name like "abc?def""#).contains("`?`"));
    let (q, warnings) = auth0(r#"user_name like "abc?def""#, true).unwrap();
    assert_eq!(q, "user_name:abc*def");
    assert!(warnings.contains(&"vigil::target::filter-only"));
    assert_eq!(
        filter_only(r#"type == "s" and not user_name like "abc?def""#),
        r#"type:"s""#
    );
}

#[test]
fn wildcards_follow_auth0s_three_character_rule() {
    assert_eq!(exact(r#"user_name startswith "j""#), "user_name:j*");
    assert_eq!(exact(r#"user_name endswith "usa""#), "user_name:*usa");
    assert_eq!(
        exact(r#"user_name like "jane*smith""#),
        "user_name:jane*smith"
    );
    assert!(error(r#"user_name endswith "sa""#).contains("3 literal characters"));
    assert_eq!(
        filter_only(r#"user_name like "ab*cdef""#),
        "user_name:*cdef"
    );
    assert_eq!(
        filter_only(r#"type == "s" and user_name like "*""#),
        r#"type:"s""#
    );
}

#[test]
fn cidr_ranges_on_octet_boundaries_are_prefixes() {
    assert_eq!(exact(r#"ip cidr "10.1.0.0/16""#), "ip:10.1.*");
    assert_eq!(
        exact(r#"ip cidr ("10.0.0.0/8", "192.168.1.7/32")"#),
        r#"ip:10.* OR ip:"192.168.1.7""#
    );
    assert!(error(r#"ip cidr "10.16.0.0/12""#).contains("octet boundary"));
    assert_eq!(filter_only(r#"ip cidr "10.16.0.0/12""#), "ip:10.*");
    assert!(error(r#"ip cidr "2001:db8::/32""#).contains("CIDR"));
}

#[test]
fn dates_are_ranges() {
    assert_eq!(
        exact(r#"type == "s" and timestamp >= "2024-01-01" and timestamp < "2024-02-01T10:00""#),
        r#"type:"s" AND date:[2024-01-01 TO *] AND date:[* TO 2024-02-01T10:00}"#
    );
    assert_eq!(exact(r#"timestamp > "2024-01""#), "date:{2024-01 TO *]");
    assert!(error(r#"timestamp > "yesterday""#).contains("Auth0's forms"));
}

#[test]
fn parameters_stay_quoted_placeholders() {
    assert_eq!(exact(r#"hostname == "{p}""#), r#"hostname:"{p}""#);
    assert_eq!(exact(r#"hostname == {p}"#), r#"hostname:"{p}""#);
    assert_eq!(exact(r#"hostname endswith ".{p}""#), r"hostname:*.\{p\}");
}

#[test]
fn format_url_prints_the_encoded_request_path() {
    let out = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args([
            "compile",
            "--target",
            "auth0",
            "--filter-only",
            "--format",
            "url",
        ])
        .arg(common::root().join("detections/refresh_token_reuse.vigil"))
        .output()
        .expect("run vigil");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "/api/v2/logs?q=type%3A%22ferrt%22%20AND%20description%3A%22Unsuccessful%20Refresh%20Token%20exchange%2C%20reused%20refresh%20token%20detected%22\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["compile", "--format", "url"])
        .arg(common::root().join("detections/refresh_token_reuse.vigil"))
        .output()
        .expect("run vigil");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// Compiles a whole query (filter and stages).
fn auth0_query(query: &str, filter_only: bool) -> Result<String, Vec<String>> {
    let text = format!("title: \"t\"\n{query}\n");
    let (det, diags) = load_str("t.vigil", &text);
    let det = det.unwrap_or_else(|| panic!("{query}: {:?}", messages(&diags)));
    compile_full(&det, Target::Auth0, filter_only)
        .map(|c| c.query)
        .map_err(|e| messages(&e))
}

#[test]
fn search_stages_before_any_aggregation_join_the_filter() {
    // Row by row stages in front keep the meaning: the search joins.
    assert_eq!(
        auth0_query(
            "search user_name == \"a\"\n| bin timestamp span=1h\n| fields type, ip\n| search type in (\"s\", \"scoa\")\n| stats count by ip",
            true
        ),
        Ok(r#"user_name:"a" AND (type:"s" OR type:"scoa")"#.into())
    );
    // A pipeline of searches alone is exact, no --filter-only needed.
    assert_eq!(
        auth0_query("search type == \"s\"\n| search ip == \"1\"", false),
        Ok(r#"type:"s" AND ip:"1""#.into())
    );
    // After rows are combined or chosen by position, a search no longer
    // selects raw events: it is left out.
    for stage in ["stats count by type", "head 5", "dedup ip", "eval x = 1"] {
        assert_eq!(
            auth0_query(
                &format!("search user_name == \"a\"\n| {stage}\n| search type == \"s\""),
                true
            ),
            Ok(r#"user_name:"a""#.into()),
            "{stage}"
        );
    }
    // A search on a field an earlier stage changed stays in the pipeline.
    assert_eq!(
        auth0_query(
            "search type == \"s\"\n| bin timestamp span=1h\n| search timestamp > \"2024-01-01\"",
            true
        ),
        Ok(r#"type:"s""#.into())
    );
}

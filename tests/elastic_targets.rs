//! KQL and ES|QL: what each target expresses, how, and what it reports.

mod common;

use vigil::diagnostic::{Diagnostic, Severity};
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// Compiles Vigil source; `Ok((query, diagnostics))` or the diagnostics.
fn run(
    src: &str,
    target: Target,
    profile: &str,
    filter_only: bool,
    version: Option<&str>,
) -> Result<(String, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (det, diags) = common::load_str("t.vigil", src);
    let det = det.unwrap_or_else(|| panic!("{src}: {diags:?}"));
    let profile = if profile.ends_with(".yaml") {
        Profile::from_yaml(profile.strip_suffix(".yaml").unwrap_or(profile)).expect("profile")
    } else {
        Profile::load(profile).expect("profile")
    };
    let opts = Options {
        filter_only,
        comments: false,
        stack_version: version.map(str::to_string),
        ..Options::default()
    };
    target
        .backend()
        .compile(&det, &profile, &opts)
        .map(|c| (c.query, c.diagnostics))
}

fn kql(src: &str) -> String {
    match run(src, Target::Kql, "elastic-auth0", false, None) {
        Ok((q, _)) => q,
        Err(e) => panic!("{}", render(&e)),
    }
}

fn esql(src: &str) -> String {
    esql_at(src, None)
}

fn esql_at(src: &str, version: Option<&str>) -> String {
    match run(src, Target::Esql, "elastic-auth0", false, version) {
        Ok((q, _)) => q,
        Err(e) => panic!("{}", render(&e)),
    }
}

fn errors(src: &str, target: Target, version: Option<&str>) -> Vec<Diagnostic> {
    match run(src, target, "elastic-auth0", false, version) {
        Ok((q, _)) => panic!("expected an error, got {q}"),
        Err(e) => e.into_iter().filter(Diagnostic::is_error).collect(),
    }
}

fn render(d: &[Diagnostic]) -> String {
    d.iter()
        .map(common::diagnostic_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The WHERE condition of an ES|QL query.
fn where_of(q: &str) -> &str {
    q.lines()
        .find_map(|l| l.strip_prefix("| WHERE "))
        .unwrap_or_else(|| panic!("no WHERE in {q}"))
}

// ---------------------------------------------------------------- KQL

#[test]
fn kql_names_the_first_stage_that_changes_results() {
    let src =
        "search type == \"s\"\n| fields user_id\n| stats count by user_id\n| where count > 5\n";
    let e = errors(src, Target::Kql, None);
    assert_eq!(e.len(), 1, "{}", render(&e));
    let line = common::diagnostic_line(&e[0]);
    assert!(
        line.starts_with("3:1 error[vigil::target::unsupported]: kql cannot express `stats`"),
        "{line}"
    );
    // --filter-only emits the filter and lists what it left out.
    let (q, d) = run(src, Target::Kql, "elastic-auth0", true, None).expect("filter only");
    assert_eq!(q, "event.action: \"successful-login\"");
    let w = common::diagnostic_line(&d[0]);
    assert!(w.contains("left out: fields, stats, where"), "{w}");
    assert_eq!(d[0].severity, Severity::Warning);
}

#[test]
fn kql_joins_leading_searches_and_leaves_out_column_stages() {
    let src =
        "search type == \"s\"\n| search ip cidr \"10.0.0.0/8\"\n| eval x = 1\n| table user_id, x\n";
    let (q, d) = run(src, Target::Kql, "elastic-auth0", false, None).expect("compiles");
    assert_eq!(
        q,
        "event.action: \"successful-login\" and (source.ip: \"10.0.0.0/8\")"
    );
    assert_eq!(d.len(), 1, "{}", render(&d));
    assert_eq!(d[0].severity, Severity::Note);
    assert!(
        d[0].message.contains("left out: eval, table"),
        "{}",
        d[0].message
    );
    // A search after other stages would test the rows they made.
    let e = errors(
        "search type == \"s\"\n| eval x = 1\n| search x == 1\n",
        Target::Kql,
        None,
    );
    assert!(
        e[0].message.contains("after other stages"),
        "{}",
        e[0].message
    );
}

#[test]
fn kql_precedence_not_exists_ranges() {
    assert_eq!(
        kql(
            "search (type == \"s\" or type == \"f\") and not user_id exists and connection_id is null\n"
        ),
        "(event.action: \"successful-login\" or event.action: \"failed-login\") and not user.id: * and not auth0.logs.data.connection_id: *"
    );
    assert_eq!(
        kql("search not (user_id == \"1\" or not ip exists)\n"),
        "not (user.id: \"1\" or not source.ip: *)"
    );
    assert_eq!(
        kql("search login.elapsedTime >= 100\n"),
        "auth0.logs.data.login.elapsedTime >= 100"
    );
    assert_eq!(
        kql("search user_id != \"1\"\n"),
        "user.id: * and not user.id: \"1\""
    );
}

#[test]
fn kql_cidr_only_on_ip_fields() {
    assert_eq!(
        kql("search ip cidr (\"10.0.0.0/8\", \"2001:db8::/32\")\n"),
        "source.ip: (\"10.0.0.0/8\" or \"2001:db8::/32\")"
    );
    let e = errors("search client_ip cidr \"10.0.0.0/8\"\n", Target::Kql, None);
    assert!(
        e[0].message.contains("not mapped as an IP address"),
        "{}",
        e[0].message
    );
    let e = errors("search ip cidr \"10.0.0.0/33\"\n", Target::Kql, None);
    assert!(
        e[0].message.contains("not a CIDR range"),
        "{}",
        e[0].message
    );
}

#[test]
fn kql_never_widens_a_single_character_wildcard() {
    let e = errors("search user_id like \"ab?d\"\n", Target::Kql, None);
    assert!(
        e[0].message.contains("no single-character wildcard"),
        "{}",
        e[0].message
    );
    let e = errors("search user_id matches r\"a.c\"\n", Target::Kql, None);
    assert!(
        e[0].message.contains("no regular expressions"),
        "{}",
        e[0].message
    );
    let e = errors("search user_id == client_id\n", Target::Kql, None);
    assert!(
        e[0].message.contains("cannot compare two fields"),
        "{}",
        e[0].message
    );
}

#[test]
fn kql_warns_where_case_matters() {
    let warned = |src: &str| {
        let (_, d) = run(src, Target::Kql, "elastic-auth0", false, None).expect("compiles");
        d.iter().any(|d| d.message.contains("case-sensitively"))
    };
    assert!(warned("search connection == \"Username-Password\"\n"));
    // Cased tests, values without letters, and value-mapped codes are exact.
    assert!(!warned(
        "search connection == \"Username-Password\" cased\n"
    ));
    assert!(!warned("search connection == \"1234\"\n"));
    assert!(!warned("search type == \"S\"\n"));
}

#[test]
fn kql_writes_nested_fields_in_braces() {
    let profile =
        "name: p\ntarget: elastic\nindex: x\noptions:\n  field_types:\n    user: nested\n.yaml";
    let (q, _) = run(
        "search user.name == \"bob\"\n",
        Target::Kql,
        profile,
        false,
        None,
    )
    .expect("compiles");
    assert_eq!(q, "user:{ name: \"bob\" }");
    let e = match run(
        "search user.name == \"bob\"\n",
        Target::Esql,
        profile,
        false,
        None,
    ) {
        Err(e) => e,
        Ok((q, _)) => panic!("{q}"),
    };
    assert!(e[0].message.contains("nested field"), "{}", e[0].message);
}

// ---------------------------------------------------------- profiles

#[test]
fn type_codes_use_slugs_and_patterns_use_the_raw_code() {
    assert_eq!(
        kql("search type in (\"s\", \"sapi\")\n"),
        "event.action: (\"successful-login\" or \"success-mgmt-api-op\")"
    );
    assert_eq!(
        kql("search type like \"f*\"\n"),
        "auth0.logs.data.type_id: f*"
    );
    assert_eq!(
        where_of(&esql("search type like \"f*\"\n")),
        "TO_LOWER(auth0.logs.data.type_id) LIKE \"f*\""
    );
    // An unknown code is stored as unknown-<code>, which a note says.
    let (q, d) = run(
        "search type == \"cls\"\n",
        Target::Kql,
        "elastic-auth0",
        false,
        None,
    )
    .expect("ok");
    assert_eq!(q, "event.action: \"unknown-cls\"");
    assert!(
        d[0].message.contains("`cls` → `unknown-cls`"),
        "{}",
        d[0].message
    );
}

#[test]
fn user_name_is_read_from_both_halves() {
    assert_eq!(
        kql("search user_name == \"a@b.c\"\n"),
        "(user.email: \"a@b.c\" or (not user.email: * and user.name: \"a@b.c\"))"
    );
    let q = esql("search type == \"s\"\n| table user_name\n");
    assert!(q.contains("| EVAL auth0.logs.data.user_name = COALESCE(user.email, user.name)\n| KEEP auth0.logs.data.user_name"), "{q}");
}

#[test]
fn empty_values_are_missing_fields_only_where_the_pipeline_removes_them() {
    let (q, d) = run(
        "search connection == \"\"\n",
        Target::Kql,
        "elastic-auth0",
        false,
        None,
    )
    .expect("ok");
    assert_eq!(q, "not auth0.logs.data.connection: *");
    assert!(
        d.iter().any(|d| d.message.contains("removes empty values")),
        "{}",
        render(&d)
    );
    let (q, d) = run(
        "search connection == \"\"\n",
        Target::Kql,
        "elastic-raw",
        false,
        None,
    )
    .expect("ok");
    assert_eq!(q, "data.connection: \"\"");
    assert!(d.is_empty(), "{}", render(&d));
}

// -------------------------------------------------------------- ES|QL

#[test]
fn esql_negation_holds_for_missing_fields() {
    assert_eq!(
        where_of(&esql("search not user_id == \"Ab\"\n")),
        "user.id IS NULL OR TO_LOWER(user.id) != \"ab\""
    );
    // De Morgan, down to the tests.
    assert_eq!(
        where_of(&esql(
            "search not (user_id == \"1\" and ip cidr \"10.0.0.0/8\")\n"
        )),
        "(user.id IS NULL OR user.id != \"1\" OR source.ip IS NULL OR NOT CIDR_MATCH(source.ip, \"10.0.0.0/8\"))"
    );
    // A conversion that can fail is made total.
    assert_eq!(
        where_of(&esql("search not client_ip cidr \"10.0.0.0/8\"\n")),
        "NOT COALESCE(CIDR_MATCH(TO_IP(auth0.logs.data.client_ip), \"10.0.0.0/8\"), false)"
    );
}

#[test]
fn esql_folds_case_unless_cased_and_keeps_single_character_wildcards() {
    assert_eq!(
        where_of(&esql("search connection like \"Ab?*\"\n")),
        "TO_LOWER(auth0.logs.data.connection) LIKE \"ab?*\""
    );
    assert_eq!(
        where_of(&esql("search connection like \"Ab?*\" cased\n")),
        "auth0.logs.data.connection LIKE \"Ab?*\""
    );
}

#[test]
fn esql_compares_by_mapping_type() {
    assert_eq!(
        where_of(&esql("search ip == \"10.1.2.3\"\n")),
        "source.ip == TO_IP(\"10.1.2.3\")"
    );
    assert_eq!(
        where_of(&esql("search login.elapsedTime > 100\n")),
        "auth0.logs.data.login.elapsedTime > 100"
    );
    assert_eq!(
        where_of(&esql("search connection_id > 100\n")),
        "TO_DOUBLE(auth0.logs.data.connection_id) > 100"
    );
    assert_eq!(
        where_of(&esql("search connection_id == 100\n")),
        "auth0.logs.data.connection_id == \"100\""
    );
    assert_eq!(
        where_of(&esql("search is_mobile == true\n")),
        "auth0.logs.data.is_mobile == true"
    );
}

#[test]
fn esql_arrays_test_any_value() {
    assert_eq!(
        where_of(&esql_at(
            "search details.accessedSecrets[] == \"Client_Secret\"\n",
            Some("9.5")
        )),
        "MV_CONTAINS(TO_LOWER(FIELD_EXTRACT(auth0.logs.data.details, \"accessedSecrets\")), \"client_secret\")"
    );
    let e = errors(
        "search details.accessedSecrets[] like \"c*\"\n",
        Target::Esql,
        Some("9.5"),
    );
    assert!(
        e[0].message.contains("multi-value field as a whole"),
        "{}",
        e[0].message
    );
}

#[test]
fn esql_capabilities_follow_the_stack_version() {
    let src = "search type == \"s\"\n| stats count by user_id\n| eventstats max(count) as top\n";
    let e = errors(src, Target::Esql, Some("8.19"));
    assert!(
        e[0].message
            .contains("INLINE STATS, which Elastic has from 9.3"),
        "{}",
        e[0].message
    );
    let q = esql_at(src, Some("9.3"));
    assert!(q.ends_with("| INLINE STATS top = MAX(count)"), "{q}");
    let flat = "search details.response.statusCode == 200\n";
    let e = errors(flat, Target::Esql, Some("9.4"));
    assert!(
        e[0].message
            .contains("FIELD_EXTRACT (Elastic 9.5 and later)"),
        "{}",
        e[0].message
    );
    assert_eq!(
        where_of(&esql_at(flat, Some("9.5"))),
        "FIELD_EXTRACT(auth0.logs.data.details, \"response.statusCode\") == \"200\""
    );
    let bad = Options {
        stack_version: Some("7.10".into()),
        ..Options::default()
    };
    let err = Target::Esql
        .backend()
        .check_options(&bad)
        .expect_err("unknown version");
    assert!(err.contains("8.19, 9.3, 9.4, 9.5"), "{err}");
}

#[test]
fn esql_refuses_stages_without_a_faithful_equivalent() {
    for (stage, why) in [
        ("dedup user_id", "keeps the first whole row"),
        ("transpose", "rows into columns"),
        ("stats list(user_id) as l", "`list` keeps every value"),
        ("stats stdev(x) as s", "sample standard deviation"),
        (
            "rex field=user_name r\"(?<a>x)\" max_match=0",
            "first match only",
        ),
        ("fillnull", "list the columns"),
    ] {
        let e = errors(
            &format!("search type == \"s\"\n| {stage}\n"),
            Target::Esql,
            None,
        );
        assert!(e[0].message.contains(why), "{stage}: {}", e[0].message);
        assert_eq!(
            e[0].location().map(|(_, l, c)| (l, c)),
            Some((2, 1)),
            "{stage}"
        );
    }
}

#[test]
fn esql_pipeline_semantics() {
    let q = esql(
        "search type == \"s\"\n| eval t = timestamp, r = 7 / 2\n| bin timestamp span=1h\n| stats values(user_id) as users, dc(user_id) as n by timestamp, ip\n| where users == \"u1\"\n",
    );
    let body: Vec<&str> = q.lines().skip(2).collect();
    assert_eq!(
        body,
        [
            "| EVAL t = TO_DOUBLE(@timestamp) / 1000, r = TO_DOUBLE(7) / 2",
            "| EVAL @timestamp = DATE_TRUNC(1 hour, @timestamp)",
            "| WHERE source.ip IS NOT NULL",
            "| STATS users = MV_SORT(VALUES(user.id)), n = COALESCE(MV_COUNT(VALUES(user.id)), 0) BY @timestamp, source.ip",
            "| WHERE MV_CONTAINS(users, \"u1\")",
        ]
    );
    // A column `stats` dropped cannot be named again: the front end says
    // so for every target, before ES|QL's own check.
    let (det, diags) = common::load_str(
        "t.vigil",
        "search type == \"s\"\n| stats count by ip\n| where user_id == \"x\"\n",
    );
    assert!(det.is_none());
    assert!(
        diags
            .iter()
            .any(|d| d.is_error() && d.message.contains("`user_id` no longer exists here")),
        "{diags:?}"
    );
}

#[test]
fn esql_parameters_are_named_query_parameters() {
    let src = "param limit: number\nparam tenant-url: string\nsearch hostname == \"{tenant-url}\"\n| stats count by ip\n| where count > {limit}\n";
    let (q, d) = run(src, Target::Esql, "elastic-auth0", false, None).expect("compiles");
    assert!(
        q.contains("TO_LOWER(auth0.logs.data.hostname) == TO_LOWER(?tenant_url)"),
        "{q}"
    );
    assert!(q.ends_with("| WHERE count > ?limit"), "{q}");
    assert!(
        d.iter().any(|d| d.message.contains("`?tenant_url`")),
        "{}",
        render(&d)
    );
}

#[test]
fn rendered_errors() {
    let src = "title: \"t\"\n\nsearch type == \"s\"\n| dedup user_id\n";
    let e = errors(src, Target::Esql, None);
    insta::assert_snapshot!(vigil::diagnostic::render_plain(&e[0]));
    let e = errors("search user_id like \"a?\"\n", Target::Kql, None);
    insta::assert_snapshot!(vigil::diagnostic::render_plain(&e[0]));
}

/// `sort N` keeps N rows: SPL's count, ES|QL's `LIMIT`; without a count SPL
/// needs `sort 0` to keep every row, and `sort 10000` is SPL's bare default.
#[test]
fn sort_counts_in_every_target() {
    let src = |s: &str| format!("title: \"t\"\nsearch type == \"s\"\n| {s}\n");
    let last = |q: String| q.lines().last().unwrap_or_default().to_string();
    assert_eq!(
        last(common::spl(&src("sort -timestamp"))),
        "| sort 0 -_time"
    );
    assert_eq!(
        last(common::spl(&src("sort 10000 -timestamp"))),
        "| sort -_time"
    );
    assert_eq!(
        last(common::spl(&src("sort 5 -timestamp"))),
        "| sort 5 -_time"
    );
    let q = esql(&src("sort 5 -timestamp"));
    assert!(q.ends_with("| SORT @timestamp DESC\n| LIMIT 5"), "{q}");
}

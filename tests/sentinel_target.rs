//! Microsoft Sentinel (Kusto): one snapshot per detection, and what the
//! printer does with each of Kusto's traps.

mod common;

use vigil::diagnostic::Diagnostic;
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// The query followed by every diagnostic, or the diagnostics alone.
fn snapshot(path: &std::path::Path) -> String {
    let det = common::load(path);
    match common::compile_full(&det, Target::Sentinel, false) {
        Ok(c) => {
            let mut lines = vec![c.query, "--- diagnostics".to_string()];
            lines.extend(c.diagnostics.iter().map(common::diagnostic_line));
            lines.join("\n")
        }
        Err(e) => e
            .iter()
            .map(common::diagnostic_line)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn sentinel() {
    insta::glob!("../detections", "*.vigil", |path| {
        insta::assert_snapshot!(snapshot(path));
    });
}

/// Constructs the detections do not use (`tests/fixtures/sentinel/`,
/// also analysed by the Kusto language service in `.ci/run`).
#[test]
fn sentinel_constructs() {
    insta::glob!("fixtures/sentinel", "*.vigil", |path| {
        insta::assert_snapshot!(snapshot(path));
    });
}

/// Every detection compiles, or is refused only because it reads a field
/// the connector drops, with errors naming the field and the connector.
#[test]
fn every_detection_compiles_or_is_refused_with_a_reason() {
    let dir = common::root().join("detections");
    let mut compiled = 0;
    let mut dropped = 0;
    for e in std::fs::read_dir(&dir).expect("detections") {
        let path = e.expect("entry").path();
        if path.extension().is_none_or(|x| x != "vigil") {
            continue;
        }
        let det = common::load(&path);
        match common::compile_full(&det, Target::Sentinel, false) {
            Ok(c) => {
                assert!(c.query.starts_with("Auth0Logs_CL") || c.query.starts_with("declare"));
                compiled += 1;
            }
            Err(errs) => {
                let errs: Vec<&Diagnostic> = errs.iter().filter(|d| d.is_error()).collect();
                assert!(
                    !errs.is_empty(),
                    "{}: refused without an error",
                    path.display()
                );
                for d in &errs {
                    assert!(
                        d.message.contains("drops every field")
                            && d.message.contains(
                                "the connector \"Auth0 Logs (via Codeless Connector Framework)\""
                            ),
                        "{}: refused for another reason: {}",
                        path.display(),
                        d.message
                    );
                }
                dropped += 1;
            }
        }
    }
    assert!(compiled >= 32, "only {compiled} detections compile");
    assert!(dropped <= 5, "{dropped} refused for dropped fields");
}

fn run(src: &str, profile: &str) -> Result<(String, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (det, diags) = common::load_str("t.vigil", src);
    let det = det.unwrap_or_else(|| panic!("{src}: {diags:?}"));
    let profile = Profile::load(profile).expect("profile");
    // The profile scopes every query to one tenant (docs/sentinel.md).
    let opts = Options {
        comments: false,
        params: [("your-tenant-name".to_string(), "acme".to_string())].into(),
        ..Options::default()
    };
    Target::Sentinel
        .backend()
        .compile(&det, &profile, &opts)
        .map(|c| (c.query, c.diagnostics))
}

fn kusto(src: &str) -> String {
    match run(src, "sentinel-auth0") {
        Ok((q, _)) => q,
        Err(e) => panic!("{e:?}"),
    }
}

fn error(src: &str) -> String {
    match run(src, "sentinel-auth0") {
        Ok((q, _)) => panic!("expected an error, got {q}"),
        Err(e) => common::error_messages(&e),
    }
}

#[test]
fn columns_are_renamed_and_details_is_dynamic() {
    let q = kusto(r#"search type == "s" and ip == "1.2.3.4" and details.request.method == "GET""#);
    assert_eq!(
        q,
        "Auth0Logs_CL\n| where TenantName =~ \"acme\" and EventType =~ \"s\" and SrcIpAddr =~ \"1.2.3.4\" and tostring(Details.request.method) =~ \"GET\""
    );
}

#[test]
fn a_dropped_field_names_the_field_and_the_connector() {
    let e = error(r#"search organization_id == "org_1""#);
    assert!(
        e.contains("`organization_id` is not a column of Auth0Logs_CL"),
        "{e}"
    );
    assert!(
        e.contains("Auth0 Logs (via Codeless Connector Framework)"),
        "{e}"
    );
}

#[test]
fn strings_are_never_null() {
    // `f != x` needs `f` (S5): a missing string reads "".
    let q = kusto(r#"search user_name != "bob""#);
    assert!(
        q.ends_with(
            "where TenantName =~ \"acme\" and isnotempty(ActorUsername) and not(ActorUsername =~ \"bob\")"
        ),
        "{q}"
    );
    let q = kusto("search user_name is null");
    assert!(
        q.ends_with("where TenantName =~ \"acme\" and not(isnotempty(ActorUsername))"),
        "{q}"
    );
    // In eval semantics a comparison with a missing field is null.
    let q = kusto(r#"search type == "s" | where user_name != "bob""#);
    assert!(
        q.ends_with("| where (isnotempty(ActorUsername) and ActorUsername != \"bob\")"),
        "{q}"
    );
}

#[test]
fn case_sensitivity_follows_the_semantics() {
    let q = kusto(r#"search type in ("s", "f") and user_name == "Bob" cased"#);
    assert!(q.contains("EventType in~ (\"s\", \"f\")"), "{q}");
    assert!(q.contains("ActorUsername == \"Bob\""), "{q}");
    let q = kusto(r#"search type == "s" | where user_name == "Bob""#);
    assert!(q.ends_with("| where ActorUsername == \"Bob\""), "{q}");
}

#[test]
fn wildcards_use_kusto_string_operators_or_anchored_re2() {
    let q = kusto(r#"search user_name like ("admin*", "*@x.com", "*root*", "a*b?c")"#);
    assert!(q.contains("ActorUsername startswith \"admin\""), "{q}");
    assert!(q.contains("ActorUsername endswith \"@x.com\""), "{q}");
    assert!(q.contains("ActorUsername contains \"root\""), "{q}");
    assert!(
        q.contains(r#"ActorUsername matches regex "(?is)^a.*b.c$""#),
        "{q}"
    );
}

#[test]
fn sort_says_its_direction_and_head_keeps_spl_order() {
    let q = kusto("search type == \"s\" | sort user_name | head 5");
    assert!(
        q.contains("| sort by ActorUsername asc nulls last\n| take 5"),
        "{q}"
    );
    // Without a sort, SPL's rows are the newest events first.
    let q = kusto("search type == \"s\" | head 5");
    assert!(q.ends_with("| top 5 by TimeGenerated desc"), "{q}");
    // After stats, SPL's groups are sorted by their by values.
    let q = kusto("search type == \"s\" | stats count by user_name | head 3");
    assert!(
        q.ends_with("| sort by ActorUsername asc nulls last\n| take 3"),
        "{q}"
    );
}

#[test]
fn extend_is_split_when_an_assignment_reads_an_earlier_one() {
    let q = kusto("search type == \"s\" | eval a = 1, b = a + 1, c = 2");
    assert!(
        q.ends_with("| extend a = 1\n| extend b = a + 1, c = 2"),
        "{q}"
    );
}

#[test]
fn dc_is_exact_and_keywords_are_bracketed() {
    let q = kusto("search type == \"s\" | stats dc(ip) as first by user_id");
    assert!(
        q.contains("summarize ['first'] = count_distinctif(SrcIpAddr, isnotempty(SrcIpAddr)) by ActorUserId"),
        "{q}"
    );
    assert!(q.contains("| where isnotempty(ActorUserId)\n"), "{q}");
}

#[test]
fn cidr_uses_the_ip_range_functions() {
    let q = kusto(r#"search ip cidr ("10.0.0.0/8", "2001:db8::/32")"#);
    assert!(
        q.contains(r#"coalesce(ipv4_is_in_range(SrcIpAddr, "10.0.0.0/8"), false)"#),
        "{q}"
    );
    assert!(
        q.contains(r#"coalesce(ipv6_is_in_range(SrcIpAddr, "2001:db8::/32"), false)"#),
        "{q}"
    );
}

#[test]
fn regular_expressions_re2_refuses_look_around() {
    let q = kusto(r#"search user_name matches "^adm(?<n>in)""#);
    assert!(
        q.contains(r#"ActorUsername matches regex "^adm(?P<n>in)""#),
        "{q}"
    );
    let e = error(r#"search user_name matches "a(?=b)""#);
    assert!(e.contains("RE2") && e.contains("look-around"), "{e}");
}

#[test]
fn order_dependent_aggregates_are_refused() {
    assert!(error("search type == \"s\" | stats list(ip) by user_id").contains("`list`"));
    assert!(error("search type == \"s\" | stats perc95(ip)").contains("percentile"));
    assert!(error("search type == \"s\" | transpose").contains("transpose"));
}

#[test]
fn unset_parameters_are_declared() {
    let q = kusto(
        "param n: number \"threshold\"\nsearch type == \"s\" | stats count as c by ip | where c > {n}",
    );
    assert!(
        q.starts_with("declare query_parameters(n:real);\nAuth0Logs_CL"),
        "{q}"
    );
    assert!(q.ends_with("| where c > n"), "{q}");
}

#[test]
fn times_are_datetimes_not_epoch_seconds() {
    let q = kusto(
        "search type == \"s\" | stats min(timestamp) as first_seen by ip | where first_seen > now() - 3600",
    );
    assert!(
        q.ends_with("| where first_seen > (now() - 3600 * 1s)"),
        "{q}"
    );
}

#[test]
fn plain_profile_reads_the_table_from_the_logsource() {
    let rule = "title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel:\n    Image|endswith: '\\cmd.exe'\n  condition: sel\n";
    let (det, diags) = common::load_str("r.yml", rule);
    let det = det.unwrap_or_else(|| panic!("{diags:?}"));
    let profile = Profile::load("sentinel-plain").expect("profile");
    let q = Target::Sentinel
        .backend()
        .compile(&det, &profile, &Options::default())
        .map(|c| c.query)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(q, "SecurityEvent\n| where Image endswith \"\\\\cmd.exe\"");
}

#[test]
fn plain_profile_without_a_table_reads_the_table_parameter() {
    let rule =
        "title: t\nlogsource: {product: nosuch}\ndetection:\n  sel:\n    a: b\n  condition: sel\n";
    let (det, diags) = common::load_str("r.yml", rule);
    let det = det.unwrap_or_else(|| panic!("{diags:?}"));
    let profile = Profile::load("sentinel-plain").expect("profile");
    let c = Target::Sentinel
        .backend()
        .compile(&det, &profile, &Options::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        c.query,
        "declare query_parameters(['table']:string);\ntable(['table'])\n| where a =~ \"b\""
    );
    assert_eq!(
        vigil::targets::sentinel::declared_parameters(&c.query),
        vec!["table".to_string()]
    );
    let mut opts = Options::default();
    opts.params.insert("table".into(), "MyTable".into());
    let q = Target::Sentinel
        .backend()
        .compile(&det, &profile, &opts)
        .map(|c| c.query)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(q, "MyTable\n| where a =~ \"b\"");
}

//! The detection library's test cases: they pass, every detection has a
//! positive and a negative case, and the cases fail when a detection's
//! logic is changed (mutations of copies in a temporary directory).

mod common;

use std::path::{Path, PathBuf};

use common::root;
use vigil::testing::{FileResult, run_file, run_paths};

fn detections_dir() -> PathBuf {
    root().join("detections")
}

#[test]
fn loader_skips_tests_files() {
    assert!(!vigil::load::is_detection_file(Path::new("d/x.tests.yaml")));
    assert!(!vigil::load::is_detection_file(Path::new("d/x.tests.yml")));
    assert!(vigil::load::is_test_file(Path::new("d/x.tests.yaml")));
    assert!(vigil::load::is_detection_file(Path::new("d/x.yml")));
    assert!(vigil::load::is_detection_file(Path::new("d/tests.yml")));
    let files = vigil::load::expand_paths(&[detections_dir()]).expect("detections/");
    assert!(!files.is_empty());
    assert!(
        files.iter().all(|f| !vigil::load::is_test_file(f)),
        "{files:?}"
    );
}

#[test]
fn every_detection_has_passing_positive_and_negative_cases() {
    let summary = run_paths(&[detections_dir()]).expect("runs");
    let (text, diags) = vigil::testing::report::text(&summary);
    assert!(
        summary.passed(),
        "{text}\n{}",
        diags
            .iter()
            .map(|d| d.one_line())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        summary.untested.is_empty(),
        "detections without tests: {:?}",
        summary.untested
    );
    for f in &summary.files {
        let pos = f.cases.iter().filter(|c| !c.negative).count();
        let neg = f.cases.iter().filter(|c| c.negative).count();
        assert!(
            pos >= 1 && neg >= 1 && f.cases.len() >= 2,
            "{}: {pos} positive and {neg} negative cases",
            f.tests.display()
        );
    }
}

/// Changes made to a detection's text: (find, replace) pairs.
struct Mutation {
    stem: &'static str,
    edits: &'static [(&'static str, &'static str)],
}

/// For each detection, changes of its logic that its cases must notice.
const MUTATIONS: &[Mutation] = &[
    Mutation {
        stem: "article_attack_protection_status",
        edits: &[("type == \"sapi\"", "type == \"sapi-mutated\"")],
    },
    Mutation {
        stem: "article_attack_protection_status",
        edits: &[("| sort 10000 -timestamp", "| sort 10000 +timestamp")],
    },
    Mutation {
        stem: "article_attack_protection_status",
        edits: &[
            ("   and description in (", "   or description in ("),
            (
                "description == \"Update Brute-force settings\", \"Brute-force\")",
                "true, \"Brute-force\")",
            ),
        ],
    },
    Mutation {
        stem: "breached_password_detection_settings_manipulated",
        edits: &[("type == \"sapi\"", "type == \"s\"")],
    },
    Mutation {
        stem: "breached_password_detection_settings_manipulated",
        edits: &[("| sort -timestamp", "| sort +timestamp")],
    },
    Mutation {
        stem: "mfa_downgrade_detect_disable_factors",
        edits: &[("type == \"sapi\"", "type == \"s\"")],
    },
    Mutation {
        stem: "mfa_downgrade_detect_disable_factors",
        edits: &[("| sort 10000 -timestamp", "| sort 10000 +timestamp")],
    },
    Mutation {
        stem: "mfa_downgrade_detect_disable_factors",
        edits: &[("| where details.request.body.enabled == \"false\"\n", "")],
    },
    Mutation {
        stem: "rapid_creation_of_clients_with_dynamic_registration",
        edits: &[("\"Dynamic client registration\"", "\"Dynamic client\"")],
    },
    Mutation {
        stem: "rapid_creation_of_clients_with_dynamic_registration",
        edits: &[("where count_clients > {", "where count_clients >= {")],
    },
    Mutation {
        stem: "rapid_creation_of_clients_with_dynamic_registration",
        edits: &[("span=1h", "span=1d")],
    },
    Mutation {
        stem: "refresh_token_reuse",
        edits: &[("type == \"ferrt\"", "type == \"fertft\"")],
    },
    Mutation {
        stem: "refresh_token_reuse",
        edits: &[(
            "where affected_users_total_count > {",
            "where affected_users_total_count >= {",
        )],
    },
    Mutation {
        stem: "refresh_token_reuse",
        edits: &[
            ("type == \"ferrt\"", "type startswith \"f\""),
            ("   and description ==", "   or description =="),
        ],
    },
    Mutation {
        stem: "risk_of_copying_client_credentials",
        edits: &[("\"Get client by ID\"", "\"Get clients\"")],
    },
    Mutation {
        stem: "risk_of_copying_client_credentials",
        edits: &[(
            "\n   and details.accessedSecrets[] == \"client_secret\"",
            "",
        )],
    },
    Mutation {
        stem: "risk_of_copying_the_most_powerful_token",
        edits: &[("type == \"seccft\"", "type == \"feccft\"")],
    },
    Mutation {
        stem: "risk_of_copying_the_most_powerful_token",
        edits: &[("type == \"seccft\"", "type in (\"seccft\", \"feccft\")")],
    },
    Mutation {
        stem: "risk_of_copying_the_most_powerful_token",
        edits: &[(" and client_id == \"{api_explorer_client_id}\"", "")],
    },
    Mutation {
        stem: "sms_bombarding",
        edits: &[("type == \"gd_send_sms\"", "type == \"gd_send_sms_failure\"")],
    },
    Mutation {
        stem: "sms_bombarding",
        edits: &[("where sms_per_user > {", "where sms_per_user >= {")],
    },
    Mutation {
        stem: "sms_bombarding",
        edits: &[(
            "search type == \"gd_send_sms\" and description == \"Guardian - Second factor sms sent\"",
            "search type startswith \"gd_send_sms\"",
        )],
    },
    Mutation {
        stem: "suspicious_ip_throttling_critical_settings_manipulated",
        edits: &[(
            "\"Update Suspicious IP Throttling settings\"",
            "\"Update Brute-force settings\"",
        )],
    },
    Mutation {
        stem: "suspicious_ip_throttling_critical_settings_manipulated",
        edits: &[("| sort -timestamp", "| sort +timestamp")],
    },
    Mutation {
        stem: "unrecognized_ip_in_allowlist",
        edits: &[("type == \"sapi\"", "type == \"s\"")],
    },
    Mutation {
        stem: "unrecognized_ip_in_allowlist",
        edits: &[("| where is_known_ip is null\n", "")],
    },
    Mutation {
        stem: "unrecognized_ip_in_allowlist",
        edits: &[("   and description in (", "   or description in (")],
    },
    Mutation {
        stem: "use_of_auth0_tenant_name_url",
        edits: &[("type in (\"s\", \"f\",", "type in (")],
    },
    Mutation {
        stem: "use_of_auth0_tenant_name_url",
        edits: &[(
            "and hostname == \"{your-tenant-url}\"",
            "and hostname != \"{your-tenant-url}\"",
        )],
    },
    Mutation {
        stem: "use_of_auth0_tenant_name_url",
        edits: &[("search type in (", "search type not in (")],
    },
    // The catalog rules ported after the first eleven, and the M2M detections.
    Mutation {
        stem: "attack_protection_features_turned_off",
        edits: &[("type == \"sapi\"", "type == \"sapi-mutated\"")],
    },
    Mutation {
        stem: "attack_protection_features_turned_off",
        edits: &[("| sort 10000 -timestamp", "| sort 10000 +timestamp")],
    },
    Mutation {
        stem: "attack_protection_features_turned_off",
        edits: &[
            ("   and description in (", "   or description in ("),
            (
                "description == \"Update Brute-force settings\", \"Brute-force\")",
                "true, \"Brute-force\")",
            ),
        ],
    },
    Mutation {
        stem: "bot_detection_turned_off",
        edits: &[(
            "\"Create or update the anomaly detection captcha\"",
            "\"Update tenant settings\"",
        )],
    },
    Mutation {
        stem: "bot_detection_turned_off",
        edits: &[(
            "'pwd_login_signup' == \"off\"",
            "'pwd_login_signup' != \"off\"",
        )],
    },
    Mutation {
        stem: "bot_detection_turned_off",
        edits: &[(
            "details.response.statusCode == 200",
            "details.response.statusCode != 200",
        )],
    },
    Mutation {
        stem: "brute_force_critical_settings_manipulated",
        edits: &[("type == \"sapi\"", "type == \"s\"")],
    },
    Mutation {
        stem: "brute_force_critical_settings_manipulated",
        edits: &[("| sort -timestamp", "| sort +timestamp")],
    },
    Mutation {
        stem: "client_with_overpermissive_granted_scopes",
        edits: &[("type == \"sapi\"", "type == \"s\"")],
    },
    Mutation {
        stem: "client_with_overpermissive_granted_scopes",
        edits: &[(
            "type == \"sapi\" and not client_id == {global_client_id}",
            "type == \"sapi\"",
        )],
    },
    Mutation {
        stem: "client_with_overpermissive_granted_scopes",
        edits: &[(
            "| where NOT match(accessible_scopes, replace(excluded_scopes, \",\", \"|\"))\n",
            "",
        )],
    },
    Mutation {
        stem: "credential_stuffing_signals",
        edits: &[(
            "where cnt_events_per_ip > {",
            "where cnt_events_per_ip > 10 + {",
        )],
    },
    Mutation {
        stem: "credential_stuffing_signals",
        edits: &[(
            "where cnt_events_per_ip > {",
            "where cnt_events_per_ip >= {",
        )],
    },
    Mutation {
        stem: "credential_stuffing_signals",
        edits: &[(
            "search tenant_name == \"{your-tenant-name}\"",
            "search tenant_name exists",
        )],
    },
    Mutation {
        stem: "cross_origin_authentication_enabled",
        edits: &[(
            "cross_origin_authentication == true",
            "cross_origin_authentication == false",
        )],
    },
    Mutation {
        stem: "cross_origin_authentication_enabled",
        edits: &[(" and details.response.statusCode == 200", "")],
    },
    Mutation {
        stem: "grant_mgn_api_scopes",
        edits: &[(
            "description == \"Update client grant\"",
            "description == \"Update client grants\"",
        )],
    },
    Mutation {
        stem: "grant_mgn_api_scopes",
        edits: &[(
            "   and not details.response.body.client_id in ({trusted-client_id-1}, {trusted-client_id-2})\n",
            "",
        )],
    },
    Mutation {
        stem: "grant_mgn_api_scopes",
        edits: &[(
            "   and details.response.body.audience == \"https://{your-tenant-domain}/api/v2/\"\n",
            "",
        )],
    },
    Mutation {
        stem: "insecure_grants_enabled_for_applications",
        edits: &[(
            "where allowed_grants in (\"implicit\", \"password\")",
            "where allowed_grants in (\"hybrid\")",
        )],
    },
    Mutation {
        stem: "insecure_grants_enabled_for_applications",
        edits: &[("| sort 10000 -timestamp", "| sort 10000 +timestamp")],
    },
    Mutation {
        stem: "insecure_grants_enabled_for_applications",
        edits: &[(" and details.response.statusCode == 200", "")],
    },
    Mutation {
        stem: "liquidjs_xss_vulnerability",
        edits: &[(
            "description == \"Update tenant settings\"",
            "description == \"Update tenant\"",
        )],
    },
    Mutation {
        stem: "liquidjs_xss_vulnerability",
        edits: &[("| where vulnerable_variables is not null\n", "")],
    },
    Mutation {
        stem: "logins_from_suspicious_tls_fingerprints",
        edits: &[(
            "search type in (\"s\", \"scoa\")",
            "search type in (\"scoa\")",
        )],
    },
    Mutation {
        stem: "logins_from_suspicious_tls_fingerprints",
        edits: &[(
            "where cnt_events_per_ip > {",
            "where cnt_events_per_ip >= {",
        )],
    },
    Mutation {
        stem: "logins_from_suspicious_tls_fingerprints",
        edits: &[(
            "search tenant_name == \"{your-tenant-name}\"",
            "search tenant_name exists",
        )],
    },
    Mutation {
        stem: "logins_or_signups_from_suspicious_ips",
        edits: &[(
            "(match(event_types, \"ss\") OR match(event_types, \"s\"))",
            "match(event_types, \"^x$\")",
        )],
    },
    Mutation {
        stem: "logins_or_signups_from_suspicious_ips",
        edits: &[(
            "| where (match(event_types, \"reset_pwd_leak\")",
            "| where (true OR match(event_types, \"reset_pwd_leak\")",
        )],
    },
    Mutation {
        stem: "logins_or_signups_from_suspicious_ips",
        edits: &[
            (
                "details.requiresVerification == true",
                "details.requiresVerification == false",
            ),
            (
                " AND (match(event_types, \"ss\") OR match(event_types, \"s\"))",
                "",
            ),
        ],
    },
    Mutation {
        stem: "m2m_org_first_token_for_client",
        edits: &[("where first_seen > now()", "where first_seen < now()")],
    },
    Mutation {
        stem: "m2m_org_first_token_for_client",
        edits: &[
            (" and organization_id startswith \"org_\"", ""),
            (
                "by client_id, client_name, organization_id",
                "by client_id, client_name",
            ),
            // Reading the column `stats` no longer keeps is an error now.
            (
                "client_name, organization_id, organization_names",
                "client_name, organization_names",
            ),
        ],
    },
    Mutation {
        stem: "m2m_org_token_audit",
        edits: &[(
            "| sort organization_id, -tokens_issued",
            "| sort organization_id, tokens_issued",
        )],
    },
    Mutation {
        stem: "m2m_org_token_audit",
        edits: &[
            (" and organization_id startswith \"org_\"", ""),
            (
                "by organization_id, organization_name,",
                "by organization_name,",
            ),
            // Sorting on the column `stats` no longer keeps is an error now.
            ("| sort organization_id,", "| sort organization_name,"),
        ],
    },
    Mutation {
        stem: "m2m_org_token_for_unlisted_client",
        edits: &[(
            "| where allowlisted_client_id is null",
            "| where allowlisted_client_id is not null",
        )],
    },
    Mutation {
        stem: "m2m_org_token_for_unlisted_client",
        edits: &[(" and organization_id startswith \"org_\"", "")],
    },
    Mutation {
        stem: "many_failed_authorization_requests",
        edits: &[(
            "| where count > {threshold}",
            "| where count > 10 + {threshold}",
        )],
    },
    Mutation {
        stem: "many_failed_authorization_requests",
        edits: &[(
            "| where count > {threshold}",
            "| where count >= {threshold}",
        )],
    },
    Mutation {
        stem: "many_failed_authorization_requests",
        edits: &[
            (
                "\"The redirect_uri parameter is not valid*\")",
                "\"The redirect_uri parameter is not valid*\", \"*password*\")",
            ),
            (
                "r\"Unknown client: (?<malformed_client>.*)\"",
                "r\"(?<malformed_client>Wrong.*)\"",
            ),
            ("| where count > {threshold}", "| where count > 0"),
        ],
    },
    Mutation {
        stem: "many_unverified_accounts_created",
        edits: &[(
            "where cnt_events_per_user == 1",
            "where cnt_events_per_user == 2",
        )],
    },
    Mutation {
        stem: "many_unverified_accounts_created",
        edits: &[("min_elapsed_time > {", "min_elapsed_time < {")],
    },
    Mutation {
        stem: "mfa_donwgrade_risk_assessment_disabled",
        edits: &[(
            "AfterAuthentication == false",
            "AfterAuthentication == true",
        )],
    },
    Mutation {
        stem: "mfa_donwgrade_risk_assessment_disabled",
        edits: &[("\n   and details.response.statusCode == 200", "")],
    },
    Mutation {
        stem: "mfa_downgrade_disable_mfa_policies",
        edits: &[("| where NOT match(mfa_mode,", "| where match(mfa_mode,")],
    },
    Mutation {
        stem: "mfa_downgrade_disable_mfa_policies",
        edits: &[(
            "| where NOT match(mfa_mode, \"^(all-applications|confidence-score)$\")\n",
            "",
        )],
    },
    Mutation {
        stem: "multiple_phone_numbers_are_registered_as_mfa",
        edits: &[("where users_count > 1", "where users_count > 2")],
    },
    Mutation {
        stem: "multiple_phone_numbers_are_registered_as_mfa",
        edits: &[(
            "stats dc(user_id) as users_count",
            "stats count(user_id) as users_count",
        )],
    },
    Mutation {
        stem: "multiple_phone_numbers_are_registered_as_mfa",
        edits: &[(
            "description == \"Guardian - Enrollment complete (sms)\"",
            "description startswith \"Guardian - Enrollment complete\"",
        )],
    },
    Mutation {
        stem: "refresh_token_from_multiple_user_agent",
        edits: &[("where ua_count > {", "where ua_count > 10 + {")],
    },
    Mutation {
        stem: "refresh_token_from_multiple_user_agent",
        edits: &[("where ua_count > {", "where ua_count >= {")],
    },
    Mutation {
        stem: "refresh_token_from_multiple_user_agent",
        edits: &[(
            "type in (\"seacft\", \"sertft\")",
            "type in (\"seacft\", \"sertft\", \"fertft\")",
        )],
    },
    Mutation {
        stem: "refresh_token_from_too_many_locations",
        edits: &[("where rt_ip_count > {", "where rt_ip_count > 10 + {")],
    },
    Mutation {
        stem: "refresh_token_from_too_many_locations",
        edits: &[("where rt_ip_count > {", "where rt_ip_count >= {")],
    },
    Mutation {
        stem: "refresh_token_from_too_many_locations",
        edits: &[(
            "type in (\"seacft\", \"sertft\")",
            "type in (\"seacft\", \"sertft\", \"s\")",
        )],
    },
    Mutation {
        stem: "risk_for_mfa_push_fatigue",
        edits: &[(
            "count_pushes_per_user > {",
            "count_pushes_per_user > 10 + {",
        )],
    },
    Mutation {
        stem: "risk_for_mfa_push_fatigue",
        edits: &[("window_duration_mins <= {", "window_duration_mins >= {")],
    },
    Mutation {
        stem: "risk_for_mfa_push_fatigue",
        edits: &[(
            "search tenant_name == \"{your_tenant_name}\"",
            "search tenant_name exists",
        )],
    },
    Mutation {
        stem: "risk_of_signup_fraud_by_disposable_domains",
        edits: &[("where user_count > {", "where user_count > 10 + {")],
    },
    Mutation {
        stem: "risk_of_signup_fraud_by_disposable_domains",
        edits: &[("span=1h", "span=1d")],
    },
    Mutation {
        stem: "risk_of_signup_fraud_by_disposable_domains",
        edits: &[(
            "\"@mohmal.com\")",
            "\"@mohmal.com\", \"@acme.example\", \"@example.org\")",
        )],
    },
    Mutation {
        stem: "risk_of_signup_fraud_by_volume",
        edits: &[(
            "where per_ip_count_fs >= {",
            "where per_ip_count_fs >= 10 + {",
        )],
    },
    Mutation {
        stem: "risk_of_signup_fraud_by_volume",
        edits: &[("span=1h", "span=1d")],
    },
    Mutation {
        stem: "risk_of_signup_fraud_by_volume",
        edits: &[
            (
                "type in (\"fs\", \"ss\", \"signup_pwd_leak\")",
                "type in (\"fs\", \"ss\", \"signup_pwd_leak\", \"f\")",
            ),
            (
                "eventstats count(type == \"fs\")",
                "eventstats count(type == \"f\")",
            ),
            ("stats count(type == \"fs\")", "stats count(type == \"f\")"),
        ],
    },
    Mutation {
        stem: "risk_of_tenant_takeover",
        edits: &[("if(delete_event_count > 1,", "if(delete_event_count > 5,")],
    },
    Mutation {
        stem: "risk_of_tenant_takeover",
        edits: &[("if(delete_event_count > 1,", "if(delete_event_count > 0,")],
    },
    Mutation {
        stem: "risk_of_tenant_takeover",
        edits: &[
            (
                "AND has_personal_invited_email == \"true\"",
                "AND has_personal_invited_email == \"false\"",
            ),
            ("window_duration_mins <= 10", "window_duration_mins <= 60"),
            (
                "AND deleting_among_invited == \"false\"",
                "AND deleting_among_invited == \"true\"",
            ),
        ],
    },
    Mutation {
        stem: "same_guardian_app_is_registered_for_mfa_in_multiple_users",
        edits: &[("where users_count > 1", "where users_count > 2")],
    },
    Mutation {
        stem: "same_guardian_app_is_registered_for_mfa_in_multiple_users",
        edits: &[("where users_count > 1", "where users_count > 0")],
    },
    Mutation {
        stem: "same_guardian_app_is_registered_for_mfa_in_multiple_users",
        edits: &[(
            "description == \"Guardian - Enrollment complete\"",
            "description startswith \"Guardian - Enrollment complete\"",
        )],
    },
];

/// A fresh temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vigil-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Copies a detection (mutated) with its tests file and test data into
/// `dir`, and runs its cases.
fn run_mutated(dir: &Path, stem: &str, edits: &[(&str, &str)]) -> FileResult {
    let src = detections_dir();
    let mut text = std::fs::read_to_string(src.join(format!("{stem}.vigil"))).expect("detection");
    for (from, to) in edits {
        assert!(
            text.contains(from),
            "{stem}: `{from}` is not in the detection"
        );
        text = text.replacen(from, to, 1);
    }
    std::fs::write(dir.join(format!("{stem}.vigil")), text).expect("write");
    let tests = dir.join(format!("{stem}.tests.yaml"));
    std::fs::copy(src.join(format!("{stem}.tests.yaml")), &tests).expect("copy tests");
    let data = src.join("testdata");
    if data.is_dir() {
        std::fs::create_dir_all(dir.join("testdata")).expect("testdata");
        for e in std::fs::read_dir(&data).expect("testdata").flatten() {
            std::fs::copy(e.path(), dir.join("testdata").join(e.file_name())).expect("copy");
        }
    }
    run_file(&tests)
}

#[test]
fn every_case_fails_when_the_detection_logic_changes() {
    let dir = temp_dir("mutations");
    let mut killed: std::collections::BTreeMap<(String, String), bool> = Default::default();
    for m in MUTATIONS {
        // The unchanged copy passes, so a failure below is the mutation's.
        let base = run_mutated(&dir, m.stem, &[]);
        assert!(
            base.passed() && !base.cases.is_empty(),
            "{}: {base:?}",
            m.stem
        );
        for c in &base.cases {
            killed
                .entry((m.stem.to_string(), c.name.clone()))
                .or_insert(false);
        }
        let mutated = run_mutated(&dir, m.stem, m.edits);
        assert!(
            mutated.errors.is_empty(),
            "{}: {:?}",
            m.stem,
            mutated.errors
        );
        let failed: Vec<&str> = mutated
            .cases
            .iter()
            .filter(|c| c.failure.is_some() && !c.error)
            .map(|c| c.name.as_str())
            .collect();
        assert!(
            !failed.is_empty(),
            "{}: no case noticed {:?}",
            m.stem,
            m.edits
        );
        for name in failed {
            killed.insert((m.stem.to_string(), name.to_string()), true);
        }
    }
    let survivors: Vec<_> = killed
        .iter()
        .filter(|(_, k)| !**k)
        .map(|(c, _)| c)
        .collect();
    assert!(
        survivors.is_empty(),
        "cases no mutation made fail: {survivors:?}"
    );
    // Every detection with a tests file is covered by some mutation.
    for f in run_paths(&[detections_dir()]).expect("runs").files {
        let stem = f
            .detection
            .as_ref()
            .and_then(|d| d.file_stem())
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        assert!(
            MUTATIONS.iter().any(|m| m.stem == stem),
            "{stem}: add a mutation to MUTATIONS"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failing_case_shows_a_diff() {
    let dir = temp_dir("diff");
    std::fs::write(
        dir.join("d.vigil"),
        "title: \"d\"\nsearch type == \"s\"\n| table user_id\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("d.tests.yaml"),
        "cases:\n  - name: wrong expectation\n    events:\n      - {type: s, user_id: a}\n      - {type: s, user_id: b}\n      - {type: f, user_id: c}\n    expect:\n      rows: [{user_id: a}, {user_id: c}]\n",
    )
    .expect("write");
    let r = run_file(&dir.join("d.tests.yaml"));
    let why = r.cases[0].failure.clone().expect("fails");
    assert_eq!(r.cases[0].line, 2);
    assert_eq!(
        why,
        "expected 2 rows, got 2\n- {\"user_id\":\"c\"}\n+ {\"user_id\":\"b\"}\n"
    );
    let junit = vigil::testing::report::junit(&vigil::testing::Summary {
        files: vec![r],
        untested: Vec::new(),
    });
    assert!(
        junit.contains("<failure message=\"expected 2 rows, got 2\">"),
        "{junit}"
    );
    assert!(
        junit.contains("- {&quot;user_id&quot;:&quot;c&quot;}"),
        "{junit}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

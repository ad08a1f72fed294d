//! Regression tests for the escaping and meaning findings of the security
//! review (`../shared/reviews/2026-12-security.md`, issue 11). Each
//! reproduction is copied into `tests/fixtures/security/` and run through
//! the `vigil` binary, as the reviewer ran it: the attack must fail with a
//! diagnostic saying why, and nothing of it may reach standard output.

use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/security/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn vigil(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .output()
        .expect("vigil runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The run failed with exit code `code`, said `message` on stderr, and
/// printed nothing the attack put in.
fn assert_refused(o: &Output, code: i32, message: &str) {
    let (out, err) = (stdout(o), stderr(o));
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{out}\nstderr:\n{err}"
    );
    assert!(err.contains(message), "expected {message:?} in:\n{err}");
    for injected in ["delete", "evil", "outputlookup"] {
        assert!(
            !out.contains(injected),
            "{injected:?} reached stdout:\n{out}"
        );
    }
}

#[test]
fn s1_a_regex_ending_in_a_backslash_is_an_error_not_a_quote_breakout() {
    let r1 = fixture("r1.vigil");
    let o = vigil(&["compile", &r1, "--profile", "splunk-plain"]);
    assert_refused(&o, 1, "invalid regular expression");
    let o = vigil(&["check", &r1]);
    assert_refused(&o, 1, "invalid regular expression");
}

#[test]
fn s1_regexes_are_checked_again_after_parameter_substitution() {
    for file in ["r1_param.vigil", "r1_rex.vigil"] {
        let o = vigil(&[
            "compile",
            &fixture(file),
            "--profile",
            "splunk-plain",
            "--param",
            r"v=abc\",
        ]);
        assert_refused(&o, 1, "invalid regular expression");
    }
}

#[test]
fn s2_field_names_spl_cannot_quote_are_errors() {
    // The review's r2.yml also has an invalid regex (`(x=1`), now an error
    // of its own; r2_valid_regex.yml is the same attack with a valid one.
    let o = vigil(&["compile", &fixture("r2.yml"), "--profile", "splunk-plain"]);
    assert_refused(&o, 1, "invalid regular expression: unclosed group");
    for (file, name) in [
        ("r2_valid_regex.yml", r#"the field name "e\"f""#),
        ("r2b.vigil", r#"the field name "x=1 | delete | search y""#),
    ] {
        let o = vigil(&["compile", &fixture(file), "--profile", "splunk-plain"]);
        assert_refused(&o, 1, name);
        assert!(stderr(&o).contains("SPL cannot quote safely"));
    }
}

#[test]
fn s3_s4a_placeholder_names_must_be_parameter_names() {
    for file in ["r3.yml", "r4.yml"] {
        for format in ["text", "savedsearches"] {
            let o = vigil(&[
                "compile",
                &fixture(file),
                "--profile",
                "splunk-plain",
                "--format",
                format,
            ]);
            assert_refused(&o, 1, "is not a parameter name");
        }
    }
}

#[test]
fn s4b_an_id_cannot_open_a_stanza() {
    let o = vigil(&[
        "compile",
        &fixture("r5"),
        "--format",
        "savedsearches",
        "--param",
        "your-tenant-name=acme",
    ]);
    assert_refused(&o, 1, "bad `id`: the id holds ']'");
    assert!(!stdout(&o).contains("pwn.sh"));
}

#[test]
fn d3_a_description_ending_in_a_backslash_is_refused_in_savedsearches() {
    let o = vigil(&["compile", &fixture("r6.vigil"), "--format", "savedsearches"]);
    assert_refused(
        &o,
        1,
        "the description cannot be written to savedsearches.conf",
    );
    // The query itself is fine in every other format.
    let o = vigil(&["compile", &fixture("r6.vigil")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn s5_a_scope_parameter_takes_a_literal_value() {
    for tenant in ["*", "acme*", "ac?me"] {
        let o = vigil(&[
            "compile",
            &fixture("r7.vigil"),
            "--param",
            &format!("your-tenant-name={tenant}"),
        ]);
        assert_refused(&o, 2, "a scope parameter takes one literal value");
        assert_eq!(stdout(&o), "");
    }
    let o = vigil(&[
        "compile",
        &fixture("r7.vigil"),
        "--param",
        "your-tenant-name=acme",
    ]);
    assert_eq!(
        stdout(&o),
        "index=auth0 data.tenant_name=acme\ndata.type=s\n",
        "{}",
        stderr(&o)
    );
}

#[test]
fn s9_lucene_range_characters_are_escaped_in_wildcard_terms() {
    let o = vigil(&["compile", &fixture("lt.vigil"), "--target", "auth0"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "description:\\<script\\>* OR user_name:*\\>\\=admin OR client_name:\\=abc*\n"
    );
}

#[test]
fn d1_duplicate_ids_are_errors_in_check_compile_and_packages() {
    let dir = fixture("dup3");
    let o = vigil(&["check", &dir]);
    assert_refused(
        &o,
        1,
        "the id `11111111-1111-1111-1111-111111111111` is already used",
    );
    assert_eq!(stderr(&o).matches("is already used").count(), 2);
    for format in ["text", "savedsearches", "kibana-ndjson"] {
        let target = if format == "kibana-ndjson" {
            "kql"
        } else {
            "splunk"
        };
        let o = vigil(&["compile", &dir, "--target", target, "--format", format]);
        assert_refused(&o, 1, "is already used");
    }
}

#[test]
fn d2_splunk_regexes_keep_escaped_backslashes() {
    let o = vigil(&[
        "compile",
        &fixture("d2_sliver.yml"),
        "--profile",
        "splunk-plain",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // SPL reads `\\` as one backslash: a regex `\\` (a literal backslash)
    // takes four, as Splunk documents and pySigma writes.
    assert_eq!(
        stdout(&o),
        "*\n| where match(ImagePath, \"^[a-zA-Z]:\\\\\\\\windows\\\\\\\\temp\\\\\\\\[a-zA-Z0-9]{10}\\.exe\")\n"
    );
}

#[test]
fn b3_regexes_and_cidr_ranges_are_checked_for_every_target() {
    let file = fixture("b3_cidr.vigil");
    for target in ["splunk", "sigma", "kql", "esql", "auth0"] {
        let o = vigil(&["compile", &file, "--target", target]);
        assert_eq!(o.status.code(), Some(1), "{target}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("`10.0.0.0/33` is not a CIDR range"),
            "{target}: {err}"
        );
        assert!(
            err.contains("invalid regular expression: unclosed group"),
            "{target}: {err}"
        );
    }
    let o = vigil(&["check", &file]);
    assert!(stderr(&o).contains("2 error(s)"), "{}", stderr(&o));
}

#[test]
fn a_broken_correlation_never_prints_its_base_rule_alone() {
    // The base rule alone alerts on every failed logon: with the correlation
    // refused, nothing may reach stdout.
    let o = vigil(&[
        "compile",
        &fixture("broken_correlation.yml"),
        "--profile",
        "splunk-plain",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("`gte` needs a number"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
}

#[test]
fn exists_yes_and_no_are_read_as_booleans_with_a_warning() {
    let o = vigil(&[
        "compile",
        &fixture("exists_yes.yml"),
        "--profile",
        "splunk-plain",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "a=* NOT b=*\n");
    let err = stderr(&o);
    assert!(
        err.contains("`exists: yes` is read as `true` (a YAML 1.1 boolean)"),
        "{err}"
    );
    assert!(err.contains("`exists: no` is read as `false`"), "{err}");
}

#[test]
fn auth0_queries_stay_within_lucenes_clause_limit() {
    // 1,100 values: more clauses than Lucene's default max_clause_count.
    let o = vigil(&[
        "compile",
        &fixture("auth0_clauses.vigil"),
        "--target",
        "auth0",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the auth0 query would hold 1100 clauses"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
}

#[test]
fn b9_unicode_classes_in_raw_strings_are_not_parameters() {
    let o = vigil(&[
        "compile",
        &fixture("b9_unicode_class.vigil"),
        "--profile",
        "splunk-plain",
        "--param",
        "v=x",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "*\n| where match(f, \"\\p{Greek}+x\")\n");
}

/// B5: a number literal an f64 cannot hold is an error at the literal for
/// every target (it used to print `.inf` in Sigma and `inf` elsewhere), and
/// a Sigma rule's YAML number beyond f64 stays as written.
#[test]
fn b5_numbers_beyond_f64_are_refused_or_kept_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let big = "9".repeat(400);
    let tiny = format!("0.{}1", "0".repeat(400));
    for (n, message) in [
        (big.clone(), "too large for a 64-bit"),
        (format!("-{big}"), "too large for a 64-bit"),
        (tiny, "too small for a 64-bit"),
    ] {
        let p = dir.path().join("n.vigil");
        std::fs::write(
            &p,
            format!(
                "title: \"t\"\nid: \"0e95725d-7320-415d-80f7-004da920fc11\"\n\nsearch n == {n}\n"
            ),
        )
        .unwrap();
        for target in ["sigma", "splunk", "kql", "esql", "auth0", "sentinel"] {
            let o = vigil(&["compile", p.to_str().unwrap(), "--target", target]);
            assert_refused(&o, 1, message);
            assert!(stderr(&o).contains("n.vigil:4:"), "{}", stderr(&o));
        }
        let o = vigil(&["check", p.to_str().unwrap()]);
        assert_refused(&o, 1, message);
    }
    for n in ["1e999", "-1e999", "1e-999", big.as_str()] {
        let p = dir.path().join("n.yml");
        std::fs::write(
            &p,
            format!(
                "title: t\nid: 0e95725d-7320-415d-80f7-004da920fc11\nlogsource:\n  product: auth0\n\
                 detection:\n  sel:\n    n: {n}\n  condition: sel\n"
            ),
        )
        .unwrap();
        for target in ["sigma", "splunk", "kql", "esql"] {
            let o = vigil(&["compile", p.to_str().unwrap(), "--target", target]);
            let q = stdout(&o);
            assert!(o.status.success(), "{target} {n}: {}", stderr(&o));
            assert!(q.contains(n), "{target}: {n} not kept as written:\n{q}");
            assert!(!q.contains("inf") && !q.contains("0.0"), "{target}:\n{q}");
        }
    }
}

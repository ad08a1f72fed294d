//! `check` takes every option `compile` takes and reports the same
//! diagnostics; options that do not apply are usage errors; `-f json`
//! lists the detections that failed (docs/cli.md).

mod common;

use std::process::Output;

use serde_json::Value;

use common::vigil;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Vec<Value> {
    serde_json::from_slice::<Value>(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
        .as_array()
        .expect("an array")
        .clone()
}

/// A scratch folder holding `files`.
fn scratch(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("vigil-opts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    for (f, text) in files {
        std::fs::write(d.join(f), text).expect("write");
    }
    d
}

#[test]
fn check_reports_what_compile_reports_for_every_option() {
    let runs: &[&[&str]] = &[
        &["-t", "splunk"],
        &["-t", "splunk", "--profile", "splunk-raw", "--strict"],
        &[
            "-t",
            "splunk",
            "--param",
            "threshold_for_max_sms=many",
            "--param",
            "nonsense=1",
        ],
        &["-t", "esql", "--stack-version", "9.5"],
        &["-t", "esql", "--stack-version", "8.19", "--filter-only"],
        &["-t", "kql", "--filter-only", "--no-comments"],
        &["-t", "sentinel"],
        &["-t", "auth0", "--filter-only"],
        &["-t", "sigma", "--profile", "sigma-raw"],
    ];
    let mut some_differ = false;
    for extra in runs {
        let compile = vigil(&[&["compile", "detections", "-f", "json"], *extra].concat());
        let check = vigil(&[&["check", "detections", "-f", "json"], *extra].concat());
        assert_eq!(compile.status.code(), check.status.code(), "{extra:?}");
        let (a, b) = (json(&compile), json(&check));
        assert_eq!(a.len(), b.len(), "{extra:?}");
        for (c, k) in a.iter().zip(&b) {
            assert_eq!(c["id"], k["id"], "{extra:?}");
            assert_eq!(c["ok"], k["ok"], "{extra:?} {}", c["id"]);
            assert_eq!(c["diagnostics"], k["diagnostics"], "{extra:?} {}", c["id"]);
            assert!(k["query"].is_null(), "check prints no query");
        }
        // The options change the diagnostics: the comparison is not
        // between two empty lists.
        some_differ |= a.iter().any(|e| e["ok"] == false);
    }
    assert!(some_differ);
    // The bad parameter value is reported by both, at the detection.
    let check = vigil(&[
        "check",
        "detections/sms_bombarding.vigil",
        "--param",
        "threshold_for_max_sms=many",
    ]);
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("is a number"), "{}", stderr(&check));
    // An unused parameter is a warning in both (on stderr).
    let check = vigil(&["check", "detections/sms_bombarding.vigil", "--param", "x=1"]);
    assert!(stderr(&check).contains("--param x: no detection or profile has this parameter"));
}

/// Runs `args`, expects exit 2 and an error naming `says`.
fn usage(args: &[&str], says: &[&str]) {
    let o = vigil(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    for s in says {
        assert!(
            stderr(&o).contains(s),
            "{args:?}: `{s}` not in {}",
            stderr(&o)
        );
    }
    assert!(o.stdout.is_empty(), "{args:?}: nothing compiled");
}

#[test]
fn options_that_do_not_apply_are_usage_errors() {
    let f = "detections/sms_bombarding.vigil";
    for cmd in ["compile", "check"] {
        usage(
            &[cmd, f, "-t", "splunk", "--stack-version", "9.3"],
            &[
                "--stack-version does not apply to --target splunk",
                "it applies to --target esql",
            ],
        );
        usage(
            &[cmd, f, "-t", "kql", "--profile", "splunk-auth0"],
            &["profile `splunk-auth0` is for target `splunk`, not `kql`"],
        );
        usage(
            &[cmd, f, "-t", "esql", "--stack-version", "7.0"],
            &["known versions: 8.19, 9.3"],
        );
        usage(&[cmd, f, "--param", "nonsense"], &["expected NAME=VALUE"]);
    }
    for opt in [
        &["--profile", "splunk-raw"][..],
        &["--stack-version", "9.5"],
        &["--filter-only"],
        &["--no-comments"],
    ] {
        usage(
            &[&["check", f][..], opt].concat(),
            &[opt[0], "add --target"],
        );
    }
    usage(
        &["compile", f, "-t", "kql", "-f", "savedsearches"],
        &[
            "--format savedsearches does not apply to --target kql",
            "it applies to --target splunk",
        ],
    );
    usage(
        &["compile", f, "-t", "splunk", "-f", "arm"],
        &["--format arm does not apply", "--target sentinel"],
    );
    usage(
        &["compile", f, "-t", "sentinel", "-f", "kibana-ndjson"],
        &["--target kql, --target esql"],
    );
    usage(
        &["compile", f, "-t", "esql", "-f", "url"],
        &[
            "--format url does not apply to --target esql",
            "--target auth0",
        ],
    );
    usage(
        &["compile", f, "--templates", "templates"],
        &["--templates does not apply to --format text"],
    );
    usage(&["compile", f, "--force"], &["--output"]);
    usage(&["convert", f, "--force"], &["--output"]);
    // The same options where they apply are accepted.
    for ok in [
        &["compile", f, "-t", "esql", "--stack-version", "9.5"][..],
        &["compile", f, "-t", "esql", "-f", "kibana-ndjson"],
        &["compile", f, "-t", "splunk", "-f", "savedsearches"],
        &["check", f, "-t", "splunk", "--profile", "splunk-raw"],
    ] {
        let o = vigil(ok);
        assert_eq!(o.status.code(), Some(0), "{ok:?}: {}", stderr(&o));
    }
}

#[test]
fn json_lists_the_detections_that_failed_with_their_diagnostics() {
    let d = scratch(
        "json",
        &[
            ("a_good.vigil", "title: \"good\"\nsearch type == \"s\"\n"),
            ("b_syntax.vigil", "title: \"bad\"\nsearch type ==\n"),
            (
                "c_join.vigil",
                "title: \"joins\"\nsearch type == \"s\"\n| join ip [search type == \"f\"]\n",
            ),
        ],
    );
    let dir = d.to_str().expect("utf-8");
    let o = vigil(&["compile", dir, "-t", "esql", "-f", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let entries = json(&o);
    let _ = std::fs::remove_dir_all(&d);
    let summary: Vec<(bool, bool)> = entries
        .iter()
        .map(|e| (e["ok"] == true, e["query"].is_string()))
        .collect();
    assert_eq!(summary, [(true, true), (false, false), (false, false)]);
    assert_eq!(entries[2]["title"], "joins");
    assert_eq!(entries[2]["target"], "esql");
    let keys = [
        "code", "severity", "message", "help", "file", "line", "column", "label",
    ];
    let syntax = &entries[1]["diagnostics"][0];
    let join = &entries[2]["diagnostics"][0];
    for d in [syntax, join] {
        for k in keys {
            assert!(d.get(k).is_some(), "{k} missing in {d}");
        }
        assert_eq!(d["severity"], "error");
    }
    assert_eq!(syntax["code"], "vigil::syntax");
    assert_eq!((&syntax["line"], &syntax["column"]), (&3.into(), &1.into()));
    assert_eq!(join["code"], "vigil::target::unsupported");
    assert!(
        join["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("c_join.vigil"))
    );
    assert_eq!((&join["line"], &join["column"]), (&3.into(), &1.into()));
    assert_eq!(join["label"], "`join` stage");
    assert!(
        join["help"]
            .as_str()
            .is_some_and(|h| h.contains("--filter-only"))
    );
}

#[test]
fn strict_marks_the_detections_with_warnings_failed() {
    let typo = "title: \"t\"\nlogsource: {product: \"auth0\"}\nsearch tpye == \"f\"\n";
    let d = scratch("strict", &[("typo.vigil", typo)]);
    let file = d.join("typo.vigil");
    let file = file.to_str().expect("utf-8");
    for cmd in ["compile", "check"] {
        let o = vigil(&[cmd, file, "-f", "json"]);
        assert_eq!(o.status.code(), Some(0));
        let e = &json(&o)[0];
        assert_eq!(
            (e["ok"].clone(), e["diagnostics"][0]["severity"].clone()),
            (true.into(), "warning".into())
        );
        let o = vigil(&[cmd, file, "-f", "json", "--strict"]);
        assert_eq!(o.status.code(), Some(1));
        let e = &json(&o)[0];
        assert_eq!(e["ok"], false);
        assert_eq!(e["diagnostics"][0]["severity"], "error");
        assert!(
            e["diagnostics"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("tpye"))
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

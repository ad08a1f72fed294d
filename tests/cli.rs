//! The command line: exit codes, output formats, no partial files.

mod common;

use std::process::{Command, Output};

fn vigil(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .current_dir(common::root())
        .output()
        .expect("vigil runs")
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("vigil-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

#[test]
fn compile_json_lists_every_detection_with_its_fields() {
    let out = vigil(&[
        "compile",
        "detections/",
        "--target",
        "splunk",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let arr = v.as_array().expect("array");
    let files = std::fs::read_dir(common::root().join("detections"))
        .expect("dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "vigil"))
        })
        .count();
    assert_eq!(arr.len(), files);
    for e in arr {
        for key in [
            "id",
            "title",
            "source",
            "target",
            "query",
            "ok",
            "diagnostics",
        ] {
            assert!(e.get(key).is_some(), "{key} missing in {e}");
        }
        assert_eq!(e["target"], "splunk");
        assert!(
            e["query"]
                .as_str()
                .is_some_and(|q| q.starts_with("index=auth0"))
        );
    }
}

#[test]
fn params_are_substituted_and_unknown_ones_warned() {
    let out = vigil(&[
        "compile",
        "detections/sms_bombarding.vigil",
        "--param",
        "threshold_for_max_sms=7",
        "--param",
        "your-tenant-name=acme",
        "--param",
        "nonsense=1",
    ]);
    assert!(out.status.success());
    let q = String::from_utf8_lossy(&out.stdout);
    assert!(q.contains("data.tenant_name=acme"), "{q}");
    assert!(q.contains("where sms_per_user > 7"), "{q}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--param nonsense"));
}

#[test]
fn a_bad_param_value_is_an_error() {
    let out = vigil(&[
        "compile",
        "detections/sms_bombarding.vigil",
        "--param",
        "threshold_for_max_sms=many",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a number"));
}

#[test]
fn check_fails_on_errors_and_reports_every_file() {
    let d = tmp("check");
    std::fs::write(
        d.join("a.vigil"),
        "title: \"a\"\nsearch type == \"s\"\n| frob\n",
    )
    .expect("write");
    std::fs::write(d.join("b.vigil"), "title: \"b\"\nsearch type ==\n").expect("write");
    std::fs::write(d.join("c.vigil"), "title: \"c\"\nsearch type == \"s\"\n").expect("write");
    let out = vigil(&["check", d.to_str().expect("utf8"), "-f", "json"]);
    let _ = std::fs::remove_dir_all(&d);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let entries = v.as_array().expect("array");
    let ok: Vec<(&str, bool)> = entries
        .iter()
        .map(|e| {
            let source = e["source"].as_str().expect("source");
            (&source[source.len() - 7..], e["ok"].as_bool().expect("ok"))
        })
        .collect();
    assert_eq!(
        ok,
        [("a.vigil", false), ("b.vigil", false), ("c.vigil", true)]
    );
    for e in &entries[..2] {
        let d = &e["diagnostics"][0];
        assert_eq!(d["severity"], "error", "{e}");
        assert!(d["line"].as_u64().is_some() && d["column"].as_u64().is_some());
        assert!(d["file"].as_str().is_some_and(|f| f.ends_with(".vigil")));
    }
}

#[test]
fn compile_with_an_error_writes_no_output_file() {
    let d = tmp("partial");
    std::fs::write(d.join("good.vigil"), "title: \"g\"\nsearch type == \"s\"\n").expect("write");
    std::fs::write(d.join("bad.vigil"), "title: \"b\"\nsearch type ==\n").expect("write");
    let out_file = d.join("out.spl");
    let out = vigil(&[
        "compile",
        d.to_str().expect("utf8"),
        "-o",
        out_file.to_str().expect("utf8"),
    ]);
    let exists = out_file.exists();
    let _ = std::fs::remove_dir_all(&d);
    assert_eq!(out.status.code(), Some(1));
    assert!(!exists);
}

#[test]
fn compile_to_a_file_writes_it_whole() {
    let d = tmp("whole");
    let out_file = d.join("out.spl");
    let out = vigil(&[
        "compile",
        "detections/sms_bombarding.vigil",
        "-o",
        out_file.to_str().expect("utf8"),
    ]);
    let text = std::fs::read_to_string(&out_file).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&d);
    assert!(out.status.success());
    assert!(
        text.starts_with("index=auth0") && text.ends_with("{threshold_for_max_sms}\n"),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        vigil(&["compile", "detections/", "--profile", "nope"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        vigil(&["compile", "detections/", "--param", "novalue"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(vigil(&["compile"]).status.code(), Some(2));
}

#[test]
fn missing_path_is_a_clear_error() {
    let out = vigil(&["compile", "no/such/dir"]);
    // The arguments name nothing to work on: a usage error (docs/cli.md).
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file or directory"));
}

#[test]
fn debug_prints_ast_and_ir() {
    let ast = vigil(&["debug", "ast", "detections/sms_bombarding.vigil"]);
    assert!(ast.status.success());
    let ast: serde_json::Value = serde_json::from_slice(&ast.stdout).expect("ast json");
    assert!(
        ast["query"]["node"]["stages"]
            .as_array()
            .is_some_and(|s| s.len() == 4)
    );
    let ir = vigil(&["debug", "ir", "detections/sms_bombarding.vigil"]);
    assert!(ir.status.success());
    let ir: serde_json::Value = serde_json::from_slice(&ir.stdout).expect("ir json");
    assert_eq!(ir["pipeline"][1]["stage"], "bin");
    assert_eq!(ir["pipeline"][1]["span"], "1h");
}

#[test]
fn a_different_profile_is_a_file_not_code() {
    let out = vigil(&[
        "compile",
        "detections/sms_bombarding.vigil",
        "--profile",
        "splunk-raw",
    ]);
    assert!(out.status.success());
    let q = String::from_utf8_lossy(&out.stdout);
    assert!(
        q.starts_with("index=auth0_raw sourcetype=\"auth0:logs\"\ntype=gd_send_sms"),
        "{q}"
    );
    let d = tmp("profile");
    let p = d.join("mine.yaml");
    std::fs::write(&p, "name: mine\ntarget: splunk\nindex: sec\nfield_prefix: \"event.\"\nfields: {timestamp: _time}\n")
        .expect("write");
    let out = vigil(&[
        "compile",
        "detections/sms_bombarding.vigil",
        "--profile",
        p.to_str().expect("utf8"),
    ]);
    let _ = std::fs::remove_dir_all(&d);
    let q = String::from_utf8_lossy(&out.stdout);
    assert!(q.starts_with("index=sec\nevent.type=gd_send_sms"), "{q}");
}

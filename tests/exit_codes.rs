//! One exit code scheme for every subcommand (docs/cli.md): 0 ok, 1 the
//! content has errors, 2 usage. Each subcommand is run into each code it
//! can give.

mod common;

use std::path::{Path, PathBuf};

use common::vigil;

/// Asserts the exit code of each run.
fn codes(runs: &[(&[&str], i32)]) {
    for (args, want) in runs {
        let o = vigil(args);
        assert_eq!(
            o.status.code(),
            Some(*want),
            "vigil {}\nstdout: {}\nstderr: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// A scratch folder, emptied.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("vigil-exit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8")
}

const GOOD: &str = "title: \"good\"\nsearch type == \"s\"\n| table user_id\n";
const BAD: &str = "title: \"bad\"\nsearch type ==\n";
const SIGMA: &str =
    "title: x\nlogsource: {product: windows}\ndetection:\n  sel: {EventID: 1}\n  condition: sel\n";

#[test]
fn compile_check_convert_debug() {
    let d = scratch("files");
    for (name, text) in [
        ("good.vigil", GOOD),
        ("bad.vigil", BAD),
        ("rule.yml", SIGMA),
    ] {
        std::fs::write(d.join(name), text).expect("write");
    }
    std::fs::create_dir_all(d.join("empty")).expect("mkdir");
    let (good, bad, rule, empty) = (
        d.join("good.vigil"),
        d.join("bad.vigil"),
        d.join("rule.yml"),
        d.join("empty"),
    );
    let (good, bad, rule, empty) = (s(&good), s(&bad), s(&rule), s(&empty));
    let missing = "no/such/file.vigil";
    codes(&[
        (&["compile", good], 0),
        (&["compile", bad], 1),
        (&["compile", good, "--frobnicate"], 2),
        (&["compile", missing], 2),
        (&["compile", empty], 2),
        (
            &["compile", good, "-t", "splunk", "--stack-version", "9.3"],
            2,
        ),
        (&["check", good], 0),
        (&["check", bad], 1),
        (&["check", good, "--target", "nope"], 2),
        (&["check", missing], 2),
        (&["check", empty], 2),
        (&["convert", rule], 0),
        (&["convert", bad], 1),
        (&["convert", missing], 2),
        (&["convert", rule, "--to", "klingon"], 2),
        (&["debug", "ast", good], 0),
        (&["debug", "ir", rule], 0),
        (&["debug", "ast", bad], 1),
        (&["debug", "ir", bad], 1),
        (&["debug", "ast", rule], 2),
        (&["debug", "ir", missing], 2),
    ]);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn run_and_test() {
    let d = scratch("run");
    std::fs::write(d.join("good.vigil"), GOOD).expect("write");
    std::fs::write(d.join("bad.vigil"), BAD).expect("write");
    let events = d.join("events.ndjson");
    std::fs::write(
        &events,
        "{\"type\":\"s\",\"user_id\":\"a\",\"date\":\"2025-07-11T00:00:00Z\"}\n",
    )
    .expect("write");
    let (good, bad, ev) = (d.join("good.vigil"), d.join("bad.vigil"), s(&events));
    codes(&[
        (&["run", s(&good), "--events", ev], 0),
        (&["run", s(&bad), "--events", ev], 1),
        (&["run", s(&good), "--events", ev, "--now", "yesterday"], 2),
        (&["run", s(&good), "--events", ev, "--param", "x"], 2),
        (&["run", "no/such.vigil", "--events", ev], 2),
        (&["run", s(&good)], 2),
    ]);
    // A tests file with one passing and one failing case.
    let t = scratch("test");
    std::fs::write(
        t.join("d.vigil"),
        "title: \"d\"\nsearch type == \"s\"\n| stats count as n by user_id, ip\n",
    )
    .expect("write");
    std::fs::write(
        t.join("d.tests.yaml"),
        "cases:\n\
         \x20 - name: counts per user\n\
         \x20   events: [{type: s, user_id: a, ip: 1.1.1.1}]\n\
         \x20   expect: {rows: [{user_id: a, ip: 1.1.1.1, n: 1}]}\n\
         \x20 - name: wrong count\n\
         \x20   events: [{type: s, user_id: a, ip: 1.1.1.1}, {type: s, user_id: a, ip: 1.1.1.1}]\n\
         \x20   expect: {rows: [{user_id: a, ip: 1.1.1.1, n: 3}]}\n",
    )
    .expect("write");
    let file = t.join("d.vigil");
    let f = s(&file);
    let empty = t.join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    codes(&[
        (&["test", f, "-k", "counts per user"], 0),
        (&["test", f], 1),
        (&["test", f, "-k", "no such case"], 2),
        (&["test", "no/such/dir"], 2),
        (&["test", s(&empty)], 2),
        (&["test", f, "--format", "tap"], 2),
    ]);
    // The failing case says which column differs, and how.
    let o = vigil(&["test", f, "-k", "wrong count"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("~ row where ip = \"1.1.1.1\", user_id = \"a\":"),
        "{text}"
    );
    assert!(text.contains("    n: expected 3, got 2\n"), "{text}");
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::remove_dir_all(&t);
}

#[test]
fn fmt_build_diff() {
    let d = scratch("fmt");
    std::fs::write(d.join("ok.vigil"), GOOD).expect("write");
    let formatted = vigil(&["fmt", s(&d)]);
    assert_eq!(formatted.status.code(), Some(0));
    std::fs::write(
        d.join("messy.vigil"),
        "title: \"m\"\nsearch   type==\"s\"\n",
    )
    .expect("write");
    codes(&[
        (&["fmt", "--check", s(&d.join("ok.vigil"))], 0),
        (&["fmt", "--check", s(&d)], 1),
        (&["fmt", "no/such/dir"], 2),
    ]);
    std::fs::write(d.join("broken.vigil"), BAD).expect("write");
    codes(&[(&["fmt", s(&d.join("broken.vigil"))], 1)]);

    let b = scratch("build");
    std::fs::create_dir_all(b.join("d")).expect("mkdir");
    std::fs::copy(
        common::root().join("detections/sms_bombarding.vigil"),
        b.join("d/sms_bombarding.vigil"),
    )
    .expect("copy");
    let manifest = |tenant: &str, target: &str| {
        format!(
            "detections = [\"d\"]\n[env.e.params]\nyour-tenant-name = \"{tenant}\"\n\
             threshold_for_max_sms = 5\n[env.e.targets.x]\ntarget = \"{target}\"\n"
        )
    };
    std::fs::write(b.join("a.toml"), manifest("t1", "splunk")).expect("write");
    std::fs::write(b.join("b.toml"), manifest("t2", "splunk")).expect("write");
    // KQL cannot run the pipeline: the detection is skipped.
    std::fs::write(b.join("kql.toml"), manifest("t1", "kql")).expect("write");
    std::fs::write(b.join("broken.toml"), "detections = [").expect("write");
    let (out_a, out_b, out_k) = (b.join("out-a"), b.join("out-b"), b.join("out-k"));
    codes(&[
        (
            &[
                "build",
                "--manifest",
                s(&b.join("a.toml")),
                "--out",
                s(&out_a),
            ],
            0,
        ),
        (
            &[
                "build",
                "--manifest",
                s(&b.join("b.toml")),
                "--out",
                s(&out_b),
            ],
            0,
        ),
        (
            &[
                "build",
                "--manifest",
                s(&b.join("kql.toml")),
                "--out",
                s(&out_k),
            ],
            0,
        ),
        (
            &[
                "build",
                "--manifest",
                s(&b.join("kql.toml")),
                "--out",
                s(&out_k),
                "--strict",
            ],
            1,
        ),
        (
            &[
                "build",
                "--manifest",
                s(&b.join("broken.toml")),
                "--out",
                s(&out_k),
            ],
            2,
        ),
        (
            &["build", "--manifest", "no/such.toml", "--out", s(&out_k)],
            2,
        ),
        (&["diff", s(&out_a), s(&out_a), "--exit-code"], 0),
        (&["diff", s(&out_a), s(&out_b)], 0),
        (&["diff", s(&out_a), s(&out_b), "--exit-code"], 1),
        (&["diff", s(&out_a), "no-such-revision-or-folder"], 2),
    ]);
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn the_other_subcommands() {
    codes(&[
        (&[], 2),
        (&["frobnicate"], 2),
        (&["--version"], 0),
        (&["profiles"], 0),
        (&["profiles", "extra"], 2),
        (&["completions", "bash"], 0),
        (&["completions", "tcsh"], 2),
        (&["gen-events", "--count", "2"], 0),
        (&["gen-events", "--start", "soon"], 2),
        (&["auth0-audit"], 0),
        (&["auth0-audit", "--organization", "not an org"], 2),
        (&["debug", "tokens", "x.vigil"], 2),
    ]);
}

//! Schema-aware checks: each mistake a new user made that used to pass
//! `vigil check` silently now gets the right diagnostic at the right place,
//! and `vigil check --strict` fails on it.

mod common;

use std::path::Path;
use std::process::Command;

use vigil::diagnostic::{Diagnostic, Severity};

const HEADER: &str = "title: \"t\"\nlogsource: {product: \"auth0\"}\nparam thr: number = 3\n";

/// Loads `query` under a standard header and returns its diagnostics.
fn diags(query: &str) -> (String, Vec<Diagnostic>) {
    let text = format!("{HEADER}{query}\n");
    let loaded = vigil::load::load_text(Path::new("t.vigil"), text.clone());
    (text, loaded.diagnostics)
}

/// The one diagnostic of `query`, with the text its primary label covers.
fn one(query: &str) -> (Diagnostic, String) {
    let (text, ds) = diags(query);
    assert_eq!(ds.len(), 1, "{query}: {ds:#?}");
    let d = ds.into_iter().next().expect("one");
    let span = d.labels[0].span;
    let covered = text[span.start..span.end].to_string();
    (d, covered)
}

/// `vigil check [--strict]` on `query`; the exit code.
fn check_exit(query: &str, strict: bool, name: &str) -> i32 {
    let dir = std::env::temp_dir().join(format!("vigil-authoring-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join(format!("{name}.vigil"));
    std::fs::write(&path, format!("{HEADER}{query}\n")).expect("write");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigil"));
    cmd.arg("check").arg(&path);
    if strict {
        cmd.arg("--strict");
    }
    cmd.output().expect("runs").status.code().unwrap_or(-1)
}

/// The mistakes of issue 15: (name, query, severity, code, label covers, help contains).
const MISTAKES: &[(&str, &str, Severity, &str, &str, &str)] = &[
    (
        "typo_tpye",
        "search tpye == \"f\"",
        Severity::Warning,
        "vigil::schema",
        "tpye",
        "did you mean `type`?",
    ),
    (
        "typo_ipp",
        "search type == \"f\" | stats count by ipp",
        Severity::Warning,
        "vigil::schema",
        "ipp",
        "did you mean `ip`?",
    ),
    (
        "param_without_braces",
        "search type == \"f\" | eval n = 4 | where n > thr",
        Severity::Warning,
        "vigil::schema",
        "thr",
        "{thr}",
    ),
    (
        "column_dropped_by_stats",
        "search type == \"f\" | stats count as n by ip | where cnt > 3",
        Severity::Error,
        "vigil::semantic",
        "cnt",
        "`ip`, `n`",
    ),
    (
        "single_quoted_value",
        "search type == 'f'",
        Severity::Warning,
        "vigil::schema",
        "'f'",
        "\"f\"",
    ),
];

#[test]
fn each_mistake_has_its_diagnostic_at_its_place() {
    for (name, query, severity, code, covered, help) in MISTAKES {
        let (d, got) = one(query);
        assert_eq!(d.severity, *severity, "{name}: {d:#?}");
        assert_eq!(d.code, *code, "{name}");
        assert_eq!(got, *covered, "{name}");
        let h = d.help.as_deref().unwrap_or("");
        assert!(h.contains(help), "{name}: help {h:?} lacks {help:?}");
    }
}

#[test]
fn check_strict_fails_on_every_mistake() {
    for (name, query, severity, ..) in MISTAKES {
        let plain = check_exit(query, false, name);
        let expect_plain = if *severity == Severity::Error { 1 } else { 0 };
        assert_eq!(plain, expect_plain, "{name} without --strict");
        assert_eq!(check_exit(query, true, name), 1, "{name} with --strict");
    }
}

#[test]
fn a_dropped_parameter_name_suggests_braces() {
    let (d, got) = one("search type == \"f\" | stats count as n by ip | where n > thr");
    assert!(d.is_error());
    assert_eq!(got, "thr");
    assert!(d.help.as_deref().unwrap_or("").contains("{thr}"), "{d:#?}");
}

#[test]
fn correct_queries_stay_silent() {
    for q in [
        // Known fields, open objects, pipeline columns, the event's time.
        "search type == \"sapi\" and details.request.body.enabled == \"false\"",
        "search type == \"f\" | stats count as n by ip | where n > {thr}",
        "search type == \"f\" | fields ip | sort -timestamp | table timestamp, ip",
        "search type == \"f\" | eval x = 1 | where x == 1",
        "search type == \"f\" | stats count by ip | where count > 1",
        "search type == \"f\" | stats dc(user_id) by ip | where 'dc(user_id)' > 1",
    ] {
        let (_, ds) = diags(q);
        assert!(ds.is_empty(), "{q}: {ds:#?}");
    }
}

#[test]
fn other_log_sources_are_not_checked_against_the_auth0_schema() {
    let text = "title: \"t\"\nlogsource: {product: \"windows\"}\nsearch EventID == 4625 and tpye == \"x\"\n";
    let loaded = vigil::load::load_text(Path::new("w.vigil"), text.to_string());
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
}

#[test]
fn bundled_detections_have_no_warnings() {
    let root = common::root().join("detections");
    let mut files = Vec::new();
    vigil::load::walk_files(&root, &mut |p| {
        if p.extension().is_some_and(|e| e == "vigil") {
            files.push(p)
        }
    })
    .expect("walk");
    assert!(files.len() > 30);
    for loaded in vigil::load::load_files(&files) {
        let ds: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(vigil::diagnostic::render_plain)
            .collect();
        assert!(ds.is_empty(), "{}: {}", loaded.file.name, ds.join("\n"));
    }
}

/// Everyday syntax and name mistakes: (query, message contains, label covers,
/// help contains).
const SYNTAX_MISTAKES: &[(&str, &str, &str, &str)] = &[
    (
        "serch type == \"f\"",
        "did you mean `search`?",
        "serch",
        "search",
    ),
    (
        "search type = \"f\"",
        "comparisons are written `==`",
        "=",
        "==",
    ),
    (
        "search type == \"f",
        "unterminated string",
        "\"",
        "close it",
    ),
    (
        "search type == \"f\" | STATS count by ip",
        "unknown stage `STATS`",
        "STATS",
        "lower case: `stats`",
    ),
    (
        "search type == \"f\" | statz count",
        "unknown stage `statz`",
        "statz",
        "did you mean `stats`?",
    ),
    (
        "search type == \"f\" | stats count() by ip",
        "`count` takes no parentheses",
        "()",
        "write `count`",
    ),
    (
        "search type == \"f\" | bin timestamp span=10min",
        "`10min` is not a duration",
        "10min",
        "10m",
    ),
    (
        "search type == \"f\" adn ip == \"x\"",
        "did you mean `and`?",
        "adn",
        "keyword",
    ),
    (
        "search type == \"f\" | stats count bi ip",
        "did you mean `by`?",
        "bi",
        "keyword",
    ),
    (
        "search type == \"f\" | eval x = lowr(ip)",
        "unknown function `lowr`",
        "lowr",
        "did you mean `lower`?",
    ),
    ("search (type == \"f\"", "unclosed `(`", "(", "balance"),
];

#[test]
fn everyday_syntax_mistakes_say_what_to_write() {
    for (i, (query, message, covered, help)) in SYNTAX_MISTAKES.iter().enumerate() {
        let (text, ds) = diags(query);
        let d = ds
            .iter()
            .find(|d| d.is_error())
            .unwrap_or_else(|| panic!("{query}: no error"));
        assert!(d.message.contains(message), "{query}: {}", d.message);
        let span = d.labels[0].span;
        assert_eq!(&text[span.start..span.end], *covered, "{query}");
        let h = d.help.as_deref().unwrap_or("");
        assert!(h.contains(help), "{query}: help {h:?}");
        assert_eq!(check_exit(query, true, &format!("syntax{i}")), 1, "{query}");
    }
}

/// `vigil <cmd> --strict -f json` on `query`: the exit code and the first
/// error's diagnostic as data.
fn cli_first_error(cmd: &[&str], query: &str, name: &str) -> (i32, serde_json::Value) {
    let dir = std::env::temp_dir().join(format!("vigil-authoring-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join(format!("{name}.vigil"));
    std::fs::write(&path, format!("{HEADER}{query}\n")).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(cmd)
        .arg(&path)
        .args(["--strict", "-f", "json"])
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&path);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let first = v[0]["diagnostics"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["severity"] == "error"))
        .cloned()
        .unwrap_or_else(|| panic!("{name}: no error in {v}"));
    (out.status.code().unwrap_or(-1), first)
}

#[test]
fn check_and_compile_report_every_mistake_at_its_line_and_column() {
    let every = MISTAKES
        .iter()
        .map(|(name, query, _, code, covered, _)| (name.to_string(), *query, Some(*code), *covered))
        .chain(
            SYNTAX_MISTAKES
                .iter()
                .enumerate()
                .map(|(i, (q, _, covered, _))| (format!("syntax{i}"), *q, None, *covered)),
        );
    for (name, query, code, covered) in every {
        // The query is line 4, after the three header lines.
        let column = query.find(covered).expect("covered text in the query") + 1;
        for cmd in [&["check"][..], &["compile", "-t", "splunk"]] {
            let (exit, d) = cli_first_error(cmd, query, &name);
            assert_eq!(exit, 1, "{cmd:?} {name}");
            assert_eq!(
                (d["line"].as_u64(), d["column"].as_u64()),
                (Some(4), Some(column as u64)),
                "{cmd:?} {name}: {d}"
            );
            if let Some(code) = code {
                assert_eq!(d["code"], code, "{cmd:?} {name}");
            }
            assert!(
                d["label"].is_string() && d["message"].is_string(),
                "{name}: {d}"
            );
        }
    }
}

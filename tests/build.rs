//! `vigil build` and `vigil diff`: reproducible builds, packaging safety
//! (unset parameters, filter-only packages, names that do not depend on the
//! batch, final newlines) and a diff that reports exactly what was edited.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use vigil::package::Templates;
use vigil::package::build::{Build, build};
use vigil::package::diff::{Dist, Kind, diff};
use vigil::package::manifest::Manifest;

const BIN: &str = env!("CARGO_BIN_EXE_vigil");

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vigil-build-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

/// Builds a manifest text placed at `path`, with environment variables from
/// `vars`.
fn build_text(path: &Path, text: &str, vars: &[(&str, &str)]) -> Build {
    let vars: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = move |k: &str| vars.get(k).cloned();
    let m = Manifest::parse(path, text, &lookup).expect("manifest");
    build(&m, None, &Templates::load(None).expect("templates")).expect("builds")
}

/// The library's own manifest, built in-process.
fn library_build(vars: &[(&str, &str)]) -> Build {
    let path = common::root().join("detections/vigil.toml");
    let text = std::fs::read_to_string(&path).expect("manifest");
    build_text(&path, &text, vars)
}

fn text(b: &Build, path: &str) -> String {
    String::from_utf8(b.files[path].clone()).expect("utf-8")
}

/// `savedsearches.conf` stanzas: name → (key → value), continuation lines
/// joined, with the comment lines just above each stanza.
fn stanzas(conf: &str) -> BTreeMap<String, (Vec<String>, BTreeMap<String, String>)> {
    let mut out = BTreeMap::new();
    let mut comments = Vec::new();
    let mut current: Option<String> = None;
    let mut lines = conf.lines();
    while let Some(line) = lines.next() {
        if let Some(c) = line.strip_prefix("# ") {
            comments.push(c.to_string());
        } else if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.insert(
                name.to_string(),
                (std::mem::take(&mut comments), BTreeMap::new()),
            );
            current = Some(name.to_string());
        } else if let Some((k, v)) = line.split_once(" = ") {
            let mut v = v.to_string();
            while let Some(s) = v.strip_suffix('\\') {
                v = format!("{s}\n{}", lines.next().expect("continuation"));
            }
            let name = current.as_ref().expect("a stanza first");
            out.get_mut(name)
                .expect("stanza")
                .1
                .insert(k.to_string(), v);
        }
    }
    out
}

const SPLUNK_CONF: &str = "prod/splunk/vigil_auth0_detections/default/savedsearches.conf";

#[test]
fn two_builds_of_the_same_inputs_are_byte_identical() {
    let dir = scratch("repro");
    for out in ["a", "b"] {
        let status = Command::new(BIN)
            .args(["build", "--manifest", "detections/vigil.toml", "--out"])
            .arg(dir.join(out))
            .current_dir(common::root())
            .status()
            .expect("runs");
        assert!(status.success());
    }
    let a = Dist::read(&dir.join("a")).expect("a");
    let b = Dist::read(&dir.join("b")).expect("b");
    assert!(a.files.len() > 10, "{:?}", a.files.keys());
    assert_eq!(
        a.files.keys().collect::<Vec<_>>(),
        b.files.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &a.files {
        assert!(bytes == &b.files[path], "{path} differs between two builds");
    }
    assert!(diff(&a, &b).is_empty());
    // The archive holds the app folder, byte for byte.
    let archive = &a.files["prod/splunk/vigil_auth0_detections.tar.gz"];
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&archive[..]), &mut raw)
        .expect("gzip");
    let mut tar = tar::Archive::new(&raw[..]);
    let mut files = 0;
    for entry in tar.entries().expect("tar") {
        let mut entry = entry.expect("entry");
        let path = entry.path().expect("path").display().to_string();
        if path.ends_with('/') {
            continue;
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read");
        assert_eq!(bytes, a.files[&format!("prod/splunk/{path}")], "{path}");
        files += 1;
    }
    assert_eq!(
        files, 4,
        "README, app.conf, savedsearches.conf, default.meta"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unset_parameters_are_written_disabled_and_named() {
    let unset = library_build(&[]);
    let set = library_build(&[("VIGIL_PROD_TENANT", "acme")]);
    let (before, after) = (
        stanzas(&text(&unset, SPLUNK_CONF)),
        stanzas(&text(&set, SPLUNK_CONF)),
    );
    let mut checked = 0;
    for (name, (comments, keys)) in &before {
        let needs_tenant = keys["search"].contains("{your-tenant-name}");
        if !needs_tenant {
            continue;
        }
        checked += 1;
        assert_eq!(keys["disabled"], "1", "{name}");
        assert!(
            comments.iter().any(|c| c.contains("your-tenant-name")),
            "{name}: {comments:?}"
        );
        // With the variable set, the search names the tenant, and it is
        // enabled unless another parameter is still unset.
        let (comments, keys) = &after[name];
        assert!(!keys["search"].contains("{your-tenant-name}"), "{name}");
        assert!(keys["search"].contains("acme"), "{name}");
        let still_unset = comments.iter().any(|c| c.starts_with("Disabled until set"));
        assert!(!comments.iter().any(|c| c.contains("your-tenant-name")));
        assert_eq!(
            keys["disabled"],
            if still_unset { "1" } else { "0" },
            "{name}"
        );
    }
    assert!(checked > 10, "{checked} searches need the tenant name");
    // Kibana rules are imported disabled; those with placeholders say which.
    for line in text(&unset, "prod/elastic/rules.ndjson").lines() {
        let rule: serde_json::Value = serde_json::from_str(line).expect("json");
        assert_eq!(rule["enabled"], false);
        if rule["query"].as_str().is_some_and(|q| q.contains('?')) {
            assert!(
                rule["note"]
                    .as_str()
                    .is_some_and(|n| n.contains("Set before enabling"))
            );
        }
    }
}

/// A manifest over one folder with one target.
fn one_target(target: &str, extra: &str) -> String {
    format!(
        "detections = [\"d\"]\n[env.e.params]\nyour-tenant-name = \"t\"\n[env.e.targets.x]\ntarget = \"{target}\"\n{extra}"
    )
}

/// Copies detections of the library into `dir/d`.
fn copy_detections(dir: &Path, names: &[&str]) {
    std::fs::create_dir_all(dir.join("d")).expect("dir");
    for n in names {
        std::fs::copy(
            common::root().join("detections").join(n),
            dir.join("d").join(n),
        )
        .expect("copy");
    }
}

#[test]
fn filter_only_packages_are_built_only_when_asked_and_then_disabled() {
    let dir = scratch("filter-only");
    // A pipeline KQL cannot run (stats, where): skipped unless asked.
    copy_detections(&dir, &["sms_bombarding.vigil"]);
    let manifest = dir.join("vigil.toml");
    let plain = build_text(&manifest, &one_target("kql", ""), &[]);
    assert_eq!(plain.report.skipped(), 1);
    assert_eq!(text(&plain, "e/x/rules.ndjson"), "");
    let asked = build_text(&manifest, &one_target("kql", "filter_only = true\n"), &[]);
    assert_eq!(asked.report.skipped(), 0);
    let rule: serde_json::Value =
        serde_json::from_str(text(&asked, "e/x/rules.ndjson").trim_end()).expect("json");
    assert_eq!(rule["enabled"], false);
    let description = rule["description"].as_str().expect("description");
    assert!(
        description.contains("[Filter only, disabled:"),
        "{description}"
    );
    assert!(
        description.contains("left out: fields, bin, stats, where"),
        "{description}"
    );
    // In Splunk, which runs the whole pipeline, filter_only still writes the
    // search disabled, saying what was left out.
    let splunk = build_text(
        &manifest,
        &one_target("splunk", "filter_only = true\n"),
        &[],
    );
    let conf = stanzas(&text(
        &splunk,
        "e/x/vigil_detections/default/savedsearches.conf",
    ));
    let (comments, keys) = conf.values().next().expect("one stanza");
    assert_eq!(keys["disabled"], "1");
    assert!(keys["description"].contains("left out: fields, bin, stats, where"));
    assert!(comments.iter().any(|c| c.contains("--filter-only")));
    assert!(!keys["search"].contains("| stats"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn names_do_not_depend_on_what_else_is_built() {
    let dir = scratch("names");
    copy_detections(&dir, &["sms_bombarding.vigil"]);
    let manifest = dir.join("vigil.toml");
    let alone = build_text(&manifest, &one_target("splunk", ""), &[]);
    let conf_path = "e/x/vigil_detections/default/savedsearches.conf";
    let alone_names: Vec<String> = stanzas(&text(&alone, conf_path)).into_keys().collect();
    // The whole library in the same package: the stanza keeps its name.
    let all = library_build(&[]);
    let all_names = stanzas(&text(&all, SPLUNK_CONF));
    assert_eq!(alone_names.len(), 1);
    assert!(all_names.contains_key(&alone_names[0]), "{alone_names:?}");
    // Two detections with one title: an error, not a renamed stanza.
    let twin = std::fs::read_to_string(dir.join("d/sms_bombarding.vigil"))
        .expect("read")
        .replace(
            "id: \"74a1ddea-7172-11f0-ace0-723487b9527c\"",
            "id: \"00000000-0000-4000-8000-000000000001\"",
        );
    std::fs::write(dir.join("d/twin.vigil"), twin).expect("write");
    let both = build_text(&manifest, &one_target("splunk", ""), &[]);
    assert!(both.failed());
    assert!(
        both.report.errors[0].contains("Splunk names a saved search by its title"),
        "{:?}",
        both.report.errors
    );
    // Sigma and Kibana name files and rules by id, which is the same alone
    // or in the library.
    let sigma = build_text(
        &manifest,
        &one_target("sigma", "params = { threshold_for_max_sms = \"10\" }\n"),
        &[],
    );
    assert!(
        sigma
            .files
            .keys()
            .any(|k| k == "e/x/00000000-0000-4000-8000-000000000001.yml"),
        "{:?}",
        sigma.files.keys()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_file_ends_with_a_newline() {
    let b = library_build(&[]);
    for (path, bytes) in &b.files {
        if path.ends_with(".tar.gz") || bytes.is_empty() {
            continue;
        }
        assert_eq!(bytes.last(), Some(&b'\n'), "{path}");
    }
}

/// The checks of Kibana's rule import schema that need no Kibana: required
/// fields with their types and ranges, per rule type, and unique rule ids.
#[test]
fn kibana_rules_pass_the_offline_import_schema_checks() {
    let b = library_build(&[]);
    let duration = regex::Regex::new(r"^\d+[smhd]$").expect("regex");
    let mut files = 0;
    for (path, bytes) in b.files.iter().filter(|(p, _)| p.ends_with("rules.ndjson")) {
        files += 1;
        let mut ids = std::collections::BTreeSet::new();
        for line in std::str::from_utf8(bytes).expect("utf-8").lines() {
            let r: serde_json::Value = serde_json::from_str(line).expect("one JSON object a line");
            let s = |k: &str| {
                r[k].as_str()
                    .unwrap_or_else(|| panic!("{path}: `{k}` string: {r}"))
            };
            assert!(
                ids.insert(s("rule_id").to_string()),
                "{path}: duplicate rule_id"
            );
            assert!(!s("name").is_empty() && !s("description").is_empty());
            assert!(["low", "medium", "high", "critical"].contains(&s("severity")));
            let score = r["risk_score"].as_u64().expect("risk_score integer");
            assert!(score <= 100);
            assert!(r["enabled"].is_boolean());
            assert!(r["version"].as_u64().is_some_and(|v| v >= 1));
            assert!(duration.is_match(s("interval")), "{}", s("interval"));
            assert!(
                s("from")
                    .strip_prefix("now-")
                    .is_some_and(|d| duration.is_match(d))
            );
            for list in ["tags", "references", "false_positives", "author"] {
                let items = r[list].as_array().unwrap_or_else(|| panic!("{list} array"));
                assert!(items.iter().all(|v| v.is_string()), "{list}");
            }
            for t in r["threat"].as_array().expect("threat array") {
                assert_eq!(t["framework"], "MITRE ATT&CK");
                for k in ["id", "name", "reference"] {
                    assert!(t["tactic"][k].is_string(), "tactic.{k}");
                }
            }
            match s("type") {
                "query" => {
                    assert!(["kuery", "lucene"].contains(&s("language")));
                    let index = r["index"].as_array().expect("index array");
                    assert!(!index.is_empty() && index.iter().all(|v| v.is_string()));
                }
                "esql" => {
                    assert_eq!(s("language"), "esql");
                    assert!(
                        r.get("index").is_none(),
                        "ES|QL rules name the index in FROM"
                    );
                }
                other => panic!("unexpected rule type {other}"),
            }
            assert!(!s("query").is_empty());
        }
    }
    assert_eq!(files, 3, "staging/elastic, prod/elastic, prod/kibana-kql");
}

#[test]
fn diff_reports_exactly_the_edited_detection() {
    let dir = scratch("diff");
    copy_detections(
        &dir,
        &[
            "sms_bombarding.vigil",
            "refresh_token_reuse.vigil",
            "m2m_org_token_audit.vigil",
        ],
    );
    let manifest = "detections = [\"d\"]\n[env.prod.params]\nyour-tenant-name = \"t\"\n\
        [env.prod.targets.splunk]\ntarget = \"splunk\"\n\
        [env.prod.targets.elastic]\ntarget = \"esql\"\nstack_version = \"9.5\"\n";
    std::fs::write(dir.join("vigil.toml"), manifest).expect("manifest");
    let run_build = |out: &str| {
        let status = Command::new(BIN)
            .args(["build", "--out", out])
            .current_dir(&dir)
            .status()
            .expect("runs");
        assert!(status.success());
    };
    run_build("old");
    let file = dir.join("d/sms_bombarding.vigil");
    let source = std::fs::read_to_string(&file).expect("read");
    assert!(source.contains("level: medium"), "the edit below applies");
    let edited = source
        .replace("factor sms sent", "factor sms_voice sent")
        .replace("level: medium", "level: high");
    assert_ne!(source, edited);
    std::fs::write(&file, edited).expect("write");
    run_build("new");
    let d = diff(
        &Dist::read(&dir.join("old")).expect("old"),
        &Dist::read(&dir.join("new")).expect("new"),
    );
    let places: Vec<(&str, &str)> = d
        .changes
        .iter()
        .map(|c| (c.place.as_str(), c.id.as_str()))
        .collect();
    let id = "74a1ddea-7172-11f0-ace0-723487b9527c";
    assert_eq!(places, vec![("prod/elastic", id), ("prod/splunk", id)]);
    for c in &d.changes {
        assert_eq!(c.kind, Kind::Changed);
        assert!(
            c.query
                .iter()
                .any(|l| l.starts_with("- ") && l.contains("sms sent"))
        );
        assert!(
            c.query
                .iter()
                .any(|l| l.starts_with("+ ") && l.contains("sms_voice"))
        );
        assert_eq!(
            c.settings,
            vec![(
                "level".to_string(),
                Some("medium".into()),
                Some("high".into())
            )]
        );
    }
    // The files that changed: the two packages and the Splunk archive (the
    // README lists titles, which did not change).
    let files: Vec<&str> = d.files.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(
        files,
        vec![
            "prod/elastic/rules.ndjson",
            "prod/splunk/vigil_detections.tar.gz",
            "prod/splunk/vigil_detections/default/savedsearches.conf",
        ]
    );
    // The CLI prints the same, as Markdown for a pull request.
    let out = Command::new(BIN)
        .args(["diff", "old", "new", "--markdown"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("0 added, 0 removed, 2 changed"), "{md}");
    assert!(md.contains("| level | medium | high |"), "{md}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_builds_git_revisions() {
    let dir = scratch("git");
    copy_detections(&dir, &["sms_bombarding.vigil"]);
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("git")
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "detections before the manifest"]);
    std::fs::write(dir.join("vigil.toml"), one_target("splunk", "")).expect("manifest");
    git(&["add", "."]);
    git(&["commit", "-qm", "one"]);
    let file = dir.join("d/sms_bombarding.vigil");
    let source = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, source.replace("level: medium", "level: critical")).expect("write");
    git(&["commit", "-qam", "two"]);
    let out = Command::new(BIN)
        .args(["diff", "HEAD~1", "HEAD"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("changed e/x: MFA attack"), "{text}");
    assert!(text.contains("level: medium -> critical"), "{text}");
    // A revision without the manifest is an empty build: all added.
    let out = Command::new(BIN)
        .args(["diff", "HEAD~2", "HEAD~1"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("added e/x: MFA attack"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_strict_fails_on_warnings() {
    let file = common::root().join("detections/credential_stuffing_signals.vigil");
    let check = |strict: bool| {
        let mut cmd = Command::new(BIN);
        cmd.args(["check", "--target", "splunk"]).arg(&file);
        if strict {
            cmd.arg("--strict");
        }
        let out = cmd.output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        (out.status.code(), stderr)
    };
    let (plain, stderr) = check(false);
    assert_eq!(plain, Some(0));
    assert!(stderr.contains("0 error(s), 1 warning(s)"), "{stderr}");
    assert_eq!(check(true).0, Some(1));
}

#[test]
fn a_broken_detection_fails_the_build_and_writes_only_the_report() {
    let dir = scratch("broken");
    copy_detections(&dir, &["sms_bombarding.vigil"]);
    std::fs::write(dir.join("d/broken.vigil"), "title: x\nsearch type ==\n").expect("write");
    std::fs::write(dir.join("vigil.toml"), one_target("splunk", "")).expect("manifest");
    let run = |out: &str| {
        Command::new(BIN)
            .args(["build", "--out", out])
            .current_dir(&dir)
            .output()
            .expect("runs")
    };
    let out = run("dist");
    assert_eq!(out.status.code(), Some(1));
    let written: Vec<String> = Dist::read(&dir.join("dist"))
        .expect("report")
        .files
        .into_keys()
        .collect();
    assert_eq!(written, vec!["REPORT.md", "report.json"]);
    let report = std::fs::read_to_string(dir.join("dist/REPORT.md")).expect("report");
    assert!(
        report.contains("## Errors") && report.contains("d/broken.vigil:3:1: error[vigil::syntax]"),
        "{report}"
    );
    // A folder that holds something other than a build is never replaced.
    std::fs::write(dir.join("d/notes.txt"), "mine").expect("write");
    let out = run("d");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no earlier build"));
    assert!(dir.join("d/notes.txt").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_parameter_value_a_detection_cannot_take_fails_the_build() {
    let dir = scratch("bad-param");
    copy_detections(&dir, &["sms_bombarding.vigil"]);
    let manifest = dir.join("vigil.toml");
    let b = build_text(
        &manifest,
        &one_target("splunk", "params = { threshold_for_max_sms = \"many\" }\n"),
        &[],
    );
    assert!(b.failed());
    assert!(
        b.report.errors[0].contains("threshold_for_max_sms"),
        "{:?}",
        b.report.errors
    );
    let ok = build_text(
        &manifest,
        &one_target("splunk", "params = { threshold_for_max_sms = 10 }\n"),
        &[],
    );
    assert!(!ok.failed(), "{:?}", ok.report.errors);
    let conf = text(&ok, "e/x/vigil_detections/default/savedsearches.conf");
    assert!(conf.contains("| where sms_per_user > 10"), "{conf}");
    assert!(
        conf.contains("disabled = 0"),
        "every parameter set: enabled"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

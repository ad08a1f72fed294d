//! The Splunk package: `savedsearches.conf` for the whole library, read back
//! to prove every search survives the .conf encoding byte for byte.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use vigil::package::{Item, Templates, splunk};
use vigil::profile::Profile;
use vigil::targets::Target;

/// Every detection of the library, compiled to SPL, as package items.
fn library_items() -> Vec<Item> {
    let profile = Profile::load(Target::Splunk.default_profile()).expect("profile");
    let files =
        vigil::load::expand_paths(&[common::root().join("detections")]).expect("detections");
    let mut items = Vec::new();
    for f in files {
        if f.extension().and_then(|e| e.to_str()) != Some("vigil") {
            continue;
        }
        let det = common::load(&f);
        let query = common::compile(&det, Target::Splunk).expect("compiles");
        items.push(Item::new(&det, query, &profile, &BTreeMap::new()));
    }
    items
}

/// A stanza of a .conf file: its name and its keys in order.
#[derive(Debug)]
struct Stanza {
    name: String,
    keys: Vec<(String, String)>,
}

/// Reads .conf text: `[stanza]` headers, `key = value` lines, values
/// continued by a backslash at the end of a line (the newline is kept),
/// `#` comment lines and blank lines between entries.
fn read_conf(text: &str) -> Vec<Stanza> {
    let mut out: Vec<Stanza> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push(Stanza {
                name: name.to_string(),
                keys: Vec::new(),
            });
            continue;
        }
        let (key, first) = line
            .split_once(" = ")
            .unwrap_or_else(|| panic!("not a key line: {line:?}"));
        let mut value = first.to_string();
        while let Some(stripped) = value.strip_suffix('\\') {
            value = stripped.to_string();
            value.push('\n');
            value.push_str(lines.next().expect("continuation line"));
        }
        out.last_mut()
            .expect("a stanza before keys")
            .keys
            .push((key.to_string(), value));
    }
    out
}

#[test]
fn savedsearches_reads_back_every_search_byte_for_byte() {
    let items = library_items();
    let templates = Templates::load(None).expect("templates");
    let conf = splunk::render(&templates, &items).expect("renders");
    let stanzas = read_conf(&conf);
    assert_eq!(stanzas.len(), items.len());
    for (item, stanza) in items.iter().zip(&stanzas) {
        assert_eq!(stanza.name, format!("Vigil - {}", item.title));
        let keys: BTreeMap<&str, &str> = stanza
            .keys
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(keys["search"], item.query, "search of {}", item.id);
        assert_eq!(keys["description"], item.description);
        assert_eq!(
            keys["alert.severity"],
            splunk::severity(&item.level).to_string()
        );
        assert_eq!(keys["cron_schedule"], item.schedule.cron);
        assert_eq!(keys["dispatch.earliest_time"], item.schedule.earliest);
        assert_eq!(keys["enableSched"], "1");
        assert_eq!(keys["alert.track"], "1");
        assert!(
            item.query.contains('\n'),
            "the library's searches are multi-line"
        );
    }
    insta::assert_snapshot!(conf);
}

#[test]
fn windows_come_from_the_detection() {
    let items = library_items();
    let sms = items
        .iter()
        .find(|i| i.source.ends_with("sms_bombarding.vigil"))
        .expect("sms_bombarding");
    assert_eq!(
        (sms.schedule.cron.as_str(), sms.schedule.earliest.as_str()),
        ("0 * * * *", "-1h")
    );
    let token = items
        .iter()
        .find(|i| {
            i.source
                .ends_with("risk_of_copying_the_most_powerful_token.vigil")
        })
        .expect("token");
    assert_eq!(token.schedule.earliest, "-15m");
}

#[test]
fn a_line_ending_in_backslash_is_refused_not_corrupted() {
    let mut items = library_items();
    items.truncate(1);
    items[0].query = "index=x \\\n| stats count".to_string();
    let err = splunk::render(&Templates::load(None).expect("templates"), &items).unwrap_err();
    assert!(
        err.message.contains("ends with a backslash"),
        "{}",
        err.message
    );
}

#[test]
fn user_templates_override_the_embedded_ones() {
    let dir = std::env::temp_dir().join(format!("vigil-templates-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("splunk")).expect("mkdir");
    std::fs::write(
        dir.join("splunk/savedsearches.conf.j2"),
        "{% for d in detections %}[{{ d.id }}]\nsearch = {{ d.query | conf }}\n{% endfor %}",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args([
            "compile",
            "detections/sms_bombarding.vigil",
            "--format",
            "savedsearches",
            "--templates",
        ])
        .arg(&dir)
        .current_dir(common::root())
        .output()
        .expect("runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("[74a1ddea-7172-11f0-ace0-723487b9527c]\nsearch = index=auth0"),
        "{text}"
    );
}

#[test]
fn a_broken_user_template_is_an_error_not_a_partial_file() {
    let dir = std::env::temp_dir().join(format!("vigil-badtemplates-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("splunk")).expect("mkdir");
    std::fs::write(
        dir.join("splunk/savedsearches.conf.j2"),
        "{% for d in detections %}{{ d.nope }}",
    )
    .expect("write");
    let out_file = dir.join("out.conf");
    let out = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args([
            "compile",
            "detections/",
            "--format",
            "savedsearches",
            "--templates",
        ])
        .arg(&dir)
        .arg("-o")
        .arg(&out_file)
        .current_dir(common::root())
        .output()
        .expect("runs");
    let wrote = out_file.exists();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("template error"));
    assert!(!wrote, "no output file on error");
}

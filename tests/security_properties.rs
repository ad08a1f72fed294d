//! Property tests for escaping (issue 11): random strings as values, field
//! names, parameter values, regular expressions, placeholder names, ids,
//! titles and descriptions go through the Splunk target and the package
//! formats, and an independent reader (`security/lexers.rs`, written from
//! Splunk's documented quoting and `.conf` rules) reads the output back. It
//! must find the original text as exactly one literal, and no extra command,
//! macro, subsearch, stanza or key. Refusing an input with an error is
//! allowed; raw text never is.
//!
//! Bounded for `cargo test` (48 cases per property); set
//! `VIGIL_PROPTEST_CASES=5000` for a longer run. KQL, ES|QL and Lucene
//! output is read back by the vendors' own grammars in `conformance/`.

mod common;
#[path = "security/lexers.rs"]
mod lexers;

use std::collections::BTreeMap;

use lexers::{Command, conf, spl_commands};
use proptest::prelude::*;
use vigil::package::{Item, Templates};
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

fn config() -> ProptestConfig {
    let cases = std::env::var("VIGIL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text rich in the characters that matter to some query language or file
/// format, with any other printable character mixed in.
fn hostile() -> impl Strategy<Value = String> {
    let special = prop::sample::select(
        "\"\\|[]`'*?{}()=<>:!# \n\t$%&-~/,;aZ0é\u{a0}\u{202e}"
            .chars()
            .collect::<Vec<_>>(),
    );
    let other = any::<char>().prop_filter("printable", |c| !c.is_control());
    prop::collection::vec(prop_oneof![4 => special, 1 => other], 0..14)
        .prop_map(|v| v.into_iter().collect())
}

/// A `.vigil` string literal holding exactly `v`.
fn dsl_string(v: &str) -> String {
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '"' | '\\' | '*' | '?' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML double-quoted scalar holding exactly `v` (JSON's escapes).
fn yaml_string(v: &str) -> String {
    serde_json::to_string(v).expect("a string serializes")
}

const HEAD: &str = "title: \"t\"\nid: \"11111111-1111-1111-1111-111111111111\"\n";
const SIGMA_HEAD: &str =
    "title: t\nid: 11111111-1111-1111-1111-111111111111\nlogsource: {product: x}\n";

/// Loads, substitutes, validates and compiles to SPL with the plain profile;
/// `None` if Vigil refused the input with an error.
fn compile(name: &str, src: &str, params: &[(&str, &str)]) -> Option<String> {
    let (det, diags) = common::load_str(name, src);
    if diags.iter().any(|d| d.is_error()) {
        return None;
    }
    let mut det = det?;
    let params: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut diags = vigil::ir::params::substitute(&mut det, &params);
    diags.extend(vigil::lower::validate::regexes_and_ranges(&det));
    if diags.iter().any(|d| d.is_error()) {
        return None;
    }
    let profile = Profile::load("splunk-plain").expect("profile");
    let opts = Options {
        params,
        ..Options::default()
    };
    Target::Splunk
        .backend()
        .compile(&det, &profile, &opts)
        .ok()
        .map(|c| c.query)
}

/// The commands of `q`, asserting it splits cleanly and every command after
/// the first is one of `allowed`.
fn commands(q: &str, allowed: &[&str]) -> Vec<Command> {
    let cmds = spl_commands(q).unwrap_or_else(|e| panic!("{e:?} in:\n{q}"));
    for c in &cmds[1..] {
        let name = c.bare.split_whitespace().next().unwrap_or("");
        assert!(allowed.contains(&name), "extra command `{name}` in:\n{q}");
    }
    cmds
}

fn strings(cmds: &[Command]) -> Vec<&str> {
    cmds.iter()
        .flat_map(|c| c.strings.iter().map(String::as_str))
        .collect()
}

/// What the regex engine receives for pattern `r`: SPL turns the escape
/// `\"` into `"`, which a regex reads as the same character.
fn regex_as_received(r: &str) -> String {
    r.replace("\\\\", "\u{0}")
        .replace("\\\"", "\"")
        .replace('\u{0}', "\\\\")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn values_stay_one_spl_string(v in hostile()) {
        let d = dsl_string(&v);
        let src = format!("{HEAD}search description == {d} cased\n| eval x = {d}\n| where x == {d}\n");
        let q = compile("t.vigil", &src, &[]).expect("a string value always compiles");
        let cmds = commands(&q, &["where", "eval"]);
        prop_assert!((3..=4).contains(&cmds.len()), "{q}");
        let lits = strings(&cmds);
        prop_assert!(lits.iter().all(|s| *s == v), "a literal differs from {v:?}:\n{q}");
        // The search term is quoted, bare (a plain word) or moved to `where`.
        let bare = !lits.is_empty() && lits.len() == 2 && cmds[0].bare.contains(&v);
        prop_assert!(lits.len() == 3 || bare, "{q}");
    }

    #[test]
    fn parameter_values_stay_one_spl_string(v in hostile()) {
        let src = format!("{HEAD}param v: string\nsearch type == \"s\"\n| eval x = \"{{v}}\"\n");
        let q = compile("t.vigil", &src, &[("v", &v)]).expect("compiles");
        let cmds = commands(&q, &["eval"]);
        prop_assert_eq!(cmds.len(), 2);
        prop_assert_eq!(strings(&cmds), vec![v.as_str()]);
    }

    #[test]
    fn field_names_are_quoted_or_refused(n in hostile()) {
        let key = yaml_string(&n);
        let src = format!("{SIGMA_HEAD}detection:\n  sel:\n    {key}: 'v'\n  condition: sel\n");
        let Some(q) = compile("t.yml", &src, &[]) else { return Ok(()) };
        let cmds = commands(&q, &["where"]);
        prop_assert!(cmds.len() <= 2, "{q}");
        // The name (before any `|modifier`) is one string, one field or a
        // bare word of its own.
        let name = n.split('|').next().unwrap_or("");
        let whole = cmds.iter().any(|c| {
            c.strings.iter().any(|s| s == name)
                || c.fields.iter().any(|f| f == name)
                || c.bare.split(|ch: char| ch.is_whitespace() || ch == '=').any(|w| w == name)
        });
        prop_assert!(whole || name.is_empty(), "{name:?} not found whole in:\n{q}");
    }

    #[test]
    fn regexes_reach_the_engine_unchanged_or_are_refused(r in hostile()) {
        let src = format!("{SIGMA_HEAD}detection:\n  sel:\n    f|re: {}\n  condition: sel\n", yaml_string(&r));
        let Some(q) = compile("t.yml", &src, &[]) else { return Ok(()) };
        let cmds = commands(&q, &["where"]);
        prop_assert_eq!(cmds.len(), 2, "{}", q);
        let lits = strings(&cmds);
        prop_assert_eq!(lits.len(), 1, "{}", q);
        prop_assert_eq!(lits[0], regex_as_received(&r));
    }

    #[test]
    fn placeholder_names_stay_inside_their_string(n in hostile()) {
        let value = yaml_string(&format!("%{n}%"));
        let src = format!("{SIGMA_HEAD}detection:\n  sel:\n    f|expand: {value}\n  condition: sel\n");
        let Some(q) = compile("t.yml", &src, &[]) else { return Ok(()) };
        let cmds = commands(&q, &["where"]);
        prop_assert!(cmds.len() <= 2, "{q}");
        let lits = strings(&cmds);
        let whole = lits.iter().any(|s| s.contains(&format!("{{{n}}}")))
            || cmds[0].bare.contains(&format!("{{{n}}}"));
        // Not a placeholder: empty, or split by `%`, a backslash or a wildcard.
        prop_assert!(whole || n.is_empty() || n.contains(['%', '\\', '*', '?']), "{q}");
    }

    #[test]
    fn savedsearches_keeps_one_stanza_with_its_keys(
        title in hostile(), description in hostile(), id in hostile()
    ) {
        let src = format!(
            "title: {}\nid: {}\ndescription: {}\nsearch type == \"s\"\n",
            dsl_string(&title), dsl_string(&id), dsl_string(&description)
        );
        let Some(text) = savedsearches(&src) else { return Ok(()) };
        let file = conf(&text);
        prop_assert!(file.stray.is_empty(), "{text}");
        prop_assert_eq!(file.stanzas.len(), 1, "{}", text);
        let keys: Vec<&str> = file.stanzas[0].1.iter().map(|(k, _)| k.as_str()).collect();
        prop_assert_eq!(keys, expected_keys());
        let value = |k: &str| file.stanzas[0].1.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        prop_assert_eq!(value("description"), Some(vigil::package::one_line(&description)));
        prop_assert_eq!(
            value("action.logevent.param.event"),
            Some(format!("vigil alert: {title} ({id})").trim().to_string())
        );
    }
}

/// Renders `savedsearches.conf` for one `.vigil` source; `None` if refused.
fn savedsearches(src: &str) -> Option<String> {
    let (det, diags) = common::load_str("t.vigil", src);
    if diags.iter().any(|d| d.is_error()) {
        return None;
    }
    let det = det?;
    let profile = Profile::load("splunk-plain").expect("profile");
    let query = Target::Splunk
        .backend()
        .compile(&det, &profile, &Options::default())
        .ok()?
        .query;
    let item = Item::new(&det, query, &profile, &BTreeMap::new());
    let templates = Templates::load(None).expect("templates");
    vigil::package::splunk::render(&templates, &[item]).ok()
}

/// The keys of a stanza for a detection with plain metadata.
fn expected_keys() -> Vec<&'static str> {
    vec![
        "search",
        "description",
        "disabled",
        "enableSched",
        "cron_schedule",
        "dispatch.earliest_time",
        "dispatch.latest_time",
        "alert.severity",
        "alert.suppress",
        "alert.track",
        "alert.digest_mode",
        "counttype",
        "relation",
        "quantity",
        "action.logevent",
        "action.logevent.param.event",
        "action.logevent.param.index",
    ]
}

#[test]
fn the_readers_see_the_attacks_of_the_review() {
    // The readers are honest: the review's outputs read as injections.
    let r1 = "*\n| where match(f, \"abc\\\")\n| where g = \" | delete | outputlookup evil.csv | eval z=\"";
    assert_eq!(spl_commands(r1), Err(lexers::SplError::Unterminated));
    let r2 = "*\n| where match('e\"f', \" | delete | search (x=1 \") AND match('g\"h', \"w\")";
    let names: Vec<String> = spl_commands(r2)
        .expect("splits")
        .iter()
        .map(|c| c.bare.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    assert!(names.contains(&"delete".to_string()), "{names:?}");
    assert_eq!(spl_commands("| eval x=`m`"), Err(lexers::SplError::Macro));
    assert_eq!(
        spl_commands("x [search y]"),
        Err(lexers::SplError::Subsearch)
    );
    let r5 = "[Vigil - Same (x]\n[evil stanza]\naction.script = 1\n#)]\nsearch = x\n";
    assert_eq!(conf(r5).stanzas.len(), 2);
    let d3 = "[s]\ndescription = trailing \\\ndisabled = 0\n";
    assert_eq!(conf(d3).stanzas[0].1.len(), 1);
}

//! Sentinel packages: the YAML rules and the ARM template are well-formed,
//! read back with every query byte for byte, and no title, description or
//! value changes their structure.

mod common;

use std::collections::BTreeMap;

use vigil::package::{Item, Templates, sentinel};
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// Every detection that compiles, as package items.
fn items(params: &BTreeMap<String, String>) -> Vec<Item> {
    let profile = Profile::load("sentinel-auth0").expect("profile");
    let mut out = Vec::new();
    let dir = common::root().join("detections");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("detections")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "vigil"))
        .collect();
    paths.sort();
    for path in paths {
        let mut det = common::load(&path);
        vigil::ir::params::substitute(&mut det, params);
        let opts = Options {
            params: params.clone(),
            ..Options::default()
        };
        if let Ok(c) = Target::Sentinel.backend().compile(&det, &profile, &opts) {
            out.push(Item::new(&det, c.query, &profile, params));
        }
    }
    out
}

fn render(items: &[Item], arm: bool) -> String {
    let templates = Templates::load(None).expect("templates");
    let profile = Profile::load("sentinel-auth0").expect("profile");
    let (text, _) =
        sentinel::render(&templates, items, Target::Sentinel, &profile, arm).expect("render");
    text
}

type Doc = BTreeMap<String, serde_json::Value>;

/// `src` compiled for the Auth0 connector, its tenant set, as a package item.
fn scoped_item(name: &str, src: &str) -> Item {
    let (det, diags) = common::load_str(name, src);
    let det = det.unwrap_or_else(|| panic!("{diags:?}"));
    let profile = Profile::load("sentinel-auth0").expect("profile");
    let params: BTreeMap<String, String> = [("your-tenant-name".into(), "acme".into())].into();
    let opts = Options {
        params: params.clone(),
        ..Options::default()
    };
    let c = Target::Sentinel
        .backend()
        .compile(&det, &profile, &opts)
        .expect("compiles");
    Item::new(&det, c.query, &profile, &params)
}

#[test]
fn yaml_rules_read_back_with_their_queries() {
    let items = items(&BTreeMap::new());
    assert!(items.len() >= 25);
    let text = render(&items, false);
    let docs: Vec<Doc> = serde_saphyr::from_multiple(&text).expect("valid YAML");
    // Rules whose schedule Sentinel cannot run are left out (with an error).
    assert!(
        docs.len() >= items.len() - 2,
        "{} of {}",
        docs.len(),
        items.len()
    );
    for d in &docs {
        let item = items
            .iter()
            .find(|i| i.id == d["id"].as_str().unwrap_or_default())
            .expect("a rule per item");
        assert_eq!(
            d["query"].as_str(),
            Some(item.query.as_str()),
            "{}",
            item.id
        );
        assert_eq!(d["name"].as_str(), Some(item.title.as_str()));
        assert_eq!(d["kind"].as_str(), Some("Scheduled"));
        assert_eq!(
            d["requiredDataConnectors"][0]["dataTypes"][0].as_str(),
            Some("Auth0Logs_CL")
        );
        // Unset parameters: disabled, naming them.
        if !item.unset_params.is_empty() {
            assert_eq!(d["enabled"].as_bool(), Some(false), "{}", item.id);
            let desc = d["description"].as_str().unwrap_or_default();
            assert!(item.unset_params.iter().all(|p| desc.contains(p.as_str())));
        }
    }
}

#[test]
fn tactics_techniques_and_entities() {
    let text = render(&items(&BTreeMap::new()), false);
    let docs: Vec<Doc> = serde_saphyr::from_multiple(&text).expect("valid YAML");
    let reuse = docs
        .iter()
        .find(|d| d["id"] == "a7b2e75c-7171-11f0-aa28-723487b9527c")
        .expect("refresh_token_reuse");
    assert_eq!(
        reuse["tactics"],
        serde_json::json!(["CredentialAccess", "Persistence", "DefenseEvasion"])
    );
    assert_eq!(
        reuse["relevantTechniques"],
        serde_json::json!(["T1078", "T1550"])
    );
    // The query ends in `project ActorUserId, ...`: the account is mapped,
    // the IP (projected away) is not.
    assert_eq!(
        reuse["entityMappings"],
        serde_json::json!([{"entityType": "Account", "fieldMappings": [{"identifier": "FullName", "columnName": "ActorUserId"}]}])
    );
}

#[test]
fn arm_template_deploys_every_rule() {
    let params: BTreeMap<String, String> = [
        ("threshold_for_max_sms", "10"),
        ("your-tenant-name", "acme"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let items = items(&params);
    let text = render(&items, true);
    let arm: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let resources = arm["resources"].as_array().expect("resources");
    assert!(resources.len() >= items.len() - 2);
    for r in resources {
        let p = &r["properties"];
        let item = items
            .iter()
            .find(|i| i.title == p["displayName"].as_str().unwrap_or_default())
            .expect("item");
        assert_eq!(p["query"].as_str(), Some(item.query.as_str()));
        assert_eq!(p["enabled"].as_bool(), Some(item.unset_params.is_empty()));
        assert_eq!(r["kind"], "Scheduled");
        assert!(
            p["queryFrequency"]
                .as_str()
                .unwrap_or_default()
                .starts_with('P')
        );
    }
    let sms = resources
        .iter()
        .find(|r| {
            r["name"]
                .as_str()
                .unwrap_or_default()
                .contains("74a1ddea-7172-11f0-ace0-723487b9527c")
        })
        .expect("sms_bombarding");
    assert_eq!(sms["properties"]["enabled"], true);
}

#[test]
fn hostile_titles_and_values_keep_the_structure() {
    let src = "title: \"[parameters('x')]\"\nid: \"evil\\\" kind: NRT #\"\ndescription: \"---\\nname: injected\\n\\\"\"\nlevel: high\n\nsearch user_name == \"\\\"]} \\n---\\n- x: '\" and type == \"s\"";
    // The tenant the profile scopes to is set: the rule is enabled, and
    // its description is the detection's own.
    let item = scoped_item("evil.vigil", src);
    let docs: Vec<Doc> =
        serde_saphyr::from_multiple(&render(std::slice::from_ref(&item), false)).expect("YAML");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["name"].as_str(), Some("[parameters('x')]"));
    assert_eq!(
        docs[0]["description"].as_str(),
        Some(item.description.as_str())
    );
    assert_eq!(docs[0]["query"].as_str(), Some(item.query.as_str()));
    assert_eq!(docs[0]["kind"].as_str(), Some("Scheduled"));
    let arm: serde_json::Value =
        serde_json::from_str(&render(std::slice::from_ref(&item), true)).expect("JSON");
    let p = &arm["resources"][0]["properties"];
    // ARM would evaluate `[...]` as an expression: written escaped.
    assert_eq!(p["displayName"].as_str(), Some("[[parameters('x')]"));
    assert_eq!(p["query"].as_str(), Some(item.query.as_str()));
    assert_eq!(arm["resources"].as_array().map(Vec::len), Some(1));
}

#[test]
fn other_targets_are_refused() {
    let templates = Templates::load(None).expect("templates");
    let profile = Profile::load("sentinel-auth0").expect("profile");
    let e =
        sentinel::render(&templates, &[], Target::Splunk, &profile, true).expect_err("an error");
    assert!(e.message.contains("--target sentinel"));
}

#[test]
fn rules_over_the_query_length_limit_are_left_out() {
    let values: Vec<String> = (0..1_500).map(|i| format!("\"user-{i:05}\"")).collect();
    let src = format!(
        "title: Long\nid: long-rule\nlevel: high\n\nsearch user_name in ({})",
        values.join(", ")
    );
    let item = scoped_item("long.vigil", &src);
    assert!(item.query.chars().count() > sentinel::MAX_QUERY_CHARS);
    let profile = Profile::load("sentinel-auth0").expect("profile");
    let templates = Templates::load(None).expect("templates");
    for arm in [false, true] {
        let (text, diags) = sentinel::render(
            &templates,
            std::slice::from_ref(&item),
            Target::Sentinel,
            &profile,
            arm,
        )
        .expect("render");
        assert!(!text.contains("user-01499"), "the long rule is left out");
        assert!(
            diags
                .iter()
                .any(|d| d.is_error() && d.message.contains("at most 10000")),
            "{diags:?}"
        );
    }
}

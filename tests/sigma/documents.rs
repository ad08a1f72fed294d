//! Multi-document files: collection actions, filters, metadata, rule names
//! scoped per file.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{compile, load, spl_all};

/// Writes files into a fresh temporary directory and loads them as one load.
fn load_together(files: &[(&str, &str)]) -> Vec<vigil::load::Loaded> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "vigil-sigma-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).expect("write");
            p
        })
        .collect();
    let loaded = vigil::load::load_files(&paths);
    let _ = std::fs::remove_dir_all(&dir);
    loaded
}

#[test]
fn global_reset_repeat() {
    let text = "action: global\nlogsource: {product: windows}\ndetection:\n  condition: sel\n---\ntitle: one\ndetection:\n  sel: {Image: a.exe}\n---\naction: repeat\ntitle: two\ndetection:\n  sel: {Image: b.exe}\n---\naction: reset\n---\ntitle: three\nlogsource: {product: linux}\ndetection:\n  s: {x: 1}\n  condition: s\n";
    let loaded = load(text);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let titles: Vec<_> = loaded
        .detections
        .iter()
        .map(|d| d.meta.title.clone().unwrap_or_default())
        .collect();
    assert_eq!(titles, ["one", "two", "three"]);
    let q: Vec<String> = loaded
        .detections
        .iter()
        .map(|d| compile(d, "splunk-plain"))
        .collect();
    assert_eq!(q, ["Image=a.exe", "Image=b.exe", "x=1"]);
    assert_eq!(
        loaded.detections[2]
            .meta
            .logsource
            .get("product")
            .map(String::as_str),
        Some("linux")
    );
}

const RULE: &str = "title: Process\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\nname: proc\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel:\n    Image|endswith: '\\rar.exe'\n  condition: sel\n";

#[test]
fn filter_documents_and_into_the_rules_they_name() {
    let filter = "title: Filter admins\nlogsource: {category: process_creation, product: windows}\nfilter:\n  rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n  selection:\n    User|startswith: adm_\n  condition: not selection\n";
    let q = spl_all(&format!("{RULE}---\n{filter}"));
    assert_eq!(q, [r#"Image="*\\rar.exe" NOT User="adm_*""#]);
}

#[test]
fn filters_match_logsource_and_any() {
    let any = "title: F\nlogsource: {product: windows}\nfilter:\n  rules: any\n  s: {User: x}\n  condition: not s\n";
    assert_eq!(
        spl_all(&format!("{RULE}---\n{any}")),
        [r#"Image="*\\rar.exe" NOT User=x"#]
    );
    let other = "title: F\nlogsource: {product: linux}\nfilter:\n  rules: any\n  s: {User: x}\n  condition: not s\n";
    let loaded = load(&format!("{RULE}---\n{other}"));
    assert_eq!(
        compile(&loaded.detections[0], "splunk-plain"),
        r#"Image="*\\rar.exe""#
    );
    assert_eq!(loaded.diagnostics.len(), 1);
    assert!(
        loaded.diagnostics[0]
            .message
            .starts_with("the filter applies to no rule"),
        "{:?}",
        loaded.diagnostics
    );
}

#[test]
fn filters_apply_across_files_of_one_load() {
    let filter = "title: F\nlogsource: {product: windows}\nfilter:\n  rules: proc\n  s: {User: x}\n  condition: not s\n";
    let loaded = load_together(&[("a_rule.yml", RULE), ("mf_filter.yml", filter)]);
    let q = compile(&loaded[0].detections[0], "splunk-plain");
    assert_eq!(q, r#"Image="*\\rar.exe" NOT User=x"#);
    assert!(loaded[1].detections.is_empty());
}

#[test]
fn rule_names_are_scoped_per_file() {
    let file = |value: &str| {
        format!(
            "title: base\nname: selected_events\nlogsource: {{product: auth0}}\ndetection:\n  s:\n    data.type: {value}\n  condition: s\n---\ntitle: corr\ncorrelation:\n  type: event_count\n  rules: [selected_events]\n  group-by: [data.ip]\n  timespan: 1h\n  condition: {{gt: 1}}\n"
        )
    };
    let loaded = load_together(&[("a.yml", &file("f")), ("b.yml", &file("s"))]);
    let q: Vec<String> = loaded
        .iter()
        .map(|l| compile(&l.detections[0], "splunk-raw"))
        .collect();
    assert!(q[0].contains("type=f\n"), "{}", q[0]);
    assert!(q[1].contains("type=s\n"), "{}", q[1]);
}

#[test]
fn correlations_find_rules_of_other_files_by_id() {
    let corr = "title: corr\ncorrelation:\n  type: event_count\n  rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n  timespan: 1h\n  condition: {gt: 1}\n";
    let loaded = load_together(&[("a.yml", RULE), ("b.yml", corr)]);
    assert!(
        loaded[0].detections.is_empty(),
        "the referenced rule is not emitted on its own"
    );
    let q = compile(&loaded[1].detections[0], "splunk-plain");
    assert!(
        q.starts_with("Image=\"*\\\\rar.exe\"\n| bin _time span=1h"),
        "{q}"
    );
}

#[test]
fn metadata_is_kept() {
    let text = "title: T\nid: 0325e11e-12ce-44e7-8d1f-3a64700a000a\nstatus: experimental\nlevel: high\nauthor: [A, B]\ndate: 2025-09-13\ntags: [attack.t1078]\nreferences: [https://example.com]\nfalsepositives: [admins]\nlogsource: {product: auth0, service: logs}\ndetection:\n  s: {data.type: s}\n  condition: s\nsplunk: |\n  index=auth0 data.type=s\ntenant_logs: 'type: s'\nexplanation: why\nprevention: [mfa]\ncomments: [c]\nrelated:\n  - {id: 0325e11e-12ce-44e7-8d1f-3a64700a000b, type: derived}\n";
    let loaded = load(text);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let m = &loaded.detections[0].meta;
    assert_eq!(m.author.as_deref(), Some("A, B"));
    assert_eq!(m.date.as_deref(), Some("2025-09-13"));
    assert_eq!(m.level.as_deref(), Some("high"));
    assert_eq!(m.tags, ["attack.t1078"]);
    assert_eq!(m.logsource.len(), 2);
    let extra: Vec<&str> = m.extra.keys().map(String::as_str).collect();
    assert_eq!(
        extra,
        [
            "comments",
            "explanation",
            "prevention",
            "related",
            "splunk",
            "tenant_logs"
        ]
    );
    assert_eq!(
        m.extra["splunk"],
        serde_json::json!("index=auth0 data.type=s\n")
    );
}

#[test]
fn auth0_fields_lose_the_stream_prefix() {
    let text = "title: T\nlogsource: {product: auth0}\ndetection:\n  s:\n    data.type: sapi\n    description: x\n    data.details.response.body.shields{}: block\n  condition: s\n";
    let loaded = load(text);
    let paths: Vec<String> = {
        let mut v = Vec::new();
        loaded.detections[0]
            .filter
            .for_each_pred(&mut |p| v.push(p.field.path.to_string()));
        v
    };
    assert_eq!(
        paths,
        ["type", "description", "details.response.body.shields[]"]
    );
    assert_eq!(
        compile(&loaded.detections[0], "splunk-auth0"),
        "index=auth0 data.tenant_name=\"{your-tenant-name}\"\ndata.type=sapi data.description=x data.details.response.body.shields{}=block"
    );
}

#[test]
fn auth0_template_variables_are_parameters() {
    let text = "title: T\nlogsource: {product: auth0}\ndetection:\n  s:\n    data.client_id: '{api_explorer_client_id}'\n  condition: s\n";
    let loaded = load(text);
    let det = &loaded.detections[0];
    assert_eq!(det.params.len(), 1);
    assert_eq!(det.params[0].name, "api_explorer_client_id");
    let mut det = det.clone();
    let given = [("api_explorer_client_id".to_string(), "abc".to_string())].into();
    assert!(vigil::ir::params::substitute(&mut det, &given).is_empty());
    assert_eq!(
        compile(&det, "splunk-raw"),
        "index=auth0_raw sourcetype=\"auth0:logs\"\nclient_id=abc"
    );
}

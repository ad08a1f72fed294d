//! The Sigma writer: values and escaping, modifiers, conditions, metadata.
//! Each test compiles a small detection and reads the YAML back.

mod common;

use serde_json::{Value, json};
use vigil::targets::Target;

const HEAD: &str = "title: \"t\"\nid: \"0e95725d-7320-415d-80f7-004da920fc11\"\n";

/// Compiles `body` (after a standard header) and returns the YAML text.
fn yaml(body: &str) -> String {
    let src = format!("{HEAD}{body}");
    let (det, diags) = common::load_str("t.vigil", &src);
    let det = det.unwrap_or_else(|| panic!("{}", render(&diags)));
    common::compile(&det, Target::Sigma).unwrap_or_else(|e| panic!("{}", render(&e)))
}

/// The documents of the compiled rule, as JSON.
fn docs(body: &str) -> Vec<Value> {
    let text = yaml(body);
    serde_saphyr::from_multiple::<Value>(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The `detection` block of a one-document rule.
fn detection(body: &str) -> Value {
    let d = docs(body);
    assert_eq!(d.len(), 1, "{d:?}");
    d[0]["detection"].clone()
}

/// The error messages of a detection that does not compile to Sigma.
fn errors(body: &str) -> Vec<String> {
    let src = format!("{HEAD}{body}");
    let (det, diags) = common::load_str("t.vigil", &src);
    let det = det.unwrap_or_else(|| panic!("{}", render(&diags)));
    match common::compile(&det, Target::Sigma) {
        Ok(y) => panic!("expected an error, got:\n{y}"),
        Err(e) => e.iter().map(|d| d.message.clone()).collect(),
    }
}

fn render(d: &[vigil::diagnostic::Diagnostic]) -> String {
    d.iter()
        .map(vigil::diagnostic::render_plain)
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------- escaping

#[test]
fn literal_wildcards_are_escaped() {
    let d = detection(r#"search a == "what?" and b == "a*b" and c like "x\?y\*z""#);
    assert_eq!(d["selection"]["data.a"], json!(r"what\?"));
    assert_eq!(d["selection"]["data.b"], json!(r"a\*b"));
    assert_eq!(d["selection"]["data.c"], json!(r"x\?y\*z"));
}

#[test]
fn backslashes_are_doubled_only_before_wildcards_and_backslashes() {
    // DSL escapes: `\\` is one backslash, `\*` a literal star, `*` a wildcard.
    let d = detection(
        r#"search a like "a\\*b" and b == "a\\*b" and c == "a\\\\b" and d == "\\\\srv\\share"
           and e like "C:\\Windows\*" and f == "end\\" and g like "*\\x?""#,
    );
    let s = &d["selection"];
    assert_eq!(s["data.a"], json!(r"a\\*b"), "backslash, then a wildcard");
    assert_eq!(s["data.b"], json!(r"a\\\*b"), "backslash and literal star");
    assert_eq!(s["data.c"], json!(r"a\\\b"), "two backslashes");
    assert_eq!(s["data.d"], json!(r"\\\srv\share"));
    assert_eq!(s["data.e"], json!(r"C:\Windows\*"), "a literal star");
    assert_eq!(s["data.f"], json!(r"end\"));
    assert_eq!(s["data.g"], json!(r"*\x?"));
}

#[test]
fn modifier_values_keep_trailing_backslashes_literal() {
    // `startswith` adds the wildcard itself: the backslash before it is the
    // last character of the value and stays single.
    let d = detection(r#"search p like "C:\\Windows\\*""#);
    assert_eq!(d["selection"]["data.p|startswith"], json!(r"C:\Windows\"));
}

#[test]
fn quotes_newlines_and_yaml_specials_survive() {
    let d = detection(
        r##"search a == "say \"hi\"\n" and b == "yes" and c == "0x17" and d == "%x%" and e == "# not a comment""##,
    );
    let s = &d["selection"];
    assert_eq!(s["data.a"], json!("say \"hi\"\n"));
    assert_eq!(s["data.b"], json!("yes"));
    assert_eq!(s["data.c"], json!("0x17"));
    assert_eq!(s["data.d"], json!("%x%"), "no placeholder without `expand`");
    assert!(
        !yaml(r#"search a == "%x%""#).contains("expand"),
        "a literal % needs no modifier"
    );
    assert_eq!(s["data.e"], json!("# not a comment"));
}

#[test]
fn typed_values_keep_their_types() {
    let d = detection(r#"search a == true and b == 5 and c == "5" and d == 2.5 and e == -3"#);
    let s = &d["selection"];
    assert_eq!(s["data.a"], json!(true));
    assert_eq!(s["data.b"], json!(5));
    assert_eq!(s["data.c"], json!("5"));
    assert_eq!(s["data.d"], json!(2.5));
    assert_eq!(s["data.e"], json!(-3));
    let text = yaml(r#"search c == "5""#);
    assert!(text.contains(r#"data.c: "5""#), "{text}");
}

// ---------------------------------------------------------------- modifiers

#[test]
fn pattern_shapes_become_modifiers() {
    let d = detection(
        r#"search a contains "x" and b startswith "y" and c endswith "z" and d like "p*q" and e like "*"
           and f like "exact""#,
    );
    let s = &d["selection"];
    assert_eq!(s["data.a|contains"], json!("x"));
    assert_eq!(s["data.b|startswith"], json!("y"));
    assert_eq!(s["data.c|endswith"], json!("z"));
    assert_eq!(s["data.d"], json!("p*q"));
    assert_eq!(s["data.e"], json!("*"));
    assert_eq!(s["data.f"], json!("exact"));
}

#[test]
fn pattern_lists_any_and_all() {
    let d = detection(r#"search a contains ("x", "y") and b contains all ("p", "q") cased"#);
    assert_eq!(d["selection"]["data.a|contains"], json!(["x", "y"]));
    assert_eq!(
        d["selection"]["data.b|contains|all|cased"],
        json!(["p", "q"])
    );
    // Different shapes, any of them: one key, wildcards written out.
    let d = detection(r#"search a like ("x*", "*y*")"#);
    assert_eq!(d["selection"]["data.a"], json!(["x*", "*y*"]));
    // Different shapes, all of them: one key per shape, ANDed in the map.
    let d = detection(r#"search a like all ("x*", "*y*", "*z*")"#);
    assert_eq!(d["selection"]["data.a|startswith"], json!("x"));
    assert_eq!(d["selection"]["data.a|contains|all"], json!(["y", "z"]));
}

#[test]
fn regexes_are_verbatim() {
    let d = detection(r#"search a matches r"^(?:a|b)\d+\.\*$" and b matches all (r"x", r"y")"#);
    assert_eq!(d["selection"]["data.a|re"], json!(r"^(?:a|b)\d+\.\*$"));
    assert_eq!(d["selection"]["data.b|re|all"], json!(["x", "y"]));
}

#[test]
fn cidr_exists_null_fieldref_and_comparisons() {
    let d = detection(
        r#"search ip cidr ("10.1.2.3/8", "192.168.0.0/16") and a exists and b is null and c == d
           and n > 5 and m <= 2.5"#,
    );
    let s = &d["selection"];
    assert_eq!(s["data.ip|cidr"], json!(["10.0.0.0/8", "192.168.0.0/16"]));
    assert_eq!(s["data.a|exists"], json!(true));
    assert_eq!(s["data.b"], Value::Null);
    assert_eq!(s["data.c|fieldref"], json!("data.d"));
    assert_eq!(s["data.n|gt"], json!(5));
    assert_eq!(s["data.m|lte"], json!(2.5));
    assert!(errors(r#"search n > "abc""#)[0].contains("compare only numbers"));
    assert!(errors(r#"search ip cidr "10.0.0/8""#)[0].contains("not an IP address"));
}

#[test]
fn not_equal_is_exists_and_neq() {
    let d = detection(r#"search a != "x""#);
    assert_eq!(d["selection"]["data.a|exists"], json!(true));
    assert_eq!(d["selection"]["data.a|neq"], json!("x"));
    assert_eq!(d["condition"], json!("selection"));
    // On an array `!=` means "some element differs": no Sigma form.
    assert!(errors(r#"search a[] != "x""#)[0].contains("any element differs"));
    // `not ==` is a negated selection, not `neq`.
    let d = detection(r#"search a == "x" and not b == "y""#);
    assert_eq!(d["filter"]["data.b"], json!("y"));
    assert_eq!(d["condition"], json!("selection and not filter"));
}

#[test]
fn case_sensitive_tests_are_cased() {
    let d = detection(r#"search a like "Ab*" cased and b == "x""#);
    assert_eq!(d["selection"]["data.a|startswith|cased"], json!("Ab"));
}

#[test]
fn parameters_become_placeholders() {
    let text = yaml(
        "param p: string \"What p is\"\nparam n: number = 3\nsearch a == {p} and b contains \"x{p}y\" and c == \"{p}\"",
    );
    let d = serde_saphyr::from_multiple::<Value>(&text).unwrap();
    let s = &d[0]["detection"]["selection"];
    assert_eq!(s["data.a|expand"], json!("%p%"));
    assert_eq!(s["data.b|contains|expand"], json!("x%p%y"));
    assert_eq!(s["data.c|expand"], json!("%p%"));
    // Only parameters still used as placeholders are documented.
    assert_eq!(
        d[0]["parameters"],
        json!([{"name": "p", "type": "string", "description": "What p is"}])
    );
    assert!(errors("param p: string\nsearch a == \"50%{p}\"")[0].contains("literal `%`"));
    assert!(errors("param n: number\nsearch a > {n}")[0].contains("--param n=N"));
}

// ---------------------------------------------------------------- conditions

#[test]
fn alternatives_on_one_field_share_a_list() {
    let d = detection(r#"search a == "x" or a == "y" or a in ("z", "w")"#);
    assert_eq!(d["selection"]["data.a"], json!(["x", "y", "z", "w"]));
    assert_eq!(d["condition"], json!("selection"));
}

#[test]
fn condition_precedence() {
    let d = detection(r#"search a == 1 and (b == 2 or c == 3)"#);
    assert_eq!(
        d["condition"],
        json!("selection and (selection_2 or selection_3)")
    );
    let d = detection(r#"search (a == 1 or b == 2) and not (c == 3 and d == 4)"#);
    assert_eq!(
        d["condition"],
        json!("(selection or selection_2) and not filter")
    );
    assert_eq!(d["filter"], json!({"data.c": 3, "data.d": 4}));
    let d = detection(r#"search a == 1 or b == 2 and c == 3"#);
    assert_eq!(d["condition"], json!("selection or selection_2"));
    assert_eq!(d["selection_2"], json!({"data.b": 2, "data.c": 3}));
    let d = detection(r#"search not (a == 1 or not b == 2)"#);
    assert_eq!(d["condition"], json!("not (filter or not selection)"));
}

#[test]
fn repeated_keys_split_a_conjunction() {
    let d = detection(r#"search a like "x*" and a like "*y" and a like "p*""#);
    assert_eq!(
        d["selection"],
        json!({"data.a|startswith": "x", "data.a|endswith": "y"})
    );
    assert_eq!(d["selection_2"], json!({"data.a|startswith": "p"}));
    assert_eq!(d["condition"], json!("selection and selection_2"));
}

// ---------------------------------------------------------------- metadata

#[test]
fn metadata_and_custom_fields() {
    let src = "status: test\nlevel: high\nauthor: \"A, B\"\ndate: 2025-01-02\ntags: [\"attack.t1078\"]\n\
               explanation: \"why\"\nprevention: [\"p1\", \"p2\"]\nsearch a == 1";
    let d = &docs(src)[0];
    assert_eq!(d["title"], json!("t"));
    assert_eq!(d["id"], json!("0e95725d-7320-415d-80f7-004da920fc11"));
    assert_eq!(d["status"], json!("test"));
    assert_eq!(d["level"], json!("high"));
    assert_eq!(d["date"], json!("2025-01-02"));
    assert_eq!(
        d["logsource"],
        json!({"product": "auth0"}),
        "the profile's default"
    );
    assert_eq!(d["explanation"], json!("why"));
    assert_eq!(d["prevention"], json!(["p1", "p2"]));
    let text = yaml(src);
    let keys: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains(':'))
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        keys,
        [
            "title",
            "id",
            "status",
            "author",
            "date",
            "tags",
            "logsource",
            "detection",
            "level",
            "explanation",
            "prevention"
        ]
    );
}

#[test]
fn metadata_pysigma_would_refuse_is_an_error() {
    let bad_id = "title: \"t\"\nid: \"my-rule\"\nsearch a == 1";
    let (det, _) = common::load_str("t.vigil", bad_id);
    let e = common::compile(&det.unwrap(), Target::Sigma).unwrap_err();
    assert!(e[0].message.contains("UUID"), "{}", e[0].message);
    assert!(errors("tags: [\"nonamespace\"]\nsearch a == 1")[0].contains("namespace"));
    assert!(errors("correlation: \"x\"\nsearch a == 1")[0].contains("means something else"));
}

// ---------------------------------------------------------------- pipelines

#[test]
fn presentation_stages_become_fields() {
    let d =
        docs("search a == 1\n| fields b, c\n| rename c as cc\n| table timestamp, b, cc\n| sort -b");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["fields"], json!(["data.date", "data.b", "data.c"]));
}

#[test]
fn other_stages_are_errors_pointing_at_them() {
    let e = errors("search a == 1\n| eval x = 1");
    assert!(e[0].contains("`eval`"), "{e:?}");
    let e = errors("search a == 1\n| head 1");
    assert!(e[0].contains("`head`"), "{e:?}");
}

#[test]
fn filter_only_leaves_the_pipeline_out_with_a_warning() {
    let (det, _) = common::load_str("t.vigil", &format!("{HEAD}search a == 1\n| eval x = 1"));
    let out =
        common::compile_with(&det.unwrap(), Target::Sigma, &Default::default(), true).unwrap();
    assert!(out.contains("data.a: 1"), "{out}");
}

#[test]
fn null_is_never_inside_a_value_list() {
    // The spec forbids `[a, null]`: null is a selection of its own.
    let d = detection(r#"search a in ("x", null, "y") or a == "z""#);
    assert_eq!(d["selection"]["data.a"], json!(["x", "y", "z"]));
    assert_eq!(d["selection_2"]["data.a"], Value::Null);
    assert_eq!(d["condition"], json!("selection or selection_2"));
    let d = detection(r#"search a is null or a == "z""#);
    assert_eq!(d["condition"], json!("selection or selection_2"));
}

#[test]
fn literal_template_lookalikes_warn_in_auth0_rules() {
    let src = format!("{HEAD}search a == \"x \\{{y}} z\"");
    let (det, _) = common::load_str("t.vigil", &src);
    let det = det.unwrap();
    let profile = vigil::profile::Profile::load("sigma-auth0").unwrap();
    let c = Target::Sigma
        .backend()
        .compile(&det, &profile, &Default::default())
        .unwrap();
    assert!(c.query.contains("data.a: x {y} z"), "{}", c.query);
    assert_eq!(c.diagnostics.len(), 1);
    assert!(c.diagnostics[0].message.contains("template variable"));
}

#[test]
fn alternatives_on_one_field_share_the_conjunction_map() {
    let d =
        detection(r#"search t == "sapi" and (d == "a" or d == "b") and not (x == 1 or x == 2)"#);
    assert_eq!(
        d["selection"],
        json!({"data.t": "sapi", "data.d": ["a", "b"]})
    );
    assert_eq!(d["filter"], json!({"data.x": [1, 2]}));
    assert_eq!(d["condition"], json!("selection and not filter"));
    // Different fields stay an `or` of selections.
    let d = detection(r#"search t == "sapi" and (d == "a" or e == "b")"#);
    assert_eq!(
        d["condition"],
        json!("selection and (selection_2 or selection_3)")
    );
}

#[test]
fn keywords_from_other_readers_become_keyword_selections() {
    use vigil::ir::{Filter, Keyword, Text, TextPart};
    let (det, _) = common::load_str("t.vigil", &format!("{HEAD}search a == 1"));
    let mut det = det.unwrap();
    let kw = |s: &str, cased: bool| {
        let mut text = Text::default();
        text.push(TextPart::AnyString);
        text.push(TextPart::Lit(s.into()));
        Filter::Keyword(Keyword {
            text,
            cased,
            span: Default::default(),
        })
    };
    det.filter = Filter::And(vec![
        det.filter.clone(),
        Filter::Or(vec![kw("mimi*katz", false), kw("sekurlsa", false)]),
        Filter::Not(Box::new(kw("Benign", true))),
    ]);
    let out = common::compile(&det, Target::Sigma).unwrap();
    let d = &serde_saphyr::from_multiple::<Value>(&out).unwrap()[0]["detection"];
    assert_eq!(d["keywords"], json!([r"*mimi\*katz", "*sekurlsa"]));
    assert_eq!(d["keywords_2"], json!({"|cased": ["*Benign"]}));
    assert_eq!(
        d["condition"],
        json!("selection and keywords and not keywords_2")
    );
}

//! Every diagnostic points at the YAML line and column.

use super::{load, problems};

#[test]
fn yaml_syntax_errors_point_at_the_line_and_keep_other_documents() {
    let text = "title: a\nlogsource: {product: x}\ndetection:\n  s: [1\n  condition: s\n---\ntitle: b\nlogsource: {product: x}\ndetection:\n  s: {f: 1}\n  condition: s\n";
    let loaded = load(text);
    insta::assert_debug_snapshot!(problems(text), @r#"
        [
            "5:12: error[vigil::sigma::yaml]: invalid YAML: illegal placement of ':' indicator",
        ]
        "#);
    assert_eq!(loaded.detections.len(), 1);
    assert_eq!(loaded.detections[0].meta.title.as_deref(), Some("b"));
}

#[test]
fn duplicate_keys_and_missing_parts() {
    insta::assert_debug_snapshot!(problems("title: a\ntitle: b\nlogsource: {product: x}\ndetection:\n  s: {f: 1}\n  condition: s\n"), @r#"
        [
            "2:1: error[vigil::sigma::yaml]: the key `title` appears twice",
        ]
        "#);
    insta::assert_debug_snapshot!(problems("logsource: {product: x}\ndetection:\n  s: {f: 1}\n"), @r#"
        [
            "1:1: error[vigil::sigma::rule]: the rule has no `title`",
            "3:3: error[vigil::sigma::rule]: the detection has no `condition`",
        ]
        "#);
    insta::assert_debug_snapshot!(problems("title: a\nlevel: severe\nlogsource: {product: x}\n"), @r#"
        [
            "2:8: error[vigil::sigma::rule]: `level` cannot be `severe`",
            "1:8: error[vigil::sigma::rule]: the rule has no `detection`",
        ]
        "#);
}

#[test]
fn unquoted_braces_are_a_mapping() {
    // From the Auth0 catalog's client_with_overpermissive_granted_scopes.yml
    // (Apache-2.0, see tests/fixtures/sigma/NOTICE.md).
    let text = include_str!("../fixtures/sigma/unquoted_braces.yml");
    insta::assert_debug_snapshot!(problems(text), @r#"
        [
            "11:25: error[vigil::sigma::rule]: the value of `data.client_id` is a YAML mapping, not a value",
        ]
        "#);
    assert!(load(text).detections.is_empty());
}

#[test]
fn a_commented_out_list_is_a_warning_at_its_line() {
    // From the Auth0 catalog's logins_or_signups_from_suspicious_ips.yml.
    let text = include_str!("../fixtures/sigma/commented_out_list.yml");
    insta::assert_debug_snapshot!(problems(text), @r#"
        [
            "10:18: warning[vigil::sigma::rule]: `data.type` has no value, which Sigma reads as null: this matches only events without `data.type`",
        ]
        "#);
    assert_eq!(load(text).detections.len(), 1);
}

#[test]
fn a_missing_selection_points_at_the_condition() {
    let text = include_str!("../fixtures/sigma/missing_selection.yml");
    insta::assert_debug_snapshot!(problems(text), @r#"
        [
            "9:30: error[vigil::sigma::rule]: the condition names `filter_2`, which is not defined",
        ]
        "#);
}

#[test]
fn an_unknown_correlated_rule_points_at_the_reference() {
    let text = include_str!("../fixtures/sigma/unknown_correlation_rule.yml");
    insta::assert_debug_snapshot!(problems(text), @r#"
        [
            "14:11: error[vigil::sigma::rule]: the correlation refers to `selected_event`, which is not a rule of this file or an id of the loaded rules",
        ]
        "#);
    // The base rule is not referenced, so it is compiled on its own.
    assert_eq!(load(text).detections.len(), 1);
}

#[test]
fn rendered_diagnostic() {
    let text = include_str!("../fixtures/sigma/unknown_modifier.yml");
    let loaded = load(text);
    insta::assert_snapshot!(vigil::diagnostic::render_plain(&loaded.diagnostics[0]), @r#"
        vigil::sigma::rule

          × unknown modifier `lowercase`
           ╭─[rule.yml:6:24]
         5 │     selection:
         6 │         Image|endswith|lowercase: '\cmd.exe'
           ·                        ────┬────
           ·                            ╰── not a Sigma modifier
         7 │     condition: selection
           ╰────
          help: Sigma modifiers: contains, startswith, endswith, all, base64, base64offset, wide, utf16le,
                utf16be, utf16, windash, re, i, ignorecase, m, multiline, s, dotall, cidr, exists, expand,
                fieldref, gt, gte, lt, lte, cased, neq, minute, hour, day, week, month, year
        "#);
}

#[test]
fn hostile_input_never_panics() {
    for text in [
        "",
        "---",
        "- a\n- b\n",
        "title: [\n",
        "detection: 5\n",
        "{a: *b}\n",
        "title: t\ndetection:\n  s:\n  condition: s\n",
        "title: t\nlogsource: {}\ndetection:\n  s: {'|': x}\n  condition: ' '\n",
        "title: t\nlogsource: {}\ndetection:\n  s: {'f|': x, '': y}\n  condition: 1 of\n",
        "title: t\nlogsource: {}\ndetection:\n  s: [[1]]\n  condition: (((s\n",
        "correlation: {type: temporal, condition: 'a and'}\n",
        "filter: {}\n",
        "action: repeat\n",
        "title: t\nlogsource: {}\ndetection:\n  s: {f|windash: ' -a -b -c -d -e'}\n  condition: s\n",
        "title: t\nlogsource: {}\ndetection:\n  s: {f|base64offset|contains: 'é*'}\n  condition: s\n",
    ] {
        let _ = load(text);
    }
}

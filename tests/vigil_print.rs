//! The Vigil printer: DSL → IR → Vigil text → IR gives the same IR, for
//! every detection of the library and for constructs chosen to be awkward.

mod common;

use vigil::ir::Detection;

fn reprint(det: &Detection) -> (String, Detection) {
    let printed = vigil::vigil_print::print(det).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(vigil::diagnostic::render_plain)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let (again, diags) = common::load_str("printed.vigil", &printed.text);
    let again = again.unwrap_or_else(|| {
        panic!(
            "the printed text does not load:\n{}\n{}",
            printed.text,
            diags
                .iter()
                .map(vigil::diagnostic::render_plain)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    (printed.text, again)
}

#[test]
fn every_detection_round_trips() {
    let dir = common::root().join("detections");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("detections/") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("vigil") {
            continue;
        }
        let det = common::load(&path);
        let (text, again) = reprint(&det);
        common::assert_same_ir(&det, &again, &format!("{}\n{text}", path.display()));
        // Printing is stable: the printed text prints as itself.
        let (text2, _) = reprint(&again);
        assert_eq!(text, text2, "{}", path.display());
        n += 1;
    }
    assert!(n >= 11, "only {n} detections found");
}

fn round_trip(src: &str) -> String {
    let (det, diags) = common::load_str("t.vigil", src);
    let det = det.unwrap_or_else(|| panic!("{diags:?}"));
    let (text, again) = reprint(&det);
    common::assert_same_ir(&det, &again, &text);
    text
}

#[test]
fn awkward_strings_and_names() {
    round_trip(
        r#"title: "quotes \" and \\ and \n and {not_a_param} *"
param p: string = "d\"ef" "what \"p\" is"
param n: number = 1.50
search 'in' == "a\*b\?c\{x}" and 'row 1' like "*x\\*" and x matches r"^\d{2}\"(?<q>[^\"]*)\"$"
   and y matches "say \"hi\" {p}" and z == "{p}-{n}" and w.v[].u in ("a" "b", 3, -2, 2.50, true, null)
   and not (a == 1 or b != "x") and c is not null and d not in (1, 2) and e cidr ("10.0.0.0/8", {p})
   and f contains all ("a", "b") cased and g like all "x?y" and h == i and j exists and k < -1.5
"#,
    );
}

#[test]
fn awkward_expressions_and_stages() {
    let text = round_trip(
        r#"title: "t"
search a == 1
| eval x = -(1 - (2 - 3)) * -4 % 5, y = not (a == 1) and (b or c), z = if(x in (1, 2) , "a*", like(q, "a*\*"))
# a comment
# another
| where (x > 1) == (y < 2) and match(s, r"\d+")
| stats count, dc(x) AS d, perc95(y) as 'p 95', count(x > 1) as big by 'k 1', k2
| eventstats sum(d)
| rename d as dd, 'p 95' AS p95
| sort -dd, +p95 k2
| sort 10 dd
| fields - k2
| table dd p95
| join type=left dd [
    search q == 2
    # inner comment
    | stats count as c2 by dd
]
| lookup "my table.csv" col AS dd OUTPUTNEW other as o
| lookup {p} a output b
| rex field=o r"(?<g>\w+)" max_match=0
| spath path=details.x output=sx
| spath y
| mvexpand g
| fillnull value="n/a" sx, g
| fillnull
| bin dd span=2mon
| head 5
| dedup g
| transpose 3
"#
        .replace("{p}", "{tbl}")
        .replace("title: \"t\"", "title: \"t\"\nparam tbl: string")
        .as_str(),
    );
    assert!(text.contains("# inner comment"), "{text}");
}

/// The comparison itself sees a difference in one value.
#[test]
#[should_panic(expected = "filter differs")]
fn comparison_sees_differences() {
    let (a, _) = common::load_str("a.vigil", "title: \"t\"\nsearch a == 1 and b in (1, 2)");
    let (b, _) = common::load_str("b.vigil", "title: \"t\"\nsearch a == 1 and b in (1 2)");
    common::assert_same_ir(&a.unwrap(), &b.unwrap(), "list separators");
}

/// Loads `src`, lets `edit` change the IR into something only another
/// reader (Sigma) produces, prints it and loads the text again.
fn print_edited(
    src: &str,
    edit: impl FnOnce(&mut Detection),
) -> Result<(String, Detection), Vec<String>> {
    let (det, diags) = common::load_str("t.vigil", src);
    let mut det = det.unwrap_or_else(|| panic!("{diags:?}"));
    edit(&mut det);
    match vigil::vigil_print::print(&det) {
        Ok(p) => {
            let (again, diags) = common::load_str("printed.vigil", &p.text);
            let again = again.unwrap_or_else(|| panic!("{}\n{diags:?}", p.text));
            Ok((p.text, again))
        }
        Err(e) => Err(e.iter().map(|d| d.message.clone()).collect()),
    }
}

fn first_pred(det: &mut Detection) -> &mut vigil::ir::Pred {
    match &mut det.filter {
        vigil::ir::Filter::Pred(p) => p,
        vigil::ir::Filter::And(v) => match &mut v[0] {
            vigil::ir::Filter::Pred(p) => p,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn sigma_only_forms_print_with_the_same_meaning() {
    use vigil::ir::{Filter, Keyword, Test, Text, Value};
    // A case-sensitive equality keeps its form (`cased` after `==`).
    let (text, again) = print_edited("title: \"t\"\nsearch a == \"x*y\"", |d| {
        first_pred(d).test = Test::Eq {
            value: Value::str("X*y"),
            cased: true,
        };
    })
    .unwrap();
    assert!(text.contains(r#"a == "X\*y" cased"#), "{text}");
    match &again.filter {
        Filter::Pred(p) => assert_eq!(
            p.test,
            Test::Eq {
                value: Value::str("X*y"),
                cased: true
            }
        ),
        other => panic!("{other:?}"),
    }
    // Regular-expression flags become an inline group.
    let (text, _) = print_edited("title: \"t\"\nsearch a matches r\"x\\d\"", |d| {
        if let Test::Regex { patterns, .. } = &mut first_pred(d).test {
            patterns.items[0].flags.ignore_case = true;
            patterns.items[0].flags.dot_all = true;
        }
    })
    .unwrap();
    assert!(text.contains(r#"a matches r"(?is)x\d""#), "{text}");
    // A keyword has no Vigil form: an error, not a silent drop.
    let e = print_edited("title: \"t\"\nsearch a == 1", |d| {
        d.filter = Filter::Keyword(Keyword {
            text: Text::lit("mimikatz"),
            cased: false,
            span: Default::default(),
        });
    })
    .unwrap_err();
    assert!(e[0].contains("no full-text search"), "{e:?}");
}

#[test]
fn untyped_metadata_is_kept_as_text_with_a_warning() {
    let (det, _) = common::load_str("t.vigil", "title: \"t\"\nsearch a == 1");
    let mut det = det.unwrap();
    det.meta
        .extra
        .insert("enabled".into(), serde_json::json!(true));
    det.meta.extra.insert("score".into(), serde_json::json!(-5));
    det.meta.extra.insert(
        "nested".into(),
        serde_json::json!({"k": [1, "v"], "bad key": 1}),
    );
    let p = vigil::vigil_print::print(&det).unwrap();
    assert!(p.text.contains("enabled: \"true\""), "{}", p.text);
    assert!(p.text.contains("score: \"-5\""), "{}", p.text);
    assert!(p.text.contains("nested: {k: [1, \"v\"]}"), "{}", p.text);
    assert_eq!(p.diagnostics.len(), 3, "{:?}", p.diagnostics);
    let (again, _) = common::load_str("p.vigil", &p.text);
    assert_eq!(
        again.unwrap().meta.extra["nested"],
        serde_json::json!({"k": [1, "v"]})
    );
}

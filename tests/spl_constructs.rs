//! The SPL constructs the reader maps onto the IR (`regex`, `makemv`,
//! `replace`, `.`, wildcard `rename`, `spath input=`, and the eval
//! functions `urldecode`, `relative_time`, `mvzip`, `pow`, `mvdedup`): what
//! the evaluator makes of them, that Splunk prints them back to a search
//! that reads the same, and what ES|QL writes or refuses.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vigil::eval::{Event, Options, prepare};
use vigil::ir::{Detection, Meta};
use vigil::profile::Profile;
use vigil::source::SourceFile;
use vigil::spl::Macros;
use vigil::targets::Target;

fn read(spl: &str) -> Detection {
    let file = SourceFile::new("t.spl", spl);
    vigil::spl::read_search(&file, 0, spl, Meta::default(), &Macros::default())
        .unwrap_or_else(|d| panic!("{}", d.one_line()))
}

fn refusal(spl: &str) -> String {
    let file = SourceFile::new("t.spl", spl);
    match vigil::spl::read_search(&file, 0, spl, Meta::default(), &Macros::default()) {
        Ok(_) => panic!("imported: {spl}"),
        Err(d) => d.one_line(),
    }
}

/// The result rows of a search over events.
fn run(spl: &str, events: &[Value]) -> Vec<Value> {
    let det = read(spl);
    let opts = Options {
        now: 1_752_673_530.0,
        ..Options::default()
    };
    let plan =
        prepare(&det, &BTreeMap::new(), &opts).unwrap_or_else(|d| panic!("{}", d[0].one_line()));
    plan.run(events.iter().cloned().map(Event::new))
        .map(|r| r.to_json())
        .collect()
}

fn compile(det: &Detection, target: Target, profile: &str) -> Result<String, String> {
    let profile = Profile::builtin(profile).expect("profile");
    let opts = vigil::targets::Options::default();
    target
        .backend()
        .compile(det, &profile, &opts)
        .map(|c| c.query)
        .map_err(|d| {
            d.iter()
                .filter(|d| d.is_error())
                .map(|d| d.one_line())
                .collect::<Vec<_>>()
                .join("\n")
        })
}

/// Printed to Splunk, read again and printed again: the same text.
fn splunk(spl: &str) -> String {
    let once = compile(&read(spl), Target::Splunk, "splunk-plain").expect("splunk");
    let twice = compile(&read(&once), Target::Splunk, "splunk-plain").expect("splunk again");
    assert_eq!(once, twice, "{spl}");
    once
}

#[test]
fn regex_command_keeps_matching_or_other_events() {
    let events = [
        json!({"k": 1, "c": "Client=WebServices;x"}),
        json!({"k": 2, "c": "Client=Other"}),
        json!({"k": 3}),
    ];
    let ks = |rows: Vec<Value>| rows.iter().map(|r| r["k"].clone()).collect::<Vec<_>>();
    let keep = "k=* | regex c=\"^Client=WebServices\" | table k";
    assert_eq!(ks(run(keep, &events)), [json!(1)]);
    // An event without the field does not match, so `!=` keeps it.
    let drop = "k=* | regex c!=\"^Client=WebServices\" | table k";
    assert_eq!(ks(run(drop, &events)), [json!(2), json!(3)]);
    // Without a field the regex reads the raw event.
    assert_eq!(
        ks(run("k=* | regex \"Other\" | table k", &events)),
        [json!(2)]
    );
    assert!(splunk(drop).contains("| where isnull(c) OR NOT match(c, \"^Client=WebServices\")"));
    let esql = compile(&read(drop), Target::Esql, "elastic-plain").expect("esql");
    assert!(
        esql.contains("WHERE c IS NULL OR NOT c RLIKE \"Client\\\\=WebServices.*\""),
        "{esql}"
    );
}

#[test]
fn makemv_splits_and_drops_empty_values() {
    let ev = [json!({"k": 1, "s": "a,,b,"})];
    let rows = run("k=* | makemv delim=\",\" s | table s", &ev);
    assert_eq!(rows, [json!({"s": ["a", "b"]})]);
    let rows = run("k=* | makemv delim=\",\" allowempty=true s | table s", &ev);
    assert_eq!(rows, [json!({"s": ["a", "", "b", ""]})]);
    // The default delimiter is one space.
    let rows = run("k=* | makemv t | table t", &[json!({"k": 1, "t": "x y"})]);
    assert_eq!(rows, [json!({"t": ["x", "y"]})]);
    assert!(refusal("k=* | makemv tokenizer=\"(.)\" s").contains("tokenizer"));
    assert!(
        splunk("k=* | makemv delim=\",\" s")
            .contains("| eval s = split(s, \",\"), s = mvfilter(s != \"\")")
    );
}

#[test]
fn replace_command_exact_and_wildcard() {
    let ev = [
        json!({"k": 1, "p": "%%8448", "h": "web.localhost"}),
        json!({"k": 2, "p": "%%8450", "h": "db"}),
        json!({"k": 3, "p": "other"}),
    ];
    let rows = run(
        "k=* | replace \"%%8448\" with \"Success removed\", \"%%8450\" with \"Failure removed\", \"%%8450\" with \"last wins\" in p | table p",
        &ev,
    );
    assert_eq!(
        rows,
        [
            json!({"p": "Success removed"}),
            json!({"p": "last wins"}),
            json!({"p": "other"})
        ]
    );
    let rows = run(
        "k=* | replace *localhost with \"localhost (*)\" in h | table h",
        &ev,
    );
    assert_eq!(
        rows,
        [
            json!({"h": "localhost (web.)"}),
            json!({"h": "db"}),
            json!({})
        ]
    );
    assert!(refusal("k=* | replace a* with b, c with d in h").contains("wildcard"));
    assert!(refusal("k=* | replace a with b").contains("without `IN`"));
    splunk("k=* | replace *localhost with \"localhost (*)\" in h, g");
}

#[test]
fn dot_concatenates_text_and_null_wins() {
    let ev = [json!({"k": 1, "a": "x", "n": 2}), json!({"k": 2, "n": 3})];
    let rows = run("k=* | eval c = a . \"-\" . n | table c", &ev);
    assert_eq!(rows, [json!({"c": "x-2"}), json!({})]);
    // `.` and `+` share a precedence level and associate to the left.
    let text = splunk("k=* | eval c = n + 1 . \"x\" . (a . \"y\")");
    assert!(
        text.contains("| eval c = n + 1 . \"x\" . (a . \"y\")"),
        "{text}"
    );
    let esql = compile(
        &read("k=* | eval c = a . \"-\" . n"),
        Target::Esql,
        "elastic-plain",
    )
    .expect("esql");
    assert!(
        esql.contains("EVAL c = CONCAT(TO_STRING(a), \"-\", TO_STRING(n))"),
        "{esql}"
    );
    let e = compile(
        &read("k=* | eval c = a . (n + 1)"),
        Target::Esql,
        "elastic-plain",
    )
    .unwrap_err();
    assert!(e.contains("computed number"), "{e}");
    // `concat` is Vigil's name, not an SPL function.
    assert!(refusal("k=* | eval c = concat(a, b)").contains("concat"));
}

#[test]
fn wildcard_rename_moves_matching_columns_only() {
    let ev = [
        json!({"k": 1, "properties": {"user": "alice", "loc": {"city": "Paris"}}, "user": "old", "other": 1}),
        json!({"k": 2, "user": "bob"}),
    ];
    let rows = run(
        "k=* | rename properties.* as * | table user loc.city other properties.user",
        &ev,
    );
    assert_eq!(
        rows,
        [
            json!({"user": "alice", "loc.city": "Paris", "other": 1}),
            json!({"user": "bob"})
        ]
    );
    let rows = run(
        "k=* | eval ab = 1, ac = 2 | rename a* AS z*_n | table zb_n zc_n ab",
        &ev,
    );
    assert_eq!(rows[0], json!({"zb_n": 1, "zc_n": 2}));
    assert!(
        splunk("k=* | rename properties.* as *, other as o")
            .contains("| rename properties.* as *, other as o")
    );
    assert!(refusal("k=* | rename a.*.* as *").contains("exactly one `*`"));
    let e = compile(
        &read("k=* | rename properties.* as *"),
        Target::Esql,
        "elastic-plain",
    )
    .unwrap_err();
    assert!(e.contains("wildcard rename"), "{e}");
}

#[test]
fn spath_input_reads_json_text_of_a_column() {
    let ev = [
        json!({"k": 1, "j": "{\"a\": {\"b\": [1, 2]}, \"c\": \"x\"}"}),
        json!({"k": 2, "j": "not json"}),
    ];
    let rows = run(
        "k=* | spath input=j path=a.b{} output=o | spath input=j path=c | table o c",
        &ev,
    );
    assert_eq!(rows, [json!({"o": [1, 2], "c": "x"}), json!({})]);
    let text = splunk("k=* | spath input=j path=a.b{} output=o");
    assert!(
        text.contains("| spath input=j path=a.b{} output=o"),
        "{text}"
    );
    // Without a path, every key becomes a column named by its path.
    let ev = [json!({"k": 1, "j": "[{\"R\": \"x\", \"E\": [\"p\"]}, {\"R\": \"y\"}]", "R": "old"})];
    let rows = run(
        "k=* | spath input=j | search \"{}.R\"=y | table {}.R {}.E{}",
        &ev,
    );
    // (Rows name arrays the neutral way, `[]`.)
    assert_eq!(rows, [json!({"[].R": ["x", "y"], "[].E[]": "p"})]);
    assert!(splunk("k=* | spath input=j").ends_with("| spath input=j"));
    assert!(refusal("k=* | spath output=o").contains("without a path"));
    let e = compile(
        &read("k=* | spath input=j path=c"),
        Target::Esql,
        "elastic-plain",
    )
    .unwrap_err();
    assert!(e.contains("cannot parse JSON text"), "{e}");
}

#[test]
fn new_eval_functions() {
    let ev = [json!({
        "k": 1,
        "u": "a%20b+c%2",
        "x": ["p", "q", "p"],
        "y": ["1", "2"],
    })];
    let rows = run(
        "k=* | eval d = urldecode(u), t = relative_time(now(), \"-1d@d\"), z = mvzip(x, y), z2 = mvzip(x, y, \"=\"), p = pow(2, 10), m = mvdedup(x) | table d t z z2 p m",
        &ev,
    );
    assert_eq!(
        rows,
        [json!({
            "d": "a b+c%2",
            // now = 2025-07-16T13:45:30Z: the day before, at midnight.
            "t": 1_752_537_600,
            "z": ["p,1", "q,2"],
            "z2": ["p=1", "q=2"],
            "p": 1024,
            "m": ["p", "q"],
        })]
    );
    let text =
        splunk("k=* | eval d = urldecode(u), t = relative_time(now(), \"-1d@d\"), p = pow(2, 10)");
    assert!(text.contains("relative_time(now(), \"-1d@d\")"), "{text}");
    for (f, why) in [
        ("urldecode(u)", "URL_DECODE"),
        ("relative_time(now(), \"-1d\")", "relative_time"),
        ("mvzip(x, y)", "MV_ZIP"),
        ("mvdedup(x)", "MV_DEDUPE"),
    ] {
        let e = compile(
            &read(&format!("k=* | eval v = {f}")),
            Target::Esql,
            "elastic-plain",
        )
        .unwrap_err();
        assert!(e.contains(why), "{f}: {e}");
    }
    let esql = compile(
        &read("k=* | eval p = pow(n, 2)"),
        Target::Esql,
        "elastic-plain",
    )
    .expect("esql");
    assert!(esql.contains("EVAL p = POW(n, 2)"), "{esql}");
}

#[test]
fn vigil_language_round_trip() {
    let spl = "k=* | regex c!=\"^x\" | makemv delim=\",\" s | replace \"a\" with \"b\" in h | eval c = a . \"-\" . n, d = urldecode(u), t = relative_time(now(), \"-1d@d\"), z = mvzip(x, y, \"=\"), p = pow(2, 10), m = mvdedup(x) | spath input=j path=a.b output=o | spath input=j";
    let det = read(spl);
    let printed = vigil::vigil_print::print(&det).unwrap_or_else(|d| panic!("{}", d[0].one_line()));
    let loaded = vigil::load::load_text(std::path::Path::new("t.vigil"), printed.text.clone());
    assert!(
        loaded.diagnostics.iter().all(|d| !d.is_error()),
        "{}",
        printed.text
    );
    let again = loaded.detections.into_iter().next().expect("a detection");
    let a = compile(&det, Target::Splunk, "splunk-plain").expect("splunk");
    let b = compile(&again, Target::Splunk, "splunk-plain").expect("splunk");
    assert_eq!(a, b);
    // A wildcard rename has no `.vigil` form: an error, not a silent drop.
    assert!(vigil::vigil_print::print(&read("k=* | rename p.* as *")).is_err());
}

/// Every construct issue 12 lists as what security_content's event
/// searches use most is read.
#[test]
fn the_issues_list_is_read() {
    for spl in [
        "k=* | convert ctime(t) as u",
        "k=* | convert timeformat=\"%Y\" ctime(t)",
        "k=* | rename properties.* as *",
        "k=* | spath input=j path=a output=o",
        "k=* | regex f=\"x\"",
        "k=* | makemv delim=\",\" f",
        "k=* | replace \"a\" with \"b\" in f",
        "k=* | stats count(eval(a > 1)) as n sum(eval(if(b, 1, 0))) as m by u",
        "k=* | eval c = a . b, t = true(), n = null()",
        "k=* | eval s = strftime(t, \"%Y-%m-%d\"), c = coalesce(a, b), i = mvindex(m, 0), p = split(s, \",\")",
        "k=* | where like(a, \"x%\") AND lower(b) = upper(c) AND substr(d, 1, 2) = \"ab\" AND round(e, 2) > 1",
    ] {
        read(spl);
    }
}

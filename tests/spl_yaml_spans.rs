//! A search read from a YAML field (`--from splunk`: the catalog's `splunk:`,
//! security_content's `search:`) reports errors at the YAML file's own line
//! and column, whatever the scalar's style.

mod common;

use vigil::diagnostic::Diagnostic;
use vigil::ir::Detection;
use vigil::source::SourceFile;
use vigil::targets::Target;

fn read(name: &str, text: &str) -> (Vec<Detection>, Vec<Diagnostic>) {
    vigil::spl::load(SourceFile::new(name, text))
}

/// The file, line and column of the first label of the only error, and the
/// text it points at.
fn error_at(name: &str, text: &str) -> (String, usize, usize, String) {
    let (dets, diags) = read(name, text);
    assert!(dets.is_empty(), "{name}: read without error");
    let d = diags.iter().find(|d| d.is_error()).expect("an error");
    let file = d.file.clone().expect("a file");
    let span = d.labels[0].span;
    let (line, col) = file.line_col(span.start);
    (file.name.clone(), line, col, file.slice(span).to_string())
}

#[test]
fn literal_block() {
    let text = "title: x\nsplunk: |\n  index=auth0 data.type=s\n  | stats count by data.ip\n  | transaction data.ip\nother: 1\n";
    assert_eq!(
        error_at("lit.yml", text),
        ("lit.yml".into(), 5, 5, "transaction".into())
    );
}

#[test]
fn folded_block() {
    let text =
        "name: z\nsearch: >-\n  index=main x=1\n  | eval y=if(a, \"b\",\n  \"c\") | foreach x\n";
    assert_eq!(
        error_at("fold.yml", text),
        ("fold.yml".into(), 5, 10, "foreach".into())
    );
}

#[test]
fn single_quoted_with_doubled_quotes_over_lines() {
    let text =
        "name: y\nsearch: 'index=main user=''bob''\n  | stats count by user | transaction user'\n";
    assert_eq!(
        error_at("sq.yml", text),
        ("sq.yml".into(), 3, 27, "transaction".into())
    );
}

#[test]
fn double_quoted_with_escapes() {
    let text = "name: d\nsearch: \"index=main x=\\\"a\\\" | xmlkv\"\n";
    assert_eq!(
        error_at("dq.yml", text),
        ("dq.yml".into(), 2, 31, "xmlkv".into())
    );
}

#[test]
fn plain_scalar() {
    let text = "name: p\nsearch: index=main x=1 | iplocation ip\n";
    assert_eq!(
        error_at("p.yml", text),
        ("p.yml".into(), 2, 26, "iplocation".into())
    );
}

#[test]
fn a_read_detection_points_at_the_yaml_file_too() {
    // Later diagnostics (a target refusing a stage) use the detection's
    // spans: they point at the YAML line as well.
    let text = "title: x\nsplunk: |\n  index=auth0 data.type=s\n  | stats count by data.ip\n";
    let (dets, diags) = read("ok.yml", text);
    assert!(diags.is_empty(), "{diags:?}");
    let det = &dets[0];
    assert_eq!(det.file.name, "ok.yml");
    let stage = &det.pipeline[0];
    assert_eq!(det.file.slice(stage.span).trim(), "stats count by data.ip");
    assert_eq!(det.file.line_col(stage.span.start).0, 4);
    let errs = common::compile(det, Target::Kql).expect_err("KQL has no stats");
    let (line, _) = det.file.line_col(errs[0].labels[0].span.start);
    assert_eq!(line, 4);
}

#[test]
fn truncated_yaml_never_panics() {
    let texts = [
        "title: x\nsplunk: |\n  index=auth0 data.type=s\n  | stats count by data.ip\n  | transaction data.ip\n",
        "name: z\nsearch: >-\n  index=main x=1\n  | eval y=if(a, \"b\",\n  \"c\") | foreach x\n",
        "name: y\nsearch: 'index=main user=''bob''\n  | stats count by user | transaction user'\n",
        "name: d\nsearch: \"index=main x=\\\"a\\u00e9\\\" \\\n  | xmlkv\"\n",
    ];
    for text in texts {
        for (cut, _) in text.char_indices() {
            for variant in [
                text[..cut].to_string(),
                format!("{}é'\"\\{}", &text[..cut], &text[cut..]),
            ] {
                let r = std::panic::catch_unwind(|| read("t.yml", &variant));
                assert!(r.is_ok(), "panic on {variant:?}");
            }
        }
    }
}

//! The fast reader against the general parser: whatever it reads, it must
//! read exactly as the general parser does (nodes, spans, styles and
//! duplicate-key errors); everything else it must leave alone.

use std::path::Path;

use proptest::prelude::*;

use super::parse_stream as fast;
use crate::sigma::yaml::parse::parse_stream as general;

/// True if the fast reader took `text`; when it did, its documents equal
/// the general parser's, and the general parser found no syntax error.
fn agrees(text: &str) -> bool {
    let Some(quick) = fast(text) else {
        return false;
    };
    let (full, diags) = general(text);
    assert!(
        diags.is_empty(),
        "the fast reader took what the general parser rejects: {text:?}\n{diags:?}"
    );
    assert_eq!(quick.len(), full.len(), "document count of {text:?}");
    for (q, f) in quick.iter().zip(&full) {
        assert_eq!(q.root, f.root, "nodes of {text:?}");
        assert_eq!(
            format!("{:?}", q.errors),
            format!("{:?}", f.errors),
            "errors of {text:?}"
        );
    }
    true
}

#[test]
fn reads_the_sigma_subset_as_the_general_parser_does() {
    let cases = [
        "",
        "# only a comment\n",
        "title: Foo bar  # comment\nid: 1\n",
        "a: 1\nb: -1\nc: 1.5e3\nd: null\ne: ~\nf: true\ng: 0x10\nh: yes\n",
        "tags:\n- a.b\n- 'c'\nnext: 1\n",
        "tags:\n  - a\n  - b\n",
        "detection:\n    sel:\n        - Image|endswith: '\\x.exe'\n          Cmd: \"y\"\n        - z\n    condition: sel\n",
        "a:\nb:\n  # nothing\nc: 1\n",
        "list: [a, 'b', \"c\", 1]\n",
        "empty: []\n",
        "q: 'it''s'\nr: \"a\\\\b\\\"c\\/d\\te\"\n",
        "cond: |\n    x and\n      y\n\n    z\n\nnext: 1\n",
        "cond: |-\n  x\n  y\n",
        "f: >\n  folded\n  text\n\n  more\nn: 1\n",
        "f: >-\n  folded\n  text\n",
        "end: |\n  no newline at the end",
        "a: 1\n---\nb: 2\n---\n",
        "---\na: 1\n",
        "---\n---\na: 1\n",
        "a: 1\na: 2\n",
        "a:\n  b: 1\n  b: 2\nc:\n  - d: 1\n    d: 2\n",
        "url: http://x.y/z?a=b#frag\nk#: v\nweird key|with|mods: 'v'\n",
        "unicode: é ü 中文\n",
        "a:\n  - b:\n    - c\n    - d\n",
        "- a\n- b: 1\n  c: 2\n",
        "  a: 1\n  b: 2\n",
        "a: 1 # c\n# c\n   # c\nb: 2",
    ];
    for text in cases {
        assert!(agrees(text), "the fast reader gave up on {text:?}");
    }
}

#[test]
fn leaves_the_rest_of_yaml_to_the_general_parser() {
    let cases = [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: {b: 1}\n",
        "a: multi\n  line\n",
        "a: 'multi\n  line'\n",
        "a:\tb\n",
        "a: 1\r\nb: 2\r\n",
        "\u{feff}a: 1\n",
        "a: 1\n...\n",
        "--- a: 1\n",
        "a: |+\n  x\n",
        "a: |2\n   x\n",
        "a: \"\\x41\"\n",
        "'a': 1\n",
        "\"a\": 1\n",
        "? a\n: 1\n",
        "-\n  a: 1\n",
        "- - a\n",
        "a: b: c\n",
        "a: 'x\n",
        "a: [1, [2]]\n",
        "a: [1,\n  2]\n",
        "a: - 1\n",
        "<<: {a: 1}\n",
        "%YAML 1.2\n---\na: 1\n",
        "plain scalar document\n",
        "a: 1\n  b: 2\n",
        "a:\n  - 1\n  b: 2\n",
        "a: >\n  x\n    more indented\n",
        "a: |\n\n  leading blank line\n",
        "a: 'x'y\n",
        "a: 'x'#c\n",
        "a: @x\n",
    ];
    for text in cases {
        assert!(fast(text).is_none(), "the fast reader took {text:?}");
    }
}

#[test]
fn characters_past_the_first_chunk_are_checked() {
    // The character check runs on 64-byte chunks: a refused character
    // anywhere, even split across two chunks, sends the file to the
    // general parser.
    let head = "k: v\n".repeat(12); // 60 bytes
    for tail in ["a: \u{85}\n", "a: \u{2028}\n", "a:\tb\n", "a: \u{feff}\n"] {
        for pad in 0..6 {
            let text = format!("{head}{}{tail}", "x: y\n".repeat(pad));
            assert!(fast(&text).is_none(), "{text:?}");
        }
    }
    assert!(agrees(&format!("{head}a: é ü 中文 \u{a0}\n")));
}

#[test]
fn deep_nesting_is_left_to_the_general_parser() {
    let mut text = String::new();
    for depth in 0..100 {
        text.push_str(&" ".repeat(depth));
        text.push_str("k:\n");
    }
    assert!(fast(&text).is_none());
}

/// Every YAML file under `dir`.
fn yaml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let _ = crate::load::walk_files(dir, &mut |p| {
        if matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")) {
            files.push(p);
        }
    });
    files
}

#[test]
fn corpus_files_read_the_same() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sigmahq = root.join("../shared/corpora/sigmahq");
    for dir in [root.join("tests"), root.join("detections")] {
        for f in yaml_files(&dir) {
            if let Ok(text) = std::fs::read_to_string(&f) {
                agrees(&text);
            }
        }
    }
    if !sigmahq.is_dir() {
        eprintln!("skipped: no SigmaHQ corpus at {}", sigmahq.display());
        return;
    }
    let files = yaml_files(&sigmahq);
    let taken = files
        .iter()
        .filter(|f| agrees(&std::fs::read_to_string(f).unwrap()))
        .count();
    eprintln!("fast reader: {taken} of {} SigmaHQ files", files.len());
    // The reader exists for this corpus: it must take nearly all of it.
    assert!(
        taken * 100 >= files.len() * 95,
        "{taken} of {}",
        files.len()
    );
}

/// A line of a generated document: indentation, then a fragment built
/// from YAML's awkward characters.
fn line() -> impl Strategy<Value = String> {
    let indent = prop::sample::select(vec!["", " ", "  ", "    ", "      "]);
    let word = prop::sample::select(vec![
        "a",
        "b",
        "key",
        "k|mod",
        "1",
        "-1",
        "1e3",
        "0x1",
        "~",
        "null",
        "true",
        "yes",
        "é",
        "x y",
        "a:b",
        "a#b",
        "\\x",
        "%p%",
        "''",
        "'q'",
        "'it''s'",
        "\"d\"",
        "\"e\\\\\"",
        "\"\\t\"",
        "[a, b]",
        "[]",
        "['a', 1]",
        "{a: 1}",
        "&x",
        "*x",
        "!t",
        "@",
        "`",
        "x #y",
        "'a' #c",
        "- x",
        ":x",
        "?x",
        "a b ",
        "[a, ]",
        "[ 'a' , b ]",
        "\"a\\x\"",
    ]);
    let shape = prop::sample::select(vec![
        "{w}: {w}",
        "{w}:",
        "- {w}",
        "- {w}: {w}",
        "{w}: |",
        "{w}: >-",
        "{w}",
        "---",
        "# {w}",
        "",
        "{w}: {w} # {w}",
        "- ",
        "{w} : {w}",
        "{w}: {w}:",
        "{w} {w}",
        "   ",
        "- - {w}",
        "{w}: |-",
        "{w}: >",
        "- |",
        "{w}:  # {w}",
        "...",
    ]);
    (indent, shape, word.clone(), word)
        .prop_map(|(i, s, a, b)| format!("{i}{}", s.replacen("{w}", a, 1).replacen("{w}", b, 1)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Whatever the fast reader takes of a generated document, it reads as
    /// the general parser does; it never panics.
    #[test]
    fn generated_documents_read_the_same(lines in prop::collection::vec(line(), 1..12), newline in any::<bool>()) {
        let mut text = lines.join("\n");
        if newline {
            text.push('\n');
        }
        agrees(&text);
    }

    /// Arbitrary text (YAML's indicators, spaces and line ends made
    /// frequent): no panic, and agreement whenever the fast reader takes it.
    #[test]
    fn arbitrary_text_never_panics(text in "([-:#'\"|>\\[\\]{},&*!?% \n]|[a-z0-9]|\\PC){0,120}") {
        agrees(&text);
    }
}

//! `vigil fmt`: idempotent over every detection and over the Vigil that
//! `convert` writes for SigmaHQ; comments kept; `--check` lists and fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use vigil::fmt::format;

fn vigil_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    vigil::load::walk_files(dir, &mut |p| {
        if vigil::fmt::is_formattable(&p) {
            files.push(p)
        }
    })
    .expect("walk");
    files
}

/// Formats `text` twice: the second pass must change nothing, and every
/// comment must survive.
fn assert_idempotent(name: &str, text: &str) -> String {
    let once = format(name, text).unwrap_or_else(|e| {
        panic!(
            "{name}: {}",
            e.iter()
                .map(vigil::diagnostic::render_plain)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let twice = format(name, &once).expect("formatted text formats");
    assert_eq!(once, twice, "{name}: fmt is not idempotent");
    let comments = |t: &str| vigil::syntax::comments(t).expect("parses").len();
    assert_eq!(comments(text), comments(&once), "{name}: comments lost");
    once
}

#[test]
fn bundled_detections_are_formatted_and_fmt_is_idempotent() {
    let files = vigil_files(&common::root().join("detections"));
    assert!(files.len() > 30);
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let once = assert_idempotent(&f.display().to_string(), &text);
        assert_eq!(
            once,
            text,
            "{} is not formatted: run `vigil fmt detections`",
            f.display()
        );
    }
}

#[test]
fn comments_stay_and_long_lines_wrap() {
    let text = "title: \"t\"\n# about the query\nsearch type == \"s\"   \n# before stats\n| stats count as n, dc(user_id) as users, values(ip) as ips, values(user_agent) as agents by client_id\n# trailing note\n";
    let out = assert_idempotent("t.vigil", text);
    assert!(
        out.contains("# about the query\nsearch type == \"s\"\n# before stats\n"),
        "{out}"
    );
    assert!(
        out.ends_with("    by client_id\n# trailing note\n") || out.contains("\n    "),
        "{out}"
    );
    assert!(
        out.lines().all(|l| l.len() <= vigil::fmt::wrap::WIDTH),
        "{out}"
    );
}

#[test]
fn a_comment_inside_the_search_expression_keeps_the_head_as_written() {
    let text = "title: \"t\"\nsearch type == \"s\"\n   # only successes\n   and ip == \"1.2.3.4\"\n|   where x == 1\n";
    let out = assert_idempotent("t.vigil", text);
    assert!(
        out.contains("   # only successes\n   and ip == \"1.2.3.4\"\n| where x == 1\n"),
        "{out}"
    );
}

#[test]
fn bad_input_is_an_error_and_nothing_is_written() {
    let dir = std::env::temp_dir().join(format!("vigil-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let bad = dir.join("bad.vigil");
    std::fs::write(&bad, "search type == \n").expect("write");
    let messy = dir.join("messy.vigil");
    std::fs::write(
        &messy,
        "title: \"t\"\nsearch   type == \"s\"\n|stats count by ip\n",
    )
    .expect("write");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vigil"))
            .args(args)
            .output()
            .expect("runs")
    };
    let d = dir.to_str().expect("utf-8");
    let check = run(&["fmt", "--check", d]);
    assert_eq!(check.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&check.stdout);
    assert!(
        listed.contains("messy.vigil") && !listed.contains("bad.vigil"),
        "{listed}"
    );
    assert!(String::from_utf8_lossy(&check.stderr).contains("bad.vigil"));
    // --check changes nothing; fmt rewrites the messy file only.
    assert!(
        std::fs::read_to_string(&messy)
            .expect("read")
            .contains("|stats")
    );
    let fix = run(&["fmt", d]);
    assert_eq!(fix.status.code(), Some(1), "the bad file is still an error");
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        "title: \"t\"\n\nsearch type == \"s\"\n| stats count by ip\n"
    );
    assert_eq!(
        std::fs::read_to_string(&bad).expect("read"),
        "search type == \n"
    );
    std::fs::remove_file(&bad).expect("rm");
    assert_eq!(run(&["fmt", "--check", d]).status.code(), Some(0));
}

#[test]
fn fmt_is_idempotent_over_sigmahq_converted_to_vigil() {
    let Some(corpora) = common::corpora() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    let files = vigil::load::expand_paths(&[corpora.join("sigmahq")]).expect("corpus");
    let mut formatted = 0;
    for loaded in vigil::load::load_files(&files) {
        for det in &loaded.detections {
            let Ok(printed) = vigil::vigil_print::print(det) else {
                continue;
            };
            assert_idempotent(&format!("{}.vigil", loaded.file.name), &printed.text);
            formatted += 1;
        }
    }
    eprintln!("formatted {formatted} converted SigmaHQ rules twice");
    assert!(formatted > 3000, "{formatted}");
}

//! Conventions of the command line: `-` reads standard input, `--color`,
//! `NO_COLOR`, `-q/--quiet`, `--strict`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const TYPO: &str = "title: \"t\"\nlogsource: {product: \"auth0\"}\nsearch tpye == \"f\"\n";

fn vigil(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigil"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    child.wait_with_output().expect("output")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn dash_reads_a_detection_from_standard_input() {
    let o = vigil(&["check", "-"], TYPO, &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("<stdin>.vigil:3:8"), "{}", stderr(&o));
    assert_eq!(
        vigil(&["check", "--strict", "-"], TYPO, &[]).status.code(),
        Some(1)
    );
    let o = vigil(
        &["compile", "-", "-t", "splunk"],
        "title: \"t\"\nsearch type == \"f\"\n",
        &[],
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("data.type=f"));
    let sigma = "title: x\nlogsource: {product: windows}\ndetection:\n  sel: {EventID: 1}\n  condition: sel\n";
    let o = vigil(&["convert", "-"], sigma, &[]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("search EventID == 1"),
        "{o:?}"
    );
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let esc = |o: &Output| stderr(o).contains('\u{1b}');
    assert!(esc(&vigil(&["--color", "always", "check", "-"], TYPO, &[])));
    assert!(!esc(&vigil(&["--color", "never", "check", "-"], TYPO, &[])));
    // Not a terminal, and NO_COLOR set: no colour either way under auto.
    assert!(!esc(&vigil(&["check", "-"], TYPO, &[("NO_COLOR", "1")])));
    assert!(esc(&vigil(
        &["check", "-", "--color=always"],
        TYPO,
        &[("NO_COLOR", "1")]
    )));
}

#[test]
fn quiet_prints_errors_only() {
    let o = vigil(&["-q", "check", "-"], TYPO, &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
    let o = vigil(&["check", "--quiet", "--strict", "-"], TYPO, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("tpye") && !stderr(&o).contains("checked 1 file"));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = vigil(&["completions", shell], "", &[]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&o.stdout);
        assert!(script.contains("fmt") && script.contains("lsp"), "{shell}");
    }
    assert_eq!(
        vigil(&["completions", "tcsh"], "", &[]).status.code(),
        Some(2)
    );
}

#[test]
fn test_k_reports_only_the_named_cases() {
    let root = env!("CARGO_MANIFEST_DIR");
    let file = format!("{root}/detections/risk_for_mfa_push_fatigue.vigil");
    let o = vigil(&["test", &file, "-k", "another tenant"], "", &[]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("1 cases: 1 passed"), "{text}");
    assert!(
        text.contains("pushes in another tenant are not counted"),
        "{text}"
    );
    let o = vigil(&["test", &file, "-k", "no such case"], "", &[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_folder_without_detections_is_reported() {
    let dir = std::env::temp_dir().join(format!("vigil-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let d = dir.to_str().expect("utf-8");
    for args in [vec!["compile", d, "-t", "splunk"], vec!["check", d]] {
        let o = vigil(&args, "", &[]);
        // Nothing to work on: a usage error (docs/cli.md).
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("no detection files"), "{}", stderr(&o));
    }
}

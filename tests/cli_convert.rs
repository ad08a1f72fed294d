//! `vigil convert`: stdout, output files, and no output on errors.

mod common;

use std::process::Command;

fn vigil() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
}

#[test]
fn converts_to_stdout_and_to_a_directory() {
    let src = common::root().join("detections/sms_bombarding.vigil");
    let out = vigil()
        .args(["convert", "--to", "vigil"])
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("| bin timestamp span=1h"), "{text}");

    let dir = std::env::temp_dir().join(format!("vigil-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = vigil()
        .arg("convert")
        .arg(&src)
        .arg("-o")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let written = std::fs::read_to_string(dir.join("sms_bombarding.vigil")).unwrap();
    assert_eq!(written, text);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn writes_nothing_when_a_detection_fails() {
    let dir = std::env::temp_dir().join(format!("vigil-convert-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.vigil");
    std::fs::write(&bad, "title: \"t\"\nsearch a ==").unwrap();
    let target = dir.join("out.vigil");
    let out = vigil()
        .arg("convert")
        .arg(&bad)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!target.exists(), "a failed conversion wrote output");
    std::fs::remove_dir_all(&dir).unwrap();
}

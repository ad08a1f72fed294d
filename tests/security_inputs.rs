//! Hostile input, files and runtime (security review 2026-12, issue 11):
//! each test reproduces a finding of the review and asserts the fixed
//! behaviour. Big inputs are generated here, not committed; "bounded" is
//! asserted by the budget error or by sizes, never by wall time.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn vigil_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("vigil runs")
}

fn vigil(args: &[&str]) -> Output {
    vigil_in(&common::root(), args)
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/security/{name}")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Exit 1 (an error reported), never 101 (a panic).
fn assert_error(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(1), "{}", stderr(o));
    assert!(
        stderr(o).contains(needle),
        "{needle:?} not in:\n{}",
        stderr(o)
    );
}

const HEAD: &str = "title: \"t\"\nid: \"11111111-1111-1111-1111-111111111111\"\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

fn detection(dir: &Path) -> PathBuf {
    write(dir, "d.vigil", &format!("{HEAD}search type == \"s\"\n"))
}

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().expect("mkfifo");
    assert!(ok.success());
}

// S6: -o never follows or replaces anything but a regular file.
#[test]
fn output_refuses_links_fifos_and_devices() {
    let dir = tempfile::tempdir().unwrap();
    let d = detection(dir.path());
    let d = d.to_str().unwrap();
    let precious = write(dir.path(), "precious.txt", "precious data\n");
    // The old predictable temporary name, planted: now unused.
    std::os::unix::fs::symlink(&precious, dir.path().join("a.spl.vigil-tmp")).unwrap();
    let out = vigil_in(dir.path(), &["compile", d, "-o", "a.spl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&precious).unwrap(),
        "precious data\n"
    );

    std::os::unix::fs::symlink(&precious, dir.path().join("link.spl")).unwrap();
    let out = vigil_in(dir.path(), &["compile", d, "-o", "link.spl", "--force"]);
    assert_error(&out, "a symbolic link");
    assert!(dir.path().join("link.spl").is_symlink());
    assert_eq!(
        std::fs::read_to_string(&precious).unwrap(),
        "precious data\n"
    );

    let fifo = dir.path().join("fifo.spl");
    mkfifo(&fifo);
    let out = vigil_in(dir.path(), &["compile", d, "-o", "fifo.spl", "--force"]);
    assert_error(&out, "a named pipe (FIFO)");

    let out = vigil_in(dir.path(), &["compile", d, "-o", "/dev/null", "--force"]);
    assert_error(&out, "a character device");
    use std::os::unix::fs::FileTypeExt;
    let null = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(null.file_type().is_char_device());
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with(".vigil-")), "{names:?}");
}

// S6: an existing file is replaced only with --force.
#[test]
fn output_overwrites_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = detection(dir.path());
    let d = d.to_str().unwrap();
    write(dir.path(), "out.spl", "hand written\n");
    let out = vigil_in(dir.path(), &["compile", d, "-o", "out.spl"]);
    assert_error(&out, "exists; pass --force");
    let kept = std::fs::read_to_string(dir.path().join("out.spl")).unwrap();
    assert_eq!(kept, "hand written\n");
    let out = vigil_in(dir.path(), &["compile", d, "-o", "out.spl", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("out.spl")).unwrap();
    assert!(text.contains("type=s"), "{text}");
}

// D5: convert -o DIR never overwrites silently and writes all or nothing.
#[test]
fn convert_to_a_folder_writes_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    for n in ["a", "b"] {
        write(
            &src,
            &format!("{n}.vigil"),
            &format!("{HEAD}search type == \"{n}\"\n"),
        );
    }
    let dest = dir.path().join("out");
    std::fs::create_dir(&dest).unwrap();
    write(&dest, "a.vigil", "hand written\n");
    let out = vigil_in(dir.path(), &["convert", "src", "-o", "out"]);
    assert_error(&out, "exists; pass --force");
    assert_eq!(
        std::fs::read_to_string(dest.join("a.vigil")).unwrap(),
        "hand written\n"
    );
    assert!(!dest.join("b.vigil").exists(), "partial output");

    // The second output cannot be written: the first is not written either.
    std::fs::remove_file(dest.join("a.vigil")).unwrap();
    std::fs::create_dir(dest.join("b.vigil")).unwrap();
    let out = vigil_in(dir.path(), &["convert", "src", "-o", "out", "--force"]);
    assert_error(&out, "a directory");
    assert!(!dest.join("a.vigil").exists(), "partial output");
}

// B8: concurrent writers of one new file: one wins, the others are told.
#[test]
fn concurrent_writers_get_a_clear_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let d = detection(dir.path());
    let spawn = |force: bool| {
        let mut args = vec!["compile", d.to_str().unwrap(), "-o", "conc.spl"];
        if force {
            args.push("--force");
        }
        Command::new(env!("CARGO_BIN_EXE_vigil"))
            .args(&args)
            .current_dir(dir.path())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let outs: Vec<Output> = (0..6)
        .map(|_| spawn(false))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    assert_eq!(outs.iter().filter(|o| o.status.success()).count(), 1);
    for o in outs.iter().filter(|o| !o.status.success()) {
        let e = stderr(o);
        assert!(e.contains("--force"), "{e}");
    }
    let outs: Vec<Output> = (0..6)
        .map(|_| spawn(true))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    assert!(outs.iter().all(|o| o.status.success()));
    let text = std::fs::read_to_string(dir.path().join("conc.spl")).unwrap();
    assert!(text.ends_with("data.type=s\n"), "{text}");
}

// P1: diagnostics past column 65,535 do not panic; repeated warnings are
// capped.
#[test]
fn long_lines_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let long = write(
        dir.path(),
        "longcol.vigil",
        &format!(
            "{HEAD}search f == \"{}\" and frobnicate\n",
            "x".repeat(70_000)
        ),
    );
    let out = vigil(&["check", long.to_str().unwrap()]);
    assert_error(&out, "lines over 4096 bytes are not shown");
    assert!(
        stderr(&out).contains("longcol.vigil:3:70020"),
        "{}",
        stderr(&out)
    );

    // A truncated long event, as when a log is read while being written.
    let events = write(
        dir.path(),
        "trunc.ndjson",
        &format!(
            "{{\"type\":\"s\",\"user_id\":\"a\"}}\n{{\"type\":\"s\",\"user_id\":\"b\",\"details\":\"{}",
            "y".repeat(66_000)
        ),
    );
    let out = vigil(&[
        "run",
        &fixture("r9_d.vigil"),
        "--events",
        events.to_str().unwrap(),
        "--format",
        "table",
    ]);
    assert_ne!(out.status.code(), Some(101), "{}", stderr(&out));
    assert!(stdout(&out).contains("a        1"), "{}", stdout(&out));
    assert!(stderr(&out).contains("trunc.ndjson:2:"), "{}", stderr(&out));

    // 5,000 warnings on one 100 KB line: 50 shown, the rest counted.
    let terms: Vec<String> = (0..5000).map(|i| format!("f == \"v{i}\" cased")).collect();
    let one = write(
        dir.path(),
        "one.vigil",
        &format!("{HEAD}search {}\n", terms.join(" or ")),
    );
    let out = vigil(&[
        "compile",
        one.to_str().unwrap(),
        "-t",
        "auth0",
        "--filter-only",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let e = stderr(&out);
    assert_eq!(e.matches("vigil::target::filter-only\n").count(), 50, "{e}");
    assert!(
        e.contains("more [vigil::target::filter-only] diagnostic(s)"),
        "{e}"
    );
    assert!(e.len() < 100_000, "{} bytes of diagnostics", e.len());
}

// S7: control characters from data never reach the terminal raw.
#[test]
fn human_output_escapes_control_characters() {
    let out = vigil(&[
        "run",
        &fixture("r9_d.vigil"),
        "--events",
        &fixture("r10_esc.ndjson"),
        "--format",
        "table",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains("\\u{1b}]0;PWNED\\u{7}"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.ndjson",
        "{\"type\": \u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31mFAKE\u{1b}[0m}\n",
    );
    let out = vigil(&[
        "run",
        &fixture("r9_d.vigil"),
        "--events",
        bad.to_str().unwrap(),
    ]);
    let e = stderr(&out);
    assert!(e.contains("malformed JSON"), "{e}");
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");

    // `vigil test` text output: a case name with an escape sequence.
    detection(dir.path());
    write(
        dir.path(),
        "d.tests.yaml",
        "cases:\n  - name: \"\\e]0;PWNED\\a\"\n    events: [{type: s}]\n    expect: {count: 1}\n",
    );
    let out = vigil_in(dir.path(), &["test", "."]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("\\u{1b}]0;PWNED\\u{7}"), "{text}");
}

/// A detection repository in a temporary folder, with a secret beside it.
fn repo_with_secret() -> (tempfile::TempDir, PathBuf) {
    let top = tempfile::tempdir().unwrap();
    write(
        top.path(),
        "secret.env",
        "SECRET_TOKEN=hunter2-very-secret\n",
    );
    let repo = top.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::create_dir(repo.join(".git")).unwrap();
    for f in ["dettrav.tests.yaml", "exfil.tests.yaml", "exfil.vigil"] {
        std::fs::copy(common::root().join(fixture(f)), repo.join(f)).unwrap();
    }
    (top, repo)
}

// S8: tests files read only inside the detection repository.
#[test]
fn tests_files_cannot_read_outside_the_repository() {
    let (_top, repo) = repo_with_secret();
    let out = vigil_in(&repo, &["test", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let all = stdout(&out) + &stderr(&out);
    assert!(!all.contains("hunter2"), "{all}");
    assert!(
        all.contains("`detection: ../secret.env` is outside"),
        "{all}"
    );
    assert!(
        all.contains("`events_file: /etc/hostname` is outside"),
        "{all}"
    );
    assert!(all.contains("--allow-outside"), "{all}");
    // A tests file given alone is confined to its repository too.
    let out = vigil_in(&repo, &["test", "dettrav.tests.yaml"]);
    assert!(!(stdout(&out) + &stderr(&out)).contains("hunter2"));
    // The user may allow it.
    let out = vigil_in(&repo, &["test", "exfil.tests.yaml", "--allow-outside"]);
    assert!(!stdout(&out).contains("is outside"), "{}", stdout(&out));
}

// B6: a parameter the detection does not declare is an error.
#[test]
fn tests_files_reject_unknown_parameters() {
    let dir = tempfile::tempdir().unwrap();
    detection(dir.path());
    write(
        dir.path(),
        "d.tests.yaml",
        "params: {nope: 1}\ncases:\n  - name: c\n    events: [{type: s}]\n    expect: {count: 1}\n",
    );
    let out = vigil_in(dir.path(), &["test", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("parameter `nope`: the detection declares no such parameter"),
        "{}",
        stdout(&out)
    );
}

// S10: an unpaired surrogate escape does not hide a field.
#[test]
fn unpaired_surrogates_do_not_hide_fields() {
    let out = vigil(&[
        "run",
        &fixture("ua.vigil"),
        "--events",
        &fixture("ua.ndjson"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ips: Vec<&str> = rows.iter().map(|r| r["ip"].as_str().unwrap()).collect();
    assert_eq!(ips, ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"]);
    assert_eq!(rows[1]["user_agent"], "sqlmap/1.0 \u{FFFD}");
}

// D4: `lookup t col OUTPUT out` without `as` matches.
#[test]
fn lookup_short_form_matches() {
    let out = vigil(&[
        "run",
        &fixture("lk3.vigil"),
        "--events",
        &fixture("lk.ndjson"),
        "--lookup",
        &format!("t={}", fixture("ok.csv")),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "{\"type\":\"s\",\"user_id\":\"a\",\"v\":\"1\"}\n"
    );
}

// H1: a YAML alias bomb stops at the alias expansion budget.
#[test]
fn yaml_alias_bomb_hits_its_budget() {
    let out = vigil(&["check", &fixture("r8_alias_bomb.yml")]);
    assert_error(&out, "YAML aliases expand to more than 100000 nodes");
    // A file with a few aliases is fine.
    let dir = tempfile::tempdir().unwrap();
    let ok = write(
        dir.path(),
        "ok.yml",
        "title: t\nid: 11111111-1111-1111-1111-111111111111\nlogsource: {product: x}\n\
         extra: &v [a, b]\ndetection:\n  sel: {f: *v, g: *v}\n  condition: sel\n",
    );
    let out = vigil(&["check", ok.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

// H2: link loops, FIFOs and devices in a detections folder.
#[test]
fn special_files_and_loops_are_refused_or_skipped() {
    let top = tempfile::tempdir().unwrap();
    let dir = top.path().join("r");
    let a = dir.join("a");
    std::fs::create_dir_all(a.join("b")).unwrap();
    detection(&a);
    // Two loops back to the folder being walked.
    std::os::unix::fs::symlink("..", a.join("up")).unwrap();
    std::os::unix::fs::symlink("../..", a.join("b/up2")).unwrap();
    let out = vigil(&["check", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("checked 1 file(s)"),
        "{}",
        stderr(&out)
    );

    mkfifo(&a.join("fifo.vigil"));
    std::os::unix::fs::symlink("/dev/zero", a.join("zero.vigil")).unwrap();
    let out = vigil(&["check", dir.to_str().unwrap()]);
    assert_error(&out, "a named pipe (FIFO): Vigil reads only regular files");
    assert!(
        stderr(&out).contains("a character device"),
        "{}",
        stderr(&out)
    );

    // Events files named by a tests file: the same.
    write(
        &a,
        "d.tests.yaml",
        "cases:\n  - name: fifo\n    events_file: fifo.vigil\n    expect: {count: 0}\n\
         \x20 - name: zero\n    events_file: zero.vigil\n    expect: {count: 0}\n",
    );
    // (`zero.vigil` resolves outside the repository: allowed here, so
    // that the file type check is what refuses it.)
    let out = vigil_in(&a, &["test", "d.tests.yaml", "--allow-outside"]);
    let text = stdout(&out);
    assert_eq!(
        text.matches("Vigil reads only regular files").count(),
        2,
        "{text}"
    );
}

// H3: an event longer than the budget is skipped without being held.
#[test]
fn events_over_the_line_budget_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.ndjson.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::best(),
    );
    gz.write_all(b"{\"type\":\"s\",\"user_id\":\"a\"}\n{\"type\":\"s\",\"x\":\"")
        .unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..8 {
        gz.write_all(&chunk).unwrap();
    }
    gz.write_all(b"\"}\n{\"type\":\"s\",\"user_id\":\"c\"}\n")
        .unwrap();
    gz.finish().unwrap();
    let out = vigil(&[
        "run",
        &fixture("r9_d.vigil"),
        "--events",
        path.to_str().unwrap(),
        "--max-event-bytes",
        "1000000",
    ]);
    let e = stderr(&out);
    assert!(
        e.contains("longer than the budget of 1000000 bytes") && e.contains("--max-event-bytes"),
        "{e}"
    );
    assert_eq!(
        stdout(&out),
        "{\"user_id\":\"a\",\"count\":1}\n{\"user_id\":\"c\",\"count\":1}\n"
    );
}

// H4: `debug ir` grows linearly with depth; arithmetic chains are bounded.
#[test]
fn debug_output_is_linear_and_chains_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let chain = |n: usize| {
        format!(
            "{HEAD}search a == 1\n| eval y = {}\n",
            vec!["1"; n].join(" + ")
        )
    };
    let ok = write(dir.path(), "ok.vigil", &chain(1000));
    let out = vigil(&["debug", "ir", ok.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Was 20 MB: every level indented one step further.
    assert!(out.stdout.len() < 2_000_000, "{} bytes", out.stdout.len());
    let long = write(dir.path(), "long.vigil", &chain(5000));
    let out = vigil(&["check", long.to_str().unwrap()]);
    assert_error(&out, "a chain of more than 1000 arithmetic operators");

    let nots = write(
        dir.path(),
        "nots.yml",
        &format!(
            "title: t\nid: 11111111-1111-1111-1111-111111111111\nlogsource: {{product: x}}\n\
             detection:\n  sel: {{f: 1}}\n  condition: {}sel\n",
            "not ".repeat(2000)
        ),
    );
    let out = vigil(&["debug", "ir", nots.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.len() < 2_000_000, "{} bytes", out.stdout.len());
}

// H5: rules of thousands of terms compile for every target (the stages
// are linear; speed is measured by the bench scripts, not here).
#[test]
fn large_rules_compile_for_every_target() {
    let dir = tempfile::tempdir().unwrap();
    let terms: Vec<String> = (0..3000)
        .map(|i| format!("user_name == \"v{i}\" cased"))
        .collect();
    let big = write(
        dir.path(),
        "big.vigil",
        &format!("{HEAD}search\n  {}\n", terms.join(" or\n  ")),
    );
    for t in ["splunk", "esql", "sigma"] {
        let out = vigil(&["compile", big.to_str().unwrap(), "-t", t, "--filter-only"]);
        assert!(out.status.success(), "{t}: {}", stderr(&out));
        assert!(stdout(&out).contains("v2999"), "{t}");
    }
    // Auth0's log search is Elasticsearch: 3,000 clauses are over Lucene's
    // max_clause_count (1,024), refused by that budget, not after a
    // super-linear compile.
    let out = vigil(&[
        "compile",
        big.to_str().unwrap(),
        "-t",
        "auth0",
        "--filter-only",
    ]);
    assert_error(&out, "accepts at most 1024");
    // KQL's too: Kibana turns it into 9,000 leaf queries (the profile
    // splits `user_name` in two), over the same limit.
    let out = vigil(&[
        "compile",
        big.to_str().unwrap(),
        "-t",
        "kql",
        "--filter-only",
    ]);
    assert_error(&out, "would hold 9000 clauses");
}

// B1, B2, B7: a BOM in a `.vigil` file, an empty Sigma file, a tests file
// over the YAML budget.
#[test]
fn small_input_checks() {
    let dir = tempfile::tempdir().unwrap();
    let bom = write(
        dir.path(),
        "bom.vigil",
        &format!("\u{FEFF}{HEAD}search type == \"s\"\n"),
    );
    let out = vigil(&["check", bom.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let empty = write(dir.path(), "empty.yml", "---\n");
    let out = vigil(&["check", empty.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("the file is empty"),
        "{}",
        stderr(&out)
    );

    detection(dir.path());
    let rows = "      - {user_id: a, n: 1}\n".repeat(60_000);
    write(
        dir.path(),
        "d.tests.yaml",
        &format!("cases:\n  - name: c\n    events: []\n    expect:\n      rows:\n{rows}"),
    );
    let out = vigil_in(dir.path(), &["test", "."]);
    let e = stderr(&out);
    assert!(e.contains("over the YAML reader's budget"), "{e}");
    assert!(!e.contains("budget breached"), "{e}");
}

// B4, B11: `bin span=0` is an error; unknown YAML tags are warned about.
#[test]
fn zero_spans_and_unknown_tags() {
    let dir = tempfile::tempdir().unwrap();
    let zero = write(
        dir.path(),
        "zero.vigil",
        &format!("{HEAD}search type == \"s\"\n| bin timestamp span=0w\n"),
    );
    assert_error(
        &vigil(&["check", zero.to_str().unwrap()]),
        "a `bin` span of zero",
    );
    let tags = write(
        dir.path(),
        "tags.yml",
        "title: t\nid: 11111111-1111-1111-1111-111111111111\nlogsource: {product: x}\n\
         detection:\n  sel: {f: !!binary aGVsbG8=, g: !!python/object/apply:os.system [\"echo pwned\"]}\n\
         \x20 condition: sel\n",
    );
    let out = vigil(&["check", tags.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(e.contains("unknown YAML tag `!!binary` is ignored"), "{e}");
    assert!(e.contains("`!!python/object/apply:os.system`"), "{e}");
}

// B12: a number beyond f64 does not hide the event's other fields.
#[test]
fn numbers_beyond_f64_do_not_hide_fields() {
    let dir = tempfile::tempdir().unwrap();
    let events = write(
        dir.path(),
        "big.ndjson",
        "{\"user_agent\":\"sql\\u006dap\",\"ip\":\"1.1.1.1\",\"n\":1e400}\n",
    );
    let out = vigil(&[
        "run",
        &fixture("ua.vigil"),
        "--events",
        events.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "{\"user_agent\":\"sqlmap\",\"ip\":\"1.1.1.1\"}\n"
    );
}

//! H6 (issue 11): `stats` groups are bounded in `vigil run` and `vigil
//! test`. A `by` over a value an attacker controls (an IP, a user name)
//! could otherwise grow without bound; past the budget the stage returns
//! no rows and the run fails with an error naming the stage and the budget.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vigil(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .output()
        .expect("vigil runs")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A detection counting events by `ip`, with `stage` (`stats`/`eventstats`),
/// and 20 events from 20 addresses.
fn setup(dir: &Path, id: &str, stage: &str) -> (PathBuf, PathBuf) {
    let det = write(
        dir,
        &format!("{id}.vigil"),
        &format!("title: \"t\"\nid: \"{id}\"\n\nsearch type == \"f\"\n| {stage} count by ip\n"),
    );
    let events: String = (0..20)
        .map(|i| format!("{{\"type\":\"f\",\"ip\":\"10.0.0.{i}\"}}\n"))
        .collect();
    (det, write(dir, "e.ndjson", &events))
}

#[test]
fn stats_groups_stop_at_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    for stage in ["stats", "eventstats"] {
        let (det, events) = setup(dir.path(), stage, stage);
        let (det, events) = (det.to_str().unwrap(), events.to_str().unwrap());
        let o = vigil(&["run", det, "--events", events, "--max-groups", "19"]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        let e = text(&o.stderr);
        assert!(
            e.contains(&format!("`{stage}` would hold more than 19 groups")),
            "{e}"
        );
        assert!(e.contains("--max-groups"), "{e}");
        assert!(e.contains(&format!("{stage}.vigil:5:1")), "{e}");
        assert_eq!(text(&o.stdout), "", "no partial result");
        // At the budget, all 20 rows.
        let o = vigil(&["run", det, "--events", events, "--max-groups", "20"]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert_eq!(text(&o.stdout).lines().count(), 20);
    }
}

#[test]
fn the_budget_holds_for_many_detections_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (a, events) = setup(dir.path(), "a", "stats");
    let (b, _) = setup(dir.path(), "b", "stats");
    let o = vigil(&[
        "run",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        "--max-groups",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let e = text(&o.stderr);
    assert!(
        e.contains("a.vigil:5:1") && e.contains("b.vigil:5:1"),
        "{e}"
    );
}

#[test]
fn the_default_budget_is_documented() {
    let o = vigil(&["run", "--help"]);
    let help = text(&o.stdout);
    assert!(help.contains("--max-groups"), "{help}");
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/security.md")).unwrap();
    assert!(
        doc.contains("| `stats` groups | 1,000,000 "),
        "docs/security.md"
    );
    assert_eq!(vigil::limits::MAX_STATS_GROUPS, 1_000_000);
}

//! User input never causes a panic: every detection file, mutated in many
//! small ways (bytes deleted, duplicated, replaced by syntax characters),
//! goes through the parser, lowering and the Splunk printer without one.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// A tiny deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SYNTAX: &[&str] = &[
    "|", "(", ")", "[", "]", "{", "}", "\"", "'", "r\"", "\\", "==", "=", ",", "#", "\n", "*", "?",
    "not ", "and ", "or ", "in ", "like ", "as ", "by ", "\"\"\"", "{x}", "-", ".", "[]", "\u{e9}",
    "\0",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(s.len() + 1);
        match rng.below(3) {
            0 if !s.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(s.len());
                s.drain(at.min(end)..end);
            }
            1 => {
                let ins: Vec<char> = SYNTAX[rng.below(SYNTAX.len())].chars().collect();
                s.splice(at..at, ins);
            }
            _ => {
                let from = rng.below(s.len().max(1));
                let chunk: Vec<char> = s.iter().skip(from).take(rng.below(20)).copied().collect();
                s.splice(at.min(s.len())..at.min(s.len()), chunk);
            }
        }
    }
    s.into_iter().collect()
}

#[test]
fn mutated_detections_never_panic() {
    let profile = Profile::load(Target::Splunk.default_profile()).expect("profile");
    let opts = Options {
        comments: true,
        ..Options::default()
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut files = 0;
    let mut outcomes = BTreeMap::new();
    for f in vigil::load::expand_paths(&[common::root().join("detections")]).expect("detections") {
        if f.extension().and_then(|e| e.to_str()) != Some("vigil") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&f).expect("read");
        for _ in 0..150 {
            let m = mutate(&text, &mut rng);
            let loaded = vigil::load::load_text(Path::new("fuzz.vigil"), m);
            let compiled = loaded
                .detections
                .iter()
                .map(|d| Target::Splunk.backend().compile(d, &profile, &opts).is_ok())
                .next();
            // Rendering every diagnostic exercises span arithmetic too.
            for d in &loaded.diagnostics {
                let _ = vigil::diagnostic::render_plain(d);
            }
            *outcomes.entry(compiled).or_insert(0) += 1;
        }
    }
    assert!(files > 0);
    // Both outcomes occur, so the mutations reach past the parser.
    assert!(
        outcomes.get(&Some(true)).copied().unwrap_or(0) > 0,
        "{outcomes:?}"
    );
    assert!(
        outcomes.get(&None).copied().unwrap_or(0) > 0,
        "{outcomes:?}"
    );
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    // The binary runs the compiler on a large stack; do the same here, as
    // the test harness's threads are small.
    let ok_depth = vigil::syntax::depth::MAX_DEPTH - 1;
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let text = |n: usize| {
                format!(
                    "title: \"x\"\nsearch {}type == \"s\"{}\n| where {}a == 1\n",
                    "(".repeat(n),
                    ")".repeat(n),
                    "not ".repeat(n)
                )
            };
            let (det, diags) = common::load_str("deep.vigil", &text(ok_depth));
            assert!(det.is_some(), "{diags:?}");
            let (det, diags) = common::load_str("deep.vigil", &text(ok_depth + 2));
            assert!(det.is_none());
            assert!(diags[0].message.starts_with("nesting deeper than"));
        })
        .expect("thread")
        .join()
        .expect("no panic");
}

#[test]
fn deep_nesting_in_a_batch_does_not_overflow_a_worker() {
    // Several files are compiled on worker threads: they need the same
    // stack as the main one (a debug build overflowed 2 MiB here).
    let n = vigil::syntax::depth::MAX_DEPTH - 1;
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3 {
        let text = format!(
            "title: \"x{i}\"\nsearch {}type == \"s\"{}\n| where {}a == 1\n",
            "(".repeat(n),
            ")".repeat(n),
            "not ".repeat(n)
        );
        std::fs::write(dir.path().join(format!("d{i}.vigil")), text).unwrap();
    }
    let out = common::vigil(&[
        "compile",
        dir.path().to_str().unwrap(),
        "--target",
        "splunk",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).matches("\n# ").count(),
        2
    );
}

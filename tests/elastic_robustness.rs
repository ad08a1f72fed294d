//! User input never makes the Elastic printers panic: mutated detections
//! (the same kinds of mutation as `robustness.rs`) and the deepest nesting
//! the parser accepts go through KQL and ES|QL at every stack version.

mod common;

use std::path::Path;

use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// xorshift64*, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
    }
}

const SYNTAX: &[&str] = &[
    "|",
    "(",
    ")",
    "\"",
    "'",
    "\\",
    "==",
    ",",
    "\n",
    "*",
    "?",
    "not ",
    "or ",
    "like ",
    "[]",
    "{x}",
    "`",
    ":",
    "\u{e9}",
    "\0",
    " cased",
    "matches r\"(a\"",
    "cidr \"1.2.3.4/99\"",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(s.len() + 1);
        if rng.below(2) == 0 && !s.is_empty() {
            let end = (at + 1 + rng.below(8)).min(s.len());
            s.drain(at.min(end)..end);
        } else {
            let ins: Vec<char> = SYNTAX[rng.below(SYNTAX.len())].chars().collect();
            s.splice(at..at, ins);
        }
    }
    s.into_iter().collect()
}

fn configs() -> Vec<(Target, Options)> {
    let mut out = vec![(
        Target::Kql,
        Options {
            filter_only: true,
            ..Options::default()
        },
    )];
    for v in ["8.19", "9.3", "9.5"] {
        out.push((
            Target::Esql,
            Options {
                stack_version: Some(v.into()),
                comments: true,
                ..Options::default()
            },
        ));
    }
    out
}

#[test]
fn mutated_detections_never_panic() {
    let profile = Profile::load("elastic-auth0").expect("profile");
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let (mut ok, mut failed) = (0, 0);
    for f in vigil::load::expand_paths(&[common::root().join("detections")]).expect("detections") {
        if f.extension().and_then(|e| e.to_str()) != Some("vigil") {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("read");
        for _ in 0..25 {
            let loaded = vigil::load::load_text(Path::new("fuzz.vigil"), mutate(&text, &mut rng));
            for det in &loaded.detections {
                for (target, opts) in configs() {
                    match target.backend().compile(det, &profile, &opts) {
                        Ok(_) => ok += 1,
                        Err(diags) => {
                            failed += 1;
                            for d in &diags {
                                let _ = vigil::diagnostic::render_plain(d);
                            }
                        }
                    }
                }
            }
        }
    }
    // Both outcomes occur, so mutations reach the printers.
    assert!(ok > 0 && failed > 0, "{ok} compiled, {failed} refused");
}

#[test]
fn deepest_nesting_compiles_on_the_cli_stack() {
    // The binary runs on a large stack; so does this test.
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(|| {
            let n = vigil::syntax::depth::MAX_DEPTH - 1;
            let text = format!(
                "title: \"x\"\nsearch {}user_id == \"s\"{}\n| where {}a == 1\n",
                "(not ".repeat(n / 2),
                ")".repeat(n / 2),
                "not ".repeat(n)
            );
            let (det, diags) = common::load_str("deep.vigil", &text);
            let det = det.unwrap_or_else(|| panic!("{diags:?}"));
            let profile = Profile::load("elastic-auth0").expect("profile");
            for (target, opts) in configs() {
                let _ = target.backend().compile(&det, &profile, &opts);
            }
        })
        .expect("thread")
        .join()
        .expect("no panic");
}

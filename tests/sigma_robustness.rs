//! User input never makes the Sigma writer or the Vigil printer panic:
//! mutated detections (bytes deleted, duplicated, replaced by syntax
//! characters) that still load go through both.

mod common;

use std::path::Path;

use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "\\",
    "*",
    "?",
    "\"",
    "{x}",
    "%",
    "|",
    " or ",
    " and not ",
    "[]",
    "'",
    "\n",
    "null",
    "-1",
    "cased",
    " all ",
    "\u{e9}",
    "#",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(s.len() + 1).min(s.len());
        if rng.below(2) == 0 && at < s.len() {
            let end = (at + 1 + rng.below(6)).min(s.len());
            s.drain(at..end);
        } else {
            s.splice(at..at, PIECES[rng.below(PIECES.len())].chars());
        }
    }
    s.into_iter().collect()
}

#[test]
fn mutated_detections_never_panic_the_sigma_writer_or_the_printer() {
    let profile = Profile::load("sigma-auth0").expect("profile");
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let (mut written, mut printed) = (0, 0);
    let mut files: Vec<_> = ["detections", "tests/fixtures/sigma-write"]
        .iter()
        .flat_map(|d| std::fs::read_dir(common::root().join(d)).expect("dir"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("vigil"))
        .collect();
    files.sort();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        for _ in 0..25 {
            let loaded = vigil::load::load_text(Path::new("fuzz.vigil"), mutate(&text, &mut rng));
            for det in &loaded.detections {
                for filter_only in [false, true] {
                    let opts = Options {
                        filter_only,
                        ..Options::default()
                    };
                    if let Ok(c) = Target::Sigma.backend().compile(det, &profile, &opts) {
                        // What is written is YAML that reads back.
                        serde_saphyr::from_multiple::<serde_json::Value>(&c.query)
                            .unwrap_or_else(|e| panic!("{e}\n{}", c.query));
                        written += 1;
                    }
                }
                if let Ok(p) = vigil::vigil_print::print(det) {
                    let (again, diags) = common::load_str("printed.vigil", &p.text);
                    assert!(again.is_some(), "{}\n{diags:?}", p.text);
                    printed += 1;
                }
            }
        }
    }
    assert!(
        written > 100 && printed > 100,
        "{written} written, {printed} printed"
    );
}

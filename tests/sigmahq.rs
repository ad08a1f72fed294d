//! The SigmaHQ corpus (`../shared/corpora/sigmahq`, 3,780 rules): every rule
//! compiled for every target, every failure classified by reason, no panics
//! (each file runs under `catch_unwind`). Prints the table that README.md's
//! "SigmaHQ corpus" section shows:
//!
//! ```sh
//! cargo test --release --test sigmahq -- --nocapture
//! ```
//!
//! Skipped when the corpus is absent. To add a target, add it to
//! [`TARGETS`]; the classification does not depend on the target.

mod common;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use vigil::diagnostic::{Diagnostic, codes};
use vigil::load::Loaded;
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// The targets the corpus is compiled to (one column each).
const TARGETS: &[Target] = &[Target::Splunk];

/// Why a rule did or did not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Compiled.
    Compiled,
    /// Compiled; an `expand` placeholder is left as a parameter.
    Placeholder,
    /// The target cannot express a construct of the rule.
    TargetLimit,
    /// The rule is invalid Sigma.
    RuleDefect,
    /// Valid Sigma that Vigil does not support (should be none).
    VigilGap,
    /// Vigil panicked (must be none).
    Panic,
}

impl Outcome {
    const ALL: [Outcome; 6] = [
        Outcome::Compiled,
        Outcome::Placeholder,
        Outcome::TargetLimit,
        Outcome::RuleDefect,
        Outcome::VigilGap,
        Outcome::Panic,
    ];

    fn label(self) -> &'static str {
        match self {
            Outcome::Compiled => "compiled",
            Outcome::Placeholder => "compiled, `expand` placeholder left as a parameter",
            Outcome::TargetLimit => "not compiled: a limitation of the target",
            Outcome::RuleDefect => "not compiled: a defect in the rule",
            Outcome::VigilGap => "not compiled: a Vigil gap",
            Outcome::Panic => "panic",
        }
    }
}

/// Classifies a file's load diagnostics: `None` if it loaded.
fn classify_load(diags: &[Diagnostic]) -> Option<Outcome> {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    if errors.is_empty() {
        return None;
    }
    Some(
        if errors.iter().any(|d| d.code == codes::SIGMA_UNSUPPORTED) {
            Outcome::VigilGap
        } else if errors
            .iter()
            .all(|d| d.code == codes::SIGMA || d.code == codes::YAML)
        {
            Outcome::RuleDefect
        } else {
            Outcome::VigilGap
        },
    )
}

/// Classifies a compile result.
fn classify_compile(result: &Result<String, Vec<Diagnostic>>, placeholder: bool) -> Outcome {
    match result {
        Ok(_) if placeholder => Outcome::Placeholder,
        Ok(_) => Outcome::Compiled,
        Err(e) if e.iter().all(|d| d.code == codes::UNSUPPORTED) => Outcome::TargetLimit,
        Err(_) => Outcome::VigilGap,
    }
}

/// The profile for generic Sigma rules: `<target>-plain` if there is one.
fn profile_for(t: Target) -> Profile {
    Profile::builtin(&format!("{}-plain", t.name()))
        .or_else(|| Profile::builtin(t.default_profile()))
        .expect("a built-in profile")
}

/// One file, every target.
fn run_file(path: &Path, profiles: &[Profile]) -> (Vec<Outcome>, String) {
    let loaded: Loaded = match catch_unwind(|| vigil::load::load_file(path)) {
        Ok(l) => l,
        Err(_) => {
            return (
                vec![Outcome::Panic; TARGETS.len()],
                "panic while loading".into(),
            );
        }
    };
    let first_error = loaded
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .map(Diagnostic::one_line)
        .unwrap_or_default();
    if let Some(o) = classify_load(&loaded.diagnostics) {
        return (vec![o; TARGETS.len()], first_error);
    }
    let placeholder = loaded
        .diagnostics
        .iter()
        .any(|d| d.code == codes::SIGMA_PLACEHOLDER);
    let opts = Options::default();
    let mut outcomes = Vec::new();
    let mut why = String::new();
    for (t, profile) in TARGETS.iter().zip(profiles) {
        // The worst outcome over the file's detections.
        let mut worst = Outcome::Compiled;
        for det in &loaded.detections {
            let result = catch_unwind(AssertUnwindSafe(|| {
                t.backend().compile(det, profile, &opts).map(|c| c.query)
            }));
            let o = match &result {
                Ok(r) => {
                    if let Err(e) = r
                        && why.is_empty()
                    {
                        why = e.first().map(Diagnostic::one_line).unwrap_or_default();
                    }
                    classify_compile(r, placeholder)
                }
                Err(_) => Outcome::Panic,
            };
            worst = worst.max(o);
        }
        outcomes.push(worst);
    }
    (outcomes, why)
}

#[test]
fn sigmahq_corpus() {
    let Some(corpora) = common::corpora() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    let files = vigil::load::expand_paths(&[corpora.join("sigmahq")]).expect("corpus files");
    let profiles: Vec<Profile> = TARGETS.iter().map(|t| profile_for(*t)).collect();
    let mut counts: BTreeMap<Outcome, Vec<usize>> = Outcome::ALL
        .iter()
        .map(|o| (*o, vec![0; TARGETS.len()]))
        .collect();
    let mut failures = Vec::new();
    for path in &files {
        let (outcomes, why) = run_file(path, &profiles);
        for (i, o) in outcomes.iter().enumerate() {
            if let Some(c) = counts.get_mut(o) {
                c[i] += 1;
            }
            if *o > Outcome::Placeholder {
                failures.push(format!("{} {:?}: {why}", TARGETS[i].name(), o));
            }
        }
    }
    // The whole corpus as one load (cross-file linking) must not panic
    // either.
    let batch = catch_unwind(|| vigil::load::load_files(&files));
    assert!(batch.is_ok(), "panic while loading the corpus as one batch");

    let mut table = format!(
        "| {} rules | {} |\n|---|{}\n",
        files.len(),
        TARGETS
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(" | "),
        "---:|".repeat(TARGETS.len())
    );
    for o in Outcome::ALL {
        let row: Vec<String> = counts[&o].iter().map(usize::to_string).collect();
        table.push_str(&format!("| {} | {} |\n", o.label(), row.join(" | ")));
    }
    println!("{table}");
    for f in &failures {
        println!("{f}");
    }
    for (i, t) in TARGETS.iter().enumerate() {
        let total: usize = counts.values().map(|c| c[i]).sum();
        assert_eq!(total, files.len(), "{}", t.name());
        assert_eq!(counts[&Outcome::Panic][i], 0, "{} panicked", t.name());
        assert_eq!(counts[&Outcome::VigilGap][i], 0, "{}: Vigil gaps", t.name());
    }
}

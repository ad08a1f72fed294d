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
const TARGETS: &[Target] = &[
    Target::Splunk,
    Target::Kql,
    Target::Esql,
    Target::Sigma,
    Target::Sentinel,
];

/// The options for a target: Sentinel reads the table a logsource maps to
/// in `sentinel-plain`, and this one for the others (`--param table=`).
fn options_for(t: Target) -> Options {
    let mut opts = Options::default();
    if t == Target::Sentinel {
        opts.params.insert("table".into(), "SigmaEvents".into());
    }
    opts
}

/// Why a rule did or did not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Compiled.
    Compiled,
    /// Compiled; an `expand` placeholder is left as a parameter.
    Placeholder,
    /// Not compiled until an `expand` placeholder gets a value.
    PlaceholderNeeded,
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
    const ALL: [Outcome; 7] = [
        Outcome::Compiled,
        Outcome::Placeholder,
        Outcome::PlaceholderNeeded,
        Outcome::TargetLimit,
        Outcome::RuleDefect,
        Outcome::VigilGap,
        Outcome::Panic,
    ];

    fn label(self) -> &'static str {
        match self {
            Outcome::Compiled => "compiled",
            Outcome::Placeholder => "compiled, `expand` placeholder left as a parameter",
            Outcome::PlaceholderNeeded => {
                "not compiled: an `expand` placeholder needs a value (`--param`)"
            }
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
        Err(e) => {
            let mut errors = e.iter().filter(|d| d.is_error());
            if !errors.all(|d| d.code == codes::UNSUPPORTED) {
                Outcome::VigilGap
            } else if placeholder {
                Outcome::PlaceholderNeeded
            } else {
                Outcome::TargetLimit
            }
        }
    }
}

/// The profile for generic Sigma rules, fields as the rule names them:
/// `<kind>-plain` (`splunk-plain`, `elastic-plain`), else `<kind>-raw`.
fn profile_for(t: Target) -> Profile {
    let kind = t.profile_kind();
    Profile::builtin(&format!("{kind}-plain"))
        .or_else(|| Profile::builtin(&format!("{kind}-raw")))
        .expect("a built-in profile")
}

/// A diagnostic's message with its particulars (quoted names, numbers)
/// blanked, so that refusals group by reason.
fn reason(d: &Diagnostic) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in d.message.chars() {
        match c {
            '`' if !quoted => {
                quoted = true;
                out.push_str("`…");
            }
            '`' => {
                quoted = false;
                out.push('`');
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// One file, every target.
fn run_file(path: &Path, profiles: &[Profile]) -> (Vec<Outcome>, Vec<String>) {
    let loaded: Loaded = match catch_unwind(|| vigil::load::load_file(path)) {
        Ok(l) => l,
        Err(_) => {
            return (
                vec![Outcome::Panic; TARGETS.len()],
                vec!["panic while loading".into(); TARGETS.len()],
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
        return (vec![o; TARGETS.len()], vec![first_error; TARGETS.len()]);
    }
    let placeholder = loaded
        .diagnostics
        .iter()
        .any(|d| d.code == codes::SIGMA_PLACEHOLDER);
    let mut outcomes = Vec::new();
    let mut whys = Vec::new();
    for (t, profile) in TARGETS.iter().zip(profiles) {
        // The worst outcome over the file's detections.
        let mut worst = Outcome::Compiled;
        let mut why = String::new();
        for det in &loaded.detections {
            let result = catch_unwind(AssertUnwindSafe(|| {
                t.backend()
                    .compile(det, profile, &options_for(*t))
                    .map(|c| c.query)
            }));
            let o = match &result {
                Ok(r) => {
                    if let Err(e) = r
                        && why.is_empty()
                    {
                        why = e
                            .iter()
                            .find(|d| d.is_error())
                            .map(reason)
                            .unwrap_or_default();
                    }
                    classify_compile(r, placeholder)
                }
                Err(_) => Outcome::Panic,
            };
            worst = worst.max(o);
        }
        outcomes.push(worst);
        whys.push(why);
    }
    (outcomes, whys)
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
    // (target, reason) → rules the target refused for it.
    let mut limits: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for path in &files {
        let (outcomes, whys) = run_file(path, &profiles);
        for (i, o) in outcomes.iter().enumerate() {
            if let Some(c) = counts.get_mut(o) {
                c[i] += 1;
            }
            if *o == Outcome::TargetLimit {
                *limits.entry((i, whys[i].clone())).or_default() += 1;
            } else if *o > Outcome::Placeholder {
                failures.push(format!(
                    "{} {:?} {}: {}",
                    TARGETS[i].name(),
                    o,
                    path.display(),
                    whys[i]
                ));
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
    println!("Target limitations by reason:\n\n| target | rules | reason |\n|---|---:|---|");
    let mut by_count: Vec<_> = limits.iter().collect();
    by_count.sort_by(|a, b| a.0.0.cmp(&b.0.0).then(b.1.cmp(a.1)).then(a.0.1.cmp(&b.0.1)));
    for ((i, why), n) in by_count {
        println!(
            "| {} | {n} | {} |",
            TARGETS[*i].name(),
            why.replace('|', "\\|")
        );
    }
    println!();
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

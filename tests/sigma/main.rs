//! The Sigma reader: modifiers, wildcards and escapes, conditions,
//! correlations, filters and collections, diagnostics, through the Splunk
//! target.

#[path = "../common/mod.rs"]
mod common;

mod catalog;
mod conditions;
mod correlations;
mod diagnostics;
mod documents;
mod escaping;
mod modifiers;

use std::path::Path;

use vigil::diagnostic::{Diagnostic, render_plain};
use vigil::ir::Detection;
use vigil::load::Loaded;
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// Loads YAML text as a `.yml` file.
pub fn load(text: &str) -> Loaded {
    vigil::load::load_text(Path::new("rule.yml"), text.to_string())
}

/// A rule with this `detection` body (indented by the caller's YAML).
pub fn rule(detection: &str) -> String {
    format!("title: t\nlogsource: {{product: windows}}\ndetection:\n{detection}")
}

fn render(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(render_plain)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compiles one detection to SPL with a profile.
pub fn compile(det: &Detection, profile: &str) -> String {
    compile_to(det, Target::Splunk, profile)
}

/// Compiles one detection for a target with a profile, panicking on errors.
pub fn compile_to(det: &Detection, target: Target, profile: &str) -> String {
    try_compile(det, target, profile).unwrap_or_else(|e| panic!("{}", render(&e)))
}

/// Compiles one detection for a target with a profile: the query, or the
/// diagnostics.
pub fn try_compile(
    det: &Detection,
    target: Target,
    profile: &str,
) -> Result<String, Vec<Diagnostic>> {
    let profile = Profile::load(profile).expect("profile");
    let opts = Options {
        comments: true,
        ..Default::default()
    };
    target
        .backend()
        .compile(det, &profile, &opts)
        .map(|c| c.query)
}

/// The SPL of every detection of a file (plain profile: no index, fields as
/// named), panicking on errors.
pub fn spl_all(text: &str) -> Vec<String> {
    spl_all_with(text, "splunk-plain")
}

/// As [`spl_all`], with a profile.
pub fn spl_all_with(text: &str, profile: &str) -> Vec<String> {
    let loaded = load(text);
    let errors: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    assert!(errors.is_empty(), "{}", render(&errors));
    loaded
        .detections
        .iter()
        .map(|d| compile(d, profile))
        .collect()
}

/// The SPL of a file's only detection.
pub fn spl(text: &str) -> String {
    let mut all = spl_all(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.pop().unwrap_or_default()
}

/// The SPL of a rule with this detection body.
pub fn spl_rule(detection: &str) -> String {
    spl(&rule(detection))
}

/// The errors and warnings of a file, one line each
/// (`line:col: severity[code]: message`).
pub fn problems(text: &str) -> Vec<String> {
    let loaded = load(text);
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            let line = d.one_line();
            line.strip_prefix("rule.yml:").unwrap_or(&line).to_string()
        })
        .collect()
}

//! Targets: one module per SIEM query language.
//!
//! Each target implements [`Backend`]: capability methods that say what it
//! can express (with defaults), and `compile`, which prints a detection with a
//! precedence-aware printer and its own escaping. A construct a target cannot
//! express is a diagnostic pointing at the rule's source, never silently
//! dropped logic: [`gate_pipeline`] applies that rule to pipeline stages for
//! every target the same way.

pub mod auth0;
pub mod elastic;
pub mod esql;
pub mod kql;
pub mod sentinel;
pub mod sigma;
pub mod splunk;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Detection, Stage};
use crate::profile::Profile;

/// A query language Vigil compiles to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// Splunk SPL.
    Splunk,
    /// A Sigma v2 rule (plus a correlation rule for aggregating pipelines).
    Sigma,
    /// Auth0 tenant log search (Lucene syntax, `GET /api/v2/logs?q=`).
    Auth0,
    /// Kibana Query Language: the filter of a detection.
    Kql,
    /// Elasticsearch ES|QL: filter and pipeline.
    Esql,
    /// Microsoft Sentinel / Log Analytics: Kusto Query Language.
    Sentinel,
}

impl Target {
    /// The name used on the command line and in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Target::Splunk => "splunk",
            Target::Sigma => "sigma",
            Target::Auth0 => "auth0",
            Target::Kql => "kql",
            Target::Esql => "esql",
            Target::Sentinel => "sentinel",
        }
    }

    /// The profile used when none is given.
    pub fn default_profile(self) -> &'static str {
        match self {
            Target::Splunk => "splunk-auth0",
            Target::Sigma => "sigma-auth0",
            Target::Auth0 => "auth0",
            Target::Kql | Target::Esql => "elastic-auth0",
            Target::Sentinel => "sentinel-auth0",
        }
    }

    /// The `target` a profile for this target names: one storage layout
    /// serves every query language of the same SIEM.
    pub fn profile_kind(self) -> &'static str {
        match self {
            Target::Splunk => "splunk",
            Target::Sigma => "sigma",
            Target::Auth0 => "auth0",
            Target::Kql | Target::Esql => "elastic",
            Target::Sentinel => "sentinel",
        }
    }

    /// Checks that `profile` describes this target's SIEM.
    pub fn check_profile(self, profile: &Profile) -> Result<(), String> {
        if profile.target == self.profile_kind() {
            return Ok(());
        }
        Err(format!(
            "profile `{}` is for target `{}`, not `{}` (`vigil profiles` lists the profiles)",
            profile.name,
            profile.target,
            self.name()
        ))
    }

    /// The target's backend.
    pub fn backend(self) -> &'static dyn Backend {
        match self {
            Target::Splunk => &splunk::Splunk,
            Target::Sigma => &sigma::Sigma,
            Target::Auth0 => &auth0::Auth0,
            Target::Kql => &kql::Kql,
            Target::Esql => &esql::Esql::DEFAULT,
            Target::Sentinel => &sentinel::Sentinel,
        }
    }
}

/// Compilation options shared by every target.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Emit only what the target can express of the filter, with a warning
    /// listing what was left out, instead of failing on pipeline stages.
    pub filter_only: bool,
    /// Emit the author's stage comments where the target has comments.
    pub comments: bool,
    /// Parameter values given on the command line (profile scope parameters
    /// are substituted from here too).
    pub params: BTreeMap<String, String>,
    /// The SIEM version the output must run on (`--stack-version`); each
    /// target documents the versions it knows and its default.
    pub stack_version: Option<String>,
}

/// A SIEM content format that wraps compiled queries (`compile --format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Package {
    /// Splunk `savedsearches.conf`.
    Savedsearches,
    /// Kibana detection rules as NDJSON.
    KibanaNdjson,
    /// Microsoft Sentinel analytics rules, Azure-Sentinel repository YAML.
    SentinelRule,
    /// An ARM template deploying Microsoft Sentinel analytics rules.
    Arm,
}

/// Checks that every option given applies to `target` (a usage error
/// names the option and the targets it applies to), then the options'
/// values ([`Backend::check_options`]).
pub fn check_options(target: Target, opts: &Options) -> Result<(), String> {
    let backend = target.backend();
    if opts.stack_version.is_some() && !backend.takes_stack_version() {
        return Err(not_for(
            "--stack-version",
            target,
            "has one output for every version",
            |b| b.takes_stack_version(),
        ));
    }
    backend.check_options(opts)
}

/// Checks that a package format is one `target`'s queries are packaged in.
pub fn check_package(target: Target, package: Package, option: &str) -> Result<(), String> {
    if target.backend().packages().contains(&package) {
        return Ok(());
    }
    Err(not_for(option, target, "is not packaged this way", |b| {
        b.packages().contains(&package)
    }))
}

/// Checks that `target` is searched through an HTTP API (`--format url`).
pub fn check_request_path(target: Target, option: &str) -> Result<(), String> {
    let has = |b: &dyn Backend| b.request_path("").is_some();
    if has(target.backend()) {
        return Ok(());
    }
    Err(not_for(
        option,
        target,
        "is not searched through an HTTP API",
        has,
    ))
}

/// "`option` does not apply to --target T (it `why`); it applies to --target A, B".
fn not_for(
    option: &str,
    target: Target,
    why: &str,
    applies: impl Fn(&dyn Backend) -> bool,
) -> String {
    let names: Vec<String> = <Target as clap::ValueEnum>::value_variants()
        .iter()
        .filter(|t| applies(t.backend()))
        .map(|t| format!("--target {}", t.name()))
        .collect();
    format!(
        "{option} does not apply to --target {} (it {why}); it applies to {}",
        target.name(),
        if names.is_empty() {
            "no target".to_string()
        } else {
            names.join(", ")
        }
    )
}

/// A compiled query and what the compiler noticed on the way.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The query text.
    pub query: String,
    /// Warnings and notes (errors make `compile` fail instead).
    pub diagnostics: Vec<Diagnostic>,
}

/// A target's printer and capabilities.
pub trait Backend: Sync {
    /// Which target this is.
    fn target(&self) -> Target;

    /// Whether the target can express stage `stage`; `Err` says why not.
    /// The default accepts every stage.
    fn supports_stage(&self, _stage: &Stage) -> Result<(), String> {
        Ok(())
    }

    /// Whether the target has a single-character wildcard in patterns.
    fn has_single_char_wildcard(&self) -> bool {
        false
    }

    /// The HTTP request path that runs `query`, for targets searched through
    /// an API (`--format url`); `None` for the others.
    fn request_path(&self, _query: &str) -> Option<String> {
        None
    }

    /// Checks the values of the options that do not depend on a detection
    /// (such as `stack_version`), so that a bad one is reported once.
    /// Whether an option applies at all is [`check_options`]' job.
    fn check_options(&self, _opts: &Options) -> Result<(), String> {
        Ok(())
    }

    /// Whether the output depends on the SIEM's version, so that
    /// `stack_version` applies. The default: one output for every version.
    fn takes_stack_version(&self) -> bool {
        false
    }

    /// The SIEM content formats this target's queries are packaged in.
    fn packages(&self) -> &'static [Package] {
        &[]
    }

    /// Compiles a detection (parameters already substituted).
    fn compile(
        &self,
        det: &Detection,
        profile: &Profile,
        opts: &Options,
    ) -> Result<Compiled, Vec<Diagnostic>>;
}

/// Checks every stage against the backend. Unsupported stages are errors
/// pointing at the stage, unless `filter_only`, where the whole pipeline is
/// dropped with one warning naming the stages left out. Returns the stages to
/// compile.
pub fn gate_pipeline<'a>(
    backend: &dyn Backend,
    det: &'a Detection,
    opts: &Options,
) -> Result<(&'a [Stage], Vec<Diagnostic>), Vec<Diagnostic>> {
    let target = backend.target().name();
    if opts.filter_only {
        if det.pipeline.is_empty() {
            return Ok((&det.pipeline[..0], Vec::new()));
        }
        let names: Vec<&str> = det.pipeline.iter().map(|s| s.kind.name()).collect();
        let first = &det.pipeline[0];
        let w = Diagnostic::warning(
            codes::FILTER_ONLY,
            format!(
                "--filter-only: the {target} query is the filter alone; left out: {}",
                names.join(", ")
            ),
        )
        .with_label(first.span, "the pipeline starts here")
        .in_file(&det.file);
        return Ok((&det.pipeline[..0], vec![w]));
    }
    let mut errors = Vec::new();
    for s in &det.pipeline {
        if let Err(why) = backend.supports_stage(s) {
            errors.push(
                Diagnostic::error(
                    codes::UNSUPPORTED,
                    format!("{target} cannot express `{}`: {why}", s.kind.name()),
                )
                .with_label(s.span, format!("`{}` stage", s.kind.name()))
                .with_help("compile with --filter-only to emit the filter alone")
                .in_file(&det.file),
            );
            break;
        }
    }
    if errors.is_empty() {
        Ok((&det.pipeline[..], Vec::new()))
    } else {
        Err(errors)
    }
}

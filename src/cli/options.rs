//! The options that choose what detections compile to. `compile` and
//! `check` flatten the same [`TargetArgs`] and resolve it through
//! [`Setup::new`], so `check` takes every option `compile` takes and
//! refuses the same ones.

use std::collections::BTreeMap;

use crate::profile::Profile;
use crate::targets::{Options, Target};

/// Target, profile, parameters and compile options (shared by `compile`
/// and `check`).
#[derive(clap::Args, Debug)]
pub struct TargetArgs {
    /// The query language (`compile`: default splunk; `check`: without a
    /// target, the detections are checked alone).
    #[arg(short, long, value_enum)]
    pub target: Option<Target>,
    /// A built-in profile name or a profile YAML file (default: the target's).
    #[arg(long)]
    pub profile: Option<String>,
    /// Set a parameter: --param name=value (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Emit only the filter, the pipeline left out with a warning naming
    /// it (for targets that cannot run the pipeline; packages built from it
    /// are disabled).
    #[arg(long)]
    pub filter_only: bool,
    /// Leave the authors' stage comments out of the queries.
    #[arg(long)]
    pub no_comments: bool,
    /// The SIEM version the output must run on (ES|QL: 8.19, 9.3, 9.4 or
    /// 9.5; default 9.3).
    #[arg(long, value_name = "VERSION")]
    pub stack_version: Option<String>,
    /// Treat warnings as errors (exit 1, no output file): for CI.
    #[arg(long)]
    pub strict: bool,
}

/// [`TargetArgs`] resolved: the profile loaded, every option checked.
pub struct Setup {
    /// The target and its profile; `None`: check the detections alone.
    pub target: Option<(Target, Profile)>,
    /// `--param` values.
    pub params: BTreeMap<String, String>,
    /// The options passed to the backend.
    pub opts: Options,
    /// `--strict`.
    pub strict: bool,
}

impl Setup {
    /// Resolves the options; `Err` is a usage error (exit 2). `default`
    /// is the target used when none is given (`compile`: Splunk).
    pub fn new(args: &TargetArgs, default: Option<Target>) -> Result<Setup, String> {
        let params = parse_params(&args.params)?;
        let opts = Options {
            filter_only: args.filter_only,
            comments: !args.no_comments,
            params: params.clone(),
            stack_version: args.stack_version.clone(),
        };
        let Some(target) = args.target.or(default) else {
            let given = [
                ("--profile", args.profile.is_some()),
                ("--filter-only", args.filter_only),
                ("--no-comments", args.no_comments),
                ("--stack-version", args.stack_version.is_some()),
            ];
            if let Some((name, _)) = given.iter().find(|(_, set)| *set) {
                return Err(format!(
                    "{name} applies to a target's output; add --target (e.g. --target splunk)"
                ));
            }
            return Ok(Setup {
                target: None,
                params,
                opts,
                strict: args.strict,
            });
        };
        let profile = Profile::load(args.profile.as_deref().unwrap_or(target.default_profile()))?;
        target.check_profile(&profile)?;
        crate::targets::check_options(target, &opts)?;
        profile.check_scope_values(&params)?;
        Ok(Setup {
            target: Some((target, profile)),
            params,
            opts,
            strict: args.strict,
        })
    }
}

/// Parses `--param name=value` arguments.
pub(crate) fn parse_params(raw: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for p in raw {
        let Some((k, v)) = p.split_once('=') else {
            return Err(format!("--param `{p}`: expected NAME=VALUE"));
        };
        let k = k.trim().trim_start_matches('{').trim_end_matches('}');
        if k.is_empty() {
            return Err(format!("--param `{p}`: the name is empty"));
        }
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

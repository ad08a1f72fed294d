//! The `vigil` command line.

mod auth0_audit;
mod check;
mod compile;
mod convert;
mod debug;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::targets::Target;

/// Vigil: detection-as-code compiler. Write a detection once (Vigil's
/// language or Sigma) and compile it to Splunk SPL and more.
#[derive(Parser, Debug)]
#[command(name = "vigil", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats of `compile`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The queries, separated by blank lines.
    Text,
    /// A JSON array of {id, title, source, target, query, warnings}.
    Json,
    /// A Splunk savedsearches.conf with one stanza per detection.
    Savedsearches,
    /// The HTTP request path that runs each query (auth0: `/api/v2/logs?q=...`).
    Url,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compile detections to a SIEM's query language.
    Compile(CompileArgs),
    /// Check detections and report every diagnostic (exit 1 on any error).
    Check(CheckArgs),
    /// Print an internal representation of one file.
    Debug {
        /// Which representation.
        #[arg(value_enum)]
        stage: DebugStage,
        /// The detection file.
        file: PathBuf,
    },
    /// List the built-in profiles.
    Profiles,
    /// Rewrite detections (e.g. Sigma rules) in another language.
    Convert(ConvertArgs),
    /// Print the Management API requests that audit machine-to-machine
    /// access to organizations (client grants).
    Auth0Audit {
        /// Also list the grants of this organization (`org_...`).
        #[arg(long)]
        organization: Option<String>,
    },
}

/// Representations `debug` can print.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DebugStage {
    /// The syntax tree (Vigil files only).
    Ast,
    /// The IR.
    Ir,
}

/// Arguments of `compile`.
#[derive(clap::Args, Debug)]
pub struct CompileArgs {
    /// Detection files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The query language.
    #[arg(short, long, value_enum, default_value = "splunk")]
    pub target: Target,
    /// A built-in profile name or a profile YAML file (default: the target's).
    #[arg(long)]
    pub profile: Option<String>,
    /// Set a parameter: --param name=value (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: Format,
    /// Emit only the filter where the target cannot run the pipeline.
    #[arg(long)]
    pub filter_only: bool,
    /// Leave the authors' stage comments out of the queries.
    #[arg(long)]
    pub no_comments: bool,
    /// Write the output to this file (only if every detection compiled).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Use the package templates in this folder instead of the built-in ones
    /// (same file names, e.g. splunk/savedsearches.conf.j2).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// Languages `convert` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConvertTo {
    /// Vigil's own language.
    Vigil,
}

/// Arguments of `convert`.
#[derive(clap::Args, Debug)]
pub struct ConvertArgs {
    /// Detection files or directories (Sigma rules, Vigil files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The language to write.
    #[arg(long, value_enum, default_value = "vigil")]
    pub to: ConvertTo,
    /// Write to this file (one detection) or directory (one `<name>.vigil`
    /// per detection); nothing is written unless every detection converts.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Arguments of `check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Detection files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Also compile for this target and report what it cannot express.
    #[arg(short, long, value_enum)]
    pub target: Option<Target>,
    /// Print diagnostics as JSON lines.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Compile(args) => compile::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Debug { stage, file } => debug::run(stage, &file),
        Command::Convert(args) => convert::run(&args),
        Command::Auth0Audit { organization } => auth0_audit::run(organization.as_deref()),
        Command::Profiles => {
            for name in crate::profile::Profile::builtin_names() {
                if let Some(p) = crate::profile::Profile::builtin(name) {
                    report::out(&format!(
                        "{:<16} {:<8} {}\n",
                        p.name, p.target, p.description
                    ));
                }
            }
            ExitCode::SUCCESS
        }
    }
}

/// Parses `--param name=value` arguments.
pub(crate) fn parse_params(
    raw: &[String],
) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut out = std::collections::BTreeMap::new();
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

//! The `vigil` command line.

mod auth0_audit;
mod check;
mod compile;
mod convert;
mod debug;
mod report;
mod run;
mod run_many;
mod test;

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
    /// Kibana detection rules, one JSON object per line (kql, esql).
    KibanaNdjson,
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
    /// Run detections over JSON events (in one pass) and print their
    /// result rows.
    Run(RunArgs),
    /// Run each detection's test cases (`<stem>.tests.yaml`).
    Test(TestArgs),
    /// Write synthetic Auth0 log events (deterministic; for benchmarks).
    GenEvents(GenArgs),
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
    /// The SIEM version the output must run on (ES|QL: 8.19, 9.3, 9.4 or
    /// 9.5; default 9.3).
    #[arg(long, value_name = "VERSION")]
    pub stack_version: Option<String>,
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

/// Output formats of `run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RunFormat {
    /// One JSON object per line.
    Ndjson,
    /// An aligned text table.
    Table,
}

/// Arguments of `run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Detection files (.vigil or Sigma .yml) or directories of them; with
    /// more than one detection, each row names its detection.
    #[arg(required = true)]
    pub detections: Vec<PathBuf>,
    /// Event files: NDJSON, a JSON array (GET /api/v2/logs), Auth0
    /// log-stream envelopes; gzip'd or not; `-` for standard input.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub events: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "ndjson")]
    pub format: RunFormat,
    /// Set a parameter: --param name=value (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// The time `now()` returns: ISO 8601 or epoch seconds (default: now).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// A lookup table: --lookup NAME=FILE.csv (repeatable).
    #[arg(long = "lookup", value_name = "NAME=FILE")]
    pub lookups: Vec<String>,
    /// Print events read, time and rate to stderr at the end.
    #[arg(long)]
    pub summary: bool,
    /// Never draw the progress line.
    #[arg(long)]
    pub no_progress: bool,
    /// Evaluate every event, even those whose raw text lacks the filter's
    /// words (same result; for measurements).
    #[arg(long)]
    pub no_prefilter: bool,
}

/// Output formats of `test`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// A line per case, a diff per failure.
    Text,
    /// JUnit XML, for CI systems.
    Junit,
}

/// Arguments of `test`.
#[derive(clap::Args, Debug)]
pub struct TestArgs {
    /// Directories, tests files or detection files (default: detections).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: TestFormat,
}

/// Layouts of `gen-events`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenLayout {
    /// One event per line.
    Ndjson,
    /// One JSON array.
    Array,
    /// One log-stream envelope per line.
    Envelope,
}

/// Arguments of `gen-events`.
#[derive(clap::Args, Debug)]
pub struct GenArgs {
    /// How many events.
    #[arg(long, default_value_t = 1000)]
    pub count: u64,
    /// The seed: the same seed gives the same events.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The first event's time (ISO 8601 or epoch seconds).
    #[arg(long, default_value = "2025-07-01T00:00:00Z")]
    pub start: String,
    /// Output layout.
    #[arg(long, value_enum, default_value = "ndjson")]
    pub layout: GenLayout,
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Compile(args) => compile::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Debug { stage, file } => debug::run(stage, &file),
        Command::Convert(args) => convert::run(&args),
        Command::Auth0Audit { organization } => auth0_audit::run(organization.as_deref()),
        Command::Run(args) => run::run(&args),
        Command::Test(args) => test::run(&args),
        Command::GenEvents(args) => gen_events(&args),
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

fn gen_events(args: &GenArgs) -> ExitCode {
    let Some(start) = crate::eval::time::parse_time(&args.start) else {
        report::fail(&format!(
            "--start `{}`: expected ISO 8601 or epoch seconds",
            args.start
        ));
        return ExitCode::from(2);
    };
    let layout = match args.layout {
        GenLayout::Ndjson => crate::synth::Layout::Ndjson,
        GenLayout::Array => crate::synth::Layout::Array,
        GenLayout::Envelope => crate::synth::Layout::Envelope,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = crate::synth::write_events(&mut out, args.count, args.seed, start, layout)
        .and_then(|()| std::io::Write::flush(&mut out));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            report::fail(&format!("writing events: {e}"));
            ExitCode::from(1)
        }
    }
}

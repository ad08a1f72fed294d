//! The `vigil` command line.

mod auth0_audit;
mod build;
mod check;
mod compile;
mod convert;
mod debug;
mod diff;
mod driver;
mod fmt;
mod json;
mod options;
mod report;
mod run;
mod run_many;
mod spl;
mod test;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use options::TargetArgs;
pub(crate) use options::parse_params;

/// Exit code: detections with errors (compile or check errors, failing
/// tests, unformatted files under `fmt --check`, warnings under
/// `--strict`). The scheme is in docs/cli.md.
pub const EXIT_ERRORS: u8 = 1;
/// Exit code: a usage error (a bad option or combination of options, an
/// input path that does not exist or holds nothing to work on).
pub const EXIT_USAGE: u8 = 2;

/// Vigil: detection-as-code compiler. Write a detection once (Vigil's
/// language or Sigma) and compile it to Splunk SPL and more.
#[derive(Parser, Debug)]
#[command(name = "vigil", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Splunk search macros for `.spl` inputs: a macros.conf, a
    /// security_content macro .yml, or a directory of them (repeatable).
    #[arg(long, global = true, value_name = "PATH")]
    pub macros: Vec<PathBuf>,
    /// Read YAML inputs as detections in this language instead of Sigma
    /// (`splunk`: the search in their `splunk:` or `search:` field).
    #[arg(long, global = true, value_enum)]
    pub from: Option<spl::From>,
    /// Colour in diagnostics: auto (a terminal, unless NO_COLOR is set),
    /// always or never.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub color: ColorChoice,
    /// Print errors only (no warnings, notes or summaries).
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set (https://no-color.org).
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Output formats of `compile`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The queries, separated by blank lines.
    Text,
    /// A JSON array of {id, title, source, target, query, ok, diagnostics}:
    /// every detection, the failed ones included (docs/cli.md).
    Json,
    /// A Splunk savedsearches.conf with one stanza per detection.
    Savedsearches,
    /// The HTTP request path that runs each query (auth0: `/api/v2/logs?q=...`).
    Url,
    /// Kibana detection rules, one JSON object per line (kql, esql).
    KibanaNdjson,
    /// Microsoft Sentinel analytics rules, Azure-Sentinel repository YAML (sentinel).
    SentinelRule,
    /// One ARM template deploying Microsoft Sentinel analytics rules (sentinel).
    Arm,
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
    /// Build every environment × target of a vigil.toml into SIEM content.
    Build(BuildArgs),
    /// Show what changed between two builds (folders or git revisions).
    Diff(DiffArgs),
    /// Lay out `.vigil` files in the canonical style (in place).
    Fmt(FmtArgs),
    /// Run the language server on standard input and output (for editors).
    Lsp,
    /// Print a shell completion script (`vigil completions bash > ...`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Arguments of `build`.
#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// The manifest (default: vigil.toml in the current folder).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Build only this environment.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// The output folder (an earlier build there is replaced).
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub out: PathBuf,
    /// Exit 1 when any detection is skipped for any target.
    #[arg(long)]
    pub strict: bool,
    /// Use the package templates in this folder instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// Arguments of `diff`.
#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The old build: a folder written by `vigil build`, or a git revision.
    pub old: String,
    /// The new build: a folder, or a git revision.
    pub new: String,
    /// The manifest, for git revisions (default: vigil.toml).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Build only this environment of git revisions.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Markdown, for a pull-request comment.
    #[arg(long)]
    pub markdown: bool,
    /// Exit 1 when the builds differ.
    #[arg(long)]
    pub exit_code: bool,
}

/// Arguments of `fmt`.
#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// `.vigil` files or directories (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Change nothing; list the files that are not formatted and exit 1
    /// if there are any.
    #[arg(long)]
    pub check: bool,
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
    /// Detection files or directories (`-` reads standard input).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Target, profile, parameters (shared with `check`).
    #[command(flatten)]
    pub options: TargetArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the output to this file (only if every detection compiled).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Let -o replace an existing regular file.
    #[arg(long, requires = "output")]
    pub force: bool,
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
    /// Let -o replace existing regular files.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Diagnostics with their source snippets, on stderr.
    Text,
    /// A JSON array on stdout: one entry per detection, with its
    /// diagnostics (the schema of `compile -f json`, without queries).
    Json,
}

/// Arguments of `check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Detection files or directories (`-` reads standard input).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Target, profile, parameters: every option `compile` takes, so that
    /// `check` reports what `compile` would.
    #[command(flatten)]
    pub options: TargetArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: CheckFormat,
    /// The same as `--format json` (kept for scripts).
    #[arg(long, hide = true)]
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
    /// The longest event read, in bytes; longer ones are reported and
    /// skipped (default 16 MiB).
    #[arg(long, value_name = "BYTES", default_value_t = crate::limits::MAX_EVENT_LINE_BYTES)]
    pub max_event_bytes: usize,
    /// The most groups one `stats` or `eventstats` may hold; more is an
    /// error naming the stage (default 1,000,000).
    #[arg(long, value_name = "N", default_value_t = crate::limits::MAX_STATS_GROUPS)]
    pub max_groups: usize,
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
    /// Let tests files name detections, events files and lookup tables
    /// outside the detection repository.
    #[arg(long)]
    pub allow_outside: bool,
    /// Report only the cases whose name contains this text.
    #[arg(short = 'k', long = "case", value_name = "NAME")]
    pub case: Option<String>,
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
    if let Err(code) = spl::configure(&cli.macros, cli.from) {
        return code;
    }
    report::configure(cli.color, cli.quiet);
    match cli.command {
        Command::Compile(args) => compile::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Debug { stage, file } => debug::run(stage, &file),
        Command::Convert(args) => convert::run(&args),
        Command::Auth0Audit { organization } => auth0_audit::run(organization.as_deref()),
        Command::Run(args) => run::run(&args),
        Command::Test(args) => test::run(&args),
        Command::GenEvents(args) => gen_events(&args),
        Command::Build(args) => build::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "vigil",
                &mut out,
            );
            report::out(&String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
        Command::Lsp => match crate::lsp::serve() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                report::fail(&format!("lsp: {e}"));
                ExitCode::from(1)
            }
        },
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

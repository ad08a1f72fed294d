//! The `vigil` binary: a thin wrapper over [`vigil::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    vigil::cli::run(vigil::cli::Cli::parse())
}

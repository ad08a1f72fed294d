//! The `vigil` binary: a thin wrapper over [`vigil::cli`].

use clap::Parser;

/// Stack for the compiler thread. Parsing, lowering and printing recurse over
/// the nesting of a detection (bounded by `syntax::depth::MAX_DEPTH` and
/// Sigma's own limits); a generous stack keeps debug builds safe too. Only the
/// pages actually used are committed.
const STACK_BYTES: usize = 256 * 1024 * 1024;

fn main() -> std::process::ExitCode {
    let cli = vigil::cli::Cli::parse();
    let worker = std::thread::Builder::new()
        .name("vigil".into())
        .stack_size(STACK_BYTES)
        .spawn(move || vigil::cli::run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!(
                "error: vigil stopped unexpectedly (this is a bug; please report it with the input)"
            );
            std::process::ExitCode::from(101)
        }
    }
}

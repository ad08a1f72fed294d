//! The Splunk reader's options (`--macros`, `--from splunk`), set once
//! before any input is loaded.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use super::report;
use crate::diagnostic::{Diagnostic, codes};

/// Languages `--from` can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum From {
    /// Splunk detections in YAML: the search is the `splunk:` field (Auth0
    /// catalog) or `search:` (security_content).
    Splunk,
}

/// Reads the macros and configures the reader.
pub fn configure(macros: &[PathBuf], from: Option<From>) -> Result<(), ExitCode> {
    let mut defs = crate::spl::Macros::default();
    for p in macros {
        match defs.load(p) {
            Ok(skipped) => {
                let warnings: Vec<Diagnostic> = skipped
                    .into_iter()
                    .map(|m| Diagnostic::warning(codes::IO, format!("macro file skipped: {m}")))
                    .collect();
                report::emit(&warnings);
            }
            Err(e) => {
                report::fail(&format!("--macros {}: {e}", p.display()));
                return Err(ExitCode::from(2));
            }
        }
    }
    crate::spl::configure(crate::spl::Config {
        macros: defs,
        from_splunk: from == Some(From::Splunk),
    });
    Ok(())
}

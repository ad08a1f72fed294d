//! Printing diagnostics to stderr.

use std::io::IsTerminal;

use crate::diagnostic::{Diagnostic, render_terminal};

/// Prints diagnostics to stderr with their source snippets.
pub fn emit(diags: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal();
    for d in diags {
        eprint!("{}", render_terminal(d, color));
    }
}

/// Prints a plain error message (no file) to stderr.
pub fn fail(message: &str) {
    eprintln!("error: {message}");
}

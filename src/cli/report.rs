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

/// Writes to stdout. A closed pipe (`vigil ... | head`) ends the process
/// quietly instead of panicking the way `print!` does.
pub fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

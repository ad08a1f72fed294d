//! Printing diagnostics to stderr.

use std::io::IsTerminal;
use std::sync::OnceLock;

use super::ColorChoice;

use crate::diagnostic::{Diagnostic, render_terminal};

/// How diagnostics are printed: colour, and errors only (`--quiet`).
static STYLE: OnceLock<(bool, bool)> = OnceLock::new();

/// Sets the output style from `--color` and `--quiet` (once, at start).
pub fn configure(choice: ColorChoice, quiet: bool) {
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    };
    let _ = STYLE.set((color, quiet));
}

fn style() -> (bool, bool) {
    *STYLE.get_or_init(|| (std::io::stderr().is_terminal(), false))
}

/// True under `--quiet`: print errors only.
pub fn quiet() -> bool {
    style().1
}

/// Prints diagnostics to stderr with their source snippets (errors only
/// under `--quiet`).
pub fn emit(diags: &[Diagnostic]) {
    let (color, quiet) = style();
    for d in diags.iter().filter(|d| !quiet || d.is_error()) {
        eprint!("{}", render_terminal(d, color));
    }
}

/// Prints a summary line to stderr, unless `--quiet`.
pub fn summary(line: &str) {
    if !quiet() {
        eprintln!("{line}");
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

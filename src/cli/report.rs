//! Printing diagnostics to stderr.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::OnceLock;

use super::ColorChoice;

use crate::diagnostic::{Diagnostic, render_terminal};
use crate::limits::MAX_DIAGNOSTICS_PER_CODE;

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
/// under `--quiet`); past [`MAX_DIAGNOSTICS_PER_CODE`] of one code in one
/// file, the rest are counted in one line (a 5,000-term rule may earn a
/// warning per term).
pub fn emit(diags: &[Diagnostic]) {
    let (color, quiet) = style();
    let mut shown: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for d in diags.iter().filter(|d| !quiet || d.is_error()) {
        let n = shown
            .entry((d.file.as_ref().map(|f| f.name.as_str()), d.code))
            .or_default();
        *n += 1;
        if *n <= MAX_DIAGNOSTICS_PER_CODE {
            eprint!("{}", render_terminal(d, color));
        }
    }
    let mut hidden: Vec<_> = shown
        .into_iter()
        .filter(|(_, n)| *n > MAX_DIAGNOSTICS_PER_CODE)
        .collect();
    hidden.sort();
    for ((file, code), n) in hidden {
        eprintln!(
            "note: {} more [{code}] diagnostic(s){} not shown (at most {MAX_DIAGNOSTICS_PER_CODE} \
             per code and file; `vigil check -f json` lists all)",
            n - MAX_DIAGNOSTICS_PER_CODE,
            file.map(|f| format!(" in {}", crate::terminal::escape(f)))
                .unwrap_or_default(),
        );
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
    eprintln!("error: {}", crate::terminal::escape(message));
}

/// Writes to stdout. A closed pipe (`vigil ... | head`) ends the process
/// quietly instead of panicking the way `print!` does.
pub fn out(text: &str) {
    out_pieces(|write| write(text));
}

/// Writes to stdout, through a buffer, the pieces `produce` hands to its
/// writer: a large output (a corpus's queries) is never held whole in
/// memory. Errors are handled as by [`out`].
pub fn out_pieces(produce: impl FnOnce(&mut dyn FnMut(&str))) {
    use std::io::Write;
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut result = Ok(());
    produce(&mut |piece: &str| {
        if result.is_ok() {
            result = stdout.write_all(piece.as_bytes());
        }
    });
    if let Err(e) = result.and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

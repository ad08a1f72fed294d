//! A guard against nesting so deep that the recursive parser, lowering or
//! printers would exhaust the stack: a cheap lexical scan before parsing.

use crate::diagnostic::{Diagnostic, codes};
use crate::limits::MAX_OPERATOR_CHAIN;
use crate::source::Span;

/// The deepest nesting of parentheses, brackets and prefix `not`/`-` that a
/// detection may have (see [`crate::limits::MAX_NESTING`]).
pub const MAX_DEPTH: usize = crate::limits::MAX_NESTING;

/// Reports the first place where nesting exceeds [`MAX_DEPTH`].
pub fn check_depth(text: &str) -> Result<(), Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth: usize = 0;
    // Prefix operators since the last token that ends an operand.
    let mut prefix_run: usize = 0;
    // Arithmetic operators (`a + b - c * d ...`) per open parenthesis: the
    // tree nests one level per operator, so a long chain is as deep as
    // that many parentheses.
    let mut chains: Vec<usize> = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' => {
                // Skip a string or quoted name (escapes included).
                let quote = c;
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                prefix_run = 0;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' => {
                depth += 1;
                chains.push(0);
            }
            b')' | b']' => {
                depth = depth.saturating_sub(1);
                prefix_run = 0;
                if chains.len() > 1 {
                    chains.pop();
                }
            }
            b',' | b'|' => *chains.last_mut().unwrap_or(&mut 0) = 0,
            b'+' | b'*' | b'/' | b'%' => *chains.last_mut().unwrap_or(&mut 0) += 1,
            b'-' => {
                prefix_run += 1;
                *chains.last_mut().unwrap_or(&mut 0) += 1;
            }
            b'n' | b'N' if is_not_at(bytes, i) => {
                prefix_run += 1;
                i += 2;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                while i + 1 < bytes.len()
                    && (bytes[i + 1].is_ascii_alphanumeric() || bytes[i + 1] == b'_')
                {
                    i += 1;
                }
                prefix_run = 0;
            }
            _ => {}
        }
        if depth + prefix_run > MAX_DEPTH {
            return Err(Diagnostic::error(
                codes::SYNTAX,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            )
            .with_label(Span::new(i, (i + 1).min(text.len())), "too deep here")
            .with_help(
                "simplify the expression: split it with `eval` columns or flatten the parentheses",
            ));
        }
        if chains.last().is_some_and(|&n| n > MAX_OPERATOR_CHAIN) {
            return Err(Diagnostic::error(
                codes::SYNTAX,
                format!("a chain of more than {MAX_OPERATOR_CHAIN} arithmetic operators"),
            )
            .with_label(Span::new(i, (i + 1).min(text.len())), "too long here")
            .with_help(
                "split the expression into several `eval` columns (the budget cannot be raised)",
            ));
        }
        i += 1;
    }
    Ok(())
}

/// True if `not` (any case) stands as a whole word at `i`.
fn is_not_at(b: &[u8], i: usize) -> bool {
    let word = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    i + 3 <= b.len()
        && b[i..i + 3].eq_ignore_ascii_case(b"not")
        && (i == 0 || !word(b[i - 1]))
        && (i + 3 == b.len() || !word(b[i + 3]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_nesting_passes() {
        assert!(check_depth("search ((a == \"(((\") and not (b == 1)) # ((((").is_ok());
    }

    #[test]
    fn deep_parentheses_and_not_chains_fail() {
        let deep = format!("search {}a == 1", "(".repeat(MAX_DEPTH + 1));
        assert!(check_depth(&deep).is_err());
        let nots = format!("search {}a == 1", "not ".repeat(MAX_DEPTH + 1));
        assert!(check_depth(&nots).is_err());
    }
}

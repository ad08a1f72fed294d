//! Syntax: Vigil text → AST with spans. Knows nothing of the IR or targets.

pub mod ast;
pub mod depth;
pub mod parse;
pub mod strings;

pub use parse::{comments, parse_expr, parse_file};

#![doc = include_str!("../ARCHITECTURE.md")]

pub mod cli;
pub mod diagnostic;
pub mod eval;
pub mod ir;
pub mod load;
pub mod lower;
pub mod package;
pub mod par;
pub mod profile;
pub mod sigma;
pub mod source;
pub mod syntax;
pub mod synth;
pub mod targets;
pub mod testing;
pub mod vigil_print;

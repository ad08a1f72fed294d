//! Spelling hints: how the author wrote what the IR keeps only as meaning.
//!
//! Readers record a hint where the source spelled a construct differently
//! from its language's canonical form (`isNotNull(` for `isnotnull(`,
//! `bucket` for `bin`, a quoted plain value), and the case of eval's boolean
//! operators always (Vigil's `and` and SPL's `AND` are each their
//! language's convention and mean the same, so a `where` prints back only
//! if both are recorded); printers that share the spelling may follow it. A
//! hint never changes meaning and never carries text: a letter-case mask
//! applied to the printer's own canonical word, or a bit choosing between
//! two equivalent forms the printer already knows. Two IRs that differ only
//! in hints are equal.

use super::func::Func;
use crate::source::Span;

/// The letter case of a word as written: bit `i` set means its `i`-th
/// character is upper case. Applied to a printer's canonical word it gives
/// the same letters in the author's case, so it cannot add or change a
/// character.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Case(u64);

impl Case {
    /// The case of `written`.
    pub fn of(written: &str) -> Case {
        let mut mask = 0u64;
        for (i, ch) in written.chars().take(64).enumerate() {
            if ch.is_ascii_uppercase() {
                mask |= 1 << i;
            }
        }
        Case(mask)
    }

    /// True if every letter is lower case.
    pub fn is_lower(self) -> bool {
        self.0 == 0
    }

    /// `word` with this case (ASCII letters only; other characters kept).
    pub fn apply(self, word: &str) -> String {
        word.chars()
            .enumerate()
            .map(|(i, ch)| {
                if i < 64 && self.0 & (1 << i) != 0 {
                    ch.to_ascii_uppercase()
                } else {
                    ch.to_ascii_lowercase()
                }
            })
            .collect()
    }
}

/// A boolean operator of eval (and of Vigil's expressions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoolOp {
    /// `and`
    And,
    /// `or`
    Or,
    /// `not`
    Not,
}

impl BoolOp {
    /// The operator written `word` in any case.
    pub fn of(word: &str) -> Option<BoolOp> {
        match word.to_ascii_lowercase().as_str() {
            "and" => Some(BoolOp::And),
            "or" => Some(BoolOp::Or),
            "not" => Some(BoolOp::Not),
            _ => None,
        }
    }

    /// Its lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            BoolOp::And => "and",
            BoolOp::Or => "or",
            BoolOp::Not => "not",
        }
    }
}

/// Hints for a stage (or, on a detection, for its filter).
#[derive(Clone, Debug, Default)]
pub struct Hints {
    /// The stage was written with its command's documented alias (`bucket`
    /// for `bin`).
    pub alias: bool,
    /// The case of eval's boolean operators (`and`, `or`, `not`) in this
    /// stage as the author wrote them (eval reads both `AND` and `and`):
    /// first spelling per operator. Without one, each printer uses its
    /// language's convention.
    pub ops: Vec<(BoolOp, Case)>,
    /// Function names written otherwise than in lower case (`isNotNull`),
    /// first spelling per function.
    pub funcs: Vec<(Func, Case)>,
    /// The search filter's top-level conjunction was written with an
    /// explicit `AND` (SPL implies it between terms).
    pub explicit_and: bool,
    /// Terms (by span) whose value the author quoted though it needs no
    /// quotes.
    pub quoted: Vec<Span>,
}

impl Hints {
    /// Records the spelling of a call to `func` written `name`, unless it is
    /// the canonical lower case or the function already has one.
    pub fn func(&mut self, func: Func, name: &str) {
        let case = Case::of(name);
        if !case.is_lower() && !self.funcs.iter().any(|(f, _)| *f == func) {
            self.funcs.push((func, case));
        }
    }

    /// The case written for `func`, if recorded.
    pub fn func_case(&self, func: Func) -> Option<Case> {
        self.funcs.iter().find(|(f, _)| *f == func).map(|(_, c)| *c)
    }

    /// Records the case of a boolean operator written `written` unless one
    /// is recorded for it. Every spelling is recorded, the convention of
    /// the source language included: Vigil's `and` and SPL's `AND` both
    /// read as eval's `AND`, so neither stands for the other.
    pub fn op(&mut self, written: &str) {
        let Some(op) = BoolOp::of(written) else {
            return;
        };
        if !self.ops.iter().any(|(o, _)| *o == op) {
            self.ops.push((op, Case::of(written)));
        }
    }

    /// `op` (its lower-case name) in the case the author wrote it, if
    /// recorded.
    pub fn op_case(&self, op: BoolOp) -> Option<Case> {
        self.ops.iter().find(|(o, _)| *o == op).map(|(_, c)| *c)
    }
}

/// Hints never change meaning, so they take no part in comparisons.
impl PartialEq for Hints {
    fn eq(&self, _: &Hints) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_masks_letters_only() {
        assert_eq!(Case::of("isNotNull").apply("isnotnull"), "isNotNull");
        assert_eq!(Case::of("and").apply("and"), "and");
        assert_eq!(Case::of("And").apply("and"), "And");
        assert!(Case::of("and").is_lower());
        // Applied to another word it only changes letter case.
        assert_eq!(Case::of("ABC").apply("x\"y"), "X\"Y");
    }

    #[test]
    fn hints_compare_equal() {
        let mut a = Hints::default();
        a.func(Func::IsNotNull, "ISNOTNULL");
        assert_eq!(a, Hints::default());
        assert_eq!(
            a.func_case(Func::IsNotNull)
                .map(|c| c.apply("isnotnull"))
                .as_deref(),
            Some("ISNOTNULL")
        );
        a.func(Func::IsNotNull, "isNotNull");
        assert_eq!(a.funcs.len(), 1, "first spelling wins");
    }
}

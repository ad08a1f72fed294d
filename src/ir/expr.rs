//! Row expressions: what `eval` computes and `where` tests.
//!
//! Semantics follow SPL's `eval`, which ES|QL shares closely: comparisons are
//! case-sensitive, a comparison with null is not true, `and`/`or` are
//! short-circuit booleans.

use serde::Serialize;

use super::field::FieldRef;
use super::filter::Filter;
use super::func::Func;
use super::list::List;
use super::value::Value;
use crate::source::Span;

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl BinOp {
    /// True for comparison operators.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

/// An expression over one row.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expr {
    /// A field's value.
    Field(FieldRef),
    /// A constant (or a parameter).
    Lit(Value),
    /// Arithmetic or comparison.
    Binary {
        /// Operator.
        op: BinOp,
        /// Left side.
        lhs: Box<Expr>,
        /// Right side.
        rhs: Box<Expr>,
    },
    /// All true.
    And(Vec<Expr>),
    /// Any true.
    Or(Vec<Expr>),
    /// Negation.
    Not(Box<Expr>),
    /// Arithmetic negation.
    Neg(Box<Expr>),
    /// Parentheses the author wrote.
    Group(Box<Expr>),
    /// Membership: `x in (a, b)`.
    In {
        /// The tested value.
        expr: Box<Expr>,
        /// The candidates.
        list: List<Expr>,
        /// `not in`.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        negated: bool,
    },
    /// True if the row (an event) matches the filter, with the filter's
    /// search semantics. Lets a pipeline tell apart the events of several
    /// Sigma rules (correlations: `count(eval(...))`, `case(...)`).
    Matches(Box<Filter>),
    /// A function call.
    Call {
        /// The function.
        func: Func,
        /// Its arguments.
        args: Vec<Expr>,
        /// Where it was written.
        #[serde(skip)]
        span: Span,
    },
}

impl Expr {
    /// Visits this expression and every sub-expression, parents first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Field(_) | Expr::Lit(_) | Expr::Matches(_) => {}
            Expr::Binary { lhs, rhs, .. } => {
                lhs.walk(f);
                rhs.walk(f);
            }
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.walk(f)),
            Expr::Not(e) | Expr::Neg(e) | Expr::Group(e) => e.walk(f),
            Expr::In { expr, list, .. } => {
                expr.walk(f);
                list.iter().for_each(|e| e.walk(f));
            }
            Expr::Call { args, .. } => args.iter().for_each(|e| e.walk(f)),
        }
    }
}

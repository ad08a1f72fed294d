//! Row expressions (`eval`, `where`) with SPL eval semantics: comparisons
//! are case-sensitive, a comparison involving null is null (not true),
//! `and`/`or` are three-valued, text that reads as a number is a number.

use super::compile::Cx;
use super::filter::CFilter;
use super::funcs::{CallArgs, compile_call};
use super::row::{Field, Key, Row};
use super::value::{Val, parse_number};
use crate::ir::{BinOp, Expr};

/// A compiled expression.
#[derive(Debug)]
pub enum CExpr {
    /// A field's value.
    Field(Field),
    /// A constant.
    Lit(Val),
    /// Arithmetic or comparison.
    Binary(BinOp, Box<CExpr>, Box<CExpr>),
    /// All true.
    And(Vec<CExpr>),
    /// Any true.
    Or(Vec<CExpr>),
    /// Negation.
    Not(Box<CExpr>),
    /// Arithmetic negation.
    Neg(Box<CExpr>),
    /// Membership.
    In(Box<CExpr>, Vec<CExpr>, bool),
    /// A function call.
    Call(Box<CallArgs>),
    /// A filter read as a boolean (Sigma correlation conditions).
    Matches(Box<CFilter>),
}

/// What an expression reads: the row, the search time, and (inside
/// `mvfilter`) one value standing for a multi-value field.
pub struct Env<'r> {
    /// The row.
    pub row: &'r Row,
    /// `now()`.
    pub now: f64,
    /// A field bound to one value.
    pub bound: Option<(&'r Key, &'r Val)>,
}

impl CExpr {
    /// Compiles an expression, reporting what cannot run.
    pub(crate) fn new(e: &Expr, cx: &mut Cx, span: crate::source::Span) -> CExpr {
        match e {
            Expr::Field(f) => CExpr::Field(Field::new(f)),
            Expr::Lit(v) => CExpr::Lit(cx.value(v, span).unwrap_or(Val::Null)),
            Expr::Binary { op, lhs, rhs } => CExpr::Binary(
                *op,
                Box::new(CExpr::new(lhs, cx, span)),
                Box::new(CExpr::new(rhs, cx, span)),
            ),
            Expr::And(v) => CExpr::And(v.iter().map(|x| CExpr::new(x, cx, span)).collect()),
            Expr::Or(v) => CExpr::Or(v.iter().map(|x| CExpr::new(x, cx, span)).collect()),
            Expr::Not(x) => CExpr::Not(Box::new(CExpr::new(x, cx, span))),
            Expr::Neg(x) => CExpr::Neg(Box::new(CExpr::new(x, cx, span))),
            Expr::Group(x) => CExpr::new(x, cx, span),
            Expr::In {
                expr,
                list,
                negated,
            } => CExpr::In(
                Box::new(CExpr::new(expr, cx, span)),
                list.iter().map(|x| CExpr::new(x, cx, span)).collect(),
                *negated,
            ),
            Expr::Call {
                func,
                args,
                span: call_span,
            } => CExpr::Call(Box::new(compile_call(*func, args, *call_span, cx))),
            Expr::Matches(f) => CExpr::Matches(Box::new(CFilter::new(f, cx))),
        }
    }

    /// Evaluates the expression.
    pub fn eval(&self, env: &Env<'_>) -> Val {
        match self {
            CExpr::Field(f) => match env.bound {
                Some((k, v)) if *k == f.key => v.clone(),
                _ => env.row.get(f).unwrap_or(Val::Null),
            },
            CExpr::Lit(v) => v.clone(),
            CExpr::Matches(f) => Val::Bool(f.matches(env.row)),
            CExpr::Binary(op, l, r) => binary(*op, &l.eval(env), &r.eval(env)),
            CExpr::And(items) => {
                let mut null = false;
                for x in items {
                    match truth(&x.eval(env)) {
                        Some(false) => return Val::Bool(false),
                        None => null = true,
                        Some(true) => {}
                    }
                }
                if null { Val::Null } else { Val::Bool(true) }
            }
            CExpr::Or(items) => {
                let mut null = false;
                for x in items {
                    match truth(&x.eval(env)) {
                        Some(true) => return Val::Bool(true),
                        None => null = true,
                        Some(false) => {}
                    }
                }
                if null { Val::Null } else { Val::Bool(false) }
            }
            CExpr::Not(x) => match truth(&x.eval(env)) {
                Some(b) => Val::Bool(!b),
                None => Val::Null,
            },
            CExpr::Neg(x) => match x.eval(env).number() {
                Some(n) => Val::num(-n),
                None => Val::Null,
            },
            CExpr::In(x, list, negated) => {
                let v = x.eval(env);
                if v.is_null() {
                    return Val::Null;
                }
                let hit = list.iter().any(|c| equals(&v, &c.eval(env)) == Some(true));
                Val::Bool(hit != *negated)
            }
            CExpr::Call(call) => call.eval(env),
        }
    }

    /// True if the expression is true for the row (null and non-booleans
    /// are not).
    pub fn holds(&self, env: &Env<'_>) -> bool {
        truth(&self.eval(env)) == Some(true)
    }
}

/// A value as a boolean: only booleans are; anything else is null.
pub fn truth(v: &Val) -> Option<bool> {
    match v.first() {
        Val::Bool(b) => Some(*b),
        _ => None,
    }
}

/// Equality with eval semantics: numbers (and numeric text) numerically,
/// anything else by exact text; a multi-value is equal if any value is;
/// null compared with anything is null.
pub fn equals(a: &Val, b: &Val) -> Option<bool> {
    if a.is_null() || b.is_null() {
        return None;
    }
    Some(a.values().iter().any(|x| {
        b.values().iter().any(|y| match (x.number(), y.number()) {
            (Some(p), Some(q)) => p == q,
            _ => x.text() == y.text(),
        })
    }))
}

/// Ordering with eval semantics: numerically when both read as numbers,
/// else by text; `None` when either side is null or a number meets text
/// (SPL makes that comparison false).
fn compare(a: &Val, b: &Val) -> Option<std::cmp::Ordering> {
    match (a.number(), b.number()) {
        (Some(p), Some(q)) => Some(p.total_cmp(&q)),
        (None, None) => Some(a.text()?.as_ref().cmp(b.text()?.as_ref())),
        _ => None,
    }
}

fn arith(op: BinOp, a: &Val, b: &Val) -> Val {
    // `+` joins two texts that are not numbers.
    if op == BinOp::Add
        && let (Val::Str(x), Val::Str(y)) = (a.first(), b.first())
        && (parse_number(x).is_none() || parse_number(y).is_none())
    {
        return Val::Str(format!("{x}{y}"));
    }
    let (Some(x), Some(y)) = (a.number(), b.number()) else {
        return Val::Null;
    };
    if let (Val::Int(i), Val::Int(j)) = (a.first(), b.first()) {
        let exact = match op {
            BinOp::Add => i.checked_add(*j),
            BinOp::Sub => i.checked_sub(*j),
            BinOp::Mul => i.checked_mul(*j),
            BinOp::Mod if *j != 0 => i.checked_rem(*j),
            BinOp::Div if i.checked_rem(*j) == Some(0) => i.checked_div(*j),
            _ => None,
        };
        if let Some(v) = exact {
            return Val::Int(v);
        }
    }
    match op {
        BinOp::Add => Val::num(x + y),
        BinOp::Sub => Val::num(x - y),
        BinOp::Mul => Val::num(x * y),
        BinOp::Div if y != 0.0 => Val::num(x / y),
        BinOp::Mod if y != 0.0 => Val::num(x % y),
        _ => Val::Null,
    }
}

/// Applies a binary operator.
pub fn binary(op: BinOp, a: &Val, b: &Val) -> Val {
    if !op.is_comparison() {
        return arith(op, a, b);
    }
    if a.is_null() || b.is_null() {
        return Val::Null;
    }
    let result = match op {
        BinOp::Eq => equals(a, b),
        BinOp::Ne => Some(a.values().iter().any(|x| equals(x, b) == Some(false))),
        _ => Some(a.values().iter().any(|x| {
            compare(x, b).is_some_and(|o| match op {
                BinOp::Lt => o.is_lt(),
                BinOp::Le => o.is_le(),
                BinOp::Gt => o.is_gt(),
                _ => o.is_ge(),
            })
        })),
    };
    result.map_or(Val::Null, Val::Bool)
}

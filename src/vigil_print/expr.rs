//! Row expressions (`eval`, `where`), with the grammar's precedence:
//! `or` < `and` < `not` < comparisons < `+ -` < `* / %` < unary `-` <
//! primaries. Comparisons do not chain, so a comparison operand that is
//! itself a comparison is parenthesized.

use super::Printer;
use super::quote::{self, regex, string};
use crate::ir::{BinOp, BoolOp, Expr, Func, Value};
use crate::source::Span;

const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const CMP: u8 = 4;
const SUM: u8 = 5;
const PRODUCT: u8 = 6;
const UNARY: u8 = 7;
const PRIMARY: u8 = 8;

impl Printer<'_> {
    /// An expression at binding strength `min`.
    pub(super) fn expr(&mut self, e: &Expr, span: Span, min: u8) -> String {
        let (text, prec) = match e {
            Expr::Field(f) => (self.field(f, span), PRIMARY),
            Expr::Lit(v) => self.literal(v, span),
            Expr::Binary { op, lhs, rhs } => {
                let (sym, prec, l, r) = match op {
                    BinOp::Add => ("+", SUM, SUM, PRODUCT),
                    BinOp::Sub => ("-", SUM, SUM, PRODUCT),
                    BinOp::Mul => ("*", PRODUCT, PRODUCT, UNARY),
                    BinOp::Div => ("/", PRODUCT, PRODUCT, UNARY),
                    BinOp::Mod => ("%", PRODUCT, PRODUCT, UNARY),
                    BinOp::Eq => ("==", CMP, SUM, SUM),
                    BinOp::Ne => ("!=", CMP, SUM, SUM),
                    BinOp::Lt => ("<", CMP, SUM, SUM),
                    BinOp::Le => ("<=", CMP, SUM, SUM),
                    BinOp::Gt => (">", CMP, SUM, SUM),
                    BinOp::Ge => (">=", CMP, SUM, SUM),
                };
                let l = self.expr(lhs, span, l);
                let r = self.expr(rhs, span, r);
                (format!("{l} {sym} {r}"), prec)
            }
            Expr::And(v) => {
                let op = format!(" {} ", self.op_word(BoolOp::And));
                (self.join_exprs(v, span, &op, NOT), AND)
            }
            Expr::Or(v) => {
                let op = format!(" {} ", self.op_word(BoolOp::Or));
                (self.join_exprs(v, span, &op, AND), OR)
            }
            Expr::Not(x) => {
                let op = self.op_word(BoolOp::Not);
                (format!("{op} {}", self.expr(x, span, NOT)), NOT)
            }
            Expr::Neg(x) => (format!("-{}", self.expr(x, span, UNARY)), UNARY),
            Expr::Group(x) => (format!("({})", self.expr(x, span, 0)), PRIMARY),
            // Inside an expression, `==` is case-sensitive (eval semantics)
            // while a filter's is not, so printing the filter there would
            // change what it matches.
            Expr::Matches(_) => {
                self.error(
                    span,
                    "this pipeline tests a search filter inside an expression (a Sigma temporal correlation), which Vigil's language cannot write yet",
                );
                ("null".to_string(), PRIMARY)
            }
            Expr::In {
                expr,
                list,
                negated,
            } => {
                let subject = self.expr(expr, span, SUM);
                let mut out = String::from("(");
                for (i, item) in list.iter().enumerate() {
                    if i > 0 {
                        out.push_str(match list.sep_after(i - 1) {
                            crate::ir::Sep::Comma => ", ",
                            crate::ir::Sep::Space => " ",
                        });
                    }
                    out.push_str(&self.expr(item, span, 0));
                }
                out.push(')');
                let not = if *negated { "not " } else { "" };
                (format!("{subject} {not}in {out}"), CMP)
            }
            // The parser's own spelling of these two.
            Expr::Call {
                func: f @ (Func::IsNull | Func::IsNotNull),
                args,
                span,
            } if args.len() == 1 && self.hints.func_case(*f).is_none() => {
                let not = if *f == Func::IsNotNull { "not " } else { "" };
                (
                    format!("{} is {not}null", self.expr(&args[0], *span, SUM)),
                    CMP,
                )
            }
            Expr::Call { func, args, span } => (self.call(*func, args, *span), PRIMARY),
        };
        if prec < min {
            format!("({text})")
        } else {
            text
        }
    }

    fn join_exprs(&mut self, items: &[Expr], span: Span, sep: &str, child: u8) -> String {
        items
            .iter()
            .map(|i| self.expr(i, span, child))
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// A constant; a negative number binds like unary minus.
    fn literal(&mut self, v: &Value, span: Span) -> (String, u8) {
        match quote::value(v, true) {
            Some(t) if t.starts_with('-') => (t, UNARY),
            Some(t) => (t, PRIMARY),
            None => {
                self.error(span, "this number has no Vigil literal");
                (String::new(), PRIMARY)
            }
        }
    }

    /// A boolean operator in the case the author wrote it. Without a
    /// recorded spelling (an expression a reader built, a Sigma rule) it is
    /// upper case, as the Splunk printer writes it then: the `.vigil` text
    /// records that case when read back, so Splunk's output stays the same.
    fn op_word(&self, op: BoolOp) -> String {
        match self.hints.op_case(op) {
            Some(case) => case.apply(op.name()),
            None => op.name().to_ascii_uppercase(),
        }
    }

    /// `f(a, b)`; regular-expression arguments as raw strings.
    fn call(&mut self, func: Func, args: &[Expr], span: Span) -> String {
        let regex_arg = match func {
            Func::Match | Func::MvFind | Func::Replace => Some(1),
            _ => None,
        };
        let args: Vec<String> = args
            .iter()
            .enumerate()
            .map(|(i, a)| match a {
                Expr::Lit(Value::Str(t)) if Some(i) == regex_arg => regex(t),
                Expr::Lit(Value::Str(t)) => string(t),
                other => self.expr(other, span, 0),
            })
            .collect();
        let name = match self.hints.func_case(func) {
            Some(case) => case.apply(func.name()),
            None => func.name().to_string(),
        };
        format!("{name}({})", args.join(", "))
    }
}

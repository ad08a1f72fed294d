//! Expressions in `eval` / `where` position → [`ir::Expr`].

use super::Lowerer;
use super::filter::{seps_of, wrap_pattern};
use super::names::Names;
use crate::diagnostic::codes;
use crate::ir::{self, BinOp, Func, List, Text, Value};
use crate::syntax::ast::{ArithOp, CmpOp, Expr, Node, TextOp, TextOperands};

impl Lowerer {
    /// Lowers a row expression.
    pub(crate) fn expr(&mut self, e: &Node<Expr>, names: &Names) -> ir::Expr {
        self.note_op(e);
        match &e.node {
            Expr::Or { items } => ir::Expr::Or(items.iter().map(|i| self.expr(i, names)).collect()),
            Expr::And { items } => {
                ir::Expr::And(items.iter().map(|i| self.expr(i, names)).collect())
            }
            Expr::Not { inner } => ir::Expr::Not(Box::new(self.expr(inner, names))),
            Expr::Group { inner } => ir::Expr::Group(Box::new(self.expr(inner, names))),
            Expr::Neg { inner } => match &inner.node {
                Expr::Number { text } => ir::Expr::Lit(super::filter::number(&format!("-{text}"))),
                _ => ir::Expr::Neg(Box::new(self.expr(inner, names))),
            },
            Expr::Compare {
                op,
                lhs,
                rhs,
                cased,
            } => {
                self.no_cased(*cased, e);
                ir::Expr::Binary {
                    op: match op {
                        CmpOp::Eq => BinOp::Eq,
                        CmpOp::Ne => BinOp::Ne,
                        CmpOp::Lt => BinOp::Lt,
                        CmpOp::Le => BinOp::Le,
                        CmpOp::Gt => BinOp::Gt,
                        CmpOp::Ge => BinOp::Ge,
                    },
                    lhs: Box::new(self.expr(lhs, names)),
                    rhs: Box::new(match &rhs.node {
                        Expr::Field { field } => {
                            ir::Expr::Field(self.read_compared(names, field, rhs.span))
                        }
                        _ => self.expr(rhs, names),
                    }),
                }
            }
            Expr::Arith { op, lhs, rhs } => ir::Expr::Binary {
                op: match op {
                    ArithOp::Add => BinOp::Add,
                    ArithOp::Sub => BinOp::Sub,
                    ArithOp::Mul => BinOp::Mul,
                    ArithOp::Div => BinOp::Div,
                    ArithOp::Mod => BinOp::Mod,
                },
                lhs: Box::new(self.expr(lhs, names)),
                rhs: Box::new(self.expr(rhs, names)),
            },
            Expr::In {
                inner,
                list,
                negated,
                cased,
            } => {
                self.no_cased(*cased, e);
                ir::Expr::In {
                    expr: Box::new(self.expr(inner, names)),
                    list: List {
                        items: list.items.iter().map(|x| self.expr(x, names)).collect(),
                        seps: seps_of(list),
                    },
                    negated: *negated,
                }
            }
            Expr::IsNull { inner, negated } => ir::Expr::Call {
                func: if *negated {
                    Func::IsNotNull
                } else {
                    Func::IsNull
                },
                args: vec![self.expr(inner, names)],
                span: e.span,
            },
            Expr::Exists { inner } => ir::Expr::Call {
                func: Func::IsNotNull,
                args: vec![self.expr(inner, names)],
                span: e.span,
            },
            Expr::Text {
                op,
                inner,
                operands,
                all,
                cased,
            } => {
                if *cased {
                    self.error_help(
                        codes::SEMANTIC,
                        e.span,
                        "`cased` is only meaningful in `search`",
                        "remove `cased`",
                        "text tests in `where` and `eval` are already case-sensitive",
                    );
                }
                let subject = self.expr(inner, names);
                let items: Vec<&Node<Expr>> = match operands {
                    TextOperands::One(x) => vec![x],
                    TextOperands::List(l) => l.items.iter().collect(),
                };
                let mut calls: Vec<ir::Expr> = items
                    .iter()
                    .map(|x| self.text_call(*op, subject.clone(), x, names))
                    .collect();
                if calls.len() == 1 {
                    calls.pop().unwrap_or(ir::Expr::Lit(Value::Bool(false)))
                } else if *all {
                    ir::Expr::And(calls)
                } else {
                    ir::Expr::Or(calls)
                }
            }
            Expr::Call { name, args } => self.call(name, args, names, e),
            Expr::Field { field } => ir::Expr::Field(self.read(names, field, e.span)),
            Expr::Param { name } => {
                self.check_param(name, e.span);
                ir::Expr::Lit(Value::Param(name.clone()))
            }
            Expr::Str { .. } | Expr::Number { .. } | Expr::Bool { .. } | Expr::Null => {
                ir::Expr::Lit(self.literal_value(e).unwrap_or(Value::Null))
            }
        }
    }

    /// `cased` only has a meaning in filters.
    fn no_cased(&mut self, cased: bool, e: &Node<Expr>) {
        if cased {
            self.error_help(
                codes::SEMANTIC,
                e.span,
                "`cased` is only meaningful in `search`",
                "remove `cased`",
                "comparisons in `where` and `eval` are already case-sensitive",
            );
        }
    }

    fn text_call(
        &mut self,
        op: TextOp,
        subject: ir::Expr,
        operand: &Node<Expr>,
        names: &Names,
    ) -> ir::Expr {
        let span = operand.span;
        let pattern_text = |cx: &mut Lowerer, wildcards: bool| -> Option<Text> {
            match &operand.node {
                Expr::Str { lit } => Some(cx.text_of(lit, span, wildcards)),
                Expr::Param { name } => {
                    cx.check_param(name, span);
                    Some(Text {
                        parts: vec![ir::TextPart::Param(name.clone())],
                    })
                }
                _ => None,
            }
        };
        match op {
            TextOp::Matches => {
                let re = match pattern_text(self, false) {
                    Some(t) => ir::Expr::Lit(Value::Str(t)),
                    None => self.expr(operand, names),
                };
                ir::Expr::Call {
                    func: Func::Match,
                    args: vec![subject, re],
                    span,
                }
            }
            TextOp::Cidr => ir::Expr::Call {
                func: Func::CidrMatch,
                args: vec![self.expr(operand, names), subject],
                span,
            },
            _ => {
                let Some(t) = pattern_text(self, true) else {
                    self.error(span, "expected a string pattern", "not a string");
                    return ir::Expr::Lit(Value::Bool(false));
                };
                ir::Expr::Call {
                    func: Func::Like,
                    args: vec![subject, ir::Expr::Lit(Value::Str(wrap_pattern(op, t)))],
                    span,
                }
            }
        }
    }

    fn call(
        &mut self,
        name: &Node<String>,
        args: &[Node<Expr>],
        names: &Names,
        e: &Node<Expr>,
    ) -> ir::Expr {
        // Function names are read in any case, as SPL's eval reads them;
        // the spelling is kept for printers that share it.
        let lower = name.node.to_ascii_lowercase();
        let Some(func) = Func::from_name(&lower) else {
            let near = crate::schema::closest(&lower, Func::ALL.iter().map(|f| f.name()));
            let help = match lower.as_str() {
                "true" | "false" => format!("write the literal `{lower}` without parentheses"),
                "null" => "write the literal `null` without parentheses".to_string(),
                _ if near.is_some() => format!("did you mean `{}`?", near.unwrap_or_default()),
                _ => format!(
                    "known functions: {}",
                    Func::ALL
                        .iter()
                        .map(|f| f.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            self.error_help(
                codes::UNKNOWN,
                name.span,
                format!("unknown function `{}`", name.node),
                "not a Vigil function",
                help,
            );
            return ir::Expr::Lit(Value::Null);
        };
        self.hints.func(func, &name.node);
        if !func.accepts(args.len()) {
            self.error_help(
                codes::SEMANTIC,
                e.span,
                format!("`{}` cannot take {} argument(s)", func.name(), args.len()),
                "wrong number of arguments",
                format!("the form is {}", func.signature()),
            );
        }
        let lowered = args
            .iter()
            .enumerate()
            .map(|(i, a)| match (func, i, &a.node) {
                // The pattern of `like` keeps its wildcards.
                (Func::Like, 1, Expr::Str { lit }) => {
                    ir::Expr::Lit(Value::Str(self.text_of(lit, a.span, true)))
                }
                _ => self.expr(a, names),
            })
            .collect();
        ir::Expr::Call {
            func,
            args: lowered,
            span: e.span,
        }
    }
}

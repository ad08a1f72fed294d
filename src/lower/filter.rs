//! Expressions in `search` position → [`Filter`].

use super::Lowerer;
use super::names::Names;
use crate::diagnostic::codes;
use crate::ir::{
    self, Filter, List, Ordering, Pred, Regex, RegexFlags, Sep, Test, Text, TextPart, Value,
};
use crate::syntax::ast::{self, CmpOp, Expr, Node, Piece, SepList, StrLit, TextOp, TextOperands};

impl Lowerer {
    /// Lowers the detection's leading search (every name is an event field).
    pub(crate) fn filter(&mut self, e: &Node<Expr>) -> Filter {
        self.note_explicit_and(e);
        self.filter_in(e, &Names::default())
    }

    /// A search whose top-level `and`s are all written `AND` asks for SPL's
    /// explicit `AND` between its terms (SPL implies it otherwise).
    pub(crate) fn note_explicit_and(&mut self, e: &Node<Expr>) {
        if let Expr::And { items } = &e.node {
            self.hints.explicit_and = items
                .windows(2)
                .all(|w| self.op_between(w[0].span, w[1].span) == "AND");
        }
    }

    /// Lowers a filter with the pipeline's names in scope.
    pub(crate) fn filter_in(&mut self, e: &Node<Expr>, names: &Names) -> Filter {
        match &e.node {
            Expr::Or { items } => {
                Filter::Or(items.iter().map(|i| self.filter_in(i, names)).collect())
            }
            Expr::And { items } => {
                Filter::And(items.iter().map(|i| self.filter_in(i, names)).collect())
            }
            Expr::Not { inner } => Filter::Not(Box::new(self.filter_in(inner, names))),
            Expr::Group { inner } => Filter::Group(Box::new(self.filter_in(inner, names))),
            Expr::Compare {
                op,
                lhs,
                rhs,
                cased,
            } => self.compare(*op, lhs, rhs, *cased, names, e),
            Expr::In {
                inner,
                list,
                negated,
                cased,
            } => {
                let Some(field) = self.filter_field(inner, names) else {
                    return Filter::True;
                };
                let values = self.value_list(list);
                let p = pred(
                    field,
                    Test::In {
                        values,
                        cased: *cased,
                    },
                    e,
                );
                if *negated {
                    Filter::Not(Box::new(p))
                } else {
                    p
                }
            }
            Expr::IsNull { inner, negated } => {
                let Some(field) = self.filter_field(inner, names) else {
                    return Filter::True;
                };
                let p = pred(field, Test::IsNull, e);
                if *negated {
                    Filter::Not(Box::new(p))
                } else {
                    p
                }
            }
            Expr::Exists { inner } => match self.filter_field(inner, names) {
                Some(field) => pred(field, Test::Exists, e),
                None => Filter::True,
            },
            Expr::Text {
                op,
                inner,
                operands,
                all,
                cased,
            } => {
                let Some(field) = self.filter_field(inner, names) else {
                    return Filter::True;
                };
                let items: Vec<&Node<Expr>> = match operands {
                    TextOperands::One(x) => vec![x],
                    TextOperands::List(l) => l.items.iter().collect(),
                };
                let seps = match operands {
                    TextOperands::One(_) => Vec::new(),
                    TextOperands::List(l) => seps_of(l),
                };
                let test = match op {
                    TextOp::Matches => {
                        if *cased {
                            self.error(
                                e.span,
                                "`cased` has no effect on `matches`",
                                "remove `cased`",
                            );
                        }
                        let patterns = items
                            .iter()
                            .filter_map(|x| {
                                let lit = self.string_operand(x)?;
                                Some(Regex {
                                    pattern: self.text_of(&lit, x.span, false),
                                    flags: RegexFlags::default(),
                                })
                            })
                            .collect();
                        Test::Regex {
                            patterns: List {
                                items: patterns,
                                seps,
                            },
                            all: *all,
                        }
                    }
                    TextOp::Cidr => {
                        let ranges = items.iter().filter_map(|x| self.literal_value(x)).collect();
                        Test::Cidr {
                            ranges: List {
                                items: ranges,
                                seps,
                            },
                        }
                    }
                    _ => {
                        let patterns = items
                            .iter()
                            .filter_map(|x| {
                                let lit = self.string_operand(x)?;
                                Some(wrap_pattern(*op, self.text_of(&lit, x.span, true)))
                            })
                            .collect();
                        Test::Like {
                            patterns: List {
                                items: patterns,
                                seps,
                            },
                            all: *all,
                            cased: *cased,
                        }
                    }
                };
                pred(field, test, e)
            }
            Expr::Call { name, .. } => {
                self.error_help(
                    codes::SEMANTIC,
                    name.span,
                    format!("a function (`{}`) cannot be used in `search`", name.node),
                    "function call in a filter",
                    "filters test fields against values; compute with `| eval` and test with `| where`",
                );
                Filter::True
            }
            _ => {
                self.error_help(
                    codes::SEMANTIC,
                    e.span,
                    "this is not a test",
                    "expected a comparison such as `type == \"s\"`",
                    "a filter is made of field tests joined by `and`, `or`, `not`",
                );
                Filter::True
            }
        }
    }

    fn compare(
        &mut self,
        op: CmpOp,
        lhs: &Node<Expr>,
        rhs: &Node<Expr>,
        cased: bool,
        names: &Names,
        whole: &Node<Expr>,
    ) -> Filter {
        if cased && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            self.error(
                whole.span,
                "`cased` applies to `==`, `!=`, `in` and text tests",
                "remove `cased`",
            );
        }
        if !matches!(lhs.node, Expr::Field { .. }) && matches!(rhs.node, Expr::Field { .. }) {
            self.error_help(
                codes::SEMANTIC,
                whole.span,
                "the field must be on the left of a comparison",
                "value before field",
                "write `field == value`",
            );
            return Filter::True;
        }
        let Some(field) = self.filter_field(lhs, names) else {
            return Filter::True;
        };
        if let Expr::Field { field: other } = &rhs.node {
            if op != CmpOp::Eq {
                self.error(
                    rhs.span,
                    "only `==` can compare two fields in a filter",
                    "use `| where` for this",
                );
                return Filter::True;
            }
            return pred(
                field,
                Test::FieldEq {
                    other: self.read_compared(names, other, rhs.span),
                },
                whole,
            );
        }
        let Some(value) = self.literal_value(rhs) else {
            return Filter::True;
        };
        let test = match (op, &value) {
            (CmpOp::Eq, Value::Null) => Test::IsNull,
            (CmpOp::Ne, Value::Null) => {
                return Filter::Not(Box::new(pred(field, Test::IsNull, whole)));
            }
            (CmpOp::Eq, _) => Test::Eq { value, cased },
            (CmpOp::Ne, _) => Test::Ne { value, cased },
            (CmpOp::Lt, _) => Test::Cmp {
                op: Ordering::Lt,
                value,
            },
            (CmpOp::Le, _) => Test::Cmp {
                op: Ordering::Le,
                value,
            },
            (CmpOp::Gt, _) => Test::Cmp {
                op: Ordering::Gt,
                value,
            },
            (CmpOp::Ge, _) => Test::Cmp {
                op: Ordering::Ge,
                value,
            },
        };
        pred(field, test, whole)
    }

    fn filter_field(&mut self, e: &Node<Expr>, names: &Names) -> Option<ir::FieldRef> {
        match &e.node {
            Expr::Field { field } => Some(self.read(names, field, e.span)),
            _ => {
                self.error_help(
                    codes::SEMANTIC,
                    e.span,
                    "a filter tests a field",
                    "expected a field name here",
                    "write the field on the left, e.g. `user_name endswith \"@example.com\"`",
                );
                None
            }
        }
    }

    fn value_list(&mut self, list: &SepList<Expr>) -> List<Value> {
        List {
            items: list
                .items
                .iter()
                .filter_map(|x| self.literal_value(x))
                .collect(),
            seps: seps_of(list),
        }
    }

    fn string_operand(&mut self, e: &Node<Expr>) -> Option<StrLit> {
        match &e.node {
            Expr::Str { lit } => Some(lit.clone()),
            Expr::Param { name } => {
                self.check_param(name, e.span);
                Some(StrLit {
                    pieces: vec![Piece::Param(name.clone())],
                    raw: false,
                })
            }
            _ => {
                self.error(e.span, "expected a string", "not a string");
                None
            }
        }
    }

    /// A string literal as IR text; unescaped `*`/`?` become wildcards when
    /// `wildcards` is set and literal characters otherwise.
    pub(crate) fn text_of(
        &mut self,
        lit: &StrLit,
        span: crate::source::Span,
        wildcards: bool,
    ) -> Text {
        let mut t = Text::default();
        for p in &lit.pieces {
            match p {
                Piece::Text(s) => t.push(TextPart::Lit(s.clone())),
                Piece::Param(n) => {
                    self.check_param(n, span);
                    t.push(TextPart::Param(n.clone()));
                }
                Piece::Star if wildcards => t.push(TextPart::AnyString),
                Piece::Question if wildcards => t.push(TextPart::AnyChar),
                Piece::Star => t.push(TextPart::Lit("*".into())),
                Piece::Question => t.push(TextPart::Lit("?".into())),
            }
        }
        t
    }

    /// A literal or parameter as a typed value (wildcards are literal).
    pub(crate) fn literal_value(&mut self, e: &Node<Expr>) -> Option<Value> {
        match &e.node {
            Expr::Str { lit } => Some(Value::Str(self.text_of(lit, e.span, false))),
            Expr::Number { text } => Some(number(text)),
            Expr::Neg { inner } => match &inner.node {
                Expr::Number { text } => Some(number(&format!("-{text}"))),
                _ => {
                    self.error(e.span, "expected a value", "not a constant");
                    None
                }
            },
            Expr::Bool { value } => Some(Value::Bool(*value)),
            Expr::Null => Some(Value::Null),
            Expr::Param { name } => {
                self.check_param(name, e.span);
                Some(Value::Param(name.clone()))
            }
            _ => {
                self.error_help(
                    codes::SEMANTIC,
                    e.span,
                    "expected a value (a string, number, boolean, null or {parameter})",
                    "not a constant",
                    "strings are quoted: \"value\"",
                );
                None
            }
        }
    }
}

/// A number literal as a typed value.
pub(crate) fn number(text: &str) -> Value {
    match text.parse::<i64>() {
        Ok(i) => Value::Int(i),
        Err(_) => Value::Float(text.parse::<f64>().unwrap_or(0.0), text.to_string()),
    }
}

/// Adds the implicit wildcards of `contains`, `startswith`, `endswith`.
pub(crate) fn wrap_pattern(op: TextOp, t: Text) -> Text {
    let mut out = Text::default();
    if matches!(op, TextOp::Contains | TextOp::EndsWith) {
        out.push(TextPart::AnyString);
    }
    for p in t.parts {
        out.push(p);
    }
    if matches!(op, TextOp::Contains | TextOp::StartsWith) {
        out.push(TextPart::AnyString);
    }
    out
}

pub(crate) fn seps_of<T>(l: &SepList<T>) -> Vec<Sep> {
    l.commas
        .iter()
        .map(|c| if *c { Sep::Comma } else { Sep::Space })
        .collect()
}

fn pred(field: ir::FieldRef, test: Test, e: &Node<ast::Expr>) -> Filter {
    Filter::Pred(Pred {
        field,
        test,
        span: e.span,
    })
}

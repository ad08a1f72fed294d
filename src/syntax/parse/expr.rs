//! Expressions: boolean logic, comparisons, arithmetic, fields and literals.

use pest::iterators::Pair;

use super::*;

impl Builder {
    pub(super) fn field(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Field>, Diagnostic> {
        let span = span_of(&pair);
        let inner = if pair.as_rule() == Rule::field {
            pair.into_inner()
                .next()
                .ok_or_else(|| internal_span(span, "field"))?
        } else {
            pair
        };
        let field = match inner.as_rule() {
            Rule::quoted_field => {
                let text = inner.into_inner().next().map(|p| p.as_str()).unwrap_or("");
                Field {
                    segments: split_path(text),
                    quoted: true,
                }
            }
            Rule::field_path => {
                let mut segments: Vec<Segment> = Vec::new();
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::ident | Rule::segment => segments.push(Segment {
                            name: p.as_str().to_string(),
                            array: false,
                        }),
                        Rule::array_mark => {
                            if let Some(last) = segments.last_mut() {
                                last.array = true;
                            }
                        }
                        _ => {}
                    }
                }
                Field {
                    segments,
                    quoted: false,
                }
            }
            _ => return Err(internal(&inner, "field")),
        };
        Ok(Node::new(span, field))
    }

    pub(super) fn literal(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Expr>, Diagnostic> {
        let span = span_of(&pair);
        let e = match pair.as_rule() {
            Rule::string | Rule::raw_string => Expr::Str {
                lit: str_lit(&pair)?,
            },
            Rule::number => Expr::Number {
                text: number_text(&pair)?,
            },
            Rule::boolean => Expr::Bool {
                value: pair.as_str() == "true",
            },
            Rule::null => Expr::Null,
            _ => return Err(internal(&pair, "literal")),
        };
        Ok(Node::new(span, e))
    }

    pub(super) fn expr(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Expr>, Diagnostic> {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::expr => {
                let inner = kids(pair)
                    .next()
                    .ok_or_else(|| internal_span(span, "expr"))?;
                self.expr(inner)
            }
            Rule::or_expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::or_expr;
                let items: Vec<Node<Expr>> = kids(pair)
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_or | Rule::kw_and))
                    .map(|p| self.expr(p))
                    .collect::<Result<_, _>>()?;
                if items.len() == 1 {
                    return Ok(items.into_iter().next().expect("one item"));
                }
                Ok(Node::new(
                    span,
                    if is_or {
                        Expr::Or { items }
                    } else {
                        Expr::And { items }
                    },
                ))
            }
            Rule::not_expr => {
                let mut parts: Vec<_> = kids(pair).collect();
                if parts.len() == 2 {
                    let inner = self.expr(parts.remove(1))?;
                    Ok(Node::new(
                        span,
                        Expr::Not {
                            inner: Box::new(inner),
                        },
                    ))
                } else {
                    let p = parts.pop().ok_or_else(|| internal_span(span, "not"))?;
                    self.expr(p)
                }
            }
            Rule::predicate => self.predicate(pair),
            Rule::sum | Rule::product => self.arith(pair),
            Rule::unary => {
                let mut parts: Vec<_> = kids(pair).collect();
                if parts.len() == 2 {
                    let inner = self.expr(parts.remove(1))?;
                    Ok(Node::new(
                        span,
                        Expr::Neg {
                            inner: Box::new(inner),
                        },
                    ))
                } else {
                    let p = parts.pop().ok_or_else(|| internal_span(span, "unary"))?;
                    self.expr(p)
                }
            }
            Rule::group => {
                let inner = kids(pair)
                    .next()
                    .ok_or_else(|| internal_span(span, "group"))?;
                let inner = self.expr(inner)?;
                Ok(Node::new(
                    span,
                    Expr::Group {
                        inner: Box::new(inner),
                    },
                ))
            }
            Rule::call => {
                let mut it = kids(pair);
                let name = it.next().ok_or_else(|| internal_span(span, "call"))?;
                let name = Node::new(span_of(&name), name.as_str().to_string());
                let args = it.map(|p| self.expr(p)).collect::<Result<_, _>>()?;
                Ok(Node::new(span, Expr::Call { name, args }))
            }
            Rule::param_ref => Ok(Node::new(
                span,
                Expr::Param {
                    name: param_name_of(&pair),
                },
            )),
            Rule::field => {
                let f = self.field(pair)?;
                Ok(Node::new(f.span, Expr::Field { field: f.node }))
            }
            Rule::string | Rule::raw_string | Rule::number | Rule::boolean | Rule::null => {
                self.literal(pair)
            }
            _ => Err(internal(&pair, "expression")),
        }
    }

    pub(super) fn arith(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Expr>, Diagnostic> {
        let mut it = kids(pair);
        let first = it
            .next()
            .ok_or_else(|| Diagnostic::error(codes::SYNTAX, "empty"))?;
        let mut acc = self.expr(first)?;
        while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
            let op = match op.as_str() {
                "+" => ArithOp::Add,
                "-" => ArithOp::Sub,
                "*" => ArithOp::Mul,
                "/" => ArithOp::Div,
                _ => ArithOp::Mod,
            };
            let rhs = self.expr(rhs)?;
            let span = acc.span.to(rhs.span);
            acc = Node::new(
                span,
                Expr::Arith {
                    op,
                    lhs: Box::new(acc),
                    rhs: Box::new(rhs),
                },
            );
        }
        Ok(acc)
    }

    pub(super) fn predicate(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Expr>, Diagnostic> {
        let span = span_of(&pair);
        let mut it = kids(pair);
        let lhs_pair = it.next().ok_or_else(|| internal_span(span, "predicate"))?;
        let lhs = self.expr(lhs_pair)?;
        let Some(tail) = it.next() else {
            return Ok(lhs);
        };
        let inner = Box::new(lhs);
        let e = match tail.as_rule() {
            Rule::compare => {
                let mut t = kids(tail);
                let op = t.next().ok_or_else(|| internal_span(span, "compare"))?;
                let rhs = t.next().ok_or_else(|| internal_span(span, "compare"))?;
                let cased = t.next().is_some_and(|c| c.as_rule() == Rule::kw_cased);
                let op = match op.as_str() {
                    "==" => CmpOp::Eq,
                    "!=" => CmpOp::Ne,
                    "<=" => CmpOp::Le,
                    ">=" => CmpOp::Ge,
                    "<" => CmpOp::Lt,
                    _ => CmpOp::Gt,
                };
                Expr::Compare {
                    op,
                    lhs: inner,
                    rhs: Box::new(self.expr(rhs)?),
                    cased,
                }
            }
            Rule::is_null => Expr::IsNull {
                inner,
                negated: false,
            },
            Rule::is_not_null => Expr::IsNull {
                inner,
                negated: true,
            },
            Rule::exists => Expr::Exists { inner },
            Rule::in_list | Rule::not_in => {
                let negated = tail.as_rule() == Rule::not_in;
                let cased = kids(tail.clone()).any(|p| p.as_rule() == Rule::kw_cased);
                let list = kids(tail)
                    .find(|p| p.as_rule() == Rule::value_list)
                    .ok_or_else(|| internal_span(span, "in"))?;
                Expr::In {
                    inner,
                    list: self.sep_list(list, Self::expr)?,
                    negated,
                    cased,
                }
            }
            Rule::text_test => {
                let mut op = TextOp::Like;
                let mut all = false;
                let mut cased = false;
                let mut operands = None;
                for p in kids(tail) {
                    match p.as_rule() {
                        Rule::text_op => {
                            op = match p.as_str() {
                                "contains" => TextOp::Contains,
                                "startswith" => TextOp::StartsWith,
                                "endswith" => TextOp::EndsWith,
                                "matches" => TextOp::Matches,
                                "cidr" => TextOp::Cidr,
                                _ => TextOp::Like,
                            }
                        }
                        Rule::kw_all => all = true,
                        Rule::kw_cased => cased = true,
                        Rule::value_list => {
                            operands = Some(TextOperands::List(self.sep_list(p, Self::expr)?))
                        }
                        _ => operands = Some(TextOperands::One(Box::new(self.expr(p)?))),
                    }
                }
                Expr::Text {
                    op,
                    inner,
                    operands: operands.ok_or_else(|| internal_span(span, "text test"))?,
                    all,
                    cased,
                }
            }
            _ => return Err(internal(&tail, "predicate")),
        };
        Ok(Node::new(span, e))
    }
}

//! Filters (search semantics) as ES|QL boolean expressions.
//!
//! ES|QL has three-valued logic: a comparison with a missing field is null,
//! and `NOT null` is null, so `NOT (f == "x")` would drop the events without
//! `f` that Vigil's `not f == "x"` keeps. The printer therefore pushes every
//! negation down to the tests (De Morgan) and writes each negated test so
//! that it holds for a missing field: `f IS NULL OR f != "x"`. Without
//! negation, null behaves like false under `AND`/`OR` and `WHERE`, so
//! positive tests are written plainly.
//!
//! Case-insensitive string tests fold with `TO_LOWER` (the value is folded
//! when the query is written); a test on an array field (`shields[]`) holds
//! if it holds for any value (`MV_CONTAINS`).

use super::Printer;
use super::quote::{like_pattern, string};
use super::regex::to_lucene;
use crate::ir::{Keyword, Ordering, Test, Value};
use crate::targets::elastic::{EFilter, FieldType, Leaf, Rows, has_case, is_cidr};

pub(super) const OR: u8 = 1;
pub(super) const AND: u8 = 2;
pub(super) const NOT: u8 = 3;
pub(super) const PRED: u8 = 4;
pub(super) const ATOM: u8 = 8;

/// The most operands written in one flat `AND`/`OR` chain. Elasticsearch's
/// parser builds `a OR b OR c ...` left-deep, one level of expression depth
/// per operand, and refuses a query deeper than `MAX_EXPRESSION_DEPTH`
/// (400 since 8.15, elastic/elasticsearch#109846; 500 before, #108089).
/// Longer chains are written as parenthesized groups of at most this many
/// operands, recursively, so depth grows with the logarithm of the length
/// (a 4,434-term SigmaHQ chain nests about 80 deep instead of 4,434).
pub(super) const MAX_CHAIN: usize = 32;

/// Joins operands (each already parenthesized for the operator) with `sep`,
/// in balanced groups of at most [`MAX_CHAIN`]. `(a OR b) OR (c OR d)` means
/// `a OR b OR c OR d`: both operators are associative.
pub(super) fn chain(mut parts: Vec<String>, sep: &str) -> String {
    while parts.len() > MAX_CHAIN {
        parts = parts
            .chunks(MAX_CHAIN)
            .map(|c| format!("({})", c.join(sep)))
            .collect();
    }
    parts.join(sep)
}

impl Printer<'_> {
    /// A filter as a `WHERE` condition.
    pub(super) fn filter(&mut self, f: &EFilter, rows: Rows) -> String {
        self.bool_prec(f, false, rows, 0)
    }

    fn bool_prec(&mut self, f: &EFilter, negated: bool, rows: Rows, min: u8) -> String {
        let (text, prec) = self.bool_inner(f, negated, rows);
        if prec < min {
            format!("({text})")
        } else {
            text
        }
    }

    fn bool_inner(&mut self, f: &EFilter, negated: bool, rows: Rows) -> (String, u8) {
        match f {
            EFilter::True => ((if negated { "false" } else { "true" }).into(), ATOM),
            EFilter::And(items) | EFilter::Or(items) => {
                // De Morgan: a negated AND is an OR of negations.
                let is_and = matches!(f, EFilter::And(_)) != negated;
                let (prec, sep) = if is_and { (AND, " AND ") } else { (OR, " OR ") };
                let parts: Vec<String> = items
                    .iter()
                    .map(|x| self.bool_prec(x, negated, rows, prec))
                    .collect();
                (chain(parts, sep), prec)
            }
            EFilter::Not(x) => self.bool_inner(x, !negated, rows),
            EFilter::Group(x) => (format!("({})", self.bool_prec(x, negated, rows, 0)), ATOM),
            EFilter::Keyword(k) => {
                let call = self.keyword(k);
                if negated {
                    (format!("NOT {call}"), NOT)
                } else {
                    (call, ATOM)
                }
            }
            EFilter::Leaf(l) => self.leaf(l, negated, rows),
        }
    }

    /// A full-text term: ES|QL's `KQL()` searches the default fields.
    fn keyword(&mut self, k: &Keyword) -> String {
        self.warn(
            k.span,
            "ES|QL searches free text with KQL(), in the index's default fields (`index.query.default_field`), word by word on text fields",
            "full-text term",
        );
        let mut kql = String::new();
        for p in &k.text.parts {
            use crate::ir::TextPart;
            match p {
                TextPart::Lit(s) => kql.push_str(&crate::targets::kql::unquoted(s)),
                TextPart::Param(n) => {
                    kql.push_str(&crate::targets::kql::unquoted(&format!("{{{n}}}")))
                }
                TextPart::AnyString => kql.push('*'),
                TextPart::AnyChar => {
                    self.error(
                        k.span,
                        "KQL() has no single-character wildcard",
                        "`?` wildcard",
                        None,
                    );
                }
            }
        }
        if !k.text.has_wildcards() {
            kql = crate::targets::kql::quoted(&k.text.display());
        }
        format!("KQL({})", string(&kql))
    }

    /// One test, positive or negated (true for a missing field).
    fn leaf(&mut self, l: &Leaf, negated: bool, rows: Rows) -> (String, u8) {
        let Some(x) = self.field_expr(&l.field, rows, l.span) else {
            return (String::new(), ATOM);
        };
        let missing = Part::new(format!("{x} IS NULL"), PRED);
        let form = self.form(l, &x, rows);
        let part = match form {
            None => return (String::new(), ATOM),
            Some(Form::Total { pos, neg }) => {
                if negated {
                    neg
                } else {
                    pos
                }
            }
            Some(Form::Plain { pos, neg }) => {
                if negated {
                    Part::new(format!("{} OR {}", missing.text, neg.at(OR)), OR)
                } else {
                    pos
                }
            }
            Some(Form::Nullable { pos }) => {
                if negated {
                    Part::new(format!("NOT COALESCE({}, false)", pos.text), NOT)
                } else {
                    pos
                }
            }
        };
        (part.text, part.prec)
    }

    /// The positive and negated forms of a test on field expression `x`.
    fn form(&mut self, l: &Leaf, x: &str, rows: Rows) -> Option<Form> {
        let missing = Part::new(format!("{x} IS NULL"), PRED);
        let present = Part::new(format!("{x} IS NOT NULL"), PRED);
        let plain_or_nullable = |pos: Part, neg: Part, extra_null: bool| {
            if extra_null {
                Form::Nullable { pos }
            } else {
                Form::Plain { pos, neg }
            }
        };
        Some(match &l.test {
            Test::Exists
            | Test::Ne {
                value: Value::Null, ..
            } => Form::Total {
                pos: present,
                neg: missing,
            },
            Test::IsNull
            | Test::Eq {
                value: Value::Null, ..
            } => Form::Total {
                pos: missing,
                neg: present,
            },
            Test::Eq { .. } | Test::In { .. } | Test::Ne { .. } if l.field.array => {
                if !self.version.has_mv_contains() {
                    self.error(
                        l.span,
                        format!(
                            "a test on any value of the array `{}` needs MV_CONTAINS, which Elastic {} does not have",
                            l.written, self.version
                        ),
                        "test on an array",
                        Some("compile with --stack-version 9.3 or later"),
                    );
                    return None;
                }
                match &l.test {
                    Test::Ne { value, cased } => {
                        // Some value differs ⟺ not every value equals `value`.
                        let o = self.operands(l, x, value, *cased, false);
                        let all_equal = format!("MV_CONTAINS({}, {})", o.rhs, o.lhs);
                        Form::Total {
                            pos: Part::new(format!("{} AND NOT {all_equal}", present.text), AND),
                            neg: Part::new(format!("{} OR {all_equal}", missing.text), OR),
                        }
                    }
                    Test::Eq { value, cased } => {
                        let t = self.mv_contains(l, x, value, *cased);
                        Form::Total {
                            neg: Part::new(format!("NOT {t}"), NOT),
                            pos: Part::new(t, ATOM),
                        }
                    }
                    Test::In { values, cased } => {
                        let parts: Vec<Part> = values
                            .iter()
                            .map(|v| Part::new(self.mv_contains(l, x, v, *cased), ATOM))
                            .collect();
                        let pos = join(parts, " OR ", OR);
                        Form::Total {
                            neg: Part::new(format!("NOT {}", pos.at(ATOM)), NOT),
                            pos,
                        }
                    }
                    _ => return None,
                }
            }
            _ if l.field.array => {
                self.error(
                    l.span,
                    format!(
                        "ES|QL compares a multi-value field as a whole, so this test on the array `{}` cannot hold for any one value",
                        l.written
                    ),
                    "test on an array",
                    Some("test equality (`==`, `in`), or expand the values first with `| mvexpand`"),
                );
                return None;
            }
            Test::Eq { value, cased } | Test::Ne { value, cased } => {
                let o = self.operands(l, x, value, *cased, false);
                let eq = Part::new(format!("{} == {}", o.lhs, o.rhs), PRED);
                let ne = Part::new(format!("{} != {}", o.lhs, o.rhs), PRED);
                if matches!(l.test, Test::Eq { .. }) {
                    plain_or_nullable(eq, ne, o.extra_null)
                } else {
                    plain_or_nullable(ne, eq, o.extra_null)
                }
            }
            Test::In { values, cased } => {
                let ops: Vec<_> = values
                    .iter()
                    .map(|v| self.operands(l, x, v, *cased, false))
                    .collect();
                let extra = ops.iter().any(|o| o.extra_null);
                let same_lhs = ops.iter().all(|o| o.lhs == ops[0].lhs);
                if same_lhs && !extra {
                    let list = ops
                        .iter()
                        .map(|o| o.rhs.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    Form::Plain {
                        pos: Part::new(format!("{} IN ({list})", ops[0].lhs), PRED),
                        neg: Part::new(format!("{} NOT IN ({list})", ops[0].lhs), PRED),
                    }
                } else {
                    let eqs = ops
                        .iter()
                        .map(|o| Part::new(format!("{} == {}", o.lhs, o.rhs), PRED))
                        .collect();
                    let nes = ops
                        .iter()
                        .map(|o| Part::new(format!("{} != {}", o.lhs, o.rhs), PRED))
                        .collect();
                    plain_or_nullable(join(eqs, " OR ", OR), join(nes, " AND ", AND), extra)
                }
            }
            Test::Like {
                patterns,
                all,
                cased,
            } => {
                let fold = !*cased && patterns.iter().any(|t| has_case(&Value::Str(t.clone())));
                let subject = self.as_string(l, x, fold);
                let mut pos = Vec::new();
                let mut neg = Vec::new();
                for t in patterns {
                    match like_pattern(t, fold) {
                        Some(p) => {
                            pos.push(Part::new(format!("{subject} LIKE {p}"), PRED));
                            neg.push(Part::new(format!("{subject} NOT LIKE {p}"), PRED));
                        }
                        None => {
                            self.error(
                                l.span,
                                "a LIKE pattern cannot contain a parameter without a value",
                                "pattern with a parameter",
                                Some("pass the value with --param NAME=VALUE"),
                            );
                            return None;
                        }
                    }
                }
                Form::Plain {
                    pos: join_all(pos, *all),
                    neg: join_all(neg, !*all),
                }
            }
            Test::Regex { patterns, all } => {
                let subject = self.as_string(l, x, false);
                let mut pos = Vec::new();
                let mut neg = Vec::new();
                for r in patterns {
                    let Some(src) = r.pattern.as_literal() else {
                        self.error(
                            l.span,
                            "a regular expression cannot contain a parameter without a value",
                            "regular expression with a parameter",
                            Some("pass the value with --param NAME=VALUE"),
                        );
                        return None;
                    };
                    match to_lucene(&src, r.flags) {
                        Ok(lucene) => {
                            let p = string(&lucene);
                            pos.push(Part::new(format!("{subject} RLIKE {p}"), PRED));
                            neg.push(Part::new(format!("{subject} NOT RLIKE {p}"), PRED));
                        }
                        Err(why) => {
                            self.error(
                                l.span,
                                format!("RLIKE cannot express this regular expression: {why}"),
                                "regular expression",
                                None,
                            );
                            return None;
                        }
                    }
                }
                Form::Plain {
                    pos: join_all(pos, *all),
                    neg: join_all(neg, !*all),
                }
            }
            Test::Cidr { ranges } => {
                let ip = l.field.ty == FieldType::Ip;
                let mut args = vec![if ip {
                    x.to_string()
                } else {
                    format!("TO_IP({x})")
                }];
                for r in ranges {
                    match r {
                        Value::Str(t) if t.as_literal().is_some_and(|s| is_cidr(&s)) => {
                            args.push(self.text(t, false))
                        }
                        Value::Str(t) if t.has_params() => args.push(self.text(t, false)),
                        Value::Param(n) => args.push(self.param(n)),
                        _ => {
                            self.error(
                                l.span,
                                "not a CIDR range",
                                "CIDR test",
                                Some("write ranges such as \"10.0.0.0/8\""),
                            );
                            return None;
                        }
                    }
                }
                let call = format!("CIDR_MATCH({})", args.join(", "));
                plain_or_nullable(
                    Part::new(call.clone(), ATOM),
                    Part::new(format!("NOT {call}"), NOT),
                    !ip,
                )
            }
            Test::Cmp { op, value } => {
                let o = self.operands(l, x, value, true, true);
                let op = match op {
                    Ordering::Lt => "<",
                    Ordering::Le => "<=",
                    Ordering::Gt => ">",
                    Ordering::Ge => ">=",
                };
                let cmp = format!("{} {op} {}", o.lhs, o.rhs);
                plain_or_nullable(
                    Part::new(cmp.clone(), PRED),
                    Part::new(format!("NOT {cmp}"), NOT),
                    o.extra_null,
                )
            }
            Test::FieldEq { other } => {
                let of = match rows {
                    Rows::Events => self.layout.field(other),
                    Rows::Pipeline => self.layout.row_field(other),
                };
                let y = self.field_expr(&of, rows, l.span)?;
                Form::Total {
                    pos: Part::new(format!("{x} == {y}"), PRED),
                    neg: Part::new(format!("{x} IS NULL OR {y} IS NULL OR {x} != {y}"), OR),
                }
            }
        })
    }

    /// `MV_CONTAINS(values, value)`: some value of the array equals it.
    fn mv_contains(&mut self, l: &Leaf, x: &str, value: &Value, cased: bool) -> String {
        let o = self.operands(l, x, value, cased, false);
        format!("MV_CONTAINS({}, {})", o.lhs, o.rhs)
    }

    /// The field as a string (for LIKE and RLIKE), folded when asked.
    fn as_string(&self, l: &Leaf, x: &str, fold: bool) -> String {
        let s = if matches!(
            l.field.ty,
            FieldType::Keyword | FieldType::Text | FieldType::Unknown
        ) {
            x.to_string()
        } else {
            format!("TO_STRING({x})")
        };
        if fold { format!("TO_LOWER({s})") } else { s }
    }
}

/// An expression and how tightly it binds.
pub(super) struct Part {
    text: String,
    prec: u8,
}

impl Part {
    fn new(text: String, prec: u8) -> Part {
        Part { text, prec }
    }

    /// The text, parenthesized if it binds looser than `min`.
    fn at(&self, min: u8) -> String {
        if self.prec < min {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// How a test is written positively and negated.
enum Form {
    /// Never null: the negation is `neg`.
    Total { pos: Part, neg: Part },
    /// Null only for a missing field: negated, `x IS NULL OR neg`.
    Plain { pos: Part, neg: Part },
    /// May be null for a present field too: negated, `NOT COALESCE(pos, false)`.
    Nullable { pos: Part },
}

fn join(parts: Vec<Part>, sep: &str, prec: u8) -> Part {
    if parts.len() == 1 {
        return parts
            .into_iter()
            .next()
            .unwrap_or(Part::new(String::new(), ATOM));
    }
    let text = chain(parts.iter().map(|p| p.at(prec)).collect(), sep);
    Part::new(text, prec)
}

fn join_all(parts: Vec<Part>, all: bool) -> Part {
    if all {
        join(parts, " AND ", AND)
    } else {
        join(parts, " OR ", OR)
    }
}

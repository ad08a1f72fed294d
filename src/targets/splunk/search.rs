//! Filters in search-command syntax.
//!
//! The search command binds OR tighter than AND (Splunk docs, "Boolean
//! expressions": search evaluates NOT, then OR, then AND), and AND is implied
//! between terms. The printer adds parentheses only where that order needs
//! them, keeps the author's, writes the outermost AND as juxtaposition and any
//! nested AND explicitly.

use super::Printer;
use super::quote::{quoted, quoted_text, search_text};
use crate::ir::{Filter, Keyword, Ordering, Pred, Test, Text, TextPart, Value};

/// Binding strengths in the search command.
const AND: u8 = 1;
const OR: u8 = 2;
const NOT: u8 = 3;
const ATOM: u8 = 4;

impl Printer<'_> {
    /// True if the search command can express `f` exactly.
    pub(super) fn searchable(&self, f: &Filter) -> bool {
        match f {
            Filter::True => true,
            Filter::And(v) | Filter::Or(v) => v.iter().all(|x| self.searchable(x)),
            Filter::Not(x) | Filter::Group(x) => self.searchable(x),
            Filter::Keyword(k) => !has_literal_star(&k.text) && !has_any_char(&k.text),
            Filter::Pred(p) => match &p.test {
                Test::Eq { value, .. } | Test::Ne { value, .. } => !value_has_star(value),
                Test::In { values, .. } => !values.iter().any(value_has_star),
                Test::Like { patterns, .. } => patterns
                    .iter()
                    .all(|t| !has_literal_star(t) && !has_any_char(t)),
                Test::Cidr { .. } | Test::Cmp { .. } | Test::Exists | Test::IsNull => true,
                Test::Regex { .. } | Test::FieldEq { .. } => false,
            },
        }
    }

    /// Prints a filter as the body of a search. `top` joins the outermost
    /// conjunction by spaces (it continues the base search's terms).
    pub(super) fn search_filter(&self, f: &Filter, top: bool) -> String {
        self.search_prec(f, 0, top).0
    }

    fn search_prec(&self, f: &Filter, min: u8, top: bool) -> (String, u8) {
        let (text, prec) = match f {
            Filter::True => ("*".to_string(), ATOM),
            Filter::And(items) => {
                let parenthesized = AND < min;
                let implied = top && !parenthesized && !self.hints.borrow().explicit_and;
                let sep = if implied { " " } else { " AND " };
                let parts: Vec<String> = items
                    .iter()
                    .map(|x| self.search_prec(x, AND, false).0)
                    .collect();
                (parts.join(sep), AND)
            }
            Filter::Or(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|x| self.search_prec(x, OR, false).0)
                    .collect();
                (parts.join(" OR "), OR)
            }
            Filter::Not(x) => (format!("NOT {}", self.search_prec(x, NOT, false).0), NOT),
            Filter::Group(x) => (format!("({})", self.search_prec(x, 0, false).0), ATOM),
            Filter::Keyword(k) => (self.keyword(k), ATOM),
            Filter::Pred(p) => self.search_pred(p),
        };
        if prec < min {
            (format!("({text})"), ATOM)
        } else {
            (text, prec)
        }
    }

    fn keyword(&self, k: &Keyword) -> String {
        let body = quoted_text(&k.text);
        if k.cased {
            format!("CASE({body})")
        } else {
            body
        }
    }

    fn search_pred(&self, p: &Pred) -> (String, u8) {
        let field = self.search_field(&p.field);
        // A value the author quoted though it needs no quotes keeps them.
        let quote = || self.hints.borrow().quoted.contains(&p.span);
        match &p.test {
            Test::Eq { value, cased } => (
                format!("{field}={}", self.search_value_as(value, *cased, quote())),
                ATOM,
            ),
            Test::Ne { value, cased } => (
                format!("{field}!={}", self.search_value_as(value, *cased, quote())),
                ATOM,
            ),
            // `CASE()` is a term directive; inside `IN (...)` Splunk does not
            // document it, so a cased list is spelled out as alternatives.
            Test::In {
                values,
                cased: true,
            } => {
                let parts: Vec<String> = values
                    .iter()
                    .map(|v| format!("{field}={}", self.search_value(v, true)))
                    .collect();
                (format!("({})", parts.join(" OR ")), ATOM)
            }
            Test::In {
                values,
                cased: false,
            } => {
                let list = values.join_with(|v| self.search_value(v, false));
                (format!("{field} IN ({list})"), ATOM)
            }
            Test::Like {
                patterns,
                all,
                cased,
            } => {
                let one = |t: &Text| {
                    let body = quoted_text(t);
                    if *cased {
                        format!("CASE({body})")
                    } else {
                        body
                    }
                };
                if patterns.len() == 1 {
                    (format!("{field}={}", one(&patterns.items[0])), ATOM)
                } else if *all {
                    let parts: Vec<String> = patterns
                        .iter()
                        .map(|t| format!("{field}={}", one(t)))
                        .collect();
                    (format!("({})", parts.join(" AND ")), ATOM)
                } else {
                    (
                        format!("{field} IN ({})", patterns.join_with(|t| one(t))),
                        ATOM,
                    )
                }
            }
            Test::Cidr { ranges } => {
                if ranges.len() == 1 {
                    (
                        format!("{field}={}", self.search_value(&ranges.items[0], false)),
                        ATOM,
                    )
                } else {
                    // CIDR matching is documented for `field=range` terms;
                    // an OR of them is sure to match as ranges.
                    let terms: Vec<String> = ranges
                        .iter()
                        .map(|v| format!("{field}={}", self.search_value(v, false)))
                        .collect();
                    (terms.join(" OR "), OR)
                }
            }
            Test::Cmp { op, value } => {
                let op = match op {
                    Ordering::Lt => "<",
                    Ordering::Le => "<=",
                    Ordering::Gt => ">",
                    Ordering::Ge => ">=",
                };
                (
                    format!("{field}{op}{}", self.search_value(value, false)),
                    ATOM,
                )
            }
            Test::Exists => (format!("{field}=*"), ATOM),
            Test::IsNull => (format!("NOT {field}=*"), NOT),
            // Not searchable: the caller routes these to `where`.
            Test::Regex { .. } | Test::FieldEq { .. } => (String::new(), ATOM),
        }
    }

    /// A field name in search context.
    pub(super) fn search_field(&self, f: &crate::ir::FieldRef) -> String {
        let name = self.field_name(f);
        if f.quoted { quoted(&name) } else { name }
    }

    /// A value in search context.
    fn search_value(&self, v: &Value, cased: bool) -> String {
        self.search_value_as(v, cased, false)
    }

    /// A value in search context, text in quotes if `quote`.
    fn search_value_as(&self, v: &Value, cased: bool, quote: bool) -> String {
        let s = match v {
            Value::Str(t) if quote => quoted_text(t),
            Value::Str(t) => search_text(t),
            Value::Int(i) => i.to_string(),
            Value::Float(_, text) => text.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".to_string(),
            Value::Param(n) => format!("{{{n}}}"),
        };
        if cased { format!("CASE({s})") } else { s }
    }
}

fn value_has_star(v: &Value) -> bool {
    matches!(v, Value::Str(t) if has_literal_star(t))
}

fn has_literal_star(t: &Text) -> bool {
    t.parts
        .iter()
        .any(|p| matches!(p, TextPart::Lit(s) if s.contains('*')))
}

fn has_any_char(t: &Text) -> bool {
    t.parts.iter().any(|p| matches!(p, TextPart::AnyChar))
}

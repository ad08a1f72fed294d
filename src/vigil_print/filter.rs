//! Filters, with the grammar's precedence: `or` < `and` < `not` < tests.
//! Parentheses the author wrote (`Group`) are printed; others are added only
//! where precedence needs them.

use super::Printer;
use super::quote::{self, regex, string};
use crate::ir::pattern::Shape;
use crate::ir::{Filter, List, Ordering, Pred, Regex, Test, Text, Value};

const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const PRED: u8 = 4;
const ATOM: u8 = 5;

/// A top-level filter longer than this puts each operand on its own line.
const WIDTH: usize = 100;

impl Printer<'_> {
    /// `search <filter>`, broken before each top-level `and`/`or` when long.
    pub(super) fn search_head(&mut self) -> String {
        let f = &self.det.filter;
        let and = if self.det.hints.explicit_and {
            "AND"
        } else {
            "and"
        };
        let one = format!("search {}", self.top_filter(f, and));
        if one.len() <= WIDTH {
            return one;
        }
        let (items, op, child) = match f {
            Filter::And(v) => (v, and, NOT),
            Filter::Or(v) => (v, "or", AND),
            _ => return one,
        };
        let parts: Vec<String> = items.iter().map(|i| self.filter(i, child)).collect();
        format!("search {}", parts.join(&format!("\n   {op} ")))
    }

    /// A whole filter, its top-level conjunction joined by `and` (which is
    /// `AND` where the author wrote SPL's explicit `AND`).
    pub(super) fn top_filter(&mut self, f: &Filter, and: &str) -> String {
        match f {
            Filter::And(v) => self.join_filters(v, &format!(" {and} "), NOT),
            other => self.filter(other, 0),
        }
    }

    /// A filter at binding strength `min` (parenthesized if looser).
    pub(super) fn filter(&mut self, f: &Filter, min: u8) -> String {
        let (text, prec) = match f {
            Filter::True => {
                self.error(
                    self.det.filter_span,
                    "an always-true test has no Vigil form inside a filter",
                );
                (String::new(), ATOM)
            }
            Filter::And(v) => (self.join_filters(v, " and ", NOT), AND),
            Filter::Or(v) => (self.join_filters(v, " or ", AND), OR),
            Filter::Not(x) => match x.as_ref() {
                // The forms the parser itself lowers to `not (...)`.
                Filter::Pred(
                    p @ Pred {
                        test: Test::IsNull, ..
                    },
                ) => (
                    format!("{} is not null", self.field(&p.field, p.span)),
                    PRED,
                ),
                Filter::Pred(
                    p @ Pred {
                        test: Test::In { values, cased },
                        ..
                    },
                ) => {
                    let f = self.field(&p.field, p.span);
                    let list = self.values(values, p);
                    (format!("{f} not in {list}{}", cased_kw(*cased)), PRED)
                }
                inner => (format!("not {}", self.filter(inner, NOT)), NOT),
            },
            Filter::Group(x) => (format!("({})", self.filter(x, 0)), ATOM),
            Filter::Keyword(k) => {
                self.error(
                    k.span,
                    format!(
                        "Vigil has no full-text search: the keyword {} must be a test on a field",
                        k.text
                    ),
                );
                (String::new(), ATOM)
            }
            Filter::Pred(p) => self.pred(p),
        };
        if prec < min {
            format!("({text})")
        } else {
            text
        }
    }

    fn join_filters(&mut self, items: &[Filter], sep: &str, child: u8) -> String {
        items
            .iter()
            .map(|i| self.filter(i, child))
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// `(a, b)` keeping the author's separators.
    fn values(&mut self, l: &List<Value>, p: &Pred) -> String {
        let items: Vec<String> = l.iter().map(|v| self.value(v, p)).collect();
        list(&items, l)
    }

    fn value(&mut self, v: &Value, p: &Pred) -> String {
        quote::value(v, true).unwrap_or_else(|| {
            self.error(p.span, "this number has no Vigil literal");
            String::new()
        })
    }

    fn pred(&mut self, p: &Pred) -> (String, u8) {
        let f = self.field(&p.field, p.span);
        match &p.test {
            Test::Eq { value, cased } => (
                format!("{f} == {}{}", self.value(value, p), cased_kw(*cased)),
                PRED,
            ),
            Test::Ne { value, cased } => (
                format!("{f} != {}{}", self.value(value, p), cased_kw(*cased)),
                PRED,
            ),
            Test::In { values, cased } => (
                format!("{f} in {}{}", self.values(values, p), cased_kw(*cased)),
                PRED,
            ),
            Test::Like {
                patterns,
                all,
                cased,
            } => (text_test(&f, patterns, *all, *cased), PRED),
            Test::Regex { patterns, all } => {
                let items: Vec<String> = patterns.iter().map(regex_with_flags).collect();
                (
                    format!("{f} matches {}{}", all_kw(*all), operands(&items, patterns)),
                    PRED,
                )
            }
            Test::Cidr { ranges } => {
                let items: Vec<String> = ranges.iter().map(|v| self.value(v, p)).collect();
                (format!("{f} cidr {}", operands(&items, ranges)), PRED)
            }
            Test::Cmp { op, value } => {
                let op = match op {
                    Ordering::Lt => "<",
                    Ordering::Le => "<=",
                    Ordering::Gt => ">",
                    Ordering::Ge => ">=",
                };
                (format!("{f} {op} {}", self.value(value, p)), PRED)
            }
            Test::Exists => (format!("{f} exists"), PRED),
            Test::IsNull => (format!("{f} is null"), PRED),
            Test::FieldEq { other } => {
                let o = self.field(other, p.span);
                (format!("{f} == {o}"), PRED)
            }
        }
    }
}

/// ` cased` or nothing.
fn cased_kw(cased: bool) -> &'static str {
    if cased { " cased" } else { "" }
}

/// `all ` or nothing.
fn all_kw(all: bool) -> &'static str {
    if all { "all " } else { "" }
}

/// One operand bare, several as a list.
fn operands<T>(items: &[String], l: &List<T>) -> String {
    if items.len() == 1 {
        items[0].clone()
    } else {
        list(items, l)
    }
}

/// `(a, b)` or `(a b)` as the author separated the items.
fn list<T>(items: &[String], l: &List<T>) -> String {
    let mut out = String::from("(");
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(match l.sep_after(i - 1) {
                crate::ir::Sep::Comma => ", ",
                crate::ir::Sep::Space => " ",
            });
        }
        out.push_str(it);
    }
    out.push(')');
    out
}

/// `like` / `contains` / `startswith` / `endswith`, whichever names every
/// pattern's shape (the parser adds the same wildcards back).
fn text_test(field: &str, patterns: &List<Text>, all: bool, cased: bool) -> String {
    let shaped: Vec<(&str, Text)> = patterns.iter().map(shape).collect();
    let op = shaped.first().map_or("like", |s| s.0);
    let (op, items): (&str, Vec<String>) = if shaped.iter().all(|s| s.0 == op) {
        (op, shaped.iter().map(|s| string(&s.1)).collect())
    } else {
        ("like", patterns.iter().map(string).collect())
    };
    let cased = if cased { " cased" } else { "" };
    format!(
        "{field} {op} {}{}{cased}",
        all_kw(all),
        operands(&items, patterns)
    )
}

/// The text operator that adds exactly this pattern's outer wildcards, and
/// the text inside them.
fn shape(t: &Text) -> (&'static str, Text) {
    let (s, inner) = t.shape();
    let op = match s {
        Shape::Contains => "contains",
        Shape::StartsWith => "startswith",
        Shape::EndsWith => "endswith",
        Shape::Exact | Shape::General => "like",
    };
    (op, inner)
}

/// A regular expression, its flags written inline (Vigil has no flag syntax).
fn regex_with_flags(r: &Regex) -> String {
    let mut flags = String::new();
    if r.flags.ignore_case {
        flags.push('i');
    }
    if r.flags.multiline {
        flags.push('m');
    }
    if r.flags.dot_all {
        flags.push('s');
    }
    if flags.is_empty() {
        return regex(&r.pattern);
    }
    let mut t = Text::lit(format!("(?{flags})"));
    for part in &r.pattern.parts {
        t.push(part.clone());
    }
    regex(&t)
}

//! Filters (search semantics) as Kusto `where` conditions.
//!
//! Kusto strings are never null: a missing string column reads `""`, and
//! `tostring()` of a missing dynamic property is `""`. Every positive test
//! is written so that it is false for `""` (a test that could hold for the
//! empty text, such as the pattern `*` or `==""`, also tests
//! `isnotempty`), so `not(...)` holds for a missing field as Vigil's `not`
//! does (docs/semantics.md S5). Case-insensitive tests use Kusto's
//! case-insensitive operators (`=~`, `in~`, `startswith`, `endswith`,
//! `contains`, `has`); `cased` ones their `_cs` forms; other wildcard
//! patterns become anchored RE2 regular expressions with `(?i)`.

use super::quote::{regex_literal, string};
use super::schema::{Col, Ty};
use super::{Printer, as_string, joined, present};
use crate::ir::{Filter, Keyword, Ordering, Pred, Regex, Test, Text, TextPart, Value};

const OR: u8 = 1;
const AND: u8 = 2;
const ATOM: u8 = 3;

impl Printer<'_> {
    /// A filter as a `where` condition.
    pub(super) fn filter(&mut self, f: &Filter) -> String {
        self.prec(f, 0)
    }

    fn prec(&mut self, f: &Filter, min: u8) -> String {
        let (text, p) = self.inner(f);
        if p < min { format!("({text})") } else { text }
    }

    fn inner(&mut self, f: &Filter) -> (String, u8) {
        match f {
            Filter::True => ("true".into(), ATOM),
            Filter::And(v) => (self.join_filters(v, " and ", AND), AND),
            Filter::Or(v) => (self.join_filters(v, " or ", OR), OR),
            Filter::Not(x) => (format!("not({})", self.prec(x, 0)), ATOM),
            Filter::Group(x) => (format!("({})", self.prec(x, 0)), ATOM),
            Filter::Keyword(k) => (self.keyword(k), ATOM),
            Filter::Pred(p) => match self.pred(p) {
                Some((t, prec)) => (t, prec),
                None => ("false".into(), ATOM),
            },
        }
    }

    fn join_filters(&mut self, v: &[Filter], sep: &str, prec: u8) -> String {
        v.iter()
            .map(|x| self.prec(x, prec))
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// A keyword: whole terms in any column (`* has`), a wildcard at an end
    /// lifting that end's boundary (docs/semantics.md S12).
    fn keyword(&mut self, k: &Keyword) -> String {
        let parts = &k.text.parts;
        let cs = if k.cased { "_cs" } else { "" };
        let lit = |p: Option<&TextPart>| match p {
            Some(TextPart::Lit(s)) => Some(s.clone()),
            _ => None,
        };
        let (op, word) = match parts.as_slice() {
            [TextPart::Lit(s)] => ("has", s.clone()),
            [TextPart::Lit(s), TextPart::AnyString] => ("hasprefix", s.clone()),
            [TextPart::AnyString, TextPart::Lit(s)] => ("hassuffix", s.clone()),
            [TextPart::AnyString, m, TextPart::AnyString] if lit(Some(m)).is_some() => {
                ("contains", lit(Some(m)).unwrap_or_default())
            }
            _ => {
                self.error(
                    k.span,
                    "Kusto searches every column only for a term, a prefix, a suffix or a substring: this keyword has a wildcard or parameter inside",
                    "keyword",
                    Some("test a field instead"),
                );
                return "false".into();
            }
        };
        format!("* {op}{cs} {}", string(&word))
    }

    /// One test; `None` after an error.
    fn pred(&mut self, p: &Pred) -> Option<(String, u8)> {
        let saved = self.at;
        self.at = p.span;
        let c = self.col(&p.field);
        self.at = saved;
        let c = c?;
        if c.array {
            return self.array_test(p, &c);
        }
        let s = as_string(&c);
        Some(match &p.test {
            Test::Exists
            | Test::Ne {
                value: Value::Null, ..
            } => (present(&c), ATOM),
            Test::IsNull
            | Test::Eq {
                value: Value::Null, ..
            } => (format!("not({})", present(&c)), ATOM),
            Test::Eq { value, cased } => self.eq(p, &c, value, *cased)?,
            Test::Ne { value, cased } => {
                let (eq, _) = self.eq(p, &c, value, *cased)?;
                (format!("{} and not({eq})", present(&c)), AND)
            }
            Test::In { values, cased } => {
                let mut lits = Vec::new();
                let mut others = Vec::new();
                for v in values.iter() {
                    match v {
                        Value::Str(t) if t.as_literal().is_some_and(|l| !l.is_empty()) => {
                            lits.push(string(&t.as_literal().unwrap_or_default()))
                        }
                        _ => others.push(self.eq(p, &c, v, *cased)?.0),
                    }
                }
                if !lits.is_empty() {
                    let op = if *cased { "in" } else { "in~" };
                    others.insert(0, format!("{s} {op} ({})", lits.join(", ")));
                }
                if others.len() == 1 {
                    (others.remove(0), ATOM)
                } else {
                    (others.join(" or "), OR)
                }
            }
            Test::Like {
                patterns,
                all,
                cased,
            } => {
                let mut parts = Vec::new();
                for t in patterns.iter() {
                    parts.push(self.like(p, &c, t, *cased)?);
                }
                join_all(parts, *all)
            }
            Test::Regex { patterns, all } => {
                let mut parts = Vec::new();
                for r in patterns.iter() {
                    parts.push(self.regex_test(p, &c, r)?);
                }
                join_all(parts, *all)
            }
            Test::Cidr { ranges } => {
                let mut parts = Vec::new();
                for r in ranges.iter() {
                    let range = match r {
                        Value::Str(t) => self.text(t)?,
                        Value::Param(n) => self.param(n),
                        _ => {
                            self.error(p.span, "not a CIDR range", "CIDR test", None);
                            return None;
                        }
                    };
                    let lit = match r {
                        Value::Str(t) => t.as_literal(),
                        _ => None,
                    };
                    let f = if lit.is_some_and(|l| l.contains(':')) {
                        "ipv6_is_in_range"
                    } else {
                        "ipv4_is_in_range"
                    };
                    // A value that is not an address gives null: coalesce to
                    // false so that `not(...)` holds for it.
                    parts.push(format!("coalesce({f}({s}, {range}), false)"));
                }
                join_all(parts, false)
            }
            Test::Cmp { op, value } => {
                let op = match op {
                    Ordering::Lt => "<",
                    Ordering::Le => "<=",
                    Ordering::Gt => ">",
                    Ordering::Ge => ">=",
                };
                let (lhs, rhs) = match value {
                    Value::Int(_) | Value::Float(..) => (self.number(&c), self.value(value)?),
                    Value::Param(n) if self.param_is_number(n) => {
                        (self.number(&c), self.value(value)?)
                    }
                    _ if c.ty == Ty::Time => (c.text.clone(), self.time_value(p, value)?),
                    // Kusto orders strings only through `strcmp`.
                    _ => {
                        let v = self.value(value)?;
                        return Some((format!("{} and strcmp({s}, {v}) {op} 0", present(&c)), AND));
                    }
                };
                (format!("coalesce({lhs} {op} {rhs}, false)"), ATOM)
            }
            Test::FieldEq { other } => {
                let o = self.col(other)?;
                let os = as_string(&o);
                (format!("{} and {s} =~ {os}", present(&c)), AND)
            }
        })
    }

    /// `f == value` (positive form, false for a missing field).
    fn eq(&mut self, p: &Pred, c: &Col, value: &Value, cased: bool) -> Option<(String, u8)> {
        let s = as_string(c);
        let op = if cased { "==" } else { "=~" };
        Some(match value {
            Value::Str(t) => {
                let v = self.text(t)?;
                if t.as_literal().is_some_and(|l| l.is_empty()) {
                    self.warn(
                        p.span,
                        "Kusto strings are never null: `== \"\"` also holds where the field is missing",
                        "empty-text test",
                    );
                    (format!("{s} == \"\""), ATOM)
                } else {
                    (format!("{s} {op} {v}"), ATOM)
                }
            }
            Value::Int(_) | Value::Float(..) => {
                let n = self.value(value)?;
                (format!("coalesce({} == {n}, false)", self.number(c)), ATOM)
            }
            Value::Bool(b) => (format!("{s} =~ \"{b}\""), ATOM),
            Value::Param(n) => {
                let v = self.param(n);
                if self.param_is_number(n) {
                    (format!("coalesce({} == {v}, false)", self.number(c)), ATOM)
                } else {
                    (format!("{s} {op} tostring({v})"), ATOM)
                }
            }
            Value::Null => (format!("not({})", present(c)), ATOM),
        })
    }

    /// A wildcard pattern.
    fn like(&mut self, p: &Pred, c: &Col, t: &Text, cased: bool) -> Option<String> {
        let s = as_string(c);
        let cs = if cased { "_cs" } else { "" };
        let lit = |x: &TextPart| match x {
            TextPart::Lit(l) => Some(l.clone()),
            _ => None,
        };
        let simple = match t.parts.as_slice() {
            [] => Some(format!("{s} == \"\"")),
            [TextPart::AnyString] => Some(present(c)),
            [x] => lit(x).map(|l| {
                let op = if cased { "==" } else { "=~" };
                format!("{s} {op} {}", string(&l))
            }),
            [x, TextPart::AnyString] => {
                lit(x).map(|l| format!("{s} startswith{cs} {}", string(&l)))
            }
            [TextPart::AnyString, x] => lit(x).map(|l| format!("{s} endswith{cs} {}", string(&l))),
            [TextPart::AnyString, x, TextPart::AnyString] => {
                lit(x).map(|l| format!("{s} contains{cs} {}", string(&l)))
            }
            _ => None,
        };
        if let Some(x) = simple {
            return Some(x);
        }
        let mut re = String::from(if cased { "(?s)^" } else { "(?is)^" });
        for part in &t.parts {
            match part {
                TextPart::Lit(l) => re.push_str(&regex_literal(l)),
                TextPart::AnyString => re.push_str(".*"),
                TextPart::AnyChar => re.push('.'),
                TextPart::Param(_) => {
                    self.error(
                        p.span,
                        "a wildcard pattern cannot contain a parameter without a value",
                        "pattern with a parameter",
                        Some("pass the value with --param NAME=VALUE"),
                    );
                    return None;
                }
            }
        }
        re.push('$');
        let test = format!("{s} matches regex {}", string(&re));
        // `^.*$`-like patterns match the empty text a missing field reads as.
        if regex::Regex::new(&re).is_ok_and(|r| r.is_match("")) {
            Some(format!("({} and {test})", present(c)))
        } else {
            Some(test)
        }
    }

    /// `matches regex`, with the flags written into the pattern.
    fn regex_test(&mut self, p: &Pred, c: &Col, r: &Regex) -> Option<String> {
        let re = self.re2(p.span, r)?;
        let test = format!("{} matches regex {}", as_string(c), string(&re));
        if regex::Regex::new(&re).is_ok_and(|x| x.is_match("")) {
            Some(format!("({} and {test})", present(c)))
        } else {
            Some(test)
        }
    }

    /// A test on an array (`shields[]`): holds if it holds for any element.
    fn array_test(&mut self, p: &Pred, c: &Col) -> Option<(String, u8)> {
        // The elements' JSON text, folded for case-insensitive tests, read
        // back as an array: `set_has_element` then compares element-wise.
        let folded = format!("parse_json(tolower(tostring({})))", c.text);
        let one = |me: &mut Self, v: &Value, cased: bool| -> Option<String> {
            let arr = if cased {
                c.text.clone()
            } else {
                folded.clone()
            };
            let v = match v {
                Value::Str(t) => match t.as_literal() {
                    Some(l) if !cased => string(&l.to_lowercase()),
                    _ => me.text(t)?,
                },
                Value::Param(n) if cased => me.param(n),
                Value::Param(n) => format!("tolower({})", me.param(n)),
                other => me.value(other)?,
            };
            Some(format!("set_has_element({arr}, {v})"))
        };
        Some(match &p.test {
            Test::Exists => (format!("array_length({}) > 0", c.text), ATOM),
            Test::IsNull => (format!("not(array_length({}) > 0)", c.text), ATOM),
            Test::Eq { value, cased } => (one(self, value, *cased)?, ATOM),
            Test::In { values, cased } => {
                let mut v = Vec::new();
                for x in values.iter() {
                    v.push(one(self, x, *cased)?);
                }
                join_all(v, false)
            }
            Test::Like {
                patterns,
                all,
                cased,
            } => {
                let mut v = Vec::new();
                for t in patterns.iter() {
                    match t.parts.as_slice() {
                        [TextPart::AnyString, TextPart::Lit(l), TextPart::AnyString]
                            if !l.contains('\n') =>
                        {
                            let cs = if *cased { "_cs" } else { "" };
                            v.push(format!("{} contains{cs} {}", joined(c), string(l)));
                        }
                        _ => return self.array_refused(p),
                    }
                }
                join_all(v, *all)
            }
            Test::Regex { patterns, all } => {
                let mut v = Vec::new();
                for r in patterns.iter() {
                    if let Some(l) = literal_regex(r) {
                        v.push(format!("{} contains_cs {}", joined(c), string(&l)));
                    } else if let Some(ls) = anchored_literals(r) {
                        v.push(any_element(c, &ls));
                    } else {
                        return self.array_refused(p);
                    }
                }
                join_all(v, *all)
            }
            _ => return self.array_refused(p),
        })
    }

    fn array_refused(&mut self, p: &Pred) -> Option<(String, u8)> {
        self.error(
            p.span,
            "this test on an array would need each element expanded (`mv-expand`), which changes the rows",
            "test on an array",
            Some("test equality (`==`, `in`) or a substring, or expand the values first with `| mvexpand`"),
        );
        None
    }

    /// A text value with parameters: a literal, or `strcat(...)`.
    pub(super) fn text(&mut self, t: &Text) -> Option<String> {
        if let Some(l) = t.as_literal() {
            return Some(string(&l));
        }
        let mut parts = Vec::new();
        for p in &t.parts {
            match p {
                TextPart::Lit(l) => parts.push(string(l)),
                TextPart::Param(n) => parts.push(format!("tostring({})", self.param(n))),
                TextPart::AnyString | TextPart::AnyChar => {
                    self.error(
                        self.at,
                        "a wildcard cannot stand in this value",
                        "value with a wildcard",
                        None,
                    );
                    return None;
                }
            }
        }
        Some(if parts.len() == 1 {
            parts.remove(0)
        } else {
            format!("strcat({})", parts.join(", "))
        })
    }

    /// The column as a number (`todouble` unless it is one).
    fn number(&self, c: &Col) -> String {
        match c.ty {
            Ty::Num => c.text.clone(),
            _ => format!("todouble({})", c.text),
        }
    }

    fn param_is_number(&self, n: &str) -> bool {
        self.det
            .params
            .iter()
            .any(|p| p.name == n && p.ty == crate::ir::ParamType::Number)
    }

    /// A value compared with a datetime column: epoch seconds or a date.
    fn time_value(&mut self, p: &Pred, v: &Value) -> Option<String> {
        match v {
            Value::Str(t) => Some(format!("todatetime({})", self.text(t)?)),
            _ => {
                self.error(
                    p.span,
                    "a time compares with a date",
                    "time comparison",
                    None,
                );
                None
            }
        }
    }

    /// A literal value.
    pub(super) fn value(&mut self, v: &Value) -> Option<String> {
        Some(match v {
            Value::Str(t) => self.text(t)?,
            Value::Int(n) => n.to_string(),
            Value::Float(_, text) => format!("real({text})"),
            Value::Bool(b) => b.to_string(),
            Value::Null => "dynamic(null)".into(),
            Value::Param(n) => self.param(n),
        })
    }
}

/// Some element of the array equals one of `values` (case-sensitively).
pub(super) fn any_element(c: &Col, values: &[String]) -> String {
    let tests: Vec<String> = values
        .iter()
        .map(|v| format!("set_has_element({}, {})", c.text, string(v)))
        .collect();
    format!("({})", tests.join(" or "))
}

/// The text a regular expression matches if it is a plain literal without
/// a newline (no flags, no metacharacters): searching the elements joined
/// by newlines for it finds exactly the elements that contain it.
pub(super) fn literal_regex(r: &Regex) -> Option<String> {
    if r.flags != Default::default() {
        return None;
    }
    let src = r.pattern.as_literal()?;
    let hir = regex_syntax::Parser::new().parse(&src).ok()?;
    match hir.kind() {
        regex_syntax::hir::HirKind::Literal(l) => {
            let s = std::str::from_utf8(&l.0).ok()?;
            (!s.contains('\n')).then(|| s.to_string())
        }
        _ => None,
    }
}

/// The texts a regular expression matches if it is `^(l1|l2|...)$` (or
/// `^l$`) of plain literals, without flags: a whole-value equality test.
pub(super) fn anchored_literals(r: &Regex) -> Option<Vec<String>> {
    use regex_syntax::hir::{HirKind, Look};
    if r.flags != Default::default() {
        return None;
    }
    let hir = regex_syntax::Parser::new()
        .parse(&r.pattern.as_literal()?)
        .ok()?;
    let HirKind::Concat(items) = hir.kind() else {
        return None;
    };
    let [start, body, end] = items.as_slice() else {
        return None;
    };
    if !matches!(start.kind(), HirKind::Look(Look::Start))
        || !matches!(end.kind(), HirKind::Look(Look::End))
    {
        return None;
    }
    let body = match body.kind() {
        HirKind::Capture(c) => &*c.sub,
        _ => body,
    };
    let lit = |h: &regex_syntax::hir::Hir| match h.kind() {
        HirKind::Literal(l) => std::str::from_utf8(&l.0).ok().map(str::to_string),
        _ => None,
    };
    match body.kind() {
        HirKind::Alternation(alts) => alts.iter().map(lit).collect(),
        _ => lit(body).map(|l| vec![l]),
    }
}

fn join_all(parts: Vec<String>, all: bool) -> (String, u8) {
    if parts.len() == 1 {
        return (parts.into_iter().next().unwrap_or_default(), AND);
    }
    if all {
        (parts.join(" and "), AND)
    } else {
        (parts.join(" or "), OR)
    }
}

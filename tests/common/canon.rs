//! A canonical text for a filter's meaning, so filters that two readers
//! build differently (Vigil's `f in (a, b)` and Sigma's `f: [a, b]`, `!=`
//! and `exists` + `neq`, parentheses, operand order) compare equal exactly
//! when they test the same things.
#![allow(dead_code)]

use std::fmt::Write;
use std::net::IpAddr;

use vigil::ir::{Filter, Ordering, Pred, Test, Text, TextPart, Value};

/// A boolean tree with leaves as text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum C {
    Leaf(String),
    Not(Box<C>),
    And(Vec<C>),
    Or(Vec<C>),
}

/// The canonical text of a filter.
pub fn filter(f: &Filter) -> String {
    render(&norm(tree(f)))
}

fn tree(f: &Filter) -> C {
    match f {
        Filter::True => C::And(Vec::new()),
        Filter::Group(x) => tree(x),
        Filter::And(v) => C::And(v.iter().map(tree).collect()),
        Filter::Or(v) => C::Or(v.iter().map(tree).collect()),
        Filter::Not(x) => C::Not(Box::new(tree(x))),
        Filter::Keyword(k) => C::Leaf(format!(
            "keyword {}{}",
            text(&k.text),
            if k.cased { " cased" } else { "" }
        )),
        Filter::Pred(p) => pred(p),
    }
}

fn norm(c: C) -> C {
    match c {
        C::Leaf(_) => c,
        C::Not(x) => match norm(*x) {
            C::Not(y) => *y,
            other => C::Not(Box::new(other)),
        },
        C::And(v) | C::Or(v) if v.len() == 1 => norm(v.into_iter().next().unwrap()),
        C::And(v) => nary(v, true),
        C::Or(v) => nary(v, false),
    }
}

fn nary(v: Vec<C>, and: bool) -> C {
    let mut out = Vec::new();
    for c in v.into_iter().map(norm) {
        match (c, and) {
            (C::And(inner), true) | (C::Or(inner), false) => out.extend(inner),
            (c, _) => out.push(c),
        }
    }
    out.sort();
    out.dedup();
    if out.len() == 1 {
        return out.pop().unwrap();
    }
    if and { C::And(out) } else { C::Or(out) }
}

fn render(c: &C) -> String {
    match c {
        C::Leaf(s) => s.clone(),
        C::Not(x) => format!("(not {})", render(x)),
        C::And(v) => format!(
            "(and {})",
            v.iter().map(render).collect::<Vec<_>>().join(" ")
        ),
        C::Or(v) => format!(
            "(or {})",
            v.iter().map(render).collect::<Vec<_>>().join(" ")
        ),
    }
}

fn text(t: &Text) -> String {
    let mut out = String::from("\"");
    for p in &t.parts {
        match p {
            TextPart::Lit(s) => {
                let _ = write!(out, "{}", s.escape_debug());
            }
            TextPart::AnyString => out.push_str("<*>"),
            TextPart::AnyChar => out.push_str("<?>"),
            TextPart::Param(n) => {
                let _ = write!(out, "<{{{n}}}>");
            }
        }
    }
    out.push('"');
    out
}

fn value(v: &Value) -> String {
    match v {
        Value::Str(t) => text(t),
        Value::Param(n) => format!("\"<{{{n}}}>\""),
        Value::Int(i) => format!("{}", *i as f64),
        Value::Float(f, _) => format!("{f}"),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
    }
}

fn is_text(v: &Value) -> bool {
    matches!(v, Value::Str(_) | Value::Param(_))
}

fn eq(field: &str, v: &Value, cased: bool) -> C {
    if *v == Value::Null {
        return C::Leaf(format!("{field} is null"));
    }
    let cased = if cased && is_text(v) { " cased" } else { "" };
    C::Leaf(format!("{field} == {}{cased}", value(v)))
}

fn combine(items: Vec<C>, all: bool) -> C {
    if all { C::And(items) } else { C::Or(items) }
}

fn pred(p: &Pred) -> C {
    let f = p.field.path.to_string();
    match &p.test {
        Test::Eq { value, cased } => eq(&f, value, *cased),
        Test::Ne { value, cased } => C::And(vec![
            C::Leaf(format!("{f} exists")),
            C::Not(Box::new(eq(&f, value, *cased))),
        ]),
        Test::In { values, cased } => C::Or(values.iter().map(|v| eq(&f, v, *cased)).collect()),
        Test::Like {
            patterns,
            all,
            cased,
        } => combine(
            patterns
                .iter()
                .map(|t| {
                    if t.has_wildcards() {
                        let c = if *cased { " cased" } else { "" };
                        C::Leaf(format!("{f} like {}{c}", text(t)))
                    } else {
                        eq(&f, &Value::Str(t.clone()), *cased)
                    }
                })
                .collect(),
            *all,
        ),
        Test::Regex { patterns, all } => combine(
            patterns
                .iter()
                .map(|r| {
                    // Flags mean what the same inline group (`(?i)`) means.
                    let mut flags = String::new();
                    for (on, c) in [
                        (r.flags.ignore_case, 'i'),
                        (r.flags.multiline, 'm'),
                        (r.flags.dot_all, 's'),
                    ] {
                        if on {
                            flags.push(c);
                        }
                    }
                    let mut t = if flags.is_empty() {
                        Text::default()
                    } else {
                        Text::lit(format!("(?{flags})"))
                    };
                    for p in &r.pattern.parts {
                        t.push(p.clone());
                    }
                    C::Leaf(format!("{f} matches {}", text(&t)))
                })
                .collect(),
            *all,
        ),
        Test::Cidr { ranges } => C::Or(
            ranges
                .iter()
                .map(|r| match r {
                    Value::Str(t) => {
                        let s = t.as_literal().unwrap_or_default();
                        C::Leaf(format!("{f} cidr {}", cidr(&s).unwrap_or(s)))
                    }
                    other => C::Leaf(format!("{f} cidr {}", value(other))),
                })
                .collect(),
        ),
        Test::Cmp { op, value: v } => {
            let op = match op {
                Ordering::Lt => "<",
                Ordering::Le => "<=",
                Ordering::Gt => ">",
                Ordering::Ge => ">=",
            };
            C::Leaf(format!("{f} {op} {}", value(v)))
        }
        Test::Exists => C::Leaf(format!("{f} exists")),
        Test::IsNull => C::Leaf(format!("{f} is null")),
        Test::FieldEq { other } => C::Leaf(format!("{f} == field {}", other.path)),
    }
}

/// A range's network (host bits cleared), as pySigma wants it.
fn cidr(s: &str) -> Option<String> {
    let (a, l) = s.split_once('/').unwrap_or((s, ""));
    let ip: IpAddr = a.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len: u32 = if l.is_empty() { max } else { l.parse().ok()? };
    let net = match ip {
        IpAddr::V4(v) => IpAddr::from(std::net::Ipv4Addr::from(
            u32::from(v) & u32::MAX.checked_shl(32 - len).unwrap_or(0),
        )),
        IpAddr::V6(v) => IpAddr::from(std::net::Ipv6Addr::from(
            u128::from(v) & u128::MAX.checked_shl(128 - len).unwrap_or(0),
        )),
    };
    Some(format!("{net}/{len}"))
}

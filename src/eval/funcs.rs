//! The functions of the expression language, with SPL eval meanings.
//!
//! Functions that take one value use the first value of a multi-value;
//! `match`, `like` and `cidrmatch` hold if any value does (like the
//! comparison operators). Regular expressions, wildcard patterns and CIDR
//! ranges written as constants are compiled once, here.

use std::cell::RefCell;

use super::compile::Cx;
use super::expr::{CExpr, Env};
use super::pattern::{Cidr, Wildcard, compile_regex};
use super::row::Field;
use super::splfuncs;
use super::value::{Val, parse_number};
use crate::ir::{Expr, Func, RegexFlags, Value};
use crate::source::Span;

/// A constant argument prepared at compile time.
#[derive(Debug)]
enum Prepared {
    None,
    Regex(regex::Regex),
    Wildcard(Wildcard),
    Cidr(Cidr),
    /// `mvfilter`: the field whose values are filtered.
    Field(Field),
}

/// A compiled call.
#[derive(Debug)]
pub struct CallArgs {
    func: Func,
    args: Vec<CExpr>,
    prepared: Prepared,
    /// The last regular expression compiled from a value (a pattern held in
    /// a field is usually the same from row to row).
    last: RefCell<Option<(String, regex::Regex)>>,
}

/// Compiles a call: its arguments, and its constant pattern if it has one.
pub(crate) fn compile_call(func: Func, args: &[Expr], span: Span, cx: &mut Cx) -> CallArgs {
    let cargs: Vec<CExpr> = args.iter().map(|a| CExpr::new(a, cx, span)).collect();
    let lit_text = |i: usize| match args.get(i) {
        Some(Expr::Lit(Value::Str(t))) => Some(t),
        _ => None,
    };
    let prepared = match func {
        Func::Match | Func::MvFind | Func::Replace => match lit_text(1) {
            Some(t) => match cx.literal(t, span) {
                Some(src) => match compile_regex(&src, RegexFlags::default()) {
                    Ok(re) => Prepared::Regex(re),
                    Err(e) => {
                        cx.error(
                            span,
                            format!("cannot run this regular expression: {e}"),
                            "in this call",
                            "rewrite the expression without the PCRE-only feature to test it",
                        );
                        Prepared::None
                    }
                },
                None => Prepared::None,
            },
            None => Prepared::None,
        },
        Func::Like => match lit_text(1) {
            Some(t) if cx.check_text(t, span) => {
                Wildcard::new(t, true).map_or(Prepared::None, Prepared::Wildcard)
            }
            _ => Prepared::None,
        },
        Func::CidrMatch => match lit_text(0).and_then(|t| cx.literal(t, span)) {
            Some(s) => match Cidr::parse(&s) {
                Some(c) => Prepared::Cidr(c),
                None => {
                    cx.error(span, format!("`{s}` is not a CIDR range"), "here", "");
                    Prepared::None
                }
            },
            None => Prepared::None,
        },
        Func::MvFilter => {
            let mut field = None;
            if let Some(a) = args.first() {
                a.walk(&mut |e| {
                    if let (None, Expr::Field(f)) = (&field, e) {
                        field = Some(Field::new(f));
                    }
                });
            }
            match field {
                Some(f) => Prepared::Field(f),
                None => {
                    cx.error(
                        span,
                        "`mvfilter` needs a condition on a multi-value field",
                        "no field here",
                        "for example mvfilter(match(shields, \"block\"))",
                    );
                    Prepared::None
                }
            }
        }
        _ => Prepared::None,
    };
    CallArgs {
        func,
        args: cargs,
        prepared,
        last: RefCell::new(None),
    }
}

fn text_of(v: &Val) -> Option<String> {
    v.first().text().map(|t| t.into_owned())
}

impl CallArgs {
    fn arg(&self, i: usize, env: &Env<'_>) -> Val {
        self.args.get(i).map_or(Val::Null, |a| a.eval(env))
    }

    /// The regex of argument `i`: prepared, or compiled now from a value.
    fn regex(&self, i: usize, env: &Env<'_>) -> Option<std::borrow::Cow<'_, regex::Regex>> {
        match &self.prepared {
            Prepared::Regex(re) => Some(std::borrow::Cow::Borrowed(re)),
            _ => {
                let src = text_of(&self.arg(i, env))?;
                let mut last = self.last.borrow_mut();
                if let Some((s, re)) = last.as_ref()
                    && *s == src
                {
                    // `Regex` clones share the compiled program.
                    return Some(std::borrow::Cow::Owned(re.clone()));
                }
                let re = compile_regex(&src, RegexFlags::default()).ok()?;
                *last = Some((src, re.clone()));
                Some(std::borrow::Cow::Owned(re))
            }
        }
    }

    /// Evaluates the call.
    pub fn eval(&self, env: &Env<'_>) -> Val {
        let num = |i: usize| self.arg(i, env).number();
        match self.func {
            Func::Case => {
                for pair in self.args.chunks(2) {
                    if let [cond, value] = pair
                        && cond.holds(env)
                    {
                        return value.eval(env);
                    }
                }
                Val::Null
            }
            Func::If => {
                if self.args.first().is_some_and(|c| c.holds(env)) {
                    self.arg(1, env)
                } else {
                    self.arg(2, env)
                }
            }
            Func::Match => {
                let subject = self.arg(0, env);
                if subject.is_null() {
                    return Val::Null;
                }
                let Some(re) = self.regex(1, env) else {
                    return Val::Null;
                };
                Val::Bool(
                    subject
                        .values()
                        .iter()
                        .any(|v| v.text().is_some_and(|t| re.is_match(&t))),
                )
            }
            Func::Like => {
                let subject = self.arg(0, env);
                if subject.is_null() {
                    return Val::Null;
                }
                let dynamic;
                let w = match &self.prepared {
                    Prepared::Wildcard(w) => w,
                    _ => {
                        let Some(p) = text_of(&self.arg(1, env)) else {
                            return Val::Null;
                        };
                        dynamic = like_pattern(&p);
                        &dynamic
                    }
                };
                Val::Bool(
                    subject
                        .values()
                        .iter()
                        .any(|v| v.text().is_some_and(|t| w.matches(&t))),
                )
            }
            Func::MvFind => {
                let subject = self.arg(0, env);
                let Some(re) = self.regex(1, env) else {
                    return Val::Null;
                };
                subject
                    .values()
                    .iter()
                    .position(|v| v.text().is_some_and(|t| re.is_match(&t)))
                    .map_or(Val::Null, |i| Val::Int(i as i64))
            }
            Func::MvCount => match self.arg(0, env) {
                Val::Null => Val::Null,
                v => Val::Int(v.values().len() as i64),
            },
            Func::MvFilter => {
                let Prepared::Field(field) = &self.prepared else {
                    return Val::Null;
                };
                let Some(all) = env.row.get(field) else {
                    return Val::Null;
                };
                let kept: Vec<Val> = all
                    .values()
                    .iter()
                    .filter(|v| {
                        let inner = Env {
                            row: env.row,
                            now: env.now,
                            bound: Some((&field.key, v)),
                        };
                        self.args.first().is_some_and(|p| p.holds(&inner))
                    })
                    .cloned()
                    .collect();
                Val::from_values(kept)
            }
            Func::MvIndex => {
                let v = self.arg(0, env);
                let (Some(i), vals) = (num(1), v.values()) else {
                    return Val::Null;
                };
                let n = vals.len() as i64;
                let i = i as i64;
                let i = if i < 0 { n + i } else { i };
                if v.is_null() || i < 0 || i >= n {
                    Val::Null
                } else {
                    vals[i as usize].clone()
                }
            }
            Func::MvJoin => {
                let v = self.arg(0, env);
                if v.is_null() {
                    return Val::Null;
                }
                let sep = text_of(&self.arg(1, env)).unwrap_or_default();
                Val::Str(
                    v.values()
                        .iter()
                        .filter_map(|x| x.text().map(|t| t.into_owned()))
                        .collect::<Vec<_>>()
                        .join(&sep),
                )
            }
            Func::IsNull => Val::Bool(self.arg(0, env).is_null()),
            Func::IsNotNull => Val::Bool(!self.arg(0, env).is_null()),
            Func::Replace => {
                let (Some(s), Some(re)) = (text_of(&self.arg(0, env)), self.regex(1, env)) else {
                    return Val::Null;
                };
                let repl = text_of(&self.arg(2, env)).unwrap_or_default();
                Val::Str(
                    re.replace_all(&s, spl_replacement(&repl).as_str())
                        .into_owned(),
                )
            }
            Func::Now => Val::num(env.now),
            Func::Strftime => match (num(0), text_of(&self.arg(1, env))) {
                (Some(t), Some(f)) => super::time::strftime(t, &f).map_or(Val::Null, Val::Str),
                _ => Val::Null,
            },
            Func::Lower => {
                text_of(&self.arg(0, env)).map_or(Val::Null, |t| Val::Str(t.to_lowercase()))
            }
            Func::Upper => {
                text_of(&self.arg(0, env)).map_or(Val::Null, |t| Val::Str(t.to_uppercase()))
            }
            Func::Len => {
                text_of(&self.arg(0, env)).map_or(Val::Null, |t| Val::Int(t.chars().count() as i64))
            }
            Func::Coalesce => self
                .args
                .iter()
                .map(|a| a.eval(env))
                .find(|v| !v.is_null())
                .unwrap_or(Val::Null),
            Func::ToString => match self.arg(0, env).first() {
                Val::Null => Val::Null,
                v => text_of(v).map_or(Val::Null, Val::Str),
            },
            Func::ToNumber => match self.arg(0, env).first() {
                v @ (Val::Int(_) | Val::Float(_)) => v.clone(),
                Val::Str(s) => parse_number(s.trim()).map_or(Val::Null, Val::num),
                _ => Val::Null,
            },
            Func::Round => {
                let Some(x) = num(0) else {
                    return Val::Null;
                };
                let digits = num(1).unwrap_or(0.0).clamp(0.0, 15.0) as i32;
                let f = 10f64.powi(digits);
                Val::num((x * f).round() / f)
            }
            Func::Abs => num(0).map_or(Val::Null, |x| Val::num(x.abs())),
            Func::Substr => {
                let (Some(s), Some(start)) = (text_of(&self.arg(0, env)), num(1)) else {
                    return Val::Null;
                };
                let chars: Vec<char> = s.chars().collect();
                let n = chars.len() as i64;
                let start = start as i64;
                // 1-based; a negative start counts from the end.
                let from = if start < 0 {
                    (n + start).max(0)
                } else {
                    (start - 1).max(0)
                };
                let len = match num(2) {
                    Some(l) => (l as i64).max(0),
                    None => n,
                };
                let to = (from + len).min(n);
                if from >= n {
                    return Val::Str(String::new());
                }
                Val::Str(chars[from as usize..to as usize].iter().collect())
            }
            Func::Split => {
                let Some(s) = text_of(&self.arg(0, env)) else {
                    return Val::Null;
                };
                let sep = text_of(&self.arg(1, env)).unwrap_or_default();
                let parts: Vec<Val> = if sep.is_empty() {
                    s.chars().map(|c| Val::Str(c.to_string())).collect()
                } else {
                    s.split(sep.as_str()).map(Val::str).collect()
                };
                Val::from_values(parts)
            }
            Func::Concat => {
                let vals: Vec<Val> = self.args.iter().map(|a| a.eval(env)).collect();
                splfuncs::concat(&vals)
            }
            Func::UrlDecode => {
                text_of(&self.arg(0, env)).map_or(Val::Null, |t| Val::Str(splfuncs::urldecode(&t)))
            }
            Func::RelativeTime => match (num(0), text_of(&self.arg(1, env))) {
                (Some(t), Some(m)) => splfuncs::relative_time(t, &m).map_or(Val::Null, Val::num),
                _ => Val::Null,
            },
            Func::MvZip => {
                let sep = if self.args.len() > 2 {
                    match text_of(&self.arg(2, env)) {
                        Some(s) => s,
                        None => return Val::Null,
                    }
                } else {
                    ",".to_string()
                };
                splfuncs::mvzip(&self.arg(0, env), &self.arg(1, env), &sep)
            }
            Func::Pow => match (num(0), num(1)) {
                (Some(x), Some(y)) => Val::num(x.powf(y)),
                _ => Val::Null,
            },
            Func::MvDedup => splfuncs::mvdedup(&self.arg(0, env)),
            Func::CidrMatch => {
                let ip = self.arg(1, env);
                if ip.is_null() {
                    return Val::Null;
                }
                let dynamic;
                let range = match &self.prepared {
                    Prepared::Cidr(c) => c,
                    _ => match text_of(&self.arg(0, env)).as_deref().and_then(Cidr::parse) {
                        Some(c) => {
                            dynamic = c;
                            &dynamic
                        }
                        None => return Val::Null,
                    },
                };
                Val::Bool(
                    ip.values()
                        .iter()
                        .any(|v| v.text().is_some_and(|t| range.contains(&t))),
                )
            }
        }
    }
}

/// A pattern given as a value at run time (`*` and `?` are wildcards).
fn like_pattern(p: &str) -> Wildcard {
    let mut t = crate::ir::Text::default();
    for c in p.chars() {
        t.push(match c {
            '*' => crate::ir::TextPart::AnyString,
            '?' => crate::ir::TextPart::AnyChar,
            c => crate::ir::TextPart::Lit(c.to_string()),
        });
    }
    Wildcard::new(&t, true).unwrap_or_else(|| like_pattern(""))
}

/// SPL's replacement text (`\1` for group 1) in the `regex` crate's syntax
/// (`${1}`, with a literal `$` doubled).
fn spl_replacement(repl: &str) -> String {
    let mut out = String::with_capacity(repl.len());
    let mut chars = repl.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut n = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    n.push(*d);
                    chars.next();
                }
                out.push_str(&format!("${{{n}}}"));
            }
            '\\' if chars.peek() == Some(&'\\') => {
                chars.next();
                out.push('\\');
            }
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacement_syntax() {
        assert_eq!(spl_replacement(r"\1-\2"), "${1}-${2}");
        assert_eq!(spl_replacement("$5"), "$$5");
    }
}

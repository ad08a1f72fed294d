//! `eval`/`where` expressions (SPL eval semantics) as Kusto scalar
//! expressions.
//!
//! Comparisons are case-sensitive (`==`), as in SPL. SPL's times are epoch
//! seconds and Kusto's are `datetime`: `now() - 3600` becomes
//! `now() - 3600 * 1s`, and the difference of two times is divided by `1s`.
//! A string comparison with a missing field is null in SPL, and `""` in
//! Kusto: `!=`, `<`, ... on a string field also test `isnotempty`.

use super::quote::string;
use super::regex::to_re2;
use super::schema::Ty;
use super::{Printer, present};
use crate::ir::{BinOp, Expr, Func, Regex, Value};
use crate::source::Span;

/// An expression's text and type (`None`: not known).
pub(super) type Typed = (String, Option<Ty>);

impl Printer<'_> {
    /// A regular expression in RE2 syntax, or `None` after an error.
    pub(super) fn re2(&mut self, span: Span, r: &Regex) -> Option<String> {
        let Some(src) = r.pattern.as_literal() else {
            self.error(
                span,
                "a regular expression cannot contain a parameter without a value",
                "regular expression with a parameter",
                Some("pass the value with --param NAME=VALUE"),
            );
            return None;
        };
        match to_re2(&src, r.flags) {
            Ok(p) => Some(p),
            Err(why) => {
                self.error(
                    span,
                    format!("Kusto runs RE2, which cannot run this regular expression: {why}"),
                    "regular expression",
                    Some("rewrite it without look-around or back-references"),
                );
                None
            }
        }
    }

    /// An expression, as text.
    pub(super) fn expr(&mut self, e: &Expr) -> String {
        self.typed(e).0
    }

    /// An expression with its type.
    pub(super) fn typed(&mut self, e: &Expr) -> Typed {
        match e {
            Expr::Field(f) => match self.col(f) {
                Some(c) => (c.text.clone(), Some(c.ty)),
                None => ("dynamic(null)".into(), None),
            },
            Expr::Lit(v) => {
                let ty = match v {
                    Value::Str(_) => Some(Ty::Str),
                    Value::Int(_) | Value::Float(..) => Some(Ty::Num),
                    Value::Bool(_) => Some(Ty::Bool),
                    _ => None,
                };
                (self.value(v).unwrap_or_default(), ty)
            }
            Expr::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs),
            Expr::And(v) | Expr::Or(v) => {
                let sep = if matches!(e, Expr::And(_)) {
                    " and "
                } else {
                    " or "
                };
                let parts: Vec<String> = v.iter().map(|x| self.paren(x)).collect();
                (parts.join(sep), Some(Ty::Bool))
            }
            Expr::Not(x) => (format!("not({})", self.expr(x)), Some(Ty::Bool)),
            Expr::Neg(x) => {
                let (t, ty) = self.typed(x);
                (format!("-{}", wrap(&t)), ty)
            }
            Expr::Group(x) => {
                let (t, ty) = self.typed(x);
                (format!("({t})"), ty)
            }
            Expr::In {
                expr,
                list,
                negated,
            } => {
                if let Some(c) = self.array_col(expr) {
                    let any: Vec<String> = list
                        .iter()
                        .map(|i| format!("set_has_element({}, {})", c.text, self.expr(i)))
                        .collect();
                    let any = format!("({})", any.join(" or "));
                    return (
                        if *negated { format!("not{any}") } else { any },
                        Some(Ty::Bool),
                    );
                }
                let x = self.expr(expr);
                let items: Vec<String> = list.iter().map(|i| self.expr(i)).collect();
                let op = if *negated { "!in" } else { "in" };
                let guard = self.guard(expr);
                (
                    format!("{guard}{x} {op} ({})", items.join(", ")),
                    Some(Ty::Bool),
                )
            }
            Expr::Matches(f) => (format!("({})", self.filter(f)), Some(Ty::Bool)),
            Expr::Call { func, args, span } => self.call(*func, args, *span),
        }
    }

    /// An operand of `and`/`or`, parenthesized unless atomic.
    fn paren(&mut self, e: &Expr) -> String {
        let t = self.expr(e);
        match e {
            Expr::And(_) | Expr::Or(_) | Expr::Binary { .. } | Expr::In { .. } => {
                format!("({t})")
            }
            _ => t,
        }
    }

    /// `isnotempty(f) and ` when `e` reads a string field: SPL's comparison
    /// with a missing field is null, Kusto's with `""` is a value.
    fn guard(&mut self, e: &Expr) -> String {
        let inner = match e {
            Expr::Group(x) => x,
            _ => e,
        };
        if let Expr::Field(f) = inner
            && let Some(c) = self.col(f)
            && matches!(c.ty, Ty::Str | Ty::Dyn)
        {
            return format!("{} and ", present(&c));
        }
        String::new()
    }

    /// The column `e` reads if it is a multi-value field.
    pub(super) fn array_col(&mut self, e: &Expr) -> Option<super::schema::Col> {
        let inner = match e {
            Expr::Group(x) => x,
            _ => e,
        };
        match inner {
            Expr::Field(f) => self.col(f).filter(|c| c.array),
            _ => None,
        }
    }

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr) -> Typed {
        // A comparison with a multi-value holds if it holds for any value
        // (S13): equality is `set_has_element`.
        if op == BinOp::Eq
            && let Some(c) = self.array_col(lhs)
        {
            let v = self.expr(rhs);
            return (format!("set_has_element({}, {v})", c.text), Some(Ty::Bool));
        }
        let (mut l, lt) = self.typed(lhs);
        let (mut r, rt) = self.typed(rhs);
        let time = Some(Ty::Time);
        let num = Some(Ty::Num);
        if op.is_comparison() {
            // Epoch seconds against a datetime: convert the number.
            if lt == time && rt == num {
                r = format!("unixtime_seconds_todatetime({r})");
            } else if lt == num && rt == time {
                l = format!("unixtime_seconds_todatetime({l})");
            }
            if lt == Some(Ty::Dyn) && rt == num {
                l = format!("todouble({l})");
            }
            if lt == Some(Ty::Dyn) && rt == Some(Ty::Str) {
                l = format!("tostring({l})");
            }
            let sym = match op {
                BinOp::Eq => "==",
                BinOp::Ne => "!=",
                BinOp::Lt => "<",
                BinOp::Le => "<=",
                BinOp::Gt => ">",
                _ => ">=",
            };
            let guard = if op == BinOp::Eq {
                String::new()
            } else {
                format!("{}{}", self.guard(lhs), self.guard(rhs))
            };
            // Kusto orders strings only through `strcmp`.
            let text = if lt == Some(Ty::Str)
                && rt == Some(Ty::Str)
                && !matches!(op, BinOp::Eq | BinOp::Ne)
            {
                format!("{guard}strcmp({l}, {r}) {sym} 0")
            } else {
                format!("{guard}{} {sym} {}", wrap(&l), wrap(&r))
            };
            return (
                if guard.is_empty() {
                    text
                } else {
                    format!("({text})")
                },
                Some(Ty::Bool),
            );
        }
        match (op, lt, rt) {
            (BinOp::Add | BinOp::Sub, Some(Ty::Time), Some(Ty::Num)) => {
                let s = if op == BinOp::Add { "+" } else { "-" };
                (format!("{} {s} {} * 1s", wrap(&l), wrap(&r)), time)
            }
            (BinOp::Sub, Some(Ty::Time), Some(Ty::Time)) => {
                (format!("({} - {}) / 1s", wrap(&l), wrap(&r)), num)
            }
            (BinOp::Add, Some(Ty::Str), _) | (BinOp::Add, _, Some(Ty::Str)) => {
                (format!("strcat({l}, {r})"), Some(Ty::Str))
            }
            _ => {
                let s = match op {
                    BinOp::Add => "+",
                    BinOp::Sub => "-",
                    BinOp::Mul => "*",
                    BinOp::Div => "/",
                    _ => "%",
                };
                let r = if op == BinOp::Div {
                    format!("todouble({r})")
                } else {
                    wrap(&r)
                };
                (format!("{} {s} {r}", wrap(&l)), num)
            }
        }
    }

    fn call(&mut self, func: Func, args: &[Expr], span: Span) -> Typed {
        // `isnull(mvfind(values, regex))`: whether no value matches, which
        // Kusto can say without the index for a literal regex.
        if let (
            Func::IsNull | Func::IsNotNull,
            [
                Expr::Call {
                    func: Func::MvFind,
                    args: inner,
                    span: at,
                },
            ],
        ) = (func, args)
        {
            let found = self.some_value_matches(inner, *at);
            return if func == Func::IsNull {
                (format!("not({found})"), Some(Ty::Bool))
            } else {
                (found, Some(Ty::Bool))
            };
        }
        // `like`'s pattern is read below, never printed as a value; the
        // functions of `multi.rs` and `strftime` print their own arguments
        // (printing may add an `mv-apply` before the stage).
        let printed = match func {
            Func::Like => &args[..1.min(args.len())],
            Func::Match | Func::MvFind | Func::MvFilter | Func::Strftime => &[],
            _ => args,
        };
        let a: Vec<Typed> = printed.iter().map(|x| self.typed(x)).collect();
        let arg = |i: usize| a.get(i).map(|x| x.0.clone()).unwrap_or_default();
        let s = |i: usize| match a.get(i) {
            Some((t, Some(Ty::Str))) => t.clone(),
            Some((t, _)) => format!("tostring({t})"),
            None => String::new(),
        };
        let bool_ = Some(Ty::Bool);
        let str_ = Some(Ty::Str);
        let num = Some(Ty::Num);
        match func {
            Func::If => (
                format!("iff({}, {}, {})", arg(0), arg(1), arg(2)),
                a.get(1).and_then(|x| x.1),
            ),
            Func::Case => self.case(&a, span),
            Func::Match => self.match_call(args, span),
            Func::Like => match args.get(1) {
                Some(Expr::Lit(Value::Str(t))) => {
                    let mut re = String::from("(?s)^");
                    for p in &t.parts {
                        use crate::ir::TextPart;
                        match p {
                            TextPart::Lit(l) => re.push_str(&super::quote::regex_literal(l)),
                            TextPart::AnyString => re.push_str(".*"),
                            TextPart::AnyChar => re.push('.'),
                            TextPart::Param(_) => {
                                return self
                                    .refuse(span, "`like` with a parameter without a value");
                            }
                        }
                    }
                    re.push('$');
                    (format!("{} matches regex {}", s(0), string(&re)), bool_)
                }
                _ => self.refuse(span, "`like` with a pattern that is not a literal"),
            },
            Func::IsNull => match a.first() {
                Some((t, Some(Ty::Str))) => (format!("isempty({t})"), bool_),
                Some((t, Some(Ty::Dyn))) => (format!("isempty(tostring({t}))"), bool_),
                _ => (format!("isnull({})", arg(0)), bool_),
            },
            Func::IsNotNull => match a.first() {
                Some((t, Some(Ty::Str))) => (format!("isnotempty({t})"), bool_),
                Some((t, Some(Ty::Dyn))) => (format!("isnotempty(tostring({t}))"), bool_),
                _ => (format!("isnotnull({})", arg(0)), bool_),
            },
            Func::MvCount => (format!("array_length({})", arg(0)), num),
            Func::MvIndex => (format!("{}[{}]", arg(0), arg(1)), Some(Ty::Dyn)),
            Func::MvJoin => (format!("strcat_array({}, {})", arg(0), arg(1)), str_),
            Func::Replace => (
                format!("replace_regex({}, {}, {})", s(0), arg(1), arg(2)),
                str_,
            ),
            Func::Now => ("now()".into(), Some(Ty::Time)),
            Func::Lower => (format!("tolower({})", s(0)), str_),
            Func::Upper => (format!("toupper({})", s(0)), str_),
            Func::Len => (format!("strlen({})", s(0)), num),
            Func::Coalesce => {
                let ty = a.first().and_then(|x| x.1);
                let all: Vec<String> = a.iter().map(|x| x.0.clone()).collect();
                (format!("coalesce({})", all.join(", ")), ty)
            }
            Func::ToString => (s(0), str_),
            Func::ToNumber => (format!("todouble({})", arg(0)), num),
            Func::Round => match a.len() {
                1 => (format!("round({})", arg(0)), num),
                _ => (format!("round({}, {})", arg(0), arg(1)), num),
            },
            Func::Abs => (format!("abs({})", arg(0)), num),
            Func::Substr => {
                if let Some(Expr::Lit(Value::Int(n))) = args.get(1)
                    && *n >= 1
                {
                    let len = if a.len() > 2 {
                        format!(", {}", arg(2))
                    } else {
                        String::new()
                    };
                    (format!("substring({}, {}{len})", s(0), n - 1), str_)
                } else {
                    self.refuse(span, "`substr` with a start that is not a positive literal")
                }
            }
            Func::Split => (format!("split({}, {})", s(0), arg(1)), Some(Ty::Dyn)),
            Func::CidrMatch => {
                let range = arg(0);
                let f = if range.contains(':') {
                    "ipv6_is_in_range"
                } else {
                    "ipv4_is_in_range"
                };
                (format!("{f}({}, {range})", s(1)), bool_)
            }
            Func::Strftime => self.strftime(args, span),
            Func::MvFind => self.mvfind(args, span),
            Func::MvFilter => self.mvfilter(args, span),
            Func::Pow => (format!("pow({}, {})", arg(0), arg(1)), num),
            // Kusto has no null string (`strcat` reads it as ""), no exact
            // URL decoding of SPL's kind, no Splunk time modifiers, and no
            // order-keeping array dedup or zip that stops at the shorter.
            Func::Concat | Func::UrlDecode | Func::RelativeTime | Func::MvZip | Func::MvDedup => {
                self.refuse(
                    span,
                    &format!("`{}` (no exact Kusto equivalent)", func.name()),
                )
            }
        }
    }

    /// `case(c1, v1, ...)`: Kusto's `case` needs an else value; SPL's is
    /// null, which for strings Kusto writes `""`.
    fn case(&mut self, a: &[Typed], span: Span) -> Typed {
        let mut parts: Vec<String> = Vec::new();
        let mut ty = None;
        let mut default = None;
        for pair in a.chunks(2) {
            let [(c, _), (v, vt)] = pair else { break };
            ty = ty.or(*vt);
            if c == "true" {
                default = Some(v.clone());
                break;
            }
            parts.push(c.clone());
            parts.push(v.clone());
        }
        let default = match (default, ty) {
            (Some(d), _) => d,
            (None, Some(Ty::Str)) => "\"\"".into(),
            (None, Some(Ty::Num)) => "real(null)".into(),
            (None, Some(Ty::Dyn)) => "dynamic(null)".into(),
            (None, Some(Ty::Time)) => "datetime(null)".into(),
            (None, Some(Ty::Bool)) => "bool(null)".into(),
            _ => {
                return self.refuse(
                    span,
                    "`case` without a `true()` branch whose values are not text or numbers (Kusto's `case` needs a typed else value)",
                );
            }
        };
        if parts.is_empty() {
            return (default, ty);
        }
        (format!("case({}, {default})", parts.join(", ")), ty)
    }

    fn refuse(&mut self, span: Span, what: &str) -> Typed {
        self.error(span, format!("Kusto cannot express {what}"), "here", None);
        (String::new(), None)
    }
}

/// Parenthesizes an operand unless it is a name, call or literal.
fn wrap(t: &str) -> String {
    let atomic = t
        .chars()
        .all(|c| c.is_alphanumeric() || "_.[]'\"()".contains(c))
        || (t.ends_with(')') && !t.contains(' '))
        || (t.len() >= 2
            && t.starts_with('"')
            && t.ends_with('"')
            && !t[1..t.len() - 1].contains('"'));
    if atomic {
        t.to_string()
    } else {
        format!("({t})")
    }
}

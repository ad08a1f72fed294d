//! Row expressions (`eval`, `where`) in ES|QL.
//!
//! Vigil's expressions have SPL eval semantics; ES|QL's are close, with a
//! few differences the printer makes up for:
//!
//! - `/` divides integers exactly in SPL (7 / 2 = 3.5) but truncates in
//!   ES|QL, so the dividend is converted with `TO_DOUBLE`.
//! - The event's time is a number of seconds in SPL (`_time`) but a date in
//!   ES|QL, so `timestamp` used as a value is `TO_DOUBLE(@timestamp) / 1000`
//!   and `now()` is `TO_LONG(NOW()) / 1000`.
//! - `+` with a string operand concatenates in SPL: `CONCAT`.
//! - ES|QL comparisons do not chain, so comparison operands that are not
//!   arithmetic are parenthesized.

use super::Printer;
use super::filter::{AND, ATOM, NOT, OR, PRED, chain};
use super::quote::{like_pattern, string};
use super::regex::to_lucene;
use crate::ir::{BinOp, Expr, Func, RegexFlags, Text, TextPart, Value};
use crate::source::Span;

const ADD: u8 = 5;
const MUL: u8 = 6;
const NEG: u8 = 7;

impl Printer<'_> {
    /// An expression.
    pub(super) fn expr(&mut self, e: &Expr) -> String {
        self.expr_prec(e, 0)
    }

    fn expr_prec(&mut self, e: &Expr, min: u8) -> String {
        let (text, prec) = self.expr_inner(e);
        if prec < min {
            format!("({text})")
        } else {
            text
        }
    }

    fn expr_inner(&mut self, e: &Expr) -> (String, u8) {
        match e {
            Expr::Field(f) if self.layout.is_timestamp(f) => {
                (format!("TO_DOUBLE({}) / 1000", self.column(f)), MUL)
            }
            Expr::Field(f) => (self.column(f), ATOM),
            Expr::Lit(v) => (self.literal(v), ATOM),
            Expr::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs),
            Expr::And(items) => (self.join(items, AND, " AND "), AND),
            Expr::Or(items) => (self.join(items, OR, " OR "), OR),
            Expr::Not(x) => (format!("NOT {}", self.expr_prec(x, NOT)), NOT),
            Expr::Neg(x) => (format!("-{}", self.expr_prec(x, NEG)), NEG),
            Expr::Group(x) => (format!("({})", self.expr_prec(x, 0)), ATOM),
            Expr::In {
                expr,
                list,
                negated,
            } => {
                if let Some(col) = self.multi_column(expr) {
                    let items: Vec<String> = list
                        .iter()
                        .map(|x| format!("MV_CONTAINS({col}, {})", self.expr_prec(x, 0)))
                        .collect();
                    let n = items.len();
                    let any = chain(items, " OR ");
                    return if *negated {
                        (format!("NOT ({any})"), NOT)
                    } else if n == 1 {
                        (any, ATOM)
                    } else {
                        (any, OR)
                    };
                }
                let subject = self.expr_prec(expr, ADD);
                let items: Vec<String> = list.iter().map(|x| self.expr_prec(x, 0)).collect();
                let not = if *negated { "NOT " } else { "" };
                (format!("{subject} {not}IN ({})", items.join(", ")), PRED)
            }
            Expr::Call { func, args, span } => self.call(*func, args, *span),
            // A Sigma condition used as a value (correlation filters):
            // the same filter a `search` stage would print, as one operand.
            Expr::Matches(f) => (format!("({})", self.row_filter(f)), ATOM),
        }
    }

    fn join(&mut self, items: &[Expr], prec: u8, sep: &str) -> String {
        let parts = items.iter().map(|x| self.expr_prec(x, prec)).collect();
        chain(parts, sep)
    }

    /// A constant.
    pub(super) fn literal(&mut self, v: &Value) -> String {
        match v {
            Value::Str(t) => self.text(t, false),
            Value::Int(i) => i.to_string(),
            Value::Float(_, text) => text.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".to_string(),
            Value::Param(n) => self.param(n),
        }
    }

    /// The column if `e` reads a column known to hold several values.
    fn multi_column(&mut self, e: &Expr) -> Option<String> {
        match e {
            Expr::Field(f) if self.is_multi(f) => Some(self.column(f)),
            Expr::Group(x) => self.multi_column(x),
            _ => None,
        }
    }

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr) -> (String, u8) {
        // SPL compares a multi-value value by value; ES|QL reads it as null.
        let (mv, other) = match (self.multi_column(lhs), self.multi_column(rhs)) {
            (Some(c), None) => (Some(c), rhs),
            (None, Some(c)) => (Some(c), lhs),
            _ => (None, rhs),
        };
        if let Some(col) = mv
            && op.is_comparison()
        {
            let v = self.expr_prec(other, 0);
            return match op {
                BinOp::Eq => (format!("MV_CONTAINS({col}, {v})"), ATOM),
                // Some value differs ⟺ not every value equals `v`.
                BinOp::Ne => (format!("NOT MV_CONTAINS({v}, {col})"), NOT),
                _ => self.unsupported(
                    self.at,
                    &format!("`{col}` holds several values, and ES|QL cannot order-compare them one by one"),
                    Some("expand the values first with `| mvexpand`"),
                ),
            };
        }
        let is_str = |e: &Expr| matches!(e, Expr::Lit(Value::Str(_)));
        let (sym, prec, lmin, rmin) = match op {
            BinOp::Add if is_str(lhs) || is_str(rhs) => {
                let a = self.expr_prec(lhs, 0);
                let b = self.expr_prec(rhs, 0);
                return (format!("CONCAT({a}, {b})"), ATOM);
            }
            BinOp::Div => {
                // The function call's parentheses group the dividend.
                let dividend = match lhs {
                    Expr::Group(inner) => inner.as_ref(),
                    other => other,
                };
                let a = self.expr_prec(dividend, 0);
                let b = self.expr_prec(rhs, NEG);
                return (format!("TO_DOUBLE({a}) / {b}"), MUL);
            }
            BinOp::Add => ("+", ADD, ADD, MUL),
            BinOp::Sub => ("-", ADD, ADD, MUL),
            BinOp::Mul => ("*", MUL, MUL, NEG),
            BinOp::Mod => ("%", MUL, MUL, NEG),
            BinOp::Eq => ("==", PRED, ADD, ADD),
            BinOp::Ne => ("!=", PRED, ADD, ADD),
            BinOp::Lt => ("<", PRED, ADD, ADD),
            BinOp::Le => ("<=", PRED, ADD, ADD),
            BinOp::Gt => (">", PRED, ADD, ADD),
            BinOp::Ge => (">=", PRED, ADD, ADD),
        };
        let a = self.expr_prec(lhs, lmin);
        let b = self.expr_prec(rhs, rmin);
        (format!("{a} {sym} {b}"), prec)
    }

    fn call(&mut self, func: Func, args: &[Expr], span: Span) -> (String, u8) {
        let arg =
            |me: &mut Self, i: usize| args.get(i).map(|a| me.expr_prec(a, 0)).unwrap_or_default();
        let simple = |me: &mut Self, name: &str| {
            let all: Vec<String> = args.iter().map(|a| me.expr_prec(a, 0)).collect();
            (format!("{name}({})", all.join(", ")), ATOM)
        };
        match func {
            Func::Case => simple(self, "CASE"),
            Func::If => simple(self, "CASE"),
            Func::Coalesce => simple(self, "COALESCE"),
            Func::Lower => simple(self, "TO_LOWER"),
            Func::Upper => simple(self, "TO_UPPER"),
            Func::Len => simple(self, "LENGTH"),
            Func::ToString => simple(self, "TO_STRING"),
            Func::ToNumber => simple(self, "TO_DOUBLE"),
            Func::Round => simple(self, "ROUND"),
            Func::Abs => simple(self, "ABS"),
            Func::Substr => simple(self, "SUBSTRING"),
            Func::MvCount => simple(self, "MV_COUNT"),
            Func::Strftime => match args.get(1).and_then(|a| match a {
                Expr::Lit(Value::Str(t)) => t.as_literal().and_then(|f| date_pattern(&f)),
                _ => None,
            }) {
                Some(pattern) => {
                    let t = arg(self, 0);
                    (
                        format!("DATE_FORMAT({}, TO_DATETIME(({t}) * 1000))", string(&pattern)),
                        ATOM,
                    )
                }
                None => self.unsupported(
                    span,
                    "strftime needs a constant format of %Y %m %d %H %M %S %F %T",
                    None,
                ),
            },
            Func::Now => ("TO_LONG(NOW()) / 1000".to_string(), MUL),
            Func::MvJoin => {
                let (mv, sep) = (arg(self, 0), arg(self, 1));
                (format!("MV_CONCAT(TO_STRING({mv}), {sep})"), ATOM)
            }
            Func::MvIndex => {
                let (mv, i) = (arg(self, 0), arg(self, 1));
                (format!("MV_SLICE({mv}, {i}, {i})"), ATOM)
            }
            Func::CidrMatch => {
                let (cidr, ip) = (arg(self, 0), arg(self, 1));
                (format!("CIDR_MATCH(TO_IP({ip}), {cidr})"), ATOM)
            }
            Func::Split => match args.get(1) {
                Some(Expr::Lit(Value::Str(t))) if t.as_literal().is_some_and(|s| s.len() == 1) => {
                    simple(self, "SPLIT")
                }
                _ => self.unsupported(
                    span,
                    "ES|QL's SPLIT takes a one-byte literal separator",
                    None,
                ),
            },
            Func::IsNull | Func::IsNotNull => {
                let not = if func == Func::IsNull { "" } else { "NOT " };
                if let Some(Expr::Call {
                    func: Func::MvFind,
                    args: inner,
                    span,
                }) = args.first()
                {
                    return self.mvfind_test(inner, *span, func == Func::IsNotNull);
                }
                let x = args.first().map(|a| self.expr_prec(a, ADD)).unwrap_or_default();
                (format!("{x} IS {not}NULL"), PRED)
            }
            Func::Match if args.first().is_some_and(|a| self.multi_column(a).is_some()) => {
                // Some value matches: search the values joined by line
                // breaks, which is exact for plain text without line breaks.
                let col = args
                    .first()
                    .and_then(|a| self.multi_column(a))
                    .unwrap_or_default();
                if let Some(words) = whole_words(args.get(1)) {
                    let any: Vec<String> = words
                        .iter()
                        .map(|w| format!("MV_CONTAINS({col}, {})", string(w)))
                        .collect();
                    return if any.len() == 1 {
                        (any.join(""), ATOM)
                    } else {
                        (format!("({})", chain(any, " OR ")), ATOM)
                    };
                }
                match plain_text(args.get(1)) {
                    Some(text) => (contains_any(&col, &text), PRED),
                    None => self.unsupported(
                        span,
                        &format!("`{col}` holds several values; ES|QL can search them one by one only for plain text, not with a regular expression"),
                        Some("expand the values first with `| mvexpand`"),
                    ),
                }
            }
            Func::Like if args.first().is_some_and(|a| self.multi_column(a).is_some()) => self
                .unsupported(
                    span,
                    "this column holds several values, and ES|QL cannot match a pattern against them one by one",
                    Some("expand the values first with `| mvexpand`"),
                ),
            Func::Match => {
                let s = args.first().map(|a| self.expr_prec(a, ADD)).unwrap_or_default();
                match self.regex_arg(args.get(1), span) {
                    Some(re) => (format!("{s} RLIKE {re}"), PRED),
                    None => (String::new(), ATOM),
                }
            }
            Func::Like => {
                let s = args.first().map(|a| self.expr_prec(a, ADD)).unwrap_or_default();
                match args.get(1) {
                    Some(Expr::Lit(Value::Str(t))) => match like_pattern(t, false) {
                        Some(p) => (format!("{s} LIKE {p}"), PRED),
                        None => self.unsupported(span, "a LIKE pattern cannot contain a parameter without a value", Some("pass the value with --param NAME=VALUE")),
                    },
                    _ => self.unsupported(span, "ES|QL's LIKE takes a constant pattern", None),
                }
            }
            Func::Replace => {
                let s = arg(self, 0);
                let re = match args.get(1) {
                    Some(Expr::Lit(Value::Str(t))) if t.as_literal().is_some() => {
                        t.as_literal().unwrap_or_default()
                    }
                    _ => return self.unsupported(span, "replace() needs a constant regular expression in ES|QL", None),
                };
                let rep = match args.get(2) {
                    Some(Expr::Lit(Value::Str(t))) if t.as_literal().is_some() => {
                        java_replacement(&t.as_literal().unwrap_or_default())
                    }
                    _ => return self.unsupported(span, "replace() needs a constant replacement in ES|QL", None),
                };
                (format!("REPLACE({s}, {}, {})", string(&re), string(&rep)), ATOM)
            }
            Func::Concat => {
                if let Some(col) = args.iter().find_map(|a| self.multi_column(a)) {
                    return self.unsupported(
                        span,
                        &format!("`{col}` holds several values, and ES|QL's CONCAT of a multi-value is null where SPL's `.` joins its first value"),
                        Some("take one value first with mvindex(..., 0)"),
                    );
                }
                // A computed number is a double in ES|QL, whose text (`8.0`)
                // is not SPL's (`8`).
                let computed = |mut e: &Expr| {
                    while let Expr::Group(inner) = e {
                        e = inner;
                    }
                    match e {
                    Expr::Binary { op, .. } => !op.is_comparison(),
                    Expr::Neg(_) => true,
                    Expr::Call { func, .. } => matches!(
                        func,
                        Func::Pow | Func::Round | Func::Abs | Func::ToNumber | Func::Now
                    ),
                    _ => false,
                    }
                };
                if args.iter().any(computed) {
                    return self.unsupported(
                        span,
                        "`.` with a computed number: ES|QL writes a double's text differently from SPL (`8.0` for `8`)",
                        Some("convert it with tostring() in Splunk, or keep the number apart"),
                    );
                }
                let all: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        Expr::Lit(Value::Str(_)) => self.expr_prec(a, 0),
                        _ => format!("TO_STRING({})", self.expr_prec(a, 0)),
                    })
                    .collect();
                (format!("CONCAT({})", all.join(", ")), ATOM)
            }
            Func::Pow => simple(self, "POW"),
            Func::UrlDecode => self.unsupported(
                span,
                "urldecode() cannot be written exactly: ES|QL's URL_DECODE turns `+` into a space and makes a malformed escape null, where Splunk's urldecode decodes only `%XX` escapes",
                None,
            ),
            Func::RelativeTime => self.unsupported(
                span,
                "relative_time() (a Splunk time modifier such as `-1d@d`) has no ES|QL translation yet",
                None,
            ),
            Func::MvZip => self.unsupported(
                span,
                "mvzip() cannot be written exactly: ES|QL's MV_ZIP keeps the unpaired values of the longer list, where Splunk's mvzip stops at the shorter",
                None,
            ),
            Func::MvDedup => self.unsupported(
                span,
                "mvdedup() cannot be written exactly: ES|QL's MV_DEDUPE may reorder the values, where Splunk's mvdedup keeps their first-seen order",
                None,
            ),
            Func::MvFind => self.unsupported(
                span,
                "ES|QL has no function that finds the position of a matching value; only `isnull(mvfind(...))` and `isnotnull(mvfind(...))` with a plain-text expression can be written",
                None,
            ),
            Func::MvFilter => self.unsupported(
                span,
                "ES|QL has no function that filters the values of a multi-value",
                Some("expand the values with `| mvexpand` and filter the rows"),
            ),
        }
    }

    /// `isnotnull(mvfind(mv, "text"))`: some value contains the text. The
    /// values are joined with line breaks and searched with LIKE, which is
    /// exact when the text has no line break.
    fn mvfind_test(&mut self, args: &[Expr], span: Span, found: bool) -> (String, u8) {
        let Some(re) = plain_text(args.get(1)) else {
            return self.unsupported(
                span,
                "mvfind() is translated only with a plain-text expression (no regular-expression operators)",
                Some("ES|QL cannot search every value of a multi-value with a regular expression"),
            );
        };
        let mv = args
            .first()
            .map(|a| self.expr_prec(a, 0))
            .unwrap_or_default();
        let test = contains_any(&mv, &re);
        if found {
            (test, PRED)
        } else {
            (format!("NOT COALESCE({test}, false)"), NOT)
        }
    }

    /// A regular expression argument as an RLIKE pattern.
    fn regex_arg(&mut self, e: Option<&Expr>, span: Span) -> Option<String> {
        let src = match e {
            Some(Expr::Lit(Value::Str(t))) => t.as_literal(),
            _ => None,
        };
        let Some(src) = src else {
            self.unsupported(
                span,
                "ES|QL's RLIKE takes a constant regular expression",
                None,
            );
            return None;
        };
        match to_lucene(&src, RegexFlags::default()) {
            Ok(l) => Some(string(&l)),
            Err(why) => {
                self.unsupported(
                    span,
                    &format!("RLIKE cannot express this regular expression: {why}"),
                    None,
                );
                None
            }
        }
    }

    fn unsupported(&mut self, span: Span, msg: &str, help: Option<&str>) -> (String, u8) {
        self.error(span, format!("ES|QL: {msg}"), "here", help);
        (String::new(), ATOM)
    }
}

/// A `strftime` format as a DATE_FORMAT pattern (Java's
/// DateTimeFormatter): specifiers become letters, other text is quoted.
fn date_pattern(fmt: &str) -> Option<String> {
    let mut out = String::new();
    let mut lit = String::new();
    let flush = |out: &mut String, lit: &mut String| {
        if !lit.is_empty() {
            out.push('\'');
            out.push_str(&lit.replace('\'', "''"));
            out.push('\'');
            lit.clear();
        }
    };
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        let spec = match chars.next()? {
            'Y' => "yyyy",
            'm' => "MM",
            'd' => "dd",
            'H' => "HH",
            'M' => "mm",
            'S' => "ss",
            'F' => "yyyy-MM-dd",
            'T' => "HH:mm:ss",
            '%' => {
                lit.push('%');
                continue;
            }
            _ => return None,
        };
        flush(&mut out, &mut lit);
        out.push_str(spec);
    }
    flush(&mut out, &mut lit);
    Some(out)
}

/// The text of a regular expression that is plain text: no operators, no
/// line breaks.
fn plain_text(e: Option<&Expr>) -> Option<String> {
    let re = match e {
        Some(Expr::Lit(Value::Str(t))) => t.as_literal()?,
        _ => return None,
    };
    (!re.is_empty() && re.chars().all(|c| !"\\.^$|?*+()[]{}\n\r".contains(c))).then_some(re)
}

/// The alternatives of a regular expression that matches whole values of
/// plain text, `^(a|b)$`: a value matches iff it is one of them (the
/// `$`-before-a-final-line-break case aside).
fn whole_words(e: Option<&Expr>) -> Option<Vec<String>> {
    let re = match e {
        Some(Expr::Lit(Value::Str(t))) => t.as_literal()?,
        _ => return None,
    };
    let inner = re.strip_prefix('^')?.strip_suffix('$')?;
    let inner = inner
        .strip_prefix("(?:")
        .or_else(|| inner.strip_prefix('('))
        .and_then(|i| i.strip_suffix(')'))
        .unwrap_or(inner);
    let words: Vec<String> = inner.split('|').map(str::to_string).collect();
    words
        .iter()
        .all(|w| plain_text(Some(&Expr::Lit(Value::str(w.clone())))).is_some())
        .then_some(words)
}

/// Some value of multi-value `mv` contains `text`: the values joined by line
/// breaks contain it (exact, since `text` has no line break).
fn contains_any(mv: &str, text: &str) -> String {
    let mut pattern = Text::default();
    pattern.push(TextPart::AnyString);
    pattern.push(TextPart::Lit(text.to_string()));
    pattern.push(TextPart::AnyString);
    let p = like_pattern(&pattern, false).unwrap_or_default();
    format!("MV_CONCAT(TO_STRING({mv}), \"\\n\") LIKE {p}")
}

/// An SPL replacement (`\1` for a group) as a Java one (`$1`; a literal
/// `$` or `\` is escaped).
fn java_replacement(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(d) if d.is_ascii_digit() => {
                    out.push('$');
                    out.push(*d);
                    chars.next();
                }
                _ => out.push_str("\\\\"),
            },
            '$' => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out
}

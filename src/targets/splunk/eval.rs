//! Expressions in eval syntax (`eval`, `where`, `stats ... eval(...)`).
//!
//! eval binds NOT, then AND, then OR (the reverse of the search command's OR
//! before AND), comparisons bind tighter than both, arithmetic tighter still.
//! Strings are always double-quoted; field names that are not identifiers are
//! single-quoted.

use super::Printer;
use super::quote::{eval_field, param_placeholder, quoted, quoted_text, regex_string};
use crate::ir::{
    BinOp, BoolOp, Expr, FieldRef, Filter, Func, Ordering, Pred, Test, Text, TextPart, Value,
};

const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const CMP: u8 = 4;
const ADD: u8 = 5;
const MUL: u8 = 6;
const NEG: u8 = 7;
const ATOM: u8 = 8;

impl Printer<'_> {
    /// Prints an expression.
    pub(super) fn eval(&self, e: &Expr) -> String {
        self.eval_prec(e, 0)
    }

    fn eval_prec(&self, e: &Expr, min: u8) -> String {
        let (text, prec) = self.eval_inner(e);
        if prec < min {
            format!("({text})")
        } else {
            text
        }
    }

    fn eval_inner(&self, e: &Expr) -> (String, u8) {
        match e {
            Expr::Field(f) => (self.eval_field_ref(f), ATOM),
            Expr::Lit(v) => (self.eval_value(v), ATOM),
            Expr::Binary { op, lhs, rhs } => {
                let (sym, prec, lmin, rmin) = match op {
                    BinOp::Add => ("+", ADD, ADD, MUL),
                    BinOp::Sub => ("-", ADD, ADD, MUL),
                    BinOp::Mul => ("*", MUL, MUL, NEG),
                    BinOp::Div => ("/", MUL, MUL, NEG),
                    BinOp::Mod => ("%", MUL, MUL, NEG),
                    BinOp::Eq => ("=", CMP, ADD, ADD),
                    BinOp::Ne => ("!=", CMP, ADD, ADD),
                    BinOp::Lt => ("<", CMP, ADD, ADD),
                    BinOp::Le => ("<=", CMP, ADD, ADD),
                    BinOp::Gt => (">", CMP, ADD, ADD),
                    BinOp::Ge => (">=", CMP, ADD, ADD),
                };
                (
                    format!(
                        "{} {sym} {}",
                        self.eval_prec(lhs, lmin),
                        self.eval_prec(rhs, rmin)
                    ),
                    prec,
                )
            }
            Expr::And(items) => (
                items
                    .iter()
                    .map(|x| self.eval_prec(x, AND))
                    .collect::<Vec<_>>()
                    .join(&format!(" {} ", self.op_word(BoolOp::And))),
                AND,
            ),
            Expr::Or(items) => (
                items
                    .iter()
                    .map(|x| self.eval_prec(x, OR))
                    .collect::<Vec<_>>()
                    .join(&format!(" {} ", self.op_word(BoolOp::Or))),
                OR,
            ),
            Expr::Not(x) => (
                format!("{} {}", self.op_word(BoolOp::Not), self.eval_prec(x, NOT)),
                NOT,
            ),
            Expr::Neg(x) => (format!("-{}", self.eval_prec(x, NEG)), NEG),
            Expr::Group(x) => (format!("({})", self.eval_prec(x, 0)), ATOM),
            Expr::In {
                expr,
                list,
                negated,
            } => {
                let body = format!(
                    "{} IN ({})",
                    self.eval_prec(expr, ADD),
                    list.join_with(|x| self.eval_prec(x, 0))
                );
                if *negated {
                    (format!("NOT {body}"), NOT)
                } else {
                    (body, CMP)
                }
            }
            // SPL's `.` operator, left-associative at `+`'s precedence.
            Expr::Call {
                func: Func::Concat,
                args,
                ..
            } => (
                args.iter()
                    .enumerate()
                    .map(|(i, a)| self.eval_prec(a, if i == 0 { ADD } else { MUL }))
                    .collect::<Vec<_>>()
                    .join(" . "),
                ADD,
            ),
            Expr::Call { func, args, .. } => (self.call(*func, args), ATOM),
            Expr::Matches(f) => self.filter_eval_inner(f),
        }
    }

    fn call(&self, func: Func, args: &[Expr]) -> String {
        let arg = |i: usize| {
            args.get(i)
                .map(|a| self.eval_prec(a, 0))
                .unwrap_or_default()
        };
        // Arguments that are regular expressions: quoted for SPL, unchanged
        // for the regex engine.
        let regex_arg = |i: usize| match args.get(i) {
            Some(Expr::Lit(Value::Str(t))) => regex_string(t),
            _ => arg(i),
        };
        let all = || {
            args.iter()
                .map(|a| self.eval_prec(a, 0))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let name = self.func_name(func);
        match func {
            Func::Match | Func::MvFind => format!("{name}({}, {})", arg(0), regex_arg(1)),
            Func::Replace => format!("{name}({}, {}, {})", arg(0), regex_arg(1), arg(2)),
            Func::Like => match args.get(1) {
                Some(Expr::Lit(Value::Str(t))) => {
                    format!("{name}({}, {})", arg(0), like_pattern(t))
                }
                _ => format!("{name}({})", all()),
            },
            _ => format!("{name}({})", all()),
        }
    }

    /// A function's name, in the case the author wrote it (eval reads
    /// function names in any case: docs/splunk-import.md).
    fn func_name(&self, func: Func) -> String {
        match self.hints.borrow().func_case(func) {
            Some(case) => case.apply(func.name()),
            None => func.name().to_string(),
        }
    }

    /// A boolean operator of eval (`AND`, `OR`, `NOT`), in the case the
    /// author wrote them.
    fn op_word(&self, op: BoolOp) -> String {
        match self.hints.borrow().op_case(op) {
            Some(case) => case.apply(op.name()),
            None => op.name().to_ascii_uppercase(),
        }
    }

    /// A field in eval context.
    pub(super) fn eval_field_ref(&self, f: &FieldRef) -> String {
        eval_field(&self.field_name(f), f.quoted)
    }

    /// A value in eval context.
    pub(super) fn eval_value(&self, v: &Value) -> String {
        match v {
            Value::Str(t) => quoted_text(t),
            Value::Int(i) => i.to_string(),
            Value::Float(_, text) => text.clone(),
            Value::Bool(true) => "true()".to_string(),
            Value::Bool(false) => "false()".to_string(),
            Value::Null => "null()".to_string(),
            Value::Param(n) => format!("{{{n}}}"),
        }
    }

    /// A filter as an eval condition with the filter's semantics (text
    /// comparisons case-insensitive unless `cased`), for the parts of a
    /// filter the search command cannot express.
    pub(super) fn filter_as_eval(&self, f: &Filter) -> String {
        self.filter_eval_prec(f, 0)
    }

    fn filter_eval_prec(&self, f: &Filter, min: u8) -> String {
        let (text, prec) = self.filter_eval_inner(f);
        if prec < min {
            format!("({text})")
        } else {
            text
        }
    }

    /// A filter in eval syntax and its binding strength.
    fn filter_eval_inner(&self, f: &Filter) -> (String, u8) {
        match f {
            Filter::True => ("true()".to_string(), ATOM),
            Filter::And(v) => (
                v.iter()
                    .map(|x| self.filter_eval_prec(x, AND))
                    .collect::<Vec<_>>()
                    .join(" AND "),
                AND,
            ),
            Filter::Or(v) => (
                v.iter()
                    .map(|x| self.filter_eval_prec(x, OR))
                    .collect::<Vec<_>>()
                    .join(" OR "),
                OR,
            ),
            Filter::Not(x) => (format!("NOT {}", self.filter_eval_prec(x, NOT)), NOT),
            Filter::Group(x) => (format!("({})", self.filter_eval_prec(x, 0)), ATOM),
            // A literal `*` or a `?` wildcard has no search-syntax spelling
            // (`searchmatch` would read `*` as a wildcard again): match the
            // raw event with a regular expression instead.
            Filter::Keyword(k) if keyword_needs_regex(&k.text) => {
                let mut re = pattern_regex(&k.text, !k.cased);
                // Unanchored: a keyword may appear anywhere in the event.
                if let Some(TextPart::Lit(first)) = re.parts.first_mut() {
                    *first = first.replacen('^', "", 1);
                }
                if let Some(TextPart::Lit(last)) = re.parts.last_mut() {
                    last.pop();
                }
                (format!("match(_raw, {})", regex_string(&re)), ATOM)
            }
            Filter::Keyword(k) => (
                format!("searchmatch({})", quoted(&quoted_text(&k.text))),
                ATOM,
            ),
            Filter::Pred(p) => self.pred_eval(p),
        }
    }

    fn pred_eval(&self, p: &Pred) -> (String, u8) {
        let f = self.eval_field_ref(&p.field);
        let folded = |cased: bool| {
            if cased {
                f.clone()
            } else {
                format!("lower({f})")
            }
        };
        let text_value = |v: &Value, cased: bool| match v {
            Value::Str(t) if !cased => quoted_text(&lowercase(t)),
            other => self.eval_value(other),
        };
        match &p.test {
            Test::Eq { value, cased } => (
                format!(
                    "{} = {}",
                    folded(*cased || !is_text(value)),
                    text_value(value, *cased)
                ),
                CMP,
            ),
            Test::Ne { value, cased } => (
                format!(
                    "{} != {}",
                    folded(*cased || !is_text(value)),
                    text_value(value, *cased)
                ),
                CMP,
            ),
            Test::In { values, cased } => (
                format!(
                    "{} IN ({})",
                    folded(*cased),
                    values.join_with(|v| text_value(v, *cased))
                ),
                CMP,
            ),
            Test::Like {
                patterns,
                all,
                cased,
            } => {
                let parts: Vec<String> = patterns
                    .iter()
                    .map(|t| format!("match({f}, {})", regex_string(&pattern_regex(t, !*cased))))
                    .collect();
                join_bool(parts, *all)
            }
            Test::Regex { patterns, all } => {
                let parts: Vec<String> = patterns
                    .iter()
                    .map(|r| {
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
                        let mut t = Text::default();
                        if !flags.is_empty() {
                            t.push(TextPart::Lit(format!("(?{flags})")));
                        }
                        for part in &r.pattern.parts {
                            t.push(part.clone());
                        }
                        format!("match({f}, {})", regex_string(&t))
                    })
                    .collect();
                join_bool(parts, *all)
            }
            Test::Cidr { ranges } => {
                let parts: Vec<String> = ranges
                    .iter()
                    .map(|r| format!("cidrmatch({}, {f})", self.eval_value(r)))
                    .collect();
                join_bool(parts, false)
            }
            Test::Cmp { op, value } => {
                let op = match op {
                    Ordering::Lt => "<",
                    Ordering::Le => "<=",
                    Ordering::Gt => ">",
                    Ordering::Ge => ">=",
                };
                (format!("{f} {op} {}", self.eval_value(value)), CMP)
            }
            Test::Exists | Test::IsNull => {
                let func = if matches!(p.test, Test::Exists) {
                    "isnotnull"
                } else {
                    "isnull"
                };
                (format!("{func}({f})"), ATOM)
            }
            // Filters compare text case-insensitively; eval's `=` does not.
            Test::FieldEq { other } => (
                format!("lower({f}) = lower({})", self.eval_field_ref(other)),
                CMP,
            ),
        }
    }
}

/// True if a keyword has a literal `*` or a `?` wildcard.
fn keyword_needs_regex(t: &Text) -> bool {
    t.parts.iter().any(|p| match p {
        TextPart::Lit(s) => s.contains('*'),
        TextPart::AnyChar => true,
        _ => false,
    })
}

fn is_text(v: &Value) -> bool {
    matches!(v, Value::Str(_))
}

fn join_bool(parts: Vec<String>, all: bool) -> (String, u8) {
    if parts.len() == 1 {
        return (parts.into_iter().next().unwrap_or_default(), ATOM);
    }
    if all {
        (parts.join(" AND "), AND)
    } else {
        (parts.join(" OR "), OR)
    }
}

/// Lower-cases the literal parts of a text.
fn lowercase(t: &Text) -> Text {
    Text {
        parts: t
            .parts
            .iter()
            .map(|p| match p {
                TextPart::Lit(s) => TextPart::Lit(s.to_lowercase()),
                other => other.clone(),
            })
            .collect(),
    }
}

/// A wildcard pattern as an anchored regular expression.
pub(super) fn pattern_regex(t: &Text, ignore_case: bool) -> Text {
    let mut out = Text::default();
    out.push(TextPart::Lit(if ignore_case {
        "(?is)^".into()
    } else {
        "(?s)^".into()
    }));
    for p in &t.parts {
        match p {
            TextPart::Lit(s) => out.push(TextPart::Lit(regex_escape(s))),
            TextPart::AnyString => out.push(TextPart::Lit(".*".into())),
            TextPart::AnyChar => out.push(TextPart::Lit(".".into())),
            TextPart::Param(n) => out.push(TextPart::Param(n.clone())),
        }
    }
    out.push(TextPart::Lit("$".into()));
    out
}

/// Escapes regular-expression metacharacters.
pub(super) fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~ \t\n\r\"".contains(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                ' ' => out.push(' '),
                '"' => out.push('"'),
                _ => {
                    out.push('\\');
                    out.push(c);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The pattern of SPL's `like()`: `%` for any run, `_` for one character.
fn like_pattern(t: &Text) -> String {
    let mut out = String::from("\"");
    for p in &t.parts {
        match p {
            TextPart::Lit(s) => {
                for c in s.chars() {
                    match c {
                        '%' | '_' | '\\' => {
                            out.push('\\');
                            out.push(c);
                        }
                        '"' => out.push_str("\\\""),
                        c => out.push(c),
                    }
                }
            }
            TextPart::AnyString => out.push('%'),
            TextPart::AnyChar => out.push('_'),
            TextPart::Param(n) => out.push_str(&param_placeholder(n)),
        }
    }
    out.push('"');
    out
}

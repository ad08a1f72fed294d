//! Eval expressions (`eval`, `where`, `stats ... eval(...)`), with eval's
//! precedence: `OR`/`XOR` loosest, then `AND`, `NOT`, comparisons, `+ - .`,
//! `* / %`, unary minus. Comparisons are case-sensitive. Function names and
//! the boolean operators are read in any case: Splunk's own production
//! searches write `CASE(`, `ISNOTNULL(` and `and` (see
//! docs/splunk-import.md).

use super::cursor::{Cursor, PResult, param_at, unescape, unescape_regex};
use crate::ir::{BinOp, Expr, Func, List, ParamType, Sep, Text, TextPart, Value};

/// Reads an expression.
pub fn expr(c: &mut Cursor) -> PResult<Expr> {
    or(c)
}

fn or(c: &mut Cursor) -> PResult<Expr> {
    let start = c.pos;
    let mut items = vec![and(c)?];
    loop {
        if eat_op(c, "OR") {
            items.push(and(c)?);
        } else if c.eat_kw("XOR") {
            return Err(c.refuse(start, c.pos, "XOR"));
        } else {
            break;
        }
    }
    Ok(if items.len() == 1 {
        items.pop().unwrap_or(Expr::Lit(Value::Null))
    } else {
        Expr::Or(items)
    })
}

fn and(c: &mut Cursor) -> PResult<Expr> {
    let mut items = vec![not(c)?];
    while eat_op(c, "AND") {
        items.push(not(c)?);
    }
    Ok(if items.len() == 1 {
        items.pop().unwrap_or(Expr::Lit(Value::Null))
    } else {
        Expr::And(items)
    })
}

/// Consumes the boolean operator `op` in any case, recording its spelling.
fn eat_op(c: &mut Cursor, op: &str) -> bool {
    c.ws();
    let at = c.pos;
    if !c.eat_kw(op) {
        return false;
    }
    let written = &c.x.text[at..c.pos];
    c.hints.op(written);
    true
}

fn not(c: &mut Cursor) -> PResult<Expr> {
    if eat_op(c, "NOT") {
        return Ok(Expr::Not(Box::new(not(c)?)));
    }
    cmp(c)
}

fn cmp(c: &mut Cursor) -> PResult<Expr> {
    let start = c.pos;
    let lhs = add(c)?;
    let save = c.pos;
    if c.eat_kw("NOT") {
        if c.eat_kw("IN") {
            return in_list(c, lhs, true);
        }
        c.pos = save;
    }
    if c.eat_kw("IN") {
        return in_list(c, lhs, false);
    }
    if c.eat_kw("LIKE") {
        let rhs = add(c)?;
        return Ok(like(c, lhs, rhs, start));
    }
    let ops = [
        ("==", BinOp::Eq),
        ("!=", BinOp::Ne),
        ("<=", BinOp::Le),
        (">=", BinOp::Ge),
        ("=", BinOp::Eq),
        ("<", BinOp::Lt),
        (">", BinOp::Gt),
    ];
    for (sym, op) in ops {
        if c.eat(sym) {
            let rhs = add(c)?;
            if !matches!(op, BinOp::Eq | BinOp::Ne) {
                numeric(c, &lhs);
                numeric(c, &rhs);
            }
            return Ok(Expr::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            });
        }
    }
    Ok(lhs)
}

fn in_list(c: &mut Cursor, lhs: Expr, negated: bool) -> PResult<Expr> {
    if !c.eat("(") {
        return Err(c.expected("`(` after IN"));
    }
    let mut items = Vec::new();
    let mut seps = Vec::new();
    while !c.eat(")") {
        if !items.is_empty() {
            seps.push(if c.eat(",") { Sep::Comma } else { Sep::Space });
        }
        if c.at_end() {
            return Err(c.expected("`)` closing the IN list"));
        }
        items.push(add(c)?);
    }
    Ok(Expr::In {
        expr: Box::new(lhs),
        list: List { items, seps },
        negated,
    })
}

fn add(c: &mut Cursor) -> PResult<Expr> {
    c.ws();
    let start = c.pos;
    let mut lhs = mul(c)?;
    loop {
        let op = if c.eat("+") {
            BinOp::Add
        } else if c.eat("-") {
            BinOp::Sub
        } else if c.eat(".") {
            // `a . b . c` is one concatenation of three operands.
            let rhs = mul(c)?;
            lhs = match lhs {
                Expr::Call {
                    func: Func::Concat,
                    mut args,
                    ..
                } => {
                    args.push(rhs);
                    Expr::Call {
                        func: Func::Concat,
                        args,
                        span: c.span(start, c.pos),
                    }
                }
                lhs => Expr::Call {
                    func: Func::Concat,
                    args: vec![lhs, rhs],
                    span: c.span(start, c.pos),
                },
            };
            continue;
        } else {
            return Ok(lhs);
        };
        let rhs = mul(c)?;
        numeric(c, &lhs);
        numeric(c, &rhs);
        lhs = Expr::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        };
    }
}

fn mul(c: &mut Cursor) -> PResult<Expr> {
    let mut lhs = unary(c)?;
    loop {
        let op = if c.eat("*") {
            BinOp::Mul
        } else if c.eat("/") {
            BinOp::Div
        } else if c.eat("%") {
            BinOp::Mod
        } else {
            return Ok(lhs);
        };
        let rhs = unary(c)?;
        numeric(c, &lhs);
        numeric(c, &rhs);
        lhs = Expr::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        };
    }
}

/// A parameter used in arithmetic or an ordering takes numbers.
fn numeric(c: &mut Cursor, e: &Expr) {
    if let Expr::Lit(Value::Param(n)) = e {
        c.param(n, ParamType::Number, 0);
    }
}

fn unary(c: &mut Cursor) -> PResult<Expr> {
    if c.eat("-") {
        return Ok(Expr::Neg(Box::new(unary(c)?)));
    }
    primary(c)
}

fn primary(c: &mut Cursor) -> PResult<Expr> {
    c.ws();
    let start = c.pos;
    match c.peek() {
        Some('(') => {
            c.eat("(");
            let inner = expr(c)?;
            if !c.eat(")") {
                return Err(c.expected("`)`"));
            }
            Ok(Expr::Group(Box::new(inner)))
        }
        Some('"') => {
            let (raw, at) = c.quoted_raw()?;
            let t = c.text(&unescape(raw), at + 1, false, ParamType::String);
            Ok(Expr::Lit(Value::Str(t)))
        }
        Some('\'') => {
            let r = c.rest();
            let Some(len) = r[1..].find('\'') else {
                return Err(c.expected("a closing `'`"));
            };
            let name = r[1..1 + len].to_string();
            c.pos += len + 2;
            Ok(Expr::Field(c.names.field(&name, true)))
        }
        Some('{') => {
            let r = c.rest();
            let Some(name) = param_at(r).map(str::to_string) else {
                return Err(c.expected("a parameter `{name}`"));
            };
            c.pos += name.len() + 2;
            // Text unless arithmetic or an ordering uses it (`numeric`).
            c.param(&name, ParamType::String, start);
            Ok(Expr::Lit(Value::Param(name)))
        }
        Some(ch) if ch.is_ascii_digit() => {
            let (w, _) = c.take_while(|ch| ch.is_ascii_digit() || ch == '.');
            if let Ok(i) = w.parse::<i64>() {
                return Ok(Expr::Lit(Value::Int(i)));
            }
            match w.parse::<f64>() {
                Ok(f) => Ok(Expr::Lit(Value::Float(f, w.to_string()))),
                Err(_) => Err(c.error(start, c.pos, "not a number", "here", "")),
            }
        }
        Some(ch) if ch.is_alphabetic() || ch == '_' || ch == '@' => {
            let (name, _) = identifier(c);
            // `case (...)`: Splunk allows a space before a call's parenthesis.
            let lower = name.to_ascii_lowercase();
            let callable = Func::from_name(&lower).is_some()
                || ["true", "false", "null"].contains(&lower.as_str());
            if c.rest().starts_with('(') || (callable && c.peek() == Some('(')) {
                return call(c, name, start);
            }
            Ok(Expr::Field(c.names.field(name, false)))
        }
        _ => Err(c.expected("an expression")),
    }
}

/// A field name in eval: letters, digits, `_`, `{}`, `@`, `:` and dots
/// between name characters (`a.b` is a field; `a . b` concatenates).
fn identifier<'a>(c: &mut Cursor<'a>) -> (&'a str, usize) {
    let start = c.pos;
    let r = c.rest();
    let b = r.as_bytes();
    let mut n = 0;
    while n < b.len() {
        let ch = b[n];
        let name_char = ch.is_ascii_alphanumeric() || b"_{}@:".contains(&ch) || ch >= 0x80;
        let dot = ch == b'.'
            && n > 0
            && b.get(n + 1)
                .is_some_and(|x| x.is_ascii_alphanumeric() || *x == b'_');
        if !(name_char || dot) {
            break;
        }
        n += 1;
    }
    c.pos += n;
    (&r[..n], start)
}

fn like(c: &Cursor, lhs: Expr, rhs: Expr, start: usize) -> Expr {
    let rhs = match rhs {
        Expr::Lit(Value::Str(t)) => Expr::Lit(Value::Str(like_pattern(&t))),
        other => other,
    };
    Expr::Call {
        func: Func::Like,
        args: vec![lhs, rhs],
        span: c.span(start, c.pos),
    }
}

/// SPL's `like` pattern (`%` any run, `_` one character, `\` escapes) as a
/// wildcard text.
fn like_pattern(t: &Text) -> Text {
    let mut out = Text::default();
    for p in &t.parts {
        let TextPart::Lit(s) = p else {
            out.push(p.clone());
            continue;
        };
        let mut chars = s.chars();
        while let Some(ch) = chars.next() {
            match ch {
                '%' => out.push(TextPart::AnyString),
                '_' => out.push(TextPart::AnyChar),
                '\\' => out.push(TextPart::Lit(
                    chars.next().map(String::from).unwrap_or_default(),
                )),
                ch => out.push(TextPart::Lit(ch.to_string())),
            }
        }
    }
    out
}

/// Arguments of these functions that are regular expressions.
fn is_regex_arg(f: Func, i: usize) -> bool {
    matches!((f, i), (Func::Match | Func::MvFind | Func::Replace, 1))
}

fn call(c: &mut Cursor, name: &str, start: usize) -> PResult<Expr> {
    let lower = name.to_ascii_lowercase();
    c.eat("(");
    match lower.as_str() {
        "true" | "false" | "null" => {
            if !c.eat(")") {
                return Err(c.expected("`)`"));
            }
            return Ok(Expr::Lit(match lower.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::Null,
            }));
        }
        _ => {}
    }
    if lower == "searchmatch" {
        return searchmatch(c, start);
    }
    // `concat` is Vigil's name for SPL's `.` operator, not an SPL function.
    let Some(func) = Func::from_name(&lower).filter(|f| *f != Func::Concat) else {
        return Err(c.refuse(
            start,
            start + name.len(),
            &format!("the eval function `{name}()`"),
        ));
    };
    c.hints.func(func, name);
    let mut args = Vec::new();
    while !c.eat(")") {
        if !args.is_empty() && !c.eat(",") {
            return Err(c.expected("`,` or `)`"));
        }
        if c.at_end() {
            return Err(c.expected("`)` closing the call"));
        }
        c.ws();
        let arg = if is_regex_arg(func, args.len()) && c.rest().starts_with('"') {
            let (raw, at) = c.quoted_raw()?;
            let t = c.text(&unescape_regex(raw), at + 1, false, ParamType::String);
            Expr::Lit(Value::Str(t))
        } else {
            expr(c)?
        };
        args.push(arg);
    }
    if !func.accepts(args.len()) {
        return Err(c.error(
            start,
            c.pos,
            format!("`{}` cannot take {} argument(s)", func.name(), args.len()),
            "wrong number of arguments",
            format!("the form is {}", func.signature()),
        ));
    }
    if func == Func::Like
        && let Some(Expr::Lit(Value::Str(t))) = args.get(1)
    {
        args[1] = Expr::Lit(Value::Str(like_pattern(t)));
    }
    Ok(Expr::Call {
        func,
        args,
        span: c.span(start, c.pos),
    })
}

/// `searchmatch("<search>")`: the event matches a search-command filter.
fn searchmatch(c: &mut Cursor, start: usize) -> PResult<Expr> {
    if c.peek() != Some('"') {
        return Err(c.expected("a quoted search"));
    }
    let (raw, at) = c.quoted_raw()?;
    if !c.eat(")") {
        return Err(c.refuse(start, c.pos, "`searchmatch` with more than one argument"));
    }
    let inner = unescape(raw);
    let base = c.span(at + 1, at + 1).start;
    let x = super::lex::expand(&inner, base, &super::Macros::default()).map_err(Box::new)?;
    let mut sub = Cursor {
        x: &x,
        pos: 0,
        end: x.text.len(),
        names: c.names,
        params: c.params,
        hints: crate::ir::Hints::default(),
    };
    let f = super::search::filter(&mut sub)?;
    Ok(Expr::Matches(Box::new(f)))
}

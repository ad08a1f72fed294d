//! Commands read as other stages, where the IR already has their exact
//! meaning (Splunk's Search Reference, one section each):
//!
//! - `regex f="re"` keeps the events whose `f` matches: `where match(f, re)`;
//!   `regex f!="re"` keeps the others, events without `f` included (they do
//!   not match): `where isnull(f) OR NOT match(f, re)`; without a field the
//!   regex reads `_raw`.
//! - `makemv [delim="d"] [allowempty=true] f` splits `f` on every `d` (one
//!   space when absent), dropping empty values unless `allowempty=true`:
//!   `eval f = split(f, d)` then, by default, `f = mvfilter(f != "")`.
//! - `replace "a" with "b", ... in f, ...` sets each listed field that
//!   equals `a` (case-sensitive) to `b`, a later pair winning for the same
//!   value: `eval f = case(f == "a", "b", ..., true(), f)`. One pair with `*`
//!   wildcards matches the whole value, each `*` in the replacement taking
//!   the text its `*` matched: `if(match(f, "^a(.*)$"), replace(...), f)`.
//!   Several pairs with a wildcard are refused: Splunk ranks them by "fuller
//!   matches", which it does not define.

use super::commands::{end, field_list, one_field, option};
use super::cursor::{Cursor, PResult, unescape, unescape_regex};
use crate::ir::{Assign, BinOp, Expr, Func, ParamType, StageKind, Text, TextPart, Value};
use crate::source::Span;

fn call(func: Func, args: Vec<Expr>, span: Span) -> Expr {
    Expr::Call { func, args, span }
}

fn lit(s: &str) -> Expr {
    Expr::Lit(Value::str(s))
}

/// `regex [field=|field!=]"re"`.
pub(super) fn regex(c: &mut Cursor) -> PResult<StageKind> {
    c.ws();
    let start = c.pos;
    let (field, negated) = if c.peek() == Some('"') {
        (c.names.field("_raw", false), false)
    } else {
        let field = if c.peek() == Some('\'') {
            one_field(c)?
        } else {
            // A bare name ends at `!=` or `=`.
            let (n, at) = c.take_while(|ch| !ch.is_whitespace() && !"=!\"".contains(ch));
            if n.is_empty() {
                return Err(c.expected("a field name"));
            }
            if n.contains('*') {
                return Err(c.refuse(at, c.pos, "a wildcard field name"));
            }
            c.names.field(n, false)
        };
        let negated = if c.eat("!=") {
            true
        } else if c.eat("=") {
            false
        } else {
            return Err(c.expected("`=` or `!=` after the field"));
        };
        (field, negated)
    };
    if c.peek() != Some('"') {
        return Err(c.expected("a quoted regular expression"));
    }
    let (raw, at) = c.quoted_raw()?;
    let re = c.text(&unescape_regex(raw), at + 1, false, ParamType::String);
    let span = c.span(start, c.pos);
    let f = Expr::Field(field);
    let matches = call(
        Func::Match,
        vec![f.clone(), Expr::Lit(Value::Str(re))],
        span,
    );
    let cond = if negated {
        Expr::Or(vec![
            call(Func::IsNull, vec![f], span),
            Expr::Not(Box::new(matches)),
        ])
    } else {
        matches
    };
    end(c, StageKind::Where { cond })
}

/// `makemv [delim="d"] [allowempty=bool] f`.
pub(super) fn makemv(c: &mut Cursor) -> PResult<StageKind> {
    let start = c.pos;
    let mut delim = " ".to_string();
    let mut allow_empty = false;
    let field = loop {
        if option(c, &["delim"]).is_some() {
            if c.peek() != Some('"') {
                return Err(c.expected("a quoted delimiter"));
            }
            let (raw, _) = c.quoted_raw()?;
            delim = unescape(raw);
        } else if option(c, &["allowempty"]).is_some() {
            let (w, at) = c.take_while(|ch| ch.is_alphanumeric());
            allow_empty = match w.to_ascii_lowercase().as_str() {
                "true" | "t" => true,
                "false" | "f" => false,
                _ => {
                    return Err(c.error(at, c.pos, "not a boolean", "here", "write true or false"));
                }
            };
        } else if let Some((o, at)) = option(c, &["tokenizer", "setsv"]) {
            return Err(c.refuse(at, c.pos, &format!("the makemv option `{o}=`")));
        } else {
            break one_field(c)?;
        }
    };
    let span = c.span(start, c.pos);
    let target = c.names.define_field(&field.path.render("{}"), field.quoted);
    let f = Expr::Field(field);
    let mut assignments = vec![Assign {
        field: target.clone(),
        value: call(Func::Split, vec![f, lit(&delim)], span),
    }];
    if !allow_empty {
        let t = Expr::Field(target.clone());
        let nonempty = Expr::Binary {
            op: BinOp::Ne,
            lhs: Box::new(t),
            rhs: Box::new(lit("")),
        };
        assignments.push(Assign {
            field: target,
            value: call(Func::MvFilter, vec![nonempty], span),
        });
    }
    end(c, StageKind::Eval { assignments })
}

/// A `replace` operand: quoted or bare, `*` a wildcard.
fn wc_string(c: &mut Cursor) -> PResult<(String, usize)> {
    c.ws();
    let at = c.pos;
    if c.peek() == Some('"') {
        let (raw, _) = c.quoted_raw()?;
        return Ok((unescape(raw), at));
    }
    let (w, _) = c.take_while(|ch| !ch.is_whitespace() && ch != ',');
    if w.is_empty() {
        return Err(c.expected("a value"));
    }
    Ok((w.to_string(), at))
}

/// The regex text of a wildcard pattern, anchored, one group per `*`.
fn wildcard_regex(p: &str) -> String {
    let parts: Vec<String> = p.split('*').map(::regex::escape).collect();
    format!("(?s)^{}$", parts.join("(.*)"))
}

/// The SPL replacement text: literal parts (backslashes doubled), each `*`
/// the next group.
fn wildcard_replacement(r: &str) -> String {
    let mut out = String::new();
    for (i, part) in r.split('*').enumerate() {
        if i > 0 {
            out.push_str(&format!("\\{i}"));
        }
        out.push_str(&part.replace('\\', "\\\\"));
    }
    out
}

/// A text literal with no wildcard or parameter reading.
fn literal(s: &str) -> Expr {
    let mut t = Text::default();
    t.push(TextPart::Lit(s.to_string()));
    Expr::Lit(Value::Str(t))
}

/// `replace (a WITH b)[, ...] IN f[, ...]`.
pub(super) fn replace(c: &mut Cursor) -> PResult<StageKind> {
    let start = c.pos;
    let mut pairs: Vec<(String, String, usize)> = Vec::new();
    loop {
        let (from, at) = wc_string(c)?;
        if !c.eat_kw("with") {
            return Err(c.expected("`WITH`"));
        }
        let (to, _) = wc_string(c)?;
        pairs.push((from, to, at));
        if !c.eat(",") {
            break;
        }
    }
    if !c.eat_kw("in") {
        return Err(c.refuse(start, c.pos, "`replace` without `IN` (every field)"));
    }
    let fields = field_list(c, &[])?;
    let span = c.span(start, c.pos);
    let wild: Vec<&(String, String, usize)> = pairs.iter().filter(|p| p.0.contains('*')).collect();
    if let Some((from, to, at)) = wild.first() {
        if pairs.len() > 1 {
            return Err(c.refuse(
                *at,
                at + from.len(),
                "`replace` with a wildcard among several pairs (Splunk ranks them by \"fuller matches\")",
            ));
        }
        let n = to.matches('*').count();
        if n != 0 && n != from.matches('*').count() {
            return Err(c.error(
                *at,
                c.pos,
                "the replacement has a different number of wildcards",
                "here",
                "Splunk requires the same number of `*`, or none",
            ));
        }
    }
    let mut assignments = Vec::new();
    for f in fields.items {
        let target = c.names.define_field(&f.path.render("{}"), f.quoted);
        let x = Expr::Field(f);
        let mut args = Vec::new();
        if let Some((from, to, _)) = wild.first() {
            let re = literal(&wildcard_regex(from));
            args.push(call(Func::Match, vec![x.clone(), re.clone()], span));
            args.push(call(
                Func::Replace,
                vec![x.clone(), re, literal(&wildcard_replacement(to))],
                span,
            ));
        } else {
            // A later pair wins for the same value: test later pairs first.
            for (from, to, _) in pairs.iter().rev() {
                args.push(Expr::Binary {
                    op: BinOp::Eq,
                    lhs: Box::new(x.clone()),
                    rhs: Box::new(literal(from)),
                });
                args.push(literal(to));
            }
        }
        args.push(Expr::Lit(Value::Bool(true)));
        args.push(x);
        assignments.push(Assign {
            field: target,
            value: call(Func::Case, args, span),
        });
    }
    Ok(StageKind::Eval { assignments })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_become_groups() {
        assert_eq!(wildcard_regex("*localhost"), "(?s)^(.*)localhost$");
        assert_eq!(wildcard_regex("a.b*"), r"(?s)^a\.b(.*)$");
        assert_eq!(wildcard_replacement("localhost *"), r"localhost \1");
        assert_eq!(wildcard_replacement(r"x\y"), r"x\\y");
    }
}

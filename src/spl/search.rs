//! The search command's own grammar (Splunk Search Reference, "search"):
//! terms joined by an implied AND; `OR` binds tighter than `AND` (search
//! evaluates NOT, then OR, then AND); the operators are upper case (a lower
//! case `and` is a search term); `field=value` compares case-insensitively
//! with `*` wildcards; `field!=value` needs the field while `NOT
//! field=value` also matches events without it; a bare word or quoted
//! phrase is a keyword over the raw event; `earliest=`/`latest=` set the
//! time range instead of testing a field.

use super::cursor::{Cursor, PResult, param_at, unescape};
use crate::ir::{Filter, Keyword, List, Ordering, ParamType, Pred, Sep, Test, Text, Value};

/// Time modifiers: they set the search's time range.
const TIME_MODIFIERS: &[&str] = &["earliest", "latest", "_index_earliest", "_index_latest"];

/// Reads a filter up to the end of the stage.
pub fn filter(c: &mut Cursor) -> PResult<Filter> {
    let f = and_expr(c, true)?;
    if !c.at_end() {
        return Err(c.expected("a search term"));
    }
    Ok(f)
}

fn eat_op(c: &mut Cursor, op: &str) -> bool {
    let save = c.pos;
    if c.eat_kw(op) && c.x.text[save..c.pos].trim_start() == op {
        return true;
    }
    c.pos = save;
    false
}

/// Terms joined by AND, written or implied. At the top level, records
/// whether the author wrote every AND between terms that test events (the
/// joins beside `index=`-like terms, which the printer writes apart, do not
/// count).
fn and_expr(c: &mut Cursor, top: bool) -> PResult<Filter> {
    let mut items: Vec<Filter> = Vec::new();
    let (mut joins, mut written) = (0, 0);
    loop {
        if c.at_end() || c.peek() == Some(')') {
            break;
        }
        let explicit = !items.is_empty() && eat_op(c, "AND");
        let item = or_expr(c)?;
        if items.last().is_some_and(|prev| {
            !super::scope::is_source_term(prev) && !super::scope::is_source_term(&item)
        }) {
            joins += 1;
            written += usize::from(explicit);
        }
        items.push(item);
    }
    if top && joins > 0 && written == joins {
        c.hints.explicit_and = true;
    }
    Ok(Filter::and(items))
}

fn or_expr(c: &mut Cursor) -> PResult<Filter> {
    let mut items = vec![not_expr(c)?];
    while eat_op(c, "OR") {
        items.push(not_expr(c)?);
    }
    Ok(if items.len() == 1 {
        items.pop().unwrap_or(Filter::True)
    } else {
        Filter::Or(items)
    })
}

fn not_expr(c: &mut Cursor) -> PResult<Filter> {
    if eat_op(c, "NOT") {
        return Ok(Filter::Not(Box::new(not_expr(c)?)));
    }
    term(c)
}

fn term(c: &mut Cursor) -> PResult<Filter> {
    let start = c.pos;
    match c.peek() {
        Some('(') => {
            c.eat("(");
            let inner = and_expr(c, false)?;
            if !c.eat(")") {
                return Err(c.expected("`)`"));
            }
            return Ok(Filter::Group(Box::new(inner)));
        }
        Some('[') => return Err(c.refuse(c.pos, c.pos + 1, "a subsearch in a search")),
        None => return Err(c.expected("a search term")),
        _ => {}
    }
    if ["TERM(", "CASE("].iter().any(|k| c.rest().starts_with(k)) {
        let v = value(c)?;
        return keyword(c, v);
    }
    let (name, quoted) = if c.peek() == Some('"') {
        let (raw, _) = c.quoted_raw()?;
        (unescape(raw), true)
    } else {
        let (w, _) = c.take_while(|ch| !ch.is_whitespace() && !"=!<>()\"".contains(ch));
        (w.to_string(), false)
    };
    let name_end = c.pos;
    let op = ["!=", "<=", ">=", "==", "=", "<", ">"]
        .into_iter()
        .find(|op| c.rest().trim_start().starts_with(op));
    if let Some(op) = op {
        if name.is_empty() {
            return Err(c.expected("a field name"));
        }
        c.eat(op);
        let v = value(c)?;
        return compare(c, &name, quoted, op, v, start);
    }
    let save = c.pos;
    if !quoted && eat_op(c, "IN") && c.peek() == Some('(') {
        return in_list(c, &name, start);
    }
    c.pos = save;
    if name.is_empty() {
        return Err(c.expected("a search term"));
    }
    let v = SValue {
        raw: name,
        quoted,
        at: start,
        end: name_end,
    };
    keyword(c, (v, false))
}

/// A value as written.
struct SValue {
    raw: String,
    quoted: bool,
    at: usize,
    end: usize,
}

/// A value: quoted, `CASE(value)`, or a bare word. `TERM()` is refused.
fn value(c: &mut Cursor) -> PResult<(SValue, bool)> {
    c.ws();
    let at = c.pos;
    if c.rest().starts_with("TERM(") {
        return Err(c.refuse(at, at + 5, "TERM()"));
    }
    if c.rest().starts_with("CASE(") {
        c.eat("CASE(");
        let (v, _) = value(c)?;
        if !c.eat(")") {
            return Err(c.expected("`)` closing CASE("));
        }
        return Ok((v, true));
    }
    if c.peek() == Some('"') {
        let (raw, _) = c.quoted_raw()?;
        return Ok((
            SValue {
                raw: unescape(raw),
                quoted: true,
                at,
                end: c.pos,
            },
            false,
        ));
    }
    let (w, _) = c.take_while(|ch| !ch.is_whitespace() && !"()".contains(ch) && ch != ',');
    if w.is_empty() {
        return Err(c.expected("a value"));
    }
    Ok((
        SValue {
            raw: w.to_string(),
            quoted: false,
            at,
            end: c.pos,
        },
        false,
    ))
}

fn keyword(c: &mut Cursor, (v, cased): (SValue, bool)) -> PResult<Filter> {
    if v.raw == "*" {
        return Ok(Filter::True);
    }
    let text = c.text(&v.raw, v.at, true, ParamType::String);
    Ok(Filter::Keyword(Keyword {
        text,
        cased,
        span: c.span(v.at, v.end),
    }))
}

fn pred(c: &Cursor, field: crate::ir::FieldRef, test: Test, start: usize) -> Filter {
    Filter::Pred(Pred {
        field,
        test,
        span: c.span(start, c.pos),
    })
}

fn compare(
    c: &mut Cursor,
    name: &str,
    quoted: bool,
    op: &str,
    (v, cased): (SValue, bool),
    start: usize,
) -> PResult<Filter> {
    if !quoted && TIME_MODIFIERS.contains(&name) {
        c.names.times.push((name.to_string(), v.raw.clone()));
        return Ok(Filter::True);
    }
    let field = c.names.field(name, quoted);
    if v.raw == "*" && !v.quoted {
        let exists = pred(c, field, Test::Exists, start);
        return Ok(match op {
            "=" | "==" => exists,
            "!=" => Filter::Not(Box::new(exists)),
            _ => return Err(c.refuse(start, c.pos, "an ordering comparison with `*`")),
        });
    }
    let numeric = matches!(op, "<" | "<=" | ">" | ">=");
    let ty = if numeric {
        ParamType::Number
    } else {
        ParamType::String
    };
    let text = c.text(&v.raw, v.at, true, ty);
    if text.has_wildcards() {
        let like = Test::Like {
            patterns: List::commas(vec![text]),
            all: false,
            cased,
        };
        return Ok(match op {
            "=" | "==" => pred(c, field, like, start),
            // `f!=a*`: the field exists and no value matches.
            "!=" => Filter::and(vec![
                pred(c, field.clone(), Test::Exists, start),
                Filter::Not(Box::new(pred(c, field, like, start))),
            ]),
            _ => return Err(c.refuse(start, c.pos, "an ordering comparison with a wildcard")),
        });
    }
    let value = typed(c, &v, text, ty);
    let test = match op {
        "=" | "==" if is_cidr(&v.raw) => Test::Cidr {
            ranges: List::commas(vec![value]),
        },
        "=" | "==" => Test::Eq { value, cased },
        "!=" => Test::Ne { value, cased },
        "<" => Test::Cmp {
            op: Ordering::Lt,
            value,
        },
        "<=" => Test::Cmp {
            op: Ordering::Le,
            value,
        },
        ">" => Test::Cmp {
            op: Ordering::Gt,
            value,
        },
        _ => Test::Cmp {
            op: Ordering::Ge,
            value,
        },
    };
    if v.quoted && matches!(test, Test::Eq { .. } | Test::Ne { .. }) {
        let span = c.span(start, c.pos);
        c.hints.quoted.push(span);
    }
    Ok(pred(c, field, test, start))
}

/// A bare number is a number, a bare `{name}` a parameter, anything else
/// text.
fn typed(c: &mut Cursor, v: &SValue, text: Text, ty: ParamType) -> Value {
    if !v.quoted {
        if let Some(name) = param_at(&v.raw).filter(|n| n.len() + 2 == v.raw.len()) {
            c.param(name, ty, v.at);
            return Value::Param(name.to_string());
        }
        if let Ok(i) = v.raw.parse::<i64>()
            && !v.raw.starts_with('+')
            && (v.raw == "0" || !v.raw.starts_with('0'))
        {
            return Value::Int(i);
        }
        if v.raw.contains('.')
            && v.raw.chars().all(|ch| ch.is_ascii_digit() || ch == '.')
            && let Ok(f) = v.raw.parse::<f64>()
        {
            return Value::Float(f, v.raw.clone());
        }
    }
    Value::Str(text)
}

/// `a.b.c.d/n`: a CIDR range, matched as one in a search.
fn is_cidr(s: &str) -> bool {
    let Some((ip, bits)) = s.split_once('/') else {
        return false;
    };
    bits.parse::<u8>().is_ok_and(|b| b <= 128) && ip.parse::<std::net::IpAddr>().is_ok()
}

fn in_list(c: &mut Cursor, name: &str, start: usize) -> PResult<Filter> {
    c.eat("(");
    let field = c.names.field(name, false);
    let mut values = Vec::new();
    let mut seps = Vec::new();
    let mut cased = false;
    loop {
        if c.eat(")") {
            break;
        }
        if c.at_end() {
            return Err(c.expected("`)` closing the IN list"));
        }
        let comma = c.eat(",");
        // Splunk passes over empty items (`IN (,"a",)`).
        while c.eat(",") {}
        if c.eat(")") {
            break;
        }
        if !values.is_empty() {
            seps.push(if comma { Sep::Comma } else { Sep::Space });
        }
        let (v, case) = value(c)?;
        cased |= case;
        values.push(v);
    }
    let texts: Vec<Text> = values
        .iter()
        .map(|v| c.text(&v.raw, v.at, true, ParamType::String))
        .collect();
    let test = if texts.iter().any(Text::has_wildcards) {
        Test::Like {
            patterns: List { items: texts, seps },
            all: false,
            cased,
        }
    } else {
        let items = values
            .iter()
            .zip(texts)
            .map(|(v, t)| typed(c, v, t, ParamType::String))
            .collect();
        Test::In {
            values: List { items, seps },
            cased,
        }
    };
    Ok(pred(c, field, test, start))
}

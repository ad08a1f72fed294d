//! Commands that extract or bring in columns: `rex`, `spath`, `lookup`,
//! `join`, `fillnull`.

use super::commands::{alias, end, field_list, field_name, number, one_field, option};
use super::cursor::{Cursor, PResult, unescape, unescape_regex};
use crate::ir::{
    FieldRef, JoinKind, List, LookupField, LookupOutputs, OutputMode, ParamType, Regex, RegexFlags,
    Sep, StageKind, SubQuery, Text,
};

pub(super) fn rex(c: &mut Cursor) -> PResult<StageKind> {
    let mut field = None;
    let mut max_match = None;
    let mut pattern = None;
    while !c.at_end() {
        if option(c, &["field"]).is_some() {
            field = Some(one_field(c)?);
        } else if option(c, &["max_match"]).is_some() {
            max_match = number(c)?;
        } else if let Some((o, at)) = option(c, &["mode", "offset_field"]) {
            return Err(c.refuse(at, c.pos, &format!("the rex option `{o}=`")));
        } else if c.peek() == Some('"') {
            let (raw, at) = c.quoted_raw()?;
            pattern = Some(c.text(&unescape_regex(raw), at + 1, false, ParamType::String));
        } else {
            return Err(c.expected("field=, max_match= or a quoted regular expression"));
        }
    }
    let Some(pattern) = pattern else {
        return Err(c.expected("a regular expression"));
    };
    let field = field.unwrap_or_else(|| c.names.field("_raw", false));
    let groups = group_names(&pattern);
    for g in &groups {
        c.names.define(g);
    }
    Ok(StageKind::Rex {
        field,
        regex: Regex {
            pattern,
            flags: RegexFlags::default(),
        },
        max_match,
        groups,
    })
}

/// The named groups `(?<name>` / `(?P<name>` of a pattern.
fn group_names(t: &Text) -> Vec<String> {
    let s = t.display();
    let mut out = Vec::new();
    for (i, _) in s.match_indices("(?") {
        let rest = &s[i + 2..];
        let rest = rest.strip_prefix('P').unwrap_or(rest);
        if let Some(body) = rest.strip_prefix('<')
            && let Some(end) = body.find('>')
            && !body.starts_with(['=', '!'])
        {
            out.push(body[..end].to_string());
        }
    }
    out
}

pub(super) fn spath(c: &mut Cursor) -> PResult<StageKind> {
    let (mut path, mut output, mut path_keyword, mut input) = (None, None, false, None);
    while !c.at_end() {
        if option(c, &["output"]).is_some() {
            output = Some(field_name(c)?);
        } else if option(c, &["path"]).is_some() {
            path_keyword = true;
            path = Some(field_name(c)?);
        } else if option(c, &["input"]).is_some() {
            input = Some(one_field(c)?);
        } else {
            path = Some(field_name(c)?);
        }
    }
    let output = output.map(|(n, q, _)| c.names.define_field(&n, q));
    // With `input=`, the path is inside that column's JSON, not an event
    // field; without a path, every key of that JSON becomes a column, read
    // later as event fields are (the reader cannot know their names).
    let path = match (path, &input) {
        (None, None) => {
            return Err(c.refuse(
                c.pos.saturating_sub(5),
                c.pos,
                "`spath` without a path (every key)",
            ));
        }
        (None, Some(_)) => None,
        (Some((p, q, _)), Some(_)) => Some(FieldRef {
            kind: crate::ir::FieldKind::Lookup,
            quoted: q,
            ..FieldRef::local(&p)
        }),
        (Some((p, q, _)), None) => Some(c.names.field(&p, q)),
    };
    if let (None, Some(p)) = (&output, &path) {
        c.names.define(&p.path.render("{}"));
    }
    Ok(StageKind::Spath {
        input,
        path,
        output,
        path_keyword,
    })
}

fn lookup_fields(c: &mut Cursor, outputs: bool) -> PResult<List<LookupField>> {
    let mut items = Vec::new();
    let mut seps = Vec::new();
    let outputs_next = |c: &mut Cursor| {
        let w = c.peek_word();
        w.eq_ignore_ascii_case("output") || w.eq_ignore_ascii_case("outputnew")
    };
    while !(c.at_end() || outputs_next(c)) {
        if !items.is_empty() {
            seps.push(if c.eat(",") { Sep::Comma } else { Sep::Space });
        }
        let (n, q, _) = field_name(c)?;
        let column = FieldRef {
            kind: crate::ir::FieldKind::Lookup,
            ..FieldRef::local(&n)
        };
        let column = FieldRef {
            quoted: q,
            ..column
        };
        let al = alias(c, outputs)?;
        if outputs && al.is_none() {
            c.names.define(&n);
        }
        items.push(LookupField { column, alias: al });
    }
    Ok(List { items, seps })
}

pub(super) fn lookup(c: &mut Cursor) -> PResult<StageKind> {
    if let Some((o, at)) = option(c, &["local", "update", "event_time_field"]) {
        return Err(c.refuse(at, c.pos, &format!("the lookup option `{o}=`")));
    }
    let (table, _, at) = field_name(c)?;
    let table = c.text(&table, at, false, ParamType::String);
    let inputs = lookup_fields(c, false)?;
    let outputs = if c.at_end() {
        None
    } else {
        let (kw, _) = c.take_while(|ch| ch.is_alphabetic());
        let mode = if kw.eq_ignore_ascii_case("outputnew") {
            OutputMode::OutputNew
        } else {
            OutputMode::Output
        };
        Some(LookupOutputs {
            mode,
            keyword: kw.to_string(),
            fields: lookup_fields(c, true)?,
        })
    };
    Ok(StageKind::Lookup {
        table,
        inputs,
        outputs,
    })
}

const JOIN_OPTIONS: &[&str] = &["type", "max", "overwrite", "usetime", "earlier"];

/// `type=inner|left`; outer joins and the other options are refused.
fn join_options(c: &mut Cursor, kind: &mut JoinKind, explicit: &mut bool) -> PResult<()> {
    while let Some((o, at)) = option(c, JOIN_OPTIONS) {
        let (v, _) = c.take_while(|ch| ch.is_alphanumeric());
        match (o, v.to_ascii_lowercase().as_str()) {
            ("type", "inner") => *kind = JoinKind::Inner,
            ("type", "left") => *kind = JoinKind::Left,
            ("type", _) => return Err(c.refuse(at, c.pos, &format!("`join type={v}`"))),
            _ => return Err(c.refuse(at, c.pos, &format!("the join option `{o}=`"))),
        }
        *explicit = true;
    }
    Ok(())
}

pub(super) fn join(
    c: &mut Cursor,
    sub: &mut dyn FnMut(&mut Cursor, usize, usize) -> PResult<SubQuery>,
) -> PResult<StageKind> {
    let (mut kind, mut kind_explicit) = (JoinKind::Inner, false);
    join_options(c, &mut kind, &mut kind_explicit)?;
    // Options may also follow the fields (`join ObjectDN type=inner [...]`).
    let fields = field_list(c, JOIN_OPTIONS)?;
    join_options(c, &mut kind, &mut kind_explicit)?;
    if !c.eat("[") {
        return Err(c.expected("a subsearch `[...]`"));
    }
    let open = c.pos;
    let close = matching_bracket(c.rest())
        .map(|n| open + n)
        .ok_or_else(|| c.expected("`]` closing the subsearch"))?;
    let query = sub(c, open, close)?;
    c.pos = close + 1;
    end(
        c,
        StageKind::Join {
            kind,
            kind_explicit,
            fields,
            query: Box::new(query),
        },
    )
}

/// The offset of the `]` closing a subsearch whose body starts `s`.
fn matching_bracket(s: &str) -> Option<usize> {
    let (mut depth, mut quote, mut escape) = (0, false, false);
    for (i, ch) in s.char_indices() {
        if quote {
            match ch {
                _ if escape => escape = false,
                '\\' => escape = true,
                '"' => quote = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => quote = true,
            '[' => depth += 1,
            ']' if depth == 0 => return Some(i),
            ']' => depth -= 1,
            _ => {}
        }
    }
    None
}

pub(super) fn fillnull(c: &mut Cursor) -> PResult<StageKind> {
    let value = match option(c, &["value"]) {
        Some(_) => Some(if c.peek() == Some('"') {
            let (raw, at) = c.quoted_raw()?;
            crate::ir::Value::Str(c.text(&unescape(raw), at + 1, false, ParamType::String))
        } else {
            let (w, _) = c.take_while(|ch| !ch.is_whitespace());
            match w.parse::<i64>() {
                Ok(i) => crate::ir::Value::Int(i),
                Err(_) => crate::ir::Value::str(w),
            }
        }),
        None => None,
    };
    Ok(StageKind::FillNull {
        value,
        fields: field_list(c, &[])?,
    })
}

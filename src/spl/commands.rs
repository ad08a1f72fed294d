//! Pipeline commands → IR stages, one function per command. Every command,
//! option or argument form the IR cannot represent is refused at its span.

use super::cursor::{Cursor, PResult, unescape};
use super::{columns, expr, rewrite, search};
use crate::ir::{
    AggArg, AggFunc, Aggregate, Alias, Assign, Duration, FieldRef, List, Rename, Sep, SortKey,
    StageKind, SubQuery,
};

/// Commands the IR has no stage for, that detection content uses: refused
/// by name. Anything else unknown is refused too, as an unknown command.
const KNOWN_UNSUPPORTED: &[&str] = &[
    "tstats",
    "transaction",
    "map",
    "foreach",
    "append",
    "appendcols",
    "appendpipe",
    "iplocation",
    "xmlkv",
    "outputlookup",
    "inputlookup",
    "streamstats",
    "timechart",
    "chart",
    "top",
    "rare",
    "eventcount",
    "fromjson",
    "collect",
    "datamodel",
    "from",
    "rest",
    "multisearch",
    "union",
    "apply",
    "fit",
    "geostats",
    "kvform",
    "extract",
    "makeresults",
    "addinfo",
    "strcat",
    "mvcombine",
    "nomv",
    "untable",
    "xyseries",
    "delta",
    "accum",
    "autoregress",
    "anomalydetection",
    "cluster",
    "gentimes",
    "uniq",
    "reverse",
    "tail",
    "tags",
    "typer",
    "filldown",
    "selfjoin",
    "bucketdir",
    "return",
    "format",
    "sendemail",
    "outputcsv",
    "inputcsv",
    "loadjob",
    "savedsearch",
];

/// One stage: the command word at the cursor, then its arguments. `None`
/// for a stage that does nothing (`search *`).
pub fn command(
    c: &mut Cursor,
    join_sub: &mut dyn FnMut(&mut Cursor, usize, usize) -> PResult<SubQuery>,
) -> PResult<Option<StageKind>> {
    c.ws();
    let start = c.pos;
    let (word, _) = c.take_while(|ch| ch.is_alphanumeric() || ch == '_');
    let name = word.to_ascii_lowercase();
    let kind = match name.as_str() {
        "search" => {
            let f = search::filter(c)?;
            if f.is_true() {
                return Ok(None);
            }
            StageKind::Search { filter: f }
        }
        "where" => {
            let cond = expr::expr(c)?;
            end(c, StageKind::Where { cond })?
        }
        "eval" => eval(c)?,
        "convert" => convert(c)?,
        "stats" | "eventstats" => stats(c, name == "eventstats")?,
        "table" => StageKind::Table {
            fields: field_list(c, &[])?,
        },
        "fields" => {
            let remove = c.eat("-");
            if !remove {
                c.eat("+");
            }
            StageKind::Fields {
                remove,
                fields: field_list(c, &[])?,
            }
        }
        "rename" => rename(c)?,
        "sort" => sort(c)?,
        "head" => {
            if c.eat_kw("limit") && !c.eat("=") {
                return Err(c.expected("`=`"));
            }
            let count = number(c)?.unwrap_or(10);
            end(c, StageKind::Head { count })?
        }
        "dedup" => {
            if c.peek().is_some_and(|ch| ch.is_ascii_digit()) {
                return Err(c.refuse(c.pos, c.pos + 1, "`dedup N` (keeping N events)"));
            }
            StageKind::Dedup {
                fields: field_list(c, &[])?,
            }
        }
        "bin" | "bucket" => {
            c.hints.alias = name == "bucket";
            bin(c)?
        }
        "rex" => columns::rex(c)?,
        "spath" => columns::spath(c)?,
        "mvexpand" => {
            let f = one_field(c)?;
            end(c, StageKind::MvExpand { field: f })?
        }
        "regex" => rewrite::regex(c)?,
        "makemv" => rewrite::makemv(c)?,
        "replace" => rewrite::replace(c)?,
        "lookup" => columns::lookup(c)?,
        "join" => columns::join(c, join_sub)?,
        "fillnull" => columns::fillnull(c)?,
        "transpose" => {
            let rows = number(c)?;
            c.names.all_local();
            end(c, StageKind::Transpose { rows })?
        }
        _ if word.is_empty() => return Err(c.expected("a command")),
        _ => {
            let what = if KNOWN_UNSUPPORTED.contains(&name.as_str()) {
                format!("the `{name}` command")
            } else {
                format!("the unknown command `{name}`")
            };
            return Err(c.refuse(start, start + word.len(), &what));
        }
    };
    Ok(Some(kind))
}

/// Checks that the stage ends here.
pub(super) fn end<T>(c: &mut Cursor, v: T) -> PResult<T> {
    if c.at_end() {
        Ok(v)
    } else {
        Err(c.expected("the end of the command"))
    }
}

pub(super) fn number(c: &mut Cursor) -> PResult<Option<u64>> {
    let (w, at) = c.take_while(|ch| ch.is_ascii_digit());
    if w.is_empty() {
        return Ok(None);
    }
    w.parse().map(Some).map_err(|_| {
        c.error(
            at,
            c.pos,
            "number too large",
            "here",
            "use a smaller number",
        )
    })
}

/// A field name in a command's arguments: bare, `"quoted"` or `'quoted'`.
pub(super) fn field_name(c: &mut Cursor) -> PResult<(String, bool, usize)> {
    c.ws();
    let at = c.pos;
    match c.peek() {
        Some('"') => {
            let (raw, _) = c.quoted_raw()?;
            Ok((unescape(raw), true, at))
        }
        Some('\'') => {
            let r = c.rest();
            let len = r[1..]
                .find('\'')
                .ok_or_else(|| c.expected("a closing `'`"))?;
            c.pos += len + 2;
            Ok((r[1..1 + len].to_string(), true, at))
        }
        _ => {
            let (w, _) = c.take_while(|ch| !ch.is_whitespace() && !",()=\"[]".contains(ch));
            if w.is_empty() {
                return Err(c.expected("a field name"));
            }
            if w.contains('*') {
                return Err(c.refuse(at, c.pos, "a wildcard field name"));
            }
            Ok((w.to_string(), false, at))
        }
    }
}

pub(super) fn one_field(c: &mut Cursor) -> PResult<FieldRef> {
    let (n, q, _) = field_name(c)?;
    Ok(c.names.field(&n, q))
}

/// Fields separated by commas or spaces, up to the end or a stop word.
pub(super) fn field_list(c: &mut Cursor, stop: &[&str]) -> PResult<List<FieldRef>> {
    let mut items = Vec::new();
    let mut seps = Vec::new();
    loop {
        let is_option = |c: &mut Cursor| {
            let w = c.peek_word();
            stop.iter().any(|s| s.eq_ignore_ascii_case(w))
                && c.rest().trim_start()[w.len()..]
                    .trim_start()
                    .starts_with('=')
        };
        if c.at_end() || c.peek() == Some('[') || is_option(c) {
            break;
        }
        let comma = c.eat(",");
        // Splunk passes over empty items (`a, , b`).
        while c.eat(",") {}
        if c.at_end() || c.peek() == Some('[') {
            break;
        }
        if !items.is_empty() {
            seps.push(if comma { Sep::Comma } else { Sep::Space });
        }
        items.push(one_field(c)?);
    }
    Ok(List { items, seps })
}

/// `as` or `AS` and the new name, if present.
pub(super) fn alias(c: &mut Cursor, define: bool) -> PResult<Option<Alias>> {
    c.ws();
    let save = c.pos;
    if !c.eat_kw("as") {
        return Ok(None);
    }
    let upper = &c.x.text[save..c.pos] == "AS";
    let (mut n, q, _) = field_name(c)?;
    // `as aceFlags(inheritance)`: parentheses right after a bare name are
    // part of it.
    if !q
        && c.rest().starts_with('(')
        && let Some(close) = c.rest().find(')')
        && !c.rest()[..close].contains(char::is_whitespace)
    {
        n.push_str(&c.rest()[..=close]);
        c.pos += close + 1;
    }
    let name = if define {
        c.names.define_field(&n, q)
    } else {
        c.names.field(&n, q)
    };
    Ok(Some(Alias { name, upper }))
}

fn eval(c: &mut Cursor) -> PResult<StageKind> {
    let mut assignments = Vec::new();
    loop {
        let (n, q, _) = field_name(c)?;
        if !c.eat("=") {
            return Err(c.expected("`=`"));
        }
        let value = expr::expr(c)?;
        let field = c.names.define_field(&n, q);
        assignments.push(Assign { field, value });
        if !c.eat(",") {
            break;
        }
    }
    end(c, StageKind::Eval { assignments })
}

/// `convert [timeformat="..."] ctime(f) [as g] ...`: each `ctime` is
/// `eval g = strftime(f, format)`; other conversions are refused.
fn convert(c: &mut Cursor) -> PResult<StageKind> {
    let mut format = "%m/%d/%Y %H:%M:%S".to_string();
    if option(c, &["timeformat"]).is_some() {
        if c.peek() != Some('"') {
            return Err(c.expected("a quoted time format"));
        }
        let (raw, _) = c.quoted_raw()?;
        format = unescape(raw);
    }
    let mut assignments = Vec::new();
    while !c.at_end() {
        c.eat(",");
        let at = c.pos;
        let (w, _) = c.take_while(|ch| ch.is_alphanumeric() || ch == '_');
        if !w.eq_ignore_ascii_case("ctime") || !c.eat("(") {
            return Err(c.refuse(
                at,
                c.pos.max(at + 1),
                &format!("the conversion `convert {w}`"),
            ));
        }
        let (n, q, _) = field_name(c)?;
        if !c.eat(")") {
            return Err(c.expected("`)`"));
        }
        let source = c.names.field(&n, q);
        let target = match alias(c, true)? {
            Some(a) => a.name,
            None => c.names.define_field(&n, q),
        };
        let span = c.span(at, c.pos);
        assignments.push(Assign {
            field: target,
            value: crate::ir::Expr::Call {
                func: crate::ir::Func::Strftime,
                args: vec![
                    crate::ir::Expr::Field(source),
                    crate::ir::Expr::Lit(crate::ir::Value::str(format.clone())),
                ],
                span,
            },
        });
    }
    if assignments.is_empty() {
        return Err(c.expected("ctime(field)"));
    }
    Ok(StageKind::Eval { assignments })
}

fn agg_func(name: &str) -> Option<AggFunc> {
    let lower = name.to_ascii_lowercase();
    let canonical = match lower.as_str() {
        "c" => "count",
        "distinct_count" => "dc",
        "mean" => "avg",
        other => other,
    };
    if let Some(n) = canonical
        .strip_prefix('p')
        .filter(|n| n.parse::<u8>().is_ok())
    {
        return AggFunc::from_name(&format!("perc{n}"));
    }
    AggFunc::from_name(canonical)
}

fn stats(c: &mut Cursor, event: bool) -> PResult<StageKind> {
    let mut items = Vec::new();
    let mut seps = Vec::new();
    loop {
        if c.at_end() || c.peek_word().eq_ignore_ascii_case("by") {
            break;
        }
        let comma = c.eat(",");
        // A trailing comma before `by` (`max(_time) as lastTime, by x`).
        if c.at_end() || c.peek_word().eq_ignore_ascii_case("by") {
            break;
        }
        if !items.is_empty() {
            seps.push(if comma { Sep::Comma } else { Sep::Space });
        }
        c.ws();
        let start = c.pos;
        let (w, _) = c.take_while(|ch| ch.is_alphanumeric() || ch == '_');
        if c.rest().starts_with('=') {
            return Err(c.refuse(start, c.pos, &format!("the stats option `{w}=`")));
        }
        if w.is_empty() {
            return Err(c.expected("an aggregate such as `count` or `values(field)`"));
        }
        let Some(func) = agg_func(w) else {
            return Err(c.refuse(start, c.pos.max(start + 1), &format!("the aggregate `{w}`")));
        };
        let arg = if c.rest().starts_with('(') {
            c.eat("(");
            let arg = if c.eat_kw("eval") {
                if !c.eat("(") {
                    return Err(c.expected("`(` after eval"));
                }
                let e = expr::expr(c)?;
                if !c.eat(")") {
                    return Err(c.expected("`)`"));
                }
                AggArg::Expr(e)
            } else {
                if c.peek() == Some('*') {
                    return Err(c.refuse(c.pos, c.pos + 1, "an aggregate over every field (`*`)"));
                }
                AggArg::Field(one_field(c)?)
            };
            if !c.eat(")") {
                return Err(c.expected("`)`"));
            }
            Some(arg)
        } else {
            None
        };
        let mut a = Aggregate {
            func,
            arg,
            alias: None,
        };
        a.alias = alias(c, true)?;
        if a.alias.is_none() {
            let x = c.x;
            c.names.define(x.text[start..c.pos].trim());
            c.names.define(&a.default_name());
        }
        items.push(a);
    }
    let by = if c.eat_kw("by") {
        field_list(c, &[])?
    } else {
        List::commas(Vec::new())
    };
    end(
        c,
        StageKind::Stats {
            event,
            aggregates: List { items, seps },
            by,
        },
    )
}

fn rename(c: &mut Cursor) -> PResult<StageKind> {
    let mut items = Vec::new();
    let mut seps = Vec::new();
    while !c.at_end() {
        if !items.is_empty() {
            seps.push(if c.eat(",") { Sep::Comma } else { Sep::Space });
        }
        if let Some(r) = wildcard_rename(c)? {
            items.push(r);
            continue;
        }
        let from = one_field(c)?;
        let Some(to) = alias(c, true)? else {
            return Err(c.expected("`as` and the new name"));
        };
        items.push(Rename {
            from,
            to,
            wildcard: false,
        });
    }
    Ok(StageKind::Rename {
        renames: List { items, seps },
    })
}

/// `a*b as c*d` (quoted or not), if the next name has a `*`: one `*` on
/// each side, as Splunk requires the same number.
fn wildcard_rename(c: &mut Cursor) -> PResult<Option<Rename>> {
    c.ws();
    let save = c.pos;
    let (w, _) = c.take_while(|ch| !ch.is_whitespace() && ch != ',');
    c.pos = save;
    if !w.contains('*') {
        return Ok(None);
    }
    let name = |c: &mut Cursor| -> PResult<(String, bool)> {
        c.ws();
        let at = c.pos;
        let (n, q) = match c.peek() {
            Some('"' | '\'') => {
                let (n, q, _) = field_name(c)?;
                (n, q)
            }
            _ => {
                let (w, _) = c.take_while(|ch| !ch.is_whitespace() && !",()=\"[]".contains(ch));
                (w.to_string(), false)
            }
        };
        if n.matches('*').count() != 1 {
            return Err(c.refuse(
                at,
                c.pos.max(at + 1),
                "a wildcard rename without exactly one `*` on each side",
            ));
        }
        Ok((n, q))
    };
    let (from, fq) = name(c)?;
    c.ws();
    let kw = c.pos;
    if !c.eat_kw("as") {
        return Err(c.expected("`as` and the new name"));
    }
    let upper = &c.x.text[kw..c.pos] == "AS";
    let (to, tq) = name(c)?;
    Ok(Some(Rename {
        from: FieldRef {
            quoted: fq,
            ..c.names.field(&from, fq)
        },
        to: Alias {
            name: FieldRef {
                quoted: tq,
                ..FieldRef::local(&to)
            },
            upper,
        },
        wildcard: true,
    }))
}

fn sort(c: &mut Cursor) -> PResult<StageKind> {
    if c.eat_kw("limit") && !c.eat("=") {
        return Err(c.expected("`=`"));
    }
    // SPL's sort keeps 10,000 rows unless given a count; `0` keeps all.
    let limit = match number(c)? {
        Some(0) => None,
        Some(n) => Some(n),
        None => Some(10_000),
    };
    let mut items = Vec::new();
    let mut seps = Vec::new();
    while !c.at_end() {
        if !items.is_empty() {
            seps.push(if c.eat(",") { Sep::Comma } else { Sep::Space });
        }
        let descending = c.eat("-");
        let explicit_ascending = !descending && c.eat("+");
        c.ws();
        let at = c.pos;
        let field = one_field(c)?;
        if c.rest().starts_with('(') || ["desc", "d"].contains(&c.peek_word()) {
            return Err(c.refuse(at, c.pos, "a sort key function or `desc`"));
        }
        items.push(SortKey {
            field,
            descending,
            explicit_ascending,
        });
    }
    Ok(StageKind::Sort {
        limit,
        keys: List { items, seps },
    })
}

/// `name=value` options before a command's arguments.
pub(super) fn option<'n>(c: &mut Cursor, names: &[&'n str]) -> Option<(&'n str, usize)> {
    c.ws();
    let save = c.pos;
    for n in names {
        if c.eat_kw(n) && c.eat("=") {
            return Some((n, save));
        }
        c.pos = save;
    }
    None
}

fn bin(c: &mut Cursor) -> PResult<StageKind> {
    let (mut field, mut span) = (None, None);
    while !c.at_end() {
        if option(c, &["span"]).is_some() {
            let (w, at) = c.take_while(|ch| !ch.is_whitespace());
            span = Some(Duration::parse(w).ok_or_else(|| {
                c.error(
                    at,
                    c.pos,
                    format!("`{w}` is not a span Vigil reads"),
                    "span",
                    "write a span such as 1h, 30m or 1d",
                )
            })?);
        } else if let Some((o, at)) = option(c, &["bins", "minspan", "start", "end", "aligntime"]) {
            return Err(c.refuse(at, c.pos, &format!("the bin option `{o}=`")));
        } else if c.peek_word().eq_ignore_ascii_case("as") {
            return Err(c.refuse(c.pos, c.pos + 2, "`bin ... as` (a new column)"));
        } else {
            field = Some(one_field(c)?);
        }
    }
    match (field, span) {
        (Some(field), Some(span)) => Ok(StageKind::Bin { field, span }),
        _ => Err(c.expected("a field and span=")),
    }
}

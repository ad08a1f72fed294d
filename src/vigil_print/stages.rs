//! Pipeline stages, one per line, each after the comments attached to it.

use std::fmt::Write;

use super::Printer;
use super::quote::{self, regex, string};
use crate::ir::{
    AggArg, Alias, FieldRef, JoinKind, List, LookupField, OutputMode, Sep, Stage, StageKind,
    SubQuery, TextPart,
};
use crate::source::Span;

impl Printer<'_> {
    /// `# comment` lines, then `| stage`.
    pub(super) fn stage_lines(&mut self, s: &Stage, out: &mut String) {
        for c in &s.comments {
            if c.contains(['\n', '\r']) {
                self.warn(
                    s.span,
                    "a comment spanning several lines was joined into one",
                );
            }
            let _ = writeln!(out, "# {}", c.replace(['\n', '\r'], " ").trim());
        }
        self.hints = s.hints.clone();
        let text = self.stage(s);
        self.hints = Default::default();
        let _ = writeln!(out, "| {text}");
    }

    fn stage(&mut self, s: &Stage) -> String {
        let sp = s.span;
        match &s.kind {
            StageKind::Eval { assignments } => {
                let items: Vec<String> = assignments
                    .iter()
                    .map(|a| {
                        let f = self.field(&a.field, sp);
                        format!("{f} = {}", self.expr(&a.value, sp, 0))
                    })
                    .collect();
                format!("eval {}", items.join(", "))
            }
            StageKind::Where { cond } => format!("where {}", self.expr(cond, sp, 0)),
            StageKind::Search { filter } => {
                let and = if s.hints.explicit_and { "AND" } else { "and" };
                format!("search {}", self.top_filter(filter, and))
            }
            StageKind::Stats {
                event,
                aggregates,
                by,
            } => {
                let mut out = String::from(if *event { "eventstats" } else { "stats" });
                let aggs: Vec<String> = aggregates
                    .iter()
                    .map(|a| {
                        let arg = match &a.arg {
                            None => String::new(),
                            Some(AggArg::Field(f)) => format!("({})", self.field(f, sp)),
                            Some(AggArg::Expr(e)) => format!("({})", self.expr(e, sp, 0)),
                        };
                        let alias = self.alias(a.alias.as_ref(), sp);
                        format!("{}{arg}{alias}", a.func.name())
                    })
                    .collect();
                if !aggs.is_empty() {
                    out.push(' ');
                    out.push_str(&join(&aggs, aggregates));
                }
                if !by.is_empty() {
                    out.push_str(" by ");
                    out.push_str(&self.fields(by, sp));
                }
                out
            }
            StageKind::Table { fields } => format!("table {}", self.fields(fields, sp)),
            StageKind::Fields { remove, fields } => {
                let minus = if *remove { "- " } else { "" };
                format!("fields {minus}{}", self.fields(fields, sp))
            }
            StageKind::Rename { renames } => {
                let items: Vec<String> = renames
                    .iter()
                    .map(|r| {
                        if r.wildcard {
                            self.error(
                                sp,
                                "a wildcard rename (`a.* as *`) has no form in Vigil's language",
                            );
                        }
                        let from = self.field(&r.from, sp);
                        format!("{from}{}", self.alias(Some(&r.to), sp))
                    })
                    .collect();
                format!("rename {}", join(&items, renames))
            }
            StageKind::Sort { limit, keys } => {
                let items: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        let dir = if k.descending {
                            "-"
                        } else if k.explicit_ascending {
                            "+"
                        } else {
                            ""
                        };
                        format!("{dir}{}", self.field(&k.field, sp))
                    })
                    .collect();
                let count = limit.map(|n| format!("{n} ")).unwrap_or_default();
                format!("sort {count}{}", join(&items, keys))
            }
            StageKind::Head { count } => format!("head {count}"),
            StageKind::Dedup { fields } => format!("dedup {}", self.fields(fields, sp)),
            StageKind::Bin { field, span } => format!(
                "{} {} span={span}",
                if s.hints.alias { "bucket" } else { "bin" },
                self.field(field, sp)
            ),
            StageKind::Rex {
                field,
                regex: re,
                max_match,
                ..
            } => {
                let mut out = format!("rex field={} {}", self.field(field, sp), regex(&re.pattern));
                if let Some(n) = max_match {
                    let _ = write!(out, " max_match={n}");
                }
                out
            }
            StageKind::Spath {
                input,
                path,
                output,
                path_keyword,
            } => {
                let mut out = match path {
                    Some(p) if *path_keyword || input.is_some() => {
                        format!("spath path={}", self.field(p, sp))
                    }
                    Some(p) => format!("spath {}", self.field(p, sp)),
                    None => "spath".to_string(),
                };
                if let Some(i) = input {
                    let _ = write!(out, " input={}", self.field(i, sp));
                }
                if let Some(o) = output {
                    let _ = write!(out, " output={}", self.field(o, sp));
                }
                out
            }
            StageKind::MvExpand { field } => format!("mvexpand {}", self.field(field, sp)),
            StageKind::Lookup {
                table,
                inputs,
                outputs,
            } => {
                let table = match (table.as_literal(), table.parts.as_slice()) {
                    (Some(name), _) if is_table_name(&name) => name,
                    (_, [TextPart::Param(p)]) => format!("{{{p}}}"),
                    _ => string(table),
                };
                let mut out = format!("lookup {table} {}", self.lookup_fields(inputs, sp));
                if let Some(o) = outputs {
                    let kw = match (o.mode, o.keyword.as_str()) {
                        (OutputMode::Output, k) if k.eq_ignore_ascii_case("output") => k,
                        (OutputMode::OutputNew, k) if k.eq_ignore_ascii_case("outputnew") => k,
                        (OutputMode::Output, _) => "output",
                        (OutputMode::OutputNew, _) => "outputnew",
                    };
                    let _ = write!(out, " {kw} {}", self.lookup_fields(&o.fields, sp));
                }
                out
            }
            StageKind::Join {
                kind,
                kind_explicit,
                fields,
                query,
            } => {
                let mut out = String::from("join");
                if *kind_explicit || *kind == JoinKind::Left {
                    out.push_str(match kind {
                        JoinKind::Inner => " type=inner",
                        JoinKind::Left => " type=left",
                    });
                }
                if !fields.is_empty() {
                    out.push(' ');
                    out.push_str(&self.fields(fields, sp));
                }
                let _ = write!(out, " [\n{}]", self.subquery(query));
                out
            }
            StageKind::FillNull { value, fields } => {
                let mut out = String::from("fillnull");
                if let Some(v) = value {
                    match quote::value(v, false) {
                        Some(t) => {
                            let _ = write!(out, " value={t}");
                        }
                        None => self.error(sp, "this `fillnull` value has no Vigil literal"),
                    }
                }
                if !fields.is_empty() {
                    out.push(' ');
                    out.push_str(&self.fields(fields, sp));
                }
                out
            }
            StageKind::Transpose { rows } => match rows {
                Some(n) => format!("transpose {n}"),
                None => "transpose".into(),
            },
        }
    }

    fn fields(&mut self, l: &List<FieldRef>, sp: Span) -> String {
        let items: Vec<String> = l.iter().map(|f| self.field(f, sp)).collect();
        join(&items, l)
    }

    /// ` as name` (or ` AS name`, as written).
    fn alias(&mut self, a: Option<&Alias>, sp: Span) -> String {
        match a {
            None => String::new(),
            Some(a) => {
                let kw = if a.upper { "AS" } else { "as" };
                format!(" {kw} {}", self.field(&a.name, sp))
            }
        }
    }

    fn lookup_fields(&mut self, l: &List<LookupField>, sp: Span) -> String {
        let items: Vec<String> = l
            .iter()
            .map(|f| {
                let c = self.field(&f.column, sp);
                format!("{c}{}", self.alias(f.alias.as_ref(), sp))
            })
            .collect();
        join(&items, l)
    }

    /// A sub-search, indented, one stage per line with its comments.
    fn subquery(&mut self, q: &SubQuery) -> String {
        let mut out = String::new();
        if !q.filter.is_true() {
            let _ = writeln!(out, "    search {}", self.filter(&q.filter, 0));
        }
        for s in &q.stages {
            let mut lines = String::new();
            self.stage_lines(s, &mut lines);
            for l in lines.lines() {
                let _ = writeln!(out, "    {l}");
            }
        }
        out
    }
}

/// Items joined as the author separated them.
fn join<T>(items: &[String], l: &List<T>) -> String {
    let mut out = String::new();
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(match l.sep_after(i - 1) {
                Sep::Comma => ", ",
                Sep::Space => " ",
            });
        }
        out.push_str(it);
    }
    out
}

/// A lookup table name the grammar reads bare.
fn is_table_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

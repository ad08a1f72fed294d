//! Pipeline stages as SPL commands.

use super::Printer;
use super::quote::{command_field, quoted_text, regex_string, text_body};
use crate::ir::{
    AggArg, Aggregate, Alias, FieldRef, JoinKind, LookupField, Stage, StageKind, Text, Value,
};

/// How many rows SPL's `sort` keeps by default.
const SPL_SORT_LIMIT: u64 = 10_000;

impl Printer<'_> {
    /// One stage, without the leading `| `; `next` is the stage after it.
    pub(super) fn stage(&self, s: &Stage, next: Option<&Stage>) -> String {
        let outer = self.hints.replace(s.hints.clone());
        let text = self.stage_text(s, next);
        self.hints.replace(outer);
        text
    }

    fn stage_text(&self, s: &Stage, next: Option<&Stage>) -> String {
        match &s.kind {
            StageKind::Eval { assignments } => {
                let parts: Vec<String> = assignments
                    .iter()
                    .map(|a| {
                        format!(
                            "{} = {}",
                            self.eval_field_ref(&a.field),
                            self.eval(&a.value)
                        )
                    })
                    .collect();
                format!("eval {}", parts.join(", "))
            }
            StageKind::Where { cond } => format!("where {}", self.eval(cond)),
            StageKind::Search { filter } => {
                if self.searchable(filter) {
                    format!("search {}", self.search_filter(filter, true))
                } else {
                    format!("where {}", self.filter_as_eval(filter))
                }
            }
            StageKind::Stats {
                event,
                aggregates,
                by,
            } => {
                let mut out = String::from(if *event { "eventstats" } else { "stats" });
                if !aggregates.is_empty() {
                    out.push(' ');
                    out.push_str(&aggregates.join_with(|a| self.aggregate(a)));
                }
                if !by.is_empty() {
                    out.push_str(" by ");
                    out.push_str(&self.field_list(by));
                }
                out
            }
            StageKind::Table { fields } => format!("table {}", self.field_list(fields)),
            StageKind::Fields { remove, fields } => {
                format!(
                    "fields {}{}",
                    if *remove { "- " } else { "" },
                    self.field_list(fields)
                )
            }
            StageKind::Rename { renames } => format!(
                "rename {}",
                renames.join_with(|r| format!(
                    "{}{}",
                    self.command_field(&r.from),
                    self.alias(&r.to)
                ))
            ),
            StageKind::Sort { limit, keys } => format!(
                "sort {}{}",
                // SPL's sort keeps only its first 10,000 rows unless told
                // `0`; Vigil's keeps every row unless given a count. A `head`
                // of at most 10,000 right after makes the limit invisible.
                match (limit, next.map(|n| &n.kind)) {
                    (Some(SPL_SORT_LIMIT), _) => String::new(),
                    (Some(n), _) => format!("{n} "),
                    (None, Some(StageKind::Head { count })) if *count <= SPL_SORT_LIMIT => {
                        String::new()
                    }
                    (None, _) => "0 ".to_string(),
                },
                keys.join_with(|k| {
                    let dir = if k.descending {
                        "-"
                    } else if k.explicit_ascending {
                        "+"
                    } else {
                        ""
                    };
                    format!("{dir}{}", self.command_field(&k.field))
                })
            ),
            StageKind::Head { count } => format!("head {count}"),
            StageKind::Dedup { fields } => format!("dedup {}", self.field_list(fields)),
            StageKind::Bin { field, span } => format!(
                "{} {} span={span}",
                if s.hints.alias { "bucket" } else { "bin" },
                self.command_field(field)
            ),
            StageKind::Rex {
                field,
                regex,
                max_match,
                ..
            } => {
                let mut out = format!(
                    "rex field={} {}",
                    self.command_field(field),
                    regex_string(&regex.pattern)
                );
                if let Some(m) = max_match {
                    out.push_str(&format!(" max_match={m}"));
                }
                out
            }
            StageKind::Spath {
                input,
                path,
                output,
                path_keyword,
            } => {
                let mut words = Vec::new();
                if let Some(i) = input {
                    words.push(format!("input={}", self.command_field(i)));
                }
                if let Some(p) = path {
                    let kw = if *path_keyword { "path=" } else { "" };
                    words.push(format!("{kw}{}", self.command_field(p)));
                }
                let mut out = format!("spath {}", words.join(" "));
                if let Some(o) = output {
                    out.push_str(" output=");
                    out.push_str(&self.command_field(o));
                }
                out
            }
            StageKind::MvExpand { field } => format!("mvexpand {}", self.command_field(field)),
            StageKind::Lookup {
                table,
                inputs,
                outputs,
            } => {
                let mut out = format!(
                    "lookup {} {}",
                    table_name(table),
                    inputs.join_with(|f| self.lookup_field(f))
                );
                if let Some(o) = outputs {
                    let kw = if o.keyword.is_empty() {
                        match o.mode {
                            crate::ir::OutputMode::Output => "OUTPUT",
                            crate::ir::OutputMode::OutputNew => "OUTPUTNEW",
                        }
                    } else {
                        o.keyword.as_str()
                    };
                    out.push_str(&format!(
                        " {kw} {}",
                        o.fields.join_with(|f| self.lookup_field(f))
                    ));
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
                if *kind_explicit || *kind != JoinKind::Inner {
                    out.push_str(match kind {
                        JoinKind::Inner => " type=inner",
                        JoinKind::Left => " type=left",
                    });
                }
                if !fields.is_empty() {
                    out.push(' ');
                    out.push_str(&self.field_list(fields));
                }
                out.push_str(" [\n");
                out.push_str(&self.indent(&self.subsearch(query), "    "));
                out.push_str("\n]");
                out
            }
            StageKind::FillNull { value, fields } => {
                let mut out = String::from("fillnull");
                if let Some(v) = value {
                    out.push_str(" value=");
                    out.push_str(&match v {
                        Value::Str(t) => quoted_text(t),
                        other => self.eval_value(other),
                    });
                }
                if !fields.is_empty() {
                    out.push(' ');
                    out.push_str(&self.field_list(fields));
                }
                out
            }
            StageKind::Transpose { rows } => match rows {
                Some(n) => format!("transpose {n}"),
                None => "transpose".to_string(),
            },
        }
    }

    fn aggregate(&self, a: &Aggregate) -> String {
        let name = a.func.name();
        let mut out = match &a.arg {
            None => name,
            Some(AggArg::Field(f)) => format!("{name}({})", self.command_field(f)),
            Some(AggArg::Expr(e)) => format!("{name}(eval({}))", self.eval(e)),
        };
        match (&a.alias, &a.arg) {
            (Some(alias), _) => out.push_str(&self.alias(alias)),
            (None, Some(AggArg::Field(f))) => {
                // SPL names the column after the field as printed
                // (`dc(data.ip)`); Vigil after the neutral path (`dc(ip)`).
                let vigil = a.default_name();
                let spl = format!("{}({})", a.func.name(), self.command_field(f));
                if vigil != spl && self.referenced.contains(&vigil) {
                    out.push_str(&format!(" as {}", command_field(&vigil, true)));
                }
            }
            (None, Some(AggArg::Expr(_))) => {
                let vigil = a.default_name();
                if self.referenced.contains(&vigil) {
                    out.push_str(&format!(" as {}", command_field(&vigil, true)));
                }
            }
            (None, None) => {}
        }
        out
    }

    fn alias(&self, a: &Alias) -> String {
        format!(
            " {} {}",
            if a.upper { "AS" } else { "as" },
            self.command_field(&a.name)
        )
    }

    fn lookup_field(&self, f: &LookupField) -> String {
        let mut out = self.command_field(&f.column);
        if let Some(a) = &f.alias {
            out.push_str(&self.alias(a));
        }
        out
    }

    /// A field in a command's argument list.
    pub(super) fn command_field(&self, f: &FieldRef) -> String {
        command_field(&self.field_name(f), f.quoted)
    }

    fn field_list(&self, l: &crate::ir::List<FieldRef>) -> String {
        l.join_with(|f| self.command_field(f))
    }

    fn indent(&self, text: &str, pad: &str) -> String {
        text.lines()
            .map(|l| format!("{pad}{l}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A lookup table name: bare when it is a plain name or an unset parameter.
fn table_name(t: &Text) -> String {
    match t.as_literal() {
        Some(s)
            if s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
                && !s.is_empty() =>
        {
            s
        }
        Some(s) => super::quote::quoted(&s),
        None => text_body(t),
    }
}

//! Pipeline stages as ES|QL processing commands.

use super::Printer;
use super::quote::{ident, index, raw_string};
use crate::ir::{Expr, FieldKind, FieldRef, Filter, List, Stage, StageKind, TimeUnit};
use crate::targets::elastic::{FieldType, Rows, translate};

impl Printer<'_> {
    /// A search filter over the pipeline's rows (a `search` stage, or a
    /// Sigma condition read as a value), with the notes its translation gave.
    pub(super) fn row_filter(&mut self, filter: &Filter) -> String {
        let (ef, notes) = translate(self.layout, filter, Rows::Pipeline, &self.det.file);
        self.diags.extend(notes);
        self.filter(&ef, Rows::Pipeline)
    }

    /// One stage, as zero or more commands (without the leading `| `).
    pub(super) fn stage(&mut self, s: &Stage) -> Vec<String> {
        match &s.kind {
            StageKind::Eval { assignments } => {
                let parts: Vec<String> = assignments
                    .iter()
                    .map(|a| {
                        let value = self.expr(&a.value);
                        let multi = match &a.value {
                            Expr::Field(f) => self.is_multi(f),
                            Expr::Call { func, .. } => *func == crate::ir::Func::Split,
                            _ => false,
                        };
                        self.set_multi(&a.field, multi);
                        self.made(self.layout.row_field(&a.field).name);
                        format!("{} = {value}", self.target(&a.field))
                    })
                    .collect();
                vec![format!("EVAL {}", parts.join(", "))]
            }
            StageKind::Where { cond } => vec![format!("WHERE {}", self.expr(cond))],
            StageKind::Search { filter } => vec![format!("WHERE {}", self.row_filter(filter))],
            StageKind::Stats {
                event,
                aggregates,
                by,
            } => self.stats(*event, aggregates, by),
            StageKind::Table { fields } => vec![self.keep(fields, false)],
            StageKind::Fields {
                remove: false,
                fields,
            } => vec![self.keep(fields, true)],
            StageKind::Fields {
                remove: true,
                fields,
            } => {
                let cols = self.columns(fields);
                if let Some(k) = &mut self.known {
                    for f in fields.iter() {
                        k.remove(&self.layout.row_field(f).name);
                    }
                }
                vec![format!("DROP {cols}")]
            }
            StageKind::Rename { renames } if renames.iter().any(|r| r.wildcard) => {
                self.error(
                    s.span,
                    "a wildcard rename (`a.* as *`): ES|QL's RENAME takes column names only",
                    "wildcard rename",
                    None,
                );
                Vec::new()
            }
            StageKind::Rename { renames } => {
                let parts: Vec<String> = renames
                    .iter()
                    .map(|r| {
                        let multi = self.is_multi(&r.from);
                        self.set_multi(&r.from, false);
                        self.set_multi(&r.to.name, multi);
                        let text =
                            format!("{} AS {}", self.column(&r.from), self.target(&r.to.name));
                        let from = self.layout.row_field(&r.from).name;
                        if let Some(k) = &mut self.known {
                            k.remove(&from);
                        }
                        self.made(self.layout.row_field(&r.to.name).name);
                        text
                    })
                    .collect();
                vec![format!("RENAME {}", parts.join(", "))]
            }
            StageKind::Sort { limit, keys } => {
                let parts: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        let c = self.column(&k.field);
                        if k.descending { format!("{c} DESC") } else { c }
                    })
                    .collect();
                let mut out = vec![format!("SORT {}", parts.join(", "))];
                out.extend(limit.map(|n| format!("LIMIT {n}")));
                out
            }
            StageKind::Head { count } => vec![format!("LIMIT {count}")],
            StageKind::Bin { field, span } => self.bin(field, span),
            StageKind::Rex {
                field,
                regex,
                groups,
                ..
            } => {
                for g in groups {
                    self.made(g.clone());
                }
                // Grok patterns are Oniguruma regular expressions with `%{NAME}`
                // references; PCRE's `(?P<name>` is written `(?<name>` there.
                let pattern = regex
                    .pattern
                    .display()
                    .replace("(?P<", "(?<")
                    .replace("%{", "\\%{");
                vec![format!(
                    "GROK {} {}",
                    self.column(field),
                    raw_string(&pattern)
                )]
            }
            StageKind::Spath { input: Some(i), .. } => {
                self.error(
                    s.span,
                    format!(
                        "`spath input={}`: ES|QL cannot parse JSON text held in a column",
                        i.path
                    ),
                    "JSON text in a column",
                    None,
                );
                Vec::new()
            }
            StageKind::Spath { path: None, .. } => {
                self.error(s.span, "`spath` without a path", "no path", None);
                Vec::new()
            }
            StageKind::Spath {
                path: Some(path),
                output,
                ..
            } => match output {
                // The event's JSON is already fields: the path is a column.
                Some(o) => {
                    let multi = self.is_multi(path);
                    self.set_multi(o, multi);
                    let value = self.column(path);
                    self.made(self.layout.row_field(o).name);
                    vec![format!("EVAL {} = {value}", self.target(o))]
                }
                None => Vec::new(),
            },
            StageKind::MvExpand { field } => {
                self.set_multi(field, false);
                vec![format!("MV_EXPAND {}", self.column(field))]
            }
            StageKind::Lookup {
                table,
                inputs,
                outputs,
            } => {
                let lines = self.lookup(table, inputs, outputs.as_ref());
                // The lookup index adds columns of its own.
                self.known = None;
                lines
            }
            StageKind::FillNull { value, fields } => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        let c = self.column(f);
                        let v = match value {
                            Some(v) => self.literal(v),
                            None => "0".to_string(),
                        };
                        format!("{c} = COALESCE({c}, {v})")
                    })
                    .collect();
                vec![format!("EVAL {}", parts.join(", "))]
            }
            // Rejected by `support`.
            StageKind::Dedup { .. } | StageKind::Join { .. } | StageKind::Transpose { .. } => {
                Vec::new()
            }
        }
    }

    /// Records whether column `f` holds several values.
    fn set_multi(&mut self, f: &FieldRef, multi: bool) {
        let name = self.layout.row_field(f).name;
        if multi {
            self.multi.insert(name);
        } else {
            self.multi.remove(&name);
        }
    }

    /// The name a stage gives a new column.
    fn target(&mut self, f: &FieldRef) -> String {
        match f.kind {
            FieldKind::Event => self.column(f),
            FieldKind::Local | FieldKind::Lookup => ident(&f.path.render("")),
        }
    }

    fn columns(&mut self, fields: &List<FieldRef>) -> String {
        fields
            .iter()
            .map(|f| self.column(f))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `KEEP`: `fields` keeps the event time too, as Splunk keeps `_time`;
    /// the metadata Kibana needs to deduplicate alerts is kept as well.
    fn keep(&mut self, fields: &List<FieldRef>, keeps_time: bool) -> String {
        let mut kept = Vec::new();
        let mut cols = Vec::new();
        for f in fields.iter() {
            let name = self.layout.row_field(f).name;
            if !self.exists(&name) {
                // Splunk shows a column the pipeline dropped as empty; ES|QL
                // cannot name it.
                self.warn(
                    self.at,
                    &format!("there is no column `{name}` here (an earlier stage dropped it): Splunk shows it empty, ES|QL leaves it out"),
                    "names a dropped column",
                );
                continue;
            }
            cols.push(self.column(f));
            kept.push(name);
        }
        if keeps_time {
            let time = FieldRef::event(crate::ir::TIMESTAMP);
            let name = self.layout.row_field(&time).name;
            if self.exists(&name) && !kept.contains(&name) {
                cols.insert(0, self.column(&time));
                kept.push(name);
            }
        }
        if self.metadata {
            for m in ["_id", "_index", "_version"] {
                if !cols.iter().any(|c| c == m) {
                    cols.push(m.to_string());
                    kept.push(m.to_string());
                }
            }
        }
        self.known = Some(kept.into_iter().collect());
        format!("KEEP {}", cols.join(", "))
    }

    fn bin(&mut self, field: &FieldRef, span: &crate::ir::Duration) -> Vec<String> {
        let ef = self.layout.row_field(field);
        if ef.ty != FieldType::Date {
            self.error(
                self.at,
                format!(
                    "`bin` rounds times; `{}` is {} in this profile",
                    field.path,
                    ef.ty.describe()
                ),
                "`bin` stage",
                Some("bin the event time (`timestamp`)"),
            );
            return Vec::new();
        }
        if matches!(
            span.unit,
            TimeUnit::D | TimeUnit::W | TimeUnit::Mon | TimeUnit::Y
        ) {
            self.warn(
                self.at,
                "ES|QL's DATE_TRUNC starts days, weeks (on Monday), months and years in UTC; Splunk's bin uses the search's time zone",
                "calendar bucket",
            );
        }
        let unit = match span.unit {
            TimeUnit::Ms => "millisecond",
            TimeUnit::S => "second",
            TimeUnit::M => "minute",
            TimeUnit::H => "hour",
            TimeUnit::D => "day",
            TimeUnit::W => "week",
            TimeUnit::Mon => "month",
            TimeUnit::Y => "year",
        };
        let plural = if span.amount == 1 { "" } else { "s" };
        let c = self.column(field);
        vec![format!(
            "EVAL {c} = DATE_TRUNC({} {unit}{plural}, {c})",
            span.amount
        )]
    }

    fn lookup(
        &mut self,
        table: &crate::ir::Text,
        inputs: &List<crate::ir::LookupField>,
        outputs: Option<&crate::ir::LookupOutputs>,
    ) -> Vec<String> {
        let Some(name) = table.as_literal() else {
            self.error(
                self.at,
                "the lookup index must be named: ES|QL cannot take an index name as a parameter",
                "`lookup` stage",
                Some("pass the name with --param NAME=VALUE"),
            );
            return Vec::new();
        };
        self.warn(
            self.at,
            &format!(
                "LOOKUP JOIN adds every column of the lookup index `{name}` and returns one row per matching entry; Splunk's lookup adds only the OUTPUT columns, as multi-values"
            ),
            "`lookup` stage",
        );
        let on: Vec<String> = inputs
            .iter()
            .map(|f| {
                let left = match &f.alias {
                    Some(a) => self.column(&a.name),
                    None => ident(&f.column.path.render("")),
                };
                format!("{left} == {}", ident(&f.column.path.render("")))
            })
            .collect();
        let mut lines = vec![format!(
            "LOOKUP JOIN {} ON {}",
            index(&name),
            on.join(" AND ")
        )];
        if let Some(o) = outputs {
            let mut evals = Vec::new();
            let mut drops = Vec::new();
            for f in o.fields.iter() {
                let col = ident(&f.column.path.render(""));
                if let Some(a) = &f.alias {
                    let target = self.target(&a.name);
                    if target != col {
                        evals.push(format!("{target} = {col}"));
                        drops.push(col);
                    }
                }
            }
            if !evals.is_empty() {
                lines.push(format!("EVAL {}", evals.join(", ")));
                lines.push(format!("DROP {}", drops.join(", ")));
            }
        }
        lines
    }
}

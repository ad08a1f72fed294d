//! Microsoft Sentinel: Kusto Query Language as Log Analytics runs it.
//!
//! The query is the table, a `where` with the filter, then one tabular
//! operator per stage (`extend`, `summarize`, `project`, `sort`, `top`,
//! `join`, `lookup`, `mv-expand`, ...). The table and its typed columns come
//! from the profile ([`schema`]); a field the profile's connector drops is an
//! error naming it. Kusto's traps are handled where they would change a
//! result (docs/sentinel.md): strings are never null (a missing string is
//! `""`, tested with `isempty`), `sort` is descending by default (every key
//! says its direction and `nulls last`), `take` returns arbitrary rows (the
//! printer writes `top` over the order SPL would have), `dcount` is
//! approximate (`count_distinct`), `join` defaults to `innerunique` (every
//! join says its kind), keywords as names are bracketed. What Kusto cannot
//! express faithfully is refused by [`support`].

mod columns;
mod expr;
mod extract;
mod filter;
mod multi;
mod order;
mod quote;
mod regex;
mod relations;
mod schema;
mod stages;
mod stats;
mod strftime;
mod support;
mod transpose;

pub use columns::output_columns;
pub use quote::{bracketed, ident, string as quote_string};

use std::collections::{BTreeMap, BTreeSet};

use super::{Backend, Compiled, Options, Package, Target, gate_pipeline};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Detection, FieldKind, FieldRef, ParamType, Stage};
use crate::profile::Profile;
use crate::source::Span;
use schema::{Col, Schema, Ty};

/// The Sentinel (Kusto) backend.
pub struct Sentinel;

impl Backend for Sentinel {
    fn target(&self) -> Target {
        Target::Sentinel
    }

    fn packages(&self) -> &'static [Package] {
        &[Package::SentinelRule, Package::Arm]
    }

    fn supports_stage(&self, stage: &Stage) -> Result<(), String> {
        support::support(stage)
    }

    fn has_single_char_wildcard(&self) -> bool {
        true
    }

    fn compile(
        &self,
        det: &Detection,
        profile: &Profile,
        opts: &Options,
    ) -> Result<Compiled, Vec<Diagnostic>> {
        let fail = |msg: String| vec![Diagnostic::error(codes::PROFILE, msg).in_file(&det.file)];
        let schema = Schema::new(profile).map_err(fail)?;
        let mut p = Printer::new(&schema, det, String::new());
        let table = match (schema.table_for(det), opts.params.get("table")) {
            (Some(t), _) => quote::ident(&t),
            (None, Some(t)) => quote::ident(t),
            // No table for this logsource: the `table` query parameter
            // names it (`table()` reads a table by name).
            (None, None) => {
                let ls: Vec<String> = det
                    .meta
                    .logsource
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                p.diags.push(
                    Diagnostic::note(
                        codes::PARAM,
                        format!(
                            "profile `{}` maps no table for this logsource ({}): the query reads the table named by the `table` parameter",
                            profile.name,
                            if ls.is_empty() { "none".to_string() } else { ls.join(", ") }
                        ),
                    )
                    .with_label(det.filter_span, "the detection")
                    .with_help("pass the table with --param table=NAME")
                    .in_file(&det.file),
                );
                p.params.insert("table".into(), Ty::Str);
                format!("table({})", quote::ident("table"))
            }
        };
        p.table = table.clone();
        let (stages, mut diags) = gate_pipeline(self, det, opts)?;
        let mut lines = vec![table];
        let filter = super::elastic::scoped_filter(det, profile, &opts.params, Vec::new());
        p.at = det.filter_span;
        if !filter.is_true() {
            lines.push(format!("| where {}", p.filter(&filter)));
        }
        for s in stages {
            p.at = s.span;
            if opts.comments {
                lines.extend(s.comments.iter().map(|c| format!("// {}", one_line(c))));
            }
            lines.extend(p.stage(s).into_iter().map(|l| format!("| {l}")));
        }
        lines.extend(p.drop_hidden().map(|l| format!("| {l}")));
        if !p.params.is_empty() {
            let decl: Vec<String> = p
                .params
                .iter()
                .map(|(n, t)| format!("{}:{}", quote::ident(n), t.kusto()))
                .collect();
            lines.insert(0, format!("declare query_parameters({});", decl.join(", ")));
        }
        diags.extend(p.diags);
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        Ok(Compiled {
            query: lines.join("\n"),
            diagnostics: diags,
        })
    }
}

/// The parameters a query this printer wrote declares (its first line,
/// `declare query_parameters(a:real, ['b-c']:string);`), for packages: a
/// rule whose query declares parameters cannot run unattended.
pub fn declared_parameters(query: &str) -> Vec<String> {
    let Some(list) = query
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("declare query_parameters("))
        .and_then(|l| l.strip_suffix(");"))
    else {
        return Vec::new();
    };
    columns::split_names(list)
}

/// A comment's text on one line (a newline would end the `//` comment and
/// let the rest be read as query text).
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r', '\u{2028}', '\u{2029}'], " ")
}

/// The order rows are in, for stages whose result depends on it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Order {
    /// Events newest first, as SPL returns them (`TimeGenerated desc`).
    Events,
    /// Sorted by these keys (text, descending), or a single row (no key).
    Sorted(Vec<(String, bool)>),
    /// After `summarize ... by` these columns: SPL sorts the groups by them
    /// (S20), Kusto leaves them unordered.
    Grouped(Vec<String>),
    /// SPL's order is by these columns (text, descending), which the rows
    /// carry, but Kusto's rows are not in it (after `lookup`, `join`,
    /// `mv-expand`, `dedup`, ...).
    Keyed(Vec<(String, bool)>),
    /// Kusto gives no order, and no column says SPL's.
    Unknown,
}

/// Printing state for one detection.
pub(super) struct Printer<'a> {
    schema: &'a Schema,
    /// The table, as the query's first line.
    table: String,
    det: &'a Detection,
    /// Errors and warnings, in the order found.
    diags: Vec<Diagnostic>,
    /// Where the part being printed was written.
    at: Span,
    /// Parameters without a value, declared as query parameters.
    params: BTreeMap<String, Ty>,
    /// Columns the pipeline made or moved, by neutral name.
    made: BTreeMap<String, Col>,
    /// The unquoted column name of each entry of `made`.
    raw: BTreeMap<String, String>,
    /// The columns a row has, once a stage fixed them; `None` while rows
    /// are whole events.
    known: Option<BTreeSet<String>>,
    /// Fields already reported as unreadable.
    reported: BTreeSet<String>,
    order: Order,
    /// Names bound with `as` so far.
    bound: usize,
    /// Operators the stage being printed needs before it (`mv-apply`s
    /// computing tests over each value of an array, `multi.rs`).
    pre: Vec<String>,
    /// Temporary columns those operators made, removed after the stage.
    temps: Vec<String>,
    /// Temporary columns numbered so far.
    temp_n: usize,
    /// Value indexes `mv-expand` added to keep SPL's order, removed at
    /// the end of the query.
    hidden: Vec<String>,
    /// The rows' columns in Vigil's order (neutral name, column), when a
    /// stage fixed them (`stats`, `table`), for `transpose`.
    cols_order: Option<Vec<(String, String)>>,
}

impl<'a> Printer<'a> {
    fn new(schema: &'a Schema, det: &'a Detection, table: String) -> Self {
        Printer {
            schema,
            table,
            det,
            diags: Vec::new(),
            at: det.filter_span,
            params: BTreeMap::new(),
            made: BTreeMap::new(),
            raw: BTreeMap::new(),
            known: None,
            reported: BTreeSet::new(),
            order: Order::Events,
            bound: 0,
            pre: Vec::new(),
            temps: Vec::new(),
            temp_n: 0,
            hidden: Vec::new(),
            cols_order: None,
        }
    }

    /// A printer for a sub-search: same table and parameters, fresh rows.
    fn sub(&self) -> Printer<'a> {
        let mut p = Printer::new(self.schema, self.det, self.table.clone());
        p.params = self.params.clone();
        p.bound = self.bound + 100;
        p.temp_n = self.temp_n + 100;
        p
    }

    /// How a field is read here, or `None` (with an error).
    fn col(&mut self, f: &FieldRef) -> Option<Col> {
        let key = f.path.render("");
        if let Some(c) = self.made.get(&key) {
            return Some(c.clone());
        }
        if f.kind != FieldKind::Event {
            return Some(Col {
                text: quote::ident(&key),
                ty: Ty::Str,
                nested: false,
                array: false,
            });
        }
        match self.schema.event(&f.path) {
            Ok(c) => {
                if !c.nested && !self.exists(c.text.as_str()) {
                    self.error(
                        self.at,
                        format!(
                            "there is no column `{key}` here (an earlier `stats`, `table` or `fields` dropped it), and Kusto rejects a query that names a missing column"
                        ),
                        "reads a dropped column",
                        Some("keep the column in the earlier stage, or remove it here"),
                    );
                    return None;
                }
                Some(c)
            }
            Err(why) => {
                if self.reported.insert(key) {
                    self.error(
                        self.at,
                        why,
                        "field Sentinel does not store",
                        Some("remove the test, or use a profile whose table keeps this field"),
                    );
                }
                None
            }
        }
    }

    /// The column name (unquoted) a stage writes `f` to.
    fn target_name(&self, f: &FieldRef) -> String {
        let key = f.path.render("");
        if let Some(r) = self.raw.get(&key) {
            return r.clone();
        }
        if f.kind == FieldKind::Event
            && let Some(c) = self.schema.mapped(&key)
        {
            return c.to_string();
        }
        key
    }

    /// Records that a stage wrote column `name` (unquoted) for field `f`.
    fn set_made(&mut self, f: &FieldRef, name: &str, ty: Ty) -> String {
        let text = quote::ident(name);
        self.raw.insert(f.path.render(""), name.to_string());
        self.made.insert(
            f.path.render(""),
            Col {
                text: text.clone(),
                ty,
                nested: false,
                array: false,
            },
        );
        if let Some(k) = &mut self.known {
            k.insert(text.clone());
        }
        text
    }

    /// Marks a made column as holding an array (or not).
    fn set_array(&mut self, f: &FieldRef, array: bool) {
        if let Some(m) = self.made.get_mut(&f.path.render("")) {
            m.array = array;
        }
    }

    /// Forgets a column a stage removed or renamed.
    fn unmake(&mut self, f: &FieldRef) {
        let key = f.path.render("");
        self.made.remove(&key);
        self.raw.remove(&key);
    }

    /// True unless an earlier stage fixed the columns without `text`.
    fn exists(&self, text: &str) -> bool {
        self.known.as_ref().is_none_or(|k| k.contains(text))
    }

    /// A parameter without a value: a declared query parameter.
    fn param(&mut self, name: &str) -> String {
        let ty = match self
            .det
            .params
            .iter()
            .find(|p| p.name == name)
            .map_or(ParamType::String, |p| p.ty)
        {
            ParamType::String => Ty::Str,
            ParamType::Number => Ty::Num,
            ParamType::Bool => Ty::Bool,
        };
        if !self.params.contains_key(name) {
            let span = self
                .det
                .params
                .iter()
                .find(|x| x.name == name)
                .map_or(self.at, |x| x.span);
            self.diags.push(
                Diagnostic::note(
                    codes::PARAM,
                    format!(
                        "parameter `{name}` has no value: the query declares it with `declare query_parameters`, which Sentinel analytics rules do not fill"
                    ),
                )
                .with_label(span, "declared here")
                .with_help(format!("compile with --param {name}=VALUE"))
                .in_file(&self.det.file),
            );
            self.params.insert(name.to_string(), ty);
        }
        quote::ident(name)
    }

    fn error(&mut self, span: Span, msg: impl Into<String>, label: &str, help: Option<&str>) {
        let mut d = Diagnostic::error(codes::UNSUPPORTED, msg)
            .with_label(span, label)
            .in_file(&self.det.file);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    fn warn(&mut self, span: Span, msg: impl Into<String>, label: &str) {
        self.diags.push(
            Diagnostic::warning(codes::SEMANTICS_DIFFER, msg)
                .with_label(span, label)
                .in_file(&self.det.file),
        );
    }
}

/// `isnotempty(x)` for strings and dynamic values (a missing one is `""` or
/// null), `isnotnull(x)` for the other types.
fn present(c: &Col) -> String {
    match c.ty {
        Ty::Str => format!("isnotempty({})", c.text),
        Ty::Dyn => format!("isnotempty(tostring({}))", c.text),
        _ => format!("isnotnull({})", c.text),
    }
}

/// The elements of an array joined by newlines: a literal without a
/// newline occurs in this text exactly when it occurs in some element.
fn joined(c: &Col) -> String {
    format!("strcat_array({}, \"\\n\")", c.text)
}

/// The column's value as a string.
fn as_string(c: &Col) -> String {
    if c.ty == Ty::Str {
        c.text.clone()
    } else {
        format!("tostring({})", c.text)
    }
}

//! Pipeline stages → [`ir::Stage`], updating the names in scope.

use super::Lowerer;
use super::filter::seps_of;
use super::names::{Names, to_path};
use super::regex::{check_regex, named_groups};
use crate::diagnostic::codes;
use crate::ir::{
    self, AggArg, AggFunc, Aggregate, Alias, Assign, Duration, FieldKind, FieldRef, JoinKind, List,
    LookupField, LookupOutputs, OutputMode, Rename, SortKey, StageKind, SubQuery, Text, TextPart,
    Value,
};
use crate::source::Span;
use crate::syntax::ast::{self, Node, OptionValue, StageOption};

/// Stage keywords, for the "unknown stage" hint.
const STAGES: &[&str] = &[
    "eval",
    "where",
    "search",
    "stats",
    "eventstats",
    "table",
    "fields",
    "rename",
    "sort",
    "head",
    "dedup",
    "bin",
    "rex",
    "spath",
    "mvexpand",
    "lookup",
    "join",
    "fillnull",
    "transpose",
];

impl Lowerer {
    /// Lowers a list of stages in order.
    pub(crate) fn stages(
        &mut self,
        stages: &[Node<ast::Stage>],
        names: &mut Names,
    ) -> Vec<ir::Stage> {
        stages
            .iter()
            .filter_map(|s| {
                self.hints = ir::Hints::default();
                let kind = self.stage(&s.node.kind, s.span, names)?;
                names.after_stage(&kind, s.span);
                Some(ir::Stage {
                    kind,
                    comments: s.node.comments.clone(),
                    span: s.span,
                    hints: std::mem::take(&mut self.hints),
                })
            })
            .collect()
    }

    fn stage(&mut self, kind: &ast::StageKind, span: Span, names: &mut Names) -> Option<StageKind> {
        use ast::StageKind as A;
        Some(match kind {
            A::Eval { assignments } => {
                let mut out = Vec::new();
                for a in assignments {
                    // The value is computed before the column exists.
                    let value = self.expr(&a.node.value, names);
                    let field = names.define_field(&a.node.field.node);
                    out.push(Assign { field, value });
                }
                StageKind::Eval { assignments: out }
            }
            A::Where { cond } => StageKind::Where {
                cond: self.expr(cond, names),
            },
            A::Search { filter } => {
                self.note_explicit_and(filter);
                StageKind::Search {
                    filter: self.filter_in(filter, names),
                }
            }
            A::Stats {
                event,
                aggregates,
                by,
            } => {
                let aggs = match aggregates {
                    Some(list) => List {
                        items: list
                            .items
                            .iter()
                            .filter_map(|a| self.aggregate(a, names))
                            .collect(),
                        seps: seps_of(list),
                    },
                    None => List::commas(Vec::new()),
                };
                let by = match by {
                    Some(l) => self.fields(l, names),
                    None => List::commas(Vec::new()),
                };
                if aggs.is_empty() && by.is_empty() {
                    self.error(
                        span,
                        "`stats` needs aggregates or `by` fields",
                        "empty stats",
                    );
                }
                for a in &aggs.items {
                    match &a.alias {
                        Some(alias) => names.define(&alias.name.path),
                        // Without `as`, the column has its default name
                        // (`count`, `dc(ip)`), which later stages may use.
                        None => names.define(&ir::Path::parse(&a.default_name())),
                    }
                }
                StageKind::Stats {
                    event: *event,
                    aggregates: aggs,
                    by,
                }
            }
            A::Table { fields } => StageKind::Table {
                fields: self.fields(fields, names),
            },
            A::Fields { remove, fields } => StageKind::Fields {
                remove: *remove,
                fields: self.fields(fields, names),
            },
            A::Rename { pairs } => {
                let mut items = Vec::new();
                for p in &pairs.items {
                    let from = self.read(names, &p.node.from.node, p.node.from.span);
                    let to = Alias {
                        name: names.define_field(&p.node.to.name.node),
                        upper: p.node.to.upper,
                    };
                    items.push(Rename {
                        from,
                        to,
                        wildcard: false,
                    });
                }
                StageKind::Rename {
                    renames: List {
                        items,
                        seps: seps_of(pairs),
                    },
                }
            }
            A::Sort { limit, keys } => StageKind::Sort {
                limit: match limit {
                    Some(n) if n.node == 0 => {
                        self.error_help(
                            codes::SEMANTIC,
                            n.span,
                            "`sort 0` keeps no rows",
                            "a count of zero",
                            "leave the count out to keep every row, or give the number of rows to keep",
                        );
                        None
                    }
                    Some(n) => Some(n.node),
                    None => None,
                },
                keys: List {
                    items: keys
                        .items
                        .iter()
                        .map(|k| SortKey {
                            field: self.read(names, &k.node.field.node, k.node.field.span),
                            descending: k.node.descending,
                            explicit_ascending: k.node.explicit_ascending,
                        })
                        .collect(),
                    seps: seps_of(keys),
                },
            },
            A::Head { count } => StageKind::Head { count: count.node },
            A::Dedup { fields } => StageKind::Dedup {
                fields: self.fields(fields, names),
            },
            A::Bin {
                alias,
                field,
                options,
            } => {
                self.hints.alias = *alias;
                let mut span_opt = None;
                for o in options {
                    match o.node.name.node.as_str() {
                        "span" => span_opt = self.duration(o),
                        other => self.unknown_option("bin", other, o, &["span"]),
                    }
                }
                let Some(bin_span) = span_opt else {
                    self.error_help(
                        codes::SEMANTIC,
                        span,
                        "`bin` needs `span=`",
                        "no span",
                        "for example `bin timestamp span=1h`",
                    );
                    return None;
                };
                if bin_span.amount == 0 {
                    // SPL and ES|QL would accept `span=0s` and bin nothing
                    // (or everything); it is never what was meant.
                    self.error_help(
                        codes::SEMANTIC,
                        span,
                        "a `bin` span of zero",
                        "zero span",
                        "give a positive span, for example `bin timestamp span=1h`",
                    );
                    return None;
                }
                StageKind::Bin {
                    field: self.read(names, &field.node, field.span),
                    span: bin_span,
                }
            }
            A::Rex { options, pattern } => {
                let mut field = None;
                let mut max_match = None;
                for o in options {
                    match (o.node.name.node.as_str(), &o.node.value.node) {
                        ("field", OptionValue::Field(f)) => {
                            field = Some(self.read(names, f, o.node.value.span))
                        }
                        ("max_match", OptionValue::Number(n)) => max_match = n.parse().ok(),
                        ("field" | "max_match", _) => self.error(
                            o.node.value.span,
                            "wrong kind of value for this option",
                            "here",
                        ),
                        (other, _) => self.unknown_option("rex", other, o, &["field", "max_match"]),
                    }
                }
                let regex_text = self.text_of(&pattern.node, pattern.span, false);
                let groups = named_groups(&regex_text);
                if let Err(msg) = check_regex(&regex_text) {
                    self.error_help(
                        codes::SEMANTIC,
                        pattern.span,
                        format!("invalid regular expression: {msg}"),
                        "here",
                        "rex takes a PCRE-style regular expression; write it as a raw string r\"...\"",
                    );
                }
                if groups.is_empty() {
                    self.error_help(
                        codes::SEMANTIC,
                        pattern.span,
                        "`rex` needs at least one named group",
                        "no (?<name>...) group",
                        "name what to extract: (?<user_domain>.*)",
                    );
                }
                for g in &groups {
                    names.define(&ir::Path::parse(g));
                }
                StageKind::Rex {
                    field: field.unwrap_or_else(|| FieldRef::event("_raw")),
                    regex: ir::Regex {
                        pattern: regex_text,
                        flags: ir::RegexFlags::default(),
                    },
                    max_match,
                    groups,
                }
            }
            A::Spath { path, options } => {
                let mut p = path.as_ref().map(|f| names.resolve(&f.node));
                let mut path_keyword = false;
                let mut output = None;
                let mut input = None;
                for o in options {
                    match (o.node.name.node.as_str(), &o.node.value.node) {
                        ("input", OptionValue::Field(f)) => input = Some(names.resolve(f)),
                        ("path", OptionValue::Field(f)) if p.is_none() => {
                            p = Some(names.resolve(f));
                            path_keyword = true;
                        }
                        ("output", OptionValue::Field(f)) => output = Some(f.clone()),
                        ("path" | "output" | "input", _) => {
                            self.error(o.node.value.span, "expected a field path", "here")
                        }
                        (other, _) => {
                            self.unknown_option("spath", other, o, &["path", "output", "input"])
                        }
                    }
                }
                if p.is_none() && input.is_none() {
                    self.error(span, "`spath` needs a path", "no path");
                    return None;
                }
                let output = output.map(|f| names.define_field(&f));
                // With `input=`, the path is inside that column's JSON.
                let path = match (&input, p) {
                    (Some(_), Some(path)) => Some(ir::FieldRef {
                        kind: ir::FieldKind::Lookup,
                        ..ir::FieldRef::local(&path.path.render("{}"))
                    }),
                    (_, p) => p,
                };
                StageKind::Spath {
                    input,
                    path,
                    output,
                    path_keyword,
                }
            }
            A::MvExpand { field } => StageKind::MvExpand {
                field: self.read(names, &field.node, field.span),
            },
            A::Lookup {
                table,
                inputs,
                outputs,
            } => {
                let table = match &table.node {
                    ast::LookupTable::Name(n) => Text::lit(n.clone()),
                    ast::LookupTable::Str(s) => self.text_of(s, table.span, false),
                    ast::LookupTable::Param(p) => {
                        self.check_param(p, table.span);
                        Text {
                            parts: vec![TextPart::Param(p.clone())],
                        }
                    }
                };
                let inputs = List {
                    items: inputs
                        .items
                        .iter()
                        .map(|f| LookupField {
                            column: lookup_column(&f.node.field.node),
                            alias: f.node.alias.as_ref().map(|a| Alias {
                                name: self.read(names, &a.name.node, a.name.span),
                                upper: a.upper,
                            }),
                        })
                        .collect(),
                    seps: seps_of(inputs),
                };
                let outputs = outputs.as_ref().map(|(kw, list)| LookupOutputs {
                    mode: if kw.node.eq_ignore_ascii_case("outputnew") {
                        OutputMode::OutputNew
                    } else {
                        OutputMode::Output
                    },
                    keyword: kw.node.clone(),
                    fields: List {
                        items: list
                            .items
                            .iter()
                            .map(|f| {
                                let column = lookup_column(&f.node.field.node);
                                let alias = f.node.alias.as_ref().map(|a| Alias {
                                    name: names.define_field(&a.name.node),
                                    upper: a.upper,
                                });
                                if alias.is_none() {
                                    names.define(&column.path);
                                }
                                LookupField { column, alias }
                            })
                            .collect(),
                        seps: seps_of(list),
                    },
                });
                StageKind::Lookup {
                    table,
                    inputs,
                    outputs,
                }
            }
            A::Join {
                options,
                fields,
                query,
            } => {
                let mut kind = JoinKind::Inner;
                let mut kind_explicit = false;
                for o in options {
                    match (o.node.name.node.as_str(), &o.node.value.node) {
                        ("type", OptionValue::Field(f)) => {
                            kind_explicit = true;
                            match to_path(f).to_string().as_str() {
                                "inner" => kind = JoinKind::Inner,
                                "left" | "outer" => kind = JoinKind::Left,
                                other => self.error_help(
                                    codes::SEMANTIC,
                                    o.node.value.span,
                                    format!("unknown join type `{other}`"),
                                    "here",
                                    "use type=inner or type=left",
                                ),
                            }
                        }
                        (other, _) => self.unknown_option("join", other, o, &["type"]),
                    }
                }
                let fields = match fields {
                    Some(l) => self.fields(l, names),
                    None => List::commas(Vec::new()),
                };
                // The sub-search starts from events: its names are its own.
                let mut sub_names = Names::default();
                let filter = match &query.node.search {
                    Some(e) => self.filter_in(e, &sub_names),
                    None => ir::Filter::True,
                };
                let stages = self.stages(&query.node.stages, &mut sub_names);
                names.absorb(&sub_names);
                StageKind::Join {
                    kind,
                    kind_explicit,
                    fields,
                    query: Box::new(SubQuery { filter, stages }),
                }
            }
            A::FillNull { options, fields } => {
                let mut value = None;
                for o in options {
                    match (o.node.name.node.as_str(), &o.node.value.node) {
                        ("value", OptionValue::Number(n)) => value = Some(super::filter::number(n)),
                        ("value", OptionValue::Str(s)) => {
                            value = Some(Value::Str(self.text_of(s, o.node.value.span, false)))
                        }
                        ("value", OptionValue::Param(p)) => {
                            self.check_param(p, o.node.value.span);
                            value = Some(Value::Param(p.clone()))
                        }
                        ("value", _) => {
                            self.error(o.node.value.span, "expected a number or a string", "here")
                        }
                        (other, _) => self.unknown_option("fillnull", other, o, &["value"]),
                    }
                }
                StageKind::FillNull {
                    value,
                    // Written, not read: `fillnull` makes the columns it
                    // names (Names::after_stage).
                    fields: match fields {
                        Some(l) => List {
                            items: l.items.iter().map(|f| names.resolve(&f.node)).collect(),
                            seps: seps_of(l),
                        },
                        None => List::commas(Vec::new()),
                    },
                }
            }
            A::Transpose { rows } => {
                names.all_local();
                StageKind::Transpose {
                    rows: rows.as_ref().map(|r| r.node),
                }
            }
            A::Unknown { name } => {
                self.error_help(
                    codes::UNKNOWN,
                    name.span,
                    format!("unknown stage `{}`", name.node),
                    "not a Vigil stage",
                    stage_help(&name.node),
                );
                return None;
            }
        })
    }

    fn fields(&mut self, l: &ast::SepList<ast::Field>, names: &Names) -> List<FieldRef> {
        List {
            items: l
                .items
                .iter()
                .map(|f| self.read(names, &f.node, f.span))
                .collect(),
            seps: seps_of(l),
        }
    }

    fn aggregate(&mut self, a: &Node<ast::Aggregate>, names: &Names) -> Option<Aggregate> {
        let Some(func) = AggFunc::from_name(&a.node.func.node) else {
            self.error(
                a.node.func.span,
                format!("unknown aggregate `{}`", a.node.func.node),
                "here",
            );
            return None;
        };
        let arg = a.node.arg.as_ref().map(|e| match &e.node {
            ast::Expr::Field { field } => AggArg::Field(self.read(names, field, e.span)),
            _ => AggArg::Expr(self.expr(e, names)),
        });
        if arg.is_none() && func != AggFunc::Count {
            self.error_help(
                codes::SEMANTIC,
                a.span,
                format!("`{}` needs an argument", func.name()),
                "no argument",
                format!("write `{}(field)`", func.name()),
            );
        }
        let alias = a.node.alias.as_ref().map(|al| Alias {
            name: FieldRef {
                path: to_path(&al.name.node),
                kind: FieldKind::Local,
                quoted: al.name.node.quoted,
            },
            upper: al.upper,
        });
        Some(Aggregate { func, arg, alias })
    }

    fn duration(&mut self, o: &Node<StageOption>) -> Option<Duration> {
        match &o.node.value.node {
            OptionValue::Duration(d) => Duration::parse(d),
            _ => {
                self.error_help(
                    codes::SEMANTIC,
                    o.node.value.span,
                    "expected a duration",
                    "not a duration",
                    "write a number and a unit: 30s, 10m, 1h, 1d, 1w",
                );
                None
            }
        }
    }

    fn unknown_option(&mut self, stage: &str, name: &str, o: &Node<StageOption>, known: &[&str]) {
        self.error_help(
            codes::UNKNOWN,
            o.node.name.span,
            format!("`{stage}` has no option `{name}`"),
            "unknown option",
            format!("`{stage}` takes: {}", known.join(", ")),
        );
    }
}

/// A column of a lookup table.
fn lookup_column(f: &ast::Field) -> FieldRef {
    FieldRef {
        path: to_path(f),
        kind: FieldKind::Lookup,
        quoted: f.quoted,
    }
}

/// What to write instead of an unknown stage name.
fn stage_help(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if STAGES.contains(&lower.as_str()) {
        return format!("stages are lower case: `{lower}`");
    }
    match crate::schema::closest(&lower, STAGES.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("stages: {}", STAGES.join(", ")),
    }
}

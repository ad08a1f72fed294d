//! Text → [`ast::File`](super::ast::File), with the pest grammar in
//! `grammar/vigil.pest`.
//!
//! Parsing either returns the whole tree or one syntax diagnostic pointing at
//! the first token the grammar could not accept, with the tokens it expected.

use pest::Parser as _;
use pest::iterators::Pair;

use super::ast::*;
use super::strings::{dedent_block, parse_string};
use crate::diagnostic::{Diagnostic, codes};
use crate::source::Span;

/// The pest parser generated from `grammar/vigil.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/vigil.pest"]
pub struct VigilParser;

/// Parses a whole detection file.
pub fn parse_file(text: &str) -> Result<File, Diagnostic> {
    super::depth::check_depth(text)?;
    let mut pairs = VigilParser::parse(Rule::file, text).map_err(syntax_error)?;
    let file = pairs.next().ok_or_else(|| {
        Diagnostic::error(codes::SYNTAX, "empty parse result").with_label(Span::default(), "here")
    })?;
    let comments = collect_comments(file.clone());
    let mut b = Builder {
        comments,
        next_comment: 0,
    };
    b.file(file)
}

/// Parses one expression (used by tests and by `--param` values).
pub fn parse_expr(text: &str) -> Result<Node<Expr>, Diagnostic> {
    super::depth::check_depth(text)?;
    let mut pairs = VigilParser::parse(Rule::expr, text).map_err(syntax_error)?;
    let pair = pairs
        .next()
        .ok_or_else(|| Diagnostic::error(codes::SYNTAX, "no expression"))?;
    if pair.as_span().end() != text.trim_end().len() {
        let at = pair.as_span().end();
        return Err(
            Diagnostic::error(codes::SYNTAX, "unexpected text after the expression")
                .with_label(Span::new(at, text.len()), "not part of the expression"),
        );
    }
    let mut b = Builder {
        comments: Vec::new(),
        next_comment: 0,
    };
    b.expr(pair)
}

/// A comment and where it ends.
struct Comment {
    span: Span,
    text: String,
}

fn collect_comments(pair: Pair<'_, Rule>) -> Vec<Comment> {
    pair.into_inner()
        .flatten()
        .filter(|p| p.as_rule() == Rule::COMMENT)
        .map(|p| Comment {
            span: p.as_span().into(),
            text: p.as_str().trim_start_matches('#').trim().to_string(),
        })
        .collect()
}

/// Converts a pest error to a diagnostic with a readable list of expectations.
fn syntax_error(e: pest::error::Error<Rule>) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let span = match e.location {
        InputLocation::Pos(p) => Span::new(p, p + 1),
        InputLocation::Span((s, end)) => Span::new(s, end.max(s + 1)),
    };
    let (message, label) = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().filter_map(|r| rule_name(*r)).collect();
            names.sort_unstable();
            names.dedup();
            if names.is_empty() {
                ("syntax error".to_string(), "unexpected here".to_string())
            } else {
                (
                    format!("syntax error: expected {}", join_or(&names)),
                    format!("expected {}", join_or(&names)),
                )
            }
        }
        ErrorVariant::CustomError { message } => (message.clone(), "here".to_string()),
    };
    Diagnostic::error(codes::SYNTAX, message)
        .with_label(span, label)
        .with_help("see the language reference in docs/language.md")
}

fn join_or(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Human names for the rules that can appear in "expected ..." messages.
fn rule_name(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::EOI => "end of file",
        Rule::expr | Rule::or_expr | Rule::and_expr | Rule::not_expr | Rule::predicate => {
            "an expression"
        }
        Rule::sum | Rule::product | Rule::unary => "a value",
        Rule::stage | Rule::query => "`|` and a stage",
        Rule::field | Rule::field_path | Rule::field_list => "a field name",
        Rule::string | Rule::string_lit | Rule::raw_string => "a string",
        Rule::number | Rule::integer => "a number",
        Rule::meta_value | Rule::meta_list | Rule::meta_map => "a metadata value",
        Rule::meta_key | Rule::meta_entry => "a metadata key",
        Rule::param_decl | Rule::kw_param => "`param`",
        Rule::param_type => "a parameter type (string, number, bool)",
        Rule::param_name => "a parameter name",
        Rule::cmp_op => "a comparison operator",
        Rule::compare | Rule::in_list | Rule::text_test | Rule::is_null | Rule::exists => {
            "an operator"
        }
        Rule::value_list => "a parenthesised list",
        Rule::kw_as | Rule::alias => "`as`",
        Rule::kw_by | Rule::by_clause => "`by`",
        Rule::aggregate | Rule::agg_fn | Rule::agg_list => "an aggregate (count, dc, values, ...)",
        Rule::option | Rule::option_name => "an option (name=value)",
        Rule::sep => "`,`",
        Rule::kw_search | Rule::search_head => "`search`",
        _ => return None,
    })
}

/// Walks pest pairs into AST nodes, attaching comments to stages.
struct Builder {
    comments: Vec<Comment>,
    next_comment: usize,
}

/// The children of a pair, without comments.
fn kids<'a>(pair: Pair<'a, Rule>) -> impl Iterator<Item = Pair<'a, Rule>> {
    pair.into_inner().filter(|p| p.as_rule() != Rule::COMMENT)
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    pair.as_span().into()
}

fn internal(pair: &Pair<'_, Rule>, what: &str) -> Diagnostic {
    Diagnostic::error(
        codes::SYNTAX,
        format!(
            "internal parser error: unexpected {:?} in {what}",
            pair.as_rule()
        ),
    )
    .with_label(span_of(pair), "here")
}

impl Builder {
    fn file(&mut self, pair: Pair<'_, Rule>) -> Result<File, Diagnostic> {
        let mut meta = Vec::new();
        let mut params = Vec::new();
        let mut query = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::meta_entry => meta.push(self.meta_entry(p)?),
                Rule::param_decl => params.push(self.param_decl(p)?),
                Rule::query => query = Some(self.query(p)?),
                Rule::EOI => {}
                _ => return Err(internal(&p, "file")),
            }
        }
        let query = query.unwrap_or_else(|| {
            Node::new(
                Span::default(),
                Query {
                    search: None,
                    stages: Vec::new(),
                },
            )
        });
        Ok(File {
            meta,
            params,
            query,
        })
    }

    fn meta_entry(&mut self, pair: Pair<'_, Rule>) -> Result<Node<MetaEntry>, Diagnostic> {
        let span = span_of(&pair);
        let mut it = kids(pair);
        let (Some(k), Some(v)) = (it.next(), it.next()) else {
            return Err(Diagnostic::error(codes::SYNTAX, "malformed metadata entry")
                .with_label(span, "here"));
        };
        Ok(Node::new(
            span,
            MetaEntry {
                key: Node::new(span_of(&k), k.as_str().to_string()),
                value: self.meta_value(v)?,
            },
        ))
    }

    fn meta_value(&mut self, pair: Pair<'_, Rule>) -> Result<Node<MetaValue>, Diagnostic> {
        let span = span_of(&pair);
        let value = match pair.as_rule() {
            Rule::string => MetaValue::Str(plain_string(&pair)?),
            Rule::text_block => {
                let inner = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
                MetaValue::Str(dedent_block(inner))
            }
            Rule::date => MetaValue::Date(pair.as_str().to_string()),
            Rule::number => MetaValue::Number(pair.as_str().to_string()),
            Rule::bare_word => MetaValue::Word(pair.as_str().to_string()),
            Rule::meta_list => MetaValue::List(
                kids(pair)
                    .map(|p| self.meta_value(p))
                    .collect::<Result<_, _>>()?,
            ),
            Rule::meta_map => {
                let mut entries = Vec::new();
                for p in kids(pair) {
                    let mut it = kids(p);
                    if let (Some(k), Some(v)) = (it.next(), it.next()) {
                        entries.push((
                            Node::new(span_of(&k), k.as_str().to_string()),
                            self.meta_value(v)?,
                        ));
                    }
                }
                MetaValue::Map(entries)
            }
            _ => return Err(internal(&pair, "metadata value")),
        };
        Ok(Node::new(span, value))
    }

    fn param_decl(&mut self, pair: Pair<'_, Rule>) -> Result<Node<ParamDecl>, Diagnostic> {
        let span = span_of(&pair);
        let mut name = None;
        let mut ty = None;
        let mut default = None;
        let mut doc = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::kw_param => {}
                Rule::param_name => name = Some(Node::new(span_of(&p), p.as_str().to_string())),
                Rule::param_type => {
                    let t = match p.as_str() {
                        "number" => ParamType::Number,
                        "bool" => ParamType::Bool,
                        _ => ParamType::String,
                    };
                    ty = Some(Node::new(span_of(&p), t));
                }
                Rule::param_default => {
                    if let Some(lit) = kids(p).next() {
                        default = Some(self.literal(lit)?);
                    }
                }
                Rule::param_doc => {
                    if let Some(s) = kids(p).next() {
                        doc = Some(Node::new(span_of(&s), plain_string(&s)?));
                    }
                }
                _ => return Err(internal(&p, "param")),
            }
        }
        let (Some(name), Some(ty)) = (name, ty) else {
            return Err(
                Diagnostic::error(codes::SYNTAX, "malformed parameter declaration")
                    .with_label(span, "here"),
            );
        };
        Ok(Node::new(
            span,
            ParamDecl {
                name,
                ty,
                default,
                doc,
            },
        ))
    }

    fn query(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Query>, Diagnostic> {
        let span = span_of(&pair);
        let mut search = None;
        let mut stages = Vec::new();
        for p in kids(pair) {
            match p.as_rule() {
                Rule::search_head => {
                    // Comments before or inside the head belong to no stage:
                    // skip them.
                    let end = self.content_end(&p);
                    self.take_comments_before(end);
                    let e = kids(p).find(|c| c.as_rule() == Rule::expr);
                    if let Some(e) = e {
                        search = Some(self.expr(e)?);
                    }
                }
                Rule::stage => stages.push(self.stage(p)?),
                _ => return Err(internal(&p, "query")),
            }
        }
        Ok(Node::new(span, Query { search, stages }))
    }

    /// Comments that end before `pos` and have not been attached yet.
    fn take_comments_before(&mut self, pos: usize) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.span.end > pos {
                break;
            }
            out.push(c.text.clone());
            self.next_comment += 1;
        }
        out
    }

    /// Where `pair`'s own text ends. A pair's span also covers the
    /// whitespace and comments pest skipped after its last token when it
    /// tried an optional part; those comments belong to what follows.
    fn content_end(&self, pair: &Pair<'_, Rule>) -> usize {
        let start = pair.as_span().start();
        let text = pair.as_str();
        let mut end = start + text.len();
        loop {
            end = start + text[..end - start].trim_end().len();
            let inside = self
                .comments
                .iter()
                .find(|c| c.span.start >= start && c.span.start < end && end <= c.span.end);
            match inside {
                Some(c) => end = c.span.start,
                None => return end,
            }
        }
    }

    fn stage(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Stage>, Diagnostic> {
        let end = self.content_end(&pair);
        let span = Span::new(pair.as_span().start(), end);
        let mut comments = self.take_comments_before(span.start);
        let body = kids(pair).next().ok_or_else(|| {
            Diagnostic::error(codes::SYNTAX, "empty stage").with_label(span, "here")
        })?;
        let kind = self.stage_kind(body)?;
        // Comments written inside the stage (between its lines) go with it;
        // the ones after its last token are the next stage's.
        comments.extend(self.take_comments_before(end));
        Ok(Node::new(span, Stage { kind, comments }))
    }

    fn stage_kind(&mut self, pair: Pair<'_, Rule>) -> Result<StageKind, Diagnostic> {
        let rule = pair.as_rule();
        let span = span_of(&pair);
        // Skip the keyword, which is always the first child.
        let mut parts: Vec<Pair<'_, Rule>> = kids(pair).collect();
        if !parts.is_empty() && rule != Rule::unknown_stage {
            parts.remove(0);
        }
        let mut it = parts.into_iter().peekable();
        Ok(match rule {
            Rule::eval_stage => StageKind::Eval {
                assignments: it.map(|p| self.assignment(p)).collect::<Result<_, _>>()?,
            },
            Rule::where_stage => StageKind::Where {
                cond: self.expr(next(&mut it, span)?)?,
            },
            Rule::search_stage => StageKind::Search {
                filter: self.expr(next(&mut it, span)?)?,
            },
            Rule::stats_stage | Rule::eventstats_stage => {
                let mut aggregates = None;
                let mut by = None;
                for p in it {
                    match p.as_rule() {
                        Rule::agg_list => aggregates = Some(self.sep_list(p, Self::aggregate)?),
                        Rule::by_clause => {
                            let list = kids(p).find(|c| c.as_rule() == Rule::field_list);
                            if let Some(list) = list {
                                by = Some(self.field_list(list)?);
                            }
                        }
                        _ => return Err(internal(&p, "stats")),
                    }
                }
                StageKind::Stats {
                    event: rule == Rule::eventstats_stage,
                    aggregates,
                    by,
                }
            }
            Rule::table_stage => StageKind::Table {
                fields: self.field_list(next(&mut it, span)?)?,
            },
            Rule::fields_stage => {
                let mut remove = false;
                let mut fields = None;
                for p in it {
                    match p.as_rule() {
                        Rule::fields_mode => remove = p.as_str() == "-",
                        Rule::field_list => fields = Some(self.field_list(p)?),
                        _ => return Err(internal(&p, "fields")),
                    }
                }
                StageKind::Fields {
                    remove,
                    fields: fields.ok_or_else(|| {
                        Diagnostic::error(codes::SYNTAX, "`fields` needs a list of fields")
                            .with_label(span, "here")
                    })?,
                }
            }
            Rule::rename_stage => StageKind::Rename {
                pairs: self.sep_items(it, Self::rename_pair)?,
            },
            Rule::sort_stage => {
                let mut it = it.peekable();
                let limit = match it.next_if(|p| p.as_rule() == Rule::sort_limit) {
                    Some(p) => {
                        let n = next(&mut kids(p), span)?;
                        Some(self.integer(&n)?)
                    }
                    None => None,
                };
                StageKind::Sort {
                    limit,
                    keys: self.sep_items(it, Self::sort_key)?,
                }
            }
            Rule::head_stage => {
                let p = next(&mut it, span)?;
                StageKind::Head {
                    count: self.integer(&p)?,
                }
            }
            Rule::dedup_stage => StageKind::Dedup {
                fields: self.field_list(next(&mut it, span)?)?,
            },
            Rule::bin_stage => {
                let field = self.field(next(&mut it, span)?)?;
                StageKind::Bin {
                    field,
                    options: it.map(|p| self.option(p)).collect::<Result<_, _>>()?,
                }
            }
            Rule::rex_stage => {
                let mut options = Vec::new();
                let mut pattern = None;
                for p in it {
                    match p.as_rule() {
                        Rule::option => options.push(self.option(p)?),
                        Rule::string | Rule::raw_string => {
                            pattern = Some(Node::new(span_of(&p), str_lit(&p)?))
                        }
                        _ => return Err(internal(&p, "rex")),
                    }
                }
                StageKind::Rex {
                    options,
                    pattern: pattern.ok_or_else(|| {
                        Diagnostic::error(codes::SYNTAX, "`rex` needs a regular expression")
                            .with_label(span, "here")
                    })?,
                }
            }
            Rule::spath_stage => {
                let mut path = None;
                let mut options = Vec::new();
                for p in it {
                    match p.as_rule() {
                        Rule::option => options.push(self.option(p)?),
                        Rule::field if path.is_none() => path = Some(self.field(p)?),
                        _ => {
                            return Err(Diagnostic::error(
                                codes::SYNTAX,
                                "`spath` takes one path and `output=`",
                            )
                            .with_label(span_of(&p), "unexpected"));
                        }
                    }
                }
                StageKind::Spath { path, options }
            }
            Rule::mvexpand_stage => StageKind::MvExpand {
                field: self.field(next(&mut it, span)?)?,
            },
            Rule::lookup_stage => {
                let table_pair = next(&mut it, span)?;
                let table = self.lookup_table(table_pair)?;
                let inputs = self.sep_list(next(&mut it, span)?, Self::lookup_field)?;
                let mut outputs = None;
                if let Some(kw) = it.next() {
                    let kw_node = Node::new(span_of(&kw), kw.as_str().to_string());
                    let list = self.sep_list(next(&mut it, span)?, Self::lookup_field)?;
                    outputs = Some((kw_node, list));
                }
                StageKind::Lookup {
                    table,
                    inputs,
                    outputs,
                }
            }
            Rule::join_stage => {
                let mut options = Vec::new();
                let mut fields = None;
                let mut query = None;
                for p in it {
                    match p.as_rule() {
                        Rule::option => options.push(self.option(p)?),
                        Rule::field_list => fields = Some(self.field_list(p)?),
                        Rule::query => query = Some(self.query(p)?),
                        _ => return Err(internal(&p, "join")),
                    }
                }
                StageKind::Join {
                    options,
                    fields,
                    query: Box::new(query.ok_or_else(|| {
                        Diagnostic::error(codes::SYNTAX, "`join` needs a sub-search in [ ]")
                            .with_label(span, "here")
                    })?),
                }
            }
            Rule::fillnull_stage => {
                let mut options = Vec::new();
                let mut fields = None;
                for p in it {
                    match p.as_rule() {
                        Rule::option => options.push(self.option(p)?),
                        Rule::field_list => fields = Some(self.field_list(p)?),
                        _ => return Err(internal(&p, "fillnull")),
                    }
                }
                StageKind::FillNull { options, fields }
            }
            Rule::transpose_stage => StageKind::Transpose {
                rows: match it.next() {
                    Some(p) => Some(self.integer(&p)?),
                    None => None,
                },
            },
            Rule::unknown_stage => {
                let word = next(&mut it, span)?;
                StageKind::Unknown {
                    name: Node::new(span_of(&word), word.as_str().to_string()),
                }
            }
            _ => {
                return Err(
                    Diagnostic::error(codes::SYNTAX, "unknown stage").with_label(span, "here")
                );
            }
        })
    }

    fn integer(&mut self, p: &Pair<'_, Rule>) -> Result<Node<u64>, Diagnostic> {
        let n = p.as_str().parse::<u64>().map_err(|_| {
            Diagnostic::error(codes::SYNTAX, "number too large").with_label(span_of(p), "here")
        })?;
        Ok(Node::new(span_of(p), n))
    }

    fn sep_list<T>(
        &mut self,
        pair: Pair<'_, Rule>,
        item: fn(&mut Self, Pair<'_, Rule>) -> Result<Node<T>, Diagnostic>,
    ) -> Result<SepList<T>, Diagnostic> {
        self.sep_items(kids(pair), item)
    }

    /// Builds a list from items and the `sep` pairs between them.
    fn sep_items<'a, T>(
        &mut self,
        pairs: impl Iterator<Item = Pair<'a, Rule>>,
        item: fn(&mut Self, Pair<'_, Rule>) -> Result<Node<T>, Diagnostic>,
    ) -> Result<SepList<T>, Diagnostic> {
        let mut items = Vec::new();
        let mut commas = Vec::new();
        let mut comma_pending = false;
        for p in pairs {
            if p.as_rule() == Rule::sep {
                comma_pending = true;
                continue;
            }
            if !items.is_empty() {
                commas.push(comma_pending);
            }
            comma_pending = false;
            items.push(item(self, p)?);
        }
        Ok(SepList { items, commas })
    }

    fn field_list(&mut self, pair: Pair<'_, Rule>) -> Result<SepList<Field>, Diagnostic> {
        self.sep_list(pair, Self::field)
    }

    fn aggregate(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Aggregate>, Diagnostic> {
        let span = span_of(&pair);
        let mut func = None;
        let mut arg = None;
        let mut alias = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::agg_fn => func = Some(Node::new(span_of(&p), p.as_str().to_string())),
                Rule::expr => arg = Some(self.expr(p)?),
                Rule::alias => alias = Some(self.alias(p)?),
                _ => return Err(internal(&p, "aggregate")),
            }
        }
        let func = func.ok_or_else(|| internal_span(span, "aggregate"))?;
        Ok(Node::new(span, Aggregate { func, arg, alias }))
    }

    fn alias(&mut self, pair: Pair<'_, Rule>) -> Result<Alias, Diagnostic> {
        let span = span_of(&pair);
        let mut upper = false;
        let mut name = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::kw_as => upper = p.as_str() == "AS",
                Rule::field => name = Some(self.field(p)?),
                _ => return Err(internal(&p, "alias")),
            }
        }
        Ok(Alias {
            name: name.ok_or_else(|| internal_span(span, "alias"))?,
            upper,
        })
    }

    fn rename_pair(&mut self, pair: Pair<'_, Rule>) -> Result<Node<RenamePair>, Diagnostic> {
        let span = span_of(&pair);
        let mut fields = Vec::new();
        let mut upper = false;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::field => fields.push(self.field(p)?),
                Rule::kw_as => upper = p.as_str() == "AS",
                _ => return Err(internal(&p, "rename")),
            }
        }
        let mut it = fields.into_iter();
        let (Some(from), Some(to)) = (it.next(), it.next()) else {
            return Err(internal_span(span, "rename"));
        };
        Ok(Node::new(
            span,
            RenamePair {
                from,
                to: Alias { name: to, upper },
            },
        ))
    }

    fn sort_key(&mut self, pair: Pair<'_, Rule>) -> Result<Node<SortKey>, Diagnostic> {
        let span = span_of(&pair);
        let mut descending = false;
        let mut explicit_ascending = false;
        let mut field = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::sort_dir => {
                    descending = p.as_str() == "-";
                    explicit_ascending = p.as_str() == "+";
                }
                Rule::field => field = Some(self.field(p)?),
                _ => return Err(internal(&p, "sort")),
            }
        }
        Ok(Node::new(
            span,
            SortKey {
                descending,
                explicit_ascending,
                field: field.ok_or_else(|| internal_span(span, "sort"))?,
            },
        ))
    }

    fn lookup_table(&mut self, pair: Pair<'_, Rule>) -> Result<Node<LookupTable>, Diagnostic> {
        let span = span_of(&pair);
        let inner = kids(pair)
            .next()
            .ok_or_else(|| internal_span(span, "lookup"))?;
        let t = match inner.as_rule() {
            Rule::param_ref => LookupTable::Param(param_name_of(&inner)),
            Rule::string => LookupTable::Str(str_lit(&inner)?),
            _ => LookupTable::Name(inner.as_str().to_string()),
        };
        Ok(Node::new(span, t))
    }

    fn lookup_field(&mut self, pair: Pair<'_, Rule>) -> Result<Node<LookupField>, Diagnostic> {
        let span = span_of(&pair);
        let mut field = None;
        let mut alias = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::field => field = Some(self.field(p)?),
                Rule::alias => alias = Some(self.alias(p)?),
                _ => return Err(internal(&p, "lookup field")),
            }
        }
        Ok(Node::new(
            span,
            LookupField {
                field: field.ok_or_else(|| internal_span(span, "lookup field"))?,
                alias,
            },
        ))
    }

    fn option(&mut self, pair: Pair<'_, Rule>) -> Result<Node<StageOption>, Diagnostic> {
        let span = span_of(&pair);
        let mut it = kids(pair);
        let (Some(name), Some(value)) = (it.next(), it.next()) else {
            return Err(internal_span(span, "option"));
        };
        let vspan = span_of(&value);
        let v = match value.as_rule() {
            Rule::duration => OptionValue::Duration(value.as_str().to_string()),
            Rule::number => OptionValue::Number(value.as_str().to_string()),
            Rule::string => OptionValue::Str(str_lit(&value)?),
            Rule::param_ref => OptionValue::Param(param_name_of(&value)),
            Rule::field => OptionValue::Field(self.field(value)?.node),
            _ => return Err(internal(&value, "option value")),
        };
        Ok(Node::new(
            span,
            StageOption {
                name: Node::new(span_of(&name), name.as_str().to_string()),
                value: Node::new(vspan, v),
            },
        ))
    }

    fn assignment(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Assignment>, Diagnostic> {
        let span = span_of(&pair);
        let mut it = kids(pair);
        let (Some(f), Some(e)) = (it.next(), it.next()) else {
            return Err(internal_span(span, "assignment"));
        };
        Ok(Node::new(
            span,
            Assignment {
                field: self.field(f)?,
                value: self.expr(e)?,
            },
        ))
    }

    fn field(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Field>, Diagnostic> {
        let span = span_of(&pair);
        let inner = if pair.as_rule() == Rule::field {
            pair.into_inner()
                .next()
                .ok_or_else(|| internal_span(span, "field"))?
        } else {
            pair
        };
        let field = match inner.as_rule() {
            Rule::quoted_field => {
                let text = inner.into_inner().next().map(|p| p.as_str()).unwrap_or("");
                Field {
                    segments: split_path(text),
                    quoted: true,
                }
            }
            Rule::field_path => {
                let mut segments: Vec<Segment> = Vec::new();
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::ident | Rule::segment => segments.push(Segment {
                            name: p.as_str().to_string(),
                            array: false,
                        }),
                        Rule::array_mark => {
                            if let Some(last) = segments.last_mut() {
                                last.array = true;
                            }
                        }
                        _ => {}
                    }
                }
                Field {
                    segments,
                    quoted: false,
                }
            }
            _ => return Err(internal(&inner, "field")),
        };
        Ok(Node::new(span, field))
    }

    fn literal(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Expr>, Diagnostic> {
        let span = span_of(&pair);
        let e = match pair.as_rule() {
            Rule::string | Rule::raw_string => Expr::Str {
                lit: str_lit(&pair)?,
            },
            Rule::number => Expr::Number {
                text: pair.as_str().to_string(),
            },
            Rule::boolean => Expr::Bool {
                value: pair.as_str() == "true",
            },
            Rule::null => Expr::Null,
            _ => return Err(internal(&pair, "literal")),
        };
        Ok(Node::new(span, e))
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Expr>, Diagnostic> {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::expr => {
                let inner = kids(pair)
                    .next()
                    .ok_or_else(|| internal_span(span, "expr"))?;
                self.expr(inner)
            }
            Rule::or_expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::or_expr;
                let items: Vec<Node<Expr>> = kids(pair)
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_or | Rule::kw_and))
                    .map(|p| self.expr(p))
                    .collect::<Result<_, _>>()?;
                if items.len() == 1 {
                    return Ok(items.into_iter().next().expect("one item"));
                }
                Ok(Node::new(
                    span,
                    if is_or {
                        Expr::Or { items }
                    } else {
                        Expr::And { items }
                    },
                ))
            }
            Rule::not_expr => {
                let mut parts: Vec<_> = kids(pair).collect();
                if parts.len() == 2 {
                    let inner = self.expr(parts.remove(1))?;
                    Ok(Node::new(
                        span,
                        Expr::Not {
                            inner: Box::new(inner),
                        },
                    ))
                } else {
                    let p = parts.pop().ok_or_else(|| internal_span(span, "not"))?;
                    self.expr(p)
                }
            }
            Rule::predicate => self.predicate(pair),
            Rule::sum | Rule::product => self.arith(pair),
            Rule::unary => {
                let mut parts: Vec<_> = kids(pair).collect();
                if parts.len() == 2 {
                    let inner = self.expr(parts.remove(1))?;
                    Ok(Node::new(
                        span,
                        Expr::Neg {
                            inner: Box::new(inner),
                        },
                    ))
                } else {
                    let p = parts.pop().ok_or_else(|| internal_span(span, "unary"))?;
                    self.expr(p)
                }
            }
            Rule::group => {
                let inner = kids(pair)
                    .next()
                    .ok_or_else(|| internal_span(span, "group"))?;
                let inner = self.expr(inner)?;
                Ok(Node::new(
                    span,
                    Expr::Group {
                        inner: Box::new(inner),
                    },
                ))
            }
            Rule::call => {
                let mut it = kids(pair);
                let name = it.next().ok_or_else(|| internal_span(span, "call"))?;
                let name = Node::new(span_of(&name), name.as_str().to_string());
                let args = it.map(|p| self.expr(p)).collect::<Result<_, _>>()?;
                Ok(Node::new(span, Expr::Call { name, args }))
            }
            Rule::param_ref => Ok(Node::new(
                span,
                Expr::Param {
                    name: param_name_of(&pair),
                },
            )),
            Rule::field => {
                let f = self.field(pair)?;
                Ok(Node::new(f.span, Expr::Field { field: f.node }))
            }
            Rule::string | Rule::raw_string | Rule::number | Rule::boolean | Rule::null => {
                self.literal(pair)
            }
            _ => Err(internal(&pair, "expression")),
        }
    }

    fn arith(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Expr>, Diagnostic> {
        let mut it = kids(pair);
        let first = it
            .next()
            .ok_or_else(|| Diagnostic::error(codes::SYNTAX, "empty"))?;
        let mut acc = self.expr(first)?;
        while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
            let op = match op.as_str() {
                "+" => ArithOp::Add,
                "-" => ArithOp::Sub,
                "*" => ArithOp::Mul,
                "/" => ArithOp::Div,
                _ => ArithOp::Mod,
            };
            let rhs = self.expr(rhs)?;
            let span = acc.span.to(rhs.span);
            acc = Node::new(
                span,
                Expr::Arith {
                    op,
                    lhs: Box::new(acc),
                    rhs: Box::new(rhs),
                },
            );
        }
        Ok(acc)
    }

    fn predicate(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Expr>, Diagnostic> {
        let span = span_of(&pair);
        let mut it = kids(pair);
        let lhs_pair = it.next().ok_or_else(|| internal_span(span, "predicate"))?;
        let lhs = self.expr(lhs_pair)?;
        let Some(tail) = it.next() else {
            return Ok(lhs);
        };
        let inner = Box::new(lhs);
        let e = match tail.as_rule() {
            Rule::compare => {
                let mut t = kids(tail);
                let op = t.next().ok_or_else(|| internal_span(span, "compare"))?;
                let rhs = t.next().ok_or_else(|| internal_span(span, "compare"))?;
                let cased = t.next().is_some_and(|c| c.as_rule() == Rule::kw_cased);
                let op = match op.as_str() {
                    "==" => CmpOp::Eq,
                    "!=" => CmpOp::Ne,
                    "<=" => CmpOp::Le,
                    ">=" => CmpOp::Ge,
                    "<" => CmpOp::Lt,
                    _ => CmpOp::Gt,
                };
                Expr::Compare {
                    op,
                    lhs: inner,
                    rhs: Box::new(self.expr(rhs)?),
                    cased,
                }
            }
            Rule::is_null => Expr::IsNull {
                inner,
                negated: false,
            },
            Rule::is_not_null => Expr::IsNull {
                inner,
                negated: true,
            },
            Rule::exists => Expr::Exists { inner },
            Rule::in_list | Rule::not_in => {
                let negated = tail.as_rule() == Rule::not_in;
                let cased = kids(tail.clone()).any(|p| p.as_rule() == Rule::kw_cased);
                let list = kids(tail)
                    .find(|p| p.as_rule() == Rule::value_list)
                    .ok_or_else(|| internal_span(span, "in"))?;
                Expr::In {
                    inner,
                    list: self.sep_list(list, Self::expr)?,
                    negated,
                    cased,
                }
            }
            Rule::text_test => {
                let mut op = TextOp::Like;
                let mut all = false;
                let mut cased = false;
                let mut operands = None;
                for p in kids(tail) {
                    match p.as_rule() {
                        Rule::text_op => {
                            op = match p.as_str() {
                                "contains" => TextOp::Contains,
                                "startswith" => TextOp::StartsWith,
                                "endswith" => TextOp::EndsWith,
                                "matches" => TextOp::Matches,
                                "cidr" => TextOp::Cidr,
                                _ => TextOp::Like,
                            }
                        }
                        Rule::kw_all => all = true,
                        Rule::kw_cased => cased = true,
                        Rule::value_list => {
                            operands = Some(TextOperands::List(self.sep_list(p, Self::expr)?))
                        }
                        _ => operands = Some(TextOperands::One(Box::new(self.expr(p)?))),
                    }
                }
                Expr::Text {
                    op,
                    inner,
                    operands: operands.ok_or_else(|| internal_span(span, "text test"))?,
                    all,
                    cased,
                }
            }
            _ => return Err(internal(&tail, "predicate")),
        };
        Ok(Node::new(span, e))
    }
}

fn internal_span(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error(codes::SYNTAX, format!("internal parser error in {what}"))
        .with_label(span, "here")
}

fn next<'a>(
    it: &mut impl Iterator<Item = Pair<'a, Rule>>,
    span: Span,
) -> Result<Pair<'a, Rule>, Diagnostic> {
    it.next().ok_or_else(|| internal_span(span, "stage"))
}

fn param_name_of(pair: &Pair<'_, Rule>) -> String {
    pair.clone()
        .into_inner()
        .next()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default()
}

/// Splits a quoted field name into path segments on `.`, reading a trailing
/// `[]` or `{}` on a segment as an array marker.
fn split_path(text: &str) -> Vec<Segment> {
    text.split('.')
        .map(|s| {
            let (name, array) = match s.strip_suffix("[]").or_else(|| s.strip_suffix("{}")) {
                Some(n) => (n, true),
                None => (s, false),
            };
            Segment {
                name: name.to_string(),
                array,
            }
        })
        .collect()
}

/// A string literal's pieces.
fn str_lit(pair: &Pair<'_, Rule>) -> Result<StrLit, Diagnostic> {
    let raw = pair.as_rule() == Rule::raw_string;
    let inner = pair.clone().into_inner().next();
    let text = inner.as_ref().map(|p| p.as_str()).unwrap_or("");
    let offset = inner
        .map(|p| p.as_span().start())
        .unwrap_or(pair.as_span().start());
    parse_string(text, raw, offset)
}

/// A string with no parameters or wildcards meaning (metadata, descriptions).
fn plain_string(pair: &Pair<'_, Rule>) -> Result<String, Diagnostic> {
    let lit = str_lit(pair)?;
    Ok(lit
        .pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.clone(),
            Piece::Param(n) => format!("{{{n}}}"),
            Piece::Star => "*".to_string(),
            Piece::Question => "?".to_string(),
        })
        .collect())
}

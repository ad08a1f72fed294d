//! Stages: `| where`, `| stats`, `| sort` and the rest, with their options and lists.

use pest::iterators::Pair;

use super::*;

impl Builder {
    pub(super) fn stage(&mut self, pair: Pair<'_, Rule>) -> Result<Node<Stage>, Diagnostic> {
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

    pub(super) fn stage_kind(&mut self, pair: Pair<'_, Rule>) -> Result<StageKind, Diagnostic> {
        let rule = pair.as_rule();
        let span = span_of(&pair);
        let alias = rule == Rule::bin_stage && pair.as_str().starts_with("bucket");
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
                    alias,
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

    pub(super) fn integer(&mut self, p: &Pair<'_, Rule>) -> Result<Node<u64>, Diagnostic> {
        let n = p.as_str().parse::<u64>().map_err(|_| {
            Diagnostic::error(codes::SYNTAX, "number too large").with_label(span_of(p), "here")
        })?;
        Ok(Node::new(span_of(p), n))
    }

    pub(super) fn sep_list<T>(
        &mut self,
        pair: Pair<'_, Rule>,
        item: fn(&mut Self, Pair<'_, Rule>) -> Result<Node<T>, Diagnostic>,
    ) -> Result<SepList<T>, Diagnostic> {
        self.sep_items(kids(pair), item)
    }

    /// Builds a list from items and the `sep` pairs between them.
    pub(super) fn sep_items<'a, T>(
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

    pub(super) fn field_list(
        &mut self,
        pair: Pair<'_, Rule>,
    ) -> Result<SepList<Field>, Diagnostic> {
        self.sep_list(pair, Self::field)
    }

    pub(super) fn aggregate(
        &mut self,
        pair: Pair<'_, Rule>,
    ) -> Result<Node<Aggregate>, Diagnostic> {
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

    pub(super) fn alias(&mut self, pair: Pair<'_, Rule>) -> Result<Alias, Diagnostic> {
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

    pub(super) fn rename_pair(
        &mut self,
        pair: Pair<'_, Rule>,
    ) -> Result<Node<RenamePair>, Diagnostic> {
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

    pub(super) fn sort_key(&mut self, pair: Pair<'_, Rule>) -> Result<Node<SortKey>, Diagnostic> {
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

    pub(super) fn lookup_table(
        &mut self,
        pair: Pair<'_, Rule>,
    ) -> Result<Node<LookupTable>, Diagnostic> {
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

    pub(super) fn lookup_field(
        &mut self,
        pair: Pair<'_, Rule>,
    ) -> Result<Node<LookupField>, Diagnostic> {
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

    pub(super) fn option(&mut self, pair: Pair<'_, Rule>) -> Result<Node<StageOption>, Diagnostic> {
        let span = span_of(&pair);
        let mut it = kids(pair);
        let (Some(name), Some(value)) = (it.next(), it.next()) else {
            return Err(internal_span(span, "option"));
        };
        let vspan = span_of(&value);
        let v = match value.as_rule() {
            Rule::duration => OptionValue::Duration(value.as_str().to_string()),
            Rule::number => OptionValue::Number(number_text(&value)?),
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

    pub(super) fn assignment(
        &mut self,
        pair: Pair<'_, Rule>,
    ) -> Result<Node<Assignment>, Diagnostic> {
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
}

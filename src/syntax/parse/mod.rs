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
    let mut pairs = VigilParser::parse(Rule::file, text).map_err(|e| syntax_error(e, text))?;
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
    let mut pairs = VigilParser::parse(Rule::expr, text).map_err(|e| syntax_error(e, text))?;
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

/// Every comment of a file (without its `#`), with its span, in order; the
/// file must parse.
pub fn comments(text: &str) -> Result<Vec<(Span, String)>, Diagnostic> {
    super::depth::check_depth(text)?;
    let mut pairs = VigilParser::parse(Rule::file, text).map_err(|e| syntax_error(e, text))?;
    Ok(pairs
        .next()
        .map(collect_comments)
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.span, c.text))
        .collect())
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

mod errors;
mod expr;
mod hints;
mod stages;

use errors::syntax_error;

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

/// A number literal's text, refused when an f64 cannot hold it: a value
/// beyond ±1.8e308 would reach the targets as infinity (`.inf` in Sigma,
/// `inf` elsewhere) and a non-zero one below 5e-324 as 0.
fn number_text(pair: &Pair<'_, Rule>) -> Result<String, Diagnostic> {
    let text = pair.as_str();
    let f = text.parse::<f64>().unwrap_or(f64::NAN);
    let nonzero = text.bytes().any(|b| (b'1'..=b'9').contains(&b));
    if f.is_finite() && (f != 0.0 || !nonzero) {
        return Ok(text.to_string());
    }
    let (what, bound) = if f.is_finite() {
        ("too small", "the smallest is about 5e-324")
    } else {
        ("too large", "the largest is about 1.8e308")
    };
    Err(Diagnostic::error(
        codes::SYNTAX,
        format!("this number is {what} for a 64-bit floating-point value ({bound})"),
    )
    .with_label(span_of(pair), "out of range")
    .with_help("write a number in range, or a string if it is an identifier"))
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
            Rule::number => MetaValue::Number(number_text(&pair)?),
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

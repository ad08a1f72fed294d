//! Lowering: Vigil AST → IR.
//!
//! Resolves names (a name assigned by the pipeline is a local column; any
//! other name is an event field), checks parameters, types metadata, and
//! splits expressions into filters (search semantics) and row expressions
//! (eval semantics). Collects every diagnostic instead of stopping at the
//! first, so `vigil check` reports them all.

mod checks;
mod expr;
mod filter;
pub(crate) mod meta;
mod names;
pub(crate) mod regex;
mod stage;
pub mod validate;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{self, Detection, Filter, ParamType, SourceKind};
use crate::source::{SourceFile, Span};
use crate::syntax::ast;

pub use names::Names;

/// Parses and lowers a Vigil source file.
pub fn load_vigil(file: Arc<SourceFile>) -> (Option<Detection>, Vec<Diagnostic>) {
    match crate::syntax::parse_file(&file.text) {
        Ok(ast) => lower_file(&ast, file),
        Err(d) => (None, vec![d.in_file(&file)]),
    }
}

/// Lowers a parsed file. Returns the detection unless an error was found.
pub fn lower_file(file: &ast::File, src: Arc<SourceFile>) -> (Option<Detection>, Vec<Diagnostic>) {
    let mut cx = Lowerer::new(src.clone());
    let (meta, scope) = meta::lower_meta(&mut cx, &file.meta);
    let params = cx.lower_params(&file.params);
    let filter = match &file.query.node.search {
        Some(e) => cx.filter(e),
        None => Filter::True,
    };
    let filter_hints = std::mem::take(&mut cx.hints);
    let filter_span = file
        .query
        .node
        .search
        .as_ref()
        .map_or(file.query.span, |s| s.span);
    let mut names = Names::default();
    let pipeline = cx.stages(&file.query.node.stages, &mut names);
    cx.check_reads(checks::schema_for(&meta));
    if file.query.node.search.is_none() && file.query.node.stages.is_empty() {
        cx.diags.push(
            Diagnostic::error(codes::SEMANTIC, "the detection has no query")
                .with_label(
                    Span::new(src.text.len(), src.text.len()),
                    "expected `search ...`",
                )
                .with_help("add `search <filter>` after the metadata, then `| stage`s"),
        );
    }
    let span = file.meta.first().map_or(Span::default(), |m| m.span);
    let diags: Vec<Diagnostic> = cx.diags.into_iter().map(|d| d.in_file(&src)).collect();
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    let det = Detection {
        meta,
        params,
        scope,
        filter,
        pipeline,
        source_kind: SourceKind::Vigil,
        file: src,
        filter_span,
        span,
        hints: filter_hints,
    };
    (Some(det), diags)
}

/// State shared by the lowering passes.
pub(crate) struct Lowerer {
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) params: BTreeMap<String, ParamType>,
    /// The names read so far, for [`Lowerer::check_reads`].
    pub(crate) reads: Vec<checks::Read>,
    /// How the author spelled the stage being lowered.
    pub(crate) hints: crate::ir::Hints,
    /// The source, to see how operators were spelled.
    pub(crate) src: Arc<SourceFile>,
}

impl Lowerer {
    fn new(src: Arc<SourceFile>) -> Self {
        Lowerer {
            diags: Vec::new(),
            params: BTreeMap::new(),
            reads: Vec::new(),
            hints: crate::ir::Hints::default(),
            src,
        }
    }

    /// The boolean operator written between two operands (`and`, `AND`,
    /// ...), or at the start of a `not`.
    pub(crate) fn op_between(&self, before: Span, after: Span) -> &str {
        self.src
            .text
            .get(before.end..after.start)
            .unwrap_or_default()
            .trim()
    }

    /// Records how the boolean operators of `e` (an `and`, `or` or `not`)
    /// were spelled, lower case included: in eval context the Splunk
    /// printer writes them as written (eval reads both) and `vigil fmt`
    /// keeps them. The search command's filter never comes here: it
    /// requires upper case.
    pub(crate) fn note_op(&mut self, e: &ast::Node<ast::Expr>) {
        let written = match &e.node {
            ast::Expr::And { items } | ast::Expr::Or { items } if items.len() > 1 => {
                self.op_between(items[0].span, items[1].span).to_string()
            }
            ast::Expr::Not { .. } => self
                .src
                .text
                .get(e.span.start..e.span.end)
                .and_then(|t| t.get(..3))
                .unwrap_or_default()
                .to_string(),
            _ => return,
        };
        if written.len() <= 3 && written.chars().all(|c| c.is_ascii_alphabetic()) {
            self.hints.op(&written);
        }
    }

    pub(crate) fn error(&mut self, span: Span, message: impl Into<String>, label: &str) {
        self.diags
            .push(Diagnostic::error(codes::SEMANTIC, message).with_label(span, label));
    }

    pub(crate) fn error_help(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: impl Into<String>,
    ) {
        self.diags.push(
            Diagnostic::error(code, message)
                .with_label(span, label)
                .with_help(help),
        );
    }

    /// Reports a reference to an undeclared parameter.
    pub(crate) fn check_param(&mut self, name: &str, span: Span) {
        if !self.params.contains_key(name) {
            let declared: Vec<&str> = self.params.keys().map(String::as_str).collect();
            let help = if declared.is_empty() {
                format!("declare it: `param {name}: string` (or `number`, `bool`)")
            } else {
                format!(
                    "declare it with `param {name}: string`; declared: {}",
                    declared.join(", ")
                )
            };
            self.error_help(
                codes::PARAM,
                span,
                format!("unknown parameter `{{{name}}}`"),
                "not declared",
                help,
            );
        }
    }

    fn lower_params(&mut self, decls: &[ast::Node<ast::ParamDecl>]) -> Vec<ir::Param> {
        let mut out: Vec<ir::Param> = Vec::new();
        for d in decls {
            let name = d.node.name.node.clone();
            if out.iter().any(|p| p.name == name) {
                self.error_help(
                    codes::PARAM,
                    d.node.name.span,
                    format!("parameter `{name}` is declared twice"),
                    "second declaration",
                    "remove one of the declarations",
                );
                continue;
            }
            let ty = match d.node.ty.node {
                ast::ParamType::String => ParamType::String,
                ast::ParamType::Number => ParamType::Number,
                ast::ParamType::Bool => ParamType::Bool,
            };
            let default = d.node.default.as_ref().and_then(|e| {
                let v = self.literal_value(e)?;
                let ok = matches!(
                    (&v, ty),
                    (ir::Value::Str(_), ParamType::String)
                        | (ir::Value::Int(_) | ir::Value::Float(..), ParamType::Number)
                        | (ir::Value::Bool(_), ParamType::Bool)
                );
                if !ok {
                    self.error(
                        e.span,
                        format!("the default of `{name}` is not a {ty:?}").to_lowercase(),
                        "wrong type",
                    );
                    return None;
                }
                Some(v)
            });
            self.params.insert(name.clone(), ty);
            out.push(ir::Param {
                name,
                ty,
                default,
                description: d.node.doc.as_ref().map(|s| s.node.clone()),
                span: d.span,
            });
        }
        out
    }
}

//! The Sigma reader: Sigma YAML rules → IR.
//!
//! Reading has two passes. [`parse`] reads one file: its YAML documents
//! (with spans, `yaml.rs`), collection actions (`collection.rs`), and each
//! document as a rule (`rule.rs`: metadata, search identifiers, modifiers,
//! condition), a correlation (`correlation.rs`) or a filter (`filters.rs`).
//! [`link`] then works across every file of a load: it applies filter
//! documents to the rules they name, resolves correlation references (rule
//! names are scoped per file, ids are global) and lowers correlations into
//! pipelines (`correlate.rs`). Referenced rules are not emitted on their own
//! unless the correlation says `generate: true`.
//!
//! Decisions (details in `docs/sigma.md`):
//! - Rules with `logsource.product: auth0` name fields as the Auth0 log
//!   stream does (`data.type`, and sometimes `type`); the reader strips the
//!   stream's `data.` so IR paths are neutral and profiles never double it.
//!   Their `{name}` template variables become parameters, as in Vigil.
//! - `expand` placeholders (`%name%`) become parameters too, with a
//!   warning: `--param name=VALUE` fills them in.

mod cidr;
mod collection;
mod condition;
mod correlate;
mod correlation;
mod cx;
mod detection;
mod encode;
mod filters;
mod link;
mod meta;
mod modifiers;
mod regex;
mod rule;
mod strings;
mod threshold;
mod values;
pub mod yaml;

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::ir::Meta;
use crate::source::{SourceFile, Span};

use collection::DocKind;
pub(crate) use cx::Cx;
pub use link::{Linked, link};

/// A document of a parsed file.
#[derive(Debug)]
pub(crate) enum Doc {
    /// A rule without errors.
    Rule(rule::Rule),
    /// A rule or correlation with errors (kept so references to it say so),
    /// and the rules a broken correlation names: they stay hidden, since a
    /// correlation's base rule alone would alert on every matching event.
    Broken(Meta, Vec<String>),
    /// A correlation.
    Correlation(correlation::Correlation),
    /// A filter.
    Filter(filters::FilterDoc),
}

/// One file read by [`parse`], waiting for [`link`].
pub struct Parsed {
    pub(crate) file: Arc<SourceFile>,
    pub(crate) docs: Vec<Doc>,
    pub(crate) diags: Vec<Diagnostic>,
}

/// Reads one Sigma file: every document, with its diagnostics.
pub fn parse(file: Arc<SourceFile>) -> Parsed {
    let mut cx = Cx::new(&file.text, false);
    let (yaml_docs, yaml_diags) = yaml::parse_stream(&file.text);
    cx.diags.extend(yaml_diags);
    // Spans of YAML errors inside documents (duplicate keys): a document
    // holding one is read for its id and name only.
    let mut yaml_errors: Vec<Span> = Vec::new();
    let mut roots = Vec::new();
    for d in yaml_docs {
        yaml_errors.extend(
            d.errors
                .iter()
                .filter(|e| e.is_error())
                .filter_map(|e| e.labels.first().map(|l| l.span)),
        );
        cx.diags.extend(d.errors);
        roots.extend(d.root);
    }
    let broken = |root: &yaml::Node| {
        yaml_errors
            .iter()
            .any(|s| root.span.start <= s.start && s.start < root.span.end)
    };
    let kinds = collection::resolve(&mut cx, roots);
    // Sized up front: a `Doc` is large and most files hold one, so a
    // growing vector's spare capacity would be most of the memory a
    // corpus load holds.
    let mut docs = Vec::with_capacity(kinds.len());
    for kind in kinds {
        let doc = match kind {
            DocKind::Rule(root) => match rule::read(&mut cx, &root) {
                rule::Read::Rule(r) if !broken(&root) => Doc::Rule(r),
                rule::Read::Rule(rule::Rule { meta, .. }) | rule::Read::Broken(meta) => {
                    Doc::Broken(meta, Vec::new())
                }
            },
            DocKind::Correlation(root) => match correlation::read(&mut cx, &root) {
                (_, Some(c)) if !broken(&root) => Doc::Correlation(c),
                (meta, _) => Doc::Broken(meta, named_rules(&root)),
            },
            DocKind::Filter(root) => match filters::read(&mut cx, &root) {
                Some(f) if !broken(&root) => Doc::Filter(f),
                _ => continue,
            },
        };
        docs.push(doc);
    }
    Parsed {
        diags: cx.diags,
        file,
        docs,
    }
}

/// The rule names under `correlation: rules:` (one or a list), as far as
/// they can be read from a correlation with errors.
fn named_rules(root: &yaml::Node) -> Vec<String> {
    let Some(rules) = root.get("correlation").and_then(|c| c.get("rules")) else {
        return Vec::new();
    };
    match &rules.kind {
        yaml::NodeKind::Seq(items) => items
            .iter()
            .filter_map(|n| n.as_text().map(str::to_string))
            .collect(),
        _ => rules.as_text().map(str::to_string).into_iter().collect(),
    }
}

/// Reads and links one file on its own.
pub fn load(file: Arc<SourceFile>) -> Linked {
    let linked = link(vec![parse(file.clone())]).pop();
    // `link` returns one entry per file it is given.
    linked.unwrap_or(Linked {
        file,
        detections: Vec::new(),
        diagnostics: Vec::new(),
    })
}

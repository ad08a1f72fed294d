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

mod collection;
mod condition;
mod correlate;
mod correlation;
mod detection;
mod encode;
mod filters;
mod meta;
mod modifiers;
mod rule;
mod strings;
mod values;
pub mod yaml;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity, codes};
use crate::ir::{
    Detection, FieldKind, FieldRef, Filter, Meta, Param, ParamType, Path, Scope, SourceKind,
};
use crate::source::{SourceFile, Span};

use collection::DocKind;

/// Reading state for one file.
pub(crate) struct Cx<'a> {
    /// The file's text.
    pub src: &'a str,
    /// Diagnostics so far (file not set yet).
    pub diags: Vec<Diagnostic>,
    /// The current rule is an Auth0 rule.
    pub auth0: bool,
    /// Placeholders of the current document: name, template (not `expand`),
    /// first use.
    params: Vec<(String, bool, Span)>,
}

impl<'a> Cx<'a> {
    /// A context for a file's text.
    pub fn new(src: &'a str, auth0: bool) -> Self {
        Cx {
            src,
            diags: Vec::new(),
            auth0,
            params: Vec::new(),
        }
    }

    /// Starts a document.
    pub fn begin(&mut self, auth0: bool) {
        self.auth0 = auth0;
        self.params.clear();
    }

    /// The number of errors so far.
    pub fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        span: Span,
        message: String,
        label: &str,
        help: String,
    ) {
        let mut d = Diagnostic::error(code, message)
            .with_label(span, label)
            .with_help(help);
        d.severity = severity;
        self.diags.push(d);
    }

    /// Reports an error.
    pub fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: impl Into<String>,
    ) {
        self.push(
            Severity::Error,
            code,
            span,
            message.into(),
            label,
            help.into(),
        );
    }

    /// Reports a warning.
    pub fn warning(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: impl Into<String>,
    ) {
        self.push(
            Severity::Warning,
            code,
            span,
            message.into(),
            label,
            help.into(),
        );
    }

    /// The IR reference for a Sigma field name.
    pub fn field(&self, name: &str) -> FieldRef {
        let mut path = Path::parse(name);
        if self.auth0
            && let Some(p) = path.strip_prefix("data.")
        {
            path = p;
        }
        // Names with characters a query language cannot take bare keep
        // their quotes in the output.
        let quoted = !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-{}@".contains(c));
        FieldRef {
            path,
            kind: FieldKind::Event,
            quoted,
        }
    }

    /// Records an `expand` placeholder (warning once per name).
    pub fn placeholder(&mut self, name: &str, span: Span) {
        if self.params.iter().any(|(n, _, _)| n == name) {
            return;
        }
        self.params.push((name.to_string(), false, span));
        self.warning(
            codes::SIGMA_PLACEHOLDER,
            span,
            format!("the placeholder `%{name}%` is compiled as the parameter `{{{name}}}`"),
            "placeholder",
            format!("give its value with --param {name}=VALUE; otherwise the query searches for the text {{{name}}}"),
        );
    }

    /// Records an Auth0 catalog template variable.
    pub fn template_param(&mut self, name: &str, span: Span) {
        if !self.params.iter().any(|(n, _, _)| n == name) {
            self.params.push((name.to_string(), true, span));
        }
    }

    /// The current document's placeholders as parameters.
    pub fn take_params(&mut self) -> Vec<Param> {
        std::mem::take(&mut self.params)
            .into_iter()
            .map(|(name, template, span)| Param {
                description: Some(if template {
                    format!("template variable {{{name}}} of the rule")
                } else {
                    format!("Sigma placeholder %{name}% (expand modifier)")
                }),
                name,
                ty: ParamType::String,
                default: None,
                span,
            })
            .collect()
    }
}

/// A document of a parsed file.
#[derive(Debug)]
enum Doc {
    /// A rule without errors.
    Rule(rule::Rule),
    /// A rule or correlation with errors (kept so references to it say so).
    Broken(Meta),
    /// A correlation.
    Correlation(correlation::Correlation),
    /// A filter.
    Filter(filters::FilterDoc),
}

/// One file read by [`parse`], waiting for [`link`].
pub struct Parsed {
    file: Arc<SourceFile>,
    docs: Vec<Doc>,
    diags: Vec<Diagnostic>,
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
    let mut docs = Vec::new();
    for kind in collection::resolve(&mut cx, roots) {
        let doc = match kind {
            DocKind::Rule(root) => match rule::read(&mut cx, &root) {
                (_, Some(r)) if !broken(&root) => Doc::Rule(r),
                (meta, _) => Doc::Broken(meta),
            },
            DocKind::Correlation(root) => match correlation::read(&mut cx, &root) {
                (_, Some(c)) if !broken(&root) => Doc::Correlation(c),
                (meta, _) => Doc::Broken(meta),
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

/// A file's detections and diagnostics after linking.
pub struct Linked {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Its detections, in document order.
    pub detections: Vec<Detection>,
    /// Its diagnostics (file set).
    pub diagnostics: Vec<Diagnostic>,
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

/// Links the files of one load: filters, then correlations.
pub fn link(mut files: Vec<Parsed>) -> Vec<Linked> {
    apply_filters(&mut files);
    let mut suppressed: Vec<Vec<bool>> = files.iter().map(|f| vec![false; f.docs.len()]).collect();
    let mut out: Vec<Linked> = Vec::with_capacity(files.len());
    let mut correlations: Vec<Vec<Option<Detection>>> = Vec::with_capacity(files.len());
    for fi in 0..files.len() {
        let mut per_doc = Vec::with_capacity(files[fi].docs.len());
        let mut diags = Vec::new();
        for di in 0..files[fi].docs.len() {
            let det = match &files[fi].docs[di] {
                Doc::Correlation(c) => link_correlation(&files, fi, c, &mut suppressed, &mut diags),
                _ => None,
            };
            per_doc.push(det);
        }
        files[fi].diags.extend(diags);
        correlations.push(per_doc);
    }
    for (fi, parsed) in files.into_iter().enumerate() {
        let file = parsed.file.clone();
        let mut detections = Vec::new();
        for (di, doc) in parsed.docs.into_iter().enumerate() {
            match doc {
                Doc::Rule(r) if !suppressed[fi][di] => detections.push(Detection {
                    meta: r.meta,
                    params: r.params,
                    scope: Scope::Profile,
                    filter: r.filter,
                    pipeline: Vec::new(),
                    source_kind: SourceKind::Sigma,
                    file: file.clone(),
                    filter_span: r.filter_span,
                    span: r.span,
                }),
                Doc::Correlation(_) => {
                    if let Some(d) = correlations[fi][di].take() {
                        detections.push(d);
                    }
                }
                _ => {}
            }
        }
        let diagnostics = parsed.diags.into_iter().map(|d| d.in_file(&file)).collect();
        out.push(Linked {
            file,
            detections,
            diagnostics,
        });
    }
    out
}

/// ANDs every filter document into the rules it applies to.
fn apply_filters(files: &mut [Parsed]) {
    let mut found = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        for (di, d) in f.docs.iter().enumerate() {
            if matches!(d, Doc::Filter(_)) {
                found.push((fi, di));
            }
        }
    }
    for (ffi, fdi) in found {
        let Doc::Filter(fd) = &files[ffi].docs[fdi] else {
            continue;
        };
        let mut targets = Vec::new();
        for (fi, f) in files.iter().enumerate() {
            for (di, d) in f.docs.iter().enumerate() {
                if let Doc::Rule(r) = d
                    && fd.applies_to(&r.meta)
                {
                    targets.push((fi, di, r.span));
                }
            }
        }
        let warning = targets.is_empty().then(|| unused_filter(files, fd));
        let (filt, params) = (fd.filter.clone(), fd.params.clone());
        for (fi, di, rule_span) in targets {
            let mut add = filt.clone();
            if fi != ffi {
                // The filter's spans point into its own file.
                respan(&mut add, rule_span);
            }
            if let Doc::Rule(r) = &mut files[fi].docs[di] {
                let rule_filter = std::mem::replace(&mut r.filter, Filter::True);
                r.filter = Filter::and(vec![rule_filter, add]);
                for p in &params {
                    if !r.params.iter().any(|q| q.name == p.name) {
                        r.params.push(p.clone());
                    }
                }
            }
        }
        files[ffi].diags.extend(warning);
    }
}

/// The warning for a filter that applies to no rule of the load.
fn unused_filter(files: &[Parsed], fd: &filters::FilterDoc) -> Diagnostic {
    let named = fd.rules.is_none()
        || files.iter().any(|f| {
            f.docs.iter().any(|d| match d {
                Doc::Rule(r) => fd.names(&r.meta),
                Doc::Broken(m) => fd.names(m),
                _ => false,
            })
        });
    let why = if named {
        format!(
            "none of the rules it names has the logsource {}",
            filters::logsource_text(&fd.meta.logsource)
        )
    } else {
        "none of the rules it names is in this load".to_string()
    };
    Diagnostic::warning(
        codes::SIGMA,
        format!("the filter applies to no rule: {why}"),
    )
    .with_label(fd.span, "this filter")
    .with_help("check the filter's `rules` and `logsource`, and load the rules with it")
}

/// Replaces every span in a filter (for filters embedded from another
/// file, whose spans would point into the wrong text).
fn respan(f: &mut Filter, span: Span) {
    match f {
        Filter::True => {}
        Filter::And(v) | Filter::Or(v) => v.iter_mut().for_each(|x| respan(x, span)),
        Filter::Not(x) | Filter::Group(x) => respan(x, span),
        Filter::Pred(p) => p.span = span,
        Filter::Keyword(k) => k.span = span,
    }
}

/// Where a reference leads.
enum Target<'a> {
    Rule(usize, usize, &'a rule::Rule),
    Broken,
    Correlation,
    Missing,
}

/// Finds a referenced rule: by id or name in the same file, then by id in
/// the other files, then by a name that only one other file defines.
fn resolve<'a>(files: &'a [Parsed], fi: usize, name: &str) -> Target<'a> {
    let matches = |m: &Meta, by_name: bool| {
        m.id.as_deref() == Some(name) || (by_name && m.name.as_deref() == Some(name))
    };
    let find = |f: usize, by_name: bool| -> Option<Target<'a>> {
        for (di, d) in files[f].docs.iter().enumerate() {
            match d {
                Doc::Rule(r) if matches(&r.meta, by_name) => return Some(Target::Rule(f, di, r)),
                Doc::Broken(m) if matches(m, by_name) => return Some(Target::Broken),
                Doc::Correlation(c) if matches(&c.meta, by_name) => {
                    return Some(Target::Correlation);
                }
                _ => {}
            }
        }
        None
    };
    if let Some(t) = find(fi, true) {
        return t;
    }
    let others = (0..files.len()).filter(|&f| f != fi);
    if let Some(t) = others.clone().find_map(|f| find(f, false)) {
        return t;
    }
    let mut by_name = others.filter_map(|f| find(f, true));
    match (by_name.next(), by_name.next()) {
        (Some(t), None) => t,
        _ => Target::Missing,
    }
}

fn link_correlation(
    files: &[Parsed],
    fi: usize,
    c: &correlation::Correlation,
    suppressed: &mut [Vec<bool>],
    diags: &mut Vec<Diagnostic>,
) -> Option<Detection> {
    let file = &files[fi].file;
    let mut inputs = Vec::new();
    let mut params: Vec<Param> = Vec::new();
    let mut logsource = BTreeMap::new();
    let mut auth0 = true;
    let mut ok = true;
    for (name, span) in &c.rules {
        let err = |msg: String, label: &str, help: &str| {
            Diagnostic::error(codes::SIGMA, msg)
                .with_label(*span, label)
                .with_help(help)
        };
        match resolve(files, fi, name) {
            Target::Rule(rf, rd, r) => {
                if !c.generate {
                    suppressed[rf][rd] = true;
                }
                let mut filter = r.filter.clone();
                if rf != fi {
                    respan(&mut filter, *span);
                }
                auth0 &= r.auth0;
                if logsource.is_empty() {
                    logsource = r.meta.logsource.clone();
                }
                for p in &r.params {
                    if !params.iter().any(|q| q.name == p.name) {
                        params.push(p.clone());
                    }
                }
                inputs.push(correlate::Input {
                    label: name.clone(),
                    names: [r.meta.id.clone(), r.meta.name.clone()]
                        .into_iter()
                        .flatten()
                        .collect(),
                    filter,
                });
            }
            Target::Broken => {
                ok = false;
                diags.push(err(
                    format!("the correlation refers to `{name}`, which has errors"),
                    "rule with errors",
                    "fix the errors reported for that rule",
                ));
            }
            Target::Correlation => {
                ok = false;
                diags.push(
                    Diagnostic::error(
                        codes::SIGMA_UNSUPPORTED,
                        format!("`{name}` is a correlation: correlations of correlations are not supported by Vigil yet"),
                    )
                    .with_label(*span, "a correlation")
                    .with_help("refer to detection rules"),
                );
            }
            Target::Missing => {
                ok = false;
                diags.push(err(
                    format!("the correlation refers to `{name}`, which is not a rule of this file or an id of the loaded rules"),
                    "unknown rule",
                    "give the `name` or `id` of a rule; names are looked up in the same file, ids in every loaded file",
                ));
            }
        }
    }
    if !ok {
        return None;
    }
    let mut cx = Cx::new(&file.text, auth0);
    let lowered = correlate::lower(&mut cx, c, &inputs);
    diags.extend(cx.diags);
    let (filter, pipeline) = lowered?;
    let mut meta = c.meta.clone();
    if meta.logsource.is_empty() {
        meta.logsource = logsource;
    }
    Some(Detection {
        meta,
        params,
        scope: Scope::Profile,
        filter,
        pipeline,
        source_kind: SourceKind::Sigma,
        file: file.clone(),
        filter_span: c.rules_span,
        span: c.span,
    })
}

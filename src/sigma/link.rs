//! Linking the files of one load: filter documents are ANDed into the
//! rules they name, then correlations resolve their references (names in
//! the same file, ids anywhere) and are lowered into pipelines.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::{Cx, Doc, Parsed, correlate, correlation, filters, rule};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Detection, Filter, Meta, Param, Scope, SourceKind};
use crate::source::{SourceFile, Span};

/// A file's detections and diagnostics after linking.
pub struct Linked {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Its detections, in document order.
    pub detections: Vec<Detection>,
    /// Its diagnostics (file set).
    pub diagnostics: Vec<Diagnostic>,
}

/// Links the files of one load: filters, then correlations.
pub fn link(mut files: Vec<Parsed>) -> Vec<Linked> {
    apply_filters(&mut files);
    // Rules a correlation uses (or a broken one named), and the linked
    // correlations, by (file, document): few in a load, so kept apart from
    // the files rather than a slot for every document.
    let mut suppressed: HashSet<(usize, usize)> = HashSet::new();
    let mut correlations: HashMap<(usize, usize), Detection> = HashMap::new();
    let mut out: Vec<Linked> = Vec::with_capacity(files.len());
    for fi in 0..files.len() {
        let mut diags = Vec::new();
        for di in 0..files[fi].docs.len() {
            match &files[fi].docs[di] {
                Doc::Correlation(c) => {
                    if let Some(d) = link_correlation(&files, fi, c, &mut suppressed, &mut diags) {
                        correlations.insert((fi, di), d);
                    }
                }
                Doc::Broken(_, rules) => {
                    for name in rules {
                        if let Target::Rule(rf, rd, _) = resolve(&files, fi, name) {
                            suppressed.insert((rf, rd));
                        }
                    }
                }
                _ => {}
            }
        }
        files[fi].diags.extend(diags);
    }
    for (fi, parsed) in files.into_iter().enumerate() {
        let file = parsed.file.clone();
        let mut detections = Vec::with_capacity(parsed.docs.len());
        for (di, doc) in parsed.docs.into_iter().enumerate() {
            match doc {
                Doc::Rule(r) if !suppressed.contains(&(fi, di)) => detections.push(Detection {
                    meta: r.meta,
                    params: r.params,
                    scope: Scope::Profile,
                    filter: r.filter,
                    pipeline: Vec::new(),
                    source_kind: SourceKind::Sigma,
                    file: file.clone(),
                    filter_span: r.filter_span,
                    span: r.span,
                    hints: Default::default(),
                }),
                Doc::Correlation(_) => detections.extend(correlations.remove(&(fi, di))),
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
                Doc::Broken(m, _) => fd.names(m),
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
                Doc::Broken(m, _) if matches(m, by_name) => return Some(Target::Broken),
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
    suppressed: &mut HashSet<(usize, usize)>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Detection> {
    let file = &files[fi].file;
    let mut inputs = Vec::new();
    let mut params: Vec<Param> = Vec::new();
    let mut first: Option<&Meta> = None;
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
                    suppressed.insert((rf, rd));
                }
                let mut filter = r.filter.clone();
                if rf != fi {
                    respan(&mut filter, *span);
                }
                auth0 &= r.auth0;
                first.get_or_insert(&r.meta);
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
    if let Some(base) = first {
        // The id stands for the base rule only when the correlation replaces
        // it (one rule, not generated on its own).
        inherit(&mut meta, base, c.rules.len() == 1 && !c.generate);
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
        hints: Default::default(),
    })
}

/// Fills the metadata a correlation leaves out from its (first) rule: the
/// Auth0 catalog, like many rule sets, describes a detection in the base
/// rule and gives the correlation only a title.
fn inherit(meta: &mut Meta, base: &Meta, with_id: bool) {
    fn fill<T: Clone>(slot: &mut Option<T>, from: &Option<T>) {
        if slot.is_none() {
            slot.clone_from(from);
        }
    }
    fn fill_vec<T: Clone>(slot: &mut Vec<T>, from: &[T]) {
        if slot.is_empty() {
            slot.extend_from_slice(from);
        }
    }
    if with_id {
        fill(&mut meta.id, &base.id);
    }
    fill(&mut meta.status, &base.status);
    fill(&mut meta.description, &base.description);
    fill(&mut meta.author, &base.author);
    fill(&mut meta.date, &base.date);
    fill(&mut meta.modified, &base.modified);
    fill(&mut meta.level, &base.level);
    fill_vec(&mut meta.tags, &base.tags);
    fill_vec(&mut meta.references, &base.references);
    fill_vec(&mut meta.falsepositives, &base.falsepositives);
    if meta.logsource.is_empty() {
        meta.logsource.clone_from(&base.logsource);
    }
    for (k, v) in &base.extra {
        meta.extra.entry(k.clone()).or_insert_with(|| v.clone());
    }
}

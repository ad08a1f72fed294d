//! The Splunk reader: SPL searches → IR.
//!
//! Inputs: `.spl` files (one search; leading ``` comment lines may carry
//! `key: value` metadata), `savedsearches.conf` (one detection per stanza),
//! and YAML detection files whose search sits in a field (`--from splunk`:
//! the Auth0 catalog's `splunk:`, security_content's `search:`). Macros are
//! expanded first (`--macros`), then the search command's filter and each
//! pipeline command are read into the IR. Whatever the IR cannot represent
//! is refused with a diagnostic at its span: there are no partial imports.
//!
//! Like the other readers, this one knows nothing of the targets; it reads
//! profiles only to undo a profile's field layout (`scope.rs`).

mod columns;
mod commands;
pub mod conf;
mod cursor;
mod expr;
mod inputs;
mod lex;
pub mod macros;
mod names;
mod rewrite;
mod scope;
mod search;
mod yaml;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::diagnostic::Diagnostic;
use crate::ir::{Detection, Filter, Hints, Meta, Param, SourceKind, Stage, SubQuery};
use crate::source::{SourceFile, Span};
use cursor::Cursor;
pub use inputs::{is_spl_input, load};
pub use macros::Macros;
use names::Names;

/// How SPL inputs are read, set once by the command line.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Macro definitions (`--macros`).
    pub macros: Macros,
    /// YAML files are Splunk detections whose search is a field
    /// (`--from splunk`), not Sigma rules.
    pub from_splunk: bool,
}

static CONFIG: OnceLock<Config> = OnceLock::new();

/// Sets how SPL inputs are read (once, before loading; later calls are
/// ignored).
pub fn configure(config: Config) {
    let _ = CONFIG.set(config);
}

/// The configuration in force.
pub fn config() -> &'static Config {
    CONFIG.get_or_init(Config::default)
}

/// Reads one search: `text` starts at offset `base` of `file`.
pub fn read_search(
    file: &Arc<SourceFile>,
    base: usize,
    text: &str,
    mut meta: Meta,
    macros: &Macros,
) -> Result<Detection, Diagnostic> {
    let x = lex::expand(text, base, macros).map_err(|d| d.in_file(file))?;
    let segs = lex::segments(&x);
    let mut names = Names::default();
    names.profile = scope::profile_for(&x.text[..segs[0].end]);
    let mut params = BTreeMap::new();
    let (filter, hints, pipeline) = {
        let mut c = Cursor {
            x: &x,
            pos: 0,
            end: x.text.len(),
            names: &mut names,
            params: &mut params,
            hints: Hints::default(),
        };
        pipeline(&mut c, &segs).map_err(|d| d.in_file(file))?
    };
    let (filter, scope, source) =
        scope::extract(filter, names.profile.as_ref(), names.unscoped_sub);
    meta.logsource.extend(source);
    times_into(&mut meta, &names.times);
    let profile_params: Vec<String> = match (&names.profile, scope) {
        (Some(p), crate::ir::Scope::Profile) => p.scope.iter().map(|t| t.param.clone()).collect(),
        _ => Vec::new(),
    };
    let params = params
        .into_iter()
        .filter(|(n, _)| !profile_params.contains(n))
        .map(|(name, (ty, span))| Param {
            name,
            ty,
            default: None,
            description: None,
            span,
        })
        .collect();
    let span = Span::new(base, base + text.len());
    Ok(Detection {
        meta,
        params,
        scope,
        filter,
        pipeline,
        source_kind: SourceKind::Splunk,
        file: file.clone(),
        filter_span: x.span(0, segs[0].end),
        span,
        hints,
    })
}

/// Reads the filter (the first segment) and the stages.
/// Returns the filter, how it was spelled, and the stages.
fn pipeline(c: &mut Cursor, segs: &[lex::Segment]) -> cursor::PResult<(Filter, Hints, Vec<Stage>)> {
    let mut rest = segs;
    let mut filter = Filter::True;
    let first = &segs[0];
    c.pos = first.start;
    c.end = first.end;
    if c.at_end() && segs.len() > 1 {
        // `| command ...`: a generating command, unless it is `search`.
        c.pos = segs[1].start;
        c.end = segs[1].end;
        let word = c.peek_word();
        if !word.eq_ignore_ascii_case("search") {
            let at = c.pos;
            return Err(c.refuse(
                at,
                at + word.len(),
                &format!("the generating command `{word}`"),
            ));
        }
        rest = &segs[1..];
    }
    c.pos = rest[0].start;
    c.end = rest[0].end;
    if c.peek_word().eq_ignore_ascii_case("search") {
        c.eat_kw("search");
    }
    if !c.at_end() {
        filter = search::filter(c)?;
    } else if rest.len() == 1 {
        return Err(Box::new(
            crate::diagnostic::Diagnostic::error(
                crate::diagnostic::codes::SYNTAX,
                "the search is empty",
            )
            .with_label(c.span(rest[0].start, rest[0].end), "no search here")
            .with_help("write a search such as `index=main sourcetype=x user=bob`"),
        ));
    }
    let filter_hints = std::mem::take(&mut c.hints);
    let mut stages = Vec::new();
    for seg in &rest[1..] {
        c.pos = seg.start;
        c.end = seg.end;
        let start = c.pos;
        let mut sub = |c: &mut Cursor, open: usize, close: usize| subsearch(c, open, close);
        if let Some(kind) = commands::command(c, &mut sub)? {
            stages.push(Stage {
                kind,
                comments: seg.comments.clone(),
                span: c.span(start, seg.end),
                hints: std::mem::take(&mut c.hints),
            });
        }
        c.hints = Hints::default();
    }
    Ok((filter, filter_hints, stages))
}

/// A join's sub-search, between `open` and `close` in the expanded text.
fn subsearch(c: &mut Cursor, open: usize, close: usize) -> cursor::PResult<SubQuery> {
    let segs = lex::segments_in(c.x, open, close);
    let mut names = c.names.sub();
    let (filter, _, stages) = {
        let mut sc = Cursor {
            x: c.x,
            pos: open,
            end: close,
            names: &mut names,
            params: c.params,
            hints: Hints::default(),
        };
        pipeline(&mut sc, &segs)?
    };
    let (filter, scope, _) = scope::extract(filter, names.profile.as_ref(), false);
    names.unscoped_sub |= scope == crate::ir::Scope::None;
    c.names.absorb(&names);
    Ok(SubQuery { filter, stages })
}

/// `earliest=-1h` in a search, or a saved search's dispatch window: the
/// detection's schedule window.
fn times_into(meta: &mut Meta, times: &[(String, String)]) {
    for (k, v) in times {
        if k == "earliest"
            && let Some(window) = v
                .strip_prefix('-')
                .and_then(|w| crate::ir::Duration::parse(w.split('@').next().unwrap_or(w)))
        {
            let entry = meta
                .extra
                .entry("schedule".into())
                .or_insert_with(|| serde_json::json!({}));
            if let Some(o) = entry.as_object_mut() {
                o.insert("window".into(), window.to_string().into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FieldKind, StageKind, Test};

    fn read(text: &str) -> Result<Detection, Diagnostic> {
        let file = SourceFile::new("t.spl", text);
        read_search(&file, 0, text, Meta::default(), &Macros::default())
    }

    #[test]
    fn or_binds_tighter_than_and_in_search() {
        let d = read("a=1 b=2 OR c=3").unwrap();
        let Filter::And(items) = &d.filter else {
            panic!("{:?}", d.filter)
        };
        assert!(matches!(items[1], Filter::Or(_)));
    }

    #[test]
    fn ne_needs_the_field_and_not_does_not() {
        let d = read("a!=1 NOT b=2").unwrap();
        let Filter::And(items) = &d.filter else {
            panic!()
        };
        assert!(matches!(&items[0], Filter::Pred(p) if matches!(p.test, Test::Ne { .. })));
        assert!(matches!(&items[1], Filter::Not(_)));
    }

    #[test]
    fn data_source_terms_leave_the_filter() {
        let d = read("sourcetype=\"OktaIM2:log\" user=bob | head 1").unwrap();
        assert_eq!(
            d.meta.logsource.get("sourcetype").map(String::as_str),
            Some("OktaIM2:log")
        );
        assert!(matches!(&d.filter, Filter::Pred(p) if p.field.path.is("user")));
    }

    #[test]
    fn profile_layout_is_undone() {
        let d = read("index=auth0 data.tenant_name=\"{your-tenant-name}\" data.type=s | rex field=_raw \"(?<x>a)\"").unwrap();
        assert_eq!(d.scope, crate::ir::Scope::Profile);
        assert!(matches!(&d.filter, Filter::Pred(p) if p.field.path.is("type")));
        assert!(d.params.is_empty());
        let StageKind::Rex { field, .. } = &d.pipeline[0].kind else {
            panic!()
        };
        assert_eq!(field.kind, FieldKind::Event);
    }

    #[test]
    fn unrepresentable_constructs_are_refused_at_their_span() {
        let text = "a=1 | transaction user";
        let e = read(text).unwrap_err();
        assert!(e.one_line().contains("`transaction`"), "{}", e.one_line());
        assert!(read("").is_err());
        assert!(
            read("| tstats count")
                .unwrap_err()
                .one_line()
                .contains("tstats")
        );
        assert!(read("a=1 | eval x = concat(a, b)").is_err());
    }

    #[test]
    fn earliest_sets_the_window_not_a_filter() {
        let d = read("earliest=-1h a=1").unwrap();
        assert!(matches!(&d.filter, Filter::Pred(_)));
        assert_eq!(d.meta.extra["schedule"]["window"], "1h");
    }
}

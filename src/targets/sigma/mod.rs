//! Sigma v2 rules.
//!
//! The detection's filter becomes the rule's `detection` block
//! ([`detection`], values and modifiers in [`items`], escaping in
//! [`quote`]); its metadata the rule's fields ([`meta`]). A pipeline of the
//! shape `[bin timestamp span=X] | stats AGG by ... | where AGG OP N`
//! becomes a second document, a correlation rule that names the first by
//! its `name` ([`correlation`]); stages that only choose columns are left
//! out with a note; any other stage is an error pointing at it. Documents
//! are data serialized with serde ([`doc`]).
//!
//! Field names come from the profile: `sigma-auth0` (the default) writes the
//! Auth0 catalog's names (`data.type`, `data.details.response.body.shields{}`),
//! `sigma-raw` Auth0's own (`type`, `details.response.body.shields`).
//! Profile options: `array_mark` (written after array segments, default
//! `{}`) and `logsource` (used when a detection has none).

mod correlation;
mod detection;
mod doc;
mod items;
mod meta;
mod quote;

use std::collections::BTreeMap;
use std::path::Path as FsPath;

use super::{Backend, Compiled, Options, Target, gate_pipeline};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{self, Detection, FieldRef, Filter, Pred, Scope, Stage, StageKind, Test, Text};
use crate::profile::Profile;

/// The Sigma backend.
pub struct Sigma;

impl Backend for Sigma {
    fn target(&self) -> Target {
        Target::Sigma
    }

    fn supports_stage(&self, stage: &Stage) -> Result<(), String> {
        // Stages that can be part of a correlation, tests that join the
        // filter, and column choices; `correlation::plan` checks the shape.
        match &stage.kind {
            StageKind::Stats { event: false, .. }
            | StageKind::Where { .. }
            | StageKind::Search { .. }
            | StageKind::Bin { .. } => Ok(()),
            k if k.is_presentation() => Ok(()),
            StageKind::Stats { event: true, .. } => Err(
                "Sigma correlations aggregate once; `eventstats` adds aggregates to every row"
                    .into(),
            ),
            k => Err(format!(
                "a Sigma rule has no pipeline; only `stats` + `where` (a correlation rule), `search` tests and column choices have a Sigma form, not `{}`",
                k.name()
            )),
        }
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
        let (stages, mut diagnostics) = gate_pipeline(self, det, opts)?;
        let names = items::FieldNames {
            profile,
            array_mark: profile
                .options
                .get("array_mark")
                .and_then(|v| v.as_str())
                .unwrap_or("{}")
                .to_string(),
        };
        let mut errors = Vec::new();
        let plan = correlation::plan(det, stages, &names).unwrap_or_else(|e| {
            errors.extend(e);
            correlation::Plan::default()
        });
        let mut parts = vec![scoped_filter(det, profile, opts)];
        parts.extend(plan.filter.iter().cloned());
        let filter = Filter::and(parts);
        let detection = if filter.is_true() {
            errors.push(
                Diagnostic::error(
                    codes::UNSUPPORTED,
                    "a Sigma rule needs a search: this detection matches every event",
                )
                .with_label(det.filter_span, "no `search` filter")
                .with_help("start the query with `search <filter>`")
                .in_file(&det.file),
            );
            None
        } else {
            match detection::build(&filter, &names) {
                Ok(d) => Some(d),
                Err(errs) => {
                    errors.extend(errs.into_iter().map(|(span, why)| {
                        Diagnostic::error(
                            codes::UNSUPPORTED,
                            format!("sigma cannot express this test: {why}"),
                        )
                        .with_label(span, "this test")
                        .in_file(&det.file)
                    }));
                    None
                }
            }
        };
        let logsource = match splunk_logsource(det, profile) {
            Some((ls, note)) => {
                diagnostics.extend(note);
                ls
            }
            None => default_logsource(profile),
        };
        let main = match meta::rule_meta(det, &logsource, plan.fields.clone()) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.extend(e);
                None
            }
        };
        let (Some(main), Some(detection), true) = (main, detection, errors.is_empty()) else {
            return Err(errors);
        };
        diagnostics.extend(plan.diagnostics);
        if main.logsource.get("product").map(String::as_str) == Some("auth0") {
            diagnostics.extend(template_lookalikes(&filter, det));
        }
        let docs = match plan.correlation {
            None => vec![doc::RuleDoc {
                detection: Some(detection),
                ..main
            }],
            Some(mut corr) => {
                let base_name = format!(
                    "{}_events",
                    main.name.clone().unwrap_or_else(|| file_slug(det))
                );
                corr.rules = vec![base_name.clone()];
                let base = doc::RuleDoc {
                    title: format!("{} (events)", main.title),
                    name: Some(base_name),
                    status: main.status.clone(),
                    description: Some(doc::YStr(format!(
                        "The events that the correlation rule \"{}\" aggregates.",
                        main.title
                    ))),
                    logsource: main.logsource.clone(),
                    detection: Some(detection),
                    ..doc::RuleDoc::default()
                };
                let corr_doc = doc::RuleDoc {
                    logsource: BTreeMap::new(),
                    fields: Vec::new(),
                    correlation: Some(corr),
                    ..main
                };
                vec![base, corr_doc]
            }
        };
        let query = doc::to_yaml(&docs).map_err(|e| {
            vec![
                Diagnostic::error(
                    codes::UNSUPPORTED,
                    format!("the Sigma YAML could not be written: {e}"),
                )
                .with_label(det.span, "this detection")
                .in_file(&det.file),
            ]
        })?;
        Ok(Compiled { query, diagnostics })
    }
}

/// The Sigma `logsource` for a detection that reads Splunk data (`index=`,
/// `sourcetype=` terms read from SPL), which Sigma has no keys for: the one
/// the profile's `logsources` option maps it to, else the profile's default
/// with the Splunk terms as its `definition` (Sigma's field for how to find
/// the events) and a warning. `None` for any other detection.
fn splunk_logsource(
    det: &Detection,
    profile: &Profile,
) -> Option<(BTreeMap<String, String>, Option<Diagnostic>)> {
    let terms = crate::profile::splunk_source_terms(&det.meta.logsource);
    if terms.is_empty() {
        return None;
    }
    let mapped = profile
        .source_choice("logsources", &det.meta.logsource)
        .and_then(|v| v.as_object())
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect::<BTreeMap<_, _>>()
        })
        .filter(|m| !m.is_empty());
    if let Some(m) = mapped {
        return Some((m, None));
    }
    let mut ls = default_logsource(profile);
    ls.insert("definition".into(), format!("Splunk: {}", terms.join(" ")));
    let note = Diagnostic::warning(
        codes::PROFILE,
        format!(
            "profile `{}` maps no Sigma logsource for the detection's data ({}); the rule keeps the profile's logsource with the Splunk terms as its definition",
            profile.name,
            terms.join(" ")
        ),
    )
    .with_label(det.filter_span, "the detection")
    .with_help("map it in the profile: options: {logsources: {\"sourcetype=X\": {product: windows, service: security}}}")
    .in_file(&det.file);
    Some((ls, Some(note)))
}

/// The profile's default `logsource` (option `logsource`).
fn default_logsource(profile: &Profile) -> BTreeMap<String, String> {
    profile
        .options
        .get("logsource")
        .and_then(|v| v.as_object())
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The filter with the profile's scope terms (if the detection takes them).
fn scoped_filter(det: &Detection, profile: &Profile, opts: &Options) -> Filter {
    if det.scope != Scope::Profile || profile.scope.is_empty() {
        return det.filter.clone();
    }
    let mut items: Vec<Filter> = profile
        .scope
        .iter()
        .map(|t| {
            let mut value = Text {
                parts: vec![ir::TextPart::Param(t.param.clone())],
            };
            ir::params::substitute_text(&mut value, &opts.params);
            Filter::Pred(Pred {
                field: FieldRef::event(&t.field),
                test: Test::Eq {
                    value: ir::Value::Str(value),
                    cased: false,
                },
                span: det.filter_span,
            })
        })
        .collect();
    items.push(det.filter.clone());
    Filter::and(items)
}

/// A rule name from the file name: `sms_bombarding` for
/// `detections/sms_bombarding.vigil`.
fn file_slug(det: &Detection) -> String {
    let stem = FsPath::new(&det.file.name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    let slug: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if slug.is_empty() { "rule".into() } else { slug }
}

/// Warnings for literal text shaped like `{name}`: Sigma reads it as text,
/// but the Auth0 catalog's rules use it for template variables, and readers
/// of those rules (Vigil's included) take it as a parameter.
fn template_lookalikes(f: &Filter, det: &Detection) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    f.for_each_pred(&mut |p| {
        let texts: Vec<&Text> = match &p.test {
            Test::Eq { value, .. } | Test::Ne { value, .. } => value_text(value).into_iter().collect(),
            Test::In { values, .. } => values.iter().filter_map(value_text).collect(),
            Test::Like { patterns, .. } => patterns.iter().collect(),
            _ => Vec::new(),
        };
        let lookalike = texts.iter().flat_map(|t| &t.parts).any(|part| {
            matches!(part, ir::TextPart::Lit(s) if quote::has_template_shape(s))
        });
        if lookalike {
            out.push(
                Diagnostic::warning(
                    codes::SEMANTICS_DIFFER,
                    "this value has a literal `{name}`: Sigma reads it as text, but readers of Auth0 catalog rules (Vigil's too) take it as a template variable",
                )
                .with_label(p.span, "literal braces")
                .with_help("if it is meant as a parameter, declare it with `param`")
                .in_file(&det.file),
            );
        }
    });
    out
}

fn value_text(v: &ir::Value) -> Option<&Text> {
    match v {
        ir::Value::Str(t) => Some(t),
        _ => None,
    }
}

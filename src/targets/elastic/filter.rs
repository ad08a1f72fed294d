//! A filter over neutral fields → a filter over Elastic fields.
//!
//! This is where a profile's knowledge of the ingest pipeline is applied, so
//! that KQL and ES|QL agree: value maps (Auth0 type codes → `event.action`
//! slugs), split fields (`user_name` → `user.email` / `user.name`) and removed
//! empty values. Everything else is a field rename.

use std::sync::Arc;

use super::layout::{EField, Layout};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{FieldKind, Filter, Keyword, List, Pred, Test, Text, TextPart, Value};
use crate::source::{SourceFile, Span};

/// A filter over Elastic fields. Same shape and meaning as [`Filter`].
#[derive(Clone, Debug, PartialEq)]
pub enum EFilter {
    /// Every event.
    True,
    /// All of these.
    And(Vec<EFilter>),
    /// Any of these.
    Or(Vec<EFilter>),
    /// Not this.
    Not(Box<EFilter>),
    /// Parentheses (the author's, or around a test the profile expanded).
    Group(Box<EFilter>),
    /// A test on one Elastic field.
    Leaf(Leaf),
    /// A full-text term.
    Keyword(Keyword),
}

/// A test on one Elastic field.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// The field.
    pub field: EField,
    /// The test, with search semantics; values already rewritten.
    pub test: Test,
    /// The values come from a profile value map and are stored exactly so:
    /// compare them as written, whatever the test's case rule.
    pub exact: bool,
    /// The neutral field as the author wrote it (for messages).
    pub written: String,
    /// Where the test was written.
    pub span: Span,
}

/// What a filter runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    /// The index's events (the detection's filter).
    Events,
    /// Rows the pipeline made (a `search` stage): split fields are one
    /// rebuilt column and values are as the pipeline left them.
    Pipeline,
}

/// Translates a filter; warnings say where the profile changes a test's
/// meaning.
pub fn translate(
    layout: &Layout,
    filter: &Filter,
    rows: Rows,
    file: &Arc<SourceFile>,
) -> (EFilter, Vec<Diagnostic>) {
    let mut t = Translator {
        layout,
        rows,
        file,
        diags: Vec::new(),
    };
    let out = t.filter(filter);
    (out, t.diags)
}

struct Translator<'a, 'b> {
    layout: &'a Layout<'b>,
    rows: Rows,
    file: &'a Arc<SourceFile>,
    diags: Vec<Diagnostic>,
}

impl Translator<'_, '_> {
    fn filter(&mut self, f: &Filter) -> EFilter {
        match f {
            Filter::True => EFilter::True,
            Filter::And(v) => EFilter::And(v.iter().map(|x| self.filter(x)).collect()),
            Filter::Or(v) => EFilter::Or(v.iter().map(|x| self.filter(x)).collect()),
            Filter::Not(x) => EFilter::Not(Box::new(self.filter(x))),
            Filter::Group(x) => EFilter::Group(Box::new(self.filter(x))),
            Filter::Keyword(k) => EFilter::Keyword(k.clone()),
            Filter::Pred(p) => self.pred(p),
        }
    }

    fn pred(&mut self, p: &Pred) -> EFilter {
        if self.layout.drops_empty_values
            && let Some(rewritten) = self.without_empty_values(p)
        {
            return rewritten;
        }
        self.mapped(p)
    }

    /// The profile's field (and value) mapping of one test.
    fn mapped(&mut self, p: &Pred) -> EFilter {
        let written = p.field.path.to_string();
        let leaf = |field: EField, test: Test, exact: bool| {
            EFilter::Leaf(Leaf {
                field,
                test,
                exact,
                written: written.clone(),
                span: p.span,
            })
        };
        if p.field.kind != FieldKind::Event || self.rows == Rows::Pipeline {
            return leaf(self.layout.row_field(&p.field), p.test.clone(), false);
        }
        if let Some(map) = self.layout.value_map(&p.field.path)
            && let Some(test) = map_values(&p.test, map)
        {
            self.note_unknown_values(p, map);
            let target = match &map.field {
                Some(name) => self.layout.named(name, false),
                None => self.layout.event_field(&p.field.path),
            };
            return leaf(target, test, true);
        }
        if let Some(split) = self.layout.split(&p.field.path) {
            let first = self.layout.named(&split.first, false);
            let then = self.layout.named(&split.then, false);
            let on = |f: &EField, test: Test| leaf(f.clone(), test, false);
            let out = match &p.test {
                // The raw value is missing only if both halves are.
                Test::IsNull => {
                    EFilter::And(vec![on(&first, Test::IsNull), on(&then, Test::IsNull)])
                }
                Test::Exists => {
                    EFilter::Or(vec![on(&first, Test::Exists), on(&then, Test::Exists)])
                }
                // Every other test needs the field, so it holds on the raw
                // value iff it holds on `first`, or `first` is missing and it
                // holds on `then`.
                test => EFilter::Or(vec![
                    on(&first, test.clone()),
                    EFilter::Group(Box::new(EFilter::And(vec![
                        on(&first, Test::IsNull),
                        on(&then, test.clone()),
                    ]))),
                ]),
            };
            return EFilter::Group(Box::new(out));
        }
        leaf(
            self.layout.event_field(&p.field.path),
            p.test.clone(),
            false,
        )
    }

    /// Tests that involve the empty string, rewritten for a pipeline that
    /// removes empty values; `None` when the test does not involve it.
    fn without_empty_values(&mut self, p: &Pred) -> Option<EFilter> {
        let with = |test: Test| Pred {
            field: p.field.clone(),
            test,
            span: p.span,
        };
        match &p.test {
            Test::Eq { value, .. } if is_empty(value) => {
                self.warn_empty(p, "`== \"\"` is tested as \"is missing\"");
                Some(self.mapped(&with(Test::IsNull)))
            }
            // Present and not empty is exactly what survives the pipeline.
            Test::Ne { value, .. } if is_empty(value) => Some(self.mapped(&with(Test::Exists))),
            Test::In { values, cased } if values.iter().any(is_empty) => {
                self.warn_empty(p, "the empty value in the list is tested as \"is missing\"");
                let rest: Vec<Value> = values.iter().filter(|v| !is_empty(v)).cloned().collect();
                let missing = self.mapped(&with(Test::IsNull));
                if rest.is_empty() {
                    return Some(missing);
                }
                let others = self.mapped(&with(Test::In {
                    values: List::commas(rest),
                    cased: *cased,
                }));
                Some(EFilter::Group(Box::new(EFilter::Or(vec![missing, others]))))
            }
            Test::Like { patterns, all, .. } => {
                let empty: Vec<bool> = patterns.iter().map(matches_empty).collect();
                let matches = if *all {
                    empty.iter().all(|x| *x)
                } else {
                    empty.iter().any(|x| *x)
                };
                if !matches {
                    return None;
                }
                self.warn_empty(
                    p,
                    "a pattern that matches the empty string also matches a missing field here",
                );
                let missing = self.mapped(&with(Test::IsNull));
                let test = self.mapped(p);
                Some(EFilter::Group(Box::new(EFilter::Or(vec![test, missing]))))
            }
            _ => None,
        }
    }

    /// Notes values the map does not know: they are stored through the
    /// fallback (Auth0 codes the integration does not know become
    /// `unknown-<code>`).
    fn note_unknown_values(&mut self, p: &Pred, map: &crate::profile::ValueMap) {
        let values: Vec<&Value> = match &p.test {
            Test::Eq { value, .. } | Test::Ne { value, .. } => vec![value],
            Test::In { values, .. } => values.iter().collect(),
            _ => Vec::new(),
        };
        let unknown: Vec<String> = values
            .iter()
            .filter_map(|v| match v {
                Value::Str(t) => t.as_literal(),
                _ => None,
            })
            .filter(|lit| !map.map.keys().any(|k| k.eq_ignore_ascii_case(lit)))
            .map(|lit| format!("`{lit}` → `{}`", map.stored(&lit)))
            .collect();
        if unknown.is_empty() {
            return;
        }
        self.diags.push(
            Diagnostic::note(
                codes::SEMANTICS_DIFFER,
                format!(
                    "profile `{}` does not know these values of `{}`, so they are matched as stored for unknown values: {}",
                    self.layout.profile.name,
                    p.field.path,
                    unknown.join(", ")
                ),
            )
            .with_label(p.span, "values not in the profile's map")
            .in_file(self.file),
        );
    }

    fn warn_empty(&mut self, p: &Pred, what: &str) {
        self.diags.push(
            Diagnostic::warning(
                codes::SEMANTICS_DIFFER,
                format!(
                    "profile `{}` removes empty values at ingest: {what}, which also matches events without `{}`",
                    self.layout.profile.name, p.field.path
                ),
            )
            .with_label(p.span, "tests the empty string")
            .in_file(self.file),
        );
    }
}

/// Rewrites an equality test's literal values through a value map; `None`
/// when the test is not an equality on literal strings.
fn map_values(test: &Test, map: &crate::profile::ValueMap) -> Option<Test> {
    let one = |v: &Value, cased: bool| -> Option<Value> {
        let Value::Str(t) = v else { return None };
        let lit = t.as_literal()?;
        // Codes are matched the way the test matches (case-insensitively
        // unless `cased`); the stored value is exact either way.
        let key = if cased {
            lit
        } else {
            map.map
                .keys()
                .find(|k| k.eq_ignore_ascii_case(&lit))
                .cloned()
                .unwrap_or(lit)
        };
        Some(Value::str(map.stored(&key)))
    };
    Some(match test {
        Test::Eq { value, cased } => Test::Eq {
            value: one(value, *cased)?,
            cased: true,
        },
        Test::Ne { value, cased } => Test::Ne {
            value: one(value, *cased)?,
            cased: true,
        },
        Test::In { values, cased } => {
            let items: Option<Vec<Value>> = values.iter().map(|v| one(v, *cased)).collect();
            Test::In {
                values: List {
                    items: items?,
                    seps: values.seps.clone(),
                },
                cased: true,
            }
        }
        _ => return None,
    })
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Str(t) if t.parts.is_empty())
}

/// True if a wildcard pattern matches the empty string.
fn matches_empty(t: &Text) -> bool {
    t.parts.iter().all(|p| matches!(p, TextPart::AnyString))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::FieldRef;
    use crate::profile::Profile;

    fn pred(field: &str, test: Test) -> Filter {
        Filter::Pred(Pred {
            field: FieldRef::event(field),
            test,
            span: Span::default(),
        })
    }

    fn run(profile: &str, f: &Filter) -> (EFilter, Vec<Diagnostic>) {
        let p = Profile::builtin(profile).expect("built-in");
        let l = Layout::new(&p).expect("valid");
        let file = SourceFile::new("t.vigil", String::new());
        translate(&l, f, Rows::Events, &file)
    }

    fn leaf(f: &EFilter) -> &Leaf {
        match f {
            EFilter::Leaf(l) => l,
            other => panic!("not a leaf: {other:?}"),
        }
    }

    #[test]
    fn type_codes_become_slugs() {
        let (f, d) = run(
            "elastic-auth0",
            &pred(
                "type",
                Test::Eq {
                    value: Value::str("SAPI"),
                    cased: false,
                },
            ),
        );
        assert!(d.is_empty());
        let l = leaf(&f);
        assert_eq!(l.field.name, "event.action");
        assert!(l.exact);
        assert_eq!(
            l.test,
            Test::Eq {
                value: Value::str("success-mgmt-api-op"),
                cased: true
            }
        );
    }

    #[test]
    fn type_patterns_use_the_raw_code() {
        let mut pat = Text::lit("f");
        pat.push(TextPart::AnyString);
        let (f, _) = run(
            "elastic-auth0",
            &pred(
                "type",
                Test::Like {
                    patterns: List::commas(vec![pat]),
                    all: false,
                    cased: false,
                },
            ),
        );
        assert_eq!(leaf(&f).field.name, "auth0.logs.data.type_id");
        assert!(!leaf(&f).exact);
    }

    #[test]
    fn empty_equality_is_missing_with_a_warning() {
        let (f, d) = run(
            "elastic-auth0",
            &pred(
                "connection",
                Test::Eq {
                    value: Value::str(""),
                    cased: false,
                },
            ),
        );
        assert_eq!(leaf(&f).test, Test::IsNull);
        assert_eq!(d.len(), 1);
        // elastic-raw keeps empty values: no rewrite.
        let (f, d) = run(
            "elastic-raw",
            &pred(
                "connection",
                Test::Eq {
                    value: Value::str(""),
                    cased: false,
                },
            ),
        );
        assert!(matches!(leaf(&f).test, Test::Eq { .. }));
        assert!(d.is_empty());
    }

    #[test]
    fn user_name_is_split() {
        let (f, _) = run(
            "elastic-auth0",
            &pred(
                "user_name",
                Test::Eq {
                    value: Value::str("alice@example.com"),
                    cased: false,
                },
            ),
        );
        let EFilter::Group(inner) = f else {
            panic!("expected a group")
        };
        let EFilter::Or(branches) = *inner else {
            panic!("expected or")
        };
        assert_eq!(leaf(&branches[0]).field.name, "user.email");
        let EFilter::Group(second) = &branches[1] else {
            panic!("expected a group")
        };
        let EFilter::And(second) = second.as_ref() else {
            panic!("expected and")
        };
        assert_eq!(leaf(&second[0]).test, Test::IsNull);
        assert_eq!(leaf(&second[1]).field.name, "user.name");
    }
}

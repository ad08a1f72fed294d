//! One field test → what Auth0 log search can run for it.
//!
//! Each test is either expressed exactly, or only by a *superset*: a query
//! that matches every event the test matches and maybe more (a `?` widened
//! to `*`, a CIDR range widened to an octet boundary, `!=` without its
//! "field exists" half, or nothing at all). The caller decides, by polarity,
//! whether a superset may be used (`--filter-only`) or is an error.

use super::caps::{Caps, FieldCaps, ValueKind};
use super::pattern::{P, pattern, pieces};
use super::query::{Atom, Tree};
use super::ranges::{cidr, range};
use crate::ir::{FieldKind, Pred, Test, Value};
use crate::profile::Profile;

/// How a test can be searched.
#[derive(Clone, Debug, PartialEq)]
pub enum Support {
    /// Exactly.
    Exact(Tree),
    /// Only by `upper`, which selects a superset of the test's events
    /// ([`Tree::All`] when nothing of the test is left); `why` says what is
    /// missing.
    Approx {
        /// The superset.
        upper: Tree,
        /// Why the test cannot be searched exactly.
        why: String,
    },
}

/// The support of one test and whether Auth0's case-sensitive matching
/// differs from the test's case-insensitive meaning.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// How it can be searched.
    pub support: Support,
    /// True if the emitted value may match fewer events than the test
    /// (a case-insensitive test of a value with letters).
    pub case_differs: bool,
}

pub(super) fn no(why: impl Into<String>) -> Outcome {
    Outcome {
        support: Support::Approx {
            upper: Tree::All,
            why: why.into(),
        },
        case_differs: false,
    }
}

/// A searchable field: its Auth0 name and capabilities.
pub(super) struct Field {
    /// Auth0's name.
    pub name: String,
    /// Its capabilities.
    pub caps: FieldCaps,
    /// Literal characters each piece of a non-prefix pattern needs.
    pub min_literal: usize,
}

/// Translates one test.
pub fn translate(caps: &Caps, profile: &Profile, p: &Pred) -> Outcome {
    let name = match p.field.kind {
        FieldKind::Event => profile.event_field(&p.field.path, "[]"),
        FieldKind::Local | FieldKind::Lookup => {
            return no(format!(
                "`{}` is a column made by the pipeline, not a log field",
                p.field.path
            ));
        }
    };
    let Some(fc) = caps.field(&name) else {
        return no(format!(
            "Auth0 log search cannot search `{name}`, which is not one of its searchable fields"
        ));
    };
    let f = Field {
        name,
        caps: *fc,
        min_literal: caps.wildcard_min_literal,
    };
    if f.caps.kind == ValueKind::Date && !matches!(p.test, Test::Cmp { .. }) {
        return no(format!(
            "Auth0 searches `{}` by ranges only: compare it with <, <=, > or >=",
            f.name
        ));
    }
    match &p.test {
        Test::Eq { value, cased } => term(&f, value, *cased, false),
        Test::Ne { value, cased } => term(&f, value, *cased, true),
        Test::In { values, cased } => {
            let parts: Vec<Outcome> = values.iter().map(|v| term(&f, v, *cased, false)).collect();
            combine(parts, false)
        }
        Test::Like {
            patterns,
            all,
            cased,
        } => {
            let parts: Vec<Outcome> = patterns.iter().map(|t| pattern(&f, t, *cased)).collect();
            combine(parts, *all)
        }
        Test::Cidr { ranges } => combine(ranges.iter().map(|r| cidr(&f, r)).collect(), false),
        Test::Cmp { op, value } => range(&f, *op, value),
        Test::Exists if f.caps.always_present => exact(Tree::All, false),
        Test::IsNull if f.caps.always_present => exact(Tree::Nothing, false),
        Test::Exists | Test::IsNull => no(format!(
            "Auth0 log search cannot test whether `{}` exists",
            f.name
        )),
        Test::Regex { .. } => no("Auth0 log search has no regular expressions"),
        Test::FieldEq { .. } => no("Auth0 log search cannot compare two fields"),
    }
}

pub(super) fn exact(t: Tree, case_differs: bool) -> Outcome {
    Outcome {
        support: Support::Exact(t),
        case_differs,
    }
}

/// Joins the outcomes of a test's values: exact if all are; otherwise the
/// same combination of their supersets, which is a superset of the whole.
fn combine(parts: Vec<Outcome>, all: bool) -> Outcome {
    let mut trees = Vec::new();
    let mut why = None;
    let mut case_differs = false;
    for o in parts {
        case_differs |= o.case_differs;
        match o.support {
            Support::Exact(t) => trees.push(t),
            Support::Approx { upper, why: w } => {
                trees.push(upper);
                why.get_or_insert(w);
            }
        }
    }
    let tree = if all {
        Tree::And(trees)
    } else {
        Tree::Or(trees)
    };
    Outcome {
        support: match why {
            None => Support::Exact(tree),
            Some(why) => Support::Approx { upper: tree, why },
        },
        case_differs,
    }
}

/// `f == v` (or `f != v` with `negated`).
pub(super) fn term(f: &Field, v: &Value, cased: bool, negated: bool) -> Outcome {
    let (value, case_differs) = match exact_text(f, v, cased) {
        Ok(x) => x,
        Err(why) => return no(why),
    };
    let t = Tree::Atom(Atom::Term {
        field: f.name.clone(),
        value,
    });
    if !negated {
        return exact(t, case_differs);
    }
    let not = Tree::Not(Box::new(t));
    if f.caps.always_present {
        return exact(not, case_differs);
    }
    Outcome {
        support: Support::Approx {
            upper: not,
            why: format!(
                "`!=` also needs `{}` to exist, which Auth0 log search cannot test",
                f.name
            ),
        },
        case_differs,
    }
}

/// The text Auth0 must match for an exact value, and whether its case may
/// make the match narrower than the test.
fn exact_text(f: &Field, v: &Value, cased: bool) -> Result<(String, bool), String> {
    let (text, case_differs) = match v {
        Value::Str(t) => {
            let pieces = pieces(f, t, cased);
            let mut s = String::new();
            for p in &pieces.items {
                match p {
                    P::Lit(l) => s.push_str(l),
                    P::Any => s.push('*'),
                    P::One => s.push('?'),
                }
            }
            (s, pieces.case_differs)
        }
        Value::Int(i) => (i.to_string(), false),
        Value::Float(_, text) => (text.clone(), false),
        Value::Bool(b) => (b.to_string(), false),
        Value::Param(n) => (format!("{{{n}}}"), !cased),
        Value::Null => return Err("Auth0 log search cannot test for null".into()),
    };
    if text.is_empty() {
        return Err("Auth0 log search cannot search for an empty value".into());
    }
    Ok((text, case_differs))
}

//! Wildcard patterns under Auth0's rules: `*` only (a `?` widens to `*`),
//! and at least three literal characters in each piece of a pattern that is
//! not a plain prefix (shorter pieces widen to `*`).

use super::caps::CaseRule;
use super::preds::{Field, Outcome, Support, term};
use super::query::{Atom, Piece, Tree};
use crate::ir::{Text, TextPart, Value};

/// Pattern pieces before the Auth0 rules are applied.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum P {
    /// Literal characters.
    Lit(String),
    /// `*`.
    Any,
    /// `?`.
    One,
}

pub(super) struct Pieces {
    /// The pieces.
    pub items: Vec<P>,
    /// True if Auth0's case-sensitive match may be narrower than the test.
    pub case_differs: bool,
}

/// The pieces of a text: literals lower-cased where the field's values are
/// (unless `cased`), parameters as their `{name}` placeholder, adjacent
/// pieces merged.
pub(super) fn pieces(f: &Field, t: &Text, cased: bool) -> Pieces {
    let lower = f.caps.case == CaseRule::Lower && !cased;
    let mut items: Vec<P> = Vec::new();
    let mut case_differs = false;
    for part in &t.parts {
        let p = match part {
            TextPart::Lit(s) => {
                if !cased && f.caps.case == CaseRule::Sensitive && has_cased_letter(s) {
                    case_differs = true;
                }
                P::Lit(if lower { s.to_lowercase() } else { s.clone() })
            }
            TextPart::Param(n) => {
                // The value is not known yet; Auth0 will match its case.
                case_differs |= !cased;
                P::Lit(format!("{{{n}}}"))
            }
            TextPart::AnyString => P::Any,
            TextPart::AnyChar => P::One,
        };
        push(&mut items, p);
    }
    Pieces {
        items,
        case_differs,
    }
}

fn push(items: &mut Vec<P>, p: P) {
    match (items.last_mut(), p) {
        (Some(P::Lit(last)), P::Lit(s)) => last.push_str(&s),
        (Some(P::Any), P::Any) => {}
        (_, p) => items.push(p),
    }
}

fn has_cased_letter(s: &str) -> bool {
    s.chars().any(|c| c.is_lowercase() || c.is_uppercase())
}

/// `f like "pat*tern"`.
pub(super) fn pattern(f: &Field, t: &Text, cased: bool) -> Outcome {
    let Pieces {
        items,
        case_differs,
    } = pieces(f, t, cased);
    if !items.iter().any(|p| matches!(p, P::Any | P::One)) {
        return term(f, &Value::Str(t.clone()), cased, false);
    }
    let mut why = None;
    let mut items = items;
    if items.contains(&P::One) {
        why = Some("Auth0 log search has no single-character wildcard `?`; it was widened to `*`");
        let mut widened = Vec::new();
        for p in items {
            push(&mut widened, if p == P::One { P::Any } else { p });
        }
        items = widened;
    }
    let prefix = matches!(items.as_slice(), [P::Lit(_), P::Any]);
    if !prefix {
        // Auth0: "For other uses of wildcards (for example, suffix
        // matching), literals must have 3 characters or more."
        let short = |p: &P| matches!(p, P::Lit(s) if s.chars().count() < f.min_literal);
        if items.iter().any(short) {
            why.get_or_insert(
                "Auth0 needs at least 3 literal characters around a wildcard that is not a prefix match (`*usa` is allowed, `*sa` is not); shorter pieces were widened to `*`",
            );
            let mut widened = Vec::new();
            for p in items {
                push(&mut widened, if short(&p) { P::Any } else { p });
            }
            items = widened;
        }
    }
    let upper = if items == [P::Any] {
        why.get_or_insert(
            "a pattern of only `*` tests that the field exists, which Auth0 log search cannot",
        );
        Tree::All
    } else {
        Tree::Atom(Atom::Pattern {
            field: f.name.clone(),
            pieces: items
                .into_iter()
                .map(|p| match p {
                    P::Lit(s) => Piece::Lit(s),
                    _ => Piece::Any,
                })
                .collect(),
        })
    };
    Outcome {
        support: match why {
            None => Support::Exact(upper),
            Some(why) => Support::Approx {
                upper,
                why: why.to_string(),
            },
        },
        case_differs,
    }
}

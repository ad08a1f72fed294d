//! One field test → what Auth0 log search can run for it.
//!
//! Each test is either expressed exactly, or only by a *superset*: a query
//! that matches every event the test matches and maybe more (a `?` widened
//! to `*`, a CIDR range widened to an octet boundary, `!=` without its
//! "field exists" half, or nothing at all). The caller decides, by polarity,
//! whether a superset may be used (`--filter-only`) or is an error.

use std::net::Ipv4Addr;

use super::caps::{Caps, CaseRule, FieldCaps, ValueKind};
use super::query::{Atom, Piece, Tree};
use crate::ir::{FieldKind, Ordering, Pred, Test, Text, TextPart, Value};
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

fn no(why: impl Into<String>) -> Outcome {
    Outcome {
        support: Support::Approx {
            upper: Tree::All,
            why: why.into(),
        },
        case_differs: false,
    }
}

/// A searchable field: its Auth0 name and capabilities.
struct Field {
    name: String,
    caps: FieldCaps,
    min_literal: usize,
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
            "Auth0 log search cannot search `{name}`; its searchable fields are {}",
            caps.names().join(", ")
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

fn exact(t: Tree, case_differs: bool) -> Outcome {
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
fn term(f: &Field, v: &Value, cased: bool, negated: bool) -> Outcome {
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

/// Pattern pieces before the Auth0 rules are applied.
#[derive(Clone, Debug, PartialEq)]
enum P {
    Lit(String),
    Any,
    One,
}

struct Pieces {
    items: Vec<P>,
    case_differs: bool,
}

/// The pieces of a text: literals lower-cased where the field's values are
/// (unless `cased`), parameters as their `{name}` placeholder, adjacent
/// pieces merged.
fn pieces(f: &Field, t: &Text, cased: bool) -> Pieces {
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
fn pattern(f: &Field, t: &Text, cased: bool) -> Outcome {
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

/// `ip cidr "10.1.0.0/16"`: Auth0 has no CIDR matching, but an IPv4 range
/// on an octet boundary is a prefix of the dotted address (`ip:10.1.*`).
/// Other IPv4 ranges widen to the enclosing octet boundary.
fn cidr(f: &Field, range: &Value) -> Outcome {
    let Some(s) = (match range {
        Value::Str(t) => t.as_literal(),
        _ => None,
    }) else {
        return no("a CIDR range needs a literal value (give the parameter a value)");
    };
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, l.parse::<u8>().ok()),
        None => (s.as_str(), Some(32)),
    };
    let (Ok(ip), Some(len @ 0..=32)) = (addr.parse::<Ipv4Addr>(), len) else {
        return no(format!(
            "Auth0 log search has no CIDR matching; only IPv4 ranges can be written as prefixes, and `{s}` is not one"
        ));
    };
    if len == 32 {
        return exact(
            Tree::Atom(Atom::Term {
                field: f.name.clone(),
                value: ip.to_string(),
            }),
            false,
        );
    }
    let whole = usize::from(len / 8);
    if whole == 0 {
        return no(format!(
            "Auth0 log search has no CIDR matching, and `{s}` is wider than one first octet"
        ));
    }
    let prefix: Vec<String> = ip.octets()[..whole].iter().map(|o| o.to_string()).collect();
    let upper = Tree::Atom(Atom::Pattern {
        field: f.name.clone(),
        pieces: vec![Piece::Lit(format!("{}.", prefix.join("."))), Piece::Any],
    });
    if len % 8 == 0 {
        exact(upper, false)
    } else {
        Outcome {
            support: Support::Approx {
                upper,
                why: format!(
                    "Auth0 log search has no CIDR matching; `{s}` is not on an octet boundary and was widened to /{}",
                    whole * 8
                ),
            },
            case_differs: false,
        }
    }
}

/// `date > "2024-01-01"`: a range with one open end.
fn range(f: &Field, op: Ordering, v: &Value) -> Outcome {
    if f.caps.kind != ValueKind::Date {
        return no(format!(
            "Auth0 log search compares only dates with <, <=, >, >=, and `{}` is text",
            f.name
        ));
    }
    let bound = match v {
        Value::Str(t) => t.as_literal(),
        _ => None,
    };
    let Some(bound) = bound.filter(|b| is_auth0_date(b)) else {
        return no(format!(
            "`{}` is compared with a date in one of Auth0's forms: YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.sss]][Z]",
            f.name
        ));
    };
    let (lower, upper) = match op {
        Ordering::Gt => (Some((bound, false)), None),
        Ordering::Ge => (Some((bound, true)), None),
        Ordering::Lt => (None, Some((bound, false))),
        Ordering::Le => (None, Some((bound, true))),
    };
    exact(
        Tree::Atom(Atom::Range {
            field: f.name.clone(),
            lower,
            upper,
        }),
        false,
    )
}

/// The date forms Auth0 documents: `YYYY-MM`, `YYYY-MM-DD`,
/// `YYYY-MM-DDThh:mm[:ss[.sss]][Z]`.
pub fn is_auth0_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    if b.len() < 7 || !digits(0..4) || b[4] != b'-' || !digits(5..7) {
        return false;
    }
    let mut rest = &s[7..];
    if rest.is_empty() {
        return true;
    }
    let Some(day) = rest.strip_prefix('-') else {
        return false;
    };
    if day.len() < 2 || !day[..2].bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    rest = &day[2..];
    if rest.is_empty() {
        return true;
    }
    let Some(time) = rest.strip_prefix('T') else {
        return false;
    };
    let time = time.strip_suffix('Z').unwrap_or(time);
    let (hms, frac) = match time.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (time, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let two_digits = |p: &&str| p.len() == 2 && p.bytes().all(|c| c.is_ascii_digit());
    let hms_ok = matches!(parts.len(), 2 | 3) && parts.iter().all(two_digits);
    let frac_ok = match frac {
        None => true,
        Some(f) => {
            parts.len() == 3 && (1..=9).contains(&f.len()) && f.bytes().all(|c| c.is_ascii_digit())
        }
    };
    hms_ok && frac_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth0_date_forms() {
        for ok in [
            "2018-12",
            "2018-12-18",
            "2019-01-01T01:00",
            "2019-01-01T01:00:00",
            "2019-01-01T12:23:45.123Z",
        ] {
            assert!(is_auth0_date(ok), "{ok}");
        }
        for bad in [
            "2018",
            "2018-1",
            "2018-12-1",
            "2018-12-18 10:00",
            "2018-12-18T1:00",
            "x018-12",
            "2018-12-18T10:00.5",
            "{d}",
        ] {
            assert!(!is_auth0_date(bad), "{bad}");
        }
    }
}

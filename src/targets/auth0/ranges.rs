//! Tests Auth0 answers with ranges or prefixes: dates (`date:[a TO b}`) and
//! IPv4 CIDR ranges (`ip:10.1.*`).

use std::net::Ipv4Addr;

use super::caps::ValueKind;
use super::preds::{Field, Outcome, Support, exact, no};
use super::query::{Atom, Piece, Tree};
use crate::ir::{Ordering, Value};

/// `ip cidr "10.1.0.0/16"`: Auth0 has no CIDR matching, but an IPv4 range
/// on an octet boundary is a prefix of the dotted address (`ip:10.1.*`).
/// Other IPv4 ranges widen to the enclosing octet boundary.
pub(super) fn cidr(f: &Field, range: &Value) -> Outcome {
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
pub(super) fn range(f: &Field, op: Ordering, v: &Value) -> Outcome {
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

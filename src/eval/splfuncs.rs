//! The eval functions that came with the Splunk reader: `.` (concat),
//! `urldecode`, `relative_time`, `mvzip`, `pow`, `mvdedup`. Their meanings
//! follow Splunk's Search Reference (docs/semantics.md lists them).

use super::time::{civil_from_days, days_from_civil};
use super::value::Val;

/// `a . b . c`: each operand's text (its first value); null if any operand
/// is null.
pub fn concat(vals: &[Val]) -> Val {
    let mut out = String::new();
    for v in vals {
        match v.first().text() {
            Some(t) => out.push_str(&t),
            None => return Val::Null,
        }
    }
    Val::Str(out)
}

/// `urldecode(s)`: every `%XX` escape decoded; the bytes read as UTF-8
/// (invalid sequences become U+FFFD). A `%` not followed by two hex digits,
/// and `+`, stay as written.
pub fn urldecode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `mvzip(a, b, sep)`: pairs by position, as many as the shorter has.
pub fn mvzip(a: &Val, b: &Val, sep: &str) -> Val {
    if a.is_null() || b.is_null() {
        return Val::Null;
    }
    let pairs: Vec<Val> = a
        .values()
        .iter()
        .zip(b.values())
        .map(|(x, y)| {
            let (x, y) = (x.text().unwrap_or_default(), y.text().unwrap_or_default());
            Val::Str(format!("{x}{sep}{y}"))
        })
        .collect();
    Val::from_values(pairs)
}

/// `mvdedup(mv)`: the first occurrence of each value, in order.
pub fn mvdedup(v: &Val) -> Val {
    let mut seen: Vec<Val> = Vec::new();
    for x in v.values() {
        if !seen.contains(x) {
            seen.push(x.clone());
        }
    }
    Val::from_values(seen)
}

/// A unit of a time modifier.
#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Secs(i64),
    Months(i64),
    /// A week snapped to a weekday (0 = Sunday).
    Weekday(i64),
}

fn unit(name: &str) -> Option<Unit> {
    Some(match name {
        "s" | "sec" | "secs" | "second" | "seconds" => Unit::Secs(1),
        "m" | "min" | "mins" | "minute" | "minutes" => Unit::Secs(60),
        "h" | "hr" | "hrs" | "hour" | "hours" => Unit::Secs(3600),
        "d" | "day" | "days" => Unit::Secs(86_400),
        "w" | "week" | "weeks" => Unit::Secs(7 * 86_400),
        "mon" | "month" | "months" => Unit::Months(1),
        "q" | "qtr" | "qtrs" | "quarter" | "quarters" => Unit::Months(3),
        "y" | "yr" | "yrs" | "year" | "years" => Unit::Months(12),
        _ => {
            let d: i64 = name.strip_prefix('w')?.parse().ok()?;
            if !(0..=7).contains(&d) {
                return None;
            }
            Unit::Weekday(d % 7)
        }
    })
}

/// Adds `n` calendar months, keeping the day (clamped to the month's end).
fn add_months(secs: i64, n: i64) -> i64 {
    let day = secs.div_euclid(86_400);
    let tod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(day);
    let index = y * 12 + i64::from(m) - 1 + n;
    let (ny, nm) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    let last = (days_from_civil(ny + i64::from(nm == 12), nm % 12 + 1, 1)
        - days_from_civil(ny, nm, 1)) as u32;
    days_from_civil(ny, nm, d.min(last)) * 86_400 + tod
}

/// Rounds down to the start of the unit (UTC).
fn snap(secs: i64, u: Unit) -> i64 {
    match u {
        Unit::Secs(604_800) => snap(secs, Unit::Weekday(0)),
        Unit::Secs(n) => secs.div_euclid(n) * n,
        Unit::Weekday(w) => {
            let day = secs.div_euclid(86_400);
            // 1970-01-01 was a Thursday (weekday 4).
            let today = (day + 4).rem_euclid(7);
            (day - (today - w).rem_euclid(7)) * 86_400
        }
        Unit::Months(n) => {
            let (y, m, _) = civil_from_days(secs.div_euclid(86_400));
            let m0 = (i64::from(m) - 1).div_euclid(n) * n;
            days_from_civil(y, m0 as u32 + 1, 1) * 86_400
        }
    }
}

/// `relative_time(t, modifier)`: `t` moved by offsets (`-1d`, `+2h`, `-mon`)
/// and snapped (`@d`, `@w1`, `@mon`, `@q`, `@y`), left to right, in UTC.
/// `now` and an empty modifier leave `t`. None for a modifier Splunk would
/// not read.
pub fn relative_time(t: f64, modifier: &str) -> Option<f64> {
    let m = modifier.trim();
    if m.is_empty() || m == "now" {
        return Some(t);
    }
    // Far outside any log's times (±300,000 years): no arithmetic overflow.
    if !(-1e13..1e13).contains(&t) {
        return None;
    }
    let mut secs = t.floor() as i64;
    let frac = t - t.floor();
    let mut snapped = false;
    let mut rest = m;
    while !rest.is_empty() {
        let (kind, body) = match rest.as_bytes()[0] {
            b'@' => ('@', &rest[1..]),
            b'+' => ('+', &rest[1..]),
            b'-' => ('-', &rest[1..]),
            _ => return None,
        };
        let digits = body.bytes().take_while(u8::is_ascii_digit).count();
        let letters = body[digits..]
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let name = &body[digits..digits + letters];
        let n: i64 = if digits == 0 {
            1
        } else {
            body[..digits].parse().ok()?
        };
        let u = unit(name)?;
        match (kind, u) {
            ('@', _) if digits == 0 => {
                secs = snap(secs, u);
                snapped = true;
            }
            ('@', _) | (_, Unit::Weekday(_)) => return None,
            (sign, Unit::Secs(k)) => {
                let d = n.checked_mul(k).filter(|d| *d < 10_000_000_000_000)?;
                secs = if sign == '-' { secs - d } else { secs + d };
            }
            (sign, Unit::Months(k)) => {
                let d = n.checked_mul(k).filter(|d| *d < 10_000_000)?;
                secs = add_months(secs, if sign == '-' { -d } else { d });
            }
        }
        if secs.abs() > 10_000_000_000_000 {
            return None;
        }
        rest = &body[digits + letters..];
    }
    Some(secs as f64 + if snapped { 0.0 } else { frac })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-07-16 (a Wednesday) 13:45:30 UTC.
    const T: f64 = 1_752_673_530.0;

    fn at(y: i64, m: u32, d: u32, h: i64) -> f64 {
        (days_from_civil(y, m, d) * 86_400 + h * 3600) as f64
    }

    #[test]
    fn relative_time_offsets_and_snaps() {
        assert_eq!(relative_time(T, "@d"), Some(at(2025, 7, 16, 0)));
        assert_eq!(relative_time(T, "-1d@d"), Some(at(2025, 7, 15, 0)));
        assert_eq!(relative_time(T, "@d+8h"), Some(at(2025, 7, 16, 8)));
        assert_eq!(relative_time(T, "-2h"), Some(T - 7200.0));
        assert_eq!(relative_time(T, "@w0"), Some(at(2025, 7, 13, 0)));
        assert_eq!(relative_time(T, "@w1"), Some(at(2025, 7, 14, 0)));
        assert_eq!(relative_time(T, "@mon"), Some(at(2025, 7, 1, 0)));
        assert_eq!(relative_time(T, "@q"), Some(at(2025, 7, 1, 0)));
        assert_eq!(relative_time(T, "-1y@y"), Some(at(2024, 1, 1, 0)));
        assert_eq!(
            relative_time(at(2025, 3, 31, 0), "-1mon"),
            Some(at(2025, 2, 28, 0))
        );
        assert_eq!(relative_time(T, "yesterday"), None);
        assert_eq!(relative_time(T, "@5m"), None);
        assert_eq!(relative_time(T, "-99999999999999999d"), None);
        assert_eq!(relative_time(1e300, "-1d"), None);
    }

    #[test]
    fn urldecode_percent_escapes_only() {
        assert_eq!(
            urldecode("http%3A%2F%2Fwww.splunk.com%2Fdownload%3Fr%3Dheader"),
            "http://www.splunk.com/download?r=header"
        );
        assert_eq!(urldecode("a+b%2"), "a+b%2");
        assert_eq!(urldecode("%C3%A9"), "é");
    }

    #[test]
    fn zip_dedup_concat() {
        let a = Val::Multi(vec![Val::str("a"), Val::str("b"), Val::str("c")]);
        let b = Val::Multi(vec![Val::str("1"), Val::str("2")]);
        assert_eq!(
            mvzip(&a, &b, ","),
            Val::Multi(vec![Val::str("a,1"), Val::str("b,2")])
        );
        let d = Val::Multi(vec![Val::str("x"), Val::str("y"), Val::str("x")]);
        assert_eq!(mvdedup(&d), Val::Multi(vec![Val::str("x"), Val::str("y")]));
        assert_eq!(concat(&[Val::str("a"), Val::Int(1)]), Val::str("a1"));
        assert_eq!(concat(&[Val::str("a"), Val::Null]), Val::Null);
    }
}

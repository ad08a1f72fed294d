//! Times: ISO 8601 text ↔ epoch seconds, and `bin` buckets.
//!
//! Hand-written (days-from-civil arithmetic) to avoid a date crate for the
//! few operations the evaluator needs. Every time is UTC.

use crate::ir::{Duration, TimeUnit};

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn digits(s: &[u8], n: usize) -> Option<u32> {
    if s.len() < n || !s[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        s[..n]
            .iter()
            .fold(0u32, |acc, c| acc * 10 + u32::from(c - b'0')),
    )
}

/// Parses ISO 8601 / RFC 3339 text: `2025-07-11`, `2025-07-11T09:30:00Z`,
/// `2025-07-11T09:30:00.123+02:00`, `2025-07-11 09:30:00` (UTC when no
/// offset is written). Returns epoch seconds.
pub fn parse_iso(text: &str) -> Option<f64> {
    let s = text.trim().as_bytes();
    let year = digits(s, 4)?;
    if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
        return None;
    }
    let month = digits(&s[5..], 2)?;
    let day = digits(&s[8..], 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(i64::from(year), month, day) as f64 * 86_400.0;
    let mut rest = &s[10..];
    if rest.is_empty() {
        return Some(secs);
    }
    if !matches!(rest[0], b'T' | b't' | b' ') {
        return None;
    }
    rest = &rest[1..];
    let h = digits(rest, 2)?;
    if rest.get(2) != Some(&b':') {
        return None;
    }
    let mi = digits(&rest[3..], 2)?;
    rest = &rest[5..];
    let mut sec = 0u32;
    if rest.first() == Some(&b':') {
        sec = digits(&rest[1..], 2)?;
        rest = &rest[3..];
    }
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    secs += f64::from(h * 3600 + mi * 60 + sec);
    if matches!(rest.first(), Some(b'.' | b',')) {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let frac: f64 = std::str::from_utf8(&rest[1..=n])
            .ok()
            .and_then(|d| format!("0.{d}").parse().ok())?;
        secs += frac;
        rest = &rest[1 + n..];
    }
    match rest {
        [] | [b'Z' | b'z'] => Some(secs),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let oh = digits(tail, 2)?;
            let om = match tail.get(2) {
                None => 0,
                Some(b':') => digits(&tail[3..], 2)?,
                Some(_) => digits(&tail[2..], 2)?,
            };
            let offset = f64::from(oh * 3600 + om * 60);
            Some(if *sign == b'+' {
                secs - offset
            } else {
                secs + offset
            })
        }
        _ => None,
    }
}

/// Parses a time given on the command line or in a test: ISO 8601 text or
/// epoch seconds.
pub fn parse_time(text: &str) -> Option<f64> {
    parse_iso(text).or_else(|| super::value::parse_number(text.trim()))
}

/// Formats epoch seconds as `2025-07-11T09:30:00Z` (with milliseconds when
/// the time has a fraction).
pub fn format_iso(secs: f64) -> String {
    let millis = (secs * 1000.0).round() as i64;
    let days = millis.div_euclid(86_400_000);
    let ms_of_day = millis.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, rem) = (ms_of_day / 3_600_000, ms_of_day % 3_600_000);
    let (mi, rem) = (rem / 60_000, rem % 60_000);
    let (s, ms) = (rem / 1000, rem % 1000);
    if ms == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
    }
}

/// Formats epoch seconds with a `strftime` format in UTC: `%Y %m %d %H %M
/// %S %F %T %%`. Any other specifier gives `None`.
pub fn strftime(secs: f64, fmt: &str) -> Option<String> {
    let whole = secs.floor() as i64;
    let (y, m, d) = civil_from_days(whole.div_euclid(86_400));
    let sod = whole.rem_euclid(86_400);
    let (h, mi, s) = (sod / 3600, sod % 3600 / 60, sod % 60);
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'Y' => out.push_str(&format!("{y:04}")),
            'm' => out.push_str(&format!("{m:02}")),
            'd' => out.push_str(&format!("{d:02}")),
            'H' => out.push_str(&format!("{h:02}")),
            'M' => out.push_str(&format!("{mi:02}")),
            'S' => out.push_str(&format!("{s:02}")),
            'F' => out.push_str(&format!("{y:04}-{m:02}-{d:02}")),
            'T' => out.push_str(&format!("{h:02}:{mi:02}:{s:02}")),
            '%' => out.push('%'),
            _ => return None,
        }
    }
    Some(out)
}

/// The start of the `bin` bucket holding `secs`: fixed spans (ms to days)
/// are multiples of the span since the epoch; weeks start on Monday 00:00;
/// months and years are calendar months and years (`2mon` buckets start in
/// January, March, ...). All in UTC.
pub fn bucket(secs: f64, span: Duration) -> f64 {
    let n = span.amount.max(1) as i64;
    match span.unit {
        TimeUnit::Ms | TimeUnit::S | TimeUnit::M | TimeUnit::H | TimeUnit::D => {
            let ms = span.millis().max(1) as f64 / 1000.0;
            (secs / ms).floor() * ms
        }
        TimeUnit::W => {
            // 1970-01-05 was a Monday: count weeks from there.
            let monday = 4.0 * 86_400.0;
            let w = 7.0 * 86_400.0 * n as f64;
            ((secs - monday) / w).floor() * w + monday
        }
        TimeUnit::Mon | TimeUnit::Y => {
            let day = (secs / 86_400.0).floor() as i64;
            let (y, m, _) = civil_from_days(day);
            let months = if span.unit == TimeUnit::Y { 12 * n } else { n };
            let index = y * 12 + i64::from(m) - 1;
            let start = index.div_euclid(months) * months;
            let (by, bm) = (start.div_euclid(12), start.rem_euclid(12) as u32 + 1);
            days_from_civil(by, bm, 1) as f64 * 86_400.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strftime_formats_utc() {
        assert_eq!(
            strftime(1_752_226_200.0, "%Y-%m-%dT%H:%M:%S").as_deref(),
            Some("2025-07-11T09:30:00")
        );
        assert_eq!(
            strftime(0.0, "%F %T %%").as_deref(),
            Some("1970-01-01 00:00:00 %")
        );
        assert_eq!(strftime(0.0, "%a"), None);
    }

    #[test]
    fn round_trips() {
        let t = parse_iso("2024-10-24T19:06:17.460Z").unwrap();
        assert_eq!(format_iso(t), "2024-10-24T19:06:17.460Z");
        assert_eq!(parse_iso("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse_iso("2000-03-01"), Some(951_868_800.0));
        assert_eq!(
            parse_iso("2025-07-11T11:00:00+02:00"),
            parse_iso("2025-07-11T09:00:00Z")
        );
        assert_eq!(parse_iso("2025-13-01"), None);
        assert_eq!(parse_iso("yesterday"), None);
        assert_eq!(parse_iso("2025-07-11T09:00:00Zjunk"), None);
    }

    #[test]
    fn buckets() {
        let t = parse_iso("2025-07-16T13:45:10Z").unwrap();
        let b = |s: &str| format_iso(bucket(t, Duration::parse(s).unwrap()));
        assert_eq!(b("1h"), "2025-07-16T13:00:00Z");
        assert_eq!(b("15m"), "2025-07-16T13:45:00Z");
        assert_eq!(b("1d"), "2025-07-16T00:00:00Z");
        assert_eq!(b("1w"), "2025-07-14T00:00:00Z");
        assert_eq!(b("1mon"), "2025-07-01T00:00:00Z");
        assert_eq!(b("3mon"), "2025-07-01T00:00:00Z");
        assert_eq!(b("2mon"), "2025-07-01T00:00:00Z");
        assert_eq!(b("1y"), "2025-01-01T00:00:00Z");
    }
}

//! Events that are valid JSON in the SIEMs' eyes but not in `serde_json`'s:
//! unpaired surrogate escapes and numbers beyond `f64`.
//!
//! Unpaired UTF-16 surrogate escapes (`"\ud800"`):
//! JSON allows a `\u` escape of half a surrogate pair, but it is not text:
//! `serde_json` refuses the whole event, which would hide every field of
//! it from a detection (an attacker who controls one logged value could
//! evade any rule). The SIEMs keep such events: Elasticsearch accepts them
//! (elastic/elasticsearch#9538) and Lucene stores the unpaired half as
//! U+FFFD when it encodes the term in UTF-8. Vigil does the same before
//! reading an event, so the rest of the value, and every other field, is
//! still matched (see `docs/semantics.md`, "Invalid text in events").

use std::borrow::Cow;

fn hex4(b: &[u8]) -> Option<u16> {
    let s = std::str::from_utf8(b.get(..4)?).ok()?;
    u16::from_str_radix(s, 16).ok()
}

/// The `\uXXXX` escape at `i` (pointing at the backslash), if any.
fn escape_at(b: &[u8], i: usize) -> Option<u16> {
    if b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u') {
        hex4(&b[i + 2..])
    } else {
        None
    }
}

/// The JSON text with every unpaired surrogate escape inside a string
/// replaced by `\uFFFD`; borrowed unchanged when there is none.
pub fn replace_unpaired(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    // Fast path: no `\u` escape of a surrogate (`\uD800`..`\uDFFF`).
    if !b
        .windows(3)
        .any(|w| w[0] == b'\\' && w[1] == b'u' && matches!(w[2], b'd' | b'D'))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                in_string = !in_string;
                i += 1;
            }
            b'\\' if in_string => {
                let Some(u) = escape_at(b, i) else {
                    i += 2;
                    continue;
                };
                let paired = (0xD800..0xDC00).contains(&u)
                    && escape_at(b, i + 6).is_some_and(|l| (0xDC00..0xE000).contains(&l));
                if paired {
                    i += 12;
                } else if (0xD800..0xE000).contains(&u) {
                    out.push_str(&text[last..i]);
                    out.push_str("\\uFFFD");
                    i += 6;
                    last = i;
                } else {
                    i += 6;
                }
            }
            _ => i += 1,
        }
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last.min(text.len())..]);
    Cow::Owned(out)
}

/// Numbers beyond `f64` quoted per event at most: each costs a parse.
const MAX_HUGE_NUMBERS: usize = 16;

/// Parses an event's JSON text. A number beyond `f64`'s range (`1e400`)
/// makes `serde_json` refuse the whole event, which would hide all its
/// fields; it is read as its text instead (as Splunk keeps `_raw`), so the
/// other fields still match. `None` if the text is not JSON.
pub fn parse_lenient(text: &str) -> Option<serde_json::Value> {
    let mut fixed: Option<String> = None;
    for _ in 0..=MAX_HUGE_NUMBERS {
        let t = fixed.as_deref().unwrap_or(text);
        match serde_json::from_str(t) {
            Ok(v) => return Some(v),
            Err(e) if e.to_string().starts_with("number out of range") => {
                let (start, end) = number_around(t, byte_offset(t, e.line(), e.column()))?;
                fixed = Some(format!(
                    "{}\"{}\"{}",
                    &t[..start],
                    &t[start..end],
                    &t[end..]
                ));
            }
            Err(_) => return None,
        }
    }
    None
}

/// The byte offset of a 1-based line and column.
fn byte_offset(t: &str, line: usize, column: usize) -> usize {
    let line_start: usize = t
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(t.len())
}

/// The number token at or just before `at`.
fn number_around(t: &str, at: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let is_num = |c: u8| c.is_ascii_digit() || matches!(c, b'e' | b'E' | b'+' | b'-' | b'.');
    let mut start = at;
    while start > 0 && is_num(b[start - 1]) {
        start -= 1;
    }
    let mut end = at;
    while end < b.len() && is_num(b[end]) {
        end += 1;
    }
    (start < end).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_beyond_f64_are_read_as_text() {
        let v = parse_lenient(r#"{"a":"x","n":1e400,"m":[-1E+999, 2]}"#).unwrap();
        assert_eq!(v["a"], "x");
        assert_eq!(v["n"], "1e400");
        assert_eq!(v["m"][0], "-1E+999");
        assert_eq!(v["m"][1], 2);
        assert!(parse_lenient("{bad").is_none());
    }

    #[test]
    fn unpaired_halves_become_the_replacement_character() {
        assert_eq!(
            replace_unpaired(r#"{"a":"x \ud800"}"#),
            r#"{"a":"x \uFFFD"}"#
        );
        assert_eq!(
            replace_unpaired(r#"{"a":"\udc00\uD800y"}"#),
            r#"{"a":"\uFFFD\uFFFDy"}"#
        );
        // A pair, an escaped backslash before `u`, and other escapes stay.
        for ok in [
            r#"{"a":"\ud83d\ude00"}"#,
            r#"{"a":"\\ud800"}"#,
            r#"{"a":"\n\u0041"}"#,
        ] {
            assert!(matches!(replace_unpaired(ok), Cow::Borrowed(_)), "{ok}");
        }
        let v: serde_json::Value =
            serde_json::from_str(&replace_unpaired(r#"{"\ud800k":"v\udfff"}"#)).unwrap();
        assert_eq!(v["\u{FFFD}k"], "v\u{FFFD}");
    }
}

//! Unpaired UTF-16 surrogate escapes in events (`"\ud800"`).
//!
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

#[cfg(test)]
mod tests {
    use super::*;

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

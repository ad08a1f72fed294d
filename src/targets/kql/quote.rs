//! KQL quoting and escaping: the one place that decides how a field name or
//! a value is written.
//!
//! The rules are those of Kibana's KQL grammar (`grammar.peggy` in
//! `kbn-es-query`, the same grammar `kibana-ql` parses with):
//!
//! - A quoted value `"..."` is exact text: `*` is literal inside it, `\\` and
//!   `\"` are escapes, and so are `\t` `\r` `\n` and `\uXXXX` — so every
//!   backslash of the value is doubled.
//! - An unquoted value (needed for wildcards) escapes the special characters
//!   `\ ( ) : < > " * { }` with a backslash, writes tab, CR and LF as `\t`
//!   `\r` `\n`, and escapes the words `or` and `and` between spaces and `not`
//!   before a space, which would otherwise be operators. Kibana's own escaper
//!   writes `\not`, which its grammar reads as `\n` + `ot` (the whitespace
//!   escape is tried first); this module writes the `n` as `\u006E` instead.
//!   Kibana trims an unquoted value, so it cannot start or end with
//!   whitespace: callers check [`trims`].

/// Characters that have a meaning in an unquoted KQL value.
const SPECIAL: &str = "\\():<>\"*{}";

/// What KQL's grammar counts as a space around keywords.
fn is_kql_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{a0}')
}

/// A quoted KQL string for exact text.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// True if KQL would trim the text at an end of an unquoted value.
pub fn trims(s: &str) -> bool {
    s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace)
}

/// Literal text for an unquoted KQL value: nothing in it is an operator or
/// a wildcard. The text may be a piece of a pattern between wildcards, so a
/// keyword at either end is escaped too (escaping a word that would not have
/// been an operator is harmless).
pub fn unquoted(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let space_or_end = |j: usize| chars.get(j).is_none_or(|c| is_kql_space(*c));
    let mut out = String::with_capacity(s.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if SPECIAL.contains(c) {
            out.push('\\');
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            // `not` before a space is an operator wherever it starts.
            _ if word_at(&chars, i, "not") && space_or_end(i + 3) => {
                out.push_str(&format!("\\u{:04X}", c as u32));
                out.push(chars[i + 1]);
                out.push(chars[i + 2]);
                i += 3;
                continue;
            }
            _ => {
                // `or` / `and` between spaces are operators.
                let left = i == 0 || is_kql_space(chars[i - 1]);
                if left
                    && ["or", "and"]
                        .iter()
                        .any(|kw| word_at(&chars, i, kw) && space_or_end(i + kw.len()))
                {
                    out.push('\\');
                }
                out.push(c);
            }
        }
        i += 1;
    }
    out
}

/// True if `chars[i..]` starts with `word`, ignoring ASCII case.
fn word_at(chars: &[char], i: usize, word: &str) -> bool {
    let w: Vec<char> = word.chars().collect();
    chars.len() >= i + w.len()
        && chars[i..i + w.len()]
            .iter()
            .zip(&w)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// A field name: bare when it is a plain dotted name, else quoted.
pub fn field(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c))
        && !["or", "and", "not"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(name));
    if plain {
        name.to_string()
    } else {
        quoted(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_doubles_backslashes() {
        assert_eq!(quoted(r#"C:\temp "x""#), r#""C:\\temp \"x\"""#);
        assert_eq!(quoted("a\nb"), r#""a\nb""#);
    }

    #[test]
    fn unquoted_escapes_specials_and_keywords() {
        assert_eq!(unquoted("a(b):c"), r"a\(b\)\:c");
        assert_eq!(unquoted("x or y"), r"x \or y");
        assert_eq!(unquoted("cannot be"), r"can\u006Eot be");
        assert_eq!(unquoted("NOT x"), r"\u004EOT x");
        assert_eq!(unquoted("notable"), "notable");
        assert_eq!(unquoted("a*b"), r"a\*b");
    }

    #[test]
    fn fields() {
        assert_eq!(field("auth0.logs.data.type_id"), "auth0.logs.data.type_id");
        assert_eq!(field("@timestamp"), "@timestamp");
        assert_eq!(field("my field"), r#""my field""#);
        assert_eq!(field("or"), r#""or""#);
    }
}

//! Vigil's own escaping: the one place that decides how a string, a regular
//! expression, a field name or a number is written in Vigil source.
//!
//! - Strings are `"..."` with `\"` `\\` `\n` `\t` `\r` escaped, literal `*`
//!   and `?` written `\*` / `\?` (wildcards stay bare), parameters `{name}`,
//!   and a literal `{` that would read as a parameter written `\{`.
//! - Regular expressions are raw strings `r"..."` (backslashes as written)
//!   when the raw form reads back the same; otherwise plain strings.
//! - Field paths are bare where the grammar allows, else `'quoted'`.

use crate::ir::{FieldRef, Path, Text, TextPart, Value};

/// Words a bare field name cannot be (the grammar's `reserved`); the first
/// group is matched case-insensitively.
const RESERVED_CI: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "as",
    "by",
    "is",
    "null",
    "outputnew",
    "output",
];
const RESERVED: &[&str] = &[
    "true",
    "false",
    "like",
    "contains",
    "startswith",
    "endswith",
    "matches",
    "cidr",
    "exists",
    "cased",
    "all",
];

fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c => out.push(c),
    }
}

/// True if `chars` starts with `name}` for a parameter-shaped name (so a `{`
/// before it would open a parameter).
fn param_shaped(chars: &[char]) -> bool {
    match chars.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {}
        _ => return false,
    }
    for c in chars {
        match c {
            '}' => return true,
            c if c.is_ascii_alphanumeric() || *c == '_' || *c == '-' => {}
            _ => return false,
        }
    }
    false
}

/// A string literal for text (wildcards written bare, literal wildcard
/// characters escaped).
pub fn string(t: &Text) -> String {
    let mut out = String::from("\"");
    for p in &t.parts {
        match p {
            TextPart::Lit(s) => {
                let chars: Vec<char> = s.chars().collect();
                for (i, c) in chars.iter().enumerate() {
                    match c {
                        '*' => out.push_str("\\*"),
                        '?' => out.push_str("\\?"),
                        '{' if param_shaped(&chars[i + 1..]) => out.push_str("\\{"),
                        c => push_escaped(&mut out, *c),
                    }
                }
            }
            TextPart::Param(n) => {
                out.push('{');
                out.push_str(n);
                out.push('}');
            }
            TextPart::AnyString => out.push('*'),
            TextPart::AnyChar => out.push('?'),
        }
    }
    out.push('"');
    out
}

/// A string literal for metadata (no wildcards or parameters there: `*` and
/// `{x}` are kept as written).
pub fn meta_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out.push('"');
    out
}

/// A `"""` text block for multi-line metadata, if it reads back the same
/// (the block's common indentation and blank first/last lines are removed
/// when read).
pub fn text_block(s: &str, indent: &str) -> Option<String> {
    let lines: Vec<&str> = s.split('\n').collect();
    let ok = lines.len() > 1
        && !s.contains("\"\"\"")
        && !s.contains('\r')
        && lines.first().is_some_and(|l| !l.trim().is_empty())
        && lines.last().is_some_and(|l| !l.trim().is_empty())
        && lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .any(|l| !l.starts_with([' ', '\t']));
    if !ok {
        return None;
    }
    let mut out = String::from("\"\"\"\n");
    for l in &lines {
        if !l.is_empty() {
            out.push_str(indent);
            out.push_str(l);
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str("\"\"\"");
    Some(out)
}

/// A regular expression: a raw string when it has characters a plain
/// string would escape (`\`, `*`, `?`) and the raw form reads back the same.
pub fn regex(t: &Text) -> String {
    let needs_raw = t
        .parts
        .iter()
        .any(|p| matches!(p, TextPart::Lit(s) if s.contains(['\\', '*', '?'])));
    // A plain string reads `\*` as `*`; a regular expression takes no
    // wildcards, so escaping them there changes nothing.
    needs_raw
        .then(|| raw_string(t))
        .flatten()
        .unwrap_or_else(|| string(t))
}

/// The raw string for `t`, if the raw form keeps every character (no bare
/// `"`, no trailing lone backslash, no literal `{name}`).
fn raw_string(t: &Text) -> Option<String> {
    let mut out = String::from("r\"");
    for p in &t.parts {
        match p {
            TextPart::Lit(s) => {
                let chars: Vec<char> = s.chars().collect();
                let mut i = 0;
                while i < chars.len() {
                    match chars[i] {
                        '\\' => {
                            // A backslash takes the next character with it.
                            let next = *chars.get(i + 1)?;
                            out.push('\\');
                            out.push(next);
                            i += 2;
                            continue;
                        }
                        '"' => return None,
                        '{' if param_shaped(&chars[i + 1..]) => return None,
                        c => out.push(c),
                    }
                    i += 1;
                }
            }
            TextPart::Param(n) => {
                out.push('{');
                out.push_str(n);
                out.push('}');
            }
            TextPart::AnyString | TextPart::AnyChar => return None,
        }
    }
    out.push('"');
    Some(out)
}

/// True if `name` can be a bare path segment (`first` for the first one).
fn bare_segment(name: &str, first: bool) -> bool {
    let mut chars = name.chars();
    let Some(c0) = chars.next() else {
        return false;
    };
    if first {
        (c0.is_ascii_alphabetic() || "_@$".contains(c0))
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    } else {
        (c0.is_ascii_alphanumeric() || "_$@".contains(c0))
            && chars.all(|c| c.is_ascii_alphanumeric() || "_-$@".contains(c))
    }
}

/// True if the path can be written bare.
fn bare_path(p: &Path) -> bool {
    let Some(first) = p.segments.first() else {
        return false;
    };
    let reserved = p.segments.len() == 1
        && !first.array
        && (RESERVED_CI
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&first.name))
            || RESERVED.contains(&first.name.as_str()));
    !reserved
        && p.segments
            .iter()
            .enumerate()
            .all(|(i, s)| bare_segment(&s.name, i == 0))
}

/// A field name: bare, or `'quoted'` (when the author quoted it or the
/// grammar needs it). `None` if no form reads back the same (a `'` in the
/// name, or a `.` inside a segment).
pub fn field(f: &FieldRef) -> Option<String> {
    path(&f.path, f.quoted)
}

/// A path, quoted if `quoted` or needed.
pub fn path(p: &Path, quoted: bool) -> Option<String> {
    let text = p.render("[]");
    if !quoted && bare_path(p) {
        return Some(text);
    }
    let splits_back = p
        .segments
        .iter()
        .all(|s| !s.name.contains('.') && !s.name.ends_with("[]") && !s.name.ends_with("{}"));
    (splits_back && !text.contains('\'') && !p.segments.is_empty()).then(|| format!("'{text}'"))
}

/// A number or other scalar as a literal (`None` for what the grammar has
/// no literal for here: `allow_negative` says if `-` may lead).
pub fn value(v: &Value, allow_negative: bool) -> Option<String> {
    Some(match v {
        Value::Str(t) => string(t),
        Value::Int(i) if *i < 0 && !allow_negative => return None,
        Value::Int(i) => i.to_string(),
        Value::Float(f, text) => {
            let t = if is_decimal(text.trim_start_matches('-'))
                && text.parse::<f64>().ok() == Some(*f)
            {
                text.clone()
            } else {
                let s = format!("{f:?}");
                if !is_decimal(s.trim_start_matches('-')) {
                    return None;
                }
                s
            };
            if t.starts_with('-') && !allow_negative {
                return None;
            }
            t
        }
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Param(n) => format!("{{{n}}}"),
    })
}

/// `digits[.digits]`, the grammar's number.
pub fn is_decimal(s: &str) -> bool {
    let (a, b) = s.split_once('.').unwrap_or((s, "0"));
    !a.is_empty()
        && !b.is_empty()
        && a.chars().all(|c| c.is_ascii_digit())
        && b.chars().all(|c| c.is_ascii_digit())
}

/// True if `s` is a word the grammar reads bare in metadata (`experimental`).
pub fn bare_word(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(x) if x.is_ascii_alphabetic())
        && c.all(|x| x.is_ascii_alphanumeric() || "_-.".contains(x))
}

/// True if `s` is a metadata or map key.
pub fn meta_key(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(x) if x.is_ascii_alphabetic())
        && c.all(|x| x.is_ascii_alphanumeric() || "_-".contains(x))
}

/// True if `s` is a date the grammar reads bare (`2025-07-11`).
pub fn bare_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// True if `s` is a parameter name.
pub fn param_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(x) if x.is_ascii_alphabetic() || x == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || "_-".contains(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(parts: &[TextPart]) -> Text {
        let mut t = Text::default();
        for p in parts {
            t.push(p.clone());
        }
        t
    }

    #[test]
    fn strings_escape_quotes_backslashes_wildcards_and_braces() {
        let t = text(&[
            TextPart::Lit("say \"a*b?\" \\ {x} {".into()),
            TextPart::AnyString,
            TextPart::Param("p".into()),
        ]);
        assert_eq!(string(&t), r#""say \"a\*b\?\" \\ \{x} {*{p}""#);
        assert_eq!(string(&Text::lit("a\nb\tc")), r#""a\nb\tc""#);
    }

    #[test]
    fn regexes_prefer_raw_strings() {
        assert_eq!(regex(&Text::lit(r"^\d+\.\*$")), r#"r"^\d+\.\*$""#);
        assert_eq!(
            regex(&Text::lit(r#"\"(?<r>[^\"]*)\""#)),
            r#"r"\"(?<r>[^\"]*)\"""#
        );
        // A bare quote, a trailing backslash or a literal {name} need a plain string.
        assert_eq!(regex(&Text::lit(r#"a"b"#)), r#""a\"b""#);
        assert_eq!(regex(&Text::lit(r"a\")), r#""a\\""#);
        assert_eq!(regex(&Text::lit(r"{abc}\d{2}")), r#""\{abc}\\d{2}""#);
        // Nothing to escape: a plain string.
        assert_eq!(regex(&Text::lit("block")), r#""block""#);
    }

    #[test]
    fn fields() {
        let f = |s: &str| field(&FieldRef::event(s));
        assert_eq!(
            f("details.stage.pre-user-registration.shields[]").as_deref(),
            Some("details.stage.pre-user-registration.shields[]")
        );
        assert_eq!(f("in").as_deref(), Some("'in'"));
        assert_eq!(f("in.x").as_deref(), Some("in.x"));
        assert_eq!(f("Output").as_deref(), Some("'Output'"));
        assert_eq!(f("a-b").as_deref(), Some("'a-b'"));
        assert_eq!(f("row 1").as_deref(), Some("'row 1'"));
        assert_eq!(f("it's").as_deref(), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(value(&Value::Int(-3), true).as_deref(), Some("-3"));
        assert_eq!(value(&Value::Int(-3), false), None);
        assert_eq!(
            value(&Value::Float(1.5, "1.50".into()), false).as_deref(),
            Some("1.50")
        );
        assert_eq!(value(&Value::Float(1e21, "1e21".into()), false), None);
    }
}

//! Sigma values: the one place that decides how a Vigil value is written in
//! a Sigma rule.
//!
//! Strings follow the escaping that pySigma reads (`SigmaString.__init__`,
//! the same in 1.5 and 2.x; SPEC-NOTES §4): an unescaped `*` or `?` is a
//! wildcard, `\*` `\?` `\\` stand for the character, and a backslash before
//! any other character is literal. The writer uses pySigma 2.x's
//! `to_plain(escape_backslash=True)` rule, which round-trips: a literal `*`
//! or `?` is written `\*` / `\?`, and a backslash is doubled only when the
//! next written character is `*`, `?` or `\`. So `C:\Windows\` followed by a
//! wildcard is `C:\Windows\\*`, and a lone `C:\Windows` stays as it is.
//!
//! A parameter without a value becomes a Sigma placeholder `%name%`, and the
//! caller adds the `expand` modifier. YAML quoting is left to the serializer.

use std::net::IpAddr;

use serde::{Serialize, Serializer};

use crate::ir::{Text, TextPart, Value};

/// A scalar value of a Sigma rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// Text, already escaped for Sigma.
    Str(String),
    /// An integer.
    Int(i64),
    /// A decimal number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Null (in Sigma: the field is null or absent).
    Null,
}

impl Serialize for Scalar {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Scalar::Str(v) => s.serialize_str(v),
            Scalar::Int(i) => s.serialize_i64(*i),
            Scalar::Float(f) => s.serialize_f64(*f),
            Scalar::Bool(b) => s.serialize_bool(*b),
            Scalar::Null => s.serialize_unit(),
        }
    }
}

/// A string written for Sigma, and whether it holds `%placeholders%` (which
/// need the `expand` modifier).
#[derive(Clone, Debug, PartialEq)]
pub struct SigmaText {
    /// The escaped text.
    pub text: String,
    /// True if a parameter was written as a placeholder.
    pub placeholders: bool,
}

/// Why a text cannot be written as a Sigma string.
#[derive(Clone, Debug, PartialEq)]
pub enum TextError {
    /// A literal `%` next to placeholders would be read as part of one.
    PercentWithPlaceholder,
    /// A literal backslash right before a placeholder hides it from pySigma 1.x.
    BackslashBeforePlaceholder(String),
}

impl TextError {
    /// A sentence for diagnostics.
    pub fn message(&self) -> String {
        match self {
            TextError::PercentWithPlaceholder => "the value has a literal `%` and a parameter: in Sigma both are written with `%`, so the value would be misread".into(),
            TextError::BackslashBeforePlaceholder(n) => format!(
                "a backslash right before the parameter `{{{n}}}` makes pySigma read `%{n}%` as plain text"
            ),
        }
    }
}

/// One character or special piece of a text, in order.
enum Piece<'a> {
    Char(char),
    Wildcard(char),
    Placeholder(&'a str),
}

/// Writes `t` as a Sigma string: `AnyString` / `AnyChar` parts as `*` / `?`,
/// literal characters escaped, parameters as `%name%`.
pub fn sigma_text(t: &Text) -> Result<SigmaText, TextError> {
    let mut pieces: Vec<Piece<'_>> = Vec::new();
    for part in &t.parts {
        match part {
            TextPart::Lit(s) => pieces.extend(s.chars().map(Piece::Char)),
            TextPart::AnyString => pieces.push(Piece::Wildcard('*')),
            TextPart::AnyChar => pieces.push(Piece::Wildcard('?')),
            TextPart::Param(n) => pieces.push(Piece::Placeholder(n)),
        }
    }
    let placeholders = pieces.iter().any(|p| matches!(p, Piece::Placeholder(_)));
    let mut out = String::new();
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Char('%') if placeholders => return Err(TextError::PercentWithPlaceholder),
            Piece::Char(c @ ('*' | '?')) => {
                out.push('\\');
                out.push(*c);
            }
            Piece::Char('\\') => {
                out.push('\\');
                match pieces.get(i + 1) {
                    Some(Piece::Char('*' | '?' | '\\') | Piece::Wildcard(_)) => out.push('\\'),
                    Some(Piece::Placeholder(n)) => {
                        return Err(TextError::BackslashBeforePlaceholder(n.to_string()));
                    }
                    _ => {}
                }
            }
            Piece::Char(c) => out.push(*c),
            Piece::Wildcard(c) => out.push(*c),
            Piece::Placeholder(n) => {
                out.push('%');
                out.push_str(n);
                out.push('%');
            }
        }
    }
    Ok(SigmaText {
        text: out,
        placeholders,
    })
}

/// A typed value as a Sigma scalar. Strings are escaped; a parameter used as
/// a whole value becomes a placeholder string.
pub fn scalar(v: &Value) -> Result<(Scalar, bool), TextError> {
    Ok(match v {
        Value::Str(t) => {
            let s = sigma_text(t)?;
            (Scalar::Str(s.text), s.placeholders)
        }
        Value::Int(i) => (Scalar::Int(*i), false),
        Value::Float(f, _) => (Scalar::Float(*f), false),
        Value::Bool(b) => (Scalar::Bool(*b), false),
        Value::Null => (Scalar::Null, false),
        Value::Param(n) => (Scalar::Str(format!("%{n}%")), true),
    })
}

/// A CIDR range as pySigma accepts it: a valid IPv4 or IPv6 network whose
/// host bits are zero. Host bits are cleared (an address matches
/// `10.0.0.1/8` exactly when it matches `10.0.0.0/8`); a bare address is a
/// one-address network.
pub fn cidr(text: &str) -> Result<String, String> {
    let (addr, len) = match text.split_once('/') {
        Some((a, l)) => (
            a,
            Some(
                l.parse::<u8>()
                    .map_err(|_| format!("`{text}` has no valid prefix length"))?,
            ),
        ),
        None => (text, None),
    };
    let ip: IpAddr = addr
        .parse()
        .map_err(|_| format!("`{text}` is not an IP address or CIDR range"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = len.unwrap_or(max);
    if len > max {
        return Err(format!("`{text}`: the prefix length is over {max}"));
    }
    let network = match ip {
        IpAddr::V4(a) => {
            let mask = u32::MAX.checked_shl(u32::from(32 - len)).unwrap_or(0);
            IpAddr::from(std::net::Ipv4Addr::from(u32::from(a) & mask))
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX.checked_shl(u32::from(128 - len)).unwrap_or(0);
            IpAddr::from(std::net::Ipv6Addr::from(u128::from(a) & mask))
        }
    };
    Ok(format!("{network}/{len}"))
}

/// True if `s` has `{name}` (a name of letters, digits, `_`, `-`, starting
/// with a letter or `_`): the Auth0 catalog's template variables.
pub fn has_template_shape(s: &str) -> bool {
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            let mut c = name.chars();
            if matches!(c.next(), Some(x) if x.is_ascii_alphabetic() || x == '_')
                && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == '-')
            {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(items: &[TextPart]) -> Text {
        let mut t = Text::default();
        for p in items {
            t.push(p.clone());
        }
        t
    }

    fn lit(s: &str) -> TextPart {
        TextPart::Lit(s.into())
    }

    fn written(items: &[TextPart]) -> String {
        sigma_text(&parts(items)).unwrap().text
    }

    /// The table of SPEC-NOTES §4, verified against pySigma 2.0.1.
    #[test]
    fn backslashes_doubled_only_before_wildcards_and_backslashes() {
        assert_eq!(
            written(&[lit(r"a\"), TextPart::AnyString, lit("b")]),
            r"a\\*b"
        );
        assert_eq!(written(&[lit(r"a\*b")]), r"a\\\*b");
        assert_eq!(written(&[lit(r"a\\b")]), r"a\\\b");
        assert_eq!(written(&[lit(r"\\srv\share")]), r"\\\srv\share");
        assert_eq!(written(&[lit(r"C:\Windows*")]), r"C:\Windows\*");
        assert_eq!(written(&[lit(r"end\")]), r"end\");
        assert_eq!(written(&[lit(r"a\b")]), r"a\b");
    }

    #[test]
    fn literal_wildcards_are_escaped_and_wildcards_are_not() {
        assert_eq!(
            written(&[
                TextPart::AnyString,
                lit("what? *really*"),
                TextPart::AnyChar
            ]),
            r"*what\? \*really\*?"
        );
        assert_eq!(
            written(&[lit(r"C:\Windows\"), TextPart::AnyString]),
            r"C:\Windows\\*"
        );
        assert_eq!(
            written(&[lit(r"x\"), TextPart::AnyChar]),
            r"x\\?",
            "a backslash before `?` is doubled too"
        );
    }

    #[test]
    fn parameters_become_placeholders() {
        let t = sigma_text(&parts(&[
            lit("https://"),
            TextPart::Param("tenant-domain".into()),
            lit("/api/v2/"),
        ]))
        .unwrap();
        assert_eq!(t.text, "https://%tenant-domain%/api/v2/");
        assert!(t.placeholders);
        assert!(!sigma_text(&Text::lit("100%")).unwrap().placeholders);
        assert_eq!(sigma_text(&Text::lit("100%")).unwrap().text, "100%");
    }

    #[test]
    fn ambiguous_placeholders_are_refused() {
        assert_eq!(
            sigma_text(&parts(&[lit("50%"), TextPart::Param("x".into())])),
            Err(TextError::PercentWithPlaceholder)
        );
        assert_eq!(
            sigma_text(&parts(&[lit(r"a\"), TextPart::Param("x".into())])),
            Err(TextError::BackslashBeforePlaceholder("x".into()))
        );
    }

    #[test]
    fn whole_value_parameters() {
        assert_eq!(
            scalar(&Value::Param("n".into())).unwrap(),
            (Scalar::Str("%n%".into()), true)
        );
        assert_eq!(scalar(&Value::Int(-3)).unwrap(), (Scalar::Int(-3), false));
    }

    #[test]
    fn template_shapes() {
        assert!(has_template_shape("https://{tenant-domain}/x"));
        assert!(has_template_shape("{ {a_b}"));
        assert!(!has_template_shape("{y z} {} {1x} {"));
    }

    #[test]
    fn cidr_ranges_are_normalised() {
        assert_eq!(cidr("10.0.0.0/8").unwrap(), "10.0.0.0/8");
        assert_eq!(cidr("10.1.2.3/8").unwrap(), "10.0.0.0/8");
        assert_eq!(cidr("10.1.2.3").unwrap(), "10.1.2.3/32");
        assert_eq!(cidr("0.0.0.0/0").unwrap(), "0.0.0.0/0");
        assert_eq!(cidr("2001:db8::1/32").unwrap(), "2001:db8::/32");
        assert!(cidr("10.0.0.0/33").is_err());
        assert!(cidr("10.0.0/8").is_err());
        assert!(cidr("x").is_err());
    }
}

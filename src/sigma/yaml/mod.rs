//! A spanned YAML node tree.
//!
//! Sigma rules are read through the event parser that serde-saphyr is built
//! on (`serde_saphyr::granit_parser`), not through serde: the rule reader
//! needs every node's byte span (for diagnostics), each scalar's style (a
//! quoted `'4624'` is text, a plain `4624` a number) and per-document error
//! recovery (a broken document must not hide the others in its file), none
//! of which a `Deserialize` impl sees.
//!
//! Plain scalars are typed with the YAML 1.2 core schema (`yes` and `0x10`
//! stay text, unlike PyYAML's YAML 1.1); quoted and block scalars are always
//! text.

mod fast;
mod parse;

pub use parse::Document;

use crate::diagnostic::Diagnostic;

/// Parses every document of a YAML stream. A syntax error ends its document
/// (reported in the returned diagnostics); parsing resumes at the next one.
pub fn parse_stream(text: &str) -> (Vec<Document<'_>>, Vec<Diagnostic>) {
    // Most rules are in the subset the fast reader knows; it gives the
    // same nodes as the general parser, which reads everything else.
    match fast::parse_stream(text) {
        Some(docs) => (docs, Vec::new()),
        None => parse::parse_stream(text),
    }
}

use std::borrow::Cow;

use crate::source::Span;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `value`
    Plain,
    /// `'value'`
    SingleQuoted,
    /// `"value"`
    DoubleQuoted,
    /// `|` block
    Literal,
    /// `>` block
    Folded,
}

/// A scalar: its text after YAML escape processing, and how it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar<'a> {
    /// The decoded text, borrowed from the source where it is written out
    /// there (most scalars: no allocation per scalar).
    pub text: Cow<'a, str>,
    /// The notation.
    pub style: Style,
    /// An explicit `!!str` tag forces text.
    pub tagged_str: bool,
}

/// A YAML node.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind<'a> {
    /// A scalar (null, booleans and numbers included).
    Scalar(Scalar<'a>),
    /// A sequence.
    Seq(Vec<Node<'a>>),
    /// A mapping, in source order.
    Map(Vec<(Node<'a>, Node<'a>)>),
}

/// A YAML node and the bytes it covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'a> {
    /// What it is.
    pub kind: NodeKind<'a>,
    /// Where it is.
    pub span: Span,
}

/// A scalar's value under the YAML 1.2 core schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Typed<'a> {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal number, with its text.
    Float(f64, &'a str),
    /// Text.
    Str(&'a str),
}

impl<'a> Node<'a> {
    /// A scalar node.
    pub fn scalar(text: impl Into<Cow<'a, str>>, style: Style, span: Span) -> Node<'a> {
        Node {
            kind: NodeKind::Scalar(Scalar {
                text: text.into(),
                style,
                tagged_str: false,
            }),
            span,
        }
    }

    /// The scalar's typed value (`None` for collections).
    pub fn typed(&self) -> Option<Typed<'_>> {
        let NodeKind::Scalar(s) = &self.kind else {
            return None;
        };
        if s.style != Style::Plain || s.tagged_str {
            return Some(Typed::Str(&s.text));
        }
        Some(resolve_plain(&s.text))
    }

    /// The text of a scalar that is not null (numbers and booleans as
    /// written).
    pub fn as_text(&self) -> Option<&str> {
        // Only null matters here: typing the scalar fully (numbers tried
        // first) would cost every mapping key lookup, which goes through
        // this.
        let s = self.as_scalar()?;
        let null = s.style == Style::Plain && !s.tagged_str && is_null_text(&s.text);
        (!null).then_some(&*s.text)
    }

    /// The node with its text copied out of the source, to be kept after
    /// the source's borrow ends.
    pub fn into_owned(self) -> Node<'static> {
        let kind = match self.kind {
            NodeKind::Scalar(s) => NodeKind::Scalar(Scalar {
                text: Cow::Owned(s.text.into_owned()),
                style: s.style,
                tagged_str: s.tagged_str,
            }),
            NodeKind::Seq(items) => {
                NodeKind::Seq(items.into_iter().map(Node::into_owned).collect())
            }
            NodeKind::Map(entries) => NodeKind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            ),
        };
        Node {
            kind,
            span: self.span,
        }
    }

    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar<'a>> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[(Node<'a>, Node<'a>)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_text() == Some(key))
            .map(|(_, v)| v)
    }

    /// True for a null scalar.
    pub fn is_null(&self) -> bool {
        matches!(self.typed(), Some(Typed::Null))
    }

    /// True for a value left empty (`key:` with nothing after it), as
    /// opposed to a written `null` or `~`.
    pub fn is_empty_value(&self) -> bool {
        // The parser reads an empty value as a zero-width plain `~`.
        self.span.is_empty()
            && matches!(&self.kind, NodeKind::Scalar(s) if s.style == Style::Plain && (s.text.is_empty() || s.text == "~"))
    }

    /// What kind of node this is, for messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar(_) => match self.typed() {
                Some(Typed::Null) => "null",
                Some(Typed::Bool(_)) => "a boolean",
                Some(Typed::Int(_) | Typed::Float(..)) => "a number",
                _ => "text",
            },
        }
    }

    /// The byte offset in the source of character `index` of the scalar's
    /// decoded text, when the source spells the text out unchanged (plain
    /// and quoted scalars on one line without escapes); `None` otherwise.
    pub fn text_offset(&self, source: &str, index: usize) -> Option<usize> {
        let s = self.as_scalar()?;
        let (start, quote) = match s.style {
            Style::Plain => (self.span.start, 0),
            Style::SingleQuoted | Style::DoubleQuoted => (self.span.start, 1),
            _ => return None,
        };
        let inner = source.get(start + quote..start + quote + s.text.len())?;
        (inner == s.text).then_some(start + quote + index)
    }

    /// The span of bytes `range` of the scalar's text, or the whole node when
    /// the text cannot be mapped back to the source.
    pub fn sub_span(&self, source: &str, range: std::ops::Range<usize>) -> Span {
        match (
            self.text_offset(source, range.start),
            self.text_offset(source, range.end),
        ) {
            (Some(a), Some(b)) => Span::new(a, b),
            _ => self.span,
        }
    }

    /// The node as JSON (for metadata kept verbatim).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            NodeKind::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_text().unwrap_or("").to_string(), v.to_json()))
                    .collect(),
            ),
            NodeKind::Scalar(_) => match self.typed() {
                Some(Typed::Bool(b)) => J::Bool(b),
                Some(Typed::Int(i)) => J::from(i),
                Some(Typed::Float(f, _)) => J::from(f),
                Some(Typed::Str(s)) => J::from(s),
                Some(Typed::Null) | None => J::Null,
            },
        }
    }
}

/// Types a plain scalar with the YAML 1.2 core schema.
pub fn resolve_plain(text: &str) -> Typed<'_> {
    if is_null_text(text) {
        return Typed::Null;
    }
    match text {
        "true" | "True" | "TRUE" => return Typed::Bool(true),
        "false" | "False" | "FALSE" => return Typed::Bool(false),
        _ => {}
    }
    if let Some(i) = parse_int(text) {
        return Typed::Int(i);
    }
    // A number an f64 cannot hold (beyond ±1.8e308, or non-zero below
    // 5e-324) stays text, as written, rather than becoming inf or 0.
    if is_float(text)
        && let Ok(f) = text.parse::<f64>()
        && f.is_finite()
        && (f != 0.0 || !mantissa_nonzero(text))
    {
        return Typed::Float(f, text);
    }
    Typed::Str(text)
}

/// A digit 1-9 before the exponent: the number is not zero.
fn mantissa_nonzero(t: &str) -> bool {
    t.split(['e', 'E'])
        .next()
        .is_some_and(|m| m.bytes().any(|b| (b'1'..=b'9').contains(&b)))
}

/// The plain scalars the core schema reads as null.
fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_int(t: &str) -> Option<i64> {
    if let Some(hex) = t.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok();
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// `[-+]? ( . [0-9]+ | [0-9]+ ( . [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, or an
/// integer too large for `i64`.
fn is_float(t: &str) -> bool {
    let b = t.strip_prefix(['-', '+']).unwrap_or(t).as_bytes();
    let (mantissa, exponent) = match b.iter().position(|&c| c == b'e' || c == b'E') {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let (int, frac) = match mantissa.iter().position(|&c| c == b'.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let mantissa_ok = digits(int)
        && frac.is_none_or(digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e
            .strip_prefix(b"-")
            .or_else(|| e.strip_prefix(b"+"))
            .unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_are_typed_by_the_core_schema() {
        assert_eq!(resolve_plain("4624"), Typed::Int(4624));
        assert_eq!(resolve_plain("0x10"), Typed::Int(16));
        assert_eq!(resolve_plain("-3"), Typed::Int(-3));
        assert_eq!(resolve_plain("1.5"), Typed::Float(1.5, "1.5"));
        assert_eq!(resolve_plain("1e3"), Typed::Float(1000.0, "1e3"));
        assert_eq!(resolve_plain("yes"), Typed::Str("yes"));
        assert_eq!(resolve_plain("inf"), Typed::Str("inf"));
        // Beyond what an f64 holds: kept as written, never inf or 0.
        assert_eq!(resolve_plain("1e999"), Typed::Str("1e999"));
        assert_eq!(resolve_plain("-1e999"), Typed::Str("-1e999"));
        assert_eq!(resolve_plain("1e-999"), Typed::Str("1e-999"));
        assert_eq!(resolve_plain("0.0e-999"), Typed::Float(0.0, "0.0e-999"));
        assert_eq!(resolve_plain("1.2.3"), Typed::Str("1.2.3"));
        assert_eq!(resolve_plain("~"), Typed::Null);
        assert_eq!(resolve_plain("False"), Typed::Bool(false));
        assert_eq!(resolve_plain("2025-01-02"), Typed::Str("2025-01-02"));
    }
}

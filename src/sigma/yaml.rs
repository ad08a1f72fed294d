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

use std::collections::{HashMap, HashSet};

use serde_saphyr::granit_parser::{
    Event, Options, Parser, ScalarStyle, ScanError, Span as YamlSpan, StrInput,
};

use crate::diagnostic::{Diagnostic, codes};
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
pub struct Scalar {
    /// The decoded text.
    pub text: String,
    /// The notation.
    pub style: Style,
    /// An explicit `!!str` tag forces text.
    pub tagged_str: bool,
}

/// A YAML node.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A scalar (null, booleans and numbers included).
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<(Node, Node)>),
}

/// A YAML node and the bytes it covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
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

impl Node {
    /// A scalar node (used by merges and tests).
    pub fn scalar(text: &str, style: Style, span: Span) -> Node {
        Node {
            kind: NodeKind::Scalar(Scalar {
                text: text.to_string(),
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
        match self.typed()? {
            Typed::Null => None,
            _ => match &self.kind {
                NodeKind::Scalar(s) => Some(&s.text),
                _ => None,
            },
        }
    }

    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
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
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Typed::Null,
        "true" | "True" | "TRUE" => return Typed::Bool(true),
        "false" | "False" | "FALSE" => return Typed::Bool(false),
        _ => {}
    }
    if let Some(i) = parse_int(text) {
        return Typed::Int(i);
    }
    if is_float(text)
        && let Ok(f) = text.parse::<f64>()
        && f.is_finite()
    {
        return Typed::Float(f, text);
    }
    Typed::Str(text)
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

/// One YAML document of a stream.
#[derive(Debug)]
pub struct Document {
    /// Its root (`None` for an empty document, such as after a trailing
    /// `---`).
    pub root: Option<Node>,
    /// Errors found in it (duplicate keys); the document is still returned.
    pub errors: Vec<Diagnostic>,
}

/// Parses every document of a YAML stream. A syntax error ends its document
/// (reported in the returned diagnostics); parsing resumes at the next one.
pub fn parse_stream(text: &str) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut options = Options::default();
    options.emit_comments = false;
    let mut b = Builder {
        parser: Parser::new_from_str_with_options(text, options),
        anchors: HashMap::new(),
        errors: Vec::new(),
    };
    let mut docs = Vec::new();
    let mut diags = Vec::new();
    loop {
        match b.document() {
            Ok(Some(doc)) => docs.push(doc),
            Ok(None) => break,
            Err(e) => {
                diags.push(scan_error(&e, text.len()));
                match b.parser.proceed_next_document() {
                    Ok(true) => continue,
                    _ => break,
                }
            }
        }
    }
    (docs, diags)
}

/// Applies YAML merge keys (`<<: *base`, `<<: [*a, *b]`): the merged
/// mappings' entries are added unless the mapping has the key itself.
fn merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let is_merge = |k: &Node| matches!(&k.kind, NodeKind::Scalar(s) if s.style == Style::Plain && s.text == "<<");
    if !entries
        .iter()
        .any(|(k, v)| is_merge(k) && !matches!(v.kind, NodeKind::Scalar(_)))
    {
        return entries;
    }
    let (merges, mut own): (Vec<_>, Vec<_>) = entries.into_iter().partition(|(k, _)| is_merge(k));
    for (_, v) in merges {
        let sources = match v.kind {
            NodeKind::Map(m) => vec![m],
            NodeKind::Seq(items) => items
                .into_iter()
                .filter_map(|i| match i.kind {
                    NodeKind::Map(m) => Some(m),
                    _ => None,
                })
                .collect(),
            NodeKind::Scalar(_) => Vec::new(),
        };
        for m in sources {
            for (k, v) in m {
                if !own.iter().any(|(o, _)| o.as_text() == k.as_text()) {
                    own.push((k, v));
                }
            }
        }
    }
    own
}

fn scan_error(e: &ScanError, len: usize) -> Diagnostic {
    let at = e.marker().byte_offset().unwrap_or(len).min(len);
    Diagnostic::error(codes::YAML, format!("invalid YAML: {}", e.kind()))
        .with_label(Span::new(at, at), "here")
        .with_help("fix the YAML syntax (indentation, quotes, `:` in plain values)")
}

fn span_of(s: &YamlSpan) -> Span {
    s.byte_range()
        .map_or(Span::default(), |r| Span::new(r.start, r.end))
}

struct Builder<'a> {
    parser: Parser<'a, StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    errors: Vec<Diagnostic>,
}

type Step<'a> = (Event<'a>, YamlSpan);

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<Option<Step<'a>>, ScanError> {
        self.parser.next_event().transpose()
    }

    /// The next document, `None` at the end of the stream.
    fn document(&mut self) -> Result<Option<Document>, ScanError> {
        loop {
            let Some((ev, span)) = self.next()? else {
                return Ok(None);
            };
            match ev {
                Event::StreamStart => continue,
                Event::StreamEnd => return Ok(None),
                Event::DocumentStart(..) => {
                    self.anchors.clear();
                    let root = match self.next()? {
                        Some((Event::DocumentEnd, _)) => return Ok(Some(self.finish(None))),
                        Some(step) => self.node(step)?,
                        None => return Ok(Some(self.finish(None))),
                    };
                    // Consume the document end.
                    while let Some((ev, _)) = self.next()? {
                        if matches!(ev, Event::DocumentEnd) {
                            break;
                        }
                    }
                    // A document with nothing in it (after a trailing `---`).
                    let root = (!root.is_empty_value()).then_some(root);
                    return Ok(Some(self.finish(root)));
                }
                _ => {
                    return Err(ScanError::new(span.start, "unexpected YAML event"));
                }
            }
        }
    }

    fn finish(&mut self, root: Option<Node>) -> Document {
        Document {
            root,
            errors: std::mem::take(&mut self.errors),
        }
    }

    fn node(&mut self, (ev, span): Step<'a>) -> Result<Node, ScanError> {
        let start = span_of(&span);
        let (node, anchor) = match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let tagged_str = tag
                    .as_deref()
                    .is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                let node = Node {
                    kind: NodeKind::Scalar(Scalar {
                        text: text.into_owned(),
                        style,
                        tagged_str,
                    }),
                    span: start,
                };
                (node, anchor)
            }
            Event::SequenceStart(_, anchor, _) => {
                let mut items = Vec::new();
                let end = loop {
                    let step = self.expect_more(&span)?;
                    if matches!(step.0, Event::SequenceEnd) {
                        break span_of(&step.1);
                    }
                    items.push(self.node(step)?);
                };
                let node = Node {
                    kind: NodeKind::Seq(items),
                    span: start.to(end),
                };
                (node, anchor)
            }
            Event::MappingStart(_, anchor, _) => {
                let mut entries: Vec<(Node, Node)> = Vec::new();
                let end = loop {
                    let step = self.expect_more(&span)?;
                    if matches!(step.0, Event::MappingEnd) {
                        break span_of(&step.1);
                    }
                    let key = self.node(step)?;
                    let value_step = self.expect_more(&span)?;
                    let value = self.node(value_step)?;
                    entries.push((key, value));
                };
                let entries = merge_keys(entries);
                self.check_duplicates(&entries);
                let node = Node {
                    kind: NodeKind::Map(entries),
                    span: start.to(end),
                };
                (node, anchor)
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(ScanError::new(span.start, "unknown alias"));
                };
                // The alias site is where a diagnostic should point.
                let mut node = target.clone();
                node.span = start;
                return Ok(node);
            }
            _ => return Err(ScanError::new(span.start, "unexpected YAML event")),
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn expect_more(&mut self, open: &YamlSpan) -> Result<Step<'a>, ScanError> {
        self.next()?
            .ok_or_else(|| ScanError::new(open.start, "unterminated collection"))
    }

    fn check_duplicates(&mut self, entries: &[(Node, Node)]) {
        if entries.len() < 2 {
            return;
        }
        let mut seen = HashSet::with_capacity(entries.len());
        for (k, _) in entries {
            if let Some(t) = k.as_text()
                && !seen.insert(t)
            {
                self.errors.push(
                    Diagnostic::error(codes::YAML, format!("the key `{t}` appears twice"))
                        .with_label(k.span, "duplicate key")
                        .with_help("YAML keys must be unique in a mapping; merge the two entries"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let (docs, diags) = parse_stream(text);
        assert!(diags.is_empty(), "{diags:?}");
        docs.into_iter()
            .next()
            .and_then(|d| d.root)
            .expect("a root")
    }

    #[test]
    fn plain_scalars_are_typed_by_the_core_schema() {
        assert_eq!(resolve_plain("4624"), Typed::Int(4624));
        assert_eq!(resolve_plain("0x10"), Typed::Int(16));
        assert_eq!(resolve_plain("-3"), Typed::Int(-3));
        assert_eq!(resolve_plain("1.5"), Typed::Float(1.5, "1.5"));
        assert_eq!(resolve_plain("1e3"), Typed::Float(1000.0, "1e3"));
        assert_eq!(resolve_plain("yes"), Typed::Str("yes"));
        assert_eq!(resolve_plain("inf"), Typed::Str("inf"));
        assert_eq!(resolve_plain("1.2.3"), Typed::Str("1.2.3"));
        assert_eq!(resolve_plain("~"), Typed::Null);
        assert_eq!(resolve_plain("False"), Typed::Bool(false));
        assert_eq!(resolve_plain("2025-01-02"), Typed::Str("2025-01-02"));
    }

    #[test]
    fn quoted_scalars_stay_text() {
        let n = one("a: '4624'\nb: 4624\n");
        assert_eq!(n.get("a").unwrap().typed(), Some(Typed::Str("4624")));
        assert_eq!(n.get("b").unwrap().typed(), Some(Typed::Int(4624)));
    }

    #[test]
    fn spans_are_byte_offsets() {
        let text = "x: é\nkey: 'va lue'\n";
        let n = one(text);
        let v = n.get("key").unwrap();
        assert_eq!(&text[v.span.start..v.span.end], "'va lue'");
        assert_eq!(
            v.sub_span(text, 3..6),
            Span::new(v.span.start + 4, v.span.start + 7)
        );
    }

    #[test]
    fn empty_values_are_null() {
        let n = one("a:\n  # - x\nb: ~\n");
        assert!(n.get("a").unwrap().is_empty_value());
        assert!(n.get("b").unwrap().is_null());
        assert!(!n.get("b").unwrap().is_empty_value());
    }

    #[test]
    fn unquoted_braces_are_a_mapping() {
        let n = one("f: {global_client_id}\n");
        assert_eq!(n.get("f").unwrap().describe(), "a mapping");
    }

    #[test]
    fn aliases_are_resolved() {
        let n = one("a: &x [1, 2]\nb: *x\n");
        assert_eq!(n.get("b").unwrap().describe(), "a list");
    }

    #[test]
    fn a_broken_document_does_not_hide_the_next() {
        let (docs, diags) = parse_stream("a: [1\n---\nb: 2\n");
        assert_eq!(diags.len(), 1);
        assert!(
            docs.iter()
                .any(|d| d.root.as_ref().is_some_and(|r| r.get("b").is_some()))
        );
    }

    #[test]
    fn merge_keys_add_missing_entries() {
        let n = one("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        let m = n.get("m").unwrap();
        assert_eq!(m.get("x").unwrap().typed(), Some(Typed::Int(1)));
        assert_eq!(m.get("y").unwrap().typed(), Some(Typed::Int(3)));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let (docs, _) = parse_stream("a: 1\na: 2\n");
        assert_eq!(docs[0].errors.len(), 1);
    }

    #[test]
    fn multiple_documents() {
        let (docs, diags) = parse_stream("a: 1\n---\nb: 2\n---\n");
        assert!(diags.is_empty());
        assert_eq!(docs.len(), 3);
        assert!(docs[2].root.is_none());
    }
}

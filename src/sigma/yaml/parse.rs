//! YAML events → [`Node`] trees, one per document, with duplicate-key
//! checks, aliases and merge keys resolved.

use std::collections::{HashMap, HashSet};

use serde_saphyr::granit_parser::{
    Event, Options, Parser, ScalarStyle, ScanError, Span as YamlSpan, StrInput, Tag,
};

use super::{Node, NodeKind, Scalar, Style};
use crate::diagnostic::{Diagnostic, codes};
use crate::limits::MAX_YAML_ALIAS_NODES;
use crate::source::Span;

/// One YAML document of a stream.
#[derive(Debug)]
pub struct Document<'a> {
    /// Its root (`None` for an empty document, such as after a trailing
    /// `---`).
    pub root: Option<Node<'a>>,
    /// Errors found in it (duplicate keys) and warnings (unknown tags); the
    /// document is still returned.
    pub errors: Vec<Diagnostic>,
}

/// Parses every document of a YAML stream with the general parser. A
/// syntax error ends its document (reported in the returned diagnostics);
/// parsing resumes at the next one.
pub(super) fn parse_stream(text: &str) -> (Vec<Document<'_>>, Vec<Diagnostic>) {
    let mut options = Options::default();
    options.emit_comments = false;
    let mut b = Builder {
        parser: Parser::new_from_str_with_options(text, options),
        anchors: HashMap::new(),
        errors: Vec::new(),
        nodes: 0,
        alias_nodes: 0,
        over_budget: None,
    };
    let mut docs = Vec::new();
    let mut diags = Vec::new();
    loop {
        match b.document() {
            Ok(Some(doc)) => docs.push(doc),
            Ok(None) => break,
            Err(_) if b.over_budget.is_some() => {
                // A budget ends the whole stream, not just its document.
                diags.extend(b.over_budget.take());
                break;
            }
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
fn merge_keys<'a>(entries: Vec<(Node<'a>, Node<'a>)>) -> Vec<(Node<'a>, Node<'a>)> {
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
    /// Anchored nodes and how many nodes each holds.
    anchors: HashMap<usize, (Node<'a>, usize)>,
    errors: Vec<Diagnostic>,
    /// Nodes built so far (aliases count as the nodes they copy).
    nodes: usize,
    /// Nodes copied by expanding aliases, bounded by
    /// [`MAX_YAML_ALIAS_NODES`].
    alias_nodes: usize,
    /// The budget error that stopped parsing.
    over_budget: Option<Diagnostic>,
}

type Step<'a> = (Event<'a>, YamlSpan);

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<Option<Step<'a>>, ScanError> {
        self.parser.next_event().transpose()
    }

    /// The next document, `None` at the end of the stream.
    fn document(&mut self) -> Result<Option<Document<'a>>, ScanError> {
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

    fn finish(&mut self, root: Option<Node<'a>>) -> Document<'a> {
        Document {
            root,
            errors: std::mem::take(&mut self.errors),
        }
    }

    fn node(&mut self, (ev, span): Step<'a>) -> Result<Node<'a>, ScanError> {
        let start = span_of(&span);
        let before = self.nodes;
        self.nodes += 1;
        let (node, anchor) = match ev {
            Event::Scalar(text, style, anchor, tag) => {
                self.check_tag(tag.as_deref(), start);
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
                        text,
                        style,
                        tagged_str,
                    }),
                    span: start,
                };
                (node, anchor)
            }
            Event::SequenceStart(_, anchor, tag) => {
                self.check_tag(tag.as_deref(), start);
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
            Event::MappingStart(_, anchor, tag) => {
                self.check_tag(tag.as_deref(), start);
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
                duplicate_keys(&entries, &mut self.errors);
                let node = Node {
                    kind: NodeKind::Map(entries),
                    span: start.to(end),
                };
                (node, anchor)
            }
            Event::Alias(id) => {
                let Some((target, size)) = self.anchors.get(&id) else {
                    return Err(ScanError::new(span.start, "unknown alias"));
                };
                // Copies are counted before they are made: aliases of
                // aliases grow exponentially (a "billion laughs" file).
                self.alias_nodes = self.alias_nodes.saturating_add(*size);
                self.nodes = self.nodes.saturating_add(*size);
                if self.alias_nodes > MAX_YAML_ALIAS_NODES {
                    self.over_budget = Some(
                        Diagnostic::error(
                            codes::YAML,
                            format!(
                                "YAML aliases expand to more than {MAX_YAML_ALIAS_NODES} nodes \
                                 (the alias expansion budget)"
                            ),
                        )
                        .with_label(start, "this alias goes over the budget")
                        .with_help(
                            "a Sigma rule needs few aliases; write the values out, or \
                             remove aliases of aliases (the budget cannot be raised)",
                        ),
                    );
                    return Err(ScanError::new(span.start, "alias expansion budget"));
                }
                // The alias site is where a diagnostic should point.
                let mut node = target.clone();
                node.span = start;
                return Ok(node);
            }
            _ => return Err(ScanError::new(span.start, "unexpected YAML event")),
        };
        if anchor != 0 {
            self.anchors
                .insert(anchor, (node.clone(), self.nodes - before));
        }
        Ok(node)
    }

    /// Warns about a tag outside YAML's core schema (`!!binary`,
    /// `!!python/object/apply:...`): Sigma has no use for them, and the
    /// value is read as written, not decoded or executed.
    fn check_tag(&mut self, tag: Option<&Tag>, at: Span) {
        if let Some(t) = tag.filter(|t| t.is_custom()) {
            let t = match t.parts() {
                ("tag:yaml.org,2002:", suffix) => format!("!!{suffix}"),
                _ => t.to_string(),
            };
            self.errors.push(
                Diagnostic::warning(codes::YAML, format!("unknown YAML tag `{t}` is ignored"))
                    .with_label(at, "the value is read as written")
                    .with_help("remove the tag; Sigma values are plain text, numbers and lists"),
            );
        }
    }

    fn expect_more(&mut self, open: &YamlSpan) -> Result<Step<'a>, ScanError> {
        self.next()?
            .ok_or_else(|| ScanError::new(open.start, "unterminated collection"))
    }
}

/// Reports every key that appears twice in a mapping (the first stays).
pub(super) fn duplicate_keys(entries: &[(Node, Node)], errors: &mut Vec<Diagnostic>) {
    // Most mappings are a handful of keys: comparing each with the ones
    // before it costs less than hashing them.
    const SMALL: usize = 16;
    let keys = entries.iter().map(|(k, _)| (k, k.as_text()));
    let mut seen = HashSet::new();
    for (i, (k, text)) in keys.enumerate() {
        let Some(t) = text else { continue };
        let again = if entries.len() <= SMALL {
            entries[..i].iter().any(|(e, _)| e.as_text() == Some(t))
        } else {
            !seen.insert(t)
        };
        if again {
            errors.push(
                Diagnostic::error(codes::YAML, format!("the key `{t}` appears twice"))
                    .with_label(k.span, "duplicate key")
                    .with_help("YAML keys must be unique in a mapping; merge the two entries"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigma::yaml::Typed;

    fn one(text: &str) -> Node<'_> {
        let (docs, diags) = parse_stream(text);
        assert!(diags.is_empty(), "{diags:?}");
        docs.into_iter()
            .next()
            .and_then(|d| d.root)
            .expect("a root")
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
        // Large mappings are checked another way: the same result.
        let mut big: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        big.push_str("k7: again\nk39: again\n");
        let (docs, _) = parse_stream(&big);
        let keys: Vec<Span> = docs[0].errors.iter().map(|e| e.labels[0].span).collect();
        assert_eq!(keys.len(), 2);
        assert_eq!(&big[keys[0].start..keys[0].end], "k7");
        assert_eq!(&big[keys[1].start..keys[1].end], "k39");
        assert_eq!(crate::sigma::yaml::parse_stream(&big).0[0].errors.len(), 2);
    }

    #[test]
    fn multiple_documents() {
        let (docs, diags) = parse_stream("a: 1\n---\nb: 2\n---\n");
        assert!(diags.is_empty());
        assert_eq!(docs.len(), 3);
        assert!(docs[2].root.is_none());
    }
}

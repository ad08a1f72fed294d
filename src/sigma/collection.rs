//! Multi-document files and the Sigma v1 collection actions, which pySigma
//! still reads (so Vigil does too; it never writes them):
//!
//! - `action: global`: its content is merged into every following rule
//!   document of the file (several global documents accumulate, as the v1
//!   specification says); on a conflict the global value wins, as in
//!   pySigma.
//! - `action: reset`: forget the global content.
//! - `action: repeat`: the previous rule document, with this one merged in,
//!   is another rule.
//!
//! Correlation and filter documents are never merged.

use super::Cx;
use super::yaml::{Node, NodeKind};
use crate::diagnostic::codes;

/// What a document is.
#[derive(Debug)]
pub enum DocKind<'a> {
    /// A detection rule (after merging).
    Rule(Node<'a>),
    /// A correlation rule.
    Correlation(Node<'a>),
    /// A filter (`filter:` document).
    Filter(Node<'a>),
}

/// Resolves actions over a file's documents, in order.
pub fn resolve<'a>(cx: &mut Cx, docs: Vec<Node<'a>>) -> Vec<DocKind<'a>> {
    let mut global: Option<Node<'a>> = None;
    // The index in `out` of the last rule (cloned only if repeated).
    let mut previous: Option<usize> = None;
    let mut out = Vec::new();
    for doc in docs {
        if !matches!(doc.kind, NodeKind::Map(_)) {
            cx.error(
                codes::SIGMA,
                doc.span,
                format!("a Sigma document must be a mapping, not {}", doc.describe()),
                "not a rule",
                "a rule starts with `title:`",
            );
            continue;
        }
        let action = doc
            .get("action")
            .map(|a| (a.as_text().map(str::to_string), a.span));
        match action {
            Some((Some(a), _)) if a == "global" => {
                let content = without(&doc, "action");
                global = Some(match global.take() {
                    Some(mut g) => {
                        merge(&mut g, &content);
                        g
                    }
                    None => content,
                });
            }
            Some((Some(a), _)) if a == "reset" => global = None,
            Some((Some(a), span)) if a == "repeat" => match previous.and_then(|i| out.get(i)) {
                Some(DocKind::Rule(prev)) => {
                    let mut rule = prev.clone();
                    merge(&mut rule, &without(&doc, "action"));
                    previous = Some(out.len());
                    out.push(DocKind::Rule(rule));
                }
                _ => cx.error(
                    codes::SIGMA,
                    span,
                    "`action: repeat` has no rule document before it to repeat",
                    "nothing to repeat",
                    "put the rule to repeat before this document",
                ),
            },
            Some((_, span)) => cx.error(
                codes::SIGMA,
                span,
                "unknown collection action",
                "not an action",
                "actions are global, reset and repeat",
            ),
            None if doc.get("correlation").is_some() => out.push(DocKind::Correlation(doc)),
            None if doc.get("filter").is_some() => out.push(DocKind::Filter(doc)),
            None => {
                let mut rule = doc;
                if let Some(g) = &global {
                    merge(&mut rule, g);
                }
                previous = Some(out.len());
                out.push(DocKind::Rule(rule));
            }
        }
    }
    out
}

/// A mapping without one key.
fn without<'a>(doc: &Node<'a>, key: &str) -> Node<'a> {
    let mut out = doc.clone();
    if let NodeKind::Map(entries) = &mut out.kind {
        entries.retain(|(k, _)| k.as_text() != Some(key));
    }
    out
}

/// Deep-merges `src` into `dst`: mappings merge key by key, anything else
/// from `src` replaces what `dst` has.
pub fn merge<'a>(dst: &mut Node<'a>, src: &Node<'a>) {
    let (NodeKind::Map(d), NodeKind::Map(s)) = (&mut dst.kind, &src.kind) else {
        *dst = src.clone();
        return;
    };
    for (sk, sv) in s {
        match d.iter_mut().find(|(dk, _)| dk.as_text() == sk.as_text()) {
            Some((_, dv)) => merge(dv, sv),
            None => d.push((sk.clone(), sv.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigma::yaml::parse_stream;

    fn roots(text: &str) -> Vec<Node<'_>> {
        parse_stream(text)
            .0
            .into_iter()
            .filter_map(|d| d.root)
            .collect()
    }

    #[test]
    fn global_and_repeat() {
        let text = "action: global\nlogsource: {product: p}\ndetection: {condition: sel}\n---\ntitle: a\ndetection: {sel: {f: 1}}\n---\naction: repeat\ntitle: b\n---\naction: reset\n---\ntitle: c\n";
        let mut cx = Cx::new(text, false);
        let docs = resolve(&mut cx, roots(text));
        assert!(cx.diags.is_empty());
        let rules: Vec<&Node> = docs
            .iter()
            .map(|d| match d {
                DocKind::Rule(n) => n,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(rules.len(), 3);
        assert_eq!(
            rules[0]
                .get("logsource")
                .and_then(|l| l.get("product"))
                .and_then(Node::as_text),
            Some("p")
        );
        let det = rules[1].get("detection").unwrap();
        assert!(det.get("sel").is_some() && det.get("condition").is_some());
        assert_eq!(rules[1].get("title").and_then(Node::as_text), Some("b"));
        assert!(rules[2].get("logsource").is_none());
    }
}

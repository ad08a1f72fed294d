//! Search identifiers → IR filters.
//!
//! A definition is a map (its items ANDed), a list of maps (ORed), or a list
//! of plain values (keywords, ORed). An item is `field|modifiers: value(s)`;
//! its values are ORed unless `all` is given.

use super::Cx;
use super::modifiers::{self, Mode, Plan};
use super::values;
use super::yaml::{Node, NodeKind};
use crate::diagnostic::codes;
use crate::ir::{Filter, Keyword};

/// A search identifier and what it matches.
#[derive(Clone, Debug)]
pub struct Selection {
    /// Its name.
    pub name: String,
    /// The filter (`None` if it had errors, already reported).
    pub filter: Option<Filter>,
}

/// Lowers every search identifier of a `detection` (or filter) map: all keys
/// except those in `exclude` (`condition`, and a filter's `rules`).
pub fn selections(cx: &mut Cx, detection: &Node, exclude: &[&str]) -> Vec<Selection> {
    let Some(entries) = detection.as_map() else {
        cx.error(
            codes::SIGMA,
            detection.span,
            format!(
                "`detection` must be a mapping, not {}",
                detection.describe()
            ),
            "not a mapping",
            "write search identifiers and a `condition` under `detection:`",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let Some(name) = k.as_text() else { continue };
        if exclude.contains(&name) {
            continue;
        }
        if name == "timeframe" {
            cx.warning(
                codes::SIGMA,
                k.span,
                "`timeframe` is Sigma v1 syntax and has no effect here",
                "ignored",
                "express time windows with a correlation rule (`timespan`)",
            );
            continue;
        }
        let filter = definition(cx, name, v);
        out.push(Selection {
            name: name.to_string(),
            filter,
        });
    }
    out
}

/// One search identifier's definition.
fn definition(cx: &mut Cx, name: &str, node: &Node) -> Option<Filter> {
    match &node.kind {
        NodeKind::Map(entries) => {
            if entries.is_empty() {
                cx.error(
                    codes::SIGMA,
                    node.span,
                    format!("the search identifier `{name}` is empty"),
                    "empty",
                    "give it field: value items, or remove it",
                );
                return None;
            }
            let mut ok = true;
            let mut items = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                match item(cx, k, v) {
                    Some(f) => items.push(f),
                    None => ok = false,
                }
            }
            ok.then(|| Filter::and(items))
        }
        NodeKind::Seq(elems) => {
            if elems.is_empty() {
                cx.error(
                    codes::SIGMA,
                    node.span,
                    format!("the search identifier `{name}` is an empty list"),
                    "empty",
                    "give it values or field: value items, or remove it",
                );
                return None;
            }
            let mut ok = true;
            let mut alts = Vec::with_capacity(elems.len());
            for e in elems {
                let f = match &e.kind {
                    NodeKind::Map(_) => definition(cx, name, e),
                    NodeKind::Scalar(_) => keyword(cx, e),
                    NodeKind::Seq(_) => {
                        cx.error(
                            codes::SIGMA,
                            e.span,
                            "a list inside a search identifier's list",
                            "nested list",
                            "flatten the list, or make each item a `field: value` map",
                        );
                        None
                    }
                };
                match f {
                    Some(f) => alts.push(f),
                    None => ok = false,
                }
            }
            ok.then(|| or(alts))
        }
        NodeKind::Scalar(_) => {
            if node.is_null() {
                cx.error(
                    codes::SIGMA,
                    node.span,
                    format!("the search identifier `{name}` has no definition"),
                    "empty",
                    "give it field: value items or keywords, or remove it",
                );
                return None;
            }
            keyword(cx, node)
        }
    }
}

/// One plain value in a keyword list.
fn keyword(cx: &mut Cx, node: &Node) -> Option<Filter> {
    let texts = values::keyword_texts(cx, node, &[])?;
    Some(or(texts
        .into_iter()
        .map(|text| {
            Filter::Keyword(Keyword {
                text,
                cased: false,
                span: node.span,
            })
        })
        .collect()))
}

/// `a or b or ...` (a single item stays as it is).
pub fn or(mut items: Vec<Filter>) -> Filter {
    if items.len() == 1 {
        items.pop().unwrap_or(Filter::True)
    } else {
        Filter::Or(items)
    }
}

/// The values of an item: a list's elements, or the one scalar.
fn value_nodes<'n, 'a>(cx: &mut Cx, key: &Node, value: &'n Node<'a>) -> Option<Vec<&'n Node<'a>>> {
    match &value.kind {
        NodeKind::Scalar(_) => Some(vec![value]),
        NodeKind::Seq(items) => {
            let mut ok = true;
            for i in items {
                if !matches!(i.kind, NodeKind::Scalar(_)) {
                    ok = false;
                    cx.error(
                        codes::SIGMA,
                        i.span,
                        format!("a value list holds {}", i.describe()),
                        "not a plain value",
                        "list plain values only (quote text that YAML would read otherwise)",
                    );
                }
            }
            ok.then(|| items.iter().collect())
        }
        NodeKind::Map(_) => {
            let written = cx.src.get(value.span.start..value.span.end).unwrap_or("");
            let field = key.as_text().unwrap_or("");
            cx.error(
                codes::SIGMA,
                value.span,
                format!("the value of `{field}` is a YAML mapping, not a value"),
                "YAML reads unquoted `{...}` as a mapping",
                format!("quote the value: '{}'", written.trim()),
            );
            None
        }
    }
}

/// One `field|modifiers: values` item.
fn item(cx: &mut Cx, key: &Node, value: &Node) -> Option<Filter> {
    let parsed = modifiers::parse_key(cx, key)?;
    let plan = modifiers::plan(cx, &parsed.mods)?;
    let nodes = value_nodes(cx, key, value)?;
    let filter = match &parsed.field {
        None => keyword_item(cx, key, &plan, &nodes)?,
        Some((name, _)) => {
            if value.is_empty_value() {
                empty_value_warning(cx, name, value);
            }
            let field = cx.field(name);
            values::field_item(cx, &field, &plan, &nodes, key.span)?
        }
    };
    Some(if plan.neq {
        Filter::Not(Box::new(filter))
    } else {
        filter
    })
}

/// A keyword search with modifiers: `'|all': [a, b]`, `'|contains': x`.
fn keyword_item(cx: &mut Cx, key: &Node, plan: &Plan, nodes: &[&Node]) -> Option<Filter> {
    let Mode::Plain(transforms) = &plan.mode else {
        cx.error(
            codes::SIGMA,
            key.span,
            "this modifier needs a field name",
            "keyword search",
            "keywords take only string modifiers (contains, all, base64, ...); name a field",
        );
        return None;
    };
    let mut per_value = Vec::with_capacity(nodes.len());
    for n in nodes {
        let texts = values::keyword_texts(cx, n, transforms)?;
        per_value.push(or(texts
            .into_iter()
            .map(|text| {
                Filter::Keyword(Keyword {
                    text,
                    cased: plan.cased,
                    span: n.span,
                })
            })
            .collect()));
    }
    Some(if plan.all {
        Filter::and(per_value)
    } else {
        or(per_value)
    })
}

/// The warning for `field:` with nothing after it (Sigma reads null).
fn empty_value_warning(cx: &mut Cx, field: &str, value: &Node) {
    let after = cx.src.get(value.span.end..).unwrap_or("");
    let commented = after
        .lines()
        .skip(1)
        .map(str::trim)
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with('#'));
    let mut help =
        String::from("write `null` to match events without the field, or give the values");
    if commented {
        help.push_str("; the lines after it are comments: were all the list items commented out?");
    }
    cx.warning(
        codes::SIGMA,
        value.span,
        format!(
            "`{field}` has no value, which Sigma reads as null: this matches only events without `{field}`"
        ),
        "empty value",
        help,
    );
}

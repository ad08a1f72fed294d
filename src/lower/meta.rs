//! Metadata entries → [`ir::Meta`].

use super::Lowerer;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{self, Scope};
use crate::syntax::ast::{MetaEntry, MetaValue, Node};

/// Levels Sigma defines.
pub const LEVELS: &[&str] = &["informational", "low", "medium", "high", "critical"];
/// Statuses Sigma defines.
pub const STATUSES: &[&str] = &[
    "stable",
    "test",
    "experimental",
    "deprecated",
    "unsupported",
];
/// Extra keys Vigil knows and keeps (anything else gets a warning, in case of
/// a typo, and is kept too).
const KNOWN_EXTRA: &[&str] = &[
    "explanation",
    "prevention",
    "comments",
    "license",
    "related",
    "fields",
    "taxonomy",
    "schedule",
    "risk_score",
];

/// Lowers the header's metadata; also returns the scope setting.
pub(crate) fn lower_meta(cx: &mut Lowerer, entries: &[Node<MetaEntry>]) -> (ir::Meta, Scope) {
    let mut meta = ir::Meta::default();
    let mut scope = Scope::Profile;
    let mut seen: Vec<&str> = Vec::new();
    for e in entries {
        let key = e.node.key.node.as_str();
        if seen.contains(&key) {
            cx.diags.push(
                Diagnostic::error(codes::META, format!("`{key}` is given twice"))
                    .with_label(e.node.key.span, "second entry")
                    .with_help("keep one of the entries"),
            );
            continue;
        }
        seen.push(key);
        let v = &e.node.value;
        match key {
            "id" => {
                meta.id = text(cx, key, v);
                if let Some(Err(why)) = meta.id.as_deref().map(crate::ir::check_id) {
                    cx.diags.push(
                        Diagnostic::error(codes::META, format!("bad `id`: {why}"))
                            .with_label(v.span, "this id")
                            .with_help("use a UUID, such as the output of `uuidgen`"),
                    );
                }
            }
            "title" => meta.title = text(cx, key, v),
            "name" => meta.name = text(cx, key, v),
            "description" => meta.description = text(cx, key, v),
            "author" => meta.author = text(cx, key, v),
            "date" => meta.date = text(cx, key, v),
            "modified" => meta.modified = text(cx, key, v),
            "status" => meta.status = one_of(cx, key, v, STATUSES),
            "level" => meta.level = one_of(cx, key, v, LEVELS),
            "tags" => meta.tags = texts(cx, key, v),
            "references" => meta.references = texts(cx, key, v),
            "falsepositives" => meta.falsepositives = texts(cx, key, v),
            "logsource" => match &v.node {
                MetaValue::Map(pairs) => {
                    for (k, val) in pairs {
                        if let Some(t) = text(cx, &k.node, val) {
                            meta.logsource.insert(k.node.clone(), t);
                        }
                    }
                }
                _ => type_error(cx, key, v, "a map such as {product: auth0}"),
            },
            "scope" => match text(cx, key, v).as_deref() {
                Some("profile") => scope = Scope::Profile,
                Some("none") => scope = Scope::None,
                Some(_) => type_error(cx, key, v, "`profile` or `none`"),
                None => {}
            },
            _ => {
                if !KNOWN_EXTRA.contains(&key) {
                    cx.diags.push(
                        Diagnostic::warning(codes::META, format!("unknown metadata key `{key}`"))
                            .with_label(e.node.key.span, "kept as extra metadata")
                            .with_help(
                                "standard keys: id, title, status, description, author, date, modified, level, tags, references, falsepositives, logsource, scope",
                            ),
                    );
                }
                meta.extra.insert(key.to_string(), to_json(&v.node));
            }
        }
    }
    if meta.title.is_none() {
        cx.diags.push(
            Diagnostic::warning(codes::META, "the detection has no `title`")
                .with_label(crate::source::Span::new(0, 0), "add `title: \"...\"`"),
        );
    }
    (meta, scope)
}

fn type_error(cx: &mut Lowerer, key: &str, v: &Node<MetaValue>, expected: &str) {
    cx.diags.push(
        Diagnostic::error(codes::META, format!("`{key}` must be {expected}"))
            .with_label(v.span, "wrong kind of value"),
    );
}

fn text(cx: &mut Lowerer, key: &str, v: &Node<MetaValue>) -> Option<String> {
    match &v.node {
        MetaValue::Str(s) | MetaValue::Date(s) | MetaValue::Word(s) | MetaValue::Number(s) => {
            Some(s.clone())
        }
        _ => {
            type_error(cx, key, v, "text");
            None
        }
    }
}

fn one_of(cx: &mut Lowerer, key: &str, v: &Node<MetaValue>, allowed: &[&str]) -> Option<String> {
    let t = text(cx, key, v)?;
    if allowed.contains(&t.as_str()) {
        Some(t)
    } else {
        cx.diags.push(
            Diagnostic::error(codes::META, format!("`{key}` cannot be `{t}`"))
                .with_label(v.span, "not allowed")
                .with_help(format!("use one of: {}", allowed.join(", "))),
        );
        None
    }
}

fn texts(cx: &mut Lowerer, key: &str, v: &Node<MetaValue>) -> Vec<String> {
    match &v.node {
        MetaValue::List(items) => items.iter().filter_map(|i| text(cx, key, i)).collect(),
        _ => text(cx, key, v).into_iter().collect(),
    }
}

/// A metadata value as JSON (for `extra`).
fn to_json(v: &MetaValue) -> serde_json::Value {
    match v {
        MetaValue::Str(s) | MetaValue::Date(s) | MetaValue::Word(s) => {
            serde_json::Value::from(s.clone())
        }
        MetaValue::Number(n) => n
            .parse::<i64>()
            .map(serde_json::Value::from)
            .or_else(|_| n.parse::<f64>().map(serde_json::Value::from))
            .unwrap_or_else(|_| serde_json::Value::from(n.clone())),
        MetaValue::List(items) => {
            serde_json::Value::Array(items.iter().map(|i| to_json(&i.node)).collect())
        }
        MetaValue::Map(pairs) => serde_json::Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.node.clone(), to_json(&v.node)))
                .collect(),
        ),
    }
}

//! Sigma metadata → [`ir::Meta`]. Standard fields are typed and checked;
//! every other key (`related`, `fields`, `license`, and catalog fields such
//! as `splunk`, `tenant_logs`, `explanation`, `prevention`, `comments`) is
//! kept in `extra` as JSON.

use super::Cx;
use super::yaml::{Node, NodeKind};
use crate::diagnostic::codes;
use crate::ir;
use crate::lower::meta::{LEVELS, STATUSES};

/// Keys that are not metadata (the rule's body).
const BODY: &[&str] = &["detection", "correlation", "filter", "action"];

/// Reads the metadata of a rule, correlation or filter document.
pub fn read(cx: &mut Cx, root: &Node) -> ir::Meta {
    let mut meta = ir::Meta::default();
    let Some(entries) = root.as_map() else {
        return meta;
    };
    for (k, v) in entries {
        let Some(key) = k.as_text() else { continue };
        match key {
            "title" => meta.title = text(cx, key, v),
            "id" => {
                meta.id = text(cx, key, v);
                check_id(cx, meta.id.as_deref(), v);
            }
            "name" => meta.name = text(cx, key, v),
            "description" => meta.description = text(cx, key, v),
            "date" => meta.date = text(cx, key, v),
            "modified" => meta.modified = text(cx, key, v),
            "author" => {
                // Several authors are one comma-separated string; a list is
                // joined the same way.
                meta.author = match &v.kind {
                    NodeKind::Seq(_) => Some(texts(cx, key, v).join(", ")),
                    _ => text(cx, key, v),
                }
            }
            "status" => meta.status = one_of(cx, key, v, STATUSES),
            "level" => meta.level = one_of(cx, key, v, LEVELS),
            "tags" => meta.tags = texts(cx, key, v),
            "references" => meta.references = texts(cx, key, v),
            "falsepositives" => meta.falsepositives = texts(cx, key, v),
            "logsource" => match v.as_map() {
                Some(pairs) => {
                    for (lk, lv) in pairs {
                        if let (Some(lk), Some(lv)) = (lk.as_text(), lv.as_text()) {
                            meta.logsource.insert(lk.to_string(), lv.to_string());
                        }
                    }
                }
                None if v.is_null() => {}
                None => cx.error(
                    codes::SIGMA,
                    v.span,
                    "`logsource` must be a mapping",
                    "not a mapping",
                    "write `logsource: {product: ..., category: ...}`",
                ),
            },
            _ if BODY.contains(&key) => {}
            _ => {
                meta.extra.insert(key.to_string(), v.to_json());
            }
        }
    }
    meta
}

fn text(cx: &mut Cx, key: &str, v: &Node) -> Option<String> {
    if v.is_null() {
        return None;
    }
    match v.as_text() {
        Some(t) => Some(t.to_string()),
        None => {
            cx.error(
                codes::SIGMA,
                v.span,
                format!("`{key}` must be text, not {}", v.describe()),
                "wrong kind of value",
                "write a single text value",
            );
            None
        }
    }
}

/// An id must be safe to name a package entry; Sigma also asks for a UUID,
/// which is only a warning (B10: many rule sets use other ids).
fn check_id(cx: &mut Cx, id: Option<&str>, v: &Node) {
    let Some(id) = id else { return };
    if let Err(why) = crate::ir::check_id(id) {
        cx.error(
            codes::SIGMA,
            v.span,
            format!("bad `id`: {why}"),
            "this id",
            "use a UUID, such as the output of `uuidgen`",
        );
    } else if !crate::ir::is_uuid(id) {
        cx.warning(
            codes::SIGMA,
            v.span,
            "the `id` is not a UUID, as the Sigma specification asks",
            "this id",
            "use a UUID, such as the output of `uuidgen`",
        );
    }
}

fn texts(cx: &mut Cx, key: &str, v: &Node) -> Vec<String> {
    match &v.kind {
        NodeKind::Seq(items) => items.iter().filter_map(|i| text(cx, key, i)).collect(),
        _ => text(cx, key, v).into_iter().collect(),
    }
}

fn one_of(cx: &mut Cx, key: &str, v: &Node, allowed: &[&str]) -> Option<String> {
    let t = text(cx, key, v)?;
    if allowed.contains(&t.as_str()) {
        Some(t)
    } else {
        cx.error(
            codes::SIGMA,
            v.span,
            format!("`{key}` cannot be `{t}`"),
            "not allowed",
            format!("use one of: {}", allowed.join(", ")),
        );
        None
    }
}

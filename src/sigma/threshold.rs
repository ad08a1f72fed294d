//! The `condition` of a correlation: thresholds (`gte: 10`, ranges,
//! `field`, `percentile`) or, for temporal types, an expression over rule
//! names.

use super::Cx;
use super::correlation::{Condition, Kind, Named};
use super::yaml::{Node, NodeKind, Typed};
use crate::diagnostic::codes;
use crate::ir::{BinOp, Value};
use crate::source::Span;

pub fn condition(
    cx: &mut Cx,
    c: &Node,
    kind: Kind,
    n_rules: usize,
    span: Span,
) -> Option<Condition> {
    let Some(cond) = c.get("condition") else {
        if kind.is_temporal() {
            // pySigma: all the rules must match.
            let n = i64::try_from(n_rules).unwrap_or(i64::MAX);
            return Some(Condition::Thresholds {
                ops: vec![(BinOp::Ge, Value::Int(n), span)],
                field: None,
                percentile: None,
            });
        }
        cx.error(
            codes::SIGMA,
            span,
            "the correlation has no `condition`",
            "no condition",
            "add `condition: {gte: 10}`",
        );
        return None;
    };
    if cond.as_scalar().is_some() && !cond.is_null() {
        if kind.is_temporal() {
            return Some(Condition::Extended(cond.clone().into_owned()));
        }
        cx.error(
            codes::SIGMA,
            cond.span,
            "only temporal correlations take a condition over rule names",
            "not a threshold",
            "write `condition: {gte: 10}`",
        );
        return None;
    }
    let Some(entries) = cond.as_map() else {
        cx.error(
            codes::SIGMA,
            cond.span,
            "`condition` must be a mapping such as {gte: 10}",
            "not a condition",
            "write `condition: {gte: 10}`",
        );
        return None;
    };
    let mut ops = Vec::new();
    let mut field = None;
    let mut percentile = None;
    for (k, v) in entries {
        let key = k.as_text().unwrap_or("");
        let op = match key {
            "gt" => BinOp::Gt,
            "gte" => BinOp::Ge,
            "lt" => BinOp::Lt,
            "lte" => BinOp::Le,
            "eq" => BinOp::Eq,
            "neq" => BinOp::Ne,
            "field" => {
                field = match &v.kind {
                    NodeKind::Seq(items) if items.len() == 1 => {
                        items[0].as_text().map(|t| (t.to_string(), items[0].span))
                    }
                    _ => v.as_text().map(|t| (t.to_string(), v.span)),
                };
                if field.is_none() {
                    cx.error(
                        codes::SIGMA_UNSUPPORTED,
                        v.span,
                        "the condition's `field` must name one field",
                        "not one field name",
                        "aggregate one field per correlation",
                    );
                }
                continue;
            }
            "percentile" => {
                percentile = match v.typed() {
                    Some(Typed::Int(p)) if (0..=100).contains(&p) => u8::try_from(p).ok(),
                    _ => {
                        cx.error(
                            codes::SIGMA,
                            v.span,
                            "`percentile` must be a whole number from 0 to 100",
                            "invalid percentile",
                            "write `percentile: 95`",
                        );
                        None
                    }
                };
                continue;
            }
            _ => {
                cx.error(
                    codes::SIGMA,
                    k.span,
                    format!("unknown condition key `{key}`"),
                    "not a condition key",
                    "condition keys: gt, gte, lt, lte, eq, neq, field, percentile",
                );
                continue;
            }
        };
        let value = match v.typed() {
            Some(Typed::Int(i)) => Value::Int(i),
            Some(Typed::Float(f, t)) => Value::Float(f, t.to_string()),
            Some(Typed::Str(s)) => match super::yaml::resolve_plain(s.trim()) {
                Typed::Int(i) => Value::Int(i),
                Typed::Float(f, t) => Value::Float(f, t.to_string()),
                _ => {
                    cx.error(
                        codes::SIGMA,
                        v.span,
                        format!("`{key}` needs a number"),
                        "not a number",
                        "write a number such as 10",
                    );
                    continue;
                }
            },
            _ => {
                cx.error(
                    codes::SIGMA,
                    v.span,
                    format!("`{key}` needs a number"),
                    "not a number",
                    "write a number such as 10",
                );
                continue;
            }
        };
        ops.push((op, value, k.span.to(v.span)));
    }
    if ops.is_empty() {
        cx.error(
            codes::SIGMA,
            cond.span,
            "the condition has no threshold",
            "no gt/gte/lt/lte/eq/neq",
            "add one, such as `gte: 10`",
        );
        return None;
    }
    if kind.needs_field() && field.is_none() {
        cx.error(
            codes::SIGMA,
            cond.span,
            "this correlation type needs `field` in its condition",
            "no field",
            "name the aggregated field: `field: bytes_sent`",
        );
        return None;
    }
    if kind == Kind::ValuePercentile && percentile.is_none() {
        cx.error(
            codes::SIGMA,
            cond.span,
            "`value_percentile` needs `percentile` in its condition",
            "no percentile",
            "add `percentile: 95`",
        );
        return None;
    }
    Some(Condition::Thresholds {
        ops,
        field,
        percentile,
    })
}

/// The rule names an extended condition uses, in order of appearance.
pub fn extended_names(expr: &Node) -> Vec<Named> {
    let text = expr.as_text().unwrap_or("");
    let mut out: Vec<Named> = Vec::new();
    for w in text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')) {
        if w.is_empty() || ["and", "or", "not"].contains(&w.to_ascii_lowercase().as_str()) {
            continue;
        }
        if !out.iter().any(|(n, _)| n == w) {
            out.push((w.to_string(), expr.span));
        }
    }
    out
}

//! Correlation rule documents (Sigma correlations v2, plus pySigma's metric
//! types and extended temporal conditions): reading and checking. The
//! lowering into pipeline stages is in `correlate.rs`.

use super::Cx;
use super::meta;
use super::rule::start_span;
use super::threshold;
use super::yaml::{Node, NodeKind, Typed};
use crate::diagnostic::codes;
use crate::ir::{BinOp, Duration, Meta, TimeUnit, Value};
use crate::source::Span;

/// The correlation types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Events per group.
    EventCount,
    /// Distinct values of a field per group.
    ValueCount,
    /// All rules matched in the window.
    Temporal,
    /// All rules matched in the window, in order.
    TemporalOrdered,
    /// Sum of a field.
    ValueSum,
    /// Mean of a field.
    ValueAvg,
    /// A percentile of a field.
    ValuePercentile,
    /// Median of a field.
    ValueMedian,
    /// Smallest value of a field (correlation schema).
    ValueMin,
    /// Largest value of a field (correlation schema).
    ValueMax,
}

const KINDS: &[(&str, Kind)] = &[
    ("event_count", Kind::EventCount),
    ("value_count", Kind::ValueCount),
    ("temporal", Kind::Temporal),
    ("temporal_ordered", Kind::TemporalOrdered),
    ("value_sum", Kind::ValueSum),
    ("value_avg", Kind::ValueAvg),
    ("value_percentile", Kind::ValuePercentile),
    ("value_median", Kind::ValueMedian),
    ("value_min", Kind::ValueMin),
    ("value_max", Kind::ValueMax),
];

impl Kind {
    /// True for `temporal` and `temporal_ordered`.
    pub fn is_temporal(self) -> bool {
        matches!(self, Kind::Temporal | Kind::TemporalOrdered)
    }

    /// True for the types that aggregate a field.
    pub fn needs_field(self) -> bool {
        !matches!(
            self,
            Kind::EventCount | Kind::Temporal | Kind::TemporalOrdered
        )
    }
}

/// A text and where it is written.
pub type Named = (String, Span);

/// The condition of a correlation.
#[derive(Debug)]
pub enum Condition {
    /// Thresholds on the aggregate, ANDed (one for pySigma compatibility; a
    /// range such as `gt` + `lte` is allowed, as in the specification).
    Thresholds {
        /// Operator and value.
        ops: Vec<(BinOp, Value, Span)>,
        /// The aggregated field (`value_*`; with `event_count`, events where
        /// the field is present are counted).
        field: Option<Named>,
        /// The percentile of `value_percentile`.
        percentile: Option<u8>,
    },
    /// A boolean expression over rule names (temporal types).
    Extended(Node<'static>),
}

/// An alias: one group-by name for differently named fields per rule.
#[derive(Debug)]
pub struct Alias {
    /// The name used in `group-by`.
    pub name: Named,
    /// Rule reference → field in that rule's events.
    pub fields: Vec<(Named, Named)>,
}

/// A correlation document.
#[derive(Debug)]
pub struct Correlation {
    /// Metadata.
    pub meta: Meta,
    /// The type.
    pub kind: Kind,
    /// The referenced rules (ids or names).
    pub rules: Vec<Named>,
    /// Where `rules` is written.
    pub rules_span: Span,
    /// Grouping fields or aliases.
    pub group_by: Vec<Named>,
    /// The window.
    pub timespan: Duration,
    /// The condition.
    pub condition: Condition,
    /// Aliases.
    pub aliases: Vec<Alias>,
    /// Emit the referenced rules as queries too.
    pub generate: bool,
    /// Where it starts.
    pub span: Span,
}

/// Reads a correlation document.
pub fn read(cx: &mut Cx, root: &Node) -> (Meta, Option<Correlation>) {
    let errors = cx.errors();
    let meta = meta::read(cx, root);
    let span = start_span(root);
    let Some(c) = root.get("correlation").filter(|c| c.as_map().is_some()) else {
        cx.error(
            codes::SIGMA,
            span,
            "`correlation` must be a mapping",
            "not a correlation",
            "give it type, rules, timespan, group-by and condition",
        );
        return (meta, None);
    };
    let kind = kind(cx, c, span);
    let rules_node = c.get("rules");
    let mut rules = rules_node
        .map(|r| names(cx, r, "rules"))
        .unwrap_or_default();
    let group_by = c
        .get("group-by")
        .map(|g| names(cx, g, "group-by"))
        .unwrap_or_default();
    let timespan = timespan(cx, c, span);
    let aliases = c.get("aliases").map(|a| aliases(cx, a)).unwrap_or_default();
    let generate = match c.get("generate").map(|g| (g.typed(), g.span)) {
        None => false,
        Some((Some(Typed::Bool(b)), _)) => b,
        Some((_, s)) => {
            cx.error(
                codes::SIGMA,
                s,
                "`generate` must be true or false",
                "not a boolean",
                "write `generate: true` to also emit the referenced rules",
            );
            false
        }
    };
    let condition = kind.and_then(|k| threshold::condition(cx, c, k, rules.len(), span));
    if let (Some(Condition::Extended(expr)), true) = (&condition, rules.is_empty()) {
        // Extended conditions may leave `rules` out: they name the rules.
        rules = threshold::extended_names(expr);
    }
    for (i, (name, span)) in rules.iter().enumerate() {
        if rules[..i].iter().any(|(n, _)| n == name) {
            cx.error(
                codes::SIGMA,
                *span,
                format!("`{name}` is listed twice"),
                "duplicate rule",
                "list each rule once",
            );
        }
    }
    if rules.is_empty() && cx.errors() == errors {
        cx.error(
            codes::SIGMA,
            rules_node.map_or(span, |r| r.span),
            "the correlation refers to no rule",
            "no rules",
            "list the ids or names of the rules it correlates under `rules:`",
        );
    }
    let (Some(kind), Some(timespan), Some(condition)) = (kind, timespan, condition) else {
        return (meta, None);
    };
    if cx.errors() != errors {
        return (meta, None);
    }
    let corr = Correlation {
        meta: meta.clone(),
        kind,
        rules,
        rules_span: rules_node.map_or(span, |r| r.span),
        group_by,
        timespan,
        condition,
        aliases,
        generate,
        span,
    };
    (meta, Some(corr))
}

fn kind(cx: &mut Cx, c: &Node, span: Span) -> Option<Kind> {
    let Some(t) = c.get("type") else {
        cx.error(
            codes::SIGMA,
            span,
            "the correlation has no `type`",
            "no type",
            "add `type: event_count` (or value_count, temporal, ...)",
        );
        return None;
    };
    let text = t.as_text().unwrap_or("").to_ascii_lowercase();
    match KINDS.iter().find(|(n, _)| *n == text) {
        Some((_, k)) => Some(*k),
        None => {
            let names: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
            cx.error(
                codes::SIGMA,
                t.span,
                format!("unknown correlation type `{}`", t.as_text().unwrap_or("")),
                "not a correlation type",
                format!("correlation types: {}", names.join(", ")),
            );
            None
        }
    }
}

/// A string or a list of strings.
fn names(cx: &mut Cx, n: &Node, key: &str) -> Vec<Named> {
    let items: Vec<&Node> = match &n.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        _ => vec![n],
    };
    let mut out = Vec::new();
    for i in items {
        match i.as_text() {
            Some(t) => out.push((t.to_string(), i.span)),
            None => cx.error(
                codes::SIGMA,
                i.span,
                format!("`{key}` lists names, not {}", i.describe()),
                "not a name",
                "write a name or a list of names",
            ),
        }
    }
    out
}

fn timespan(cx: &mut Cx, c: &Node, span: Span) -> Option<Duration> {
    let Some(t) = c.get("timespan") else {
        cx.error(
            codes::SIGMA,
            span,
            "the correlation has no `timespan`",
            "no timespan",
            "add `timespan: 1h` (s, m, h, d, w, M, y)",
        );
        return None;
    };
    let text = t.as_text().unwrap_or("");
    let digits = text.trim_end_matches(|c: char| !c.is_ascii_digit());
    let unit = match &text[digits.len()..] {
        "s" => Some(TimeUnit::S),
        "m" => Some(TimeUnit::M),
        "h" => Some(TimeUnit::H),
        "d" => Some(TimeUnit::D),
        "w" => Some(TimeUnit::W),
        "M" => Some(TimeUnit::Mon),
        "y" => Some(TimeUnit::Y),
        _ => None,
    };
    match (digits.parse::<u64>().ok().filter(|n| *n > 0), unit) {
        (Some(amount), Some(unit)) if digits.bytes().all(|b| b.is_ascii_digit()) => {
            Some(Duration { amount, unit })
        }
        _ => {
            cx.error(
                codes::SIGMA,
                t.span,
                format!("`{text}` is not a Sigma timespan"),
                "invalid timespan",
                "write a positive number and one unit: 30s, 5m, 1h, 7d, 2w, 1M, 1y",
            );
            None
        }
    }
}

fn aliases(cx: &mut Cx, a: &Node) -> Vec<Alias> {
    let Some(entries) = a.as_map() else {
        cx.error(
            codes::SIGMA,
            a.span,
            "`aliases` must be a mapping",
            "not a mapping",
            "write `aliases: {alias: {rule_name: field}}`",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let Some(name) = k.as_text() else { continue };
        let Some(map) = v.as_map() else {
            cx.error(
                codes::SIGMA,
                v.span,
                format!("alias `{name}` must map rule names to fields"),
                "not a mapping",
                "write `rule_name: field` pairs",
            );
            continue;
        };
        let fields = map
            .iter()
            .filter_map(|(rk, fv)| {
                Some((
                    (rk.as_text()?.to_string(), rk.span),
                    (fv.as_text()?.to_string(), fv.span),
                ))
            })
            .collect();
        out.push(Alias {
            name: (name.to_string(), k.span),
            fields,
        });
    }
    out
}

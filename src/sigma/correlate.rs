//! Correlations → IR pipelines, so that every target sees the window and the
//! threshold (never just the base rules' filter):
//!
//! - `event_count`: `bin timestamp span=T | stats count as event_count by
//!   timestamp, G | where event_count OP N` (with `field`: `count(field)`,
//!   the events where it is present).
//! - `value_count`: `dc(field) as value_count`; `value_sum`/`avg`/`median`/
//!   `percentile`/`min`/`max`: `sum`/`avg`/`median`/`percN`/`min`/`max`.
//! - `temporal`: `stats count(eval(<rule i matches>)) as <rule>_count ...`,
//!   then `event_type_count` = how many rules matched; an extended condition
//!   (`a and not b`) becomes `search a_count>0 NOT b_count>0`. Counting per
//!   rule (rather than typing each event with one rule name, as pySigma's
//!   SPL does) stays exact when an event matches several rules.
//! - `temporal_ordered`: the earliest time of each rule after the previous
//!   rule's, one `eventstats` per rule (a greedy chain, which exists exactly
//!   when the events can be ordered as the rules are); `event_type_count` is
//!   how many rules, from the first, matched in order.
//!
//! Windows are fixed buckets (`bin`), as in pySigma's backends.

use super::Cx;
use super::condition;
use super::correlation::{Condition, Correlation, Kind};
use super::detection::Selection;
use crate::diagnostic::codes;
use crate::ir::{
    AggArg, AggFunc, Aggregate, Alias, Assign, BinOp, Expr, FieldRef, Filter, Func, List, Ordering,
    Pred, Stage, StageKind, TIMESTAMP, Test, Value,
};
use crate::source::Span;

/// A referenced rule, resolved.
pub struct Input {
    /// The reference as written (its column names derive from it).
    pub label: String,
    /// Its name and id, for matching aliases.
    pub names: Vec<String>,
    /// What it matches.
    pub filter: Filter,
}

/// The filter and pipeline of a correlation.
pub fn lower(cx: &mut Cx, c: &Correlation, inputs: &[Input]) -> Option<(Filter, Vec<Stage>)> {
    let errors = cx.errors();
    let span = c.span;
    let stage = |kind: StageKind| Stage {
        kind,
        comments: Vec::new(),
        span,
        hints: Default::default(),
    };
    let filter = match inputs {
        [one] => one.filter.clone(),
        _ => Filter::Or(inputs.iter().map(|i| i.filter.clone()).collect()),
    };
    let mut stages = Vec::new();
    let mut by = vec![FieldRef::event(TIMESTAMP)];
    for (g, gspan) in &c.group_by {
        match c.aliases.iter().find(|a| &a.name.0 == g) {
            Some(alias) => {
                let value = alias_value(cx, alias, inputs, *gspan)?;
                stages.push(stage(StageKind::Eval {
                    assignments: vec![Assign {
                        field: FieldRef::local(g),
                        value,
                    }],
                }));
                by.push(FieldRef::local(g));
            }
            None => by.push(cx.field(g)),
        }
    }
    let by = List::commas(by);
    let bin = stage(StageKind::Bin {
        field: FieldRef::event(TIMESTAMP),
        span: c.timespan,
    });
    match (&c.condition, c.kind) {
        (
            Condition::Thresholds {
                ops,
                field,
                percentile,
            },
            kind,
        ) if !kind.is_temporal() => {
            let (func, result) = match kind {
                Kind::EventCount => (AggFunc::Count, "event_count"),
                Kind::ValueCount => (AggFunc::Dc, "value_count"),
                Kind::ValueSum => (AggFunc::Sum, "value_sum"),
                Kind::ValueAvg => (AggFunc::Avg, "value_avg"),
                Kind::ValueMedian => (AggFunc::Median, "value_median"),
                Kind::ValueMin => (AggFunc::Min, "value_min"),
                Kind::ValueMax => (AggFunc::Max, "value_max"),
                _ => (AggFunc::Perc(percentile.unwrap_or(50)), "value_percentile"),
            };
            let arg = field.as_ref().map(|(f, _)| AggArg::Field(cx.field(f)));
            stages.push(bin);
            stages.push(stage(StageKind::Stats {
                event: false,
                aggregates: List::commas(vec![aggregate(func, arg, result)]),
                by,
            }));
            stages.push(stage(StageKind::Where {
                cond: thresholds(result, ops),
            }));
        }
        (cond, Kind::Temporal) => {
            stages.push(bin);
            let aggs = inputs
                .iter()
                .map(|i| {
                    aggregate(
                        AggFunc::Count,
                        Some(AggArg::Expr(Expr::Matches(Box::new(i.filter.clone())))),
                        &column(&i.label, "count"),
                    )
                })
                .collect();
            stages.push(stage(StageKind::Stats {
                event: false,
                aggregates: List::commas(aggs),
                by,
            }));
            let matched = |i: &Input| Matched::Count(column(&i.label, "count"));
            stages.extend(temporal_condition(cx, cond, inputs, matched, &stage)?);
        }
        (cond, _) => {
            stages.push(stage(StageKind::Eval {
                assignments: vec![Assign {
                    field: FieldRef::local("event_time"),
                    value: Expr::Field(FieldRef::event(TIMESTAMP)),
                }],
            }));
            stages.push(bin);
            let mut previous: Option<String> = None;
            for i in inputs {
                let first = column(&i.label, "first");
                let candidate = column(&i.label, "time");
                let mut test = Expr::Matches(Box::new(i.filter.clone()));
                if let Some(p) = &previous {
                    test = Expr::And(vec![
                        test,
                        Expr::Binary {
                            op: BinOp::Gt,
                            lhs: Box::new(local("event_time")),
                            rhs: Box::new(local(p)),
                        },
                    ]);
                }
                stages.push(stage(StageKind::Eval {
                    assignments: vec![Assign {
                        field: FieldRef::local(&candidate),
                        value: call(
                            Func::If,
                            vec![test, local("event_time"), Expr::Lit(Value::Null)],
                        ),
                    }],
                }));
                stages.push(stage(StageKind::Stats {
                    event: true,
                    aggregates: List::commas(vec![aggregate(
                        AggFunc::Min,
                        Some(AggArg::Field(FieldRef::local(&candidate))),
                        &first,
                    )]),
                    by: by.clone(),
                }));
                previous = Some(first);
            }
            let aggs = inputs
                .iter()
                .map(|i| {
                    let first = column(&i.label, "first");
                    aggregate(
                        AggFunc::Min,
                        Some(AggArg::Field(FieldRef::local(&first))),
                        &first,
                    )
                })
                .collect();
            stages.push(stage(StageKind::Stats {
                event: false,
                aggregates: List::commas(aggs),
                by,
            }));
            let matched = |i: &Input| Matched::First(column(&i.label, "first"));
            stages.extend(temporal_condition(cx, cond, inputs, matched, &stage)?);
        }
    }
    (cx.errors() == errors).then_some((filter, stages))
}

/// The stages that test how many rules matched (or an extended condition).
fn temporal_condition(
    cx: &mut Cx,
    cond: &Condition,
    inputs: &[Input],
    matched: impl Fn(&Input) -> Matched,
    stage: &impl Fn(StageKind) -> Stage,
) -> Option<Vec<Stage>> {
    match cond {
        Condition::Thresholds { ops, .. } => {
            let mut sum: Option<Expr> = None;
            for i in inputs {
                let one = call(
                    Func::If,
                    vec![
                        matched(i).expr(),
                        Expr::Lit(Value::Int(1)),
                        Expr::Lit(Value::Int(0)),
                    ],
                );
                sum = Some(match sum {
                    None => one,
                    Some(s) => Expr::Binary {
                        op: BinOp::Add,
                        lhs: Box::new(s),
                        rhs: Box::new(one),
                    },
                });
            }
            Some(vec![
                stage(StageKind::Eval {
                    assignments: vec![Assign {
                        field: FieldRef::local("event_type_count"),
                        value: sum.unwrap_or(Expr::Lit(Value::Int(0))),
                    }],
                }),
                stage(StageKind::Where {
                    cond: thresholds("event_type_count", ops),
                }),
            ])
        }
        Condition::Extended(node) => {
            // Each rule name stands for "the rule matched in this window".
            let mut sels: Vec<Selection> = inputs
                .iter()
                .map(|i| Selection {
                    name: i.label.clone(),
                    filter: Some(matched(i).filter(node.span)),
                })
                .collect();
            let filter = condition::lower(cx, node, &mut sels)?;
            Some(vec![stage(StageKind::Search { filter })])
        }
    }
}

/// The result column that says whether a rule matched in a window.
enum Matched {
    /// `<rule>_count`, matched if above zero.
    Count(String),
    /// `<rule>_first`, matched if not null.
    First(String),
}

impl Matched {
    /// As a row expression.
    fn expr(&self) -> Expr {
        match self {
            Matched::Count(c) => Expr::Binary {
                op: BinOp::Gt,
                lhs: Box::new(local(c)),
                rhs: Box::new(Expr::Lit(Value::Int(0))),
            },
            Matched::First(c) => call(Func::IsNotNull, vec![local(c)]),
        }
    }

    /// As a filter test (for extended conditions).
    fn filter(&self, span: Span) -> Filter {
        let pred = |name: &str, test| {
            Filter::Pred(Pred {
                field: FieldRef::local(name),
                test,
                span,
            })
        };
        match self {
            Matched::Count(c) => pred(
                c,
                Test::Cmp {
                    op: Ordering::Gt,
                    value: Value::Int(0),
                },
            ),
            Matched::First(c) => Filter::Not(Box::new(pred(c, Test::IsNull))),
        }
    }
}

/// `case(<rule 1 matches>, field1, ...)` for an alias.
fn alias_value(
    cx: &mut Cx,
    alias: &super::correlation::Alias,
    inputs: &[Input],
    span: Span,
) -> Option<Expr> {
    let mut args = Vec::new();
    for ((rule, rspan), (field, _)) in &alias.fields {
        let Some(input) = inputs
            .iter()
            .find(|i| &i.label == rule || i.names.contains(rule))
        else {
            cx.error(
                codes::SIGMA,
                *rspan,
                format!(
                    "alias `{}` names `{rule}`, which the correlation does not refer to",
                    alias.name.0
                ),
                "not in `rules`",
                "alias keys are names of the correlated rules",
            );
            return None;
        };
        args.push(Expr::Matches(Box::new(input.filter.clone())));
        args.push(Expr::Field(cx.field(field)));
    }
    if args.is_empty() {
        cx.error(
            codes::SIGMA,
            span,
            format!("alias `{}` maps no rule", alias.name.0),
            "empty alias",
            "map each rule name to its field",
        );
        return None;
    }
    if inputs.len() == 1 {
        return args.pop();
    }
    Some(call(Func::Case, args))
}

fn thresholds(result: &str, ops: &[(BinOp, Value, Span)]) -> Expr {
    let tests: Vec<Expr> = ops
        .iter()
        .map(|(op, v, _)| Expr::Binary {
            op: *op,
            lhs: Box::new(local(result)),
            rhs: Box::new(Expr::Lit(v.clone())),
        })
        .collect();
    match <[Expr; 1]>::try_from(tests) {
        Ok([one]) => one,
        Err(many) => Expr::And(many),
    }
}

fn aggregate(func: AggFunc, arg: Option<AggArg>, alias: &str) -> Aggregate {
    Aggregate {
        func,
        arg,
        alias: Some(Alias {
            name: FieldRef::local(alias),
            upper: false,
        }),
    }
}

fn local(name: &str) -> Expr {
    Expr::Field(FieldRef::local(name))
}

fn call(func: Func, args: Vec<Expr>) -> Expr {
    Expr::Call {
        func,
        args,
        span: Span::default(),
    }
}

/// A result column for a rule: `<label>_<what>`.
fn column(label: &str, what: &str) -> String {
    format!("{label}_{what}")
}

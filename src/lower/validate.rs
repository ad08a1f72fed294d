//! The front end's last check of a detection's regular expressions and CIDR
//! ranges, run after parameter substitution by `compile` and `check`, so that
//! every target (and `vigil check`) refuses the same invalid ones: a
//! pattern that Splunk or Sigma would take as written and ES|QL or `vigil
//! run` would reject is an error everywhere.

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::expr::Expr;
use crate::ir::filter::{Filter, Test};
use crate::ir::stage::{Stage, StageKind};
use crate::ir::{Detection, Func, Text, Value};
use crate::source::Span;

/// Errors for the invalid regular expressions and CIDR ranges of `det`.
pub fn regexes_and_ranges(det: &Detection) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    filter(&det.filter, &mut out);
    stages(&det.pipeline, &mut out);
    out.into_iter().map(|d| d.in_file(&det.file)).collect()
}

fn regex(t: &Text, span: Span, out: &mut Vec<Diagnostic>) {
    if let Err(why) = super::regex::check_regex(t) {
        let why = why.strip_prefix("error: ").unwrap_or(&why);
        out.push(
            Diagnostic::error(
                codes::SEMANTIC,
                format!("invalid regular expression: {why}"),
            )
            .with_label(span, "this regular expression")
            .with_help("fix the pattern (PCRE syntax); check the value given with --param"),
        );
    }
}

fn cidr(v: &Value, span: Span, out: &mut Vec<Diagnostic>) {
    let Value::Str(t) = v else { return };
    // A range still holding a parameter is checked once it is given.
    let Some(text) = t.as_literal() else { return };
    if crate::eval::pattern::Cidr::parse(&text).is_none() {
        out.push(
            Diagnostic::error(codes::SEMANTIC, format!("`{text}` is not a CIDR range"))
                .with_label(span, "this range")
                .with_help("write an address with a prefix length in range, such as 10.0.0.0/8"),
        );
    }
}

fn filter(f: &Filter, out: &mut Vec<Diagnostic>) {
    f.for_each_pred(&mut |p| match &p.test {
        Test::Regex { patterns, .. } => {
            patterns.iter().for_each(|r| regex(&r.pattern, p.span, out))
        }
        Test::Cidr { ranges } => ranges.iter().for_each(|v| cidr(v, p.span, out)),
        _ => {}
    });
}

/// The regex arguments of `match`, `mvfind` and `replace` and the range of
/// `cidrmatch`, when written as literals (the second argument of each).
fn expr(e: &Expr, out: &mut Vec<Diagnostic>) {
    e.walk(&mut |x| match x {
        Expr::Matches(f) => filter(f, out),
        Expr::Call { func, args, span } => match (func, args.get(1)) {
            (Func::Match | Func::MvFind | Func::Replace, Some(Expr::Lit(Value::Str(t)))) => {
                regex(t, *span, out)
            }
            (Func::CidrMatch, Some(Expr::Lit(v))) => cidr(v, *span, out),
            _ => {}
        },
        _ => {}
    });
}

fn stages(list: &[Stage], out: &mut Vec<Diagnostic>) {
    for s in list {
        match &s.kind {
            StageKind::Rex { regex: r, .. } => regex(&r.pattern, s.span, out),
            StageKind::Search { filter: f } => filter(f, out),
            StageKind::Where { cond } => expr(cond, out),
            StageKind::Eval { assignments } => assignments.iter().for_each(|a| expr(&a.value, out)),
            StageKind::Join { query, .. } => {
                filter(&query.filter, out);
                stages(&query.stages, out);
            }
            _ => {}
        }
    }
}

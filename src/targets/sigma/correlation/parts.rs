//! Small readings of the pipeline: thresholds, windows, counted fields.

use crate::ir::{BinOp, Duration, Expr, FieldKind, FieldRef, Filter, Path, Test, TimeUnit, Value};

/// True if every event that passes `f` has a non-null, single value for
/// the field (so `count(field)` counts every event).
pub(super) fn filter_requires_value(f: &Filter, field: &FieldRef) -> bool {
    if field.path.segments.iter().any(|s| s.array) {
        return false;
    }
    match f {
        Filter::Group(x) => filter_requires_value(x, field),
        Filter::And(items) => items.iter().any(|i| filter_requires_value(i, field)),
        Filter::Pred(p) if p.field.kind == FieldKind::Event && p.field.path == field.path => {
            match &p.test {
                Test::Eq { value, .. } | Test::Ne { value, .. } => *value != Value::Null,
                Test::In { values, .. } => !values.iter().any(|v| *v == Value::Null),
                Test::Like { .. }
                | Test::Regex { .. }
                | Test::Cidr { .. }
                | Test::Cmp { .. }
                | Test::FieldEq { .. } => true,
                Test::Exists | Test::IsNull => false,
            }
        }
        _ => false,
    }
}

/// `c OP N` (or `N OP c`) on one of the aggregates' columns: which one,
/// the operator and the number.
pub(super) fn threshold(e: &Expr, columns: &[Path]) -> Result<(usize, BinOp, Value), String> {
    let e = strip(e);
    let Expr::Binary { op, lhs, rhs } = e else {
        return Err("the condition is not a comparison of the aggregate with a number".into());
    };
    if !op.is_comparison() {
        return Err("the condition is not a comparison".into());
    }
    let (op, field, value) = match (strip(lhs), strip(rhs)) {
        (Expr::Field(f), Expr::Lit(v)) => (*op, f, v),
        (Expr::Lit(v), Expr::Field(f)) => (flip(*op), f, v),
        _ => return Err("the condition must compare the aggregate with a number".into()),
    };
    let Some(i) = columns.iter().position(|c| *c == field.path) else {
        return Err(format!(
            "the condition tests `{}`, which is not an aggregate of `stats`",
            field.path
        ));
    };
    match value {
        // A parameter without a value is reported by the caller, which
        // goes on reading the pipeline to report its shape too.
        Value::Int(_) | Value::Float(..) | Value::Param(_) => Ok((i, op, value.clone())),
        _ => Err("the threshold must be a number".into()),
    }
}

fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Group(x) => strip(x),
        other => other,
    }
}

/// `N < c` is `c > N`.
fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

/// A duration as a Sigma timespan (`\d+[smhdwMy]`, more than 0).
pub fn sigma_timespan(d: Duration) -> Option<String> {
    if d.amount == 0 {
        return None;
    }
    let (n, unit) = match d.unit {
        TimeUnit::Ms => {
            if !d.amount.is_multiple_of(1000) {
                return None;
            }
            (d.amount / 1000, "s")
        }
        TimeUnit::S => (d.amount, "s"),
        TimeUnit::M => (d.amount, "m"),
        TimeUnit::H => (d.amount, "h"),
        TimeUnit::D => (d.amount, "d"),
        TimeUnit::W => (d.amount, "w"),
        TimeUnit::Mon => (d.amount, "M"),
        TimeUnit::Y => (d.amount, "y"),
    };
    Some(format!("{n}{unit}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespans() {
        let d = |s: &str| Duration::parse(s).unwrap();
        assert_eq!(sigma_timespan(d("1h")).as_deref(), Some("1h"));
        assert_eq!(sigma_timespan(d("2mon")).as_deref(), Some("2M"));
        assert_eq!(sigma_timespan(d("3000ms")).as_deref(), Some("3s"));
        assert_eq!(sigma_timespan(d("1500ms")), None);
        assert_eq!(sigma_timespan(d("0m")), None);
    }
}

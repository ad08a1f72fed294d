//! `stats` and `eventstats` as `STATS` and `INLINE STATS`.

use super::Printer;
use super::quote::ident;
use crate::ir::{AggArg, AggFunc, Aggregate, Expr, FieldRef, List};

impl Printer<'_> {
    pub(super) fn stats(
        &mut self,
        event: bool,
        aggregates: &List<Aggregate>,
        by: &List<FieldRef>,
    ) -> Vec<String> {
        let aggs: Vec<(String, String)> = aggregates.iter().map(|a| self.aggregate(a)).collect();
        let key_names: Vec<String> = by.iter().map(|f| self.layout.row_field(f).name).collect();
        if !event {
            // Only the aggregates and the keys are left.
            self.multi.clear();
            self.known = Some(key_names.into_iter().collect());
        }
        for (name, _) in &aggs {
            self.made(name.clone());
        }
        for (a, (name, _)) in aggregates.iter().zip(&aggs) {
            if a.func == AggFunc::Values {
                self.multi.insert(name.clone());
            }
        }
        let keys: Vec<String> = by.iter().map(|f| self.column(f)).collect();
        // Keys that may be missing (every event has its time).
        let optional: Vec<&String> = by
            .iter()
            .zip(&keys)
            .filter(|(f, _)| !self.layout.is_timestamp(f))
            .map(|(_, k)| k)
            .collect();
        let mut cmd = String::from(if event { "INLINE STATS" } else { "STATS" });
        if !aggs.is_empty() {
            let list: Vec<String> = aggs
                .iter()
                .map(|(n, e)| format!("{} = {e}", ident(n)))
                .collect();
            cmd.push(' ');
            cmd.push_str(&list.join(", "));
        }
        if !keys.is_empty() {
            cmd.push_str(" BY ");
            cmd.push_str(&keys.join(", "));
        }
        if optional.is_empty() {
            return vec![cmd];
        }
        // SPL groups only rows that have every `by` field; ES|QL also
        // makes a group of the rows that lack one.
        let missing = optional
            .iter()
            .map(|k| format!("{k} IS NULL"))
            .collect::<Vec<_>>()
            .join(" OR ");
        if !event {
            let present = optional
                .iter()
                .map(|k| format!("{k} IS NOT NULL"))
                .collect::<Vec<_>>()
                .join(" AND ");
            return vec![format!("WHERE {present}"), cmd];
        }
        if aggs.is_empty() {
            return vec![cmd];
        }
        let clear: Vec<String> = aggs
            .iter()
            .map(|(n, _)| format!("{0} = CASE({missing}, null, {0})", ident(n)))
            .collect();
        vec![cmd, format!("EVAL {}", clear.join(", "))]
    }

    /// An aggregate: its column name and its ES|QL expression.
    fn aggregate(&mut self, a: &Aggregate) -> (String, String) {
        let arg = match &a.arg {
            None => None,
            Some(AggArg::Field(f)) => Some(self.expr(&Expr::Field(f.clone()))),
            Some(AggArg::Expr(e)) => Some(self.expr(e)),
        };
        let x = arg.clone().unwrap_or_else(|| "*".to_string());
        let call = match (a.func, &a.arg) {
            (AggFunc::Count, Some(AggArg::Expr(_))) => format!("COUNT(*) WHERE {x}"),
            (AggFunc::Count, _) => format!("COUNT({x})"),
            // COUNT_DISTINCT is approximate; the values themselves are exact.
            (AggFunc::Dc, _) => format!("COALESCE(MV_COUNT(VALUES({x})), 0)"),
            // SPL's values() are sorted; VALUES are in no particular order.
            (AggFunc::Values, _) => format!("MV_SORT(VALUES({x}))"),
            (AggFunc::Min, _) => format!("MIN({x})"),
            (AggFunc::Max, _) => format!("MAX({x})"),
            (AggFunc::Avg, _) => format!("AVG({x})"),
            (AggFunc::Sum, _) => format!("SUM({x})"),
            (AggFunc::Median, _) | (AggFunc::Perc(_), _) => {
                self.warn(
                    self.at,
                    "ES|QL's MEDIAN and PERCENTILE are approximations (t-digest), as Splunk's are for large inputs, by another algorithm: results can differ",
                    "approximate aggregate",
                );
                match a.func {
                    AggFunc::Perc(n) => format!("PERCENTILE({x}, {n})"),
                    _ => format!("MEDIAN({x})"),
                }
            }
            // Rejected by `support`.
            _ => String::new(),
        };
        let name = match &a.alias {
            Some(alias) => alias.name.path.render(""),
            None => match &a.arg {
                None => a.func.name(),
                Some(AggArg::Field(f)) => {
                    format!("{}({})", a.func.name(), self.layout.row_field(f).name)
                }
                Some(AggArg::Expr(_)) => format!("{}({x})", a.func.name()),
            },
        };
        (name, call)
    }
}

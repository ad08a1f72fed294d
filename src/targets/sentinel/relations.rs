//! `lookup` (Sentinel watchlists) and `join` (sub-searches).

use std::collections::BTreeSet;

use super::quote::ident;
use super::schema::Ty;
use super::{Order, Printer, as_string};
use crate::ir::{FieldRef, JoinKind, List, SubQuery};

impl Printer<'_> {
    pub(super) fn lookup(
        &mut self,
        table: &crate::ir::Text,
        inputs: &List<crate::ir::LookupField>,
        outputs: Option<&crate::ir::LookupOutputs>,
    ) -> Vec<String> {
        let Some(alias) = self.text(table) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut right = Vec::new();
        let mut on = Vec::new();
        let mut temp = Vec::new();
        for (i, inp) in inputs.iter().enumerate() {
            let event = inp.alias.as_ref().map_or_else(
                || FieldRef::event(&inp.column.path.render("")),
                |a| a.name.clone(),
            );
            let Some(c) = self.col(&event) else {
                return Vec::new();
            };
            let left = if c.ty == Ty::Str && !c.nested {
                c.text.clone()
            } else {
                let t = format!("__lk{i}");
                out.push(format!("extend {t} = {}", as_string(&c)));
                temp.push(t.clone());
                t
            };
            let key = format!("__rk{i}");
            right.push(format!(
                "{key} = tostring({})",
                ident(&inp.column.path.render(""))
            ));
            on.push(format!("$left.{left} == $right.{key}"));
        }
        let Some(o) = outputs else {
            self.error(
                self.at,
                "a lookup without OUTPUT copies every column of the table; name the columns to copy",
                "lookup",
                None,
            );
            return Vec::new();
        };
        for f in o.fields.iter() {
            let col = ident(&f.column.path.render(""));
            let target = f.alias.as_ref().map_or(&f.column, |a| &a.name);
            let name = self.target_name(target);
            let made = self.set_made(target, &name, Ty::Str);
            right.push(format!("{made} = tostring({col})"));
        }
        out.push(format!(
            "lookup kind=leftouter (_GetWatchlist({alias}) | project {}) on {}",
            right.join(", "),
            on.join(", ")
        ));
        // `lookup` drops the right-hand keys itself; the left ones made
        // here are removed.
        if !temp.is_empty() {
            out.push(format!("project-away {}", temp.join(", ")));
        }
        self.unordered();
        out
    }

    pub(super) fn join(
        &mut self,
        kind: JoinKind,
        fields: &List<FieldRef>,
        q: &SubQuery,
    ) -> Vec<String> {
        let mut sp = self.sub();
        let mut lines = vec![self.table.clone()];
        if !q.filter.is_true() {
            lines.push(format!("| where {}", sp.filter(&q.filter)));
        }
        for s in &q.stages {
            sp.at = s.span;
            if let Err(why) = super::support::support(s) {
                self.error(
                    s.span,
                    format!("Kusto cannot express `{}`: {why}", s.kind.name()),
                    "stage",
                    None,
                );
                return Vec::new();
            }
            lines.extend(sp.stage(s).into_iter().map(|l| format!("| {l}")));
        }
        lines.extend(sp.drop_hidden().map(|l| format!("| {l}")));
        if sp.diags.iter().any(crate::diagnostic::Diagnostic::is_error) {
            self.diags.append(&mut sp.diags);
            return Vec::new();
        }
        let right_known = sp.known.clone();
        let right_keys: Vec<String> = fields
            .iter()
            .filter_map(|f| sp.col(f).map(|c| c.text))
            .collect();
        self.diags.append(&mut sp.diags);
        self.params.append(&mut sp.params);
        let Some(right_cols) = right_known else {
            self.error(
                self.at,
                "the sub-search returns whole events, whose columns would overwrite this row's (SPL's overwrite=true); Kusto's join keeps both with a suffix",
                "join",
                Some("end the sub-search with `stats`, `table` or `fields`"),
            );
            return Vec::new();
        };
        // SPL keeps the first matching sub-search row (max=1): the right
        // side must have one row per key.
        let unique = matches!(&sp.order, Order::Grouped(k) if *k == right_keys)
            || matches!(&sp.order, Order::Sorted(k) if k.is_empty() && right_keys.is_empty());
        if !unique {
            let only_keys: BTreeSet<String> = right_keys.iter().cloned().collect();
            if right_cols == only_keys && !right_keys.is_empty() {
                lines.push(format!("| distinct {}", right_keys.join(", ")));
            } else {
                self.error(
                    self.at,
                    "SPL joins each row with the first matching sub-search row; Kusto's join with every one, and this sub-search may return several rows per key",
                    "join",
                    Some("end the sub-search with `stats ... by` the join fields"),
                );
                return Vec::new();
            }
        }
        let mut left_keys = Vec::new();
        for f in fields.iter() {
            if let Some(c) = self.col(f) {
                left_keys.push(c.text);
            }
        }
        let extra: Vec<&String> = right_cols
            .iter()
            .filter(|c| !right_keys.contains(c))
            .collect();
        if extra
            .iter()
            .any(|c| self.known.as_ref().is_some_and(|k| k.contains(*c)))
        {
            self.error(
                self.at,
                "a column comes from both sides of the join: SPL's sub-search value overwrites, Kusto keeps both",
                "join",
                Some("rename the sub-search's column"),
            );
            return Vec::new();
        }
        let kind = match kind {
            JoinKind::Inner => "inner",
            JoinKind::Left => "leftouter",
        };
        let mut out = Vec::new();
        let on = if left_keys.is_empty() {
            out.push("extend __all = 1".to_string());
            lines.push("| extend __all = 1".into());
            "__all".to_string()
        } else {
            left_keys
                .iter()
                .zip(&right_keys)
                .map(|(l, r)| format!("$left.{l} == $right.{r}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let body = lines.join("\n    ");
        out.push(format!("join kind={kind} (\n    {body}\n    ) on {on}"));
        // The right side's key columns come back with a `1` suffix.
        let dup: Vec<String> = if left_keys.is_empty() {
            vec!["__all".into(), "__all1".into()]
        } else {
            right_keys.iter().map(|r| suffixed(r, &left_keys)).collect()
        };
        out.push(format!("project-away {}", dup.join(", ")));
        if let Some(k) = &mut self.known {
            k.extend(extra.into_iter().cloned());
        }
        for (name, c) in sp.made {
            self.made.entry(name).or_insert(c);
        }
        self.unordered();
        out
    }
}

/// The name Kusto gives the right-hand copy of a join key `r`.
fn suffixed(r: &str, _left: &[String]) -> String {
    match r.strip_prefix("['").and_then(|x| x.strip_suffix("']")) {
        Some(inner) => format!("['{inner}1']"),
        None => format!("{r}1"),
    }
}

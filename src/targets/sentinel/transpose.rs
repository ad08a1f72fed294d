//! `transpose [N]` (S32): the first N rows (5 by default) become columns
//! `row 1` ... `row N`, and each former column a row named in `column`, in
//! the columns' order, kept only if some of those rows has a value in it.
//!
//! Kusto's `evaluate pivot()` makes columns from values it reads at run
//! time, but here the new columns are known when the query is written
//! (`row 1` ... `row N`) and so are the rows (the input's columns, when a
//! stage fixed them: `stats`, `table`). The query numbers the first N rows
//! (`row_number()` after a `sort` by the order SPL gives them), makes one
//! row per former column (`mv-expand` of a literal array of
//! `{c: name, v: value}` bags, numbered in column order), gathers each
//! one's values into a bag keyed `row i` (`make_bag_if`, values present
//! only), and reads the bag's keys as columns. After `stats` without `by`
//! there is one row, so only `row 1` is written.

use super::quote::{ident, string};
use super::schema::Ty;
use super::{Order, Printer};

impl Printer<'_> {
    pub(super) fn transpose(&mut self, rows: Option<u64>) -> Vec<String> {
        let n = rows.unwrap_or(5);
        let Some(cols) = self.cols_order.clone() else {
            self.error(
                self.at,
                "Kusto cannot express `transpose` of rows whose columns are not fixed by an earlier `stats` or `table` (each column becomes a row, so the query must name them)",
                "transpose",
                Some("end the rows with `table` or `stats` first"),
            );
            return Vec::new();
        };
        let Some(keys) = self.sort_keys() else {
            self.error(
                self.at,
                "`transpose` takes the first rows, and Kusto gives these rows no order",
                "depends on row order",
                Some("sort the rows first"),
            );
            return Vec::new();
        };
        // One row after `stats` without `by`: a single `row 1`.
        let n = if keys.is_empty() { n.min(1) } else { n };
        if n == 0 || n > 100 {
            self.error(
                self.at,
                format!("`transpose {n}`: the Sentinel printer writes 1 to 100 row columns"),
                "transpose",
                None,
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        if !keys.is_empty() && !matches!(self.order, Order::Sorted(_)) {
            let by: Vec<String> = keys
                .iter()
                .map(|(k, d)| format!("{k} {} nulls last", if *d { "desc" } else { "asc" }))
                .collect();
            out.push(format!("sort by {}", by.join(", ")));
        }
        self.temp_n += 1;
        let t = self.temp_n;
        let (r, c, e, b) = (
            format!("__r{t}"),
            format!("__c{t}"),
            format!("__t{t}"),
            format!("__b{t}"),
        );
        out.push(format!("take {n}"));
        out.push(format!("serialize {r} = row_number()"));
        let bags: Vec<String> = cols
            .iter()
            .map(|(name, text)| format!("bag_pack(\"c\", {}, \"v\", {text})", string(name)))
            .collect();
        out.push(format!(
            "mv-expand with_itemindex={c} {e} = pack_array({})",
            bags.join(", ")
        ));
        let v = format!("{e}.v");
        out.push(format!(
            "summarize {b} = make_bag_if(bag_pack(strcat(\"row \", {r}), {v}), coalesce(array_length({v}), 1) > 0 and isnotempty(tostring({v}))) by {c}, {} = tostring({e}.c)",
            ident("column")
        ));
        out.push(format!("where array_length(bag_keys({b})) > 0"));
        out.push(format!("sort by {c} asc"));
        // Every value was an array (`values`), or not all were.
        let arrays = cols.iter().all(|(name, _)| {
            self.made
                .get(name)
                .is_some_and(|m| m.array && m.ty == Ty::Dyn)
        });
        let mut items =
            vec![self.set_made(&crate::ir::FieldRef::local("column"), "column", Ty::Str)];
        let mut order = vec![("column".to_string(), items[0].clone())];
        for i in 1..=n {
            let name = format!("row {i}");
            let f = crate::ir::FieldRef::local(&name);
            let col = self.set_made(&f, &name, Ty::Dyn);
            self.set_array(&f, arrays);
            items.push(format!("{col} = {b}[{}]", string(&name)));
            order.push((name, col));
        }
        items.push(c.clone());
        out.push(format!("project {}", items.join(", ")));
        let mut known: std::collections::BTreeSet<String> =
            order.iter().map(|(_, text)| text.clone()).collect();
        known.insert(c.clone());
        self.known = Some(known);
        self.hidden.push(c.clone());
        self.order = Order::Sorted(vec![(c, false)]);
        self.cols_order = Some(order);
        out
    }
}

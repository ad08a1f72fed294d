//! Printing result rows: NDJSON (one object per line) or an aligned text
//! table.

use std::io::Write;

use serde_json::Value;

/// The widest a table cell is printed.
const MAX_CELL: usize = 60;

/// A result row: columns in order.
pub type Pairs = Vec<(String, Value)>;

/// Writes one row as a JSON line, keeping its column order.
pub fn write_ndjson(out: &mut impl Write, row: &[(String, Value)]) -> std::io::Result<()> {
    out.write_all(b"{")?;
    for (i, (k, v)) in row.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, k)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, v)?;
    }
    out.write_all(b"}\n")
}

/// The text of a cell: strings bare, arrays joined with `, `, null empty.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// One line of at most `MAX_CELL` characters, control characters escaped
/// (log values may hold terminal escape sequences).
fn clip(s: &str) -> String {
    let one_line = s.replace(['\n', '\r', '\t'], " ");
    let one_line = crate::terminal::escape(&one_line).into_owned();
    if one_line.chars().count() <= MAX_CELL {
        one_line
    } else {
        let mut t: String = one_line.chars().take(MAX_CELL - 1).collect();
        t.push('…');
        t
    }
}

/// Renders rows as a table: one column per key, in order of first use.
pub fn render_table(rows: &[Pairs]) -> String {
    let mut columns: Vec<&str> = Vec::new();
    for r in rows {
        for (k, _) in r {
            if !columns.contains(&k.as_str()) {
                columns.push(k);
            }
        }
    }
    if rows.is_empty() {
        return "(no results)\n".to_string();
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| {
                    r.iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| clip(&cell_text(v)))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    let headers: Vec<String> = columns.iter().map(|c| clip(c)).collect();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .chain(std::iter::once(c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |vals: Vec<&str>| {
        vals.iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v}{}", " ".repeat(w.saturating_sub(v.chars().count()))))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = String::new();
    out.push_str(&line(headers.iter().map(String::as_str).collect()));
    out.push('\n');
    out.push_str(&line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    ));
    out.push('\n');
    for r in &cells {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out.push_str(&format!(
        "({} row{})\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_aligns_columns() {
        let rows: Vec<Pairs> = vec![
            vec![("user".into(), json!("a")), ("n".into(), json!(1))],
            vec![
                ("user".into(), json!("bob")),
                ("ips".into(), json!(["1.1.1.1", "2.2.2.2"])),
            ],
        ];
        let t = render_table(&rows);
        assert_eq!(
            t,
            "user  n  ips\n----  -  ----------------\na     1\nbob      1.1.1.1, 2.2.2.2\n(2 rows)\n"
        );
        let mut out = Vec::new();
        write_ndjson(&mut out, &rows[0]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"user\":\"a\",\"n\":1}\n"
        );
    }
}

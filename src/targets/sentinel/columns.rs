//! The columns a Sentinel query returns, read back from the printer's own
//! output, for packages (entity mappings must name a column the query
//! returns, or Sentinel rejects the rule). Only the operators this printer
//! writes at the top level (`| ` at the start of a line) are followed; a
//! name it cannot follow is left out, so a mapping is never made to a
//! column that may not exist.

use std::collections::BTreeSet;

/// The columns `query` returns, starting from the table's `table` columns.
pub fn output_columns(query: &str, table: &[String]) -> BTreeSet<String> {
    let mut cols: BTreeSet<String> = table.iter().cloned().collect();
    for line in query.lines() {
        let Some(op) = line.strip_prefix("| ") else {
            continue;
        };
        let (word, rest) = op.split_once(' ').unwrap_or((op, ""));
        match word {
            "project" => cols = rest_names(rest).into_iter().collect(),
            "project-away" => {
                for n in rest_names(rest) {
                    cols.remove(&n);
                }
            }
            "project-rename" => {
                for item in split_top(rest) {
                    if let Some((to, from)) = item.split_once(" = ") {
                        cols.remove(&unbracket(from.trim()));
                        cols.insert(unbracket(to.trim()));
                    }
                }
            }
            "extend" | "mv-expand" => cols.extend(rest_names(rest)),
            "summarize" => {
                let (aggs, by) = match find_top(rest, " by ") {
                    Some(i) => (&rest[..i], &rest[i + 4..]),
                    None => (rest, ""),
                };
                let keep_all = aggs.contains(", *)");
                let mut next: BTreeSet<String> = if keep_all {
                    cols.clone()
                } else {
                    rest_names(aggs).into_iter().collect()
                };
                next.extend(rest_names(by));
                cols = next;
            }
            _ => {}
        }
    }
    cols
}

/// The names a comma-separated list of `name = expr` or `name` items makes.
fn rest_names(s: &str) -> Vec<String> {
    split_top(s)
        .into_iter()
        .filter_map(|item| {
            let item = item.trim();
            if item.is_empty() {
                return None;
            }
            let name = match find_top(item, " = ") {
                Some(i) => &item[..i],
                None => item,
            };
            let name = name.trim();
            let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            (plain || name.starts_with("['")).then(|| unbracket(name))
        })
        .collect()
}

/// The names of a comma-separated `name:type` list.
pub(super) fn split_names(s: &str) -> Vec<String> {
    split_top(s)
        .into_iter()
        .filter_map(|item| {
            let item = item.trim();
            // The type follows the last `:` (a bracketed name may hold one).
            let name = &item[..item.rfind(':')?];
            Some(unbracket(name.trim()))
        })
        .collect()
}

/// `['x']` → `x` (the printer escapes `'` and `\` inside).
fn unbracket(s: &str) -> String {
    match s.strip_prefix("['").and_then(|x| x.strip_suffix("']")) {
        Some(inner) => inner.replace("\\'", "'").replace("\\\\", "\\"),
        None => s.to_string(),
    }
}

/// Splits at commas outside parentheses, brackets and string literals.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for_top(s, |i, c| {
        if c == ',' {
            out.push(&s[start..i]);
            start = i + 1;
        }
        false
    });
    out.push(&s[start..]);
    out
}

/// The first position of `pat` outside parentheses, brackets and strings.
fn find_top(s: &str, pat: &str) -> Option<usize> {
    let mut found = None;
    for_top(s, |i, _| {
        if s[i..].starts_with(pat) {
            found = Some(i);
            return true;
        }
        false
    });
    found
}

/// Calls `f` with each character at nesting depth 0 outside strings, until
/// it returns true.
fn for_top(s: &str, mut f: impl FnMut(usize, char) -> bool) {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ if depth == 0 && f(i, c) => return,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<String> {
        vec![
            "TimeGenerated".into(),
            "SrcIpAddr".into(),
            "ActorUsername".into(),
        ]
    }

    #[test]
    fn filters_keep_every_column() {
        let c = output_columns("Auth0Logs_CL\n| where SrcIpAddr =~ \"a, b\"", &table());
        assert!(c.contains("SrcIpAddr") && c.contains("ActorUsername"));
    }

    #[test]
    fn project_summarize_rename_and_away() {
        let q = "T\n| project TimeGenerated, SrcIpAddr, ['details.x'] = Details.x\n| summarize n = count(), ['values(ip)'] = make_set(SrcIpAddr) by SrcIpAddr, k = tostring(f(a, b))\n| project-rename ip = SrcIpAddr\n| project-away n";
        let c = output_columns(q, &table());
        let got: Vec<&str> = c.iter().map(String::as_str).collect();
        assert_eq!(got, vec!["ip", "k", "values(ip)"]);
    }

    #[test]
    fn declared_names() {
        assert_eq!(
            split_names("n:real, ['a:b\\'c']:string"),
            vec!["n".to_string(), "a:b'c".to_string()]
        );
    }

    #[test]
    fn arg_max_keeps_the_columns() {
        let q = "T\n| project SrcIpAddr, x\n| summarize arg_max(TimeGenerated, *) by y";
        let c = output_columns(q, &table());
        assert!(c.contains("SrcIpAddr") && c.contains("x") && c.contains("y"));
    }
}

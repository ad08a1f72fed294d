//! Line wrapping for printed stages: a line longer than the width is broken
//! before a top-level `and` / `or` (in either case) / `by` and after the
//! commas of lists, never inside a string or a quoted name. Vigil reads any
//! whitespace between tokens alike, so wrapping never changes meaning.

/// The widest line `fmt` writes when it can break it.
pub const WIDTH: usize = 100;

/// Continuation lines are indented this much.
const INDENT: &str = "    ";

/// Byte offsets of the spaces where `line` may break, outside strings and
/// comments.
fn break_points(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                // A string (or raw string): skip to its closing quote.
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            b'#' => break,
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b' ' if i > 0 => {
                let rest = &line[i + 1..];
                // Operators are reserved in any case (a field so named is
                // quoted), so a bare `AND` is always the operator.
                let before_word = |w: &str| {
                    rest.get(..w.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(w))
                        && rest[w.len()..].starts_with([' ', '('])
                };
                // Any depth: long conditions inside `if(...)` or `(...)`
                // need breaks too.
                let after_comma = b[i - 1] == b',';
                let before_op =
                    before_word("and") || before_word("or") || (depth == 0 && before_word("by"));
                // Never in a line's leading indentation: that would leave a
                // blank piece.
                if (after_comma || before_op) && !line[..i].trim().is_empty() {
                    out.push((i, depth));
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// `line` broken so each piece fits in [`WIDTH`] where it can. Each break
/// is the outermost one that fits (the last of those), so `a or (b and c)`
/// breaks before `or` before it breaks inside the parentheses.
pub fn wrap(line: &str) -> String {
    if line.chars().count() <= WIDTH {
        return line.to_string();
    }
    let points = break_points(line);
    let mut out = String::new();
    let mut start = 0;
    let mut indent = "";
    loop {
        let rest = &line[start..];
        if indent.len() + rest.chars().count() <= WIDTH {
            break;
        }
        let limit = start
            + line[start..]
                .char_indices()
                .nth(WIDTH - indent.len())
                .map_or(rest.len(), |(i, _)| i);
        let fitting = points.iter().filter(|(p, _)| *p > start && *p <= limit);
        let best = fitting
            .min_by_key(|(p, d)| (*d, std::cmp::Reverse(*p)))
            .or_else(|| points.iter().find(|(p, _)| *p > limit));
        let Some(&(p, _)) = best else { break };
        out.push_str(indent);
        out.push_str(&line[start..p]);
        out.push('\n');
        start = p + 1;
        indent = INDENT;
    }
    out.push_str(indent);
    out.push_str(&line[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_stay() {
        assert_eq!(wrap("| where a == 1"), "| where a == 1");
    }

    #[test]
    fn long_lines_break_before_and_and_after_commas() {
        let line = format!(
            "search type == \"sapi\" and description == \"{}\" and ip == \"1.2.3.4\"",
            "x".repeat(70)
        );
        let w = wrap(&line);
        assert_eq!(w.lines().count(), 3, "{w}");
        assert!(
            w.lines().nth(1).unwrap().starts_with("    and description"),
            "{w}"
        );
        assert!(w.lines().nth(2).unwrap().starts_with("    and ip"), "{w}");
        // The outermost break that fits comes first.
        let nested = format!("| where a == \"{}\" or (b == 1 and c == 2)", "z".repeat(80));
        assert!(
            wrap(&nested).ends_with("\n    or (b == 1 and c == 2)"),
            "{}",
            wrap(&nested)
        );
        // The author's upper-case operators are break points too.
        let upper = nested.replace(" or ", " OR ").replace(" and ", " AND ");
        assert!(
            wrap(&upper).ends_with("\n    OR (b == 1 AND c == 2)"),
            "{}",
            wrap(&upper)
        );
        let stats = format!(
            "| stats count as n, dc(user_id) as users, values(ip) as ips by {}, b",
            "a".repeat(60)
        );
        let w = wrap(&stats);
        assert!(w.lines().all(|l| l.len() <= WIDTH), "{w}");
    }

    #[test]
    fn never_breaks_inside_strings() {
        let line = format!(
            "search description == \"{} and , x\" and 'a, b' == 1",
            "y ".repeat(60)
        );
        let w = wrap(&line);
        assert_eq!(w.replace("\n    ", " "), line);
        for l in w.lines() {
            assert_eq!(l.matches('"').count() % 2, 0, "{l}");
        }
    }
}

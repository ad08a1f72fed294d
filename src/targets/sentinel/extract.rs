//! `rex`: the named groups of a regular expression as columns (S26).
//!
//! The first match is `extract(re, i, s)`. All matches (`max_match=0`), or
//! the first N, are `extract_all(re, dynamic([i]), s)`: the list of group
//! `i` over every match (Kusto docs, "extract_all()": with one capture group
//! selected, "the returned array has a single dimension of matched values"),
//! sliced to N. It equals Vigil's multi-value where each match gives the
//! group a value, so a group that may sit out a match (inside `?`, `*` or
//! one branch of `|`; extract_all gives it `""`), a pattern that matches
//! the empty text (where engines step differently), and a multi-value
//! field (searched value by value) are refused.

use regex_syntax::hir::{Hir, HirKind};

use super::quote::string;
use super::schema::Ty;
use super::{Printer, as_string};
use crate::ir::{FieldRef, Regex};

/// extract_all's limit on capture groups.
const MAX_GROUPS: usize = 16;

impl Printer<'_> {
    pub(super) fn rex(
        &mut self,
        field: &FieldRef,
        regex: &Regex,
        max_match: Option<u64>,
        groups: &[String],
    ) -> Vec<String> {
        let Some(c) = self.col(field) else {
            return Vec::new();
        };
        let Some(re) = self.re2(self.at, regex) else {
            return Vec::new();
        };
        let Ok(hir) = regex_syntax::Parser::new().parse(&re) else {
            return Vec::new();
        };
        let names = capture_names(&hir);
        let all = max_match.filter(|n| *n != 1);
        if all.is_some() {
            let why = if c.array {
                Some("a multi-value field (Vigil searches each value in turn)".to_string())
            } else if hir.properties().minimum_len() == Some(0) {
                Some("a regular expression that matches the empty text (engines step over empty matches differently)".to_string())
            } else if names.len() > MAX_GROUPS {
                Some(format!(
                    "more than {MAX_GROUPS} capture groups (extract_all's limit)"
                ))
            } else {
                groups
                    .iter()
                    .find(|g| !always(&hir, g))
                    .map(|g| format!("the group `{g}`, which can sit out a match (extract_all gives it \"\" there, Vigil no value)"))
            };
            if let Some(why) = why {
                self.error(
                    self.at,
                    format!("Kusto cannot express `rex max_match` over {why}"),
                    "rex",
                    None,
                );
                return Vec::new();
            }
        }
        let mut parts = Vec::new();
        for g in groups {
            let Some(i) = names.iter().position(|n| n.as_deref() == Some(g)) else {
                continue;
            };
            // Group numbers count from 1, as `extract` and RE2 do.
            let i = i + 1;
            let text = match all {
                None => format!("extract({}, {i}, {})", string(&re), as_string(&c)),
                Some(n) => {
                    let every = format!(
                        "extract_all({}, dynamic([{i}]), {})",
                        string(&re),
                        as_string(&c)
                    );
                    if n == 0 {
                        every
                    } else {
                        format!("array_slice({every}, 0, {})", n - 1)
                    }
                }
            };
            let local = FieldRef::local(g);
            if all.is_some() && self.made.contains_key(g.as_str()) {
                // Without a match the column keeps its value (S26).
                let prev = self.made.get(g.as_str()).cloned();
                match prev {
                    Some(p) if p.ty == Ty::Dyn => {
                        let col = self.set_made(&local, g, Ty::Dyn);
                        self.set_array(&local, true);
                        parts.push(format!("{col} = coalesce({text}, {})", p.text));
                    }
                    _ => self.error(
                        self.at,
                        format!("Kusto cannot express `rex max_match` into `{g}`, a column that already holds a value of another type (kept where nothing matches, S26)"),
                        "rex",
                        Some("extract into a new column"),
                    ),
                }
                continue;
            }
            let ty = if all.is_some() { Ty::Dyn } else { Ty::Str };
            // Without a match a column made earlier keeps its value (S26):
            // `extract` gives "", which `coalesce` skips for strings.
            let text = match self.made.get(g.as_str()) {
                Some(p) if all.is_none() && p.ty == Ty::Str => {
                    format!("coalesce({text}, {})", p.text)
                }
                _ => text,
            };
            let col = self.set_made(&local, g, ty);
            self.set_array(&local, all.is_some());
            parts.push(format!("{col} = {text}"));
        }
        if parts.is_empty() {
            return Vec::new();
        }
        vec![format!("extend {}", parts.join(", "))]
    }
}

/// The names of the capture groups, in the order RE2 numbers them (from 1).
fn capture_names(h: &Hir) -> Vec<Option<String>> {
    fn walk(h: &Hir, out: &mut Vec<(u32, Option<String>)>) {
        match h.kind() {
            HirKind::Capture(c) => {
                out.push((c.index, c.name.as_deref().map(str::to_string)));
                walk(&c.sub, out);
            }
            HirKind::Concat(xs) | HirKind::Alternation(xs) => {
                xs.iter().for_each(|x| walk(x, out));
            }
            HirKind::Repetition(r) => walk(&r.sub, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(h, &mut out);
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, n)| n).collect()
}

/// Whether the group `name` takes part in every match of `h`.
fn always(h: &Hir, name: &str) -> bool {
    match h.kind() {
        HirKind::Capture(c) => c.name.as_deref() == Some(name) || always(&c.sub, name),
        HirKind::Concat(xs) => xs.iter().any(|x| always(x, name)),
        HirKind::Repetition(r) => r.min >= 1 && always(&r.sub, name),
        // One branch of an alternation, or no group at all.
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hir(re: &str) -> Hir {
        regex_syntax::Parser::new().parse(re).expect("regex")
    }

    #[test]
    fn groups_that_can_sit_out_a_match_are_found() {
        assert!(always(&hir(r"\{\{(?P<v>[^}]+?)}}"), "v"));
        assert!(always(&hir("a(?:(?P<v>b)c)+"), "v"));
        assert!(!always(&hir("a(?P<v>b)?"), "v"));
        assert!(!always(&hir("(?P<v>a)|b"), "v"));
        assert!(!always(&hir("(?:(?P<v>a))*"), "v"));
        assert!(!always(&hir("(?P<w>a)"), "v"));
    }

    #[test]
    fn capture_names_follow_group_numbers() {
        assert_eq!(
            capture_names(&hir("(a)(?P<x>(?P<y>b))|(?P<z>c)")),
            vec![None, Some("x".into()), Some("y".into()), Some("z".into())]
        );
    }
}

//! PCRE-style regular expressions → Lucene regular expressions for `RLIKE`.
//!
//! Vigil's regular expressions (like Splunk's and Sigma's) are PCRE-style
//! and search: they match if they match anywhere in the value. `RLIKE` takes
//! a Lucene regular expression, which always matches the whole value and has
//! another syntax: no `\d`/`\w` shorthands, no `(?i)` flag, no anchors, and
//! `@ & ~ < > #` are operators. So the pattern is parsed (with `regex-syntax`,
//! in byte mode so that `\d`, `\w`, `\s` and case folding are ASCII, as in
//! PCRE) and printed again for Lucene: classes and case folding become
//! explicit character classes, every punctuation character is escaped, and
//! the search becomes `.*pattern.*` unless the pattern is anchored with `^`
//! or `$`. What Lucene cannot express (anchors or word boundaries in the
//! middle, look-around, back-references) is an error.

use regex_syntax::ParserBuilder;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

use crate::ir::RegexFlags;

/// Translates `pattern` (searched anywhere in the value) to a Lucene
/// regular expression matching the same values whole.
pub fn to_lucene(pattern: &str, flags: RegexFlags) -> Result<String, String> {
    let hir = ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .case_insensitive(flags.ignore_case)
        .multi_line(flags.multiline)
        .dot_matches_new_line(flags.dot_all)
        .build()
        .parse(pattern)
        .map_err(|e| {
            let text = e.to_string();
            let last = text.lines().last().unwrap_or("").trim().to_string();
            format!("Lucene regular expressions cannot express this pattern ({last})")
        })?;
    // PCRE's `$` also matches before a final line break; `\z` does not. The
    // parsed form does not tell them apart, so look at the source.
    let dollar = pattern.ends_with('$') && !ends_escaped(&pattern[..pattern.len() - 1]);
    top(&hir, dollar)
}

/// True if `s` ends in an odd number of backslashes.
fn ends_escaped(s: &str) -> bool {
    s.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

/// A whole search pattern: each top-level alternative is anchored on its own.
fn top(hir: &Hir, dollar: bool) -> Result<String, String> {
    if let HirKind::Alternation(branches) = hir.kind() {
        let parts: Result<Vec<String>, String> =
            branches.iter().map(|b| anchored(b, dollar)).collect();
        return Ok(parts?.join("|"));
    }
    anchored(hir, dollar)
}

fn anchored(hir: &Hir, dollar: bool) -> Result<String, String> {
    let items: Vec<&Hir> = match hir.kind() {
        HirKind::Concat(items) => items.iter().collect(),
        _ => vec![hir],
    };
    let is_look = |h: &Hir, l: Look| matches!(h.kind(), HirKind::Look(x) if *x == l);
    let start = items.first().is_some_and(|h| is_look(h, Look::Start));
    let end =
        items.len() > usize::from(start) && items.last().is_some_and(|h| is_look(h, Look::End));
    let body_items = &items[usize::from(start)..items.len() - usize::from(end)];
    let mut out = String::new();
    if !start {
        out.push_str(".*");
    }
    for h in body_items {
        out.push_str(&atom_in_concat(h)?);
    }
    if end {
        if dollar {
            // `$`: at the end, or before a line break that ends the value.
            out.push_str("(\n)?");
        }
    } else {
        out.push_str(".*");
    }
    if out.is_empty() {
        out.push_str("()");
    }
    Ok(out)
}

/// A sub-expression as one piece of a concatenation.
fn atom_in_concat(h: &Hir) -> Result<String, String> {
    match h.kind() {
        HirKind::Alternation(_) => Ok(format!("({})", expr(h)?)),
        HirKind::Empty => Ok(String::new()),
        _ => expr(h),
    }
}

fn expr(h: &Hir) -> Result<String, String> {
    match h.kind() {
        HirKind::Empty => Ok("()".to_string()),
        HirKind::Literal(lit) => {
            let s = std::str::from_utf8(&lit.0)
                .map_err(|_| "the pattern matches bytes that are not text".to_string())?;
            Ok(s.chars().map(escape).collect())
        }
        HirKind::Class(Class::Bytes(c)) => {
            let ranges: Vec<(u32, u32)> = c
                .ranges()
                .iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end())))
                .collect();
            byte_class(&ranges)
        }
        HirKind::Class(Class::Unicode(c)) => {
            let ranges: Vec<(u32, u32)> = c
                .ranges()
                .iter()
                .map(|r| (r.start() as u32, r.end() as u32))
                .collect();
            Ok(class(&ranges, false))
        }
        HirKind::Look(_) => Err(
            "Lucene regular expressions have no anchors or word boundaries; only a leading `^` and a trailing `$` can be translated"
                .to_string(),
        ),
        HirKind::Repetition(r) => {
            let sub = match r.sub.kind() {
                HirKind::Class(_) | HirKind::Capture(_) => expr(&r.sub)?,
                HirKind::Literal(l) if std::str::from_utf8(&l.0).is_ok_and(|s| s.chars().count() == 1) => {
                    expr(&r.sub)?
                }
                _ => format!("({})", expr(&r.sub)?),
            };
            let q = match (r.min, r.max) {
                (0, None) => "*".to_string(),
                (1, None) => "+".to_string(),
                (0, Some(1)) => "?".to_string(),
                (n, None) => format!("{{{n},}}"),
                (n, Some(m)) if n == m => format!("{{{n}}}"),
                (n, Some(m)) => format!("{{{n},{m}}}"),
            };
            Ok(format!("{sub}{q}"))
        }
        HirKind::Capture(c) => Ok(format!("({})", expr(&c.sub)?)),
        HirKind::Concat(items) => {
            let parts: Result<Vec<String>, String> = items.iter().map(atom_in_concat).collect();
            Ok(parts?.concat())
        }
        HirKind::Alternation(items) => {
            let parts: Result<Vec<String>, String> = items.iter().map(expr).collect();
            Ok(parts?.join("|"))
        }
    }
}

/// A class of bytes (byte mode): ASCII ranges, plus every non-ASCII
/// character when the class holds all bytes from 0x80 (as `.` and negated
/// classes do). A class holding only some of them matches parts of
/// characters and has no Lucene form.
fn byte_class(ranges: &[(u32, u32)]) -> Result<String, String> {
    let high: u32 = ranges
        .iter()
        .map(|(lo, hi)| {
            let (lo, hi) = ((*lo).max(0x80), (*hi).min(0xFF));
            if lo <= hi { hi - lo + 1 } else { 0 }
        })
        .sum();
    match high {
        0 => Ok(class(ranges, false)),
        0x80 => {
            let ascii: Vec<(u32, u32)> = ranges
                .iter()
                .filter(|(lo, _)| *lo < 0x80)
                .map(|(lo, hi)| (*lo, (*hi).min(0x7F)))
                .collect();
            Ok(class(&ascii, true))
        }
        _ => Err(
            "a character class that holds only some non-ASCII bytes has no Lucene form".to_string(),
        ),
    }
}

/// A character class from code point ranges. With `all_high`, every
/// character above the ranges' ASCII part is in the class too: it is
/// written as the negation of the ASCII characters it lacks.
fn class(ranges: &[(u32, u32)], all_high: bool) -> String {
    let write = |rs: &[(u32, u32)]| -> String {
        let mut s = String::new();
        for (lo, hi) in rs {
            s.push_str(&class_char(*lo));
            if hi > lo {
                s.push('-');
                s.push_str(&class_char(*hi));
            }
        }
        s
    };
    if !all_high {
        if let [(lo, hi)] = ranges
            && lo == hi
        {
            return char::from_u32(*lo).map(escape).unwrap_or_default();
        }
        return format!("[{}]", write(ranges));
    }
    // The ASCII characters the class lacks.
    let mut missing = Vec::new();
    let mut next = 0u32;
    for (lo, hi) in ranges {
        if *lo > next {
            missing.push((next, lo - 1));
        }
        next = hi + 1;
    }
    if next <= 0x7F {
        missing.push((next, 0x7F));
    }
    if missing.is_empty() {
        ".".to_string()
    } else {
        format!("[^{}]", write(&missing))
    }
}

fn class_char(c: u32) -> String {
    char::from_u32(c).map(escape).unwrap_or_default()
}

/// One literal character: ASCII punctuation but `_` is escaped (Lucene's
/// operators are all punctuation, and escaping any other is harmless);
/// everything else, control characters included, is written as itself.
fn escape(c: char) -> String {
    if c.is_ascii_punctuation() && c != '_' {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: &str) -> String {
        to_lucene(p, RegexFlags::default()).unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn search_becomes_whole_match() {
        assert_eq!(t("abc"), ".*abc.*");
        assert_eq!(t("^abc"), "abc.*");
        assert_eq!(t("abc$"), ".*abc(\n)?");
        assert_eq!(t(r"abc\z"), ".*abc");
        assert_eq!(t("^a|b$"), "a.*|.*b(\n)?");
        assert_eq!(t(""), ".*.*");
    }

    #[test]
    fn shorthands_and_escapes() {
        assert_eq!(t(r"\d+\.\d+"), ".*[0-9]+\\.[0-9]+.*");
        assert_eq!(t("a.b"), ".*a[^\n]b.*");
        assert_eq!(t("[^/]+"), ".*[^\\/]+.*");
        assert_eq!(t("a@b"), ".*a\\@b.*");
        assert_eq!(t("(?:ab)+"), ".*(ab)+.*");
        assert_eq!(t("x{2,3}"), ".*x{2,3}.*");
    }

    #[test]
    fn case_folding_is_explicit() {
        let ic = RegexFlags {
            ignore_case: true,
            ..RegexFlags::default()
        };
        assert_eq!(to_lucene("ab", ic).unwrap(), ".*[Aa][Bb].*");
        assert_eq!(t("(?i)x1"), ".*[Xx]1.*");
    }

    #[test]
    fn what_lucene_cannot_express() {
        assert!(t(r"a\bb").starts_with("ERR"));
        assert!(t("a(?=b)").starts_with("ERR"));
        assert!(t(r"(a)\1").starts_with("ERR"));
        assert!(t("a^b").starts_with("ERR"));
    }
}

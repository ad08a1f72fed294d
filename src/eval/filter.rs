//! Filters with search semantics, compiled for matching rows.
//!
//! The rules (`docs/semantics.md`): text is compared case-insensitively
//! unless `cased`; a multi-value field passes a test if any value does; a
//! field without a value fails every test but `is null`, so `not f == x`
//! holds without `f` and `f != x` needs `f`. Numbers compare as numbers.

use std::ops::ControlFlow;

use super::compile::Cx;
use super::pattern::{Cidr, Wildcard, compile_regex};
use super::row::{Field, Row};
use super::value::{Scalar, Val, fold, parse_number};
use crate::ir::{Filter, Keyword, Ordering, Pred, Test, TextPart};

/// A value a field is compared with, prepared once.
#[derive(Clone, Debug)]
struct Needle {
    /// The text (lower-cased unless the test is `cased`).
    text: String,
    /// The number, when the value is a number.
    num: Option<f64>,
    cased: bool,
}

impl Needle {
    fn new(v: &Val, cased: bool) -> Needle {
        let text = v.text().map(|t| t.into_owned()).unwrap_or_default();
        Needle {
            text: if cased {
                text
            } else {
                fold(&text).into_owned()
            },
            num: match v {
                Val::Int(_) | Val::Float(_) => v.number(),
                _ => None,
            },
            cased,
        }
    }

    /// Equality with search semantics.
    fn eq(&self, s: Scalar<'_>) -> bool {
        if let Some(n) = self.num {
            return s.number() == Some(n);
        }
        match s.text() {
            Some(t) if self.cased => *t == self.text,
            Some(t) => *fold(&t) == self.text,
            None => false,
        }
    }

    /// Ordering: numeric when both are numbers, else text by bytes.
    fn cmp(&self, s: Scalar<'_>) -> Option<std::cmp::Ordering> {
        let mine = self.num.or_else(|| parse_number(&self.text));
        match (s.number(), mine) {
            (Some(a), Some(b)) => Some(a.total_cmp(&b)),
            (None, Some(_)) if self.num.is_some() => None,
            _ => Some(s.text()?.as_ref().cmp(self.text.as_str())),
        }
    }
}

/// The test of a compiled predicate.
#[derive(Debug)]
enum Check {
    Eq(Needle),
    Ne(Needle),
    In(Vec<Needle>),
    Like {
        patterns: Vec<Wildcard>,
        all: bool,
    },
    Regex {
        patterns: Vec<regex::Regex>,
        all: bool,
    },
    Cidr(Vec<Cidr>),
    Cmp(Ordering, Needle),
    Exists,
    IsNull,
    FieldEq(Field),
}

/// A compiled filter.
#[derive(Debug)]
pub enum CFilter {
    /// Every row.
    True,
    /// All of these.
    And(Vec<CFilter>),
    /// Any of these.
    Or(Vec<CFilter>),
    /// Not this.
    Not(Box<CFilter>),
    /// A test on one field.
    Pred(Field, Box<CheckBox>),
    /// Words found in any value of the row.
    Keyword(regex::Regex),
}

/// A predicate's test (boxed to keep `CFilter` small).
#[derive(Debug)]
pub struct CheckBox(Check);

impl CFilter {
    /// Compiles a filter, reporting what cannot run.
    pub(crate) fn new(f: &Filter, cx: &mut Cx) -> CFilter {
        match f {
            Filter::True => CFilter::True,
            Filter::And(v) => CFilter::And(v.iter().map(|x| CFilter::new(x, cx)).collect()),
            Filter::Or(v) => CFilter::Or(v.iter().map(|x| CFilter::new(x, cx)).collect()),
            Filter::Not(x) => CFilter::Not(Box::new(CFilter::new(x, cx))),
            Filter::Group(x) => CFilter::new(x, cx),
            Filter::Keyword(k) => keyword(k, cx),
            Filter::Pred(p) => match check(p, cx) {
                Some(c) => CFilter::Pred(Field::new(&p.field), Box::new(CheckBox(c))),
                None => CFilter::True,
            },
        }
    }

    /// True if the row passes.
    pub fn matches(&self, row: &Row) -> bool {
        match self {
            CFilter::True => true,
            CFilter::And(v) => v.iter().all(|x| x.matches(row)),
            CFilter::Or(v) => v.iter().any(|x| x.matches(row)),
            CFilter::Not(x) => !x.matches(row),
            CFilter::Pred(field, check) => pred_matches(row, field, &check.0),
            CFilter::Keyword(w) => keyword_matches(row, w),
        }
    }
}

/// Letters and digits make words; anything else separates them (close to
/// how Splunk segments text into searchable terms).
const NOT_WORD: &str = r"[^\p{L}\p{N}]";

/// A keyword as a regular expression: its text must stand as whole words
/// in a value (`admin` matches "user admin;" but not "administrator"); a
/// wildcard at either end lifts that end's boundary (`admin*`,
/// `*admin*`).
fn keyword(k: &Keyword, cx: &mut Cx) -> CFilter {
    if !cx.check_text(&k.text, k.span) {
        return CFilter::True;
    }
    let parts = &k.text.parts;
    let mut src = String::new();
    if !matches!(parts.first(), Some(TextPart::AnyString)) {
        src.push_str(&format!("(?:^|{NOT_WORD})"));
    }
    for p in parts {
        match p {
            TextPart::Lit(s) => src.push_str(&regex::escape(s)),
            TextPart::AnyString => src.push_str(".*"),
            TextPart::AnyChar => src.push('.'),
            TextPart::Param(_) => {}
        }
    }
    if !matches!(parts.last(), Some(TextPart::AnyString)) {
        src.push_str(&format!("(?:{NOT_WORD}|$)"));
    }
    match regex::RegexBuilder::new(&src)
        .case_insensitive(!k.cased)
        .dot_matches_new_line(true)
        .build()
    {
        Ok(re) => CFilter::Keyword(re),
        Err(e) => {
            cx.error(
                k.span,
                format!("cannot run this keyword: {e}"),
                "this keyword",
                "",
            );
            CFilter::True
        }
    }
}

fn check(p: &Pred, cx: &mut Cx) -> Option<Check> {
    let span = p.span;
    Some(match &p.test {
        Test::Eq { value, cased } => Check::Eq(Needle::new(&cx.value(value, span)?, *cased)),
        Test::Ne { value, cased } => Check::Ne(Needle::new(&cx.value(value, span)?, *cased)),
        Test::In { values, cased } => {
            let mut out = Vec::new();
            for v in values {
                out.push(Needle::new(&cx.value(v, span)?, *cased));
            }
            Check::In(out)
        }
        Test::Like {
            patterns,
            all,
            cased,
        } => {
            let mut out = Vec::new();
            for t in patterns {
                if !cx.check_text(t, span) {
                    return None;
                }
                out.push(Wildcard::new(t, *cased)?);
            }
            Check::Like {
                patterns: out,
                all: *all,
            }
        }
        Test::Regex { patterns, all } => {
            let mut out = Vec::new();
            for r in patterns {
                let src = cx.literal(&r.pattern, span)?;
                match compile_regex(&src, r.flags) {
                    Ok(re) => out.push(re),
                    Err(e) => {
                        cx.error(
                            span,
                            format!("cannot run this regular expression: {e}"),
                            "this test",
                            "Vigil evaluates regular expressions with Rust's `regex` crate (no look-around, back-references, atomic groups, possessive quantifiers); rewrite the expression without them to test it",
                        );
                        return None;
                    }
                }
            }
            Check::Regex {
                patterns: out,
                all: *all,
            }
        }
        Test::Cidr { ranges } => {
            let mut out = Vec::new();
            for v in ranges {
                let text = cx.value(v, span)?.text().map(|t| t.into_owned());
                match text.as_deref().and_then(Cidr::parse) {
                    Some(c) => out.push(c),
                    None => {
                        cx.error(
                            span,
                            format!("`{}` is not a CIDR range", text.unwrap_or_default()),
                            "this test",
                            "write ranges like \"10.0.0.0/8\" or \"2001:db8::/32\"",
                        );
                        return None;
                    }
                }
            }
            Check::Cidr(out)
        }
        Test::Cmp { op, value } => Check::Cmp(*op, Needle::new(&cx.value(value, span)?, true)),
        Test::Exists => Check::Exists,
        Test::IsNull => Check::IsNull,
        Test::FieldEq { other } => Check::FieldEq(Field::new(other)),
    })
}

/// True if any value of the field passes `test`; also whether it had one.
fn any_value(row: &Row, field: &Field, test: &mut dyn FnMut(Scalar<'_>) -> bool) -> (bool, bool) {
    row.visit(field, &mut |s| {
        if test(s) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
}

fn pred_matches(row: &Row, field: &Field, check: &Check) -> bool {
    let any = |test: &mut dyn FnMut(Scalar<'_>) -> bool| any_value(row, field, test).1;
    match check {
        Check::Eq(n) => any(&mut |s| n.eq(s)),
        Check::Ne(n) => any(&mut |s| !n.eq(s)),
        Check::In(ns) => any(&mut |s| ns.iter().any(|n| n.eq(s))),
        Check::Like { patterns, all } => {
            let one = |w: &Wildcard| {
                any_value(row, field, &mut |s| s.text().is_some_and(|t| w.matches(&t))).1
            };
            if *all {
                patterns.iter().all(one)
            } else {
                patterns.iter().any(one)
            }
        }
        Check::Regex { patterns, all } => {
            let one = |re: &regex::Regex| {
                any_value(row, field, &mut |s| {
                    s.text().is_some_and(|t| re.is_match(&t))
                })
                .1
            };
            if *all {
                patterns.iter().all(one)
            } else {
                patterns.iter().any(one)
            }
        }
        Check::Cidr(ranges) => any(&mut |s| {
            s.text()
                .is_some_and(|t| ranges.iter().any(|c| c.contains(&t)))
        }),
        Check::Cmp(op, n) => any(&mut |s| {
            n.cmp(s).is_some_and(|o| match op {
                Ordering::Lt => o.is_lt(),
                Ordering::Le => o.is_le(),
                Ordering::Gt => o.is_gt(),
                Ordering::Ge => o.is_ge(),
            })
        }),
        Check::Exists => any_value(row, field, &mut |_| true).0,
        // Null unless some value is not null.
        Check::IsNull => !any(&mut |s| !s.is_null()),
        Check::FieldEq(other) => {
            let Some(theirs) = row.get(other) else {
                return false;
            };
            let needles: Vec<Needle> = theirs
                .values()
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| {
                    // Compare as numbers when both sides are numbers.
                    let mut n = Needle::new(v, false);
                    n.num = v.number();
                    n
                })
                .collect();
            any(&mut |s| {
                needles.iter().any(|n| match (n.num, s.number()) {
                    (Some(a), Some(b)) => a == b,
                    _ => s.text().is_some_and(|t| *fold(&t) == n.text),
                })
            })
        }
    }
}

/// Words of which an event's raw text must contain one (ignoring ASCII
/// case) for the filter to hold, when the filter implies such a set: the
/// value of a text equality, of every `in` item, the longest literal of each
/// wildcard pattern. `None` when no set is implied. A conjunction takes its
/// most selective member's set (longest shortest word); a disjunction the
/// union of its members' sets.
pub(crate) fn required_words(f: &CFilter) -> Option<Vec<String>> {
    // A word must appear verbatim in the raw JSON of a matching event: not
    // JSON syntax (an object's text is its compact JSON, spaced otherwise in
    // the raw event) and not a number (`1e2` is the value 100).
    let ascii = |w: &str| {
        w.is_ascii()
            && !w.is_empty()
            && !w.contains(['"', '{', '}', '[', ']', ':', ','])
            && parse_number(w).is_none()
    };
    match f {
        CFilter::True | CFilter::Not(_) | CFilter::Keyword(_) => None,
        CFilter::And(items) => items
            .iter()
            .filter_map(required_words)
            .max_by_key(|ws| ws.iter().map(String::len).min().unwrap_or(0)),
        CFilter::Or(items) => {
            let mut all = Vec::new();
            for x in items {
                all.extend(required_words(x)?);
            }
            Some(all)
        }
        CFilter::Pred(field, check) => {
            if !field.is_plain_event_field() {
                return None;
            }
            let words: Vec<String> = match &check.0 {
                Check::Eq(n) if n.num.is_none() => vec![n.text.clone()],
                Check::In(ns) if ns.iter().all(|n| n.num.is_none()) => {
                    ns.iter().map(|n| n.text.clone()).collect()
                }
                Check::Like {
                    patterns,
                    all: false,
                } => patterns
                    .iter()
                    .map(|w| w.longest_literal().map(str::to_string))
                    .collect::<Option<_>>()?,
                _ => return None,
            };
            words.iter().all(|w| ascii(w)).then_some(words)
        }
    }
}

/// The word sets of a conjunction's members (each must be satisfied), or
/// the filter's own set.
pub(crate) fn required_word_sets(f: &CFilter) -> Vec<Vec<String>> {
    match f {
        CFilter::And(items) => items.iter().flat_map(required_word_sets).collect(),
        other => required_words(other).into_iter().collect(),
    }
}

fn keyword_matches(row: &Row, re: &regex::Regex) -> bool {
    row.all_columns().iter().any(|(_, v)| {
        v.values()
            .iter()
            .any(|x| x.text().is_some_and(|t| re.is_match(&t)))
    })
}

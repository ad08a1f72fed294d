//! The event filter: a boolean tree of field tests with search semantics.
//!
//! Semantics (the evaluator is the reference; `docs/semantics.md` has the
//! details): string tests are case-insensitive unless `cased`; a test on a
//! multi-value field holds if it holds for any value; a test on a missing field
//! is false, so `not (f == "x")` holds for events without `f`, while
//! `f != "x"` needs `f` to exist.

use serde::Serialize;

use super::field::FieldRef;
use super::list::List;
use super::value::{Text, Value};
use crate::source::Span;

/// A boolean filter over events.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    /// Every event.
    True,
    /// All of these.
    And(Vec<Filter>),
    /// Any of these.
    Or(Vec<Filter>),
    /// Not this.
    Not(Box<Filter>),
    /// Parentheses the author wrote (same meaning as the inner filter;
    /// printers keep them).
    Group(Box<Filter>),
    /// A test on one field.
    Pred(Pred),
    /// A full-text term matched anywhere in the event (Sigma keywords).
    Keyword(Keyword),
}

impl Filter {
    /// `a and b`, flattening nested conjunctions and dropping `True`.
    pub fn and(items: Vec<Filter>) -> Filter {
        let mut out = Vec::with_capacity(items.len());
        for f in items {
            match f {
                Filter::True => {}
                Filter::And(inner) => out.extend(inner),
                other => out.push(other),
            }
        }
        // Kept in the IR for the whole run: no spare capacity.
        out.shrink_to_fit();
        match out.len() {
            0 => Filter::True,
            1 => out.pop().unwrap_or(Filter::True),
            _ => Filter::And(out),
        }
    }

    /// True if this is the always-true filter.
    pub fn is_true(&self) -> bool {
        matches!(self, Filter::True)
    }

    /// Visits every predicate.
    pub fn for_each_pred<'a>(&'a self, f: &mut impl FnMut(&'a Pred)) {
        match self {
            Filter::True | Filter::Keyword(_) => {}
            Filter::And(v) | Filter::Or(v) => v.iter().for_each(|x| x.for_each_pred(f)),
            Filter::Not(x) | Filter::Group(x) => x.for_each_pred(f),
            Filter::Pred(p) => f(p),
        }
    }
}

/// A full-text search term.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Keyword {
    /// The text (may hold wildcards).
    pub text: Text,
    /// Case-sensitive if true.
    pub cased: bool,
    /// Where it was written.
    #[serde(skip)]
    pub span: Span,
}

/// A test on one field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pred {
    /// The field tested.
    pub field: FieldRef,
    /// The test.
    pub test: Test,
    /// Where it was written.
    #[serde(skip)]
    pub span: Span,
}

/// Ordering comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ordering {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Flags of a regular expression.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RegexFlags {
    /// Case-insensitive.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ignore_case: bool,
    /// `^` and `$` match at line breaks.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub multiline: bool,
    /// `.` matches line breaks.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dot_all: bool,
}

/// A regular expression (PCRE-style syntax, as Splunk and Sigma use).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Regex {
    /// The pattern source; may hold parameters.
    pub pattern: Text,
    /// Flags.
    pub flags: RegexFlags,
}

/// What a predicate tests.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "test")]
pub enum Test {
    /// Equal to a value (text compared exactly; no wildcards).
    Eq {
        /// The value.
        value: Value,
        /// Case-sensitive text comparison.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        cased: bool,
    },
    /// The field exists and is not equal to the value.
    Ne {
        /// The value.
        value: Value,
        /// Case-sensitive text comparison.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        cased: bool,
    },
    /// Equal to one of the values.
    In {
        /// The values.
        values: List<Value>,
        /// Case-sensitive text comparison.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        cased: bool,
    },
    /// Matches wildcard patterns (`*` any run, `?` one character): any of
    /// them, or all of them with `all`.
    Like {
        /// The patterns.
        patterns: List<Text>,
        /// All patterns must match (instead of any).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        all: bool,
        /// Case-sensitive.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        cased: bool,
    },
    /// Matches regular expressions (any, or all with `all`); unanchored.
    Regex {
        /// The expressions.
        patterns: List<Regex>,
        /// All must match.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        all: bool,
    },
    /// An IP address within one of the CIDR ranges.
    Cidr {
        /// The ranges, e.g. `10.0.0.0/8`.
        ranges: List<Value>,
    },
    /// An ordering comparison; numeric if both sides are numbers.
    Cmp {
        /// The operator.
        op: Ordering,
        /// The value.
        value: Value,
    },
    /// The field is present (with any value, null included).
    Exists,
    /// The field is missing or null.
    IsNull,
    /// Equal to the value of another field of the same event.
    FieldEq {
        /// The other field.
        other: FieldRef,
    },
}

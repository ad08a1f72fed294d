//! The functions of Vigil's expression language.
//!
//! Names and meanings follow SPL's eval functions, which detection engineers
//! know; each target spells them in its own printer.

use serde::Serialize;

/// A built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Func {
    /// `case(c1, v1, c2, v2, ...)`: the value of the first true condition.
    Case,
    /// `if(c, a, b)`.
    If,
    /// `match(s, re)`: the regular expression matches somewhere in `s`.
    Match,
    /// `like(s, pattern)`: wildcard match (`*`, `?`).
    Like,
    /// `mvfind(mv, re)`: index of the first value matching, or null.
    MvFind,
    /// `mvcount(mv)`: number of values.
    MvCount,
    /// `mvfilter(pred)`: the values of the multi-value field named in `pred`
    /// for which `pred` holds.
    MvFilter,
    /// `mvindex(mv, i)`: the value at index `i`.
    MvIndex,
    /// `mvjoin(mv, sep)`.
    MvJoin,
    /// `isnull(x)`.
    IsNull,
    /// `isnotnull(x)`.
    IsNotNull,
    /// `replace(s, re, replacement)`.
    Replace,
    /// `now()`: the search time in epoch seconds.
    Now,
    /// `lower(s)`.
    Lower,
    /// `upper(s)`.
    Upper,
    /// `len(s)`.
    Len,
    /// `coalesce(a, b, ...)`: the first non-null argument.
    Coalesce,
    /// `tostring(x)`.
    ToString,
    /// `tonumber(s)`.
    ToNumber,
    /// `round(x[, digits])`.
    Round,
    /// `abs(x)`.
    Abs,
    /// `substr(s, start[, len])` (1-based start).
    Substr,
    /// `split(s, sep)`.
    Split,
    /// `cidrmatch(cidr, ip)`.
    CidrMatch,
    /// `strftime(epoch_seconds, format)`: the time as text, in UTC, with
    /// `%Y %m %d %H %M %S` (and `%F`, `%T`, `%%`) in the format.
    Strftime,
    /// `concat(a, b, ...)`: SPL's `.` operator. Each operand as text
    /// (numbers as `tostring` writes them); null if any operand is null.
    Concat,
    /// `urldecode(s)`: `%XX` escapes decoded (as UTF-8); `+` stays `+`.
    UrlDecode,
    /// `relative_time(epoch_seconds, modifier)`: the time moved by a Splunk
    /// time modifier (`-1d@d`, `+2h`, `@w0`), in UTC.
    RelativeTime,
    /// `mvzip(a, b[, sep])`: the values of `a` and `b` paired by position
    /// and joined with `sep` (`,` when absent), as long as the shorter.
    MvZip,
    /// `pow(x, y)`: x to the power y.
    Pow,
    /// `mvdedup(mv)`: the values without repeats, in first-seen order.
    MvDedup,
}

/// How many arguments a function takes.
#[derive(Clone, Copy, Debug)]
pub enum Arity {
    /// Exactly n.
    Exactly(usize),
    /// Between min and max.
    Range(usize, usize),
    /// At least n.
    AtLeast(usize),
    /// An even number, at least 2 (condition/value pairs).
    Pairs,
}

impl Func {
    /// Every function, for lookups and docs.
    pub const ALL: &'static [Func] = &[
        Func::Case,
        Func::If,
        Func::Match,
        Func::Like,
        Func::MvFind,
        Func::MvCount,
        Func::MvFilter,
        Func::MvIndex,
        Func::MvJoin,
        Func::IsNull,
        Func::IsNotNull,
        Func::Replace,
        Func::Now,
        Func::Lower,
        Func::Upper,
        Func::Len,
        Func::Coalesce,
        Func::ToString,
        Func::ToNumber,
        Func::Round,
        Func::Abs,
        Func::Substr,
        Func::Split,
        Func::CidrMatch,
        Func::Strftime,
        Func::Concat,
        Func::UrlDecode,
        Func::RelativeTime,
        Func::MvZip,
        Func::Pow,
        Func::MvDedup,
    ];

    /// The name used in Vigil source.
    pub fn name(self) -> &'static str {
        match self {
            Func::Case => "case",
            Func::If => "if",
            Func::Match => "match",
            Func::Like => "like",
            Func::MvFind => "mvfind",
            Func::MvCount => "mvcount",
            Func::MvFilter => "mvfilter",
            Func::MvIndex => "mvindex",
            Func::MvJoin => "mvjoin",
            Func::IsNull => "isnull",
            Func::IsNotNull => "isnotnull",
            Func::Replace => "replace",
            Func::Now => "now",
            Func::Lower => "lower",
            Func::Upper => "upper",
            Func::Len => "len",
            Func::Coalesce => "coalesce",
            Func::ToString => "tostring",
            Func::ToNumber => "tonumber",
            Func::Round => "round",
            Func::Abs => "abs",
            Func::Substr => "substr",
            Func::Split => "split",
            Func::CidrMatch => "cidrmatch",
            Func::Strftime => "strftime",
            Func::Concat => "concat",
            Func::UrlDecode => "urldecode",
            Func::RelativeTime => "relative_time",
            Func::MvZip => "mvzip",
            Func::Pow => "pow",
            Func::MvDedup => "mvdedup",
        }
    }

    /// Looks a function up by its Vigil name (names are lower case).
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The arguments it takes.
    pub fn arity(self) -> Arity {
        match self {
            Func::Case => Arity::Pairs,
            Func::If | Func::Replace => Arity::Exactly(3),
            Func::Match
            | Func::Like
            | Func::MvFind
            | Func::MvIndex
            | Func::MvJoin
            | Func::Split
            | Func::CidrMatch
            | Func::Strftime
            | Func::RelativeTime
            | Func::Pow => Arity::Exactly(2),
            Func::MvCount
            | Func::MvFilter
            | Func::IsNull
            | Func::IsNotNull
            | Func::Lower
            | Func::Upper
            | Func::Len
            | Func::ToString
            | Func::ToNumber
            | Func::Abs
            | Func::UrlDecode
            | Func::MvDedup => Arity::Exactly(1),
            Func::Now => Arity::Exactly(0),
            Func::Coalesce => Arity::AtLeast(1),
            Func::Round => Arity::Range(1, 2),
            Func::Substr => Arity::Range(2, 3),
            Func::MvZip => Arity::Range(2, 3),
            Func::Concat => Arity::AtLeast(2),
        }
    }

    /// Whether `n` arguments fit.
    pub fn accepts(self, n: usize) -> bool {
        match self.arity() {
            Arity::Exactly(k) => n == k,
            Arity::Range(lo, hi) => (lo..=hi).contains(&n),
            Arity::AtLeast(k) => n >= k,
            Arity::Pairs => n >= 2 && n.is_multiple_of(2),
        }
    }

    /// A description of the expected arguments, for diagnostics.
    pub fn signature(self) -> &'static str {
        match self {
            Func::Case => "case(condition, value, ...)",
            Func::If => "if(condition, then, else)",
            Func::Match => "match(text, regex)",
            Func::Like => "like(text, pattern)",
            Func::MvFind => "mvfind(multivalue, regex)",
            Func::MvCount => "mvcount(multivalue)",
            Func::MvFilter => "mvfilter(predicate)",
            Func::MvIndex => "mvindex(multivalue, index)",
            Func::MvJoin => "mvjoin(multivalue, separator)",
            Func::IsNull => "isnull(value)",
            Func::IsNotNull => "isnotnull(value)",
            Func::Replace => "replace(text, regex, replacement)",
            Func::Now => "now()",
            Func::Lower => "lower(text)",
            Func::Upper => "upper(text)",
            Func::Len => "len(text)",
            Func::Coalesce => "coalesce(value, ...)",
            Func::ToString => "tostring(value)",
            Func::ToNumber => "tonumber(text)",
            Func::Round => "round(number[, digits])",
            Func::Abs => "abs(number)",
            Func::Substr => "substr(text, start[, length])",
            Func::Split => "split(text, separator)",
            Func::CidrMatch => "cidrmatch(cidr, ip)",
            Func::Strftime => "strftime(time, format)",
            Func::Concat => "concat(text, text, ...)",
            Func::UrlDecode => "urldecode(text)",
            Func::RelativeTime => "relative_time(time, modifier)",
            Func::MvZip => "mvzip(multivalue, multivalue[, separator])",
            Func::Pow => "pow(number, exponent)",
            Func::MvDedup => "mvdedup(multivalue)",
        }
    }
}

//! Runtime values and their coercions.
//!
//! Every field of a row holds a [`Val`]: null, a boolean, a number, text or
//! several values (a multi-value). [`Scalar`] is a borrowed view of one value,
//! used on the hot path so that testing a JSON event never copies it.
//!
//! Coercions (see `docs/semantics.md`): text that reads as a decimal number
//! is a number wherever a number is needed; numbers, booleans and null have a
//! text form; ordering puts numbers before text and compares text by bytes.

use std::borrow::Cow;
use std::cmp::Ordering;

/// A value of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// No value (JSON `null`, or the result of an expression that has none).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal number (always finite).
    Float(f64),
    /// Text.
    Str(String),
    /// Several values, in order (never nested, never fewer than two).
    Multi(Vec<Val>),
}

/// A borrowed view of one value.
#[derive(Clone, Copy, Debug)]
pub enum Scalar<'a> {
    /// JSON `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal number.
    Float(f64),
    /// Text.
    Str(&'a str),
    /// A JSON object (its text is its compact JSON).
    Json(&'a serde_json::Value),
}

impl Val {
    /// A text value.
    pub fn str(s: impl Into<String>) -> Val {
        Val::Str(s.into())
    }

    /// A number, as an integer when it is one.
    pub fn num(f: f64) -> Val {
        if !f.is_finite() {
            Val::Null
        } else if f.fract() == 0.0 && f.abs() < 9.0e15 {
            Val::Int(f as i64)
        } else {
            Val::Float(f)
        }
    }

    /// Builds a value from several: none is null, one is itself, more are a
    /// multi-value (nested multi-values are flattened).
    pub fn from_values(mut vals: Vec<Val>) -> Val {
        if vals.iter().any(|v| matches!(v, Val::Multi(_))) {
            let mut flat = Vec::with_capacity(vals.len());
            for v in vals {
                match v {
                    Val::Multi(inner) => flat.extend(inner),
                    other => flat.push(other),
                }
            }
            vals = flat;
        }
        match vals.len() {
            0 => Val::Null,
            1 => vals.pop().unwrap_or(Val::Null),
            _ => Val::Multi(vals),
        }
    }

    /// True for null.
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// The values: a multi-value's items, or this value alone.
    pub fn values(&self) -> &[Val] {
        match self {
            Val::Multi(v) => v,
            other => std::slice::from_ref(other),
        }
    }

    /// The first value (the value itself unless it is a multi-value).
    pub fn first(&self) -> &Val {
        match self {
            Val::Multi(v) => v.first().unwrap_or(&Val::Null),
            other => other,
        }
    }

    /// A borrowed view of a single value (the first of a multi-value).
    pub fn scalar(&self) -> Scalar<'_> {
        match self.first() {
            Val::Null | Val::Multi(_) => Scalar::Null,
            Val::Bool(b) => Scalar::Bool(*b),
            Val::Int(i) => Scalar::Int(*i),
            Val::Float(f) => Scalar::Float(*f),
            Val::Str(s) => Scalar::Str(s),
        }
    }

    /// The text form (multi-values joined by newlines, as SPL shows them);
    /// `None` for null.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Val::Multi(v) => Some(Cow::Owned(
                v.iter()
                    .filter_map(|x| x.text())
                    .collect::<Vec<_>>()
                    .join("\n"),
            )),
            other => other.scalar().text(),
        }
    }

    /// The number this value reads as (first value of a multi-value).
    pub fn number(&self) -> Option<f64> {
        self.scalar().number()
    }

    /// The value as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Val::Null => J::Null,
            Val::Bool(b) => J::Bool(*b),
            Val::Int(i) => J::from(*i),
            Val::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Val::Str(s) => J::String(s.clone()),
            Val::Multi(v) => J::Array(v.iter().map(Val::to_json).collect()),
        }
    }
}

impl<'a> Scalar<'a> {
    /// A view of a JSON value that is not an array.
    pub fn from_json(v: &'a serde_json::Value) -> Scalar<'a> {
        use serde_json::Value as J;
        match v {
            J::Null => Scalar::Null,
            J::Bool(b) => Scalar::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Scalar::Int(i),
                None => Scalar::Float(n.as_f64().unwrap_or(0.0)),
            },
            J::String(s) => Scalar::Str(s),
            J::Array(_) | J::Object(_) => Scalar::Json(v),
        }
    }

    /// An owned copy.
    pub fn to_val(self) -> Val {
        match self {
            Scalar::Null => Val::Null,
            Scalar::Bool(b) => Val::Bool(b),
            Scalar::Int(i) => Val::Int(i),
            Scalar::Float(f) => Val::num(f),
            Scalar::Str(s) => Val::Str(s.to_string()),
            Scalar::Json(j) => Val::Str(j.to_string()),
        }
    }

    /// The text form; `None` for null.
    pub fn text(self) -> Option<Cow<'a, str>> {
        Some(match self {
            Scalar::Null => return None,
            Scalar::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            Scalar::Int(i) => Cow::Owned(i.to_string()),
            Scalar::Float(f) => Cow::Owned(float_text(f)),
            Scalar::Str(s) => Cow::Borrowed(s),
            Scalar::Json(j) => Cow::Owned(j.to_string()),
        })
    }

    /// The number this value reads as: a JSON number, or text that is a
    /// decimal number.
    pub fn number(self) -> Option<f64> {
        match self {
            Scalar::Int(i) => Some(i as f64),
            Scalar::Float(f) => Some(f),
            Scalar::Str(s) => parse_number(s),
            Scalar::Null | Scalar::Bool(_) | Scalar::Json(_) => None,
        }
    }

    /// True for null.
    pub fn is_null(self) -> bool {
        matches!(self, Scalar::Null)
    }
}

/// The text of a decimal number: integral values without a fraction.
pub fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Parses text that is a decimal number (`12`, `-1.5`, `2e3`); anything
/// else, including `inf`, `NaN`, hex and surrounding spaces, is not one.
pub fn parse_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let digits_start = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    match b.get(digits_start) {
        Some(c) if c.is_ascii_digit() => {}
        Some(b'.') if b.get(digits_start + 1).is_some_and(u8::is_ascii_digit) => {}
        _ => return None,
    }
    if !b[digits_start..]
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// The order of `sort`, `min`/`max` and `stats` groups: numbers (and text
/// that reads as a number) before other text, numbers numerically, text by
/// bytes (so upper case sorts before lower case, as in SPL).
pub fn order(a: Scalar<'_>, b: Scalar<'_>) -> Ordering {
    match (a.number(), b.number()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => {
            let (ta, tb) = (a.text(), b.text());
            ta.as_deref().unwrap_or("").cmp(tb.as_deref().unwrap_or(""))
        }
    }
}

/// Lower-cases text for case-insensitive comparison, borrowing when it has
/// no upper-case letters.
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|c| c.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_text() {
        assert_eq!(parse_number("12"), Some(12.0));
        assert_eq!(parse_number("-1.5"), Some(-1.5));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("2e3"), Some(2000.0));
        for bad in ["", "-", "inf", "NaN", " 1", "1 ", "0x10", "1.2.3.4", "e5"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn from_values_normalizes() {
        assert_eq!(Val::from_values(vec![]), Val::Null);
        assert_eq!(Val::from_values(vec![Val::Int(1)]), Val::Int(1));
        assert_eq!(
            Val::from_values(vec![
                Val::Multi(vec![Val::Int(1), Val::Int(2)]),
                Val::Int(3)
            ]),
            Val::Multi(vec![Val::Int(1), Val::Int(2), Val::Int(3)])
        );
    }

    #[test]
    fn ordering_puts_numbers_first() {
        let s = |x: &'static str| Scalar::Str(x);
        assert_eq!(order(s("9"), s("10")), Ordering::Less);
        assert_eq!(order(Scalar::Int(100), s("a")), Ordering::Less);
        assert_eq!(order(s("B"), s("a")), Ordering::Less);
    }

    #[test]
    fn float_text_drops_integral_fraction() {
        assert_eq!(float_text(2.0), "2");
        assert_eq!(float_text(2.5), "2.5");
    }
}

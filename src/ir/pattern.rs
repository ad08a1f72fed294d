//! The shape of a wildcard pattern: which text test it is.
//!
//! `contains "x"`, `startswith "x"` and `endswith "x"` are wildcard
//! patterns in the IR (`*x*`, `x*`, `*x`); printers that have those tests
//! (Vigil's own language, Sigma's modifiers) recover them from the shape.

use super::value::{Text, TextPart};

/// What a wildcard pattern tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// No wildcard: equality.
    Exact,
    /// `*x*` with no wildcard in `x`.
    Contains,
    /// `x*`.
    StartsWith,
    /// `*x`.
    EndsWith,
    /// Any other pattern.
    General,
}

fn is_wild(p: &TextPart) -> bool {
    matches!(p, TextPart::AnyString | TextPart::AnyChar)
}

impl Text {
    /// The pattern's shape, and the text the test takes (without the outer
    /// wildcards; the whole pattern for `Exact` and `General`). `x` is
    /// never empty: `*` and `**` are `General`.
    pub fn shape(&self) -> (Shape, Text) {
        let parts = &self.parts;
        let n = parts.len();
        let inner = |a: usize, b: usize| Text {
            parts: parts[a..b].to_vec(),
        };
        let plain = |a: usize, b: usize| a < b && !parts[a..b].iter().any(is_wild);
        if !parts.iter().any(is_wild) {
            return (Shape::Exact, self.clone());
        }
        let starts = parts.first() == Some(&TextPart::AnyString);
        let ends = parts.last() == Some(&TextPart::AnyString);
        if starts && ends && n >= 3 && plain(1, n - 1) {
            (Shape::Contains, inner(1, n - 1))
        } else if ends && !starts && plain(0, n - 1) {
            (Shape::StartsWith, inner(0, n - 1))
        } else if starts && !ends && plain(1, n) {
            (Shape::EndsWith, inner(1, n))
        } else {
            (Shape::General, self.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(parts: &[TextPart]) -> Text {
        let mut t = Text::default();
        for p in parts {
            t.push(p.clone());
        }
        t
    }

    #[test]
    fn shapes() {
        let (s, x) = (TextPart::AnyString, TextPart::Lit("x".into()));
        assert_eq!(
            text(&[s.clone(), x.clone(), s.clone()]).shape(),
            (Shape::Contains, Text::lit("x"))
        );
        assert_eq!(
            text(&[x.clone(), s.clone()]).shape(),
            (Shape::StartsWith, Text::lit("x"))
        );
        assert_eq!(
            text(&[s.clone(), x.clone()]).shape(),
            (Shape::EndsWith, Text::lit("x"))
        );
        assert_eq!(Text::lit("x").shape().0, Shape::Exact);
        assert_eq!(text(std::slice::from_ref(&s)).shape().0, Shape::General);
        assert_eq!(text(&[s.clone(), s.clone()]).shape().0, Shape::General);
        assert_eq!(
            text(&[x.clone(), TextPart::AnyChar]).shape().0,
            Shape::General
        );
        assert_eq!(
            text(&[s.clone(), x, TextPart::AnyChar, s]).shape().0,
            Shape::General
        );
    }
}

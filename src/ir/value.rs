//! Typed values, text with wildcards and parameters, durations.

use std::fmt;

use serde::Serialize;

/// A piece of text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextPart {
    /// Literal characters (never a wildcard).
    Lit(String),
    /// A parameter, replaced by its value's text when set.
    Param(String),
    /// A wildcard for any run of characters (`*`).
    AnyString,
    /// A wildcard for exactly one character (`?`).
    AnyChar,
}

/// Text made of literal pieces, parameters and (in patterns) wildcards.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Text {
    /// The pieces, with adjacent literals merged.
    pub parts: Vec<TextPart>,
}

impl Text {
    /// Literal text.
    pub fn lit(s: impl Into<String>) -> Text {
        let s = s.into();
        if s.is_empty() {
            return Text { parts: Vec::new() };
        }
        Text {
            parts: vec![TextPart::Lit(s)],
        }
    }

    /// Appends a part, merging adjacent literals.
    pub fn push(&mut self, part: TextPart) {
        if let TextPart::Lit(s) = &part {
            if s.is_empty() {
                return;
            }
            if let Some(TextPart::Lit(last)) = self.parts.last_mut() {
                last.push_str(s);
                return;
            }
        }
        self.parts.push(part);
    }

    /// True if the text has a wildcard.
    pub fn has_wildcards(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, TextPart::AnyString | TextPart::AnyChar))
    }

    /// True if the text has a parameter.
    pub fn has_params(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, TextPart::Param(_)))
    }

    /// The literal string if the text is nothing but literals.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                TextPart::Lit(s) => out.push_str(s),
                _ => return None,
            }
        }
        Some(out)
    }

    /// The text with wildcards written as `*` / `?` and parameters as
    /// `{name}`, nothing escaped (for messages and for targets whose own
    /// escaping comes afterwards).
    pub fn display(&self) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                TextPart::Lit(s) => out.push_str(s),
                TextPart::Param(n) => {
                    out.push('{');
                    out.push_str(n);
                    out.push('}');
                }
                TextPart::AnyString => out.push('*'),
                TextPart::AnyChar => out.push('?'),
            }
        }
        out
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Literal text serializes as a plain string; anything else as parts, so
        // `debug ir` stays readable and unambiguous.
        match self.as_literal() {
            Some(lit) => s.serialize_str(&lit),
            None => self.parts.serialize(s),
        }
    }
}

/// A typed value.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// Text (may hold parameters; holds wildcards only in pattern positions).
    Str(Text),
    /// An integer.
    Int(i64),
    /// A decimal number, with the text as written (printers keep it).
    Float(f64, String),
    /// A boolean.
    Bool(bool),
    /// Null.
    Null,
    /// A parameter used as a whole value: `{threshold}`.
    Param(String),
}

impl Value {
    /// A literal string value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(Text::lit(s))
    }
}

/// A time unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Milliseconds.
    Ms,
    /// Seconds.
    S,
    /// Minutes.
    M,
    /// Hours.
    H,
    /// Days.
    D,
    /// Weeks.
    W,
    /// Months (30 days where a fixed length is needed).
    Mon,
    /// Years (365 days where a fixed length is needed).
    Y,
}

/// A duration such as `1h`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duration {
    /// How many units.
    pub amount: u64,
    /// The unit.
    pub unit: TimeUnit,
}

impl Duration {
    /// Parses `1h`, `30d`, `10m`, `500ms`, `2mon`, `1y`.
    pub fn parse(text: &str) -> Option<Duration> {
        let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
        let unit = match &text[digits.len()..] {
            "ms" => TimeUnit::Ms,
            "s" => TimeUnit::S,
            "m" => TimeUnit::M,
            "h" => TimeUnit::H,
            "d" => TimeUnit::D,
            "w" => TimeUnit::W,
            "mon" => TimeUnit::Mon,
            "y" => TimeUnit::Y,
            _ => return None,
        };
        Some(Duration {
            amount: digits.parse().ok()?,
            unit,
        })
    }

    /// The unit as written (`h`, `mon`, ...).
    pub fn unit_str(&self) -> &'static str {
        match self.unit {
            TimeUnit::Ms => "ms",
            TimeUnit::S => "s",
            TimeUnit::M => "m",
            TimeUnit::H => "h",
            TimeUnit::D => "d",
            TimeUnit::W => "w",
            TimeUnit::Mon => "mon",
            TimeUnit::Y => "y",
        }
    }

    /// Length in milliseconds (months are 30 days, years 365).
    pub fn millis(&self) -> u64 {
        let unit: u64 = match self.unit {
            TimeUnit::Ms => 1,
            TimeUnit::S => 1_000,
            TimeUnit::M => 60_000,
            TimeUnit::H => 3_600_000,
            TimeUnit::D => 86_400_000,
            TimeUnit::W => 7 * 86_400_000,
            TimeUnit::Mon => 30 * 86_400_000,
            TimeUnit::Y => 365 * 86_400_000,
        };
        self.amount.saturating_mul(unit)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit_str())
    }
}

impl Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_merges_literals() {
        let mut t = Text::default();
        t.push(TextPart::Lit("a".into()));
        t.push(TextPart::Lit("b".into()));
        t.push(TextPart::AnyString);
        assert_eq!(t.parts.len(), 2);
        assert_eq!(t.display(), "ab*");
    }

    #[test]
    fn durations() {
        let d = Duration::parse("30d").unwrap();
        assert_eq!(d.to_string(), "30d");
        assert_eq!(d.millis(), 30 * 86_400_000);
        assert_eq!(Duration::parse("2mon").unwrap().unit, TimeUnit::Mon);
        assert!(Duration::parse("5x").is_none());
    }
}

//! Field paths and references.

use std::fmt;

use serde::Serialize;

/// One segment of a field path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Segment {
    /// The name.
    pub name: String,
    /// True if the value at this segment is an array (`shields[]`; Splunk
    /// writes `shields{}`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub array: bool,
}

/// A SIEM-neutral field path: `details.response.body.shields[]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path {
    /// The segments, outermost first.
    pub segments: Vec<Segment>,
}

impl Path {
    /// A path of plain segments split on `.`; a segment ending in `[]` or
    /// `{}` is an array.
    pub fn parse(text: &str) -> Path {
        Path {
            segments: text
                .split('.')
                .map(
                    |s| match s.strip_suffix("[]").or_else(|| s.strip_suffix("{}")) {
                        Some(n) => Segment {
                            name: n.to_string(),
                            array: true,
                        },
                        None => Segment {
                            name: s.to_string(),
                            array: false,
                        },
                    },
                )
                .collect(),
        }
    }

    /// The path written with `array_mark` after array segments, e.g. `{}` for
    /// Splunk, `[]` for Vigil, `""` for targets where arrays are implicit.
    pub fn render(&self, array_mark: &str) -> String {
        let len = self
            .segments
            .iter()
            .map(|s| s.name.len() + 1)
            .sum::<usize>();
        let mut out = String::with_capacity(len);
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&s.name);
            if s.array {
                out.push_str(array_mark);
            }
        }
        out
    }

    /// True if this is the one-segment path `name`.
    pub fn is(&self, name: &str) -> bool {
        self.segments.len() == 1 && self.segments[0].name == name && !self.segments[0].array
    }

    /// The path without a leading `prefix` (given in dotted form, e.g.
    /// `data.`), if it starts with it.
    pub fn strip_prefix(&self, prefix: &str) -> Option<Path> {
        let pre = Path::parse(prefix.trim_end_matches('.'));
        if self.segments.len() > pre.segments.len()
            && self.segments[..pre.segments.len()] == pre.segments[..]
        {
            Some(Path {
                segments: self.segments[pre.segments.len()..].to_vec(),
            })
        } else {
            None
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("[]"))
    }
}

impl Serialize for Path {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// Where a field's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// A field of the log event; targets map it through their profile.
    Event,
    /// A column made by the pipeline (eval, stats alias, rename, rex group,
    /// lookup output, ...); printed as named.
    Local,
    /// A column of a lookup table; printed as named.
    Lookup,
}

/// A reference to a field.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct FieldRef {
    /// The path.
    pub path: Path,
    /// Event field or pipeline column.
    pub kind: FieldKind,
    /// True if the author quoted the name; printers keep the quotes where the
    /// target has them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub quoted: bool,
}

impl FieldRef {
    /// An event field.
    pub fn event(path: &str) -> FieldRef {
        FieldRef {
            path: Path::parse(path),
            kind: FieldKind::Event,
            quoted: false,
        }
    }

    /// A pipeline column.
    pub fn local(name: &str) -> FieldRef {
        FieldRef {
            path: Path::parse(name),
            kind: FieldKind::Local,
            quoted: false,
        }
    }
}

/// The neutral name of the event's time. Profiles map it (`_time`,
/// `@timestamp`, `date`).
pub const TIMESTAMP: &str = "timestamp";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_render_arrays() {
        let p = Path::parse("details.response.body.shields{}");
        assert_eq!(p.render("{}"), "details.response.body.shields{}");
        assert_eq!(p.to_string(), "details.response.body.shields[]");
        assert_eq!(p.render(""), "details.response.body.shields");
    }

    #[test]
    fn strip_prefix_only_whole_segments() {
        assert_eq!(
            Path::parse("data.type")
                .strip_prefix("data.")
                .map(|p| p.to_string()),
            Some("type".into())
        );
        assert_eq!(Path::parse("database.x").strip_prefix("data."), None);
        assert_eq!(Path::parse("data").strip_prefix("data."), None);
    }
}

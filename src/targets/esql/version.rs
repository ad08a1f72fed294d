//! The Elastic stack versions the ES|QL output can target, and what each
//! can express.
//!
//! The default is 9.3: the first release with `INLINE STATS` (which
//! `eventstats` needs) and `LOOKUP JOIN ... ON` with an expression; it also
//! has `MV_CONTAINS` and multi-value `TO_LOWER` (both new in 9.x), which any-value
//! tests on array fields need. 9.5 adds `FIELD_EXTRACT`, the only way ES|QL
//! reads the leaves of a `flattened` field (the Auth0 integration's
//! `details`); 8.19, the last 8.x release, has none of these.

use std::fmt;

/// An Elastic stack version the output runs on (this and later).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StackVersion {
    /// 8.19, the last 8.x minor.
    V8_19,
    /// 9.3.
    V9_3,
    /// 9.4.
    V9_4,
    /// 9.5.
    V9_5,
}

impl StackVersion {
    /// The default target version.
    pub const DEFAULT: StackVersion = StackVersion::V9_3;

    /// The versions `--stack-version` accepts.
    pub const ALL: &'static [StackVersion] = &[
        StackVersion::V8_19,
        StackVersion::V9_3,
        StackVersion::V9_4,
        StackVersion::V9_5,
    ];

    /// Parses `8.19`, `9.3`, `9.4`, `9.5` (a patch part such as `9.3.2` is
    /// accepted and ignored).
    pub fn parse(text: &str) -> Result<StackVersion, String> {
        let minor: String = text.split('.').take(2).collect::<Vec<_>>().join(".");
        StackVersion::ALL
            .iter()
            .copied()
            .find(|v| v.to_string() == minor)
            .ok_or_else(|| {
                format!(
                    "ES|QL cannot target Elastic stack version `{text}`; known versions: {}",
                    StackVersion::ALL
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }

    /// `INLINE STATS` (for `eventstats`).
    pub fn has_inline_stats(self) -> bool {
        self >= StackVersion::V9_3
    }

    /// `LOOKUP JOIN ... ON left == right`.
    pub fn has_lookup_join_on_expression(self) -> bool {
        self >= StackVersion::V9_3
    }

    /// `MV_CONTAINS` and `TO_LOWER` over every value of a multi-value.
    pub fn has_mv_contains(self) -> bool {
        self >= StackVersion::V9_3
    }

    /// `FIELD_EXTRACT` (leaves of flattened fields).
    pub fn has_field_extract(self) -> bool {
        self >= StackVersion::V9_5
    }
}

impl fmt::Display for StackVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StackVersion::V8_19 => "8.19",
            StackVersion::V9_3 => "9.3",
            StackVersion::V9_4 => "9.4",
            StackVersion::V9_5 => "9.5",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_versions() {
        assert_eq!(StackVersion::parse("9.3"), Ok(StackVersion::V9_3));
        assert_eq!(StackVersion::parse("9.5.1"), Ok(StackVersion::V9_5));
        assert!(StackVersion::parse("9.2").is_err());
        assert!(StackVersion::parse("").is_err());
        assert!(StackVersion::V8_19 < StackVersion::V9_3);
    }
}

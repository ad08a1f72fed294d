//! The capability table: which fields Auth0 log search can search and how.
//!
//! It is data, read from the profile's `options` (`profiles/auth0.yaml`), so
//! a tenant whose search behaves differently can use its own profile without
//! a code change.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::profile::Profile;

/// How Auth0 stores the case of a field's values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseRule {
    /// Values come in any case; Auth0 matches the case written.
    #[default]
    Sensitive,
    /// Auth0 writes every value in lower case, so a case-insensitive test is
    /// exact once its value is lower-cased.
    Lower,
}

/// What kind of values a field holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// Text, matched whole (Auth0 fields are not tokenised).
    #[default]
    Text,
    /// A date, searched by ranges only.
    Date,
}

/// One searchable field.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldCaps {
    /// Case of the stored values.
    #[serde(default)]
    pub case: CaseRule,
    /// Every log event has this field.
    #[serde(default)]
    pub always_present: bool,
    /// Text or date.
    #[serde(default)]
    pub kind: ValueKind,
}

/// The searchable fields and the wildcard rule.
#[derive(Clone, Debug)]
pub struct Caps {
    fields: BTreeMap<String, FieldCaps>,
    /// Literal characters each piece of a non-prefix wildcard pattern needs.
    pub wildcard_min_literal: usize,
}

impl Caps {
    /// Reads the table from `options.searchable` and
    /// `options.wildcard_min_literal` of an auth0 profile.
    pub fn from_profile(profile: &Profile) -> Result<Caps, String> {
        let raw = profile.options.get("searchable").ok_or_else(|| {
            format!(
                "profile `{}` has no `options.searchable` table of Auth0's searchable fields",
                profile.name
            )
        })?;
        let fields: BTreeMap<String, FieldCaps> = serde_json::from_value(raw.clone())
            .map_err(|e| format!("profile `{}`: options.searchable: {e}", profile.name))?;
        if let Some(bad) = fields.keys().find(|k| !is_plain_field_name(k)) {
            return Err(format!(
                "profile `{}`: `{bad}` is not a plain field name (letters, digits, `_`, `.`)",
                profile.name
            ));
        }
        let wildcard_min_literal = match profile.options.get("wildcard_min_literal") {
            None => 3,
            Some(v) => v.as_u64().map(|n| n as usize).ok_or_else(|| {
                format!(
                    "profile `{}`: options.wildcard_min_literal must be a whole number",
                    profile.name
                )
            })?,
        };
        Ok(Caps {
            fields,
            wildcard_min_literal,
        })
    }

    /// The capabilities of a searchable field, by Auth0 name.
    pub fn field(&self, name: &str) -> Option<&FieldCaps> {
        self.fields.get(name)
    }

    /// The searchable fields, sorted (for messages).
    pub fn names(&self) -> Vec<&str> {
        self.fields.keys().map(String::as_str).collect()
    }
}

/// Field names are printed unescaped, so the table may only hold names that
/// need no escaping in Lucene.
fn is_plain_field_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profile_has_the_sixteen_documented_fields() {
        let p = Profile::builtin("auth0").expect("auth0 profile");
        let caps = Caps::from_profile(&p).expect("valid table");
        assert_eq!(caps.names().len(), 16);
        assert_eq!(caps.field("type").map(|f| f.case), Some(CaseRule::Lower));
        assert_eq!(caps.field("date").map(|f| f.kind), Some(ValueKind::Date));
        assert!(caps.field("audience").is_none());
        assert!(caps.field("details.request.channel").is_none());
        assert_eq!(caps.wildcard_min_literal, 3);
    }

    #[test]
    fn malformed_tables_are_errors() {
        let mut p = Profile::builtin("auth0").expect("auth0 profile");
        p.options.insert(
            "searchable".into(),
            serde_json::json!({"type": {"case": "upper"}}),
        );
        assert!(Caps::from_profile(&p).is_err());
        p.options
            .insert("searchable".into(), serde_json::json!({"a:b": {}}));
        assert!(Caps::from_profile(&p).is_err());
        p.options.remove("searchable");
        assert!(Caps::from_profile(&p).is_err());
    }
}

//! Profiles: how one SIEM stores Auth0 events (index, field names, value
//! rewrites, scoping). Profiles are data: YAML files in `profiles/`, embedded
//! in the binary, and any file a user passes with `--profile PATH`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ir::Path;

/// A term every search of the profile gets: `field == "{param}"`.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ScopeTerm {
    /// Neutral field path.
    pub field: String,
    /// The parameter whose value the field must equal.
    pub param: String,
}

/// Rewrites of one field's values (e.g. Auth0 type codes to the values an
/// ingest pipeline stores).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ValueMap {
    /// Where the rewritten value is stored (the mapped field when absent).
    #[serde(default)]
    pub field: Option<String>,
    /// Original value → stored value.
    pub map: BTreeMap<String, String>,
    /// What values missing from `map` are stored as; `{value}` stands for
    /// the original value. Without a fallback they are stored unchanged.
    #[serde(default)]
    pub fallback: Option<String>,
}

impl ValueMap {
    /// The stored value for `original`.
    pub fn stored(&self, original: &str) -> String {
        match (self.map.get(original), &self.fallback) {
            (Some(v), _) => v.clone(),
            (None, Some(f)) => f.replace("{value}", original),
            (None, None) => original.to_string(),
        }
    }
}

/// A target profile.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Profile {
    /// Name, as given to `--profile`.
    pub name: String,
    /// The kind of target it is for (`splunk`, `elastic` for both KQL and
    /// ES|QL, `auth0`, ...): see `Target::profile_kind`.
    pub target: String,
    /// One line for `vigil profiles`.
    #[serde(default)]
    pub description: String,
    /// Index (Splunk) or index pattern (Elastic).
    #[serde(default)]
    pub index: Option<String>,
    /// Splunk sourcetype.
    #[serde(default)]
    pub sourcetype: Option<String>,
    /// Prepended to every event field not in `fields`.
    #[serde(default)]
    pub field_prefix: String,
    /// Neutral path (`[]` for arrays) → target field, overriding the prefix.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Terms added to every search.
    #[serde(default)]
    pub scope: Vec<ScopeTerm>,
    /// Value rewrites, by neutral field path.
    #[serde(default)]
    pub values: BTreeMap<String, ValueMap>,
    /// Anything else a target reads (documented by that target).
    #[serde(default)]
    pub options: BTreeMap<String, serde_json::Value>,
}

/// The built-in profiles, embedded at compile time.
const BUILTIN: &[(&str, &str)] = &[
    (
        "splunk-auth0",
        include_str!("../profiles/splunk-auth0.yaml"),
    ),
    ("splunk-raw", include_str!("../profiles/splunk-raw.yaml")),
    ("sigma-auth0", include_str!("../profiles/sigma-auth0.yaml")),
    ("sigma-raw", include_str!("../profiles/sigma-raw.yaml")),
    ("auth0", include_str!("../profiles/auth0.yaml")),
    (
        "splunk-plain",
        include_str!("../profiles/splunk-plain.yaml"),
    ),
    (
        "elastic-auth0",
        include_str!("../profiles/elastic-auth0.yaml"),
    ),
    ("elastic-raw", include_str!("../profiles/elastic-raw.yaml")),
    (
        "elastic-plain",
        include_str!("../profiles/elastic-plain.yaml"),
    ),
    (
        "sentinel-auth0",
        include_str!("../profiles/sentinel-auth0.yaml"),
    ),
    (
        "sentinel-plain",
        include_str!("../profiles/sentinel-plain.yaml"),
    ),
];

/// The `logsource` keys that name Splunk data: the Splunk reader puts a
/// search's leading `index=`, `sourcetype=`, `source=` and `eventtype=`
/// terms there (docs/splunk-import.md).
pub const SPLUNK_SOURCE_KEYS: &[&str] = &["index", "sourcetype", "source", "eventtype"];

/// The Splunk data-source terms of a `logsource`, as `key=value` text (for
/// messages and Sigma's `definition`).
pub fn splunk_source_terms(logsource: &BTreeMap<String, String>) -> Vec<String> {
    SPLUNK_SOURCE_KEYS
        .iter()
        .filter_map(|k| logsource.get(*k).map(|v| format!("{k}={v}")))
        .collect()
}

/// Alternatives of one data-source key (`sourcetype=a OR sourcetype=b`) as
/// one `logsource` value: joined by `, `, with `\` and `,` inside a value
/// escaped so that [`source_values`] gives them back exactly.
pub fn join_source_values(values: &[String]) -> String {
    values
        .iter()
        .map(|v| v.replace('\\', "\\\\").replace(',', "\\,"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The alternatives of a `logsource` value written by
/// [`join_source_values`].
pub fn source_values(joined: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => cur.extend(chars.next()),
            ',' if chars.peek() == Some(&' ') => {
                chars.next();
                out.push(std::mem::take(&mut cur));
            }
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

impl Profile {
    /// Parses a profile from YAML.
    pub fn from_yaml(text: &str) -> Result<Profile, String> {
        serde_saphyr::from_str(text).map_err(|e| e.to_string())
    }

    /// A built-in profile by name.
    pub fn builtin(name: &str) -> Option<Profile> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, text)| Profile::from_yaml(text).ok())
    }

    /// The names of the built-in profiles.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// Loads `spec`: a built-in name or a path to a YAML file.
    pub fn load(spec: &str) -> Result<Profile, String> {
        if let Some(p) = Profile::builtin(spec) {
            return Ok(p);
        }
        let text = crate::limits::read_text(std::path::Path::new(spec)).map_err(|e| {
            format!(
                "`{spec}` is neither a built-in profile ({}) nor a readable file: {e}",
                Profile::builtin_names().join(", ")
            )
        })?;
        Profile::from_yaml(&text).map_err(|e| format!("{spec}: {e}"))
    }

    /// Checks the values given for scope parameters: a scope term narrows
    /// every search to one tenant (or index, ...), so its value is one
    /// literal, never a pattern.
    pub fn check_scope_values(
        &self,
        params: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), String> {
        for t in &self.scope {
            if let Some(v) = params.get(&t.param)
                && v.contains(['*', '?'])
            {
                return Err(format!(
                    "--param {}={v}: a scope parameter takes one literal value; `*` and `?` \
                     would widen `{}` to every matching value (Splunk reads `*` as a wildcard \
                     even in quotes)",
                    t.param, t.field
                ));
            }
        }
        Ok(())
    }

    /// The profile's choice for the data a detection reads: the value of the
    /// entry of the `options.<option>` map whose selector matches the
    /// detection's `logsource`. A selector is `key=value` terms separated by
    /// spaces (`sourcetype=WinEventLog:Security`, `product=windows
    /// category=process_creation`), all of which must hold (values compared
    /// without case); the selector with most terms wins.
    pub fn source_choice(
        &self,
        option: &str,
        logsource: &BTreeMap<String, String>,
    ) -> Option<&serde_json::Value> {
        let map = self.options.get(option)?.as_object()?;
        let matches = |selector: &str| {
            selector.split_whitespace().all(|term| {
                term.split_once('=').is_some_and(|(k, v)| {
                    logsource
                        .get(k)
                        .is_some_and(|have| have.eq_ignore_ascii_case(v))
                })
            })
        };
        map.iter()
            .filter(|(sel, _)| !sel.trim().is_empty() && matches(sel))
            .max_by_key(|(sel, _)| sel.split_whitespace().count())
            .map(|(_, v)| v)
    }

    /// The target's name for an event field, with `array_mark` after array
    /// segments. An explicit entry in `fields` wins; a path that already
    /// starts with the prefix is left alone (so `data.type` and `type` both
    /// become `data.type`, never `data.data.type`).
    pub fn event_field(&self, path: &Path, array_mark: &str) -> String {
        // Most profiles map no field: the lookup key is not even built.
        if !self.fields.is_empty()
            && let Some(mapped) = self.fields.get(&path.to_string())
        {
            return mapped.clone();
        }
        let rendered = path.render(array_mark);
        if self.field_prefix.is_empty() || path.strip_prefix(&self.field_prefix).is_some() {
            return rendered;
        }
        format!("{}{}", self.field_prefix, rendered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse() {
        for name in Profile::builtin_names() {
            let p = Profile::builtin(name).unwrap_or_else(|| panic!("{name} does not parse"));
            assert_eq!(p.name, name);
        }
    }

    #[test]
    fn source_values_round_trip() {
        for values in [
            vec!["a".to_string()],
            vec!["a, b".to_string(), "c\\".to_string(), ",".to_string()],
            vec![String::new(), "x".to_string()],
        ] {
            assert_eq!(source_values(&join_source_values(&values)), values);
        }
    }

    #[test]
    fn the_most_specific_selector_wins() {
        let mut p = Profile::builtin("elastic-plain").unwrap();
        p.options.insert(
            "indexes".into(),
            serde_json::json!({"index=w": "one", "index=w sourcetype=S": "two", "bad": "x"}),
        );
        let ls = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let pick = |l: BTreeMap<String, String>| {
            p.source_choice("indexes", &l)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        assert_eq!(
            pick(ls(&[("index", "W"), ("sourcetype", "s")])).as_deref(),
            Some("two")
        );
        assert_eq!(pick(ls(&[("index", "w")])).as_deref(), Some("one"));
        assert_eq!(pick(ls(&[("index", "v")])), None);
        assert_eq!(pick(ls(&[])), None);
    }

    #[test]
    fn prefix_is_not_doubled() {
        let p = Profile::builtin("splunk-auth0").unwrap();
        assert_eq!(p.event_field(&Path::parse("type"), "{}"), "data.type");
        assert_eq!(p.event_field(&Path::parse("data.type"), "{}"), "data.type");
        assert_eq!(p.event_field(&Path::parse("timestamp"), "{}"), "_time");
        assert_eq!(
            p.event_field(&Path::parse("details.body.shields[]"), "{}"),
            "data.details.body.shields{}"
        );
    }
}

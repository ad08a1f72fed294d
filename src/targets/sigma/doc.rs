//! The documents of a Sigma file as data, and their YAML.
//!
//! Rules are serialized with serde (serde-saphyr), never from templates.
//! Keys come in the order SigmaHQ rules use (title, id, ..., logsource,
//! detection, fields, falsepositives, level, then custom fields sorted by
//! name), so output is deterministic and diffs well against the catalog.
//! serde-saphyr quotes every string a YAML 1.1 reader (PyYAML, which
//! pySigma uses) would type differently (`yes`, `0x17`, `2025-07-11`, ...).

use std::collections::BTreeMap;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::correlation::Correlation;
use super::detection::{DetectionBlock, Selection};
use super::items::Item;
use super::quote::Scalar;

/// A string written as a literal block (`|`) when it spans several lines.
#[derive(Clone, Debug, PartialEq)]
pub struct YStr(pub String);

impl Serialize for YStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.contains('\n') && !self.0.contains('\r') {
            serde_saphyr::LitStr(&self.0).serialize(s)
        } else {
            s.serialize_str(&self.0)
        }
    }
}

/// A custom field's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Custom {
    /// Extra metadata (JSON, as Vigil keeps it).
    Json(serde_json::Value),
    /// The detection's parameters that the rule leaves as placeholders.
    Params(Vec<ParamDoc>),
}

/// A parameter, documented for whoever deploys the rule. Keys are in
/// alphabetical order, the order custom maps read back in (so writing a rule
/// read from Vigil's own output gives the same text).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamDoc {
    /// The default value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<super::quote::Scalar>,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<YStr>,
    /// The placeholder's name (`%name%`).
    pub name: String,
    /// `string`, `number` or `bool`.
    #[serde(rename = "type")]
    pub ty: crate::ir::ParamType,
}

/// JSON written as YAML, with multi-line strings as literal blocks.
struct Json<'a>(&'a serde_json::Value);

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            serde_json::Value::String(v) => YStr(v.clone()).serialize(s),
            serde_json::Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(&Json(i))?;
                }
                seq.end()
            }
            serde_json::Value::Object(map) => {
                let mut m = s.serialize_map(Some(map.len()))?;
                for (k, v) in map {
                    m.serialize_entry(k, &Json(v))?;
                }
                m.end()
            }
            other => other.serialize(s),
        }
    }
}

impl Serialize for Custom {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Custom::Json(v) => Json(v).serialize(s),
            Custom::Params(p) => p.serialize(s),
        }
    }
}

/// One Sigma rule or correlation rule.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RuleDoc {
    /// Title (required).
    pub title: String,
    /// UUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Name, for correlation references.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<YStr>,
    /// References.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<YStr>,
    /// Author(s), comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<YStr>,
    /// Created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Log source (absent from correlation rules).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub logsource: BTreeMap<String, String>,
    /// The detection (rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection: Option<DetectionBlock>,
    /// The correlation (correlation rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation: Option<Correlation>,
    /// Fields worth showing an analyst.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Known false positives.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub falsepositives: Vec<YStr>,
    /// Level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Custom fields, sorted by name.
    #[serde(flatten)]
    pub custom: BTreeMap<String, Custom>,
}

/// The YAML of a file of documents, separated by `---`.
pub fn to_yaml(docs: &[RuleDoc]) -> Result<String, String> {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        // Four-space indentation with indented list items, as SigmaHQ writes
        // rules; long strings stay on one line (folding would change nothing
        // for a YAML reader but makes values hard to grep).
        let opts = serde_saphyr::ser_options! {
            indent_step: 4,
            compact_list_indent: false,
            prefer_block_scalars: false,
        };
        let text = serde_saphyr::to_string_with_options(d, opts).map_err(|e| e.to_string())?;
        out.push_str(text.trim_end());
        out.push('\n');
    }
    Ok(out.trim_end().to_string())
}

// ---- the detection block

impl Serialize for DetectionBlock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.selections.len() + 1))?;
        for (name, sel) in &self.selections {
            m.serialize_entry(name, sel)?;
        }
        m.serialize_entry("condition", &self.condition)?;
        m.end()
    }
}

/// One item's values: a scalar, or a list.
struct Values<'a>(&'a [Scalar]);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [one] => one.serialize(s),
            many => {
                let mut seq = s.serialize_seq(Some(many.len()))?;
                for v in many {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
        }
    }
}

/// A selection map.
struct ItemMap<'a>(&'a [Item]);

impl Serialize for ItemMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for i in self.0 {
            m.serialize_entry(&i.key(), &Values(&i.values))?;
        }
        m.end()
    }
}

impl Serialize for Selection {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Selection::Map(items) => ItemMap(items).serialize(s),
            Selection::Maps(maps) => {
                let mut seq = s.serialize_seq(Some(maps.len()))?;
                for m in maps {
                    seq.serialize_element(&ItemMap(m))?;
                }
                seq.end()
            }
            Selection::Keywords { mods, values } if mods.is_empty() => values.serialize(s),
            Selection::Keywords { mods, values } => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(&format!("|{}", mods.join("|")), values)?;
                m.end()
            }
        }
    }
}

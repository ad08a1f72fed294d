//! The IR: a SIEM-neutral detection.
//!
//! A [`Detection`] is metadata, declared parameters, a boolean [`Filter`] over
//! events and a pipeline of typed [`Stage`]s. Field paths are neutral (no
//! SIEM prefix); targets map them through a profile. The IR derives
//! `Serialize` so `vigil debug ir FILE` can print it; spans are kept for
//! diagnostics but not serialized.
//!
//! Architecture invariant: the IR knows nothing of any target. Printers read
//! only the IR (and their profile).

pub mod expr;
pub mod field;
pub mod filter;
pub mod func;
pub mod hint;
pub mod list;
pub mod params;
pub mod pattern;
pub mod stage;
pub mod value;
pub mod visit;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

pub use expr::{BinOp, Expr};
pub use field::{FieldKind, FieldRef, Path, Segment, TIMESTAMP};
pub use filter::{Filter, Keyword, Ordering, Pred, Regex, RegexFlags, Test};
pub use func::Func;
pub use hint::{BoolOp, Case, Hints};
pub use list::{List, Sep};
pub use stage::*;
pub use value::{Duration, Text, TextPart, TimeUnit, Value};

use crate::source::{SourceFile, Span};

/// The language a detection was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Vigil's own language.
    Vigil,
    /// A Sigma rule.
    Sigma,
    /// A Splunk search (SPL).
    Splunk,
}

/// Descriptive metadata. Standard Sigma fields are typed; everything else
/// (`explanation`, `prevention`, `comments`, a catalog's `splunk` reference,
/// ...) is kept in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Meta {
    /// Stable identifier (a UUID in the catalog).
    pub id: Option<String>,
    /// Short name.
    pub title: Option<String>,
    /// Sigma `name` (used by correlation references).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `experimental`, `test`, `stable`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// What it detects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Created (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Last changed (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// `informational`, `low`, `medium`, `high`, `critical`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Tags such as `attack.t1078`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Links.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Known false positives.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub falsepositives: Vec<String>,
    /// Where the events come from (`product: auth0`, ...).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub logsource: BTreeMap<String, String>,
    /// Other metadata, by key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The type of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// Text.
    String,
    /// A number.
    Number,
    /// A boolean.
    Bool,
}

/// A declared parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Param {
    /// The name, as in `{name}`.
    pub name: String,
    /// The type of its values.
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// The default, used when no value is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where it was declared.
    #[serde(skip)]
    pub span: Span,
}

/// How a target's profile may scope the detection's searches (for example to
/// one Auth0 tenant).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Apply the profile's scope terms to every search.
    #[default]
    Profile,
    /// The detection scopes itself; add nothing.
    None,
}

/// A detection.
#[derive(Clone, Debug, Serialize)]
pub struct Detection {
    /// Metadata.
    pub meta: Meta,
    /// Declared parameters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// Profile scoping.
    pub scope: Scope,
    /// Which events enter the pipeline.
    pub filter: Filter,
    /// What happens to them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pipeline: Vec<Stage>,
    /// The source language.
    pub source_kind: SourceKind,
    /// The file it came from; spans point into it.
    #[serde(skip)]
    pub file: Arc<SourceFile>,
    /// Where the filter was written (the whole file if it has none).
    #[serde(skip)]
    pub filter_span: Span,
    /// Where the detection starts (its title or first line).
    #[serde(skip)]
    pub span: Span,
    /// How the author spelled the filter (see [`hint`]).
    #[serde(skip)]
    pub hints: Hints,
}

/// Checks a detection id: it names the detection in every package (a
/// `savedsearches.conf` stanza, a Kibana `rule_id`), so it is one line of
/// printable text without `[` or `]`.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.trim().is_empty() {
        return Err("the id is empty".into());
    }
    match id
        .chars()
        .find(|&c| c.is_control() || matches!(c, '[' | ']'))
    {
        Some(c) => Err(format!(
            "the id holds {c:?}; an id is one line of printable text without `[` or `]`"
        )),
        None => Ok(()),
    }
}

/// True if `id` is a UUID (`8-4-4-4-12` hexadecimal digits), the form Sigma
/// asks for.
pub fn is_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

impl Detection {
    /// The id, or the file name when there is none.
    pub fn display_id(&self) -> String {
        self.meta
            .id
            .clone()
            .unwrap_or_else(|| self.file.name.clone())
    }
}

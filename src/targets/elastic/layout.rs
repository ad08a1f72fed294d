//! An Elastic profile, read: field names, mapping types, splits, value maps.
//!
//! Profile options the Elastic targets read (all optional):
//!
//! - `field_types`: Elastic field → mapping type (`keyword`, `text`, `ip`,
//!   `date`, `long`/`integer`/`double`/... , `boolean`, `flattened`,
//!   `nested`); unlisted fields are keyword. A field under a `flattened`
//!   field is one of its keyword leaves; a field under a `nested` field is
//!   in a nested object.
//! - `split_fields`: neutral field → `{first, then}`: the ingest pipeline
//!   moved the raw value to `first` when that field exists, else to `then`.
//! - `drops_empty_values`: the ingest pipeline removes empty strings, so
//!   `f == ""` can only be tested as "f is missing".

use std::collections::BTreeMap;

use crate::ir::{FieldKind, FieldRef, Path, TIMESTAMP};
use crate::profile::{Profile, ValueMap};

/// The Elasticsearch mapping types that change how a test is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// `keyword` (and leaves of `flattened` fields): exact, case-sensitive.
    Keyword,
    /// `text`: analyzed into words.
    Text,
    /// `ip`.
    Ip,
    /// `date`.
    Date,
    /// Any numeric type.
    Number,
    /// `boolean`.
    Boolean,
    /// The root of a `flattened` field (its leaves are [`FieldType::Keyword`]).
    Flattened,
    /// A `nested` field (an array of separately indexed objects).
    Nested,
    /// A column the pipeline made; its type is not known.
    Unknown,
}

impl FieldType {
    fn parse(s: &str) -> Option<FieldType> {
        Some(match s {
            "keyword" | "constant_keyword" | "wildcard" => FieldType::Keyword,
            "text" | "match_only_text" => FieldType::Text,
            "ip" => FieldType::Ip,
            "date" | "date_nanos" => FieldType::Date,
            "long" | "integer" | "short" | "byte" | "double" | "float" | "half_float"
            | "scaled_float" | "unsigned_long" => FieldType::Number,
            "boolean" => FieldType::Boolean,
            "flattened" => FieldType::Flattened,
            "nested" => FieldType::Nested,
            _ => return None,
        })
    }

    /// "a keyword field", "an IP field", ... for messages.
    pub fn describe(self) -> &'static str {
        match self {
            FieldType::Keyword => "a keyword field",
            FieldType::Text => "a text field",
            FieldType::Ip => "an IP field",
            FieldType::Date => "a date field",
            FieldType::Number => "a numeric field",
            FieldType::Boolean => "a boolean field",
            FieldType::Flattened => "a flattened field",
            FieldType::Nested => "a nested field",
            FieldType::Unknown => "a column of unknown type",
        }
    }

    /// True for types whose values are strings compared as written
    /// (case-sensitively).
    pub fn is_keyword_like(self) -> bool {
        matches!(self, FieldType::Keyword | FieldType::Unknown)
    }
}

/// Where a field's value is read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A field (or column) of its own.
    Plain,
    /// A leaf of a `flattened` field: ES|QL reads it with
    /// `FIELD_EXTRACT(root, "key")`.
    Flattened {
        /// The flattened field.
        root: String,
        /// The dotted key inside it.
        key: String,
    },
    /// A field inside a `nested` field: KQL writes `parent:{ rest: v }`.
    Nested {
        /// The nested field.
        parent: String,
        /// The path inside it.
        rest: String,
    },
    /// A field the ingest pipeline split in two ([`Split`]), rebuilt as a
    /// column for the pipeline (ES|QL: `COALESCE(first, then)`).
    Split(Split),
}

/// A field as Elastic stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EField {
    /// The Elastic field name (dotted), or the column's name.
    pub name: String,
    /// Its mapping type.
    pub ty: FieldType,
    /// The neutral path marked it an array (`shields[]`): it may hold
    /// several values.
    pub array: bool,
    /// Where it is read from.
    pub source: Source,
}

/// `first` holds the raw value when it exists, else `then`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Checked first (e.g. `user.email`).
    pub first: String,
    /// Used when `first` is missing (e.g. `user.name`).
    pub then: String,
}

/// An Elastic profile, read.
pub struct Layout<'a> {
    /// The profile.
    pub profile: &'a Profile,
    types: BTreeMap<String, FieldType>,
    splits: BTreeMap<String, Split>,
    /// The ingest pipeline removes empty values.
    pub drops_empty_values: bool,
}

impl<'a> Layout<'a> {
    /// Reads the Elastic options of a profile.
    pub fn new(profile: &'a Profile) -> Result<Layout<'a>, String> {
        let bad = |what: &str| format!("profile `{}`: {what}", profile.name);
        let mut types = BTreeMap::new();
        if let Some(v) = profile.options.get("field_types") {
            let map = v
                .as_object()
                .ok_or_else(|| bad("options.field_types must be a map"))?;
            for (name, ty) in map {
                let parsed = ty.as_str().and_then(FieldType::parse).ok_or_else(|| {
                    bad(&format!(
                        "options.field_types.{name}: unknown mapping type {ty}"
                    ))
                })?;
                types.insert(name.clone(), parsed);
            }
        }
        let mut splits = BTreeMap::new();
        if let Some(v) = profile.options.get("split_fields") {
            let map = v
                .as_object()
                .ok_or_else(|| bad("options.split_fields must be a map"))?;
            for (name, s) in map {
                let get = |k: &str| {
                    s.get(k)
                        .and_then(|x| x.as_str())
                        .map(str::to_string)
                        .ok_or_else(|| {
                            bad(&format!(
                                "options.split_fields.{name} needs `first` and `then`"
                            ))
                        })
                };
                splits.insert(
                    name.clone(),
                    Split {
                        first: get("first")?,
                        then: get("then")?,
                    },
                );
            }
        }
        let drops_empty_values = match profile.options.get("drops_empty_values") {
            None => false,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| bad("options.drops_empty_values must be true or false"))?,
        };
        Ok(Layout {
            profile,
            types,
            splits,
            drops_empty_values,
        })
    }

    /// The Elastic field that holds event field `path` (splits aside).
    pub fn event_field(&self, path: &Path) -> EField {
        let name = self.profile.event_field(path, "");
        let array = path.segments.iter().any(|s| s.array);
        self.named(&name, array)
    }

    /// A field by its Elastic name.
    pub fn named(&self, name: &str, array: bool) -> EField {
        let (ty, source) = self.type_of(name);
        EField {
            name: name.to_string(),
            ty,
            array,
            source,
        }
    }

    /// The field a reference reads: an event field through the profile, a
    /// column as named.
    pub fn field(&self, f: &FieldRef) -> EField {
        match f.kind {
            FieldKind::Event => self.event_field(&f.path),
            FieldKind::Local | FieldKind::Lookup => EField {
                name: f.path.render(""),
                ty: FieldType::Unknown,
                array: f.path.segments.iter().any(|s| s.array),
                source: Source::Plain,
            },
        }
    }

    /// The field a pipeline stage reads: like [`Layout::field`], except that
    /// a split field is one column rebuilt from its two halves, named after
    /// where the raw value would have been.
    pub fn row_field(&self, f: &FieldRef) -> EField {
        if f.kind == FieldKind::Event
            && let Some(split) = self.split(&f.path)
        {
            return EField {
                name: format!("{}{}", self.profile.field_prefix, f.path.render("")),
                ty: FieldType::Keyword,
                array: false,
                source: Source::Split(split.clone()),
            };
        }
        self.field(f)
    }

    /// True if `f` is the event's time.
    pub fn is_timestamp(&self, f: &FieldRef) -> bool {
        f.kind == FieldKind::Event && f.path.is(TIMESTAMP)
    }

    /// The split of event field `path`, if the pipeline splits it.
    pub fn split(&self, path: &Path) -> Option<&Split> {
        self.splits.get(&path.to_string())
    }

    /// The value rewrites of event field `path`.
    pub fn value_map(&self, path: &Path) -> Option<&ValueMap> {
        self.profile.values.get(&path.to_string())
    }

    /// The mapping type of an Elastic field and where it is read from.
    fn type_of(&self, name: &str) -> (FieldType, Source) {
        // An enclosing flattened or nested field decides first: its leaves
        // are not fields of their own.
        let mut end = 0;
        while let Some(dot) = name[end..].find('.') {
            let prefix = &name[..end + dot];
            let rest = &name[end + dot + 1..];
            match self.types.get(prefix) {
                Some(FieldType::Flattened) => {
                    return (
                        FieldType::Keyword,
                        Source::Flattened {
                            root: prefix.to_string(),
                            key: rest.to_string(),
                        },
                    );
                }
                Some(FieldType::Nested) => {
                    let ty = self.types.get(name).copied().unwrap_or(FieldType::Keyword);
                    return (
                        ty,
                        Source::Nested {
                            parent: prefix.to_string(),
                            rest: rest.to_string(),
                        },
                    );
                }
                _ => {}
            }
            end += dot + 1;
        }
        let ty = self.types.get(name).copied().unwrap_or(FieldType::Keyword);
        (ty, Source::Plain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth0_fields() {
        let p = Profile::builtin("elastic-auth0").expect("built-in");
        let l = Layout::new(&p).expect("valid options");
        assert!(l.drops_empty_values);
        let ip = l.event_field(&Path::parse("ip"));
        assert_eq!((ip.name.as_str(), ip.ty), ("source.ip", FieldType::Ip));
        let d = l.event_field(&Path::parse("details.response.body.shields[]"));
        assert_eq!(d.name, "auth0.logs.data.details.response.body.shields");
        assert!(d.array);
        assert_eq!(
            d.source,
            Source::Flattened {
                root: "auth0.logs.data.details".into(),
                key: "response.body.shields".into()
            }
        );
        let t = l.event_field(&Path::parse("description"));
        assert_eq!(t.ty, FieldType::Text);
        assert!(l.split(&Path::parse("user_name")).is_some());
        assert_eq!(
            l.value_map(&Path::parse("type")).map(|m| m.stored("sapi")),
            Some("success-mgmt-api-op".to_string())
        );
        assert_eq!(
            l.value_map(&Path::parse("type")).map(|m| m.stored("cls")),
            Some("unknown-cls".to_string())
        );
    }

    #[test]
    fn bad_options_are_errors() {
        let mut p = Profile::builtin("elastic-raw").expect("built-in");
        p.options
            .insert("field_types".into(), serde_json::json!({"a": "blob"}));
        assert!(Layout::new(&p).is_err());
    }
}

//! What a Sentinel profile says about the table: its columns and their
//! Kusto types, how neutral field paths map onto them, which connector fills
//! it, and (for generic rules) which table a logsource reads.

use std::collections::BTreeMap;

use super::quote::{ident, member};
use crate::ir::{Detection, Path};
use crate::profile::Profile;

/// A Kusto type, as far as the printer needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    /// `string`: never null, a missing value is `""`.
    Str,
    /// `long`, `real`, ...
    Num,
    /// `datetime`.
    Time,
    /// `bool`.
    Bool,
    /// `dynamic`: JSON; string tests need `tostring()`.
    Dyn,
}

impl Ty {
    fn parse(s: &str) -> Ty {
        match s {
            "string" | "guid" => Ty::Str,
            "datetime" => Ty::Time,
            "bool" | "boolean" => Ty::Bool,
            "dynamic" => Ty::Dyn,
            _ => Ty::Num,
        }
    }

    /// The type's name in `declare query_parameters`.
    pub(super) fn kusto(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::Num => "real",
            Ty::Time => "datetime",
            Ty::Bool => "bool",
            Ty::Dyn => "dynamic",
        }
    }
}

/// How one field is read.
#[derive(Clone, Debug)]
pub(super) struct Col {
    /// The Kusto expression that reads it (a column, or a path into a
    /// dynamic column).
    pub text: String,
    /// Its type.
    pub ty: Ty,
    /// A path into a dynamic column (not a column of its own).
    pub nested: bool,
    /// It holds an array (a `[]` path): tests hold for any element.
    pub array: bool,
}

/// The table and its columns, from the profile.
pub(super) struct Schema {
    /// Profile name, for messages.
    pub profile: String,
    /// The table (`index` of the profile); `None` for generic rules.
    pub table: Option<String>,
    fields: BTreeMap<String, String>,
    columns: BTreeMap<String, Ty>,
    /// Fields not in `fields` do not exist (the connector drops them).
    pub closed: bool,
    /// The connector's id and title, named in refusals and packages.
    pub connector: Option<String>,
    pub connector_title: Option<String>,
    /// logsource key → table.
    tables: BTreeMap<String, String>,
}

impl Schema {
    /// Reads the profile's options.
    pub(super) fn new(p: &Profile) -> Result<Schema, String> {
        let opt = |k: &str| p.options.get(k);
        let map = |k: &str| -> Result<BTreeMap<String, String>, String> {
            match opt(k) {
                None => Ok(BTreeMap::new()),
                Some(v) => serde_json::from_value(v.clone())
                    .map_err(|e| format!("profile `{}`: options.{k}: {e}", p.name)),
            }
        };
        let columns = map("columns")?
            .into_iter()
            .map(|(k, v)| (k, Ty::parse(&v)))
            .collect();
        let text = |k: &str| opt(k).and_then(|v| v.as_str()).map(str::to_string);
        Ok(Schema {
            profile: p.name.clone(),
            table: p.index.clone(),
            fields: p.fields.clone(),
            columns,
            closed: opt("closed").and_then(|v| v.as_bool()).unwrap_or(false),
            connector: text("connector"),
            connector_title: text("connector_title"),
            tables: map("tables")?,
        })
    }

    /// The type of a table column (strings when the profile does not say).
    pub(super) fn column_type(&self, name: &str) -> Ty {
        self.columns.get(name).copied().unwrap_or(Ty::Str)
    }

    /// The column a neutral field is stored in, if the profile maps it.
    pub(super) fn mapped(&self, path: &str) -> Option<&str> {
        self.fields.get(path).map(String::as_str)
    }

    /// How an event field is read, or why it cannot be.
    pub(super) fn event(&self, path: &Path) -> Result<Col, String> {
        let array = path.segments.last().is_some_and(|s| s.array);
        let segs = &path.segments;
        // The longest mapped prefix: `details.request.ip` reads `Details`.
        for n in (1..=segs.len()).rev() {
            let prefix = Path {
                segments: segs[..n]
                    .iter()
                    .map(|s| crate::ir::Segment {
                        name: s.name.clone(),
                        array: false,
                    })
                    .collect(),
            };
            let Some(col) = self.fields.get(&prefix.render("")) else {
                continue;
            };
            let ty = self.column_type(col);
            if n == segs.len() {
                return Ok(Col {
                    text: ident(col),
                    ty,
                    nested: false,
                    array,
                });
            }
            if ty != Ty::Dyn {
                return Err(format!(
                    "`{path}` reads inside `{col}`, which is a {} column, not dynamic",
                    ty.kusto()
                ));
            }
            let mut text = ident(col);
            for s in &segs[n..] {
                text.push_str(&member(&s.name));
            }
            return Ok(Col {
                text,
                ty: Ty::Dyn,
                nested: true,
                array,
            });
        }
        if self.closed {
            let table = self.table.as_deref().unwrap_or("the table");
            let by = match (&self.connector_title, &self.connector) {
                (Some(t), _) => format!("the connector \"{t}\""),
                (None, Some(c)) => format!("the connector `{c}`"),
                (None, None) => "its connector".into(),
            };
            return Err(format!(
                "`{path}` is not a column of {table}: {by} drops every field it does not declare, so Sentinel never stores it (profile `{}`)",
                self.profile
            ));
        }
        let name = path.render("");
        Ok(Col {
            text: ident(&name),
            ty: self.column_type(&name),
            nested: false,
            array,
        })
    }

    /// The table a detection reads: the profile's, or the one its logsource
    /// maps to (most specific key first).
    pub(super) fn table_for(&self, det: &Detection) -> Option<String> {
        if let Some(t) = &self.table {
            return Some(t.clone());
        }
        let ls = &det.meta.logsource;
        let get = |k: &str| ls.get(k).map(|s| s.to_ascii_lowercase());
        let (product, category, service) = (get("product"), get("category"), get("service"));
        let mut keys = Vec::new();
        if let Some(p) = &product {
            if let Some(c) = &category {
                keys.push(format!("{p}/{c}"));
            }
            if let Some(s) = &service {
                keys.push(format!("{p}/{s}"));
            }
            keys.push(p.clone());
        }
        keys.extend(category);
        keys.iter().find_map(|k| self.tables.get(k).cloned())
    }
}

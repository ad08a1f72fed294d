//! Field names: which are pipeline columns and which are event fields, and
//! the profile's field layout undone (`data.type` under the `splunk-auth0`
//! profile is the neutral event field `type`; `_time` is `timestamp`).

use std::collections::BTreeSet;

use crate::ir::{FieldKind, FieldRef, Path};
use crate::profile::Profile;

/// The columns the pipeline has made so far, and the profile searches are
/// read through.
#[derive(Clone, Debug, Default)]
pub struct Names {
    locals: BTreeSet<String>,
    all_local: bool,
    /// The profile whose layout is undone (none: names are kept).
    pub profile: Option<Profile>,
    /// Time modifiers met in searches (`earliest`, `latest`), as written.
    pub times: Vec<(String, String)>,
    /// A sub-search lacked the profile's scope terms.
    pub unscoped_sub: bool,
}

impl Names {
    /// Marks a name as a pipeline column.
    pub fn define(&mut self, name: &str) {
        self.locals.insert(name.to_string());
    }

    /// Every later name is a column (after `transpose`).
    pub fn all_local(&mut self) {
        self.all_local = true;
    }

    /// Takes in another scope's columns (a join's sub-search).
    pub fn absorb(&mut self, other: &Names) {
        self.locals.extend(other.locals.iter().cloned());
        self.all_local |= other.all_local;
        self.unscoped_sub |= other.unscoped_sub;
    }

    /// A new scope for a sub-search: same profile, no columns.
    pub fn sub(&self) -> Names {
        Names {
            profile: self.profile.clone(),
            ..Names::default()
        }
    }

    /// Resolves a written name.
    pub fn field(&self, name: &str, quoted: bool) -> FieldRef {
        let local = |n: &str| FieldRef {
            path: Path::parse(n),
            kind: FieldKind::Local,
            quoted,
        };
        if self.all_local || self.locals.contains(name) {
            return local(name);
        }
        // The raw event text is no field of the profile's layout.
        if name == "_raw" {
            return event(name, quoted);
        }
        let Some(p) = &self.profile else {
            return event(name, quoted);
        };
        if let Some((neutral, _)) = p.fields.iter().find(|(_, v)| v.as_str() == name) {
            return event(neutral, quoted);
        }
        if p.field_prefix.is_empty() {
            return event(name, quoted);
        }
        match name.strip_prefix(p.field_prefix.as_str()) {
            Some(rest) if !rest.is_empty() => event(rest, quoted),
            // Outside the profile's prefix: a column of the search's own
            // making (printed back as written).
            _ => local(name),
        }
    }

    /// Defines `name` as a column and returns it.
    pub fn define_field(&mut self, name: &str, quoted: bool) -> FieldRef {
        self.define(name);
        self.field(name, quoted)
    }
}

fn event(name: &str, quoted: bool) -> FieldRef {
    FieldRef {
        path: Path::parse(name),
        kind: FieldKind::Event,
        quoted,
    }
}

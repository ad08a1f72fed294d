//! Name resolution: which names are pipeline columns and which are event
//! fields.

use std::collections::BTreeSet;

use crate::ir::{FieldKind, FieldRef, Path, Segment};
use crate::syntax::ast;

/// The columns the pipeline has defined so far.
#[derive(Clone, Debug, Default)]
pub struct Names {
    locals: BTreeSet<Path>,
    /// After `transpose` every column is made by the pipeline.
    all_local: bool,
}

impl Names {
    /// Marks `path` as a pipeline column.
    pub fn define(&mut self, path: &Path) {
        self.locals.insert(path.clone());
    }

    /// Every later name is a pipeline column.
    pub fn all_local(&mut self) {
        self.all_local = true;
    }

    /// Takes in the columns another scope defined (a `join` brings the
    /// sub-search's columns into the outer rows).
    pub fn absorb(&mut self, other: &Names) {
        self.locals.extend(other.locals.iter().cloned());
        self.all_local |= other.all_local;
    }

    /// Resolves a written field.
    pub fn resolve(&self, f: &ast::Field) -> FieldRef {
        let path = to_path(f);
        let kind = if self.all_local || self.locals.contains(&path) {
            FieldKind::Local
        } else {
            FieldKind::Event
        };
        FieldRef {
            path,
            kind,
            quoted: f.quoted,
        }
    }

    /// A new column named as written (always local).
    pub fn define_field(&mut self, f: &ast::Field) -> FieldRef {
        let path = to_path(f);
        self.define(&path);
        FieldRef {
            path,
            kind: FieldKind::Local,
            quoted: f.quoted,
        }
    }
}

/// The IR path of a written field.
pub fn to_path(f: &ast::Field) -> Path {
    Path {
        segments: f
            .segments
            .iter()
            .map(|s| Segment {
                name: s.name.clone(),
                array: s.array,
            })
            .collect(),
    }
}

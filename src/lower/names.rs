//! Name resolution: which names are pipeline columns and which are event
//! fields.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{FieldKind, FieldRef, Path, Segment, StageKind, TIMESTAMP};
use crate::source::Span;
use crate::syntax::ast;

/// The columns the pipeline has defined so far, and the ones a stage
/// dropped.
#[derive(Clone, Debug, Default)]
pub struct Names {
    locals: BTreeSet<Path>,
    /// After `transpose` every column is made by the pipeline.
    all_local: bool,
    /// After `stats`, `table` or `fields` (keep), the only columns left, and
    /// the stage that kept them.
    kept: Option<(BTreeSet<Path>, Span)>,
    /// Columns `fields -` removed, and where.
    removed: BTreeMap<Path, Span>,
}

/// True if `path` is `p` or below it (`details.x` is below `details`).
fn within(path: &Path, p: &Path) -> bool {
    path.segments.len() >= p.segments.len()
        && path
            .segments
            .iter()
            .zip(&p.segments)
            .all(|(a, b)| a.name == b.name)
}

impl Names {
    /// Marks `path` as a pipeline column.
    pub fn define(&mut self, path: &Path) {
        self.locals.insert(path.clone());
        self.revive(path);
    }

    /// The stage that dropped `path`, if an earlier stage did: reading it
    /// later finds nothing.
    pub fn dropped_by(&self, path: &Path) -> Option<Span> {
        if self.all_local {
            return None;
        }
        if let Some((_, at)) = self.removed.iter().find(|(p, _)| within(path, p)) {
            return Some(*at);
        }
        match &self.kept {
            Some((kept, at)) if !kept.iter().any(|p| within(path, p)) => Some(*at),
            _ => None,
        }
    }

    /// The columns left after the last stage that kept some, by name.
    pub fn kept(&self) -> Vec<String> {
        self.kept
            .as_ref()
            .map(|(k, _)| k.iter().map(ToString::to_string).collect())
            .unwrap_or_default()
    }

    /// Records which columns survive a stage that keeps or drops columns.
    pub fn after_stage(&mut self, kind: &StageKind, span: Span) {
        let keep = |paths: Vec<Path>| Some((paths.into_iter().collect(), span));
        match kind {
            StageKind::Stats {
                event: false,
                aggregates,
                by,
            } => {
                let mut paths: Vec<Path> = by.items.iter().map(|f| f.path.clone()).collect();
                paths.extend(aggregates.items.iter().map(|a| match &a.alias {
                    Some(alias) => alias.name.path.clone(),
                    None => Path::parse(&a.default_name()),
                }));
                self.kept = keep(paths);
            }
            StageKind::Table { fields } => {
                self.kept = keep(fields.items.iter().map(|f| f.path.clone()).collect());
            }
            StageKind::Fields {
                remove: false,
                fields,
            } => {
                // `fields` also keeps the event's time, as SPL keeps `_time`
                // (docs/semantics.md, S19).
                let mut paths: Vec<Path> = fields.items.iter().map(|f| f.path.clone()).collect();
                paths.push(Path::parse(TIMESTAMP));
                self.kept = keep(paths);
            }
            StageKind::Fields {
                remove: true,
                fields,
            } => {
                for f in &fields.items {
                    self.removed.insert(f.path.clone(), span);
                }
            }
            // Columns made without becoming pipeline columns: `spath`
            // without `output=` writes the path's own name, `fillnull` the
            // names it lists.
            StageKind::Spath {
                path: Some(path),
                output: None,
                ..
            } => self.revive(&path.path),
            StageKind::FillNull { fields, .. } => {
                for f in &fields.items {
                    self.revive(&f.path);
                }
            }
            _ => {}
        }
    }

    /// Makes a dropped column readable again.
    fn revive(&mut self, path: &Path) {
        if let Some((kept, _)) = &mut self.kept {
            kept.insert(path.clone());
        }
        self.removed.remove(path);
    }

    /// Every later name is a pipeline column.
    pub fn all_local(&mut self) {
        self.all_local = true;
    }

    /// Takes in the columns another scope defined (a `join` brings the
    /// sub-search's columns into the outer rows).
    pub fn absorb(&mut self, other: &Names) {
        for p in &other.locals {
            self.define(p);
        }
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

//! Pipeline stages: compiled from the IR, run over a stream of rows.
//!
//! Stages that look at one row at a time (`eval`, `where`, `fields`, `rex`,
//! ...) stream; stages that need every row (`sort`, `stats`, `dedup`, ...)
//! collect. Before the first stage whose result depends on row order, rows
//! are put newest first (ties in input order), the order a SIEM returns
//! events in; a pipeline without such a stage keeps input order and never
//! holds more than one event at a time (plus its groups, for `stats`).

mod aggregate;
mod columns;
mod extract;
mod join;
mod lookup;
mod order;
mod stats;

use std::rc::Rc;

use super::compile::Cx;
use super::event::Event;
use super::expr::{CExpr, Env};
use super::filter::CFilter;
use super::row::Row;
use crate::ir::{Stage, StageKind};

pub use lookup::{LookupSource, Lookups};

/// Rows flowing between stages.
pub type Rows<'a> = Box<dyn Iterator<Item = Row> + 'a>;

/// What stages read besides their rows.
#[derive(Clone, Debug)]
pub struct RunCx {
    /// `now()` in epoch seconds.
    pub now: f64,
    /// Every input event, kept only when a `join` needs to run its
    /// sub-search over them.
    pub events: Option<Rc<Vec<Rc<Event>>>>,
    /// The run's budgets, and the errors of the stages that hit one.
    pub budget: Budget,
}

/// What a run may hold in memory ([`crate::limits`]), and where a stage
/// that hits a budget says so (it then yields no rows).
#[derive(Clone, Debug)]
pub struct Budget {
    /// Groups one `stats`/`eventstats` stage may hold.
    pub max_groups: usize,
    /// Errors of the stages that hit a budget (without their file).
    pub errors: Rc<std::cell::RefCell<Vec<crate::diagnostic::Diagnostic>>>,
}

/// A compiled stage.
#[derive(Debug)]
enum CStage {
    Eval(columns::Eval),
    Where(CExpr),
    Search(CFilter),
    Stats(stats::Stats),
    Table(columns::Table),
    Fields(columns::Fields),
    Rename(columns::Renames),
    Sort(order::Sort),
    Head(usize),
    Dedup(order::Dedup),
    Bin(extract::Bin),
    Rex(extract::Rex),
    Spath(extract::Spath),
    MvExpand(extract::MvExpand),
    Lookup(lookup::Lookup),
    Join(Box<join::Join>),
    FillNull(columns::FillNull),
    Transpose(columns::Transpose),
}

/// A compiled pipeline.
#[derive(Debug)]
pub struct Pipeline {
    stages: Vec<CStage>,
}

impl Pipeline {
    /// Compiles stages, reporting what cannot run.
    pub(crate) fn new(stages: &[Stage], cx: &mut Cx, lookups: &Lookups) -> Pipeline {
        Pipeline {
            stages: stages
                .iter()
                .filter_map(|s| compile(s, cx, lookups))
                .collect(),
        }
    }

    /// True if a stage (here or in a sub-search) needs every input event.
    pub fn needs_events(&self) -> bool {
        self.stages.iter().any(|s| matches!(s, CStage::Join(_)))
    }

    /// True if the pipeline has no stages.
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    /// Runs the stages over rows.
    pub fn run<'a>(&'a self, mut rows: Rows<'a>, cx: &RunCx) -> Rows<'a> {
        let mut ordered = false;
        for s in &self.stages {
            if !ordered && s.order_sensitive() {
                rows = order::newest_first(rows);
                ordered = true;
            }
            rows = s.apply(rows, cx);
            ordered |= s.sets_order();
        }
        rows
    }
}

fn compile(s: &Stage, cx: &mut Cx, lookups: &Lookups) -> Option<CStage> {
    let span = s.span;
    Some(match &s.kind {
        StageKind::Eval { assignments } => CStage::Eval(columns::Eval::new(assignments, cx, span)),
        StageKind::Where { cond } => CStage::Where(CExpr::new(cond, cx, span)),
        StageKind::Search { filter } => CStage::Search(CFilter::new(filter, cx)),
        StageKind::Stats {
            event,
            aggregates,
            by,
        } => CStage::Stats(stats::Stats::new(*event, aggregates, by, cx, span)),
        StageKind::Table { fields } => CStage::Table(columns::Table::new(fields)),
        StageKind::Fields { remove, fields } => {
            CStage::Fields(columns::Fields::new(*remove, fields))
        }
        StageKind::Rename { renames } => CStage::Rename(columns::Renames::new(renames)),
        StageKind::Sort { limit, keys } => CStage::Sort(order::Sort::new(keys, *limit)),
        StageKind::Head { count } => CStage::Head(usize::try_from(*count).unwrap_or(usize::MAX)),
        StageKind::Dedup { fields } => CStage::Dedup(order::Dedup::new(fields)),
        StageKind::Bin { field, span: width } => CStage::Bin(extract::Bin::new(field, *width)),
        StageKind::Rex {
            field,
            regex,
            max_match,
            groups,
        } => CStage::Rex(extract::Rex::new(
            field, regex, *max_match, groups, cx, span,
        )?),
        StageKind::Spath {
            input,
            path,
            output,
            ..
        } => CStage::Spath(extract::Spath::new(
            input.as_ref(),
            path.as_ref(),
            output.as_ref(),
        )),
        StageKind::MvExpand { field } => CStage::MvExpand(extract::MvExpand::new(field)),
        StageKind::Lookup {
            table,
            inputs,
            outputs,
        } => CStage::Lookup(lookup::Lookup::new(
            table,
            inputs,
            outputs.as_ref(),
            lookups,
            cx,
            span,
        )?),
        StageKind::Join {
            kind,
            fields,
            query,
            ..
        } => CStage::Join(Box::new(join::Join::new(*kind, fields, query, cx, lookups))),
        StageKind::FillNull { value, fields } => {
            CStage::FillNull(columns::FillNull::new(value.as_ref(), fields, cx, span))
        }
        StageKind::Transpose { rows } => CStage::Transpose(columns::Transpose::new(*rows)),
    })
}

impl CStage {
    /// True if the stage's result depends on the order of its input rows.
    fn order_sensitive(&self) -> bool {
        match self {
            CStage::Head(_) | CStage::Dedup(_) | CStage::Sort(_) | CStage::Transpose(_) => true,
            CStage::Stats(s) => s.order_sensitive(),
            _ => false,
        }
    }

    /// True if the stage leaves its rows in an order of its own.
    fn sets_order(&self) -> bool {
        matches!(self, CStage::Sort(_)) || matches!(self, CStage::Stats(s) if !s.is_event())
    }

    fn apply<'a>(&'a self, rows: Rows<'a>, cx: &RunCx) -> Rows<'a> {
        let now = cx.now;
        match self {
            CStage::Eval(e) => Box::new(rows.map(move |mut r| {
                e.apply(&mut r, now);
                r
            })),
            CStage::Where(cond) => Box::new(rows.filter(move |r| {
                cond.holds(&Env {
                    row: r,
                    now,
                    bound: None,
                })
            })),
            CStage::Search(f) => Box::new(rows.filter(move |r| f.matches(r))),
            CStage::Stats(s) => s.apply(rows, cx),
            CStage::Table(t) => Box::new(rows.map(move |r| t.apply(r))),
            CStage::Fields(f) => Box::new(rows.map(move |r| f.apply(r))),
            CStage::Rename(rn) => Box::new(rows.map(move |r| rn.apply(r))),
            CStage::Sort(s) => s.apply(rows),
            CStage::Head(n) => Box::new(rows.take(*n)),
            CStage::Dedup(d) => d.apply(rows),
            CStage::Bin(b) => Box::new(rows.map(move |r| b.apply(r))),
            CStage::Rex(x) => Box::new(rows.map(move |r| x.apply(r))),
            CStage::Spath(x) => Box::new(rows.map(move |r| x.apply(r))),
            CStage::MvExpand(m) => Box::new(rows.flat_map(move |r| m.apply(r))),
            CStage::Lookup(l) => Box::new(rows.map(move |r| l.apply(r))),
            CStage::Join(j) => j.apply(rows, cx),
            CStage::FillNull(f) => f.apply(rows),
            CStage::Transpose(t) => t.apply(rows),
        }
    }
}

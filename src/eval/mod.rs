//! The evaluator: runs a detection's IR over JSON events.
//!
//! Its semantics are Vigil's definition of what a detection means
//! (`docs/semantics.md`); each target's printer agrees with them or reports
//! where its SIEM differs. It reads only the IR.
//!
//! [`Plan::new`] compiles a detection once (regular expressions, wildcard
//! patterns, CIDR ranges, lookup tables), reporting what cannot run as
//! diagnostics; [`Plan::run`] streams events through the filter and the
//! stages. A filter-only detection holds one event at a time however large
//! the input.

mod compile;
pub mod event;
mod expr;
mod filter;
mod funcs;
pub mod input;
mod invalid;
pub mod multi;
pub mod output;
pub(crate) mod pattern;
pub mod prefilter;
mod raw;
pub mod row;
mod splfuncs;
mod stages;
pub mod time;
pub mod value;

use std::collections::BTreeMap;
use std::rc::Rc;

pub use event::Event;
pub use row::Row;
pub use stages::{LookupSource, Lookups, Rows};

use crate::diagnostic::Diagnostic;
use crate::ir::Detection;
use compile::Cx;
use filter::CFilter;
use stages::{Budget, Pipeline, RunCx};

/// How a run is set up.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `now()` in epoch seconds (fixed so that tests are reproducible).
    pub now: f64,
    /// The lookup tables `lookup` may use.
    pub lookups: Lookups,
}

/// A detection compiled for evaluation.
#[derive(Debug)]
pub struct Plan {
    filter: CFilter,
    pipeline: Pipeline,
    now: f64,
    budget: Budget,
    file: std::sync::Arc<crate::source::SourceFile>,
}

impl Plan {
    /// Compiles a detection whose parameters are substituted. Errors name
    /// what cannot run (an unset parameter, a regular expression the engine
    /// lacks, a missing lookup table) and point at it.
    pub fn new(det: &Detection, opts: &Options) -> Result<Plan, Vec<Diagnostic>> {
        let mut cx = Cx::new(det.file.clone());
        let filter = CFilter::new(&det.filter, &mut cx);
        let pipeline = Pipeline::new(&det.pipeline, &mut cx, &opts.lookups);
        if cx.diags.iter().any(Diagnostic::is_error) {
            return Err(cx.diags);
        }
        Ok(Plan {
            filter,
            pipeline,
            now: opts.now,
            budget: Budget {
                max_groups: crate::limits::MAX_STATS_GROUPS,
                errors: Rc::default(),
            },
            file: det.file.clone(),
        })
    }

    /// True if the detection is a filter alone (its result rows are the
    /// matching events).
    pub fn is_filter_only(&self) -> bool {
        self.pipeline.is_empty()
    }

    /// A check on raw event text that rejects events the filter cannot
    /// match, so they need not be parsed (none when the filter implies no
    /// selective words, or when a `join` needs every event).
    pub fn prefilter(&self) -> Option<prefilter::Prefilter> {
        if self.pipeline.needs_events() {
            return None;
        }
        prefilter::Prefilter::new(&self.filter)
    }

    /// True if an event passes the filter.
    pub fn matches(&self, event: &Rc<Event>) -> bool {
        self.filter.matches(&Row::from_event(event.clone()))
    }

    /// Runs the detection over events, yielding its result rows. Events are
    /// consumed lazily; a `join` needs every event and keeps them.
    pub fn run<'a>(&'a self, events: impl Iterator<Item = Event> + 'a) -> Rows<'a> {
        self.run_shared(events.map(Rc::new))
    }

    /// [`Plan::run`] over events that other detections share.
    pub fn run_shared<'a>(&'a self, events: impl Iterator<Item = Rc<Event>> + 'a) -> Rows<'a> {
        let mut cx = RunCx {
            now: self.now,
            events: None,
            budget: self.budget.clone(),
        };
        let rows: Rows<'a> = if self.pipeline.needs_events() {
            let all: Rc<Vec<Rc<Event>>> = Rc::new(events.collect());
            cx.events = Some(all.clone());
            let filter = &self.filter;
            Box::new(
                (0..all.len())
                    .map(move |i| Row::from_event(all[i].clone()))
                    .filter(move |r| filter.matches(r)),
            )
        } else {
            let filter = &self.filter;
            Box::new(
                events
                    .map(Row::from_event)
                    .filter(move |r| filter.matches(r)),
            )
        };
        self.pipeline.run(rows, &cx)
    }

    /// Sets how many groups one `stats`/`eventstats` stage may hold
    /// ([`crate::limits::MAX_STATS_GROUPS`] unless set).
    pub fn with_max_groups(mut self, max: usize) -> Plan {
        self.budget.max_groups = max;
        self
    }

    /// The errors of the runs so far: a stage that hit a budget (it
    /// yielded no rows). Read them once the rows are consumed.
    pub fn take_errors(&self) -> Vec<Diagnostic> {
        self.budget
            .errors
            .borrow_mut()
            .drain(..)
            .map(|d| d.in_file(&self.file))
            .collect()
    }

    /// True if the pipeline runs over every event, not only those its
    /// filter matches (a `join` searches them all).
    pub fn needs_events(&self) -> bool {
        self.pipeline.needs_events()
    }
}

/// Substitutes parameters (`name` → text; declared defaults otherwise) and
/// compiles a detection for evaluation.
pub fn prepare(
    det: &Detection,
    params: &BTreeMap<String, String>,
    opts: &Options,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut det = det.clone();
    let diags = crate::ir::params::substitute(&mut det, params);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Plan::new(&det, opts)
}

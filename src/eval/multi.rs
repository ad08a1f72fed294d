//! Many detections over one pass of the events.
//!
//! Each event is read and parsed once and offered to every detection.
//! A filter-only detection matches it there and then, so its rows come out
//! as the events stream and nothing is kept. A detection with a pipeline
//! keeps the events its filter matches (a `join`, which searches every
//! event, keeps them all, shared between such detections) and runs its
//! stages once the events end, so each has its own state as if run alone.

use std::rc::Rc;

use super::Plan;
use super::event::Event;
use super::prefilter::Prefilter;
use super::row::Row;

/// What a pipeline detection holds until the events end.
enum Held {
    /// Nothing: the detection is a filter alone.
    Streamed,
    /// The events its filter matched.
    Matched(Vec<Rc<Event>>),
    /// Every event (its pipeline has a `join`).
    Every,
}

/// Runs the detections over the events in one pass. `emit(i, row)` is
/// called with each result row of detection `plans[i]`; it returns false
/// to stop early (the reader is closed). Filter-only rows come in event
/// order (detections in order within an event); pipeline rows follow at
/// the end, detection by detection.
pub fn run(
    plans: &[Plan],
    events: impl Iterator<Item = Event>,
    mut emit: impl FnMut(usize, Row) -> bool,
) {
    let mut held: Vec<Held> = plans
        .iter()
        .map(|p| match (p.is_filter_only(), p.needs_events()) {
            (true, _) => Held::Streamed,
            (false, false) => Held::Matched(Vec::new()),
            (false, true) => Held::Every,
        })
        .collect();
    let keep_every = held.iter().any(|h| matches!(h, Held::Every));
    let mut every: Vec<Rc<Event>> = Vec::new();
    for event in events {
        let event = Rc::new(event);
        let row = Row::from_event(event.clone());
        for (i, (plan, held)) in plans.iter().zip(&mut held).enumerate() {
            match held {
                Held::Streamed if plan.filter.matches(&row) && !emit(i, row.clone()) => return,
                Held::Matched(kept) if plan.filter.matches(&row) => kept.push(event.clone()),
                _ => {}
            }
        }
        if keep_every {
            every.push(event);
        }
    }
    for (i, (plan, held)) in plans.iter().zip(held).enumerate() {
        let rows = match held {
            Held::Streamed => continue,
            Held::Matched(kept) => plan.run_shared(kept.into_iter()),
            Held::Every => plan.run_shared(every.iter().cloned()),
        };
        for row in rows {
            if !emit(i, row) {
                return;
            }
        }
    }
}

/// The prefilter for running the detections together: an event is parsed
/// if any of them may match it. None if a detection needs every event or
/// implies no words.
pub fn prefilter(plans: &[Plan]) -> Option<Prefilter> {
    let each: Vec<Option<Prefilter>> = plans.iter().map(Plan::prefilter).collect();
    Prefilter::any(&each)
}

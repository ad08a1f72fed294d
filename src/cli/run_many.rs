//! `vigil run` with several detections: one pass over the events for all
//! of them (`eval::multi`); every row names its detection.

use std::io::{BufWriter, ErrorKind, Write};
use std::rc::Rc;
use std::time::Instant;

use super::{RunArgs, RunFormat};
use crate::diagnostic::Diagnostic;
use crate::eval::input::{EventReader, Sink};
use crate::eval::output::{Pairs, render_table, write_ndjson};
use crate::eval::{Plan, Row, multi};
use crate::ir::Detection;

/// Runs the detections (`plans[i]` compiled from `detections[i]`) over the
/// events; returns (no read or write failed, diagnostics).
pub fn run(plans: &[Plan], detections: &[Detection], args: &RunArgs) -> (bool, Vec<Diagnostic>) {
    let sink: Sink = Rc::default();
    let started = Instant::now();
    let prefilter = if args.no_prefilter {
        None
    } else {
        multi::prefilter(plans)
    };
    let mut reader = EventReader::new(args.events.clone(), sink.clone(), !args.no_progress)
        .with_max_event_bytes(args.max_event_bytes)
        .with_prefilter(prefilter);
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let names: Vec<(String, serde_json::Value)> = detections
        .iter()
        .map(|d| {
            let id = d.display_id();
            let title = d.meta.title.clone().unwrap_or_else(|| id.clone());
            (id, title.into())
        })
        .collect();
    // Each detection's leading columns as JSON text (serde_json quotes
    // them), for rows printed from the event's own text.
    let heads: Vec<String> = names
        .iter()
        .map(|(id, title)| {
            let (id, title) = (serde_json::Value::from(id.as_str()), title.to_string());
            format!("{{\"_detection\":{id},\"_title\":{title}")
        })
        .collect();
    let mut tables: Vec<Vec<Pairs>> = vec![Vec::new(); plans.len()];
    let mut rows = 0u64;
    let mut write_failed = false;
    multi::run(plans, &mut reader, |i, row| {
        rows += 1;
        if let (RunFormat::Ndjson, Some(body)) = (args.format, raw_members(&row)) {
            // A matching event, printed as it was read after the columns
            // naming its detection: no parse, no re-encoding.
            let sep: &[u8] = if body.trim_start().starts_with('}') {
                b""
            } else {
                b","
            };
            let written = [heads[i].as_bytes(), sep, body.as_bytes(), b"\n"]
                .iter()
                .try_for_each(|part| out.write_all(part));
            if let Err(e) = written {
                write_failed = e.kind() != ErrorKind::BrokenPipe;
                return false;
            }
            return true;
        }
        let (id, title) = &names[i];
        let mut pairs = row.to_pairs();
        pairs.splice(
            0..0,
            [
                ("_detection".to_string(), id.as_str().into()),
                ("_title".to_string(), title.clone()),
            ],
        );
        match args.format {
            RunFormat::Table => tables[i].push(pairs),
            RunFormat::Ndjson => {
                if let Err(e) = write_ndjson(&mut out, &pairs) {
                    write_failed = e.kind() != ErrorKind::BrokenPipe;
                    return false;
                }
            }
        }
        true
    });
    if args.format == RunFormat::Table {
        for (det, table) in detections.iter().zip(&tables) {
            // File names and ids reach a terminal: control characters escaped.
            let _ = writeln!(
                out,
                "# {} ({})",
                crate::terminal::escape(&det.file.name),
                crate::terminal::escape(&det.display_id())
            );
            let _ = out.write_all(render_table(table).as_bytes());
        }
    }
    if let Err(e) = out.flush() {
        write_failed |= e.kind() != ErrorKind::BrokenPipe;
    }
    if args.summary {
        super::run::summary(
            &format!("{} detections", plans.len()),
            &reader,
            started,
            rows,
        );
    }
    drop(reader);
    let mut diags = sink.borrow().clone();
    diags.extend(plans.iter().flat_map(Plan::take_errors));
    (!write_failed, diags)
}

/// The event's text after its opening brace, when the row is the event
/// unchanged and printable as read (see `Row::raw_text`).
fn raw_members(row: &Row) -> Option<&str> {
    row.raw_text()?.strip_prefix('{')
}

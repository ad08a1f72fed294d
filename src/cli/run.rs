//! `vigil run DETECTION... --events FILE...`: the detections' result rows.
//! One detection runs alone (its pipeline streams); several run together
//! in one pass over the events (`run_many.rs`).

use std::io::{BufWriter, ErrorKind, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

use super::report::{emit, fail};
use super::{RunArgs, RunFormat, parse_params};
use crate::diagnostic::Diagnostic;
use crate::eval::input::{EventReader, Sink};
use crate::eval::output::{Pairs, render_table, write_ndjson};
use crate::eval::{LookupSource, Lookups, Options, Plan, prepare};
use crate::ir::Detection;
use crate::load::load_files;

/// Runs detection files over event files and prints their result rows.
pub fn run(args: &RunArgs) -> ExitCode {
    let params = match parse_params(&args.params) {
        Ok(p) => p,
        Err(e) => {
            fail(&e);
            return ExitCode::from(2);
        }
    };
    let now = match &args.now {
        Some(t) => match crate::eval::time::parse_time(t) {
            Some(n) => n,
            None => {
                fail(&format!(
                    "--now `{t}`: expected ISO 8601 (2025-07-11T09:00:00Z) or epoch seconds"
                ));
                return ExitCode::from(2);
            }
        },
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64().floor()),
    };
    let files = match super::driver::input_files(&args.detections) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let lookups = match lookups(&args.lookups, &files) {
        Ok(l) => l,
        Err(e) => {
            fail(&e);
            return ExitCode::from(2);
        }
    };
    let mut diags = Vec::new();
    let mut detections = Vec::new();
    for loaded in load_files(&files) {
        diags.extend(loaded.diagnostics);
        detections.extend(loaded.detections);
    }
    if diags.iter().any(Diagnostic::is_error) || detections.is_empty() {
        emit(&diags);
        if detections.is_empty() && !diags.iter().any(Diagnostic::is_error) {
            let names: Vec<String> = args
                .detections
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            fail(&format!("{}: no detection", names.join(", ")));
        }
        return ExitCode::from(1);
    }
    let opts = Options { now, lookups };
    let mut failed = false;
    let mut plans = Vec::new();
    for det in &detections {
        match prepare(det, &params, &opts) {
            Ok(plan) => plans.push(plan.with_max_groups(args.max_groups)),
            Err(errs) => {
                diags.extend(errs);
                failed = true;
            }
        }
    }
    if failed {
        emit(&diags);
        return ExitCode::from(1);
    }
    let (ok, more) = match (&plans[..], &detections[..]) {
        ([plan], [det]) => run_one(plan, det, args),
        _ => super::run_many::run(&plans, &detections, args),
    };
    diags.extend(more);
    failed |= !ok;
    emit(&diags);
    if failed || diags.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--lookup NAME=FILE` tables; tables are also looked for next to the
/// detections and in the current directory.
fn lookups(raw: &[String], detections: &[PathBuf]) -> Result<Lookups, String> {
    let mut l = Lookups::default();
    for item in raw {
        let Some((name, file)) = item.split_once('=') else {
            return Err(format!("--lookup `{item}`: expected NAME=FILE"));
        };
        l.tables
            .insert(name.to_string(), LookupSource::File(PathBuf::from(file)));
    }
    for dir in detections.iter().filter_map(|d| d.parent()) {
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir.to_path_buf()
        };
        if !l.dirs.contains(&dir) {
            l.dirs.push(dir);
        }
    }
    l.dirs.push(PathBuf::from("."));
    Ok(l)
}

/// Runs one detection; returns (no read or write failed, diagnostics).
fn run_one(plan: &Plan, det: &Detection, args: &RunArgs) -> (bool, Vec<Diagnostic>) {
    let sink: Sink = Rc::default();
    let started = Instant::now();
    let mut reader = EventReader::new(args.events.clone(), sink.clone(), !args.no_progress)
        .with_max_event_bytes(args.max_event_bytes)
        .with_prefilter(if args.no_prefilter {
            None
        } else {
            plan.prefilter()
        });
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut table: Vec<Pairs> = Vec::new();
    let mut rows = 0u64;
    let mut write_failed = false;
    {
        let results = plan.run(&mut reader);
        for row in results {
            rows += 1;
            if let (RunFormat::Ndjson, Some(text)) = (args.format, row.raw_text()) {
                // A matching event, printed as it was read.
                let written = out
                    .write_all(text.as_bytes())
                    .and_then(|()| out.write_all(b"\n"));
                if let Err(e) = written {
                    write_failed = e.kind() != ErrorKind::BrokenPipe;
                    break;
                }
                continue;
            }
            let pairs = row.to_pairs();
            match args.format {
                RunFormat::Table => table.push(pairs),
                RunFormat::Ndjson => {
                    if let Err(e) = write_ndjson(&mut out, &pairs) {
                        write_failed = e.kind() != ErrorKind::BrokenPipe;
                        break;
                    }
                }
            }
        }
    }
    if args.format == RunFormat::Table {
        let _ = out.write_all(render_table(&table).as_bytes());
    }
    if let Err(e) = out.flush() {
        write_failed |= e.kind() != ErrorKind::BrokenPipe;
    }
    if args.summary {
        summary(&det.display_id(), &reader, started, rows);
    }
    drop(reader);
    let mut diags = sink.borrow().clone();
    diags.extend(plan.take_errors());
    (!write_failed, diags)
}

/// The `--summary` line: what was read, how fast, and how many rows came
/// out (one detection or many).
pub(super) fn summary(what: &str, reader: &EventReader, started: Instant, rows: u64) {
    let (events, skipped) = (reader.events, reader.skipped);
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{what}: {events} events ({skipped} skipped unparsed) in {secs:.2} s ({:.0} events/s), {rows} result rows",
        events as f64 / secs.max(1e-9)
    );
}

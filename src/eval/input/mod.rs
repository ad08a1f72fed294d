//! Reading events: NDJSON, a JSON array (the Auth0 Management API's
//! `GET /api/v2/logs`), pretty-printed objects one after another, and the
//! Auth0 log-stream envelope (`{"log_id": ..., "data": {...}}`, unwrapped);
//! each possibly gzip-compressed (detected by its magic bytes). `-` reads
//! standard input.
//!
//! Events stream: one is parsed at a time. A malformed event is a
//! diagnostic with its file and line; reading goes on with the next one.

mod progress;
mod scan;

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::event::{Event, EventError};
use super::prefilter::Prefilter;
use crate::diagnostic::{Diagnostic, codes};
use crate::source::{SourceFile, Span};
pub use progress::Progress;
use scan::{Chunk, ScanError, Scanner};

/// Diagnostics reported at most per run, so a wrong file does not flood
/// the terminal.
const MAX_REPORTED: usize = 20;

/// Where the reader puts what it finds wrong; shared so the caller can read
/// it after the events are consumed.
pub type Sink = Rc<RefCell<Vec<Diagnostic>>>;

/// Reads events from files one after another.
pub struct EventReader {
    files: std::vec::IntoIter<PathBuf>,
    current: Option<(String, Scanner<Box<dyn BufRead>>)>,
    sink: Sink,
    dropped: usize,
    progress: Option<Progress>,
    prefilter: Option<Prefilter>,
    max_event_bytes: usize,
    regular_only: bool,
    /// Events read so far (parsed or skipped).
    pub events: u64,
    /// Events skipped unparsed because the prefilter ruled them out.
    pub skipped: u64,
}

impl EventReader {
    /// A reader over files (`-` is standard input). With `progress`, a
    /// progress line is drawn on stderr for large inputs when stderr is a
    /// terminal.
    pub fn new(files: Vec<PathBuf>, sink: Sink, progress: bool) -> EventReader {
        let progress = progress.then(|| Progress::for_files(&files)).flatten();
        EventReader {
            files: files.into_iter(),
            current: None,
            sink,
            dropped: 0,
            progress,
            prefilter: None,
            max_event_bytes: crate::limits::MAX_EVENT_LINE_BYTES,
            regular_only: false,
            events: 0,
            skipped: 0,
        }
    }

    /// Skips events the prefilter rules out: they are only checked to be
    /// well-formed JSON (so a malformed one is still reported), not indexed.
    pub fn with_prefilter(mut self, prefilter: Option<Prefilter>) -> EventReader {
        self.prefilter = prefilter;
        self
    }

    /// Sets the longest event read (default
    /// [`crate::limits::MAX_EVENT_LINE_BYTES`]); longer ones are reported
    /// and skipped.
    pub fn with_max_event_bytes(mut self, max: usize) -> EventReader {
        self.max_event_bytes = max;
        self
    }

    fn report(&mut self, d: Diagnostic) {
        let mut sink = self.sink.borrow_mut();
        let errors = sink.iter().filter(|d| d.code == codes::EVENTS).count();
        if errors < MAX_REPORTED {
            sink.push(d);
        } else {
            self.dropped += 1;
        }
    }

    fn open(&mut self, path: &Path) -> Option<Box<dyn BufRead>> {
        let name = path.display().to_string();
        let raw: Box<dyn Read> = if name == "-" {
            Box::new(std::io::stdin())
        } else {
            let opened = if self.regular_only {
                crate::limits::open_regular(path).map_err(|e| e.to_string())
            } else {
                File::open(path).map_err(|e| e.to_string())
            };
            match opened {
                Ok(f) => match &self.progress {
                    Some(p) => Box::new(p.counting(f)),
                    None => Box::new(f),
                },
                Err(e) => {
                    self.report(
                        Diagnostic::error(codes::IO, format!("{name}: {e}"))
                            .with_help("give NDJSON or JSON files of Auth0 log events"),
                    );
                    return None;
                }
            }
        };
        let mut buffered = BufReader::with_capacity(1 << 16, raw);
        let is_gzip = matches!(buffered.fill_buf(), Ok(b) if b.starts_with(&[0x1f, 0x8b]));
        Some(if is_gzip {
            Box::new(BufReader::with_capacity(
                1 << 16,
                flate2::bufread::MultiGzDecoder::new(buffered),
            ))
        } else {
            Box::new(buffered)
        })
    }

    fn malformed(&mut self, file: &str, line: u64, col: usize, text: &str, message: String) {
        // A source made of the offending line at its line number gives an
        // exact location without holding the whole file.
        let line_idx = usize::try_from(line.saturating_sub(1)).unwrap_or(0);
        let mut src = "\n".repeat(line_idx.min(10_000_000));
        let start = src.len();
        src.push_str(text);
        let at = start + col.saturating_sub(1).min(text.len());
        let sf = SourceFile::new(file, src);
        self.report(
            Diagnostic::error(codes::EVENTS, message)
                .with_label(Span::new(at, at), "here")
                .with_help("each event must be one JSON object (an Auth0 log event)")
                .in_file(&sf),
        );
    }

    fn parse(&mut self, file: &str, chunk: Chunk) -> Option<Event> {
        let text = match String::from_utf8(chunk.bytes) {
            Ok(t) => t,
            Err(e) => {
                let bytes = e.as_bytes();
                let at = e.utf8_error().valid_up_to();
                let line = chunk.line + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64;
                let text = scan::first_line(
                    &bytes[bytes[..at]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |i| i + 1)..],
                );
                self.malformed(file, line, 1, &text, "the event is not UTF-8 text".into());
                return None;
            }
        };
        match Event::from_text(text) {
            Ok(e) => Some(e),
            Err((EventError::NotAnObject(kind), text)) => {
                let first = scan::first_line(text.as_bytes());
                self.malformed(
                    file,
                    chunk.line,
                    1,
                    &first,
                    format!("expected an event (a JSON object), found {kind}"),
                );
                None
            }
            Err((EventError::Json(e), text)) => {
                let line = chunk.line + e.line().saturating_sub(1) as u64;
                let shown = text.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                self.malformed(
                    file,
                    line,
                    e.column(),
                    shown,
                    format!("malformed JSON: {msg}"),
                );
                None
            }
        }
    }
}

impl Iterator for EventReader {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        loop {
            if self.current.is_none() {
                let path = self.files.next()?;
                let Some(reader) = self.open(&path) else {
                    continue;
                };
                self.current = Some((
                    path.display().to_string(),
                    Scanner::new(reader, self.max_event_bytes),
                ));
            }
            let Some((name, scanner)) = self.current.as_mut() else {
                continue;
            };
            let name = name.clone();
            match scanner.next_chunk() {
                None => {
                    self.current = None;
                }
                Some(Err(ScanError {
                    message,
                    line,
                    text,
                })) => self.malformed(&name, line, 1, &text, message),
                Some(Ok(chunk)) => {
                    if let Some(p) = &mut self.progress {
                        p.tick(self.events + 1);
                    }
                    if self
                        .prefilter
                        .as_ref()
                        .is_some_and(|p| !p.may_match(&chunk.bytes))
                        && serde_json::from_slice::<serde::de::IgnoredAny>(&chunk.bytes).is_ok()
                    {
                        self.events += 1;
                        self.skipped += 1;
                        continue;
                    }
                    if let Some(e) = self.parse(&name, chunk) {
                        self.events += 1;
                        return Some(e);
                    }
                }
            }
        }
    }
}

impl Drop for EventReader {
    fn drop(&mut self) {
        if let Some(p) = &mut self.progress {
            p.finish();
        }
        if self.dropped > 0 {
            self.sink.borrow_mut().push(Diagnostic::error(
                codes::EVENTS,
                format!("{} more malformed events not shown", self.dropped),
            ));
        }
    }
}

/// Reads all events of one file (for tests and small inputs).
pub fn read_all(path: &Path) -> (Vec<Event>, Vec<Diagnostic>) {
    let sink: Sink = Rc::default();
    // Named by a tests file, not by the user: a FIFO or a device would
    // block or never end.
    let mut reader = EventReader::new(vec![path.to_path_buf()], sink.clone(), false);
    reader.regular_only = true;
    let events: Vec<Event> = reader.collect();
    let diags = sink.borrow().clone();
    (events, diags)
}

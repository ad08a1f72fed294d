//! A progress line on stderr for large inputs, drawn only when stderr is a
//! terminal (hand-rolled: one line, redrawn a few times a second).

use std::cell::Cell;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Inputs smaller than this finish too fast to need a progress line.
const MIN_BYTES: u64 = 64 << 20;

/// How often the line is redrawn.
const EVERY: Duration = Duration::from_millis(250);

/// Progress over a known number of input bytes.
pub struct Progress {
    total: u64,
    read: Rc<Cell<u64>>,
    started: Instant,
    last: Instant,
    drawn: bool,
}

/// A reader that counts the bytes read through it.
pub struct Counting<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl Progress {
    /// Progress for these files, if stderr is a terminal and they are large
    /// (compressed files count by their compressed size).
    pub fn for_files(files: &[PathBuf]) -> Option<Progress> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let total: u64 = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        let now = Instant::now();
        (total >= MIN_BYTES).then(|| Progress {
            total,
            read: Rc::default(),
            started: now,
            last: now,
            drawn: false,
        })
    }

    /// Wraps a file so that its bytes are counted.
    pub fn counting<R: Read>(&self, inner: R) -> Counting<R> {
        Counting {
            inner,
            read: self.read.clone(),
        }
    }

    /// Called per event; redraws when it is time.
    pub fn tick(&mut self, events: u64) {
        if !events.is_multiple_of(4096) {
            return;
        }
        let now = Instant::now();
        if now.duration_since(self.last) < EVERY {
            return;
        }
        self.last = now;
        let secs = now.duration_since(self.started).as_secs_f64().max(1e-3);
        let read = self.read.get();
        let pct = (read as f64 * 100.0 / self.total.max(1) as f64).min(100.0);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{pct:5.1}%  {} / {} MiB  {events} events  {:.0} events/s",
            read >> 20,
            self.total >> 20,
            events as f64 / secs
        );
        let _ = err.flush();
        self.drawn = true;
    }

    /// Clears the line.
    pub fn finish(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

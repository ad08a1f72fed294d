//! Splitting a byte stream into JSON values without parsing them: NDJSON
//! (one value per line), a JSON array (what `GET /api/v2/logs` returns) or
//! values one after another (pretty-printed objects). Each value is handed
//! to `serde_json` alone, so a malformed event is reported with its line
//! and the rest of the file still runs.

use std::io::{BufRead, ErrorKind};

/// One value's bytes and the line it starts on (1-based).
pub struct Chunk {
    /// The value's text.
    pub bytes: Vec<u8>,
    /// The line of its first byte.
    pub line: u64,
}

/// What went wrong while splitting.
pub struct ScanError {
    /// What.
    pub message: String,
    /// Where (1-based line).
    pub line: u64,
    /// The text of that line, for the diagnostic.
    pub text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Not decided yet.
    Start,
    /// One value per line.
    Lines,
    /// Inside a top-level array.
    Array,
    /// Values one after another.
    Stream,
    /// Nothing more.
    Done,
}

/// Splits a reader into JSON values.
pub struct Scanner<R> {
    reader: R,
    /// The longest value kept, in bytes (see
    /// [`crate::limits::MAX_EVENT_LINE_BYTES`]); a longer one is skipped
    /// without being held in memory and reported.
    max: usize,
    mode: Mode,
    line: u64,
    /// Bytes read ahead while detecting the format, consumed first.
    pending: Vec<u8>,
    pending_at: usize,
}

impl<R: BufRead> Scanner<R> {
    /// A scanner over a reader, keeping values of at most `max` bytes.
    pub fn new(reader: R, max: usize) -> Scanner<R> {
        Scanner {
            reader,
            max,
            mode: Mode::Start,
            line: 1,
            pending: Vec::new(),
            pending_at: 0,
        }
    }

    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        if self.pending_at < self.pending.len() {
            return Ok(Some(self.pending[self.pending_at]));
        }
        loop {
            match self.reader.fill_buf() {
                Ok(buf) => return Ok(buf.first().copied()),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn bump(&mut self) -> std::io::Result<Option<u8>> {
        let b = self.peek()?;
        if let Some(c) = b {
            if self.pending_at < self.pending.len() {
                self.pending_at += 1;
            } else {
                self.reader.consume(1);
            }
            if c == b'\n' {
                self.line += 1;
            }
        }
        Ok(b)
    }

    fn skip_space(&mut self) -> std::io::Result<()> {
        while let Some(c) = self.peek()? {
            if c.is_ascii_whitespace() {
                self.bump()?;
            } else if self.line == 1 && c == 0xEF {
                // A UTF-8 byte-order mark.
                for _ in 0..3 {
                    self.bump()?;
                }
            } else {
                break;
            }
        }
        Ok(())
    }

    /// Reads one line into `buf` (without the newline): `Ok(None)` at the
    /// end of the input, `Ok(Some(false))` if the line is longer than the
    /// budget (its first bytes are kept, the rest is read and dropped).
    fn read_line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
        buf.clear();
        let mut any = false;
        if self.pending_at < self.pending.len() {
            any = true;
            let rest = &self.pending[self.pending_at..];
            match rest.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    buf.extend_from_slice(&rest[..i]);
                    self.pending_at += i + 1;
                    self.line += 1;
                    return Ok(Some(self.end_line(buf)));
                }
                None => {
                    buf.extend_from_slice(rest);
                    self.pending_at = self.pending.len();
                }
            }
        }
        loop {
            let avail = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                return Ok(any.then(|| self.end_line(buf)));
            }
            any = true;
            let (n, newline) = match avail.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            // Keep one byte past the budget, so that a line over it is
            // known to be; drop the rest unread into memory.
            let room = (self.max + 1).saturating_sub(buf.len());
            let keep = if newline { n - 1 } else { n };
            buf.extend_from_slice(&avail[..keep.min(room)]);
            self.reader.consume(n);
            if newline {
                self.line += 1;
                return Ok(Some(self.end_line(buf)));
            }
        }
    }

    /// Strips a line's `\r`; false if the line is over the budget.
    fn end_line(&self, buf: &mut Vec<u8>) -> bool {
        if buf.len() > self.max {
            return false;
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        true
    }

    fn too_long(&self, line: u64, bytes: &[u8]) -> ScanError {
        ScanError {
            message: format!(
                "the event is longer than the budget of {} bytes; it was skipped \
                 (--max-event-bytes raises the budget)",
                self.max
            ),
            line,
            text: first_line(&bytes[..bytes.len().min(200)]),
        }
    }

    /// The next value, an error, or `None` at the end.
    pub fn next_chunk(&mut self) -> Option<Result<Chunk, ScanError>> {
        match self.step() {
            Ok(x) => x,
            Err(e) => {
                self.mode = Mode::Done;
                Some(Err(ScanError {
                    message: format!("cannot read: {e}"),
                    line: self.line,
                    text: String::new(),
                }))
            }
        }
    }

    fn step(&mut self) -> std::io::Result<Option<Result<Chunk, ScanError>>> {
        loop {
            match self.mode {
                Mode::Done => return Ok(None),
                Mode::Start => {
                    self.skip_space()?;
                    match self.peek()? {
                        None => self.mode = Mode::Done,
                        Some(b'[') => {
                            self.bump()?;
                            self.mode = Mode::Array;
                        }
                        Some(_) => {
                            if let Some(e) = self.detect_lines()? {
                                return Ok(Some(Err(e)));
                            }
                        }
                    }
                }
                Mode::Lines => {
                    let mut buf = Vec::new();
                    loop {
                        let line = self.line;
                        let Some(within) = self.read_line(&mut buf)? else {
                            self.mode = Mode::Done;
                            return Ok(None);
                        };
                        if !within {
                            return Ok(Some(Err(self.too_long(line, &buf))));
                        }
                        if !buf.iter().all(u8::is_ascii_whitespace) {
                            return Ok(Some(Ok(Chunk { bytes: buf, line })));
                        }
                    }
                }
                Mode::Array => {
                    self.skip_space()?;
                    match self.peek()? {
                        Some(b',') => {
                            self.bump()?;
                        }
                        Some(b']') => {
                            self.bump()?;
                            self.mode = Mode::Stream;
                        }
                        None => {
                            self.mode = Mode::Done;
                            return Ok(Some(Err(ScanError {
                                message: "the JSON array is not closed (missing `]`)".into(),
                                line: self.line,
                                text: String::new(),
                            })));
                        }
                        Some(_) => return self.value(),
                    }
                }
                Mode::Stream => {
                    self.skip_space()?;
                    match self.peek()? {
                        None => self.mode = Mode::Done,
                        Some(b'[') => {
                            self.bump()?;
                            self.mode = Mode::Array;
                        }
                        Some(_) => return self.value(),
                    }
                }
            }
        }
    }

    /// Decides between NDJSON and values spread over lines: NDJSON if the
    /// first line holds one whole value. A first line over the budget is
    /// reported, and the rest read as lines.
    fn detect_lines(&mut self) -> std::io::Result<Option<ScanError>> {
        let start = self.line;
        let mut first = Vec::new();
        if self.read_line(&mut first)? == Some(false) {
            self.mode = Mode::Lines;
            return Ok(Some(self.too_long(start, &first)));
        }
        let whole = serde_json::from_slice::<serde::de::IgnoredAny>(&first).is_ok();
        // Put the line back: re-reading it from `pending` keeps line numbers.
        self.line = start;
        let mut pending = first;
        pending.push(b'\n');
        pending.extend_from_slice(&self.pending[self.pending_at..]);
        self.pending = pending;
        self.pending_at = 0;
        self.mode = if whole { Mode::Lines } else { Mode::Stream };
        Ok(None)
    }

    /// Reads one value (object, array, string or scalar) by its brackets.
    fn value(&mut self) -> std::io::Result<Option<Result<Chunk, ScanError>>> {
        let line = self.line;
        let mut bytes = Vec::new();
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let Some(c) = self.peek()? else {
                if depth > 0 || in_string {
                    self.mode = Mode::Done;
                    return Ok(Some(Err(ScanError {
                        message: "the file ends inside this JSON value".into(),
                        line,
                        text: first_line(&bytes),
                    })));
                }
                break;
            };
            if depth == 0 && !in_string && !bytes.is_empty() {
                let scalar = !matches!(bytes[0], b'{' | b'[' | b'"');
                if !scalar || c.is_ascii_whitespace() || c == b',' || c == b']' {
                    break;
                }
            }
            self.bump()?;
            // Past the budget, the value is still scanned to its end (so
            // the next one is found) but no longer kept.
            if bytes.len() <= self.max {
                bytes.push(c);
            }
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == b'\\' {
                    escaped = true;
                } else if c == b'"' {
                    in_string = false;
                }
                continue;
            }
            match c {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if bytes.len() > self.max {
            return Ok(Some(Err(self.too_long(line, &bytes))));
        }
        Ok(Some(Ok(Chunk { bytes, line })))
    }
}

/// The first line of some bytes, as text (for diagnostics).
pub fn first_line(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str) -> Vec<(u64, String)> {
        chunks_max(text, usize::MAX - 1)
    }

    fn chunks_max(text: &str, max: usize) -> Vec<(u64, String)> {
        let mut s = Scanner::new(text.as_bytes(), max);
        let mut out = Vec::new();
        while let Some(c) = s.next_chunk() {
            match c {
                Ok(c) => out.push((c.line, String::from_utf8(c.bytes).unwrap())),
                Err(e) => out.push((e.line, format!("ERR {}", e.message))),
            }
        }
        out
    }

    #[test]
    fn ndjson_lines() {
        assert_eq!(
            chunks("{\"a\":1}\n\n{\"b\":\"x\\n}\"}\r\n{bad\n"),
            vec![
                (1, "{\"a\":1}".into()),
                (3, "{\"b\":\"x\\n}\"}".into()),
                (4, "{bad".into())
            ]
        );
    }

    #[test]
    fn arrays_and_pretty_values() {
        assert_eq!(
            chunks("[\n {\"a\": [1, 2]},\n {\"b\": \"]\"}\n]\n"),
            vec![(2, "{\"a\": [1, 2]}".into()), (3, "{\"b\": \"]\"}".into())]
        );
        assert_eq!(
            chunks("{\n \"a\": 1\n}\n{\n \"b\": 2\n}"),
            vec![(1, "{\n \"a\": 1\n}".into()), (4, "{\n \"b\": 2\n}".into())]
        );
        assert_eq!(
            chunks("[1, \"x\"]"),
            vec![(1, "1".into()), (1, "\"x\"".into())]
        );
    }

    #[test]
    fn truncated_input_is_reported() {
        let got = chunks("[{\"a\": 1}, {\"b\":");
        assert_eq!(got[0], (1, "{\"a\": 1}".into()));
        assert!(got[1].1.starts_with("ERR the file ends inside"), "{got:?}");
        let got = chunks("[{\"a\": 1}");
        assert!(
            got[1].1.starts_with("ERR the JSON array is not closed"),
            "{got:?}"
        );
    }

    #[test]
    fn values_over_the_budget_are_skipped_and_reported() {
        let long = format!("{{\"a\":\"{}\"}}", "x".repeat(50));
        let got = chunks_max(&format!("{{\"b\":1}}\n{long}\n{{\"c\":2}}\n"), 20);
        assert_eq!(got[0], (1, "{\"b\":1}".into()));
        assert!(
            got[1]
                .1
                .starts_with("ERR the event is longer than the budget of 20 bytes")
        );
        assert_eq!(got[1].0, 2);
        assert_eq!(got[2], (3, "{\"c\":2}".into()));
        // The first line decides the format: over the budget, it is reported.
        let got = chunks_max(&format!("{long}\n{{\"c\":2}}\n"), 20);
        assert!(got[0].1.starts_with("ERR the event is longer"), "{got:?}");
        assert_eq!(got[1], (2, "{\"c\":2}".into()));
        // In an array, the value is skipped to its end.
        let got = chunks_max(&format!("[{long}, {{\"c\":2}}]"), 20);
        assert!(got[0].1.starts_with("ERR the event is longer"), "{got:?}");
        assert_eq!(got[1], (1, "{\"c\":2}".into()));
    }
}

//! Input budgets: every bound Vigil puts on what it reads, in one place
//! (documented in `docs/security.md`, "Input budgets").
//!
//! A detection library, its tests files and the events it is tested on may
//! come from someone else (a pull request, a shared repository, logs an
//! attacker wrote into). Whatever they hold, Vigil must finish in time and
//! memory proportional to their size, and say which budget stopped it.
//! Readers take these constants; an error names the budget and, where it
//! can be raised, the option that raises it.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The largest file Vigil reads whole: a detection, a tests file, a lookup
/// table, a profile or a template (events are streamed instead, see
/// [`MAX_EVENT_LINE_BYTES`]). The largest SigmaHQ rule is under 100 KB.
pub const MAX_FILE_BYTES: u64 = 32 << 20;

/// The longest event (one NDJSON line, or one object of a JSON array) that
/// `vigil run` reads by default; `--max-event-bytes` raises it. Auth0 log
/// events are a few kilobytes; the budget stops a gzip'd file of one huge
/// line from inflating into memory.
pub const MAX_EVENT_LINE_BYTES: usize = 16 << 20;

/// YAML nodes that aliases (`*name`) may add to one Sigma file when they are
/// expanded. Ten aliases of ten aliases of ... grow exponentially (a
/// "billion laughs" file); real rules use a handful.
pub const MAX_YAML_ALIAS_NODES: usize = 100_000;

/// The deepest nesting of parentheses, brackets and prefix `not`/`-` in a
/// `.vigil` file (real detections stay below 10): the parser, lowering and
/// printers recurse once per level.
pub const MAX_NESTING: usize = 128;

/// Arithmetic operators in one chain (`a + b - c * ...`) in a `.vigil`
/// file. Each nests the expression tree one level deeper (unlike `and` and
/// `or`, which are flat lists), so the chain is bounded like nesting,
/// generously: real expressions have a handful.
pub const MAX_OPERATOR_CHAIN: usize = 1_000;

/// Groups one `stats` or `eventstats` stage may hold in `vigil run` by
/// default; `--max-groups` raises it. Each group keeps its `by` values and
/// aggregate states in memory (2 million distinct users took 0.9 GB), so
/// a `by` over a value an attacker chooses (an IP, a user name) is bounded.
/// SIEMs bound it too: Splunk's `stats` spills to disk past
/// `max_mem_usage_mb`, Elasticsearch refuses more than `search.max_buckets`.
pub const MAX_STATS_GROUPS: usize = 1_000_000;

/// The longest source line whose snippet a diagnostic shows; a longer line
/// is reported by file, line and column only (a one-line file of 100 KB
/// would otherwise be printed whole with every diagnostic).
pub const MAX_SNIPPET_LINE_BYTES: usize = 4_096;

/// Diagnostics of one code printed per file; the rest are counted in one
/// line (`vigil check --json` still lists them all).
pub const MAX_DIAGNOSTICS_PER_CODE: usize = 50;

/// What kind of file system object a path names, for messages.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Why a file could not be read: its message says which budget or rule
/// refused it.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file system said no.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A FIFO, device, socket or directory: reading could block forever or
    /// never end (`/dev/zero`).
    #[error("{0}: Vigil reads only regular files")]
    NotRegular(&'static str),
    /// Larger than [`MAX_FILE_BYTES`].
    #[error(
        "the file is larger than the {} MiB budget for a file read whole; split it",
        MAX_FILE_BYTES >> 20
    )]
    TooLarge,
    /// Not UTF-8.
    #[error("the file is not UTF-8 text")]
    NotUtf8,
}

/// Opens a regular file for reading, refusing FIFOs and devices.
/// Symbolic links are followed to what they name.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    open_regular_sized(path).map(|(file, _)| file)
}

/// [`open_regular`], with the file's length.
fn open_regular_sized(path: &Path) -> Result<(File, u64), ReadError> {
    // Opened without blocking (a FIFO would wait for a writer) and without
    // becoming a controlling terminal, then checked on the handle: a
    // `stat` of the path first would cost a second path lookup per file
    // and could be outdated by the time of the `open` anyway.
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta)));
    }
    Ok((file, meta.len()))
}

/// Reads a whole regular file of at most [`MAX_FILE_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let (mut file, len) = open_regular_sized(path)?;
    if len > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    if len == 0 {
        // Some files (in /proc) say they are empty and are not: read to
        // the end, bounded by `take`.
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge);
        }
        return Ok(bytes);
    }
    // Exactly the length the file had when opened: the buffer is not grown
    // (a copy, and spare capacity for every file of a corpus held in
    // memory), and no read is spent to see the end. A file that grows
    // while it is read is read as it was.
    let mut bytes = vec![0; len as usize];
    let mut filled = 0;
    while filled < bytes.len() {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

/// Reads a whole regular UTF-8 file of at most [`MAX_FILE_BYTES`].
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    String::from_utf8(read_bytes(path)?).map_err(|_| ReadError::NotUtf8)
}

/// The kind of a path that exists but is not a regular file or directory
/// (without following a final symbolic link), for writers that must not
/// replace it.
pub fn special_kind(path: &Path) -> Option<&'static str> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    (!meta.is_file()).then(|| kind_of(&meta))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_before_reading() {
        let e = read_text(Path::new("/dev/zero")).unwrap_err();
        assert!(matches!(e, ReadError::NotRegular("a character device")));
        let e = read_text(Path::new("/")).unwrap_err();
        assert!(matches!(e, ReadError::NotRegular("a directory")));
    }

    #[test]
    fn a_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.vigil");
        std::fs::write(&p, "x").unwrap();
        assert_eq!(read_text(&p).unwrap(), "x");
        std::fs::write(&p, [0xff]).unwrap();
        assert!(matches!(read_text(&p), Err(ReadError::NotUtf8)));
    }
}

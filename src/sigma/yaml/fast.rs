//! A reader for the block-YAML subset Sigma rules are written in: block
//! mappings and sequences, plain and one-line quoted scalars, `|` and `>`
//! blocks, one-line flow lists, comments and `---` between documents.
//!
//! The general YAML parser was 40% of the time of compiling SigmaHQ, most
//! of it in the token machinery that this subset does not need. This reader
//! gives the very same nodes, spans and diagnostics, or gives up (`None`) at
//! the first thing outside the subset (anchors, tags, flow mappings,
//! multi-line plain or quoted scalars, tabs, rare escapes, anything that
//! would be a YAML error), and the general parser reads the file instead.
//! It never decides what the general parser would reject: when in doubt it
//! gives up. The tests compare the two on every corpus file and on
//! generated documents.

use super::parse::duplicate_keys;
use super::{Document, Node, NodeKind, Style};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// The longest implicit key YAML allows.
const MAX_KEY: usize = 1024;

/// Collections nested deeper than this are left to the general parser (a
/// Sigma rule nests four or five deep; this keeps recursion shallow).
const MAX_DEPTH: usize = 64;

/// Reads every document of `text`, or `None` if it is not in the subset.
pub(super) fn parse_stream(text: &str) -> Option<Vec<Document<'_>>> {
    if !plain_characters(text.as_bytes()) {
        return None;
    }
    let mut r = Reader {
        text,
        b: text.as_bytes(),
        pos: 0,
        line_start: 0,
        depth: 0,
        errors: Vec::new(),
    };
    let mut docs = Vec::new();
    r.skip_trivia();
    if r.eof() {
        return Some(docs);
    }
    loop {
        let explicit = r.at_marker()?;
        if explicit {
            r.pos += 3;
            r.skip_trivia();
        }
        if r.eof() || r.at_marker()? {
            // `---` with nothing after it: an empty document.
            docs.push(Document {
                root: None,
                errors: Vec::new(),
            });
        } else {
            let root = r.block_node()?;
            docs.push(Document {
                root: Some(root),
                errors: std::mem::take(&mut r.errors),
            });
            r.skip_trivia();
        }
        if r.eof() {
            return Some(docs);
        }
        if !r.at_marker()? {
            return None;
        }
    }
}

/// False if the text holds a byte or character this reader leaves to the
/// general parser: tabs, carriage returns and other control characters,
/// C1 controls (U+0085 is a line break in YAML 1.1), a byte-order mark,
/// U+FFFE/U+FFFF and the Unicode line separators.
fn plain_characters(b: &[u8]) -> bool {
    // Most of a rule is printable ASCII: chunks of it are checked without
    // branches (the compiler vectorizes the fold), the rest byte by byte.
    const CHUNK: usize = 64;
    let mut start = 0;
    for chunk in b.chunks(CHUNK) {
        let ascii = chunk.iter().fold(true, |ok, &c| {
            ok & (matches!(c, 0x20..=0x7e) | (c == b'\n'))
        });
        if !ascii && (start..start + chunk.len()).any(|i| unprintable_at(b, i)) {
            return false;
        }
        start += chunk.len();
    }
    true
}

/// True if the byte at `i` starts a character [`plain_characters`] refuses.
fn unprintable_at(b: &[u8], i: usize) -> bool {
    match b[i] {
        b'\n' | 0x20..=0x7e => false,
        0xc2 => b.get(i + 1).is_some_and(|&n| (0x80..=0x9f).contains(&n)),
        0xe2 => b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)),
        0xef => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
        ),
        0x80..=0xff => false,
        _ => true,
    }
}

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    /// The next byte to read.
    pos: usize,
    /// Where the line holding `pos` starts.
    line_start: usize,
    /// Collections open around `pos`.
    depth: usize,
    /// The current document's duplicate-key errors.
    errors: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    fn eof(&self) -> bool {
        self.pos >= self.b.len()
    }

    fn peek(&self, at: usize) -> u8 {
        self.b.get(at).copied().unwrap_or(b'\n')
    }

    /// The column of `pos`.
    fn indent(&self) -> usize {
        self.pos - self.line_start
    }

    /// True if `at` ends a token: a space, a line end or the end.
    fn blank(&self, at: usize) -> bool {
        matches!(self.peek(at), b' ' | b'\n')
    }

    /// Moves past spaces, line ends and comments to the next token.
    fn skip_trivia(&mut self) {
        while let Some(&c) = self.b.get(self.pos) {
            match c {
                b' ' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line_start = self.pos;
                }
                b'#' => self.skip_line(),
                _ => return,
            }
        }
    }

    /// Moves past spaces on this line; true if the line then ends (or a
    /// comment starts, after at least one space).
    fn rest_is_empty(&mut self) -> bool {
        let from = self.pos;
        while self.peek(self.pos) == b' ' && !self.eof() {
            self.pos += 1;
        }
        match self.peek(self.pos) {
            b'\n' => true,
            b'#' => self.pos > from,
            _ => false,
        }
    }

    fn skip_line(&mut self) {
        self.pos = memchr_newline(self.b, self.pos);
    }

    /// True at a `---` line; `None` (give up) at other document markers.
    fn at_marker(&self) -> Option<bool> {
        if self.indent() != 0 || self.eof() {
            return Some(false);
        }
        let rest = &self.b[self.pos..];
        let marker = rest.starts_with(b"---") || rest.starts_with(b"...");
        if !marker || !self.blank(self.pos + 3) {
            return Some(false);
        }
        // `...` and `--- value` are left to the general parser.
        (rest[0] == b'-' && self.peek(self.pos + 3) == b'\n').then_some(true)
    }

    /// A sequence entry starts here.
    fn at_entry(&self) -> bool {
        self.peek(self.pos) == b'-' && !self.eof() && self.blank(self.pos + 1)
    }

    /// The node starting at `pos`, at the start of its line's content.
    fn block_node(&mut self) -> Option<Node<'a>> {
        let indent = self.indent();
        if self.at_entry() {
            self.sequence(indent, false)
        } else {
            self.mapping(indent)
        }
    }

    /// Runs `read` one collection deeper, giving up past [`MAX_DEPTH`].
    fn nested(&mut self, read: impl FnOnce(&mut Self) -> Option<Node<'a>>) -> Option<Node<'a>> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let node = read(self);
        self.depth -= 1;
        node
    }

    /// Where the `:` of a plain key starting at `pos` is, if this line is
    /// `key: ...`.
    fn key_colon(&self) -> Option<usize> {
        let first = self.peek(self.pos);
        if is_indicator(first) || first == b' ' || first == b'\n' {
            return None;
        }
        let mut i = self.pos;
        while i < self.b.len() && i - self.pos <= MAX_KEY {
            match self.b[i] {
                b'\n' => return None,
                b'#' if self.b[i - 1] == b' ' => return None,
                b':' if self.blank(i + 1) => {
                    let key = &self.b[self.pos..i];
                    return (self.b[i - 1] != b' ' && key != b"<<").then_some(i);
                }
                _ => i += 1,
            }
        }
        None
    }

    /// A block mapping whose keys are at column `indent`.
    fn mapping(&mut self, indent: usize) -> Option<Node<'a>> {
        self.nested(|r| r.mapping_in(indent))
    }

    fn mapping_in(&mut self, indent: usize) -> Option<Node<'a>> {
        let start = self.pos;
        let mut entries = Vec::new();
        loop {
            let colon = self.key_colon()?;
            let key = Node::scalar(
                &self.text[self.pos..colon],
                Style::Plain,
                Span::new(self.pos, colon),
            );
            self.pos = colon + 1;
            let value = self.value_after_key(indent, colon)?;
            entries.push((key, value));
            self.skip_trivia();
            if self.eof() || self.at_marker()? {
                break;
            }
            match self.indent() {
                i if i < indent => break,
                i if i == indent && !self.at_entry() => continue,
                _ => return None,
            }
        }
        duplicate_keys(&entries, &mut self.errors);
        Some(Node {
            kind: NodeKind::Map(entries),
            span: Span::new(start, self.pos),
        })
    }

    /// The value after `key:` in a mapping at column `indent`.
    fn value_after_key(&mut self, indent: usize, colon: usize) -> Option<Node<'a>> {
        if !self.rest_is_empty() {
            return self.inline_value(indent);
        }
        self.skip_trivia();
        if self.eof() || self.at_marker()? {
            return Some(empty(colon));
        }
        match self.indent() {
            i if i > indent => self.block_node(),
            i if i == indent && self.at_entry() => self.sequence(indent, true),
            _ => Some(empty(colon)),
        }
    }

    /// A block sequence whose `-` are at column `indent`; `indentless` for
    /// one at its parent key's column (`key:\n- a`).
    fn sequence(&mut self, indent: usize, indentless: bool) -> Option<Node<'a>> {
        self.nested(|r| r.sequence_in(indent, indentless))
    }

    fn sequence_in(&mut self, indent: usize, indentless: bool) -> Option<Node<'a>> {
        let mut start = self.pos;
        let mut items = Vec::new();
        loop {
            self.pos += 1;
            if self.rest_is_empty() {
                // An empty or nested item (`-` alone on its line).
                return None;
            }
            if items.is_empty() && indentless {
                start = self.pos;
            }
            let item = if self.at_entry() {
                return None;
            } else if self.key_colon().is_some() {
                let column = self.indent();
                self.mapping(column)?
            } else {
                self.inline_value(indent)?
            };
            items.push(item);
            self.skip_trivia();
            if self.eof() || self.at_marker()? {
                break;
            }
            match self.indent() {
                i if i == indent && self.at_entry() => continue,
                i if i < indent || (indentless && i == indent) => break,
                _ => return None,
            }
        }
        Some(Node {
            kind: NodeKind::Seq(items),
            span: Span::new(start, self.pos),
        })
    }

    /// A value written on the line of its key or `-`, inside a block at
    /// column `indent`.
    fn inline_value(&mut self, indent: usize) -> Option<Node<'a>> {
        let c = self.peek(self.pos);
        let node = match c {
            b'\'' | b'"' => self.quoted()?,
            b'[' => self.flow_list()?,
            b'|' | b'>' => return self.block_scalar(indent),
            // `-1`, `:x` and `?x` are plain; `- x` here is not.
            b'-' | b'?' | b':' if !self.blank(self.pos + 1) => return self.plain(),
            _ if is_indicator(c) => return None,
            _ => return self.plain(),
        };
        // Only a comment may follow a quoted value or a list.
        self.rest_is_empty().then_some(node)
    }
}

/// An empty value (`key:` with nothing after it): the general parser's
/// zero-width plain `~` at the colon.
fn empty(colon: usize) -> Node<'static> {
    Node::scalar("~", Style::Plain, Span::new(colon, colon))
}

/// Characters that cannot start a plain scalar or key here (YAML's
/// indicators, and `-`, `?`, `:` which could start one only when not
/// followed by a space: left to the general parser either way).
fn is_indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// The position of the next `\n` at or after `from`, or the end.
fn memchr_newline(b: &[u8], from: usize) -> usize {
    b[from.min(b.len())..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |i| from + i)
}

#[path = "fast_scalars.rs"]
mod scalars;

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;

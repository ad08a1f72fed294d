//! The scalars of the block-YAML subset (see `fast.rs`): plain, quoted,
//! `|`/`>` blocks and one-line flow lists.

use std::borrow::Cow;

use super::{Reader, is_indicator, memchr_newline};
use crate::sigma::yaml::{Node, NodeKind, Style};
use crate::source::Span;

impl<'a> Reader<'a> {
    /// A one-line plain scalar.
    pub(super) fn plain(&mut self) -> Option<Node<'a>> {
        let start = self.pos;
        let line_end = memchr_newline(self.b, start);
        let mut end = line_end;
        let mut i = start;
        while i < line_end {
            match self.b[i] {
                b'#' if self.b[i - 1] == b' ' => {
                    end = i;
                    break;
                }
                b':' if self.blank(i + 1) => return None,
                _ => i += 1,
            }
        }
        self.pos = line_end;
        Some(self.plain_node(start, end))
    }

    /// A `'...'` or `"..."` scalar on one line (`''` in single quotes, the
    /// common backslash escapes in double quotes). Its text is borrowed
    /// from the source when nothing was escaped.
    pub(super) fn quoted(&mut self) -> Option<Node<'a>> {
        let start = self.pos;
        let quote = self.b[start];
        let style = if quote == b'\'' {
            Style::SingleQuoted
        } else {
            Style::DoubleQuoted
        };
        // The text before the last escape, decoded; empty if none.
        let mut decoded = String::new();
        let mut i = start + 1;
        let mut from = i;
        loop {
            let c = *self.b.get(i)?;
            let escaped = match c {
                b'\n' => return None,
                b'\'' if quote == b'\'' && self.peek(i + 1) == b'\'' => '\'',
                b'\\' if quote == b'"' => double_escape(*self.b.get(i + 1)?)?,
                _ if c == quote => break,
                _ => {
                    i += 1;
                    continue;
                }
            };
            decoded.push_str(&self.text[from..i]);
            decoded.push(escaped);
            i += 2;
            from = i;
        }
        let text = if decoded.is_empty() {
            Cow::Borrowed(&self.text[from..i])
        } else {
            decoded.push_str(&self.text[from..i]);
            Cow::Owned(decoded)
        };
        self.pos = i + 1;
        Some(Node::scalar(text, style, Span::new(start, self.pos)))
    }

    /// A `[a, 'b', 1]` list on one line, of plain and quoted scalars.
    pub(super) fn flow_list(&mut self) -> Option<Node<'a>> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_spaces();
            if self.peek(self.pos) == b']' && items.is_empty() {
                break;
            }
            let item = match self.peek(self.pos) {
                b'\'' | b'"' => self.quoted()?,
                c if is_indicator(c) || c == b' ' || c == b'\n' => return None,
                _ => self.flow_plain()?,
            };
            items.push(item);
            self.skip_spaces();
            match self.peek(self.pos) {
                b',' => self.pos += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.pos += 1;
        Some(Node {
            kind: NodeKind::Seq(items),
            span: Span::new(start, self.pos),
        })
    }

    /// A plain scalar inside a flow list, up to its `,` or `]`.
    fn flow_plain(&mut self) -> Option<Node<'a>> {
        let start = self.pos;
        let mut i = start;
        loop {
            match self.peek(i) {
                b',' | b']' => break,
                b'[' | b'{' | b'}' | b'\n' | b'#' => return None,
                b':' => return None,
                _ => i += 1,
            }
        }
        self.pos = i;
        Some(self.plain_node(start, i))
    }

    fn skip_spaces(&mut self) {
        while self.peek(self.pos) == b' ' && !self.eof() {
            self.pos += 1;
        }
    }

    /// A `|` or `>` block scalar (with `-` or no chomping indicator) in a
    /// block at column `indent`.
    pub(super) fn block_scalar(&mut self, indent: usize) -> Option<Node<'a>> {
        let style = if self.b[self.pos] == b'|' {
            Style::Literal
        } else {
            Style::Folded
        };
        self.pos += 1;
        let strip = self.peek(self.pos) == b'-';
        if strip {
            self.pos += 1;
        }
        if !self.blank(self.pos) || !self.rest_is_empty() {
            return None;
        }
        self.skip_line();
        // The first line sets the indentation; it must hold text.
        let first = self.pos + 1;
        let mut column = first;
        while self.peek(column) == b' ' && column < self.b.len() {
            column += 1;
        }
        let width = column - first;
        if width <= indent || self.peek(column) == b'\n' {
            return None;
        }
        let start = column;
        // Content lines, as (text, blank lines before it).
        let mut lines: Vec<(&str, usize)> = Vec::new();
        let mut blanks = 0;
        let mut at = first;
        // Where the block ends: after the indentation of the first line
        // less indented than it, or at the end of the text.
        let mut stop = self.b.len();
        while at < self.b.len() {
            let end = memchr_newline(self.b, at);
            let spaces = self.b[at..end].iter().take_while(|&&c| c == b' ').count();
            if at + spaces == end {
                if spaces > width {
                    return None;
                }
                blanks += 1;
            } else if spaces < width {
                stop = at + spaces;
                break;
            } else {
                if style == Style::Folded && spaces > width {
                    // More-indented lines keep their breaks: left to the
                    // general parser.
                    return None;
                }
                lines.push((&self.text[at + width..end], blanks));
                blanks = 0;
            }
            at = end + 1;
        }
        let mut text = String::new();
        for (i, (line, blank)) in lines.iter().enumerate() {
            if i > 0 {
                match style {
                    Style::Folded if *blank == 0 => text.push(' '),
                    Style::Folded => (0..*blank).for_each(|_| text.push('\n')),
                    _ => (0..=*blank).for_each(|_| text.push('\n')),
                }
            }
            text.push_str(line);
        }
        // Clipping keeps one line break, even at the end of the file (as
        // the general parser does).
        if !strip {
            text.push('\n');
        }
        // Its span runs past the next line's indentation, as the general
        // parser's does.
        self.line_start = at.min(self.b.len());
        self.pos = stop;
        Some(Node::scalar(text, style, Span::new(start, self.pos)))
    }

    /// A plain scalar from `start` to `end`, trailing spaces left out.
    fn plain_node(&self, start: usize, mut end: usize) -> Node<'a> {
        while self.b[end - 1] == b' ' {
            end -= 1;
        }
        Node::scalar(&self.text[start..end], Style::Plain, Span::new(start, end))
    }
}

/// The character a double-quoted `\c` stands for, for the escapes this
/// reader knows (the rest are left to the general parser).
fn double_escape(c: u8) -> Option<char> {
    Some(match c {
        b'\\' => '\\',
        b'"' => '"',
        b'/' => '/',
        b'n' => '\n',
        b't' => '\t',
        b'r' => '\r',
        b'0' => '\0',
        b' ' => ' ',
        _ => return None,
    })
}

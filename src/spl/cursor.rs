//! A cursor over one stage of the expanded search, shared by the search,
//! eval and command parsers.

use std::collections::BTreeMap;

use super::lex::Expanded;
use super::names::Names;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Hints, ParamType, Text, TextPart};
use crate::source::Span;

/// A failed parse: the diagnostic to report.
pub type PResult<T> = Result<T, Box<Diagnostic>>;

/// Reads one stage.
pub struct Cursor<'a> {
    /// The expanded search.
    pub x: &'a Expanded,
    /// Current offset.
    pub pos: usize,
    /// End of the stage.
    pub end: usize,
    /// Field resolution.
    pub names: &'a mut Names,
    /// Parameters seen, with the type their use implies.
    pub params: &'a mut BTreeMap<String, (ParamType, Span)>,
    /// How the author spelled the stage being read.
    pub hints: Hints,
}

impl<'a> Cursor<'a> {
    /// The text from the cursor to the end of the stage.
    pub fn rest(&self) -> &'a str {
        &self.x.text[self.pos.min(self.end)..self.end]
    }

    /// Skips whitespace.
    pub fn ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }

    /// True at the end of the stage (after whitespace).
    pub fn at_end(&mut self) -> bool {
        self.ws();
        self.pos >= self.end
    }

    /// The next character, after whitespace.
    pub fn peek(&mut self) -> Option<char> {
        self.ws();
        self.rest().chars().next()
    }

    /// Consumes `s` if it comes next.
    pub fn eat(&mut self, s: &str) -> bool {
        self.ws();
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// Consumes the keyword `kw` (any case) if it comes next as a whole word.
    pub fn eat_kw(&mut self, kw: &str) -> bool {
        self.ws();
        let r = self.rest();
        if r.get(..kw.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(kw))
            && !r[kw.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            self.pos += kw.len();
            true
        } else {
            false
        }
    }

    /// The word at the cursor, as written (without consuming it).
    pub fn peek_word(&mut self) -> &'a str {
        self.ws();
        let r = self.rest();
        let n = r
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(r.len());
        &r[..n]
    }

    /// Consumes characters while `f` holds; returns them and their start.
    pub fn take_while(&mut self, f: impl Fn(char) -> bool) -> (&'a str, usize) {
        self.ws();
        let start = self.pos;
        let r = self.rest();
        let n = r.find(|c: char| !f(c)).unwrap_or(r.len());
        self.pos += n;
        (&r[..n], start)
    }

    /// A double-quoted string at the cursor: its body as written (escapes
    /// kept) and its start. The cursor must be at the `"`.
    pub fn quoted_raw(&mut self) -> PResult<(&'a str, usize)> {
        self.ws();
        let start = self.pos;
        let r = self.rest();
        let mut chars = r.char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    self.pos += i + 1;
                    return Ok((&r[1..i], start));
                }
                _ => {}
            }
        }
        Err(self.error(
            start,
            self.end,
            "unclosed string",
            "this \" has no closing \"",
            "close the string with a double quote",
        ))
    }

    /// The original span of expanded offsets.
    pub fn span(&self, start: usize, end: usize) -> Span {
        self.x.span(start, end)
    }

    /// A syntax error over `start..end`.
    pub fn error(
        &self,
        start: usize,
        end: usize,
        msg: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(codes::SYNTAX, msg)
                .with_label(self.span(start, end.max(start + 1)), label)
                .with_help(help),
        )
    }

    /// A construct the IR cannot represent, over `start..end`.
    pub fn refuse(&self, start: usize, end: usize, what: &str) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(
                codes::UNSUPPORTED,
                format!("{what} cannot be imported: Vigil has no equivalent"),
            )
            .with_label(self.span(start, end.max(start + 1)), what.to_string())
            .with_help("rewrite the search without it, or port this part by hand"),
        )
    }

    /// An error at the cursor: `expected` what.
    pub fn expected(&mut self, what: &str) -> Box<Diagnostic> {
        self.ws();
        let found = self.rest().split_whitespace().next().unwrap_or("the end");
        let found = found.chars().take(30).collect::<String>();
        self.error(
            self.pos,
            self.pos + 1,
            format!("expected {what}, found `{found}`"),
            format!("expected {what}"),
            "check the command's syntax in Splunk's Search Reference",
        )
    }

    /// Text with `{name}` parameters and, if `wildcards`, `*` as a wildcard.
    pub fn text(&mut self, s: &str, at: usize, wildcards: bool, ty: ParamType) -> Text {
        let mut t = Text::default();
        let mut rest = s;
        while !rest.is_empty() {
            if let Some(name) = param_at(rest) {
                self.param(name, ty, at);
                t.push(TextPart::Param(name.to_string()));
                rest = &rest[name.len() + 2..];
                continue;
            }
            let c = rest.chars().next().unwrap_or(' ');
            if wildcards && c == '*' {
                t.push(TextPart::AnyString);
            } else {
                t.push(TextPart::Lit(c.to_string()));
            }
            rest = &rest[c.len_utf8()..];
        }
        t
    }

    /// Records a parameter use.
    pub fn param(&mut self, name: &str, ty: ParamType, at: usize) {
        let span = self.span(at, at + name.len() + 2);
        self.params
            .entry(name.to_string())
            .and_modify(|(t, _)| {
                if ty == ParamType::Number {
                    *t = ParamType::Number;
                }
            })
            .or_insert((ty, span));
    }
}

/// The parameter name if `s` starts with `{name}`.
pub fn param_at(s: &str) -> Option<&str> {
    let body = s.strip_prefix('{')?;
    let end = body.find('}')?;
    let name = &body[..end];
    let mut chars = name.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() || first == '_')
        .then_some(())
        .filter(|_| chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map(|_| name)
}

/// Decodes a double-quoted string body: `\"` and `\\` are escapes, any
/// other backslash stays.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some('"' | '\\')) {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// Decodes a regular expression in a double-quoted string. SPL unescapes
/// the string before the regex engine sees it (Splunk, "SPL and regular
/// expressions": `\\` in the string is one backslash, so a literal
/// backslash takes four), which is [`unescape`]: the inverse of the Splunk
/// printer's `regex_string`. Any other backslash reaches the engine as
/// written (`\d`, `\.`).
pub fn unescape_regex(raw: &str) -> String {
    unescape(raw)
}

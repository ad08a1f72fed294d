//! The first pass over a search: ``` comments, macro expansion and the split
//! into pipeline stages.
//!
//! Macros are expanded textually, as Splunk does before it parses a search;
//! the expanded text keeps a map back to the original so that every later
//! diagnostic points into the file the author wrote (text that came from a
//! macro points at the macro call).

use super::macros::Macros;
use crate::diagnostic::{Diagnostic, codes};
use crate::source::Span;

/// How deep macros may nest before the expansion is refused (a macro that
/// calls itself would otherwise never end).
const MAX_DEPTH: usize = 20;

/// One run of expanded text and where it came from.
#[derive(Clone, Copy, Debug)]
struct Chunk {
    /// Start in the expanded text.
    at: usize,
    /// Start in the original text (for text written by the author).
    orig: usize,
    /// Length.
    len: usize,
    /// The macro call this text came from, if any.
    from_macro: Option<Span>,
}

/// The search after macro expansion, with comments blanked out.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The text the parser reads.
    pub text: String,
    chunks: Vec<Chunk>,
    /// Comments: where they stood in the expanded text and their content.
    pub comments: Vec<(usize, String)>,
}

impl Expanded {
    /// The original span of expanded offsets `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let a = self.orig(start, false);
        let b = self.orig(end.max(start), true);
        Span::new(a.min(b), b.max(a))
    }

    fn orig(&self, pos: usize, is_end: bool) -> usize {
        let i = self
            .chunks
            .partition_point(|c| c.at + c.len < pos || (c.at + c.len == pos && !is_end));
        let Some(c) = self.chunks.get(i).or(self.chunks.last()) else {
            return pos;
        };
        match c.from_macro {
            Some(s) if is_end => s.end,
            Some(s) => s.start,
            None => c.orig + pos.saturating_sub(c.at).min(c.len),
        }
    }

    fn push(&mut self, s: &str, orig: usize, from_macro: Option<Span>) {
        if s.is_empty() {
            return;
        }
        self.chunks.push(Chunk {
            at: self.text.len(),
            orig,
            len: s.len(),
            from_macro,
        });
        self.text.push_str(s);
    }
}

/// Expands macros and blanks out comments. `base` is where `text` starts in
/// the file.
pub fn expand(text: &str, base: usize, macros: &Macros) -> Result<Expanded, Diagnostic> {
    let mut out = Expanded::default();
    expand_into(&mut out, text, base, None, macros, 0)?;
    Ok(out)
}

fn expand_into(
    out: &mut Expanded,
    text: &str,
    base: usize,
    from_macro: Option<Span>,
    macros: &Macros,
    depth: usize,
) -> Result<(), Diagnostic> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut lit_start = 0;
    let mut quote = false;
    while i < bytes.len() {
        let c = bytes[i];
        if quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'"' {
                quote = false;
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            quote = true;
            i += 1;
            continue;
        }
        if bytes[i..].starts_with(b"```") {
            out.push(&text[lit_start..i], base + lit_start, from_macro);
            let end = text[i + 3..]
                .find("```")
                .map_or(text.len(), |e| i + 3 + e + 3);
            let body = text[i + 3..end.saturating_sub(3).max(i + 3)].trim();
            out.comments.push((out.text.len(), body.to_string()));
            // Blanks keep the words on either side apart.
            out.push(" ", base + i, from_macro);
            i = end;
            lit_start = i;
            continue;
        }
        if c == b'`' {
            out.push(&text[lit_start..i], base + lit_start, from_macro);
            let Some(len) = text[i + 1..].find('`') else {
                let span = from_macro.unwrap_or(Span::new(base + i, base + text.len()));
                return Err(Diagnostic::error(codes::SYNTAX, "unclosed macro call")
                    .with_label(span, "this ` has no closing `")
                    .with_help("close the macro call with a backtick"));
            };
            let call = &text[i + 1..i + 1 + len];
            let span = from_macro.unwrap_or(Span::new(base + i, base + i + len + 2));
            if depth >= MAX_DEPTH {
                return Err(Diagnostic::error(
                    codes::SYNTAX,
                    format!("macros nest more than {MAX_DEPTH} deep"),
                )
                .with_label(span, "expanding this macro")
                .with_help("a macro probably calls itself"));
            }
            let body = macros.expand_call(call).map_err(|msg| {
                Diagnostic::error(codes::UNKNOWN, msg)
                    .with_label(span, "this macro")
                    .with_help("give its definition with --macros PATH (macros.conf or a directory of security_content macros/*.yml)")
            })?;
            // Spaces keep the expansion from fusing with its neighbours.
            out.push(" ", base + i, Some(span));
            expand_into(out, &body, base + i, Some(span), macros, depth + 1)?;
            out.push(" ", base + i, Some(span));
            i += len + 2;
            lit_start = i;
            continue;
        }
        i += 1;
    }
    out.push(&text[lit_start..], base + lit_start, from_macro);
    Ok(())
}

/// One stage of the pipeline: its text range in the expanded search and the
/// comments written before it.
#[derive(Debug)]
pub struct Segment {
    /// Start in the expanded text (after the `|`).
    pub start: usize,
    /// End.
    pub end: usize,
    /// Comments that precede the stage.
    pub comments: Vec<String>,
}

/// Splits the expanded text at `|` outside quotes, brackets and
/// parentheses.
pub fn segments(x: &Expanded) -> Vec<Segment> {
    segments_in(x, 0, x.text.len())
}

/// Splits `start..end` of the expanded text into stages (a sub-search's
/// body).
pub fn segments_in(x: &Expanded, start: usize, end: usize) -> Vec<Segment> {
    let mut cuts = vec![start];
    let bytes = &x.text.as_bytes()[..end];
    let mut depth = 0i32;
    let mut quote = false;
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        if quote {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                quote = false;
            }
        } else {
            match c {
                b'"' => quote = true,
                b'[' | b'(' => depth += 1,
                b']' | b')' => depth -= 1,
                b'|' if depth <= 0 => cuts.push(i + 1),
                _ => {}
            }
        }
        i += 1;
    }
    cuts.push(bytes.len() + 1);
    let mut out: Vec<Segment> = cuts
        .windows(2)
        .map(|w| Segment {
            start: w[0],
            end: w[1] - 1,
            comments: Vec::new(),
        })
        .collect();
    // A comment belongs to the stage after it, unless the stage it sits in
    // goes on after it.
    for (pos, body) in &x.comments {
        let Some(k) = out.iter().position(|s| *pos >= s.start && *pos <= s.end) else {
            continue;
        };
        let rest_blank = x.text[*pos..out[k].end].trim().is_empty();
        let target = if rest_blank && k + 1 < out.len() {
            k + 1
        } else {
            k
        };
        out[target].comments.push(body.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blank_and_attach_forward() {
        let m = Macros::default();
        let x = expand("a=1 ```note``` | sort x | head 1", 0, &m).unwrap();
        let segs = segments(&x);
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[1].comments, vec!["note".to_string()]);
        assert!(!x.text.contains("note"));
    }

    #[test]
    fn pipes_in_quotes_and_brackets_do_not_split() {
        let m = Macros::default();
        let x = expand(r#"a="x|y" | join k [search b | head 1] | head 2"#, 0, &m).unwrap();
        assert_eq!(segments(&x).len(), 3);
    }

    #[test]
    fn macros_expand_and_map_back() {
        let mut m = Macros::default();
        m.define("okta", &[], "sourcetype=\"OktaIM2:log\"");
        let x = expand("`okta` user=bob", 0, &m).unwrap();
        assert!(x.text.contains("sourcetype=\"OktaIM2:log\""));
        let at = x.text.find("sourcetype").unwrap();
        assert_eq!(x.span(at, at + 3), Span::new(0, 6));
        let u = x.text.find("user").unwrap();
        assert_eq!(x.span(u, u + 4), Span::new(7, 11));
        let err = expand("`nope`", 0, &m).unwrap_err();
        assert!(err.one_line().contains("nope"), "{}", err.one_line());
    }
}

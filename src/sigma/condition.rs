//! The `condition` grammar: a small hand-written recursive-descent parser.
//!
//! ```text
//! or     := and ("or" and)*
//! and    := not ("and" not)*
//! not    := "not" not | atom
//! atom   := "(" or ")" | ("1" | "any" | "all") "of" (pattern | "them") | identifier
//! ```
//!
//! Keywords are lower case in Sigma (pySigma rejects `AND`); Vigil accepts
//! any case with a warning. Patterns use `*`; `them` and patterns skip
//! identifiers starting with `_` unless the pattern itself starts with `_`.

use super::Cx;
use super::detection::{Selection, or};
use super::yaml::Node;
use crate::diagnostic::codes;
use crate::ir::Filter;
use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Open,
    Close,
    Word(String),
}

/// A token and its byte range in the condition text.
type Spanned = (Tok, std::ops::Range<usize>);

fn tokens(text: &str) -> Result<Vec<Spanned>, (usize, char)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' || c == ')' {
            chars.next();
            out.push((if c == '(' { Tok::Open } else { Tok::Close }, i..i + 1));
        } else if is_word_char(c) {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if !is_word_char(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push((Tok::Word(text[i..end].to_string()), i..end));
        } else {
            return Err((i, c));
        }
    }
    Ok(out)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '*' | '.')
}

/// Parses one condition and builds its filter from the selections.
pub fn lower(cx: &mut Cx, node: &Node, sels: &mut [Selection]) -> Option<Filter> {
    let Some(text) = node.as_text() else {
        cx.error(
            codes::SIGMA,
            node.span,
            format!("a condition must be text, not {}", node.describe()),
            "not a condition",
            "write `condition: selection and not filter`",
        );
        return None;
    };
    let toks = match tokens(text) {
        Ok(t) => t,
        Err((at, c)) => {
            let span = node.sub_span(cx.src, at..at + c.len_utf8());
            if c == '|' {
                cx.error(
                    codes::SIGMA,
                    span,
                    "the pipe (`| count() ...`) is Sigma v1 aggregation syntax",
                    "not Sigma v2",
                    "express aggregations with a correlation rule",
                );
            } else {
                cx.error(
                    codes::SIGMA,
                    span,
                    format!("unexpected `{c}` in the condition"),
                    "not part of the condition grammar",
                    "conditions use search identifiers, and, or, not, parentheses and `1 of x*`",
                );
            }
            return None;
        }
    };
    let base = node.text_offset(cx.src, 0);
    let uses = uses(&toks, sels);
    let mut p = CondParser {
        cx,
        node,
        toks: &toks,
        pos: 0,
        sels,
        uses,
        failed: false,
        base,
    };
    let f = p.or();
    if p.pos < toks.len() && !p.failed {
        let span = p.span_of(p.pos);
        p.fail(
            span,
            "unexpected words after the condition",
            "expected `and` or `or`",
        );
    }
    (!p.failed).then_some(f)
}

struct CondParser<'c, 'x, 'a> {
    cx: &'c mut Cx<'x>,
    node: &'a Node<'a>,
    toks: &'a [Spanned],
    pos: usize,
    sels: &'a mut [Selection],
    /// How many more times the condition may name each selection: the
    /// last use takes its filter instead of copying it.
    uses: Vec<usize>,
    failed: bool,
    /// Where the condition's text starts in the source, if it is written
    /// there verbatim: found once, since checking it per token would take
    /// time quadratic in the condition's length.
    base: Option<usize>,
}

impl CondParser<'_, '_, '_> {
    fn span_of(&self, i: usize) -> Span {
        let range = match self.toks.get(i) {
            Some((_, r)) => r.clone(),
            None => {
                let end = self.node.as_text().map_or(0, str::len);
                end..end
            }
        };
        match self.base {
            Some(b) => Span::new(b + range.start, b + range.end),
            None => self.node.span,
        }
    }

    fn fail(&mut self, span: Span, msg: &str, label: &str) {
        if !self.failed {
            self.cx.error(
                codes::SIGMA,
                span,
                msg.to_string(),
                label,
                "conditions use search identifiers, and, or, not, parentheses and `1 of x*`",
            );
        }
        self.failed = true;
    }

    /// True (and consumes it) if the next token is the keyword `kw`.
    fn keyword(&mut self, kw: &str) -> bool {
        let Some((Tok::Word(w), _)) = self.toks.get(self.pos) else {
            return false;
        };
        if !w.eq_ignore_ascii_case(kw) {
            return false;
        }
        if w != kw {
            let span = self.span_of(self.pos);
            self.cx.warning(
                codes::SIGMA,
                span,
                format!("Sigma keywords are lower case: write `{kw}`"),
                "upper case",
                "pySigma rejects upper-case operators",
            );
        }
        self.pos += 1;
        true
    }

    fn or(&mut self) -> Filter {
        let mut items = vec![self.and()];
        while self.keyword("or") {
            items.push(self.and());
        }
        or(items)
    }

    fn and(&mut self) -> Filter {
        let mut items = vec![self.not()];
        while self.keyword("and") {
            items.push(self.not());
        }
        // Nested conjunctions (a selection's items) flatten: same meaning,
        // fewer parentheses in the output.
        Filter::and(items)
    }

    fn not(&mut self) -> Filter {
        if self.keyword("not") {
            return Filter::Not(Box::new(self.not()));
        }
        self.atom()
    }

    fn atom(&mut self) -> Filter {
        let Some((tok, _)) = self.toks.get(self.pos) else {
            let span = self.span_of(self.pos);
            self.fail(
                span,
                "the condition ends too early",
                "expected a search identifier",
            );
            return Filter::True;
        };
        match tok.clone() {
            Tok::Open => {
                let open = self.pos;
                self.pos += 1;
                let inner = self.or();
                if matches!(self.toks.get(self.pos), Some((Tok::Close, _))) {
                    self.pos += 1;
                } else {
                    let span = self.span_of(open);
                    self.fail(span, "this parenthesis is never closed", "unclosed");
                }
                Filter::Group(Box::new(inner))
            }
            Tok::Close => {
                let span = self.span_of(self.pos);
                self.fail(span, "unexpected `)`", "expected a search identifier");
                Filter::True
            }
            Tok::Word(w) => {
                let is_quantifier = matches!(w.to_ascii_lowercase().as_str(), "1" | "any" | "all")
                    && matches!(self.toks.get(self.pos + 1), Some((Tok::Word(of), _)) if of.eq_ignore_ascii_case("of"));
                if is_quantifier {
                    return self.quantified(&w);
                }
                let span = self.span_of(self.pos);
                self.pos += 1;
                self.identifier(&w, span)
            }
        }
    }

    /// `1 of x*`, `all of them`, ...
    fn quantified(&mut self, quantifier: &str) -> Filter {
        let start = self.span_of(self.pos);
        self.pos += 1;
        self.keyword("of");
        let Some((Tok::Word(pattern), _)) = self.toks.get(self.pos).cloned() else {
            let span = self.span_of(self.pos);
            self.fail(
                span,
                "expected a pattern or `them` after `of`",
                "missing pattern",
            );
            return Filter::True;
        };
        let span = start.to(self.span_of(self.pos));
        self.pos += 1;
        let matched: Vec<usize> = matching(self.sels, &pattern).collect();
        if matched.is_empty() {
            if !self.failed {
                self.cx.error(
                    codes::SIGMA,
                    span,
                    format!("`{quantifier} of {pattern}` matches no search identifier"),
                    "matches nothing",
                    format!("search identifiers: {}", self.names()),
                );
            }
            self.failed = true;
            return Filter::True;
        }
        let filters: Vec<Filter> = matched.into_iter().map(|i| self.resolved(i)).collect();
        if quantifier.eq_ignore_ascii_case("all") {
            Filter::and(filters)
        } else {
            or(filters)
        }
    }

    fn identifier(&mut self, name: &str, span: Span) -> Filter {
        match self.sels.iter().position(|s| s.name == name) {
            Some(i) => self.resolved(i),
            None => {
                if !self.failed {
                    self.cx.error(
                        codes::SIGMA,
                        span,
                        format!("the condition names `{name}`, which is not defined"),
                        "no such search identifier",
                        format!("search identifiers: {}", self.names()),
                    );
                }
                self.failed = true;
                Filter::True
            }
        }
    }

    fn resolved(&mut self, i: usize) -> Filter {
        self.uses[i] = self.uses[i].saturating_sub(1);
        let filter = if self.uses[i] == 0 {
            self.sels[i].filter.take()
        } else {
            self.sels[i].filter.clone()
        };
        filter.unwrap_or_else(|| {
            // Its own error is already reported.
            self.failed = true;
            Filter::True
        })
    }

    fn names(&self) -> String {
        let names: Vec<&str> = self.sels.iter().map(|s| s.name.as_str()).collect();
        if names.is_empty() {
            "(none)".into()
        } else {
            names.join(", ")
        }
    }
}

/// The selections `pattern` names in `1 of pattern` (`them`: all but
/// those starting with `_`, which a pattern names only explicitly).
fn matching<'s>(sels: &'s [Selection], pattern: &'s str) -> impl Iterator<Item = usize> + 's {
    let them = pattern == "them";
    sels.iter().enumerate().filter_map(move |(i, s)| {
        let named = if them {
            !s.name.starts_with('_')
        } else {
            glob(pattern, &s.name) && (pattern.starts_with('_') || !s.name.starts_with('_'))
        };
        named.then_some(i)
    })
}

/// How many times the condition may name each selection, counted high (a
/// pattern after `of` and the same word as an identifier both count): the
/// parser takes a selection's filter only when no use can follow.
fn uses(toks: &[Spanned], sels: &[Selection]) -> Vec<usize> {
    let mut uses = vec![0; sels.len()];
    for (i, (tok, _)) in toks.iter().enumerate() {
        let Tok::Word(w) = tok else { continue };
        for (j, s) in sels.iter().enumerate() {
            if s.name == *w {
                uses[j] += 1;
            }
        }
        let after_of =
            i > 0 && matches!(&toks[i - 1].0, Tok::Word(of) if of.eq_ignore_ascii_case("of"));
        if after_of {
            for j in matching(sels, w) {
                uses[j] += 1;
            }
        }
    }
    uses
}

/// Matches `name` against a pattern where `*` is any run of characters.
pub fn glob(pattern: &str, name: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == name;
    };
    let Some(mut remaining) = name.strip_prefix(head) else {
        return false;
    };
    let pieces: Vec<&str> = rest.split('*').collect();
    let last = pieces.len() - 1;
    for (i, piece) in pieces.iter().enumerate() {
        if i == last {
            return remaining.ends_with(piece);
        }
        match remaining.find(piece) {
            Some(at) => remaining = &remaining[at + piece.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("sel*", "selection"));
        assert!(glob("*", "x"));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXbY"));
        assert!(glob("filter_main_*", "filter_main_x"));
        assert!(!glob("sel", "selection"));
        assert!(glob("*_x", "a_x"));
    }

    /// The rule's filter, printed for inspection.
    fn filter_of(rule: &str) -> String {
        let parsed = crate::sigma::parse(crate::source::SourceFile::new("r.yml", rule));
        match &parsed.docs[..] {
            [crate::sigma::Doc::Rule(r)] => format!("{:?}", r.filter),
            other => panic!("{other:?} {:?}", parsed.diags),
        }
    }

    #[test]
    fn a_selection_named_again_keeps_its_filter_every_time() {
        // The last use takes a selection's filter, the others copy it: every
        // use must still hold it, however it is named.
        let rule = "title: t\nlogsource: {product: x}\ndetection:\n  sel_a: {fa: 1}\n  \
                    sel_b: {fb: 2}\n  condition: (sel_a and sel_b) or (1 of sel_* and not sel_a) \
                    or all of them\n";
        let f = filter_of(rule);
        assert_eq!(f.matches("\"fa\"").count(), 4, "{f}");
        assert_eq!(f.matches("\"fb\"").count(), 3, "{f}");
        let list = "title: t\nlogsource: {product: x}\ndetection:\n  sel_a: {fa: 1}\n  \
                    condition:\n    - sel_a\n    - not sel_a\n";
        assert_eq!(filter_of(list).matches("\"fa\"").count(), 2);
    }

    #[test]
    fn tokenizes_words_and_parentheses() {
        let t = tokens("(sel_a or 1 of x*) and not f").unwrap();
        assert_eq!(t.len(), 10);
        assert_eq!(tokens("a | count()"), Err((2, '|')));
    }
}

//! Spans of a search read from a YAML field, mapped back to the YAML file.
//!
//! The search is read from the field's decoded text (indentation removed,
//! lines folded, quotes unescaped), so its spans count bytes of that text.
//! [`ScalarMap`] pairs each byte of the decoded text with the byte of the
//! YAML source that wrote it, by walking both: a character written as itself
//! maps to itself, YAML's own syntax between them (indentation, line breaks
//! a fold turned into a space, a doubled `''`, a `\` escape) is stepped over.
//! Where that walk cannot pair the texts, there is no map and spans stay in
//! the search, as before.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::ir::{AggArg, Detection, Expr, Filter, Stage, StageKind};
use crate::sigma::yaml::{Node, Style};
use crate::source::{SourceFile, Span};

/// Byte offsets in the YAML source of each byte of a scalar's decoded text.
pub struct ScalarMap {
    /// `offsets[i]` is where byte `i` of the text was written; one more entry
    /// for the end of the text.
    offsets: Vec<usize>,
}

impl ScalarMap {
    /// The map for a scalar node of `source`, if its text can be paired with
    /// what the source writes.
    pub fn new(source: &str, node: &Node) -> Option<ScalarMap> {
        let scalar = node.as_scalar()?;
        let mut j = content_start(source, node.span.start, scalar.style)?;
        let mut offsets = vec![0; scalar.text.len() + 1];
        for (i, vc) in scalar.text.char_indices() {
            loop {
                let sc = source.get(j..)?.chars().next()?;
                if scalar.style == Style::DoubleQuoted && sc == '\\' {
                    let e = source.get(j + 1..)?.chars().next()?;
                    let len = match e {
                        'x' => 4,
                        'u' => 6,
                        'U' => 10,
                        // An escaped line break writes nothing.
                        '\n' | '\r' => {
                            j += 2;
                            continue;
                        }
                        other => 1 + other.len_utf8(),
                    };
                    fill(&mut offsets, i, vc, j);
                    j += len;
                    break;
                }
                if sc == vc {
                    fill(&mut offsets, i, vc, j);
                    j += sc.len_utf8();
                    break;
                }
                let quote = match scalar.style {
                    Style::SingleQuoted => sc == '\'',
                    _ => false,
                };
                if sc.is_whitespace() || quote {
                    j += sc.len_utf8();
                    continue;
                }
                return None;
            }
        }
        offsets[scalar.text.len()] = j;
        Some(ScalarMap { offsets })
    }

    /// `span` of the decoded text as a span of the YAML source.
    pub fn span(&self, span: Span) -> Span {
        let at = |i: usize| self.offsets[i.min(self.offsets.len() - 1)];
        let start = at(span.start);
        Span::new(start, at(span.end).max(start))
    }

    /// A diagnostic of the search, pointed at the YAML file.
    pub fn diagnostic(&self, mut d: Diagnostic, yaml: &Arc<SourceFile>) -> Diagnostic {
        for l in &mut d.labels {
            l.span = self.span(l.span);
        }
        d.file = Some(yaml.clone());
        d
    }

    /// Every span of a detection read from the search, pointed at the YAML
    /// file, which becomes its file.
    pub fn detection(&self, det: &mut Detection, yaml: &Arc<SourceFile>) {
        det.file = yaml.clone();
        det.span = self.span(det.span);
        det.filter_span = self.span(det.filter_span);
        for p in &mut det.params {
            p.span = self.span(p.span);
        }
        for s in &mut det.hints.quoted {
            *s = self.span(*s);
        }
        self.filter(&mut det.filter);
        self.stages(&mut det.pipeline);
    }

    fn filter(&self, f: &mut Filter) {
        match f {
            Filter::True => {}
            Filter::And(v) | Filter::Or(v) => v.iter_mut().for_each(|x| self.filter(x)),
            Filter::Not(x) | Filter::Group(x) => self.filter(x),
            Filter::Pred(p) => p.span = self.span(p.span),
            Filter::Keyword(k) => k.span = self.span(k.span),
        }
    }

    fn expr(&self, e: &mut Expr) {
        match e {
            Expr::Field(_) | Expr::Lit(_) => {}
            Expr::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            Expr::And(v) | Expr::Or(v) => v.iter_mut().for_each(|x| self.expr(x)),
            Expr::Not(x) | Expr::Neg(x) | Expr::Group(x) => self.expr(x),
            Expr::In { expr, list, .. } => {
                self.expr(expr);
                list.items.iter_mut().for_each(|x| self.expr(x));
            }
            Expr::Matches(f) => self.filter(f),
            Expr::Call { args, span, .. } => {
                *span = self.span(*span);
                args.iter_mut().for_each(|x| self.expr(x));
            }
        }
    }

    fn stages(&self, stages: &mut [Stage]) {
        for s in stages {
            s.span = self.span(s.span);
            for q in &mut s.hints.quoted {
                *q = self.span(*q);
            }
            // A stage kind added later with expressions must be added here,
            // or its call spans would stay in the search's numbering.
            match &mut s.kind {
                StageKind::Eval { assignments } => {
                    assignments.iter_mut().for_each(|a| self.expr(&mut a.value))
                }
                StageKind::Where { cond } => self.expr(cond),
                StageKind::Search { filter } => self.filter(filter),
                StageKind::Stats { aggregates, .. } => {
                    for a in aggregates.items.iter_mut() {
                        if let Some(AggArg::Expr(e)) = &mut a.arg {
                            self.expr(e);
                        }
                    }
                }
                StageKind::Join { query, .. } => {
                    self.filter(&mut query.filter);
                    self.stages(&mut query.stages);
                }
                _ => {}
            }
        }
    }
}

/// Records that byte `i` (and the rest of character `c`) was written at `j`.
fn fill(offsets: &mut [usize], i: usize, c: char, j: usize) {
    for k in 0..c.len_utf8() {
        offsets[i + k] = j + k;
    }
}

/// Where a scalar's text starts: after the quote, or on the line after a
/// block scalar's `|`/`>` header.
fn content_start(source: &str, start: usize, style: Style) -> Option<usize> {
    let first = source.get(start..)?.chars().next()?;
    Some(match (style, first) {
        (Style::SingleQuoted, '\'') | (Style::DoubleQuoted, '"') => start + 1,
        (Style::Literal | Style::Folded, '|' | '>') => start + source[start..].find('\n')? + 1,
        _ => start,
    })
}

//! Tests over every value of a multi-value (S16: `match` holds if any value
//! does, `mvfind` is the index of the first value that matches, `mvfilter`
//! keeps the values its condition holds for).
//!
//! Kusto's scalar functions cover some of these: element equality is
//! `set_has_element`, and a plain literal is searched in the elements joined
//! by newlines. Everything else needs each element on its own, which only
//! the tabular operator `mv-apply` gives. The printer computes such a test
//! in an `mv-apply` before the stage that uses it, into a temporary column
//! `__rN` that the expression reads and a `project-away` after the stage
//! removes (`Printer::pre`, `Printer::temps`). The `mv-apply` sees the
//! elements in array order (documented: "order is preserved"), and sorts
//! them by their index before `make_list_if`, whose result follows a sorted
//! input's order.

use super::Printer;
use super::expr::Typed;
use super::quote::string;
use super::schema::{Col, Ty};
use crate::ir::{Expr, FieldRef, Regex, Value};
use crate::source::Span;

/// A regular expression as Kusto reads it.
enum Pattern {
    /// A literal, checked and written as RE2 (`"^a"`).
    Literal(Regex),
    /// An expression computed per row (`replace_regex(x, ",", "|")`): the
    /// text of its first value, as SPL takes it, handed to RE2 as is.
    Computed(String),
}

/// What `any_match` found.
struct AnyMatch {
    /// The test that the subject has a value.
    present: String,
    /// The test that a computed pattern has a value.
    pattern_present: Option<String>,
    /// Whether some value matches (false when there is none).
    any: String,
    /// The subject is a single text (missing: `""`, which may match).
    scalar: bool,
}

impl Printer<'_> {
    /// `match(x, re)`: whether some value of `x` matches; null when `x` has
    /// no value or the expression is null (S16, S14: `not match(...)` of a
    /// missing field keeps no row).
    pub(super) fn match_call(&mut self, args: &[Expr], span: Span) -> Typed {
        let bool_ = Some(Ty::Bool);
        let [subject, re] = args else {
            return self.refuse_multi(span, "`match` without two arguments");
        };
        // The forms that were always exact stay as they were written.
        if let Expr::Lit(Value::Str(t)) = re {
            let r = Regex {
                pattern: t.clone(),
                flags: Default::default(),
            };
            match self.array_col(subject) {
                None => {
                    let (s, _) = self.string_of(subject);
                    return match self.re2(span, &r) {
                        Some(p) => (format!("{s} matches regex {}", string(&p)), bool_),
                        None => (String::new(), bool_),
                    };
                }
                Some(c) => {
                    if let Some(ls) = super::filter::anchored_literals(&r) {
                        return (super::filter::any_element(&c, &ls), bool_);
                    }
                    if let Some(l) = super::filter::literal_regex(&r) {
                        return (
                            format!("{} contains_cs {}", super::joined(&c), string(&l)),
                            bool_,
                        );
                    }
                }
            }
        }
        let Some(m) = self.any_match(subject, re, span) else {
            return (String::new(), bool_);
        };
        let has: Vec<String> = std::iter::once(m.present)
            .chain(m.pattern_present)
            .collect();
        (
            format!("iff({}, {}, bool(null))", has.join(" and "), m.any),
            bool_,
        )
    }

    /// Whether some value of `args[0]` matches `args[1]` (false when there
    /// is none): `isnotnull(mvfind(x, re))`.
    pub(super) fn some_value_matches(&mut self, args: &[Expr], span: Span) -> String {
        let [subject, re] = args else {
            return self.refuse_multi(span, "`mvfind` without two arguments").0;
        };
        let Some(m) = self.any_match(subject, re, span) else {
            return String::new();
        };
        // A missing multi-value has no value to match, so the test is
        // false already; a missing text is `""`, which a pattern may match.
        let guards: Vec<String> = m
            .scalar
            .then_some(m.present)
            .into_iter()
            .chain(m.pattern_present)
            .collect();
        if guards.is_empty() {
            m.any
        } else {
            format!("({} and {})", guards.join(" and "), m.any)
        }
    }

    /// `mvfind(x, re)`: the 0-based index of the first value of `x` that
    /// matches, or null.
    pub(super) fn mvfind(&mut self, args: &[Expr], span: Span) -> Typed {
        let [subject, re] = args else {
            return self.refuse_multi(span, "`mvfind` without two arguments");
        };
        let Some(pattern) = self.pattern(re, span) else {
            return (String::new(), None);
        };
        let (items, _) = self.elements(subject);
        let n = self.next_temp();
        let test = self.element_matches(&format!("__e{n}"), &pattern);
        let r = self.apply_each(n, &items, &format!("minif(__i{n}, {test})"), false);
        (r, Some(Ty::Num))
    }

    /// `mvfilter(cond)`: the values of the multi-value field `cond` reads
    /// for which `cond` holds, in order; null when none does.
    pub(super) fn mvfilter(&mut self, args: &[Expr], span: Span) -> Typed {
        let Some(cond) = args.first() else {
            return self.refuse_multi(span, "`mvfilter` without a condition");
        };
        // The field the condition is about: the first one it reads, as the
        // evaluator decides.
        let mut field: Option<FieldRef> = None;
        cond.walk(&mut |e| {
            if let (None, Expr::Field(f)) = (&field, e) {
                field = Some(f.clone());
            }
        });
        let Some(field) = field else {
            return self.refuse_multi(span, "`mvfilter` whose condition reads no field");
        };
        let (items, _) = self.elements(&Expr::Field(field.clone()));
        let n = self.next_temp();
        let e = format!("__e{n}");
        // Inside the `mv-apply`, the field is one element.
        let key = field.path.render("");
        let saved = self.made.insert(
            key.clone(),
            Col {
                text: e.clone(),
                ty: Ty::Dyn,
                nested: false,
                array: false,
            },
        );
        let before = (self.pre.len(), self.temps.len());
        let test = self.expr(cond);
        match saved {
            Some(c) => self.made.insert(key, c),
            None => self.made.remove(&key),
        };
        if self.pre.len() > before.0 {
            // An `mv-apply` inside the condition would run before the
            // stage, where the element it reads does not exist.
            self.pre.truncate(before.0);
            self.temps.truncate(before.1);
            return self.refuse_multi(
                span,
                "`mvfilter` whose condition itself tests each value of a multi-value",
            );
        }
        let agg = format!("make_list_if({e}, isnotempty(tostring({e})) and ({test}))");
        let r = self.apply_each(n, &items, &agg, true);
        (
            format!("iff(array_length({r}) > 0, {r}, dynamic(null))"),
            Some(Ty::Dyn),
        )
    }

    /// Whether some value of `subject` matches `re`, the test computed by
    /// `mv-apply` when no scalar function can say it.
    fn any_match(&mut self, subject: &Expr, re: &Expr, span: Span) -> Option<AnyMatch> {
        let pattern = self.pattern(re, span)?;
        let pattern_present = match &pattern {
            Pattern::Computed(p) => Some(format!("isnotempty({p})")),
            Pattern::Literal(_) => None,
        };
        let Some(c) = self.array_col(subject) else {
            let (s, present) = self.string_of(subject);
            let any = self.matches(&s, &pattern)?;
            return Some(AnyMatch {
                present,
                pattern_present,
                any,
                scalar: true,
            });
        };
        let (items, present) = self.elements(subject);
        let found = |any| AnyMatch {
            present: present.clone(),
            pattern_present: pattern_present.clone(),
            any,
            scalar: false,
        };
        if let Pattern::Literal(r) = &pattern {
            if let Some(ls) = super::filter::anchored_literals(r) {
                return Some(found(super::filter::any_element(&c, &ls)));
            }
            if let Some(l) = super::filter::literal_regex(r) {
                let any = format!("{} contains_cs {}", super::joined(&c), string(&l));
                return Some(found(any));
            }
        }
        let n = self.next_temp();
        let test = self.element_matches(&format!("__e{n}"), &pattern);
        let r = self.apply_each(n, &items, &format!("countif({test}) > 0"), false);
        Some(found(r))
    }

    /// `s matches regex p`.
    fn matches(&mut self, s: &str, p: &Pattern) -> Option<String> {
        Some(match p {
            Pattern::Literal(r) => format!("{s} matches regex {}", string(&self.re2(self.at, r)?)),
            Pattern::Computed(p) => format!("{s} matches regex {p}"),
        })
    }

    /// An element (not missing) that matches.
    fn element_matches(&mut self, e: &str, p: &Pattern) -> String {
        let test = self
            .matches(&format!("tostring({e})"), p)
            .unwrap_or_default();
        format!("isnotempty(tostring({e})) and {test}")
    }

    fn pattern(&mut self, re: &Expr, span: Span) -> Option<Pattern> {
        if let Expr::Lit(Value::Str(t)) = re {
            let r = Regex {
                pattern: t.clone(),
                flags: Default::default(),
            };
            // Checked now, so that an error points at the call.
            self.re2(span, &r)?;
            return Some(Pattern::Literal(r));
        }
        let (text, ty) = self.typed(re);
        let array = self.array_col(re).is_some();
        Some(Pattern::Computed(match (ty, array) {
            (_, true) => format!("tostring({text}[0])"),
            (Some(Ty::Str), _) => text,
            _ => format!("tostring({text})"),
        }))
    }

    /// A scalar's text and the test that it has a value.
    fn string_of(&mut self, e: &Expr) -> (String, String) {
        let (t, ty) = self.typed(e);
        let s = if ty == Some(Ty::Str) {
            t
        } else {
            format!("tostring({t})")
        };
        let present = format!("isnotempty({s})");
        (s, present)
    }

    /// The values of `e` as an array `mv-apply` expands, never empty (a
    /// null element is appended: `mv-expand` makes no row of an empty
    /// array, and the subquery must see one), with the test that `e` has
    /// a value.
    fn elements(&mut self, e: &Expr) -> (String, String) {
        let (t, ty) = self.typed(e);
        match ty {
            Some(Ty::Dyn) => (
                format!(
                    "array_concat(iff(array_length({t}) >= 0, {t}, pack_array({t})), dynamic([null]))"
                ),
                format!("coalesce(array_length({t}), 1) > 0 and isnotempty(tostring({t}))"),
            ),
            Some(Ty::Str) => (
                format!("pack_array({t}, dynamic(null))"),
                format!("isnotempty({t})"),
            ),
            _ => (
                format!("pack_array({t}, dynamic(null))"),
                format!("isnotnull({t})"),
            ),
        }
    }

    /// A new temporary number.
    fn next_temp(&mut self) -> usize {
        self.temp_n += 1;
        self.temp_n
    }

    /// `mv-apply` of `items` computing `agg` into `__rN`, before the stage;
    /// returns the column.
    fn apply_each(&mut self, n: usize, items: &str, agg: &str, sorted: bool) -> String {
        let r = format!("__r{n}");
        let sort = if sorted {
            format!("sort by __i{n} asc | ")
        } else {
            String::new()
        };
        self.pre.push(format!(
            "mv-apply with_itemindex=__i{n} __e{n} = {items} on ({sort}summarize {r} = {agg})"
        ));
        self.temps.push(r.clone());
        if let Some(k) = &mut self.known {
            k.insert(r.clone());
        }
        r
    }

    /// The `project-away` of temporary columns still there after a stage.
    pub(super) fn drop_temps(&mut self) -> Option<String> {
        let temps = std::mem::take(&mut self.temps);
        let left: Vec<String> = temps.into_iter().filter(|t| self.exists(t)).collect();
        if let Some(k) = &mut self.known {
            for t in &left {
                k.remove(t);
            }
        }
        (!left.is_empty()).then(|| format!("project-away {}", left.join(", ")))
    }

    fn refuse_multi(&mut self, span: Span, what: &str) -> Typed {
        self.error(span, format!("Kusto cannot express {what}"), "here", None);
        (String::new(), None)
    }
}

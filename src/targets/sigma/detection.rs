//! A filter → the `detection` block: named selections and a condition.
//!
//! Tests joined by `and` share one selection map (a map's items are ANDed);
//! tests of one field joined by `or` share one value list; everything else is
//! a selection of its own, combined in the condition with `and`, `or`, `not`
//! (Sigma's precedence is Vigil's: `or` < `and` < `not`). Selections are
//! named by their role and the order they first appear in the condition:
//! `selection`, `selection_2`, ... for tests, `filter`, `filter_2`, ... for
//! tests under a `not`, `keywords`, ... for full-text terms.

use std::collections::{HashMap, HashSet};

use super::items::{Dnf, FieldNames, Item, pred_items};
use super::quote::{Scalar, sigma_text};
use crate::ir::{Filter, Keyword};
use crate::source::Span;

/// One search identifier's definition.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    /// One map: its items are ANDed.
    Map(Vec<Item>),
    /// A list of maps: any of them.
    Maps(Vec<Vec<Item>>),
    /// Full-text terms, any of them, with modifiers (`cased`, `expand`).
    Keywords {
        /// Modifiers, written as the key `|mod`.
        mods: Vec<&'static str>,
        /// The terms.
        values: Vec<Scalar>,
    },
}

/// The `detection` block.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectionBlock {
    /// Named selections, in the order they appear in the condition.
    pub selections: Vec<(String, Selection)>,
    /// The condition.
    pub condition: String,
}

/// Builds the detection block of a filter, or reports each test Sigma
/// cannot express (with where it was written).
pub fn build(
    filter: &Filter,
    names: &FieldNames<'_>,
) -> Result<DetectionBlock, Vec<(Span, String)>> {
    let mut b = Builder {
        names,
        sels: Vec::new(),
        errors: Vec::new(),
    };
    let cond = b.cond(filter, false);
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    let names = selection_names(&b.sels);
    Ok(DetectionBlock {
        condition: render(&cond, &names, 0),
        selections: names
            .into_iter()
            .zip(b.sels.into_iter().map(|s| s.1))
            .collect(),
    })
}

/// What a selection is for; decides its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Selection,
    Filter,
    Keywords,
}

/// The condition, over selection indices.
#[derive(Clone, Debug)]
enum Cond {
    Sel(usize),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
}

struct Builder<'a> {
    names: &'a FieldNames<'a>,
    sels: Vec<(Role, Selection)>,
    errors: Vec<(Span, String)>,
}

fn strip_groups(f: &Filter) -> &Filter {
    match f {
        Filter::Group(x) => strip_groups(x),
        other => other,
    }
}

/// The operands of nested `and`s (or `or`s), through parentheses.
fn flatten<'f>(items: &'f [Filter], and: bool, out: &mut Vec<&'f Filter>) {
    for i in items {
        match (strip_groups(i), and) {
            (Filter::And(v), true) | (Filter::Or(v), false) => flatten(v, and, out),
            (other, _) => out.push(other),
        }
    }
}

impl Builder<'_> {
    fn role(negated: bool) -> Role {
        if negated {
            Role::Filter
        } else {
            Role::Selection
        }
    }

    fn add(&mut self, role: Role, s: Selection) -> Cond {
        self.sels.push((role, s));
        Cond::Sel(self.sels.len() - 1)
    }

    fn add_dnf(&mut self, role: Role, mut dnf: Dnf) -> Cond {
        let s = if dnf.len() == 1 {
            Selection::Map(dnf.pop().unwrap_or_default())
        } else {
            Selection::Maps(dnf)
        };
        self.add(role, s)
    }

    /// The test's items, or `None` after recording why not.
    fn items(&mut self, f: &Filter) -> Option<Dnf> {
        let Filter::Pred(p) = f else { return None };
        match pred_items(p, self.names) {
            Ok(d) => Some(d),
            Err(msg) => {
                self.errors.push((p.span, msg));
                None
            }
        }
    }

    fn cond(&mut self, f: &Filter, negated: bool) -> Cond {
        match f {
            Filter::Group(x) => self.cond(x, negated),
            Filter::True => {
                self.errors.push((
                    Span::default(),
                    "a test that is always true cannot be written as a Sigma selection".into(),
                ));
                Cond::And(Vec::new())
            }
            Filter::Pred(_) => match self.items(f) {
                Some(d) => self.add_dnf(Self::role(negated), d),
                None => Cond::And(Vec::new()),
            },
            Filter::Keyword(k) => match keyword(k) {
                Ok(s) => self.add(Role::Keywords, s),
                Err(msg) => {
                    self.errors.push((k.span, msg));
                    Cond::And(Vec::new())
                }
            },
            Filter::Not(x) => Cond::Not(Box::new(self.cond(x, !negated))),
            Filter::And(items) => self.and(items, negated),
            Filter::Or(items) => self.or(items, negated),
        }
    }

    /// Tests of one conjunction share a map while their keys differ.
    fn and(&mut self, items: &[Filter], negated: bool) -> Cond {
        let mut flat = Vec::new();
        flatten(items, true, &mut flat);
        let mut out = Vec::new();
        // The selection maps opened so far, with their keys; a conjunction
        // goes into the first one that has none of its keys. `first_free`
        // is, per key, the index in `maps` before which every map has that
        // key: the search starts there, so a rule of 40,000 tests is placed
        // in linear time rather than by comparing every pair of keys.
        let mut maps: Vec<(usize, HashSet<String>)> = Vec::new();
        let mut first_free: HashMap<String, usize> = HashMap::new();
        for f in flat {
            let conj = match (f, self.conjunction(f)) {
                (_, Some(conj)) => conj,
                (Filter::Pred(_), None) => {
                    // Several alternatives (or an error, recorded here).
                    if let Some(dnf) = self.items(f) {
                        out.push(self.add_dnf(Self::role(negated), dnf));
                    }
                    continue;
                }
                (_, None) => {
                    out.push(self.cond(f, negated));
                    continue;
                }
            };
            let keys: Vec<String> = conj.iter().map(Item::key).collect();
            let from = keys
                .iter()
                .map(|k| first_free.get(k).copied().unwrap_or(0))
                .max()
                .unwrap_or(0);
            let fits = (from..maps.len()).find(|&m| keys.iter().all(|k| !maps[m].1.contains(k)));
            let m = match fits {
                Some(m) => {
                    if let Selection::Map(existing) = &mut self.sels[maps[m].0].1 {
                        existing.extend(conj);
                    }
                    m
                }
                None => {
                    out.push(self.add(Self::role(negated), Selection::Map(conj)));
                    let Some(Cond::Sel(i)) = out.last() else {
                        continue;
                    };
                    maps.push((*i, HashSet::new()));
                    maps.len() - 1
                }
            };
            for k in keys {
                maps[m].1.insert(k.clone());
                let mut free = first_free.get(&k).copied().unwrap_or(0);
                while maps.get(free).is_some_and(|(_, ks)| ks.contains(&k)) {
                    free += 1;
                }
                first_free.insert(k, free);
            }
        }
        one_or(out, Cond::And)
    }

    /// The items of a test, or of alternatives on one field that share a
    /// value list (`f == a or f == b`, the same as `f in (a, b)`), when they
    /// fit one selection map; `None` otherwise (errors are left to `cond`).
    fn conjunction(&self, f: &Filter) -> Option<Vec<Item>> {
        match f {
            Filter::Pred(p) => {
                let mut dnf = pred_items(p, self.names).ok()?;
                (dnf.len() == 1).then(|| dnf.pop().unwrap_or_default())
            }
            Filter::Or(items) => {
                let mut flat = Vec::new();
                flatten(items, false, &mut flat);
                let mut merged: Option<Item> = None;
                for alt in flat {
                    let Filter::Pred(p) = alt else { return None };
                    for conj in pred_items(p, self.names).ok()? {
                        let [item] = <[Item; 1]>::try_from(conj).ok()?;
                        if !item.values_are_alternatives() {
                            return None;
                        }
                        match &mut merged {
                            None => merged = Some(item),
                            Some(m) if m.key() == item.key() => m.values.extend(item.values),
                            Some(_) => return None,
                        }
                    }
                }
                merged.map(|m| vec![m])
            }
            _ => None,
        }
    }

    /// Alternatives on one field (same modifiers) share a value list;
    /// keywords with the same modifiers share a keyword list.
    fn or(&mut self, items: &[Filter], negated: bool) -> Cond {
        let mut flat = Vec::new();
        flatten(items, false, &mut flat);
        let mut out = Vec::new();
        // Selection index of the single-item map (or keyword list) per key.
        let mut by_key: Vec<(String, usize)> = Vec::new();
        for f in flat {
            // The alternatives this operand adds, each with its merge key
            // (none if its values cannot take more alternatives).
            let alternatives: Vec<(Option<String>, Selection)> = match f {
                Filter::Pred(_) => {
                    let Some(dnf) = self.items(f) else {
                        continue;
                    };
                    if dnf.iter().any(|conj| conj.len() != 1) {
                        out.push(self.add_dnf(Self::role(negated), dnf));
                        continue;
                    }
                    dnf.into_iter()
                        .flatten()
                        .map(|item| {
                            let key = item.values_are_alternatives().then(|| item.key());
                            (key, Selection::Map(vec![item]))
                        })
                        .collect()
                }
                Filter::Keyword(k) => match keyword(k) {
                    Ok(s) => vec![(Some(keyword_key(&s)), s)],
                    Err(msg) => {
                        self.errors.push((k.span, msg));
                        continue;
                    }
                },
                other => {
                    out.push(self.cond(other, negated));
                    continue;
                }
            };
            for (key, sel) in alternatives {
                if let Some(key) = &key
                    && let Some((_, i)) = by_key.iter().find(|(k, _)| k == key)
                {
                    merge_values(&mut self.sels[*i].1, sel);
                    continue;
                }
                let role = match sel {
                    Selection::Keywords { .. } => Role::Keywords,
                    _ => Self::role(negated),
                };
                let c = self.add(role, sel);
                if let (Some(key), Cond::Sel(i)) = (key, &c) {
                    by_key.push((key, *i));
                }
                out.push(c);
            }
        }
        one_or(out, Cond::Or)
    }
}

/// Appends the values of `from` to `into` (both single-item maps with the
/// same key, or keyword lists with the same modifiers).
fn merge_values(into: &mut Selection, from: Selection) {
    match (into, from) {
        (Selection::Map(a), Selection::Map(b)) => {
            if let (Some(a), Some(b)) = (a.first_mut(), b.into_iter().next()) {
                a.values.extend(b.values);
            }
        }
        (Selection::Keywords { values: a, .. }, Selection::Keywords { values: b, .. }) => {
            a.extend(b);
        }
        _ => {}
    }
}

fn one_or(mut v: Vec<Cond>, wrap: fn(Vec<Cond>) -> Cond) -> Cond {
    if v.len() == 1 {
        v.pop().unwrap_or(Cond::And(Vec::new()))
    } else {
        wrap(v)
    }
}

/// A full-text term as a keyword selection.
fn keyword(k: &Keyword) -> Result<Selection, String> {
    let t = sigma_text(&k.text).map_err(|e| e.message())?;
    let mut mods = Vec::new();
    if k.cased {
        mods.push("cased");
    }
    if t.placeholders {
        mods.push("expand");
    }
    Ok(Selection::Keywords {
        mods,
        values: vec![Scalar::Str(t.text)],
    })
}

/// The merge key of a keyword list: its modifiers.
fn keyword_key(s: &Selection) -> String {
    match s {
        Selection::Keywords { mods, .. } => format!("|keywords|{}", mods.join("|")),
        _ => String::new(),
    }
}

/// `selection`, `selection_2`, `filter`, ... in order of first appearance.
fn selection_names(sels: &[(Role, Selection)]) -> Vec<String> {
    let mut counts = [0usize; 3];
    sels.iter()
        .map(|(role, _)| {
            let (slot, base) = match role {
                Role::Selection => (0, "selection"),
                Role::Filter => (1, "filter"),
                Role::Keywords => (2, "keywords"),
            };
            counts[slot] += 1;
            if counts[slot] == 1 {
                base.to_string()
            } else {
                format!("{base}_{}", counts[slot])
            }
        })
        .collect()
}

/// Binding strengths of the condition grammar.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const ATOM: u8 = 4;

/// The condition text, with parentheses only where precedence needs them.
fn render(c: &Cond, names: &[String], min: u8) -> String {
    let (text, prec) = match c {
        Cond::Sel(i) => (names.get(*i).cloned().unwrap_or_default(), ATOM),
        Cond::And(v) => (join(v, names, " and ", AND), AND),
        Cond::Or(v) => (join(v, names, " or ", OR), OR),
        Cond::Not(x) => (format!("not {}", render(x, names, NOT)), NOT),
    };
    if prec < min {
        format!("({text})")
    } else {
        text
    }
}

fn join(v: &[Cond], names: &[String], sep: &str, prec: u8) -> String {
    // An operand of the same operator needs no parentheses, but a nested
    // one of a looser operator does: pass one more than our strength.
    v.iter()
        .map(|c| render(c, names, prec + 1))
        .collect::<Vec<_>>()
        .join(sep)
}

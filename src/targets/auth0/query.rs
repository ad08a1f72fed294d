//! The Lucene query Auth0 runs: atoms, a boolean tree, the normal form the
//! printer needs, and the printer.
//!
//! Lucene has no real NOT operator: `NOT x` is a "must not" clause of the
//! enclosing boolean query, which needs a positive clause beside it. Alone,
//! or in a disjunction, it means something else (`a OR NOT b` parses as
//! `a AND NOT b`; a purely negative query matches nothing in Lucene and is
//! undocumented in Auth0). So [`normalize`] rewrites the tree with De
//! Morgan's laws until every `NOT` is a clause of a conjunction that has a
//! positive clause, or the whole query is one negation ([`Norm::Neg`]), which
//! the caller reports. The rewriting keeps the meaning: filters are two-valued
//! (a test on a missing field is false), so De Morgan's laws hold.

use super::quote::{pattern_literal, phrase};

/// One piece of a wildcard pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Literal characters.
    Lit(String),
    /// `*`: any run of characters.
    Any,
}

/// A range bound: the value and whether it is included; `None` is `*`.
pub type Bound = Option<(String, bool)>;

/// A test on one field.
#[derive(Clone, Debug, PartialEq)]
pub enum Atom {
    /// `field:"value"`, matched whole and literally.
    Term {
        /// Auth0 field name.
        field: String,
        /// The value, unescaped.
        value: String,
    },
    /// `field:pat*tern`, unquoted with escapes.
    Pattern {
        /// Auth0 field name.
        field: String,
        /// The pattern; has at least one [`Piece::Any`].
        pieces: Vec<Piece>,
    },
    /// `field:[lower TO upper}`.
    Range {
        /// Auth0 field name.
        field: String,
        /// Lower bound.
        lower: Bound,
        /// Upper bound.
        upper: Bound,
    },
}

/// A filter being translated: Auth0 atoms under the filter's own booleans,
/// with constants where a test always holds, never holds, or was left out.
#[derive(Clone, Debug, PartialEq)]
pub enum Tree {
    /// Every event.
    All,
    /// No event.
    Nothing,
    /// One test.
    Atom(Atom),
    /// All of these.
    And(Vec<Tree>),
    /// Any of these.
    Or(Vec<Tree>),
    /// Not this.
    Not(Box<Tree>),
}

/// A query Auth0 can run.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// One test.
    Atom(Atom),
    /// Clauses, each negated or not; at least one is not negated.
    And(Vec<(bool, Query)>),
    /// Any of these (none negated).
    Or(Vec<Query>),
}

/// The most clauses one Lucene query may hold: Auth0 log search runs Lucene
/// query syntax on Elasticsearch, whose `indices.query.bool.max_clause_count`
/// (Lucene's `BooleanQuery` limit) defaults to 1024; a longer query fails
/// with `too_many_clauses` instead of searching.
pub const MAX_CLAUSES: usize = 1024;

impl Query {
    /// The number of tests (clauses) in the query.
    pub fn clauses(&self) -> usize {
        match self {
            Query::Atom(_) => 1,
            Query::And(items) => items.iter().map(|(_, q)| q.clauses()).sum(),
            Query::Or(items) => items.iter().map(Query::clauses).sum(),
        }
    }
}

/// A tree in normal form.
#[derive(Clone, Debug, PartialEq)]
pub enum Norm {
    /// Every event (the empty query).
    All,
    /// No event.
    Nothing,
    /// The events the query matches.
    Pos(Query),
    /// The events the query does not match.
    Neg(Query),
}

/// Brings a tree to normal form, folding constants.
pub fn normalize(t: Tree) -> Norm {
    match t {
        Tree::All => Norm::All,
        Tree::Nothing => Norm::Nothing,
        Tree::Atom(a) => Norm::Pos(Query::Atom(a)),
        Tree::Not(x) => match normalize(*x) {
            Norm::All => Norm::Nothing,
            Norm::Nothing => Norm::All,
            Norm::Pos(q) => Norm::Neg(q),
            Norm::Neg(q) => Norm::Pos(q),
        },
        Tree::And(items) => {
            let mut clauses = Vec::new();
            for item in items {
                match normalize(item) {
                    Norm::Nothing => return Norm::Nothing,
                    Norm::All => {}
                    Norm::Pos(q) => push_clause(&mut clauses, false, q),
                    Norm::Neg(q) => clauses.push((true, q)),
                }
            }
            conjunction(clauses)
        }
        Tree::Or(items) => {
            let mut pos = Vec::new();
            let mut neg = Vec::new();
            for item in items {
                match normalize(item) {
                    Norm::All => return Norm::All,
                    Norm::Nothing => {}
                    Norm::Pos(Query::Or(v)) => pos.extend(v),
                    Norm::Pos(q) => pos.push(q),
                    Norm::Neg(q) => neg.push(q),
                }
            }
            if neg.is_empty() {
                return match pos.len() {
                    0 => Norm::Nothing,
                    1 => Norm::Pos(pos.remove(0)),
                    _ => Norm::Pos(Query::Or(pos)),
                };
            }
            // p1 OR NOT n1 OR NOT n2  ==  NOT (n1 AND n2 AND NOT p1)
            let mut clauses = Vec::new();
            for q in neg {
                push_clause(&mut clauses, false, q);
            }
            clauses.extend(pos.into_iter().map(|q| (true, q)));
            match conjunction(clauses) {
                Norm::Pos(q) => Norm::Neg(q),
                Norm::Neg(q) => Norm::Pos(q),
                other => other,
            }
        }
    }
}

/// Adds a clause, flattening a positive conjunction into its clauses.
fn push_clause(clauses: &mut Vec<(bool, Query)>, negated: bool, q: Query) {
    match (negated, q) {
        (false, Query::And(inner)) => clauses.extend(inner),
        (n, q) => clauses.push((n, q)),
    }
}

/// A conjunction of clauses; without a positive clause it is the negation of
/// the disjunction of the negated ones.
fn conjunction(mut clauses: Vec<(bool, Query)>) -> Norm {
    if clauses.is_empty() {
        return Norm::All;
    }
    if clauses.iter().any(|(negated, _)| !negated) {
        if clauses.len() == 1 {
            return Norm::Pos(clauses.remove(0).1);
        }
        return Norm::Pos(Query::And(clauses));
    }
    // NOT a AND NOT b  ==  NOT (a OR b)
    let mut alternatives = Vec::new();
    for (_, q) in clauses {
        match q {
            Query::Or(v) => alternatives.extend(v),
            q => alternatives.push(q),
        }
    }
    if alternatives.len() == 1 {
        Norm::Neg(alternatives.remove(0))
    } else {
        Norm::Neg(Query::Or(alternatives))
    }
}

/// Prints a query on one line: explicit upper-case `AND`/`OR`/`NOT`, every
/// nested conjunction and disjunction in parentheses, the field repeated in
/// every test.
pub fn print(q: &Query) -> String {
    match q {
        Query::Atom(a) => atom(a),
        Query::And(clauses) => clauses
            .iter()
            .map(|(negated, q)| {
                if *negated {
                    format!("NOT {}", nested(q))
                } else {
                    nested(q)
                }
            })
            .collect::<Vec<_>>()
            .join(" AND "),
        Query::Or(items) => items.iter().map(nested).collect::<Vec<_>>().join(" OR "),
    }
}

fn nested(q: &Query) -> String {
    match q {
        Query::Atom(a) => atom(a),
        _ => format!("({})", print(q)),
    }
}

fn atom(a: &Atom) -> String {
    match a {
        Atom::Term { field, value } => format!("{field}:{}", phrase(value)),
        Atom::Pattern { field, pieces } => {
            let mut out = format!("{field}:");
            for p in pieces {
                match p {
                    Piece::Lit(s) => out.push_str(&pattern_literal(s)),
                    Piece::Any => out.push('*'),
                }
            }
            out
        }
        Atom::Range {
            field,
            lower,
            upper,
        } => {
            let (open, lo) = match lower {
                Some((v, true)) => ('[', v.as_str()),
                Some((v, false)) => ('{', v.as_str()),
                None => ('[', "*"),
            };
            let (close, hi) = match upper {
                Some((v, true)) => (']', v.as_str()),
                Some((v, false)) => ('}', v.as_str()),
                None => (']', "*"),
            };
            format!("{field}:{open}{lo} TO {hi}{close}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(field: &str, value: &str) -> Tree {
        Tree::Atom(Atom::Term {
            field: field.into(),
            value: value.into(),
        })
    }

    fn not(x: Tree) -> Tree {
        Tree::Not(Box::new(x))
    }

    fn show(n: Norm) -> String {
        match n {
            Norm::All => "ALL".into(),
            Norm::Nothing => "NOTHING".into(),
            Norm::Pos(q) => print(&q),
            Norm::Neg(q) => format!("NEG {}", print(&q)),
        }
    }

    #[test]
    fn conjunctions_keep_order_and_nest_disjunctions() {
        let tree = Tree::And(vec![
            t("type", "sapi"),
            Tree::Or(vec![t("description", "a"), t("description", "b")]),
            not(t("ip", "1")),
        ]);
        assert_eq!(
            show(normalize(tree)),
            r#"type:"sapi" AND (description:"a" OR description:"b") AND NOT ip:"1""#
        );
    }

    #[test]
    fn negations_inside_disjunctions_are_rewritten() {
        // x AND (a OR NOT b)  ==  x AND NOT (b AND NOT a)
        let tree = Tree::And(vec![
            t("x", "1"),
            Tree::Or(vec![t("a", "1"), not(t("b", "1"))]),
        ]);
        assert_eq!(
            show(normalize(tree)),
            r#"x:"1" AND NOT (b:"1" AND NOT a:"1")"#
        );
        // NOT a AND NOT b alone is a purely negative query.
        let tree = Tree::And(vec![not(t("a", "1")), not(t("b", "1"))]);
        assert_eq!(show(normalize(tree)), r#"NEG a:"1" OR b:"1""#);
        assert_eq!(show(normalize(not(not(t("a", "1"))))), r#"a:"1""#);
    }

    #[test]
    fn constants_fold() {
        assert_eq!(
            show(normalize(Tree::And(vec![t("a", "1"), Tree::All]))),
            r#"a:"1""#
        );
        assert_eq!(
            show(normalize(Tree::Or(vec![t("a", "1"), Tree::All]))),
            "ALL"
        );
        assert_eq!(
            show(normalize(Tree::And(vec![t("a", "1"), Tree::Nothing]))),
            "NOTHING"
        );
        assert_eq!(show(normalize(not(Tree::Nothing))), "ALL");
    }

    #[test]
    fn ranges_and_patterns_print() {
        let r = Atom::Range {
            field: "date".into(),
            lower: Some(("2024-01-01".into(), false)),
            upper: None,
        };
        assert_eq!(atom(&r), "date:{2024-01-01 TO *]");
        let p = Atom::Pattern {
            field: "description".into(),
            pieces: vec![Piece::Any, Piece::Lit("a b:(c)".into()), Piece::Any],
        };
        assert_eq!(atom(&p), r"description:*a\ b\:\(c\)*");
    }
}

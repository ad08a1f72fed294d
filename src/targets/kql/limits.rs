//! Elasticsearch's documented query limits, checked on the KQL a detection
//! compiles to (Kibana turns KQL into a query DSL `bool` tree, which
//! Elasticsearch then limits like any other query).
//!
//! Source: Elasticsearch reference, "Search settings", for the 8.x and 9.x
//! stacks Vigil targets (8.19, 9.3-9.5):
//! - `indices.query.bool.max_clause_count` is set from the heap and thread
//!   pool since 8.0, with "a minimum value of 1024"; a query with more leaf
//!   queries fails with `too_many_clauses`. Only 1,024 is certain on every
//!   cluster.
//! - `indices.query.bool.max_nested_depth`: "Maximum nested depth of
//!   queries. Defaults to 30" (static; the 8.1 reference says 20, when it
//!   counted `bool` queries only, before elastic/elasticsearch#90425).

use crate::ir::Test;
use crate::targets::elastic::{EFilter, Leaf, Source};

/// Leaf queries one search may hold on every 8.x/9.x cluster (the floor of
/// `indices.query.bool.max_clause_count`).
pub const MAX_CLAUSES: usize = 1024;

/// Query nesting Elasticsearch accepts (`indices.query.bool.max_nested_depth`).
pub const MAX_NESTED_DEPTH: usize = 30;

/// Levels Kibana adds around the rule's query: `buildEsQuery` wraps it in a
/// `bool` filter, and the detection engine wraps that with the time range
/// and exceptions. Two is the margin kept for them.
pub const KIBANA_WRAPPING: usize = 2;

/// The number of leaf queries and the `bool` nesting depth of a filter as
/// Kibana translates it.
pub fn size(f: &EFilter) -> (usize, usize) {
    match f {
        EFilter::True | EFilter::Keyword(_) => (1, 0),
        // Parentheses group; the `and`/`or` inside is the `bool`.
        EFilter::Group(x) => size(x),
        EFilter::Not(x) => {
            let (c, d) = size(x);
            (c, d + 1)
        }
        EFilter::And(items) | EFilter::Or(items) => {
            let (mut clauses, mut depth) = (0, 0);
            for x in items {
                let (c, d) = size(x);
                clauses += c;
                depth = depth.max(d);
            }
            (clauses, depth + 1)
        }
        EFilter::Leaf(l) => leaf_size(l),
    }
}

/// A test: a list of values is a `bool` of one query per value, a
/// not-equal is `exists and not`, a nested field adds a `nested` query.
fn leaf_size(l: &Leaf) -> (usize, usize) {
    let (clauses, depth) = match &l.test {
        Test::In { values, .. } => (values.len(), usize::from(values.len() > 1)),
        Test::Like { patterns, .. } => (patterns.len(), usize::from(patterns.len() > 1)),
        Test::Cidr { ranges } => (ranges.len(), usize::from(ranges.len() > 1)),
        Test::Ne { .. } => (2, 2),
        _ => (1, 0),
    };
    let nested = usize::from(matches!(l.field.source, Source::Nested { .. }));
    (clauses, depth + nested)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn and(items: Vec<EFilter>) -> EFilter {
        EFilter::And(items)
    }

    #[test]
    fn clauses_add_up_and_depth_counts_bools() {
        let t = || EFilter::True;
        assert_eq!(size(&t()), (1, 0));
        assert_eq!(size(&and(vec![t(), t(), t()])), (3, 1));
        let deep = EFilter::Or(vec![t(), EFilter::Group(Box::new(and(vec![t(), t()])))]);
        assert_eq!(size(&deep), (3, 2));
        assert_eq!(size(&EFilter::Not(Box::new(deep))), (3, 3));
    }
}

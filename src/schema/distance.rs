//! Edit distance and "did you mean" for names: fields, stages, functions,
//! keywords, parameters.

/// Edit distance between two strings, by characters: insertions, deletions,
/// substitutions and swaps of two neighbours (`tpye` → `type` is one edit),
/// the optimal-string-alignment variant of Damerau–Levenshtein.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: two back (for swaps), one back, current.
    let mut prev2 = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name`, if it is close enough to be a likely
/// typo: at most one edit for short names, a third of the length for longer
/// ones. Ties go to the first candidate, so callers pass a stable order.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = distance(&lower, &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("tpye", "type"), 1);
        assert_eq!(distance("ipp", "ip"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("serch", "search"), 1);
    }

    #[test]
    fn closest_picks_near_names_only() {
        let names = ["type", "ip", "user_id", "description"];
        assert_eq!(closest("ipp", names), Some("ip"));
        assert_eq!(closest("user_di", names), Some("user_id"));
        assert_eq!(closest("descripton", names), Some("description"));
        assert_eq!(closest("hostname", names), None);
        // Case differences are one mistake, not many.
        assert_eq!(closest("STATS", ["stats", "sort"]), Some("stats"));
    }
}

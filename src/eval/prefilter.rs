//! Skipping events that cannot match, before they are parsed.
//!
//! Reading events is most of the cost of a filter-only run. When a filter
//! implies that an event's text must contain one of some words (the value
//! of `type == "sapi"`, the literal part of `description contains
//! "password"`), a raw event without any of them is only checked to be
//! well-formed JSON (so that a malformed event is still reported), not
//! indexed or evaluated. The
//! check is exact: a JSON string holds its text verbatim unless it has an
//! escape, so events with a backslash are always parsed; matching ignores
//! ASCII case only, so words must be ASCII (others give no prefilter).

use regex::bytes::{Regex, RegexBuilder};

use super::filter::{CFilter, required_word_sets};

/// Words shorter than this are too common to be worth a scan.
const MIN_WORD: usize = 3;

/// A compiled prefilter: one alternation of words per conjunct that
/// implies a set; an event must contain a word of each.
#[derive(Clone, Debug)]
pub struct Prefilter {
    /// The word sets (for [`Prefilter::any`]).
    words: Vec<Vec<String>>,
    sets: Vec<Regex>,
}

impl Prefilter {
    /// The prefilter a filter implies, if a selective one.
    pub(crate) fn new(filter: &CFilter) -> Option<Prefilter> {
        let words: Vec<Vec<String>> = required_word_sets(filter)
            .into_iter()
            .filter(|words| words.iter().all(|w| w.len() >= MIN_WORD))
            .collect();
        Prefilter::of_sets(words)
    }

    fn of_sets(words: Vec<Vec<String>>) -> Option<Prefilter> {
        let sets: Option<Vec<Regex>> = words.iter().map(|w| alternation(w)).collect();
        let sets = sets?;
        (!sets.is_empty()).then_some(Prefilter { words, sets })
    }

    /// A prefilter for many detections at once: an event passes if it may
    /// match any of them. Each detection's first word set is necessary for
    /// it, so their union is necessary for any; one alternation of them all
    /// is one scan per event however many detections there are. None if
    /// a detection has no prefilter (every event may match it).
    pub fn any(each: &[Option<Prefilter>]) -> Option<Prefilter> {
        if each.is_empty() {
            return None;
        }
        let mut words: Vec<String> = Vec::new();
        for p in each {
            words.extend(p.as_ref()?.words.first()?.iter().cloned());
        }
        words.sort();
        words.dedup();
        Prefilter::of_sets(vec![words])
    }

    /// False only if the raw event cannot match the filter.
    pub fn may_match(&self, raw: &[u8]) -> bool {
        raw.contains(&b'\\') || self.sets.iter().all(|re| re.is_match(raw))
    }
}

/// A case-insensitive ASCII alternation of words.
fn alternation(words: &[String]) -> Option<Regex> {
    let alternation = words
        .iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|");
    RegexBuilder::new(&alternation)
        .case_insensitive(true)
        .unicode(false)
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::eval::{Options, Plan};

    fn prefilter(filter: &str) -> Option<Prefilter> {
        let loaded = crate::load::load_text(
            Path::new("t.vigil"),
            format!("title: \"t\"\nsearch {filter}\n"),
        );
        let det = loaded.detections.into_iter().next()?;
        Plan::new(&det, &Options::default()).ok()?.prefilter()
    }

    #[test]
    fn words_come_from_equalities_lists_and_patterns() {
        let p = prefilter("type == \"sapi\" and description contains \"Breached\"").unwrap();
        assert!(p.may_match(br#"{"type":"SAPI","description":"Update breached password"}"#));
        assert!(!p.may_match(br#"{"type":"sapi","description":"Update a client"}"#));
        assert!(!p.may_match(br#"{"type":"s","description":"Breached"}"#));
        // An escape may hide a word: such events are always parsed.
        assert!(p.may_match(br#"{"type":"s\u0061pi"}"#));
        let p = prefilter("type in (\"ferrt\", \"fertft\") or hostname == \"login.acme.example\"")
            .unwrap();
        assert!(p.may_match(br#"{"hostname":"LOGIN.acme.example"}"#));
        assert!(!p.may_match(br#"{"type":"s"}"#));
    }

    #[test]
    fn no_prefilter_where_words_prove_nothing() {
        for f in [
            "not type == \"sapi\"",
            "type == \"s\"",
            "status == 200",
            "code == \"1e2\"",
            "ip cidr \"10.0.0.0/8\"",
            "type == \"sapi\" or status > 5",
            "user_name == \"ürsula\"",
            "timestamp > \"2025\"",
        ] {
            assert!(prefilter(f).is_none(), "{f}");
        }
    }
}

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
    sets: Vec<Regex>,
}

impl Prefilter {
    /// The prefilter a filter implies, if a selective one.
    pub(crate) fn new(filter: &CFilter) -> Option<Prefilter> {
        let sets: Vec<Regex> = required_word_sets(filter)
            .into_iter()
            .filter(|words| words.iter().all(|w| w.len() >= MIN_WORD))
            .filter_map(|words| {
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
            })
            .collect();
        (!sets.is_empty()).then_some(Prefilter { sets })
    }

    /// False only if the raw event cannot match the filter.
    pub fn may_match(&self, raw: &[u8]) -> bool {
        raw.contains(&b'\\') || self.sets.iter().all(|re| re.is_match(raw))
    }
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

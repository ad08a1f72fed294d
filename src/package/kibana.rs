//! Kibana detection rules: NDJSON for Security → Rules → Import.
//!
//! One rule object per line: a custom query rule (`type: query`, `language:
//! kuery`) for KQL, an ES|QL rule (`type: esql`, `language: esql`) for
//! ES|QL. Every value is computed here and written by the template through
//! `tojson`, so quoting is JSON's, never string concatenation. Rules are
//! imported disabled; a rule whose query still has parameter placeholders
//! says which in its `note`.

use serde::Serialize;

use super::attack::{Threat, threats};
use super::{Item, Templates};
use crate::diagnostic::{Diagnostic, codes};
use crate::profile::Profile;
use crate::targets::Target;

/// The template that renders the file.
pub const TEMPLATE: &str = "kibana/rules.ndjson.j2";

/// A Kibana detection rule.
#[derive(Serialize)]
struct Rule<'a> {
    rule_id: &'a str,
    name: &'a str,
    description: &'a str,
    severity: &'static str,
    risk_score: u8,
    #[serde(rename = "type")]
    rule_type: &'static str,
    language: &'static str,
    /// Index patterns (query rules; an ES|QL rule names them in FROM).
    index: Option<Vec<String>>,
    query: &'a str,
    interval: String,
    from: String,
    tags: &'a [String],
    threat: Vec<Threat>,
    references: &'a [String],
    false_positives: &'a [String],
    author: Vec<String>,
    note: Option<String>,
    source: &'a str,
}

/// Kibana's severity and risk score for a Sigma level (Elastic's prebuilt
/// rules use 21, 47, 73 and 99; Kibana has no informational severity).
pub fn severity(level: &str) -> (&'static str, u8) {
    match level {
        "informational" | "low" => ("low", 21),
        "high" => ("high", 73),
        "critical" => ("critical", 99),
        _ => ("medium", 47),
    }
}

/// A duration in Kibana's notation (`15m`, `1h`, `30d`).
fn kibana_duration(seconds: u64) -> String {
    let seconds = seconds.max(1);
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if seconds.is_multiple_of(size) {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

/// Renders the rules of `items`, compiled for `target` with `profile`.
/// Warnings say which rules need parameters set before they are enabled.
pub fn render(
    templates: &Templates,
    items: &[Item],
    target: Target,
    profile: &Profile,
) -> Result<(String, Vec<Diagnostic>), Diagnostic> {
    let (rule_type, language) = match target {
        Target::Kql => ("query", "kuery"),
        Target::Esql => ("esql", "esql"),
        other => {
            return Err(Diagnostic::error(
                codes::TEMPLATE,
                format!(
                    "--format kibana-ndjson needs --target kql or --target esql, not {}",
                    other.name()
                ),
            ));
        }
    };
    // A KQL rule names its indices beside the query (ES|QL's `FROM` is in
    // it): the profile's choice for the detection's data, else its index.
    let index_of = |item: &Item| {
        (target == Target::Kql).then(|| {
            item.index
                .as_deref()
                .or(profile.index.as_deref())
                .unwrap_or("*")
                .split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        })
    };
    let mut warnings = Vec::new();
    let mut rules = Vec::new();
    for item in items {
        let (severity, risk_score) = severity(&item.level);
        let (threat, unknown) = threats(&item.tags);
        if !unknown.is_empty() {
            warnings.push(Diagnostic::warning(
                codes::META,
                format!(
                    "{}: MITRE ATT&CK (v18.1) has no technique {}; the rule names it by its id",
                    item.id,
                    unknown.join(", ")
                ),
            ));
        }
        let note = (!item.unset_params.is_empty()).then(|| {
            warnings.push(Diagnostic::warning(
                codes::PARAM,
                format!(
                    "{}: the rule's query still has the placeholders {}; set them (--param NAME=VALUE) before enabling it",
                    item.id,
                    item.unset_params.join(", ")
                ),
            ));
            format!(
                "Set before enabling: the query has placeholders for {}.",
                item.unset_params.join(", ")
            )
        });
        let window = kibana_duration(item.schedule.window_seconds);
        rules.push(Rule {
            rule_id: &item.id,
            name: &item.title,
            description: &item.description,
            severity,
            risk_score,
            rule_type,
            language,
            index: index_of(item),
            query: &item.query,
            from: format!("now-{window}"),
            interval: window,
            tags: &item.tags,
            threat,
            references: &item.references,
            false_positives: &item.falsepositives,
            author: item.author.iter().cloned().collect(),
            note,
            source: &item.source,
        });
    }
    #[derive(Serialize)]
    struct File<'a> {
        rules: Vec<Rule<'a>>,
    }
    let text = templates.render(TEMPLATE, &File { rules })?;
    Ok((text, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_largest_whole_unit() {
        assert_eq!(kibana_duration(900), "15m");
        assert_eq!(kibana_duration(3600), "1h");
        assert_eq!(kibana_duration(30 * 86_400), "30d");
        assert_eq!(kibana_duration(90), "90s");
    }

    #[test]
    fn levels() {
        assert_eq!(severity("critical"), ("critical", 99));
        assert_eq!(severity("informational"), ("low", 21));
        assert_eq!(severity("whatever"), ("medium", 47));
    }
}

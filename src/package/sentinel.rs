//! Microsoft Sentinel scheduled analytics rules: `--format sentinel-rule`
//! (the YAML of Microsoft's Azure-Sentinel repository, one document per
//! rule) and `--format arm` (one ARM template deploying every rule as a
//! `Microsoft.SecurityInsights` alert rule).
//!
//! Every value is computed here and written by the templates through
//! `tojson` (JSON strings are valid YAML flow scalars), so no title, query
//! or id can change the document's structure. In the ARM template a string
//! that starts with `[` and ends with `]` would be read as an ARM
//! expression; it is written with ARM's escape, a doubled `[`. A rule whose
//! query still declares parameters is written disabled, naming them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::attack::threats;
use super::{Item, Templates};
use crate::diagnostic::{Diagnostic, codes};
use crate::profile::Profile;
use crate::targets::Target;

/// The YAML rules template.
pub const RULE_TEMPLATE: &str = "sentinel/rules.yaml.j2";
/// The ARM template's template.
pub const ARM_TEMPLATE: &str = "sentinel/arm.json.j2";

/// Sentinel's limits on a scheduled rule's frequency and period.
const MIN_SECONDS: u64 = 5 * 60;
const MAX_SECONDS: u64 = 14 * 86_400;
/// The longest query a scheduled analytics rule takes: Microsoft Learn,
/// "Create a scheduled analytics rule from scratch" (rule logic): "The query
/// length should be between 1 and 10,000 characters". A longer rule is
/// rejected when it is deployed, so it is left out here with an error.
pub const MAX_QUERY_CHARS: usize = 10_000;

/// One entity mapping.
#[derive(Serialize)]
struct Entity {
    #[serde(rename = "entityType")]
    entity_type: String,
    #[serde(rename = "fieldMappings")]
    field_mappings: Vec<FieldMapping>,
}

#[derive(Serialize)]
struct FieldMapping {
    identifier: &'static str,
    #[serde(rename = "columnName")]
    column_name: String,
}

/// A scheduled rule, in the repository's field names.
#[derive(Serialize)]
struct Rule {
    id: String,
    name: String,
    description: String,
    severity: &'static str,
    connectors: Vec<Connector>,
    /// `1h` (YAML) and `PT1H` (ARM).
    frequency: (String, String),
    period: (String, String),
    tactics: Vec<String>,
    techniques: Vec<String>,
    entities: Vec<Entity>,
    query: String,
    /// The query as a YAML literal block (`|-`) when it can be one.
    block: Option<Vec<String>>,
    enabled: bool,
    /// ARM resource name and id suffix.
    arm_name: String,
}

#[derive(Serialize)]
struct Connector {
    #[serde(rename = "connectorId")]
    connector_id: String,
    #[serde(rename = "dataTypes")]
    data_types: Vec<String>,
}

/// Sentinel's severity for a Sigma level.
fn severity(level: &str) -> &'static str {
    match level {
        "informational" => "Informational",
        "low" => "Low",
        "high" | "critical" => "High",
        _ => "Medium",
    }
}

/// A duration as the repository writes it (`15m`, `1h`, `14d`) and as ISO
/// 8601 (`PT15M`, `PT1H`, `P14D`).
fn durations(seconds: u64) -> (String, String) {
    if seconds.is_multiple_of(86_400) {
        let d = seconds / 86_400;
        (format!("{d}d"), format!("P{d}D"))
    } else if seconds.is_multiple_of(3_600) {
        let h = seconds / 3_600;
        (format!("{h}h"), format!("PT{h}H"))
    } else {
        let m = seconds.div_ceil(60);
        (format!("{m}m"), format!("PT{m}M"))
    }
}

/// How often a cron expression runs, for the simple forms (`*/N * * * *`,
/// `M * * * *`, `M H * * *`, `M */N * * *`); `None` otherwise.
fn cron_seconds(cron: &str) -> Option<u64> {
    let f: Vec<&str> = cron.split_whitespace().collect();
    let [min, hour, dom, mon, dow] = f.as_slice() else {
        return None;
    };
    if (*dom, *mon, *dow) != ("*", "*", "*") {
        return None;
    }
    let every = |s: &str| s.strip_prefix("*/").and_then(|n| n.parse::<u64>().ok());
    let fixed = |s: &str| s.parse::<u64>().is_ok();
    match (every(min), fixed(min), every(hour), fixed(hour), *hour) {
        (Some(n), _, _, _, "*") => Some(n * 60),
        (None, true, _, _, "*") => Some(3_600),
        (None, true, Some(n), _, _) => Some(n * 3_600),
        (None, true, None, true, _) => Some(86_400),
        _ => None,
    }
}

/// A deterministic GUID for an id that is not one (Sentinel rule ids are
/// GUIDs): 128 bits of two FNV-1a hashes, marked as a version 8 UUID.
fn guid(id: &str) -> String {
    let is_guid = id.len() == 36
        && id.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if is_guid {
        return id.to_ascii_lowercase();
    }
    let fnv = |seed: u64| {
        id.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let (a, b) = (fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142));
    let a = (a & !0xf000) | 0x8000; // version 8
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000; // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// ARM reads a string that starts with `[` and ends with `]` as an
/// expression; `[[` makes it a literal.
fn arm_literal(s: &str) -> String {
    if s.starts_with('[') && s.ends_with(']') {
        format!("[{s}")
    } else {
        s.to_string()
    }
}

/// The query's lines for a YAML literal block, if every line can stand in
/// one unchanged (printable, no trailing blanks, first line not indented).
fn block_lines(q: &str) -> Option<Vec<String>> {
    let ok_char = |c: char| {
        c == '\t'
            || (!c.is_control()
                && !matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ))
    };
    let lines: Vec<String> = q.split('\n').map(str::to_string).collect();
    let fine = !q.is_empty()
        && !q.starts_with([' ', '\t'])
        && lines
            .iter()
            .all(|l| !l.ends_with([' ', '\t']) && !l.is_empty() && l.chars().all(ok_char));
    fine.then_some(lines)
}

/// Renders `items` as YAML rules (`arm == false`) or one ARM template.
pub fn render(
    templates: &Templates,
    items: &[Item],
    target: Target,
    profile: &Profile,
    arm: bool,
) -> Result<(String, Vec<Diagnostic>), Diagnostic> {
    let format = if arm { "arm" } else { "sentinel-rule" };
    if target != Target::Sentinel {
        return Err(Diagnostic::error(
            codes::TEMPLATE,
            format!(
                "--format {format} needs --target sentinel, not {}",
                target.name()
            ),
        ));
    }
    let opt_str = |k: &str| profile.options.get(k).and_then(|v| v.as_str());
    let table = profile.index.clone();
    let columns: Vec<String> = profile
        .options
        .get("columns")
        .and_then(|v| v.as_object())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let entity_columns: BTreeMap<String, Vec<String>> = profile
        .options
        .get("entities")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let connectors: Vec<Connector> = match (opt_str("connector"), &table) {
        (Some(c), Some(t)) => vec![Connector {
            connector_id: c.to_string(),
            data_types: vec![t.clone()],
        }],
        _ => Vec::new(),
    };
    let mut warnings = Vec::new();
    let mut rules = Vec::new();
    for item in items {
        let period_s = item.schedule.window_seconds;
        let freq_s = cron_seconds(&item.schedule.cron).unwrap_or(period_s);
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&period_s)
            || !(MIN_SECONDS..=MAX_SECONDS).contains(&freq_s)
        {
            warnings.push(Diagnostic::error(
                codes::TEMPLATE,
                format!(
                    "{}: Sentinel runs scheduled rules every 5 minutes to 14 days over 5 minutes to 14 days of data; this one runs every {} over {}, so it is left out",
                    item.id,
                    durations(freq_s).0,
                    durations(period_s).0
                ),
            ).with_help("set `schedule: {cron: ..., window: ...}` within those limits"));
            continue;
        }
        let length = item.query.chars().count();
        if length > MAX_QUERY_CHARS {
            warnings.push(
                Diagnostic::error(
                    codes::TEMPLATE,
                    format!(
                        "{}: its query has {length} characters, and a Sentinel analytics rule takes at most {MAX_QUERY_CHARS}, so it is left out",
                        item.id
                    ),
                )
                .with_help("split the detection, or move long value lists into a watchlist (`lookup`)"),
            );
            continue;
        }
        let (threat, _) = threats(&item.tags);
        let mut tactics: Vec<String> = threat
            .iter()
            .map(|t| t.tactic.name.replace(' ', ""))
            .collect();
        tactics.dedup();
        let mut techniques: Vec<String> = threat
            .iter()
            .flat_map(|t| t.technique.iter().map(|x| x.technique.id.clone()))
            .collect();
        techniques.sort();
        techniques.dedup();
        let out = crate::targets::sentinel::output_columns(&item.query, &columns);
        let mut entities = Vec::new();
        for (ty, cols) in &entity_columns {
            let identifier = match ty.as_str() {
                "Account" => "FullName",
                "IP" => "Address",
                "Host" => "HostName",
                _ => continue,
            };
            if let Some(c) = cols.iter().find(|c| out.contains(*c)) {
                entities.push(Entity {
                    entity_type: ty.clone(),
                    field_mappings: vec![FieldMapping {
                        identifier,
                        column_name: c.clone(),
                    }],
                });
            }
        }
        let mut description = item.description.clone();
        let mut unset = item.unset_params.clone();
        unset.extend(crate::targets::sentinel::declared_parameters(&item.query));
        unset.sort();
        unset.dedup();
        let enabled = unset.is_empty();
        if !enabled {
            let names = unset.join(", ");
            warnings.push(Diagnostic::warning(
                codes::PARAM,
                format!(
                    "{}: the query declares the parameters {names}, which analytics rules do not fill; the rule is written disabled (compile with --param NAME=VALUE)",
                    item.id
                ),
            ));
            description.push_str(&format!(
                " Disabled by Vigil: set the parameters {names} (vigil compile --param NAME=VALUE) before enabling."
            ));
        }
        let id = guid(&item.id);
        rules.push(Rule {
            arm_name: id.clone(),
            id,
            name: if arm {
                arm_literal(&item.title)
            } else {
                item.title.clone()
            },
            description: if arm {
                arm_literal(&description)
            } else {
                description
            },
            severity: severity(&item.level),
            connectors: connectors
                .iter()
                .map(|c| Connector {
                    connector_id: c.connector_id.clone(),
                    data_types: c.data_types.clone(),
                })
                .collect(),
            frequency: durations(freq_s),
            period: durations(period_s),
            tactics,
            techniques,
            entities,
            block: block_lines(&item.query),
            query: if arm {
                arm_literal(&item.query)
            } else {
                item.query.clone()
            },
            enabled,
        });
    }
    #[derive(Serialize)]
    struct File {
        rules: Vec<Rule>,
    }
    let name = if arm { ARM_TEMPLATE } else { RULE_TEMPLATE };
    let text = templates.render(name, &File { rules })?;
    Ok((text, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_pass_through_and_others_are_derived() {
        let g = "A7B2E75C-7171-11F0-AA28-723487B9527C";
        assert_eq!(guid(g), g.to_ascii_lowercase());
        let d = guid("my-rule");
        assert_eq!(d, guid("my-rule"));
        assert_ne!(d, guid("my-rule2"));
        assert_eq!(d.len(), 36);
        assert_eq!(&d[14..15], "8");
    }

    #[test]
    fn durations_and_crons() {
        assert_eq!(durations(900), ("15m".into(), "PT15M".into()));
        assert_eq!(durations(3600), ("1h".into(), "PT1H".into()));
        assert_eq!(durations(14 * 86_400), ("14d".into(), "P14D".into()));
        assert_eq!(cron_seconds("*/5 * * * *"), Some(300));
        assert_eq!(cron_seconds("0 * * * *"), Some(3600));
        assert_eq!(cron_seconds("0 3 * * *"), Some(86_400));
        assert_eq!(cron_seconds("0 9 * * 1"), None);
    }

    #[test]
    fn arm_expressions_are_escaped() {
        assert_eq!(arm_literal("[parameters('x')]"), "[[parameters('x')]");
        assert_eq!(arm_literal("[a] b"), "[a] b");
    }

    #[test]
    fn blocks_only_for_plain_lines() {
        assert!(block_lines("T\n| where a == \"b\"").is_some());
        assert!(block_lines("T \n| x").is_none());
        assert!(block_lines(" T").is_none());
        assert!(block_lines("T\n\n| x").is_none());
        assert!(block_lines("T // \u{85}").is_none());
    }
}

//! Metadata → Sigma rule fields.
//!
//! Standard Sigma fields come from [`crate::ir::Meta`]; every other entry
//! (`explanation`, `prevention`, `comments`, ...) is written as a custom
//! field, which pySigma keeps in `custom_attributes`. Values pySigma would
//! refuse (an id that is not a UUID, a tag without a namespace, ...) are
//! errors here, so a rule Vigil writes always loads.

use std::collections::BTreeMap;

use super::doc::{Custom, ParamDoc, RuleDoc, YStr};
use super::quote::scalar;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Detection, Filter, Test, TextPart, Value};

/// Keys a custom field may not take: pySigma would read them as something
/// else (a correlation, a filter, a collection action) or Vigil writes them.
const RESERVED: &[&str] = &[
    "title",
    "id",
    "name",
    "status",
    "description",
    "references",
    "author",
    "date",
    "modified",
    "tags",
    "logsource",
    "detection",
    "correlation",
    "filter",
    "action",
    "falsepositives",
    "level",
];

/// Sigma statuses and levels (lowercase, as files write them).
const STATUSES: &[&str] = &[
    "stable",
    "test",
    "experimental",
    "deprecated",
    "unsupported",
];
const LEVELS: &[&str] = &["informational", "low", "medium", "high", "critical"];
const RELATED_TYPES: &[&str] = &[
    "derived",
    "obsolete",
    "merged",
    "renamed",
    "similar",
    "correlation",
];

/// The rule's metadata fields (title, id, ... and custom fields), with
/// `logsource` defaulting to `default_logsource` (which stands for it when
/// it names Splunk data).
pub fn rule_meta(
    det: &Detection,
    default_logsource: &BTreeMap<String, String>,
    fields: Vec<String>,
) -> Result<RuleDoc, Vec<Diagnostic>> {
    let m = &det.meta;
    let mut errors = Vec::new();
    let mut err = |msg: String, help: &str| {
        errors.push(
            Diagnostic::error(codes::META, msg)
                .with_label(det.span, "in this detection's metadata")
                .with_help(help.to_string())
                .in_file(&det.file),
        );
    };
    let title = match &m.title {
        Some(t) if t.chars().count() <= 256 => t.clone(),
        Some(_) => {
            err(
                "Sigma titles have at most 256 characters".into(),
                "shorten the title",
            );
            String::new()
        }
        None => {
            err(
                "a Sigma rule needs a `title`".into(),
                "add `title: \"...\"`",
            );
            String::new()
        }
    };
    if let Some(id) = &m.id
        && !is_uuid(id)
    {
        err(
            format!("Sigma rule ids are UUIDs; `{id}` is not one"),
            "use a UUID such as 0e95725d-7320-415d-80f7-004da920fc11",
        );
    }
    for (key, d) in [("date", &m.date), ("modified", &m.modified)] {
        if let Some(d) = d
            && !is_date(d)
        {
            err(
                format!("`{key}` must be a date YYYY-MM-DD for Sigma, not `{d}`"),
                "write the date as 2025-07-11",
            );
        }
    }
    for t in &m.tags {
        if !t.contains('.') || t.starts_with('.') {
            err(
                format!("Sigma tags have a namespace (`attack.t1078`); `{t}` has none"),
                "prefix the tag with its namespace, e.g. `detection.`",
            );
        }
    }
    for (key, v, allowed) in [("status", &m.status, STATUSES), ("level", &m.level, LEVELS)] {
        if let Some(v) = v
            && !allowed.contains(&v.as_str())
        {
            err(
                format!("`{key}` cannot be `{v}` in Sigma"),
                &format!("use one of: {}", allowed.join(", ")),
            );
        }
    }
    let mut custom = BTreeMap::new();
    let mut explicit_fields = None;
    for (k, v) in &m.extra {
        if k == "fields" {
            match string_list(v) {
                Some(list) => explicit_fields = Some(list),
                None => err(
                    "`fields` must be a list of field names".into(),
                    "write fields: [\"a\", \"b\"]",
                ),
            }
            continue;
        }
        if RESERVED.contains(&k.as_str()) {
            err(
                format!("the metadata key `{k}` means something else in Sigma"),
                "rename the key",
            );
            continue;
        }
        if k == "related"
            && let Err(why) = check_related(v)
        {
            err(
                why,
                "each entry is {id: <UUID>, type: derived|obsolete|merged|renamed|similar|correlation}",
            );
            continue;
        }
        custom.insert(k.clone(), Custom::Json(v.clone()));
    }
    // A `parameters` entry already in the metadata (a rule Vigil wrote and
    // read back) is kept as it is, so writing is a fixed point.
    if !custom.contains_key("parameters")
        && let Some(p) = parameters(det)
    {
        custom.insert("parameters".into(), Custom::Params(p));
    }
    // Splunk data-source terms are not Sigma's: the caller maps them
    // through the profile into `default_logsource`.
    let splunk = !crate::profile::splunk_source_terms(&m.logsource).is_empty();
    let logsource = if m.logsource.is_empty() || splunk {
        default_logsource.clone()
    } else {
        m.logsource.clone()
    };
    if logsource.is_empty() {
        err(
            "a Sigma rule needs a `logsource`".into(),
            "add `logsource: {product: \"auth0\"}`",
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RuleDoc {
        title,
        id: m.id.clone(),
        name: m.name.clone(),
        status: m.status.clone(),
        description: m.description.clone().map(YStr),
        references: m.references.iter().cloned().map(YStr).collect(),
        author: m.author.clone().map(YStr),
        date: m.date.clone(),
        modified: m.modified.clone(),
        tags: m.tags.clone(),
        logsource,
        fields: explicit_fields.unwrap_or(fields),
        falsepositives: m.falsepositives.iter().cloned().map(YStr).collect(),
        level: m.level.clone(),
        custom,
        ..RuleDoc::default()
    })
}

/// The declared parameters still used as placeholders in the filter, as a
/// custom field documenting what whoever deploys the rule fills in.
fn parameters(det: &Detection) -> Option<Vec<ParamDoc>> {
    let mut used = Vec::new();
    collect_params(&det.filter, &mut used);
    let list: Vec<ParamDoc> = det
        .params
        .iter()
        .filter(|p| used.contains(&p.name.as_str()))
        .map(|p| ParamDoc {
            name: p.name.clone(),
            ty: p.ty,
            default: p.default.as_ref().and_then(|d| scalar(d).ok()).map(|s| s.0),
            description: p.description.clone().map(YStr),
        })
        .collect();
    (!list.is_empty()).then_some(list)
}

fn collect_params<'a>(f: &'a Filter, out: &mut Vec<&'a str>) {
    fn text<'a>(t: &'a crate::ir::Text, out: &mut Vec<&'a str>) {
        for p in &t.parts {
            if let TextPart::Param(n) = p {
                out.push(n);
            }
        }
    }
    match f {
        Filter::True => {}
        Filter::And(v) | Filter::Or(v) => v.iter().for_each(|x| collect_params(x, out)),
        Filter::Not(x) | Filter::Group(x) => collect_params(x, out),
        Filter::Keyword(k) => text(&k.text, out),
        Filter::Pred(p) => {
            let values: Vec<&'a Value> = match &p.test {
                Test::Eq { value, .. } | Test::Ne { value, .. } | Test::Cmp { value, .. } => {
                    vec![value]
                }
                Test::In { values, .. } | Test::Cidr { ranges: values } => values.iter().collect(),
                Test::Like { patterns, .. } => {
                    patterns.iter().for_each(|t| text(t, out));
                    Vec::new()
                }
                Test::Regex { patterns, .. } => {
                    patterns.iter().for_each(|r| text(&r.pattern, out));
                    Vec::new()
                }
                Test::Exists | Test::IsNull | Test::FieldEq { .. } => Vec::new(),
            };
            for v in values {
                match v {
                    Value::Param(n) => out.push(n),
                    Value::Str(t) => text(t, out),
                    _ => {}
                }
            }
        }
    }
}

fn string_list(v: &serde_json::Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

fn check_related(v: &serde_json::Value) -> Result<(), String> {
    let items = v
        .as_array()
        .ok_or("`related` must be a list of {id, type}")?;
    for i in items {
        let id = i.get("id").and_then(|x| x.as_str()).unwrap_or_default();
        let ty = i.get("type").and_then(|x| x.as_str()).unwrap_or_default();
        if !is_uuid(id) || !RELATED_TYPES.contains(&ty) {
            return Err(format!(
                "`related` entry {i} needs a UUID `id` and a Sigma `type`"
            ));
        }
    }
    Ok(())
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `YYYY-MM-DD` with a month 01-12 and a day 01-31.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    matches!(
        (num(0..4), num(5..7), num(8..10)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_and_dates() {
        assert!(is_uuid("74a1ddea-7172-11f0-ace0-723487b9527c"));
        assert!(!is_uuid("74a1ddea-7172-11f0-ace0"));
        assert!(!is_uuid("my-rule"));
        assert!(is_date("2025-07-11"));
        assert!(!is_date("2025-13-01"));
        assert!(!is_date("2025/07/11"));
    }
}

//! MITRE ATT&CK from a detection's `attack.*` tags, in the shape Kibana's
//! detection rules take (`threat`).
//!
//! Sigma's convention: `attack.<tactic>` (`attack.credential-access`, older
//! rules `attack.credential_access`), `attack.t1550` for a technique and
//! `attack.t1550.001` for a sub-technique. A technique is listed under the
//! tagged tactics it belongs to in ATT&CK, else under its first ATT&CK
//! tactic. Names come from ATT&CK Enterprise v18.1 (`attack-techniques.tsv`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;

/// The Enterprise tactics: slug, id, name (ATT&CK's order).
const TACTICS: &[(&str, &str, &str)] = &[
    ("reconnaissance", "TA0043", "Reconnaissance"),
    ("resource-development", "TA0042", "Resource Development"),
    ("initial-access", "TA0001", "Initial Access"),
    ("execution", "TA0002", "Execution"),
    ("persistence", "TA0003", "Persistence"),
    ("privilege-escalation", "TA0004", "Privilege Escalation"),
    ("defense-evasion", "TA0005", "Defense Evasion"),
    ("credential-access", "TA0006", "Credential Access"),
    ("discovery", "TA0007", "Discovery"),
    ("lateral-movement", "TA0008", "Lateral Movement"),
    ("collection", "TA0009", "Collection"),
    ("command-and-control", "TA0011", "Command and Control"),
    ("exfiltration", "TA0010", "Exfiltration"),
    ("impact", "TA0040", "Impact"),
];

const TECHNIQUES: &str = include_str!("attack-techniques.tsv");

/// A technique's name and tactic slugs.
struct Technique {
    name: String,
    tactics: Vec<String>,
}

fn techniques() -> &'static BTreeMap<String, Technique> {
    static TABLE: OnceLock<BTreeMap<String, Technique>> = OnceLock::new();
    TABLE.get_or_init(|| {
        TECHNIQUES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| {
                let mut cols = l.split('\t');
                let id = cols.next()?.to_string();
                let name = cols.next()?.to_string();
                let tactics = cols
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                Some((id, Technique { name, tactics }))
            })
            .collect()
    })
}

/// An ATT&CK object as Kibana names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ref {
    /// `TA0006`, `T1550`, `T1550.001`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its page on attack.mitre.org.
    pub reference: String,
}

/// A technique with its sub-techniques.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TechniqueRef {
    /// The technique.
    #[serde(flatten)]
    pub technique: Ref,
    /// Sub-techniques named by the tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subtechnique: Vec<Ref>,
}

/// One entry of Kibana's `threat`: a tactic and its techniques.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Threat {
    /// Always `MITRE ATT&CK`.
    pub framework: &'static str,
    /// The tactic.
    pub tactic: Ref,
    /// Its techniques.
    pub technique: Vec<TechniqueRef>,
}

fn tactic_ref(slug: &str) -> Option<Ref> {
    TACTICS
        .iter()
        .find(|(s, _, _)| *s == slug)
        .map(|(_, id, name)| Ref {
            id: id.to_string(),
            name: name.to_string(),
            reference: format!("https://attack.mitre.org/tactics/{id}/"),
        })
}

fn technique_ref(id: &str) -> Ref {
    let name = techniques()
        .get(id)
        .map_or_else(|| id.to_string(), |t| t.name.clone());
    Ref {
        id: id.to_string(),
        name,
        reference: format!(
            "https://attack.mitre.org/techniques/{}/",
            id.replace('.', "/")
        ),
    }
}

/// The `threat` of a detection's tags, and the technique ids ATT&CK (v18.1)
/// does not know (kept, named by their id).
pub fn threats(tags: &[String]) -> (Vec<Threat>, Vec<String>) {
    let mut tactics: Vec<String> = Vec::new();
    // Parent technique → sub-techniques.
    let mut techs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for tag in tags {
        let Some(rest) = tag
            .to_ascii_lowercase()
            .strip_prefix("attack.")
            .map(str::to_string)
        else {
            continue;
        };
        let slug = rest.replace('_', "-");
        if tactic_ref(&slug).is_some() {
            if !tactics.contains(&slug) {
                tactics.push(slug);
            }
            continue;
        }
        let Some(num) = rest.strip_prefix('t') else {
            continue;
        };
        let mut parts = num.splitn(2, '.');
        let main = parts.next().unwrap_or("");
        let sub = parts.next();
        let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
        if !digits(main, 4) || sub.is_some_and(|s| !digits(s, 3)) {
            continue;
        }
        let parent = format!("T{main}");
        let subs = techs.entry(parent.clone()).or_default();
        if let Some(s) = sub {
            let id = format!("{parent}.{s}");
            if !subs.contains(&id) {
                subs.push(id);
            }
        }
    }
    let table = techniques();
    let mut unknown = Vec::new();
    // Tactic slug → techniques under it.
    let mut placed: BTreeMap<String, Vec<TechniqueRef>> = BTreeMap::new();
    for (parent, mut subs) in techs {
        subs.sort();
        for id in std::iter::once(&parent).chain(&subs) {
            if !table.contains_key(id) {
                unknown.push(id.clone());
            }
        }
        let known: Vec<String> = table
            .get(&parent)
            .map_or_else(Vec::new, |t| t.tactics.clone());
        let mut homes: Vec<String> = tactics
            .iter()
            .filter(|t| known.contains(t))
            .cloned()
            .collect();
        if homes.is_empty() {
            match known.first().or(tactics.first()) {
                Some(t) => homes.push(t.clone()),
                None => continue,
            }
        }
        for home in homes {
            if !tactics.contains(&home) {
                tactics.push(home.clone());
            }
            placed.entry(home).or_default().push(TechniqueRef {
                technique: technique_ref(&parent),
                subtechnique: subs.iter().map(|s| technique_ref(s)).collect(),
            });
        }
    }
    let out = tactics
        .iter()
        .filter_map(|slug| {
            Some(Threat {
                framework: "MITRE ATT&CK",
                tactic: tactic_ref(slug)?,
                technique: placed.remove(slug).unwrap_or_default(),
            })
        })
        .collect();
    (out, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tactics_and_techniques_nest() {
        let (t, unknown) = threats(&tags(&[
            "attack.credential_access",
            "attack.t1550.001",
            "attack.defense-evasion",
            "attack.t1562.007",
            "attack.t1562",
            "cve.2021-1234",
        ]));
        assert!(unknown.is_empty());
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].tactic.id, "TA0006");
        assert_eq!(t[1].tactic.name, "Defense Evasion");
        // T1550 belongs to Defense Evasion and Lateral Movement in ATT&CK,
        // not Credential Access: it goes under the tagged Defense Evasion.
        assert!(t[0].technique.is_empty());
        let ids: Vec<&str> = t[1]
            .technique
            .iter()
            .map(|x| x.technique.id.as_str())
            .collect();
        assert_eq!(ids, ["T1550", "T1562"]);
        assert_eq!(
            t[1].technique[0].subtechnique[0].name,
            "Application Access Token"
        );
        assert_eq!(
            t[1].technique[1].subtechnique[0].reference,
            "https://attack.mitre.org/techniques/T1562/007/"
        );
    }

    #[test]
    fn untagged_tactics_come_from_attack() {
        let (t, _) = threats(&tags(&["attack.t1621"]));
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].tactic.name, "Credential Access");
        assert_eq!(
            t[0].technique[0].technique.name,
            "Multi-Factor Authentication Request Generation"
        );
    }

    #[test]
    fn unknown_techniques_are_reported() {
        let (t, unknown) = threats(&tags(&["attack.persistence", "attack.t9999"]));
        assert_eq!(unknown, ["T9999"]);
        assert_eq!(t[0].technique[0].technique.name, "T9999");
    }
}

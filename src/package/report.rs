//! The build report: for each environment, target and detection, whether it
//! was built or skipped and why, written as `REPORT.md` for people and
//! `report.json` for tools (`vigil diff` reads it).
//!
//! The report holds no time or absolute path, so that two builds of the same
//! inputs give the same bytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The whole build.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// The Vigil version that built it.
    pub vigil_version: String,
    /// Errors in detections themselves or in the manifest (the build fails).
    pub errors: Vec<String>,
    /// Warnings found while reading the detections.
    pub warnings: Vec<String>,
    /// The environments built, by name.
    pub environments: Vec<EnvReport>,
}

/// One environment.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct EnvReport {
    /// Its name in the manifest.
    pub name: String,
    /// Its targets, by name.
    pub targets: Vec<TargetReport>,
}

/// One target of an environment.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct TargetReport {
    /// Its name in the manifest (the output folder).
    pub name: String,
    /// The query language.
    pub target: String,
    /// The profile.
    pub profile: String,
    /// Whether the manifest asked for filter-only packages.
    pub filter_only: bool,
    /// The files written, relative to the output folder.
    pub files: Vec<String>,
    /// Warnings about the target's package as a whole.
    pub warnings: Vec<String>,
    /// One entry per detection, in load order.
    pub detections: Vec<Entry>,
}

/// Whether a detection was built for a target.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// In the package.
    Built,
    /// Left out of this target's package: the target cannot express it.
    Skipped,
}

/// One detection for one target.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// The detection id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its source file.
    pub source: String,
    /// Built or skipped.
    pub status: Status,
    /// The compiled query (built only).
    pub query: Option<String>,
    /// The package settings it was written with (built only): enabled,
    /// schedule, severity, description, unset parameters.
    pub settings: BTreeMap<String, String>,
    /// Why it was skipped.
    pub diagnostics: Vec<String>,
    /// Warnings and notes of the compilation.
    pub warnings: Vec<String>,
}

impl Report {
    /// How many detection × target pairs were skipped.
    pub fn skipped(&self) -> usize {
        self.entries()
            .filter(|(_, _, e)| e.status == Status::Skipped)
            .count()
    }

    /// Every entry with its environment and target names.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str, &Entry)> {
        self.environments.iter().flat_map(|env| {
            env.targets.iter().flat_map(move |t| {
                t.detections
                    .iter()
                    .map(move |e| (env.name.as_str(), t.name.as_str(), e))
            })
        })
    }

    /// `report.json`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// `REPORT.md`.
    pub fn to_markdown(&self) -> String {
        let mut md = format!(
            "# Vigil build report\n\nBuilt by vigil {}.\n",
            self.vigil_version
        );
        if !self.errors.is_empty() {
            md.push_str("\n## Errors\n\n");
            for e in &self.errors {
                md.push_str(&format!("- {}\n", inline(e)));
            }
        }
        md.push_str("\n## Summary\n\n| environment | target | language | built | skipped | files |\n|---|---|---|---|---|---|\n");
        for env in &self.environments {
            for t in &env.targets {
                let built = t
                    .detections
                    .iter()
                    .filter(|e| e.status == Status::Built)
                    .count();
                md.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    cell(&env.name),
                    cell(&t.name),
                    cell(&t.target),
                    built,
                    t.detections.len() - built,
                    t.files.len()
                ));
            }
        }
        for env in &self.environments {
            for t in &env.targets {
                md.push_str(&format!(
                    "\n## {} / {} ({}, profile `{}`{})\n\n",
                    env.name,
                    t.name,
                    t.target,
                    t.profile,
                    if t.filter_only { ", filter only" } else { "" }
                ));
                md.push_str("| detection | status | notes |\n|---|---|---|\n");
                for e in &t.detections {
                    let status = match (e.status, e.settings.get("enabled").map(String::as_str)) {
                        (Status::Skipped, _) => "skipped",
                        (Status::Built, Some("false")) => "built, disabled",
                        (Status::Built, _) => "built",
                    };
                    let mut notes: Vec<&str> = e.diagnostics.iter().map(String::as_str).collect();
                    notes.extend(e.warnings.iter().map(String::as_str));
                    md.push_str(&format!(
                        "| {} (`{}`) | {} | {} |\n",
                        cell(&e.title),
                        cell(&e.id),
                        status,
                        notes
                            .iter()
                            .map(|n| cell(n))
                            .collect::<Vec<_>>()
                            .join("<br>")
                    ));
                }
                for w in &t.warnings {
                    md.push_str(&format!("\n- {}\n", inline(w)));
                }
            }
        }
        md
    }
}

/// Text for a Markdown table cell: pipes escaped, one line.
fn cell(s: &str) -> String {
    inline(s).replace('|', "\\|")
}

/// Text on one Markdown line.
fn inline(s: &str) -> String {
    super::one_line(s)
}

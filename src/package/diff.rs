//! `vigil diff`: what changed between two builds, per environment, target
//! and detection (queries and package settings), and which files changed.
//!
//! It compares the builds' `report.json` files, which hold each built
//! detection's query and settings, and the files byte for byte.

use std::collections::BTreeMap;
use std::path::Path;

use super::report::{Entry, Report, Status};
use crate::diagnostic::{Diagnostic, codes};

/// What happened to one detection in one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Built now, absent before.
    Added,
    /// Built before, absent now.
    Removed,
    /// Built in both, with a different query, settings or status.
    Changed,
}

/// One detection's change in one environment's target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// `environment/target`.
    pub place: String,
    /// The detection id.
    pub id: String,
    /// Its title (the new one when it changed).
    pub title: String,
    /// Added, removed or changed.
    pub kind: Kind,
    /// The query as a line diff (`-` old, `+` new), when it changed.
    pub query: Vec<String>,
    /// Settings that changed: name, old, new (`None` when absent).
    pub settings: Vec<(String, Option<String>, Option<String>)>,
}

/// The difference between two builds.
#[derive(Debug, Default)]
pub struct Diff {
    /// Detection changes, sorted by place and id.
    pub changes: Vec<Change>,
    /// Files added, removed and changed (paths under the output folder).
    pub files: Vec<(char, String)>,
}

/// A build read back from its folder.
pub struct Dist {
    /// Its `report.json`.
    pub report: Report,
    /// Its files by relative path.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Dist {
    /// Reads a folder `vigil build` wrote.
    pub fn read(dir: &Path) -> Result<Dist, Diagnostic> {
        let io =
            |e: std::io::Error| Diagnostic::error(codes::IO, format!("{}: {e}", dir.display()));
        let json = std::fs::read_to_string(dir.join("report.json")).map_err(|e| {
            io(e).with_help("give two folders written by `vigil build`, or two git revisions")
        })?;
        let report: Report = serde_json::from_str(&json).map_err(|e| {
            Diagnostic::error(
                codes::IO,
                format!(
                    "{}: report.json is not a Vigil build report: {e}",
                    dir.display()
                ),
            )
        })?;
        let mut files = BTreeMap::new();
        crate::load::walk_files(dir, &mut |p| {
            if let (Ok(rel), Ok(bytes)) = (p.strip_prefix(dir), std::fs::read(&p)) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                files.insert(rel, bytes);
            }
        })
        .map_err(io)?;
        Ok(Dist { report, files })
    }
}

/// Compares two builds.
pub fn diff(old: &Dist, new: &Dist) -> Diff {
    let index = |r: &Report| -> BTreeMap<(String, String), Entry> {
        r.entries()
            .filter(|(_, _, e)| e.status == Status::Built)
            .map(|(env, t, e)| ((format!("{env}/{t}"), e.id.clone()), e.clone()))
            .collect()
    };
    let (before, after) = (index(&old.report), index(&new.report));
    let mut changes = Vec::new();
    for (key, e) in &before {
        if !after.contains_key(key) {
            changes.push(change(key, e, Kind::Removed));
        }
    }
    for (key, n) in &after {
        let Some(o) = before.get(key) else {
            changes.push(change(key, n, Kind::Added));
            continue;
        };
        let mut c = change(key, n, Kind::Changed);
        if o.query != n.query {
            c.query = line_diff(
                o.query.as_deref().unwrap_or(""),
                n.query.as_deref().unwrap_or(""),
            );
        }
        let names: std::collections::BTreeSet<&String> =
            o.settings.keys().chain(n.settings.keys()).collect();
        for name in names {
            let (a, b) = (o.settings.get(name), n.settings.get(name));
            if a != b {
                c.settings.push((name.clone(), a.cloned(), b.cloned()));
            }
        }
        if !c.query.is_empty() || !c.settings.is_empty() {
            changes.push(c);
        }
    }
    changes.sort_by(|a, b| (&a.place, &a.id).cmp(&(&b.place, &b.id)));
    let mut files = Vec::new();
    let reports = |p: &str| p == "REPORT.md" || p == "report.json";
    for (p, bytes) in &old.files {
        match new.files.get(p) {
            None => files.push(('-', p.clone())),
            Some(b) if b != bytes && !reports(p) => files.push(('~', p.clone())),
            _ => {}
        }
    }
    for p in new.files.keys() {
        if !old.files.contains_key(p) {
            files.push(('+', p.clone()));
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    Diff { changes, files }
}

fn change(key: &(String, String), e: &Entry, kind: Kind) -> Change {
    Change {
        place: key.0.clone(),
        id: key.1.clone(),
        title: e.title.clone(),
        kind,
        query: Vec::new(),
        settings: Vec::new(),
    }
}

/// A line diff by longest common subsequence: unchanged lines with two
/// spaces, removed with `- `, added with `+ `. Queries are short, so the
/// quadratic table is small.
pub fn line_diff(old: &str, new: &str) -> Vec<String> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(format!("  {}", a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            out.push(format!("+ {}", b[j]));
            j += 1;
        } else {
            out.push(format!("- {}", a[i]));
            i += 1;
        }
    }
    out
}

impl Diff {
    /// Whether the builds differ at all.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.files.is_empty()
    }

    /// Plain text, for a terminal.
    pub fn to_text(&self) -> String {
        if self.is_empty() {
            return "no changes\n".into();
        }
        let mut s = String::new();
        for c in &self.changes {
            s.push_str(&format!(
                "{} {}: {} ({})\n",
                kind_word(&c.kind),
                c.place,
                c.title,
                c.id
            ));
            for line in &c.query {
                s.push_str(&format!("    {line}\n"));
            }
            for (name, a, b) in &c.settings {
                s.push_str(&format!("    {name}: {} -> {}\n", shown(a), shown(b)));
            }
        }
        if !self.files.is_empty() {
            s.push_str("files:\n");
            for (mark, p) in &self.files {
                s.push_str(&format!("  {mark} {p}\n"));
            }
        }
        s
    }

    /// Markdown, for a pull-request comment.
    pub fn to_markdown(&self) -> String {
        let mut s = String::from("## Vigil: changes to the built content\n\n");
        if self.is_empty() {
            s.push_str("No changes.\n");
            return s;
        }
        let count = |k: Kind| self.changes.iter().filter(|c| c.kind == k).count();
        s.push_str(&format!(
            "{} added, {} removed, {} changed (detection × target).\n",
            count(Kind::Added),
            count(Kind::Removed),
            count(Kind::Changed)
        ));
        // Added and removed detections in one table; changes one by one.
        let listed: Vec<&Change> = self
            .changes
            .iter()
            .filter(|c| c.kind != Kind::Changed)
            .collect();
        if !listed.is_empty() {
            s.push_str("\n| | where | detection | id |\n|---|---|---|---|\n");
            for c in listed {
                s.push_str(&format!(
                    "| {} | `{}` | {} | `{}` |\n",
                    kind_word(&c.kind),
                    c.place,
                    c.title.replace('|', "\\|"),
                    c.id.replace(['`', '|'], "'")
                ));
            }
        }
        for c in self.changes.iter().filter(|c| c.kind == Kind::Changed) {
            s.push_str(&format!(
                "\n### {} `{}`: {} (`{}`)\n",
                kind_word(&c.kind),
                c.place,
                c.title.replace('`', "'"),
                c.id.replace('`', "'")
            ));
            if !c.query.is_empty() {
                let fence = fence_for(&c.query);
                s.push_str(&format!("\n{fence}diff\n"));
                for line in &c.query {
                    // `diff` highlighting wants the mark in the first column.
                    let (mark, rest) = line.split_at(1);
                    s.push_str(&format!("{mark}{}\n", &rest[1..]));
                }
                s.push_str(&format!("{fence}\n"));
            }
            if !c.settings.is_empty() {
                s.push_str("\n| setting | before | after |\n|---|---|---|\n");
                for (name, a, b) in &c.settings {
                    s.push_str(&format!(
                        "| {name} | {} | {} |\n",
                        shown(a).replace('|', "\\|"),
                        shown(b).replace('|', "\\|")
                    ));
                }
            }
        }
        if !self.files.is_empty() {
            s.push_str("\n<details><summary>Files</summary>\n\n");
            for (mark, p) in &self.files {
                let word = match mark {
                    '+' => "added",
                    '-' => "removed",
                    _ => "changed",
                };
                s.push_str(&format!("- {word}: `{p}`\n"));
            }
            s.push_str("\n</details>\n");
        }
        s
    }
}

/// A code fence longer than any backtick run in the lines, so that a query
/// cannot close it.
fn fence_for(lines: &[String]) -> String {
    let longest = lines
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn kind_word(k: &Kind) -> &'static str {
    match k {
        Kind::Added => "added",
        Kind::Removed => "removed",
        Kind::Changed => "changed",
    }
}

fn shown(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "(none)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_diff_marks_only_what_changed() {
        assert_eq!(
            line_diff("a\nb\nc", "a\nx\nc"),
            vec!["  a", "- b", "+ x", "  c"]
        );
        assert_eq!(line_diff("a", "a\nb"), vec!["  a", "+ b"]);
    }

    #[test]
    fn fences_outrun_backticks_in_queries() {
        assert_eq!(fence_for(&["+ a ```` b".into()]), "`````");
        assert_eq!(fence_for(&["+ a".into()]), "```");
    }
}

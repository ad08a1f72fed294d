//! `vigil build`: the manifest's detections compiled for each environment ×
//! target and packaged, in memory; the caller writes the files.
//!
//! A detection a target cannot express is skipped for that target only and
//! listed in the report; an error in a detection itself (it does not load)
//! or in the manifest fails the build. Files are produced in sorted order
//! from sorted inputs and hold no times, so a build is reproducible.

use std::collections::{BTreeMap, BTreeSet};

use super::manifest::{Manifest, TargetSpec};
use super::report::{Entry, EnvReport, Report, Status, TargetReport};
use super::{Files, Item, Templates, kibana, sentinel, splunk, splunk_app};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::Detection;
use crate::load::{expand_paths, load_files};
use crate::profile::Profile;
use crate::targets::{Options, Target};

/// A finished build: every file by its path under the output folder (with
/// `/`), and the report (also among the files).
pub struct Build {
    /// Path → contents, sorted.
    pub files: BTreeMap<String, Vec<u8>>,
    /// What was built and skipped.
    pub report: Report,
    /// The errors of the report, as diagnostics (with their source lines).
    pub errors: Vec<Diagnostic>,
}

impl Build {
    /// Whether the build failed: an error in a detection or the manifest.
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Builds every environment of `manifest`, or only `only`.
pub fn build(
    manifest: &Manifest,
    only: Option<&str>,
    templates: &Templates,
) -> Result<Build, Diagnostic> {
    if let Some(name) = only
        && !manifest.environments.contains_key(name)
    {
        let known: Vec<&str> = manifest.environments.keys().map(String::as_str).collect();
        return Err(Diagnostic::error(
            codes::MANIFEST,
            format!(
                "{}: no environment `{name}` (it has: {})",
                manifest.path.display(),
                known.join(", ")
            ),
        ));
    }
    let paths = expand_paths(&manifest.detections)?;
    let mut report = Report {
        vigil_version: env!("CARGO_PKG_VERSION").to_string(),
        ..Report::default()
    };
    let mut detections = Vec::new();
    let mut errors = Vec::new();
    for loaded in load_files(&paths) {
        for d in loaded.diagnostics {
            if d.is_error() {
                errors.push(d);
            } else {
                report.warnings.push(d.one_line());
            }
        }
        detections.extend(loaded.detections);
    }
    check_unique_ids(&detections, &mut errors);
    let mut files = BTreeMap::new();
    for (env_name, env) in &manifest.environments {
        if only.is_some_and(|o| o != env_name) {
            continue;
        }
        let mut env_report = EnvReport {
            name: env_name.clone(),
            targets: Vec::new(),
        };
        for (name, spec) in &env.targets {
            let dir = format!("{env_name}/{name}");
            let mut t = TargetReport {
                name: name.clone(),
                target: spec.target.name().to_string(),
                profile: spec.profile.clone(),
                filter_only: spec.filter_only,
                ..TargetReport::default()
            };
            let built = build_target(
                manifest,
                env_name,
                spec,
                &detections,
                templates,
                &mut t,
                &mut errors,
            );
            match built {
                Ok(out) => {
                    for (path, bytes) in out {
                        t.files.push(format!("{dir}/{path}"));
                        files.insert(format!("{dir}/{path}"), bytes);
                    }
                }
                Err(mut d) => {
                    d.message = format!("{dir}: {}", d.message);
                    errors.push(d);
                }
            }
            env_report.targets.push(t);
        }
        report.environments.push(env_report);
    }
    report.errors = errors.iter().map(Diagnostic::one_line).collect();
    files.insert("REPORT.md".into(), report.to_markdown().into_bytes());
    files.insert("report.json".into(), report.to_json().into_bytes());
    Ok(Build {
        files,
        report,
        errors,
    })
}

/// Two detections with one id would be one rule (Kibana's `rule_id`, the
/// Sigma file name): an error, naming both sources.
fn check_unique_ids(detections: &[Detection], errors: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for d in detections {
        let id = d.display_id();
        if let Some(first) = seen.insert(id.clone(), &d.file.name) {
            errors.push(
                Diagnostic::error(
                    codes::META,
                    format!(
                        "the id `{id}` is also the id of a detection in {first}; ids must be unique"
                    ),
                )
                .in_file(&d.file),
            );
        }
    }
}

/// Compiles and packages one target, filling in its report; returns its
/// files (paths relative to its folder).
fn build_target(
    manifest: &Manifest,
    env_name: &str,
    spec: &TargetSpec,
    detections: &[Detection],
    templates: &Templates,
    t: &mut TargetReport,
    errors: &mut Vec<Diagnostic>,
) -> Result<Files, Diagnostic> {
    let profile = load_profile(spec)?;
    let opts = Options {
        filter_only: spec.filter_only,
        comments: true,
        params: spec.params.clone(),
        stack_version: spec.stack_version.clone(),
    };
    crate::targets::check_options(spec.target, &opts)
        .map_err(|e| Diagnostic::error(codes::MANIFEST, e))?;
    let mut used: BTreeSet<&str> = profile.scope.iter().map(|s| s.param.as_str()).collect();
    let mut items = Vec::new();
    for det in detections {
        used.extend(det.params.iter().map(|p| p.name.as_str()));
        let (entry, item) = compile_one(det, spec, &profile, &opts, errors);
        t.detections.push(entry);
        items.extend(item);
    }
    for p in spec.params.keys().filter(|k| !used.contains(k.as_str())) {
        t.warnings.push(format!(
            "parameter `{p}`: no detection or profile of this target has it"
        ));
    }
    package(manifest, env_name, spec, &profile, &items, templates, t)
}

fn load_profile(spec: &TargetSpec) -> Result<Profile, Diagnostic> {
    let err = |m: String| Diagnostic::error(codes::PROFILE, m);
    let profile = Profile::load(&spec.profile).map_err(err)?;
    spec.target.check_profile(&profile).map_err(err)?;
    // A scope parameter (the tenant) takes one literal value, as in
    // `compile`: a manifest must not widen every search either.
    profile.check_scope_values(&spec.params).map_err(err)?;
    Ok(profile)
}

/// Compiles one detection for one target: its report entry, and its package
/// item unless it was skipped. A parameter value the detection cannot take
/// is the manifest's mistake, not the target's: it goes to `errors` too,
/// failing the build.
fn compile_one(
    det: &Detection,
    spec: &TargetSpec,
    profile: &Profile,
    opts: &Options,
    errors: &mut Vec<Diagnostic>,
) -> (Entry, Option<Item>) {
    let mut entry = Entry {
        id: det.display_id(),
        title: det.meta.title.clone().unwrap_or_else(|| det.display_id()),
        source: det.file.name.clone(),
        status: Status::Skipped,
        query: None,
        settings: BTreeMap::new(),
        diagnostics: Vec::new(),
        warnings: Vec::new(),
    };
    let mut det = det.clone();
    let mut param_diags = crate::ir::params::substitute(&mut det, &spec.params);
    // Regexes and CIDR ranges are checked once their parameters have values,
    // as `compile` and `check` do: an invalid one is an error for every target.
    param_diags.extend(crate::lower::validate::regexes_and_ranges(&det));
    let (bad, warnings): (Vec<_>, Vec<_>) = param_diags.into_iter().partition(|d| d.is_error());
    entry
        .warnings
        .extend(warnings.iter().map(Diagnostic::one_line));
    if !bad.is_empty() {
        entry.diagnostics = bad.iter().map(Diagnostic::one_line).collect();
        errors.extend(bad);
        return (entry, None);
    }
    let compiled = match spec.target.backend().compile(&det, profile, opts) {
        Ok(c) => c,
        Err(errs) => {
            entry.diagnostics = errs.iter().map(Diagnostic::one_line).collect();
            return (entry, None);
        }
    };
    entry
        .warnings
        .extend(compiled.diagnostics.iter().map(Diagnostic::one_line));
    let notes = Item::filter_only_notes(&compiled.diagnostics);
    let item = Item::new(&det, compiled.query, profile, &spec.params).with_left_out(notes);
    if let Err(why) = fits(spec.target, &item) {
        entry.diagnostics.push(why);
        return (entry, None);
    }
    entry.status = Status::Built;
    entry.query = Some(item.query.clone());
    entry.settings = settings(&item);
    (entry, Some(item))
}

/// What a package needs of an item beyond a compiled query.
fn fits(target: Target, item: &Item) -> Result<(), String> {
    if target == Target::Splunk {
        for (what, value) in [("search", &item.query), ("description", &item.description)] {
            splunk::check_value(value).map_err(|why| {
                format!("the {what} cannot be written to savedsearches.conf: {why}")
            })?;
        }
    }
    Ok(())
}

/// The settings a package writes besides the query, for the report and
/// `vigil diff`.
fn settings(item: &Item) -> BTreeMap<String, String> {
    let mut s = BTreeMap::new();
    s.insert("title".into(), item.title.clone());
    s.insert("description".into(), item.description.clone());
    s.insert("level".into(), item.level.clone());
    s.insert("enabled".into(), item.enabled.to_string());
    s.insert("schedule".into(), item.schedule.cron.clone());
    s.insert("window".into(), item.schedule.window.clone());
    if !item.unset_params.is_empty() {
        s.insert("unset_params".into(), item.unset_params.join(", "));
    }
    if !item.left_out.is_empty() {
        s.insert("left_out".into(), item.left_out.join("; "));
    }
    s
}

/// Writes the target's package files (paths relative to its folder).
///
/// The one place a target's package format is chosen. A new target adds its
/// arm here.
fn package(
    manifest: &Manifest,
    env_name: &str,
    spec: &TargetSpec,
    profile: &Profile,
    items: &[Item],
    templates: &Templates,
    t: &mut TargetReport,
) -> Result<Files, Diagnostic> {
    match spec.target {
        Target::Splunk => {
            let app = splunk_app::files(templates, &manifest.app, env_name, items)?;
            let archive = splunk_app::package(&app)?;
            let mut out = app;
            out.push((format!("{}.tar.gz", manifest.app.id), archive));
            Ok(out)
        }
        Target::Kql | Target::Esql => {
            let (text, warnings) = kibana::render(templates, items, spec.target, profile)?;
            t.warnings.extend(warnings.iter().map(Diagnostic::one_line));
            Ok(vec![("rules.ndjson".into(), text.into_bytes())])
        }
        Target::Sigma => one_file_per_item(items, "yml"),
        // Sentinel: the analytics rules in the Azure-Sentinel repository's
        // YAML (one file per rule) and one ARM template that deploys them all.
        Target::Sentinel => {
            let mut out = Vec::new();
            for item in items {
                let (text, warnings) = sentinel::render(
                    templates,
                    std::slice::from_ref(item),
                    spec.target,
                    profile,
                    false,
                )?;
                t.warnings.extend(warnings.iter().map(Diagnostic::one_line));
                out.push((
                    format!("rules/{}.yaml", file_stem(&item.id)),
                    text.into_bytes(),
                ));
            }
            let (arm, _) = sentinel::render(templates, items, spec.target, profile, true)?;
            out.push(("azuredeploy.json".into(), arm.into_bytes()));
            Ok(out)
        }
        // Auth0 log search has no import format: the queries, one JSON
        // object per detection, for scripts that call the logs API.
        Target::Auth0 => {
            let list: Vec<_> = items
                .iter()
                .map(|i| serde_json::json!({"id": i.id, "title": i.title, "query": i.query}))
                .collect();
            let text = serde_json::to_string_pretty(&list).unwrap_or_default() + "\n";
            Ok(vec![("queries.json".into(), text.into_bytes())])
        }
    }
}

/// One file per detection, named after its id (ids are unique in a build,
/// so names never depend on what else is built). Two ids that differ only
/// in characters a file name cannot hold are an error.
fn one_file_per_item(items: &[Item], ext: &str) -> Result<Files, Diagnostic> {
    let mut out: BTreeMap<String, (&str, Vec<u8>)> = BTreeMap::new();
    for i in items {
        let name = format!("{}.{ext}", file_stem(&i.id));
        let mut text = i.query.clone();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        if let Some((other, _)) = out.insert(name.clone(), (&i.id, text.into_bytes())) {
            return Err(Diagnostic::error(
                crate::diagnostic::codes::IO,
                format!(
                    "the ids `{other}` and `{}` both give the file name {name}",
                    i.id
                ),
            )
            .with_help("give one of the detections another id"));
        }
    }
    Ok(out
        .into_iter()
        .map(|(name, (_, bytes))| (name, bytes))
        .collect())
}

/// An id as a file name: characters outside `[A-Za-z0-9._-]` become `_`.
pub fn file_stem(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with('.') {
        format!("_{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_keep_safe_characters_only() {
        assert_eq!(file_stem("a1-b_c.d"), "a1-b_c.d");
        assert_eq!(file_stem("../x y"), "_.._x_y");
        assert_eq!(file_stem(".hidden"), "_.hidden");
    }
}

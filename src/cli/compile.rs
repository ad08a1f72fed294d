//! `vigil compile PATH... --target T`.

use std::collections::BTreeSet;
use std::process::ExitCode;

use super::report::{emit, fail, out};
use super::{CompileArgs, Format, parse_params};
use crate::diagnostic::Diagnostic;
use crate::ir::Detection;
use crate::load::{expand_paths, load_files};
use crate::profile::Profile;
use crate::targets::{Compiled, Options};

/// One compiled detection, as the JSON output lists it.
#[derive(serde::Serialize)]
pub struct Entry {
    /// The detection's id (its file name when it has none).
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// The file it came from.
    pub source: String,
    /// The target.
    pub target: String,
    /// The compiled query.
    pub query: String,
    /// Warnings and notes.
    pub warnings: Vec<serde_json::Value>,
}

/// Compiles every detection under the given paths.
pub fn run(args: &CompileArgs) -> ExitCode {
    let params = match parse_params(&args.params) {
        Ok(p) => p,
        Err(e) => {
            fail(&e);
            return ExitCode::from(2);
        }
    };
    let profile = match Profile::load(
        args.profile
            .as_deref()
            .unwrap_or(args.target.default_profile()),
    ) {
        Ok(p) => p,
        Err(e) => {
            fail(&e);
            return ExitCode::from(2);
        }
    };
    if profile.target != args.target.profile_kind() {
        fail(&format!(
            "profile `{}` is for target `{}`, not `{}`",
            profile.name,
            profile.target,
            args.target.name()
        ));
        return ExitCode::from(2);
    }
    if args.format == Format::Url && args.target.backend().request_path("").is_none() {
        fail(&format!(
            "--format url: `{}` queries are not run through an HTTP API; use it with --target auth0",
            args.target.name()
        ));
        return ExitCode::from(2);
    }
    let files = match expand_paths(&args.paths) {
        Ok(f) => f,
        Err(d) => {
            emit(&[d]);
            return ExitCode::from(1);
        }
    };
    if files.is_empty() {
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        fail(&format!(
            "no detection files (.vigil, Sigma .yml/.yaml) under {}",
            paths.join(", ")
        ));
        return ExitCode::from(1);
    }
    let opts = Options {
        filter_only: args.filter_only,
        comments: !args.no_comments,
        params: params.clone(),
        stack_version: args.stack_version.clone(),
    };
    if let Err(e) = args.target.backend().check_options(&opts) {
        fail(&e);
        return ExitCode::from(2);
    }
    if let Err(e) = profile.check_scope_values(&params) {
        fail(&e);
        return ExitCode::from(2);
    }
    let mut used: BTreeSet<String> = profile.scope.iter().map(|s| s.param.clone()).collect();
    let mut entries: Vec<Entry> = Vec::new();
    let mut items: Vec<crate::package::Item> = Vec::new();
    let mut diags: Vec<Diagnostic> = Vec::new();
    // Loading first, then every detection's parameters, checks and compile
    // in parallel, then the results gathered in order: the diagnostics come
    // out as a sequential run would give them.
    let mut steps: Vec<Step> = Vec::new();
    let mut pending: Vec<Diagnostic> = Vec::new();
    for loaded in load_files(&files) {
        pending.extend(loaded.diagnostics);
        for det in loaded.detections {
            used.extend(det.params.iter().map(|p| p.name.clone()));
            steps.push(Step {
                before: std::mem::take(&mut pending),
                det,
            });
        }
    }
    let backend = args.target.backend();
    let compiled = crate::par::map_mut(&mut steps, |step| {
        let mut param_diags = crate::ir::params::substitute(&mut step.det, &params);
        param_diags.extend(crate::lower::validate::regexes_and_ranges(&step.det));
        let result = (!param_diags.iter().any(Diagnostic::is_error))
            .then(|| backend.compile(&step.det, &profile, &opts));
        (param_diags, result)
    });
    let packaging = matches!(
        args.format,
        Format::Savedsearches | Format::KibanaNdjson | Format::SentinelRule | Format::Arm
    );
    for (step, (param_diags, result)) in steps.into_iter().zip(compiled) {
        diags.extend(step.before);
        diags.extend(param_diags);
        match result {
            Some(Ok(c)) => {
                if packaging {
                    // A package built from --filter-only output says what
                    // was left out and stays disabled.
                    let notes = crate::package::Item::filter_only_notes(&c.diagnostics);
                    items.push(
                        crate::package::Item::new(&step.det, c.query.clone(), &profile, &params)
                            .with_left_out(notes),
                    );
                }
                entries.push(entry(&step.det, args, c, &mut diags));
            }
            Some(Err(errs)) => diags.extend(errs),
            None => {}
        }
        // Not freed: the process ends soon, and freeing thousands of IR
        // trees one node at a time was 2-3% of a SigmaHQ compile.
        std::mem::forget(step.det);
    }
    diags.extend(pending);
    for name in params.keys().filter(|k| !used.contains(*k)) {
        diags.push(Diagnostic::warning(
            crate::diagnostic::codes::PARAM,
            format!("--param {name}: no detection or profile has this parameter"),
        ));
    }
    if args.format == Format::Url {
        let backend = args.target.backend();
        for e in &mut entries {
            e.query = backend.request_path(&e.query).unwrap_or_default();
        }
    }
    let text = match args.format {
        Format::Text | Format::Url => render_text(&entries),
        Format::Json => serde_json::to_string_pretty(&entries).unwrap_or_default() + "\n",
        Format::Savedsearches | Format::KibanaNdjson | Format::SentinelRule | Format::Arm => {
            match package(args, &items, &profile) {
                Ok((t, warnings)) => {
                    diags.extend(warnings);
                    t
                }
                Err(d) => {
                    diags.push(d);
                    String::new()
                }
            }
        }
    };
    let diags: Vec<Diagnostic> = diags.into_iter().map(|d| d.strict(args.strict)).collect();
    emit(&diags);
    let failed = diags.iter().any(|d| d.is_error());
    if let Some(out) = &args.output {
        if failed {
            fail(&format!(
                "{} not written: some detections did not compile",
                out.display()
            ));
            return ExitCode::from(1);
        }
        if let Err(e) = super::write::write_file(out, &text, args.force) {
            fail(&e);
            return ExitCode::from(1);
        }
    } else {
        out(&text);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A detection to compile, with the diagnostics that come before its own
/// in the output (its file's, its parameters').
struct Step {
    before: Vec<Diagnostic>,
    det: Detection,
}

fn entry(det: &Detection, args: &CompileArgs, c: Compiled, diags: &mut Vec<Diagnostic>) -> Entry {
    let warnings = c.diagnostics.iter().map(Diagnostic::to_json).collect();
    diags.extend(c.diagnostics);
    Entry {
        id: det.display_id(),
        title: det.meta.title.clone(),
        source: det.file.name.clone(),
        target: args.target.name().to_string(),
        query: c.query,
        warnings,
    }
}

/// Renders a package format through the templates.
fn package(
    args: &CompileArgs,
    items: &[crate::package::Item],
    profile: &Profile,
) -> Result<(String, Vec<Diagnostic>), Diagnostic> {
    let templates = crate::package::Templates::load(args.templates.as_deref())?;
    match args.format {
        Format::Savedsearches => {
            if args.target != crate::targets::Target::Splunk {
                return Err(Diagnostic::error(
                    crate::diagnostic::codes::TEMPLATE,
                    "--format savedsearches needs --target splunk",
                ));
            }
            crate::package::splunk::render(&templates, items).map(|t| (t, Vec::new()))
        }
        Format::KibanaNdjson => {
            crate::package::kibana::render(&templates, items, args.target, profile)
        }
        Format::SentinelRule | Format::Arm => crate::package::sentinel::render(
            &templates,
            items,
            args.target,
            profile,
            args.format == Format::Arm,
        ),
        Format::Text | Format::Json | Format::Url => Ok((String::new(), Vec::new())),
    }
}

fn render_text(entries: &[Entry]) -> String {
    if entries.len() == 1 {
        return format!("{}\n", entries[0].query);
    }
    // Sized up front: a doubling buffer would hold up to twice the output
    // at the end of a corpus compile, when memory use peaks.
    let size: usize = entries
        .iter()
        .map(|e| e.source.len() + e.id.len() + e.query.len() + 12)
        .sum();
    let mut out = String::with_capacity(size);
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            // Sigma output stays one valid YAML stream: documents separated by `---`.
            out.push_str(if e.target == "sigma" { "---\n" } else { "\n" });
        }
        for part in ["# ", &e.source, " (", &e.id, ")\n", &e.query, "\n"] {
            out.push_str(part);
        }
    }
    out
}

//! `vigil compile PATH... --target T`.

use std::borrow::Cow;
use std::process::ExitCode;

use super::driver::{self, Outcome, input_files};
use super::json::{self, Entry};
use super::options::Setup;
use super::report::{emit, fail, out, out_pieces};
use super::{CompileArgs, EXIT_ERRORS, EXIT_USAGE, Format};
use crate::diagnostic::Diagnostic;
use crate::package::Item;
use crate::profile::Profile;
use crate::targets::{Package, Target};

/// Compiles every detection under the given paths.
pub fn run(args: &CompileArgs) -> ExitCode {
    let target = args.options.target.unwrap_or(Target::Splunk);
    let setup = match Setup::new(&args.options, Some(target))
        .and_then(|s| check_format(args, target).map(|()| s))
    {
        Ok(s) => s,
        Err(e) => {
            fail(&e);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let files = match input_files(&args.paths) {
        Ok(f) => f,
        Err(code) => return code,
    };
    // Never dropped: the process ends soon, and freeing thousands of IR
    // trees one node at a time was 2-3% of a SigmaHQ compile.
    let mut outcome = std::mem::ManuallyDrop::new(driver::run(&setup, &files));
    // `Setup::new` was given a default target, so there is a profile.
    let Some((_, profile)) = &setup.target else {
        return ExitCode::from(EXIT_USAGE);
    };
    // Queries shown on stdout are written as they are rendered (below);
    // every other output is rendered whole first.
    let queries = matches!(args.format, Format::Text | Format::Url);
    let url = args.format == Format::Url;
    let text = match args.format {
        Format::Text | Format::Url if args.output.is_none() => String::new(),
        Format::Text | Format::Url => to_string(|w| write_queries(&outcome, target, url, w)),
        Format::Json => {
            let entries: Vec<Entry> = outcome
                .units
                .iter()
                .map(|u| Entry::new(u, Some(target.name()), true))
                .collect();
            json::render(&entries)
        }
        Format::Savedsearches | Format::KibanaNdjson | Format::SentinelRule | Format::Arm => {
            match package(args, target, &outcome, profile, &setup.params) {
                Ok((t, warnings)) => {
                    outcome.push_general(warnings, setup.strict);
                    t
                }
                Err(d) => {
                    outcome.push_general(vec![d], false);
                    String::new()
                }
            }
        }
    };
    let diags: Vec<Diagnostic> = outcome.diagnostics().cloned().collect();
    emit(&diags);
    let failed = outcome.failed();
    if let Some(out) = &args.output {
        if failed {
            fail(&format!(
                "{} not written: some detections did not compile",
                out.display()
            ));
            return ExitCode::from(EXIT_ERRORS);
        }
        if let Err(e) = super::write::write_file(out, &text, args.force) {
            fail(&e);
            return ExitCode::from(EXIT_ERRORS);
        }
    } else if queries {
        out_pieces(|w| write_queries(&outcome, target, url, w));
    } else {
        out(&text);
    }
    if failed {
        ExitCode::from(EXIT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}

/// The package a format writes, if it is one.
fn package_of(format: Format) -> Option<Package> {
    match format {
        Format::Savedsearches => Some(Package::Savedsearches),
        Format::KibanaNdjson => Some(Package::KibanaNdjson),
        Format::SentinelRule => Some(Package::SentinelRule),
        Format::Arm => Some(Package::Arm),
        Format::Text | Format::Json | Format::Url => None,
    }
}

/// Checks that the output format applies to the target, and `--templates`
/// to the format (a usage error otherwise); the target says which packages
/// and requests it has.
fn check_format(args: &CompileArgs, target: Target) -> Result<(), String> {
    let format = args.format;
    let name = clap::ValueEnum::to_possible_value(&format)
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    if let Some(p) = package_of(format) {
        return crate::targets::check_package(target, p, &format!("--format {name}"));
    }
    if args.templates.is_some() {
        return Err(format!(
            "--templates does not apply to --format {name}; it applies to the package \
             formats (savedsearches, kibana-ndjson, sentinel-rule, arm)"
        ));
    }
    if format == Format::Url {
        return crate::targets::check_request_path(target, "--format url");
    }
    Ok(())
}

/// Renders a package format through the templates.
fn package(
    args: &CompileArgs,
    target: Target,
    outcome: &Outcome,
    profile: &Profile,
    params: &std::collections::BTreeMap<String, String>,
) -> Result<(String, Vec<Diagnostic>), Diagnostic> {
    // A package built from --filter-only output says what was left out
    // and stays disabled.
    let items: Vec<Item> = outcome
        .units
        .iter()
        .filter_map(|u| {
            let (det, query) = (u.det.as_ref()?, u.query.clone()?);
            let notes = Item::filter_only_notes(&u.diagnostics);
            Some(Item::new(det, query, profile, params).with_left_out(notes))
        })
        .collect();
    let templates = crate::package::Templates::load(args.templates.as_deref())?;
    match args.format {
        Format::Savedsearches => {
            crate::package::splunk::render(&templates, &items).map(|t| (t, Vec::new()))
        }
        Format::KibanaNdjson => crate::package::kibana::render(&templates, &items, target, profile),
        Format::SentinelRule | Format::Arm => crate::package::sentinel::render(
            &templates,
            &items,
            target,
            profile,
            args.format == Format::Arm,
        ),
        Format::Text | Format::Json | Format::Url => Ok((String::new(), Vec::new())),
    }
}

/// The compiled queries, separated by blank lines (`---` for Sigma, so the
/// output stays one YAML stream); with more than one, each is headed by its
/// file and id. Written piece by piece to `write`.
fn render_text<'a>(
    outcome: &'a Outcome,
    target: Target,
    show: impl Fn(&'a str) -> Cow<'a, str>,
    write: &mut dyn FnMut(&str),
) {
    let mut done = outcome
        .units
        .iter()
        .filter_map(|u| Some((u, u.det.as_ref()?, u.query.as_deref()?)))
        .peekable();
    let first = done.next();
    if let (Some((_, _, q)), None) = (first, done.peek()) {
        write(&show(q));
        write("\n");
        return;
    }
    for (i, (u, det, q)) in first.into_iter().chain(done).enumerate() {
        if i > 0 {
            write(if target == Target::Sigma {
                "---\n"
            } else {
                "\n"
            });
        }
        let (id, query) = (det.display_id(), show(q));
        for part in ["# ", &u.source, " (", &id, ")\n", &query, "\n"] {
            write(part);
        }
    }
}

/// The queries as text (`--format text`) or as request URLs (`url`).
fn write_queries(outcome: &Outcome, target: Target, url: bool, write: &mut dyn FnMut(&str)) {
    if url {
        let path = |q| Cow::Owned(target.backend().request_path(q).unwrap_or_default());
        render_text(outcome, target, path, write);
    } else {
        render_text(outcome, target, Cow::Borrowed, write);
    }
}

/// What a piece-by-piece writer produces, as one string.
fn to_string(produce: impl FnOnce(&mut dyn FnMut(&str))) -> String {
    let mut text = String::new();
    produce(&mut |piece| text.push_str(piece));
    text
}

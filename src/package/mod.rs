//! Packages: finished queries wrapped into SIEM content (a Splunk
//! `savedsearches.conf`, ...) by minijinja templates.
//!
//! Templates only arrange values; every value (the query, names, escaped
//! strings) is computed here in Rust and handed over finished. The templates
//! in `templates/` are embedded in the binary at build time; `--templates DIR`
//! loads a user's templates of the same names instead.

pub mod archive;
pub mod attack;
pub mod build;
pub mod diff;
pub mod kibana;
pub mod manifest;
pub mod report;
pub mod schedule;
pub mod sentinel;
pub mod splunk;
pub mod splunk_app;

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::Environment;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::Detection;
use crate::profile::Profile;

/// Files of a package: relative paths (with `/`) and contents.
pub type Files = Vec<(String, Vec<u8>)>;

/// A detection and its compiled query, with what every package needs.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// The detection id (file name when it has none).
    pub id: String,
    /// Its title (the id when it has none).
    pub title: String,
    /// Its description, on one line.
    pub description: String,
    /// `informational` ... `critical` (`medium` when unset).
    pub level: String,
    /// Tags.
    pub tags: Vec<String>,
    /// References.
    pub references: Vec<String>,
    /// False positives.
    pub falsepositives: Vec<String>,
    /// Author.
    pub author: Option<String>,
    /// The source file.
    pub source: String,
    /// The compiled query.
    pub query: String,
    /// Parameters still placeholders in the query.
    pub unset_params: Vec<String>,
    /// What `--filter-only` left out of the query (empty for a whole
    /// detection).
    pub left_out: Vec<String>,
    /// Whether a package may enable it: not while a parameter is unset or
    /// part of the detection was left out.
    pub enabled: bool,
    /// When and over what window to run it.
    pub schedule: schedule::Schedule,
    /// The index pattern the profile maps the detection's data to (option
    /// `indexes`, see [`Profile::source_choice`]), if it maps it.
    pub index: Option<String>,
}

impl Item {
    /// Builds the item for a compiled detection; `given` are the parameter
    /// values the query was compiled with.
    pub fn new(
        det: &Detection,
        query: String,
        profile: &Profile,
        given: &BTreeMap<String, String>,
    ) -> Item {
        let unset_params = unset_params(det, profile, given);
        let title = det.meta.title.clone().unwrap_or_else(|| det.display_id());
        Item {
            id: det.display_id(),
            description: one_line(det.meta.description.as_deref().unwrap_or(&title)),
            title,
            level: det
                .meta
                .level
                .clone()
                .unwrap_or_else(|| "medium".to_string()),
            tags: det.meta.tags.clone(),
            references: det.meta.references.clone(),
            falsepositives: det.meta.falsepositives.clone(),
            author: det.meta.author.clone(),
            source: det.file.name.clone(),
            query,
            enabled: unset_params.is_empty(),
            unset_params,
            left_out: Vec::new(),
            schedule: schedule::Schedule::of(det),
            index: profile
                .source_choice("indexes", &det.meta.logsource)
                .and_then(|v| v.as_str())
                .map(str::to_string),
        }
    }
}

impl Item {
    /// Marks the item as built from the filter alone: `notes` are the
    /// compiler's `--filter-only` warnings, which name the stages left out.
    /// The package then says so in the description and stays disabled.
    pub fn with_left_out(mut self, notes: Vec<String>) -> Item {
        if notes.is_empty() {
            return self;
        }
        self.description = format!(
            "{} [Filter only, disabled: {}]",
            self.description,
            notes.join("; ")
        );
        self.left_out = notes;
        self.enabled = false;
        self
    }

    /// The `--filter-only` notes among a compilation's diagnostics.
    pub fn filter_only_notes(diags: &[Diagnostic]) -> Vec<String> {
        diags
            .iter()
            .filter(|d| d.code == codes::FILTER_ONLY)
            .map(|d| d.message.clone())
            .collect()
    }
}

/// Parameters that stay placeholders in the output: declared without a value
/// or default, and the profile's scope parameters not given.
fn unset_params(
    det: &Detection,
    profile: &Profile,
    given: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut out: Vec<String> = det
        .params
        .iter()
        .filter(|p| p.default.is_none() && !given.contains_key(&p.name))
        .map(|p| p.name.clone())
        .collect();
    if det.scope == crate::ir::Scope::Profile {
        out.extend(
            profile
                .scope
                .iter()
                .filter(|s| !given.contains_key(&s.param))
                .map(|s| s.param.clone()),
        );
    }
    out.sort();
    out.dedup();
    out
}

/// Collapses whitespace runs (newlines included) to single spaces.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The template environment: embedded templates, optionally overridden.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// The embedded templates, with any of the same name in `dir` instead.
    pub fn load(dir: Option<&Path>) -> Result<Templates, Diagnostic> {
        let mut env = Environment::new();
        minijinja_embed::load_templates!(&mut env);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_filter("conf", splunk::conf_value);
        if let Some(dir) = dir {
            add_dir(&mut env, dir, dir)?;
        }
        Ok(Templates { env })
    }

    /// Renders template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: &impl Serialize) -> Result<String, Diagnostic> {
        let tmpl = self.env.get_template(name).map_err(template_error)?;
        let mut text = tmpl
            .render(minijinja::value::Serde(ctx))
            .map_err(template_error)?;
        // Every file ends with a newline, whatever a user's template does:
        // tools that read line by line (and `cat`) lose an unterminated line.
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

fn add_dir(env: &mut Environment<'static>, root: &Path, dir: &Path) -> Result<(), Diagnostic> {
    let io = |e: std::io::Error| Diagnostic::error(codes::IO, format!("{}: {e}", dir.display()));
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            add_dir(env, root, &p)?;
            continue;
        }
        let name = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        let text = crate::limits::read_text(&p)
            .map_err(|e| Diagnostic::error(codes::IO, format!("{}: {e}", p.display())))?;
        env.add_template_owned(name, text).map_err(template_error)?;
    }
    Ok(())
}

fn template_error(e: minijinja::Error) -> Diagnostic {
    let mut msg = e.to_string();
    if let Some(detail) = e.detail() {
        msg = format!("{msg}: {detail}");
    }
    Diagnostic::error(codes::TEMPLATE, format!("template error: {msg}"))
        .with_help("check the template (or the file given with --templates)")
}

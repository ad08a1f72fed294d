//! `vigil.toml`: what `vigil build` builds.
//!
//! A manifest names the detection folders (relative to the manifest) and,
//! per environment, the targets to build, each with its profile, stack
//! version and parameter values. A parameter value is a string, or
//! `{ env = "NAME" }` to read it from an environment variable, so that CI
//! keeps tenant names and thresholds out of the repository. See
//! `docs/ci.md` for the format.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, codes};
use crate::source::{SourceFile, Span};
use crate::targets::Target;

/// The file name `vigil build` looks for when no `--manifest` is given.
pub const FILE_NAME: &str = "vigil.toml";

/// A parsed manifest, with paths resolved against its folder.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest file.
    pub path: PathBuf,
    /// The detection folders or files, resolved.
    pub detections: Vec<PathBuf>,
    /// The Splunk app's identity.
    pub app: App,
    /// Environments by name (sorted).
    pub environments: BTreeMap<String, Environment>,
}

/// The Splunk app every Splunk target packages its searches in.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    /// The app's folder name and `[package] id`.
    #[serde(default = "default_app_id")]
    pub id: String,
    /// The label Splunk shows.
    #[serde(default = "default_app_label")]
    pub label: String,
    /// The app version (`[launcher] version`).
    #[serde(default = "default_app_version")]
    pub version: String,
    /// The app author.
    #[serde(default = "default_app_author")]
    pub author: String,
    /// One line on what the app holds.
    #[serde(default = "default_app_description")]
    pub description: String,
}

impl Default for App {
    fn default() -> App {
        App {
            id: default_app_id(),
            label: default_app_label(),
            version: default_app_version(),
            author: default_app_author(),
            description: default_app_description(),
        }
    }
}

fn default_app_id() -> String {
    "vigil_detections".into()
}
fn default_app_label() -> String {
    "Vigil detections".into()
}
fn default_app_version() -> String {
    "1.0.0".into()
}
fn default_app_author() -> String {
    "Vigil".into()
}
fn default_app_description() -> String {
    "Detections compiled by Vigil".into()
}

/// One environment (e.g. `staging`, `prod`).
#[derive(Debug, Clone)]
pub struct Environment {
    /// Targets by output name (sorted): the name is the folder under
    /// `dist/<environment>/`.
    pub targets: BTreeMap<String, TargetSpec>,
}

/// One target of an environment, its parameters resolved.
#[derive(Debug, Clone)]
pub struct TargetSpec {
    /// The query language.
    pub target: Target,
    /// The profile (a built-in name or a YAML file), or the target's default.
    pub profile: String,
    /// The SIEM version (ES|QL).
    pub stack_version: Option<String>,
    /// Parameter values: the environment's, overridden by the target's.
    pub params: BTreeMap<String, String>,
    /// Build packages from the filter alone where the pipeline cannot be
    /// expressed; such rules are written disabled, saying what was left out.
    pub filter_only: bool,
}

/// The manifest as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    detections: Vec<String>,
    #[serde(default)]
    app: Option<App>,
    #[serde(default)]
    env: BTreeMap<String, RawEnv>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnv {
    #[serde(default)]
    params: BTreeMap<String, RawValue>,
    #[serde(default)]
    targets: BTreeMap<String, RawTarget>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    target: toml::Spanned<String>,
    profile: Option<String>,
    stack_version: Option<String>,
    #[serde(default)]
    params: BTreeMap<String, RawValue>,
    #[serde(default)]
    filter_only: bool,
}

/// A parameter value: literal, or read from an environment variable.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawValue {
    Text(String),
    Integer(i64),
    Env {
        env: String,
        #[serde(default)]
        default: Option<String>,
    },
}

impl Manifest {
    /// Reads a manifest; `lookup` reads environment variables (the process
    /// environment in the CLI, a map in tests).
    pub fn load(
        path: &Path,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Manifest, Diagnostic> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::error(codes::IO, format!("{}: {e}", path.display()))
                .with_help("write a vigil.toml (docs/ci.md) or give one with --manifest")
        })?;
        Manifest::parse(path, &text, lookup)
    }

    /// Parses manifest text read from `path`.
    pub fn parse(
        path: &Path,
        text: &str,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Manifest, Diagnostic> {
        let file = SourceFile::new(path.display().to_string(), text);
        let err = |msg: String| {
            Diagnostic::error(codes::MANIFEST, msg)
                .with_help("see docs/ci.md for the vigil.toml format")
                .in_file(&file)
        };
        let at = |span: std::ops::Range<usize>, msg: String, label: &str| {
            err(msg).with_label(Span::new(span.start, span.end), label)
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let msg = e.message().to_string();
            match e.span() {
                Some(span) => at(span, msg, "here"),
                None => err(msg),
            }
        })?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let detections = raw.detections.iter().map(|d| join(dir, d)).collect();
        let app = raw.app.unwrap_or_default();
        if app.id.is_empty()
            || !app
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(err(format!(
                "app id `{}`: use letters, digits, `_` and `-` only (it names the app folder)",
                app.id
            )));
        }
        let mut environments = BTreeMap::new();
        for (env_name, env) in raw.env {
            check_name(&env_name).map_err(|m| err(format!("environment `{env_name}`: {m}")))?;
            let shared = resolve(&env.params, lookup);
            let mut targets = BTreeMap::new();
            for (name, t) in env.targets {
                let place = format!("env.{env_name}.targets.{name}");
                check_name(&name).map_err(|m| err(format!("{place}: {m}")))?;
                let target = <Target as clap::ValueEnum>::from_str(t.target.get_ref(), true)
                    .map_err(|_| {
                        at(
                            t.target.span(),
                            format!("{place}: unknown target `{}`", t.target.get_ref()),
                            "not a target",
                        )
                        .with_help("targets: splunk, sigma, auth0, kql, esql")
                    })?;
                let mut params = shared.clone();
                params.extend(resolve(&t.params, lookup));
                targets.insert(
                    name,
                    TargetSpec {
                        target,
                        profile: t
                            .profile
                            .map(|p| resolve_profile(dir, p))
                            .unwrap_or_else(|| target.default_profile().to_string()),
                        stack_version: t.stack_version,
                        params,
                        filter_only: t.filter_only,
                    },
                );
            }
            environments.insert(env_name, Environment { targets });
        }
        Ok(Manifest {
            path: path.to_path_buf(),
            detections,
            app,
            environments,
        })
    }
}

/// A profile given as a file path is relative to the manifest; a built-in
/// name stays as it is.
fn resolve_profile(dir: &Path, profile: String) -> String {
    if profile.ends_with(".yaml") || profile.ends_with(".yml") {
        join(dir, &profile).display().to_string()
    } else {
        profile
    }
}

/// `dir/rel` without `.` components, so that file names in the output do not
/// depend on how the folder was spelled.
fn join(dir: &Path, rel: &str) -> PathBuf {
    let joined = dir.join(rel);
    let clean: PathBuf = joined
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if clean.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        clean
    }
}

/// Environment and target names become folder names.
fn check_name(name: &str) -> Result<(), String> {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !name.starts_with('.')
    {
        Ok(())
    } else {
        Err("use letters, digits, `_`, `-` and `.` only (it names a folder)".into())
    }
}

fn resolve(
    raw: &BTreeMap<String, RawValue>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, v) in raw {
        let value = match v {
            RawValue::Text(s) => Some(s.clone()),
            RawValue::Integer(i) => Some(i.to_string()),
            RawValue::Env { env, default } => lookup(env).or_else(|| default.clone()),
        };
        // An environment variable that is unset leaves the parameter unset:
        // the build writes the detections that need it disabled, naming it.
        if let Some(value) = value {
            out.insert(name.clone(), value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
detections = ["."]

[app]
id = "acme_detections"

[env.prod.params]
your-tenant-name = "acme"
threshold = 5
secret = { env = "ACME_SECRET" }
missing = { env = "ACME_MISSING" }

[env.prod.targets.splunk]
target = "splunk"
params = { threshold = "10" }

[env.prod.targets.kibana]
target = "esql"
stack_version = "9.3"
profile = "profiles/mine.yaml"
"#;

    fn lookup(name: &str) -> Option<String> {
        (name == "ACME_SECRET").then(|| "s3cret".to_string())
    }

    #[test]
    fn parameters_from_literals_env_vars_and_overrides() {
        let m = Manifest::parse(Path::new("repo/vigil.toml"), TEXT, &lookup).expect("parses");
        assert_eq!(m.detections, vec![PathBuf::from("repo")]);
        assert_eq!(m.app.id, "acme_detections");
        let prod = &m.environments["prod"];
        let splunk = &prod.targets["splunk"];
        assert_eq!(splunk.target, Target::Splunk);
        assert_eq!(splunk.profile, "splunk-auth0");
        assert_eq!(splunk.params["threshold"], "10");
        assert_eq!(splunk.params["secret"], "s3cret");
        assert_eq!(splunk.params["your-tenant-name"], "acme");
        assert!(!splunk.params.contains_key("missing"));
        let kibana = &prod.targets["kibana"];
        assert_eq!(kibana.params["threshold"], "5");
        assert_eq!(kibana.profile, "repo/profiles/mine.yaml");
        assert_eq!(kibana.stack_version.as_deref(), Some("9.3"));
    }

    #[test]
    fn bad_manifests_say_what_is_wrong() {
        let bad = |text: &str| {
            Manifest::parse(Path::new("vigil.toml"), text, &lookup)
                .expect_err("refused")
                .message
        };
        assert!(
            bad("detections = [\".\"]\n[env.p.targets.x]\ntarget = \"qradar\"\n")
                .contains("unknown target `qradar`")
        );
        assert!(
            bad("detections = [\".\"]\n[env.\"../x\".targets.x]\ntarget = \"splunk\"\n")
                .contains("names a folder")
        );
        assert!(bad("detection = [\".\"]\n").contains("unknown field"));
        assert!(bad("detections = [\".\"]\n[app]\nid = \"a b\"\n").contains("app id"));
    }
}

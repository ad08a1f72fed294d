//! A Splunk app holding the saved searches: the folder Splunk installs
//! (`app.conf`, `default/savedsearches.conf`, `metadata/default.meta`,
//! `README`) and its reproducible `.tar.gz`.

use serde::Serialize;

use super::manifest::App;
use super::{Files, Item, Templates, archive, splunk};
use crate::diagnostic::{Diagnostic, codes};

#[derive(Serialize)]
struct Context<'a> {
    app: &'a App,
    environment: &'a str,
    vigil_version: &'static str,
    searches: &'a [Item],
}

/// Renders the app's files for `items`, built for `environment`: paths
/// start with the app id, in sorted order.
pub fn files(
    templates: &Templates,
    app: &App,
    environment: &str,
    items: &[Item],
) -> Result<Files, Diagnostic> {
    for (what, value) in [
        ("label", &app.label),
        ("version", &app.version),
        ("author", &app.author),
        ("description", &app.description),
    ] {
        if value.contains('\n') || splunk::check_value(value).is_err() {
            return Err(Diagnostic::error(
                codes::TEMPLATE,
                format!("app {what} `{value}`: it must be one line without a trailing backslash"),
            ));
        }
    }
    let ctx = Context {
        app,
        environment,
        vigil_version: env!("CARGO_PKG_VERSION"),
        searches: items,
    };
    let id = &app.id;
    let mut out: Files = vec![
        (
            format!("{id}/README"),
            templates.render("splunk/app/README.j2", &ctx)?.into_bytes(),
        ),
        (
            format!("{id}/default/app.conf"),
            templates
                .render("splunk/app/app.conf.j2", &ctx)?
                .into_bytes(),
        ),
        (
            format!("{id}/default/savedsearches.conf"),
            splunk::render(templates, items)?.into_bytes(),
        ),
        (
            format!("{id}/metadata/default.meta"),
            templates
                .render("splunk/app/default.meta.j2", &ctx)?
                .into_bytes(),
        ),
    ];
    out.sort();
    Ok(out)
}

/// The app's `.tar.gz`: the same files always give the same bytes.
pub fn package(files: &Files) -> Result<Vec<u8>, Diagnostic> {
    archive::tar_gz(files.iter().map(|(p, c)| (p.as_str(), c.as_slice())))
        .map_err(|e| Diagnostic::error(codes::IO, format!("writing the app archive: {e}")))
}

//! Splunk `savedsearches.conf`.
//!
//! A `.conf` value ends at the end of its line; a value that spans lines
//! continues with a backslash at the end of each line but the last, which is
//! why a multi-line search cannot be written raw.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{Item, Templates};
use crate::diagnostic::{Diagnostic, codes};

/// The template that renders the file.
pub const TEMPLATE: &str = "splunk/savedsearches.conf.j2";

/// A detection as a saved search.
#[derive(Serialize)]
struct Stanza<'a> {
    #[serde(flatten)]
    item: &'a Item,
    /// The stanza name (unique in the file).
    stanza: String,
    /// `alert.severity` (1 debug ... 6 fatal).
    splunk_severity: u8,
}

/// Splunk's alert severity for a Sigma level.
pub fn severity(level: &str) -> u8 {
    match level {
        "informational" => 2,
        "low" => 3,
        "high" => 5,
        "critical" => 6,
        _ => 4,
    }
}

/// Writes a value in `.conf` syntax: lines joined by backslash-newline.
/// A line that itself ends in a backslash would read as a continuation, so it
/// is refused by [`check_value`] before rendering.
pub fn conf_value(value: String) -> String {
    value.lines().collect::<Vec<_>>().join("\\\n")
}

/// Whether a value can be written in `.conf` syntax unchanged.
pub fn check_value(value: &str) -> Result<(), String> {
    if value.lines().any(|l| l.ends_with('\\')) {
        return Err(
            "a line of it ends with a backslash, which .conf reads as a line continuation".into(),
        );
    }
    if value.contains('\r') {
        return Err("it contains a carriage return".into());
    }
    Ok(())
}

/// Checks every value of an item the template writes into the file: a
/// newline would start a new key or stanza, a trailing backslash would join
/// the next line to the value.
fn check_item(item: &Item) -> Result<(), Diagnostic> {
    let fail = |what: &str, why: String| {
        Err(Diagnostic::error(
            codes::TEMPLATE,
            format!(
                "{}: the {what} cannot be written to savedsearches.conf: {why}",
                item.id.escape_debug()
            ),
        ))
    };
    // Values written with `conf` continue over lines; a line of them must
    // not end in a backslash.
    for (what, value) in [
        ("search", &item.query),
        ("title", &item.title),
        ("description", &item.description),
    ] {
        if let Err(why) = check_value(value) {
            return fail(what, why);
        }
    }
    // The id and parameter names go into a stanza name and a comment line,
    // which cannot continue: one line, no trailing backslash.
    let single = std::iter::once(("id", &item.id))
        .chain(item.unset_params.iter().map(|p| ("parameter name", p)));
    for (what, value) in single {
        if value.contains(['\n', '\r']) || value.ends_with('\\') {
            return fail(what, "it must be one line not ending in a backslash".into());
        }
    }
    Ok(())
}

/// Renders `savedsearches.conf` for the items.
pub fn render(templates: &Templates, items: &[Item]) -> Result<String, Diagnostic> {
    let mut used = BTreeSet::new();
    let mut stanzas = Vec::new();
    for item in items {
        check_item(item)?;
        // A stanza's name depends on its detection alone: two titles that
        // collide are an error rather than a suffix, which would rename a
        // search depending on what else is compiled in the same run.
        let name = stanza_name(&item.title);
        if !used.insert(name.clone()) {
            return Err(Diagnostic::error(
                codes::TEMPLATE,
                format!(
                    "{}: another detection in this package has the title `{}`, and Splunk names a saved search by its title",
                    item.id.escape_debug(),
                    item.title.escape_debug()
                ),
            )
            .with_help("give the detections different titles"));
        }
        stanzas.push(Stanza {
            item,
            stanza: name,
            splunk_severity: severity(&item.level),
        });
    }
    let sources: BTreeSet<&str> = items.iter().map(|i| i.source.as_str()).collect();
    #[derive(Serialize)]
    struct File<'a> {
        detections: Vec<Stanza<'a>>,
        version: &'static str,
        sources: BTreeSet<&'a str>,
    }
    templates.render(
        TEMPLATE,
        &File {
            detections: stanzas,
            version: env!("CARGO_PKG_VERSION"),
            sources,
        },
    )
}

/// A stanza name: the title, without the characters a stanza header cannot
/// hold.
fn stanza_name(title: &str) -> String {
    let clean: String = title
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    format!("Vigil - {}", super::one_line(&clean))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines() {
        assert_eq!(conf_value("a\n| b".into()), "a\\\n| b");
        assert!(check_value("x\\\ny").is_err());
        assert!(check_value("x\ny").is_ok());
    }

    #[test]
    fn stanza_names_drop_brackets() {
        assert_eq!(stanza_name("a [b]\nc"), "Vigil - a b c");
    }

    #[test]
    fn trailing_backslashes_are_refused() {
        assert!(check_value("a \\").is_err());
        assert!(check_value("a \\ b").is_ok());
    }
}

//! The data a search reads: `index=`, `sourcetype=`, `source=` and
//! `eventtype=` terms are not field tests. A built-in Splunk profile whose
//! index the search names is the layout the search was written for (its
//! field prefix and scope terms are undone); every other data-source term
//! becomes the detection's `logsource`.

use std::collections::BTreeMap;

use crate::ir::{Filter, Scope, Test, TextPart, Value};
use crate::profile::Profile;

/// The terms that choose data rather than test events.
const SOURCE_FIELDS: &[&str] = &["index", "sourcetype", "source", "eventtype"];

/// The built-in Splunk profile whose index a search's text names
/// (`index=auth0` → `splunk-auth0`), if any.
pub fn profile_for(search: &str) -> Option<Profile> {
    let index = index_term(search)?;
    Profile::builtin_names()
        .into_iter()
        .filter_map(Profile::builtin)
        .find(|p| p.target == "splunk" && p.index.as_deref() == Some(index.as_str()))
}

/// The value of the first `index=` term.
fn index_term(s: &str) -> Option<String> {
    let at = s.find("index")?;
    if at > 0 && !s[..at].ends_with(|c: char| c.is_whitespace() || c == '(') {
        return None;
    }
    let rest = s[at + 5..].trim_start().strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches('"');
    let v: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || "_-".contains(*c))
        .collect();
    (!v.is_empty()).then_some(v)
}

/// Takes the data-source terms and the profile's scope terms out of the
/// top-level conjunction. Returns the rest of the filter, the scope and the
/// data source (`index`, `sourcetype`, ... → values).
/// With `keep_scope`, the scope terms stay in the filter as tests and the
/// detection scopes itself (a sub-search of the catalog reads every
/// tenant, so its outer search cannot take the profile's scope).
pub fn extract(
    filter: Filter,
    profile: Option<&Profile>,
    keep_scope: bool,
) -> (Filter, Scope, BTreeMap<String, String>) {
    let items = match filter {
        Filter::And(v) => v,
        other => vec![other],
    };
    let mut source: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut scoped = false;
    let mut rest = Vec::new();
    for f in items {
        if let Some(terms) = source_terms(&f) {
            for (k, v) in terms {
                let is_profile_index =
                    k == "index" && profile.is_some_and(|p| p.index.as_deref() == Some(v.as_str()));
                if !is_profile_index {
                    source.entry(k).or_default().push(v);
                }
            }
            continue;
        }
        if let Some(p) = profile
            && !keep_scope
            && is_scope_term(&f, p)
        {
            scoped = true;
            continue;
        }
        rest.push(f);
    }
    let scope = match profile {
        Some(p) if !p.scope.is_empty() && !scoped => Scope::None,
        _ => Scope::Profile,
    };
    let source = source
        .into_iter()
        .map(|(k, v)| (k, crate::profile::join_source_values(&v)))
        .collect();
    (Filter::and(rest), scope, source)
}

/// True if `f` chooses data (`index=...`) rather than testing events.
pub(super) fn is_source_term(f: &Filter) -> bool {
    source_terms(f).is_some()
}

/// The (field, value) pairs if `f` only chooses data: a source term, or an
/// OR or group of them.
fn source_terms(f: &Filter) -> Option<Vec<(String, String)>> {
    match f {
        Filter::Pred(p) => {
            let name = p.field.path.to_string();
            if !SOURCE_FIELDS.contains(&name.as_str()) {
                return None;
            }
            let value = match &p.test {
                Test::Eq { value, .. } => value_text(value)?,
                Test::Like { patterns, .. } if patterns.len() == 1 => patterns.items[0].display(),
                _ => return None,
            };
            Some(vec![(name, value)])
        }
        Filter::Group(x) => source_terms(x),
        Filter::Or(v) => {
            let mut out = Vec::new();
            for x in v {
                out.extend(source_terms(x)?);
            }
            Some(out)
        }
        _ => None,
    }
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Str(t) => Some(t.display()),
        Value::Int(i) => Some(i.to_string()),
        _ => None,
    }
}

/// True if `f` is one of the profile's scope terms (`tenant_name =
/// "{your-tenant-name}"`).
fn is_scope_term(f: &Filter, p: &Profile) -> bool {
    let Filter::Pred(pred) = f else { return false };
    // A quoted field name is the author's own test, not the profile's
    // scope term (which is printed unquoted).
    !pred.field.quoted
        && p.scope.iter().any(|t| {
            pred.field.path.to_string() == t.field
                && matches!(&pred.test, Test::Eq { value: Value::Str(text), cased: false }
                if text.parts == [TextPart::Param(t.param.clone())])
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names_the_profile() {
        let p = profile_for("index=auth0 data.tenant_name=\"{x}\"").unwrap();
        assert_eq!(p.name, "splunk-auth0");
        assert!(profile_for("sourcetype=x").is_none());
        assert!(profile_for("myindex=auth0").is_none());
    }
}

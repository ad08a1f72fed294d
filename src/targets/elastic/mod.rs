//! What the two Elastic targets (KQL and ES|QL) share: how an Elastic
//! profile stores events.
//!
//! Both query languages read the same indices, so the knowledge of a
//! profile — which Elastic field holds a neutral field, its mapping type,
//! which values an ingest pipeline rewrote or removed — lives here once.
//! [`Layout`] reads it from the profile; [`translate`] turns a filter over
//! neutral fields into an [`EFilter`] over Elastic fields, which each
//! printer then writes in its own syntax.

mod filter;
mod layout;

pub use filter::{EFilter, Leaf, Rows, translate};
pub use layout::{EField, FieldType, Layout, Source, Split};

/// True for `a.b.c.d/n` and IPv6 `x::/n` ranges (and plain addresses).
pub fn is_cidr(s: &str) -> bool {
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let Ok(ip) = addr.parse::<std::net::IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    bits.is_none_or(|b| b.parse::<u8>().is_ok_and(|n| n <= max))
}

/// The detection's filter with the profile's scope terms (such as
/// `tenant_name == "{your-tenant-name}"`) added, unless it scopes itself.
pub fn scoped_filter(
    det: &crate::ir::Detection,
    profile: &crate::profile::Profile,
    params: &std::collections::BTreeMap<String, String>,
    extra: Vec<crate::ir::Filter>,
) -> crate::ir::Filter {
    use crate::ir::{FieldRef, Filter, Pred, Scope, Test, Text, TextPart, Value};
    let mut items = Vec::new();
    if det.scope == Scope::Profile {
        for t in &profile.scope {
            let mut value = Text {
                parts: vec![TextPart::Param(t.param.clone())],
            };
            crate::ir::params::substitute_text(&mut value, params);
            items.push(Filter::Pred(Pred {
                field: FieldRef::event(&t.field),
                test: Test::Eq {
                    value: Value::Str(value),
                    cased: false,
                },
                span: det.filter_span,
            }));
        }
    }
    items.push(det.filter.clone());
    items.extend(extra);
    Filter::and(items)
}

/// True if a value's case matters to a comparison (or is unknown: a
/// parameter), i.e. folding case could change the result.
pub fn has_case(v: &crate::ir::Value) -> bool {
    use crate::ir::{TextPart, Value};
    match v {
        Value::Str(t) => t.parts.iter().any(|p| match p {
            TextPart::Lit(s) => s.to_lowercase() != s.to_uppercase(),
            TextPart::Param(_) => true,
            _ => false,
        }),
        Value::Param(_) => true,
        _ => false,
    }
}

/// The index pattern a detection reads: the one the profile's `indexes`
/// option maps the detection's `logsource` to (`sourcetype=X`,
/// `product=windows`, ...: [`Profile::source_choice`]), else the profile's
/// `index`. A detection that names Splunk data (`index=`, `sourcetype=`
/// terms read from SPL) the profile does not map gets a note saying which
/// index it reads instead.
///
/// [`Profile::source_choice`]: crate::profile::Profile::source_choice
pub fn index_for(
    det: &crate::ir::Detection,
    profile: &crate::profile::Profile,
) -> (Option<String>, Option<crate::diagnostic::Diagnostic>) {
    use crate::diagnostic::{Diagnostic, codes};
    let ls = &det.meta.logsource;
    if let Some(chosen) = profile
        .source_choice("indexes", ls)
        .and_then(|v| v.as_str())
    {
        return (Some(chosen.to_string()), None);
    }
    let terms = crate::profile::splunk_source_terms(ls);
    let note = (!terms.is_empty()).then(|| {
        Diagnostic::note(
            codes::PROFILE,
            format!(
                "profile `{}` maps no index for the detection's data ({}); it reads {}",
                profile.name,
                terms.join(" "),
                profile.index.as_deref().unwrap_or("no index")
            ),
        )
        .with_label(det.filter_span, "the detection")
        .with_help("map it in the profile: options: {indexes: {\"sourcetype=X\": \"logs-x-*\"}}")
        .in_file(&det.file)
    });
    (profile.index.clone(), note)
}

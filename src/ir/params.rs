//! Parameter substitution: `--param name=value` (and declared defaults)
//! replace `{name}` placeholders. A parameter without a value stays a
//! placeholder, which every target prints as `{name}`.

use std::collections::BTreeMap;

use super::value::{Text, TextPart, Value};
use super::visit::{VisitMut, walk_filter, walk_stages};
use super::{Detection, ParamType};
use crate::diagnostic::{Diagnostic, codes};

/// A parameter's value, typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    /// As a typed value (for `{name}` used as a whole value).
    pub value: Value,
    /// As text (for `{name}` inside a string).
    pub text: String,
}

/// Whether `name` can name a parameter: it is printed as `{name}` in every
/// target and named in package comments, so it is a plain word (ASCII
/// letters, digits, `_`, `-`, `.`), never text that needs quoting.
pub fn is_param_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Parses `text` as a value of type `ty`.
pub fn bind(name: &str, ty: ParamType, text: &str) -> Result<Bound, String> {
    let value = match ty {
        ParamType::String => Value::Str(Text::lit(text)),
        ParamType::Number => {
            if let Ok(i) = text.parse::<i64>() {
                Value::Int(i)
            } else if let Ok(f) = text.parse::<f64>() {
                if !f.is_finite() {
                    return Err(format!(
                        "parameter `{name}` needs a finite number, got `{text}`"
                    ));
                }
                Value::Float(f, text.to_string())
            } else {
                return Err(format!("parameter `{name}` is a number; `{text}` is not"));
            }
        }
        ParamType::Bool => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => {
                return Err(format!(
                    "parameter `{name}` is true or false; `{text}` is neither"
                ));
            }
        },
    };
    Ok(Bound {
        value,
        text: text.to_string(),
    })
}

/// The text of a default value.
fn default_text(v: &Value) -> Option<String> {
    Some(match v {
        Value::Str(t) => t.as_literal()?,
        Value::Int(i) => i.to_string(),
        Value::Float(_, s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null | Value::Param(_) => return None,
    })
}

struct Substitute<'a> {
    bound: &'a BTreeMap<String, Bound>,
}

impl VisitMut for Substitute<'_> {
    fn value(&mut self, v: &mut Value) {
        if let Value::Param(name) = v
            && let Some(b) = self.bound.get(name.as_str())
        {
            *v = b.value.clone();
        }
    }

    fn text(&mut self, t: &mut Text) {
        if !t.has_params() {
            return;
        }
        let mut out = Text::default();
        for part in std::mem::take(&mut t.parts) {
            match part {
                TextPart::Param(name) => match self.bound.get(&name) {
                    Some(b) => out.push(TextPart::Lit(b.text.clone())),
                    None => out.push(TextPart::Param(name)),
                },
                other => out.push(other),
            }
        }
        *t = out;
    }
}

/// Substitutes the detection's parameters from `given` (name → text) and
/// from declared defaults. Values for parameters the detection does not
/// declare are ignored here (the caller reports ones no detection used).
pub fn substitute(det: &mut Detection, given: &BTreeMap<String, String>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut bound = BTreeMap::new();
    for p in &det.params {
        let text = match given.get(&p.name) {
            Some(t) => Some(t.clone()),
            None => p.default.as_ref().and_then(default_text),
        };
        let Some(text) = text else { continue };
        match bind(&p.name, p.ty, &text) {
            Ok(b) => {
                bound.insert(p.name.clone(), b);
            }
            Err(msg) => diags.push(
                Diagnostic::error(codes::PARAM, msg)
                    .with_label(p.span, "declared here")
                    .in_file(&det.file),
            ),
        }
    }
    substitute_bound(det, &bound);
    diags
}

/// Substitutes already-typed parameter values everywhere in the detection.
pub fn substitute_bound(det: &mut Detection, bound: &BTreeMap<String, Bound>) {
    if bound.is_empty() {
        return;
    }
    let mut vis = Substitute { bound };
    walk_filter(&mut det.filter, &mut vis);
    walk_stages(&mut det.pipeline, &mut vis);
}

/// Substitutes string parameters into one text (used for profile scope terms,
/// whose parameters belong to the profile rather than the detection).
pub fn substitute_text(t: &mut Text, given: &BTreeMap<String, String>) {
    let bound: BTreeMap<String, Bound> = given
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                Bound {
                    value: Value::Str(Text::lit(v.clone())),
                    text: v.clone(),
                },
            )
        })
        .collect();
    Substitute { bound: &bound }.text(t);
}

//! Field tests → Sigma detection items (`field|modifiers: value(s)`).
//!
//! A test becomes a disjunction of conjunctions of items ([`Dnf`]); almost
//! every test is one item. The modifiers say what Vigil's test says:
//! `contains` / `startswith` / `endswith` are recovered from the shape of
//! wildcard patterns, `cased` from case-sensitive tests, `expand` from
//! parameters without a value, `neq` only for `!=` (with `exists`, so that it
//! means what `!=` means: the field exists and differs).

use super::quote::{Scalar, TextError, cidr, scalar, sigma_text};
use crate::ir::pattern::Shape;
use crate::ir::{FieldKind, FieldRef, Ordering, Pred, Regex, Test, Text, Value};
use crate::profile::Profile;

/// One `field|modifiers: values` entry of a selection; the values are ORed
/// (ANDed with the `all` modifier).
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The Sigma field name.
    pub field: String,
    /// Modifiers, in the order written.
    pub mods: Vec<&'static str>,
    /// The values (one is written as a scalar).
    pub values: Vec<Scalar>,
}

impl Item {
    fn new(field: &str, mods: Vec<&'static str>, values: Vec<Scalar>) -> Item {
        Item {
            field: field.to_string(),
            mods,
            values,
        }
    }

    /// The map key: `field|mod|mod`.
    pub fn key(&self) -> String {
        let mut k = self.field.clone();
        for m in &self.mods {
            k.push('|');
            k.push_str(m);
        }
        k
    }

    /// True if another item with the same key can be ORed into this one by
    /// appending its values (the value list means "any of").
    pub fn values_are_alternatives(&self) -> bool {
        // The spec forbids `null` inside a value list.
        !self.values.contains(&Scalar::Null)
            && !self.mods.iter().any(|m| {
                matches!(
                    *m,
                    "all" | "neq" | "exists" | "gt" | "gte" | "lt" | "lte" | "re"
                )
            })
    }
}

/// Any of these conjunctions of items.
pub type Dnf = Vec<Vec<Item>>;

/// Maps event fields to the profile's Sigma names.
pub struct FieldNames<'a> {
    /// The profile.
    pub profile: &'a Profile,
    /// Written after array segments (`{}` in the catalog's style).
    pub array_mark: String,
}

impl FieldNames<'_> {
    /// The Sigma name of a field, or why it has none.
    pub fn name(&self, f: &FieldRef) -> Result<String, String> {
        let name = match f.kind {
            FieldKind::Event => self.profile.event_field(&f.path, &self.array_mark),
            FieldKind::Local | FieldKind::Lookup => f.path.render(&self.array_mark),
        };
        if name.is_empty() || name.contains('|') {
            return Err(format!(
                "the field name `{name}` cannot be written in Sigma, where `|` starts a modifier"
            ));
        }
        Ok(name)
    }
}

/// The items of a field test, or why Sigma cannot express it.
pub fn pred_items(p: &Pred, names: &FieldNames<'_>) -> Result<Dnf, String> {
    let field = names.name(&p.field)?;
    let f = field.as_str();
    Ok(match &p.test {
        Test::Eq { value, cased } => {
            alternatives(value_items(f, std::slice::from_ref(value), *cased, &[])?)
        }
        Test::In { values, cased } => {
            if values.is_empty() {
                return Err(
                    "an empty list matches nothing; Sigma reads `f: []` as \"f is null\"".into(),
                );
            }
            alternatives(value_items(f, &values.items, *cased, &[])?)
        }
        Test::Ne { value, cased } => {
            if p.field.path.segments.iter().any(|s| s.array) {
                return Err("on an array `!=` holds when any element differs, but Sigma's `neq` means that no element equals the value; write `not f == v` if that is what you mean".into());
            }
            if matches!(value, Value::Null) {
                return Err("`!= null` has no Sigma form here; write `f is not null`".into());
            }
            let mut conj = vec![Item::new(f, vec!["exists"], vec![Scalar::Bool(true)])];
            conj.extend(value_items(
                f,
                std::slice::from_ref(value),
                *cased,
                &["neq"],
            )?);
            vec![conj]
        }
        Test::Like {
            patterns,
            all,
            cased,
        } => like_items(f, &patterns.items, *all, *cased)?,
        Test::Regex { patterns, all } => regex_items(f, &patterns.items, *all)?,
        Test::Cidr { ranges } => {
            let mut values = Vec::new();
            for r in ranges {
                match r {
                    Value::Str(t) => {
                        let text = t.as_literal().ok_or(
                            "a CIDR range with a parameter cannot be written in Sigma; set it with --param",
                        )?;
                        values.push(Scalar::Str(cidr(&text)?));
                    }
                    Value::Param(n) => {
                        return Err(format!(
                            "the CIDR range `{{{n}}}` has no value; Sigma has no placeholder for ranges: set it with --param {n}=..."
                        ));
                    }
                    _ => return Err("a CIDR range must be a string such as \"10.0.0.0/8\"".into()),
                }
            }
            if values.is_empty() {
                return Err("an empty list of CIDR ranges matches nothing".into());
            }
            vec![vec![Item::new(f, vec!["cidr"], values)]]
        }
        Test::Cmp { op, value } => {
            let n = match value {
                Value::Int(i) => Scalar::Int(*i),
                Value::Float(x, _) => Scalar::Float(*x),
                Value::Param(n) => {
                    return Err(format!(
                        "`{{{n}}}` has no value, and Sigma compares only with numbers: set it with --param {n}=N"
                    ));
                }
                _ => return Err("Sigma's gt/gte/lt/lte compare only numbers".into()),
            };
            let m = match op {
                Ordering::Lt => "lt",
                Ordering::Le => "lte",
                Ordering::Gt => "gt",
                Ordering::Ge => "gte",
            };
            vec![vec![Item::new(f, vec![m], vec![n])]]
        }
        Test::Exists => vec![vec![Item::new(f, vec!["exists"], vec![Scalar::Bool(true)])]],
        Test::IsNull => vec![vec![Item::new(f, vec![], vec![Scalar::Null])]],
        Test::FieldEq { other } => {
            let other = names.name(other)?;
            if other.contains(['*', '?']) {
                return Err(format!(
                    "the field name `{other}` has a wildcard, which Sigma's fieldref does not allow"
                ));
            }
            vec![vec![Item::new(
                f,
                vec!["fieldref"],
                vec![Scalar::Str(other)],
            )]]
        }
    })
}

/// Each item on its own: any of them.
fn alternatives(items: Vec<Item>) -> Dnf {
    items.into_iter().map(|i| vec![i]).collect()
}

/// Items for "equal to one of `values`". Strings (with `cased`, and
/// `expand` for placeholders) and other scalars go to separate items,
/// because those modifiers accept only strings.
fn value_items(
    field: &str,
    values: &[Value],
    cased: bool,
    last_mods: &[&'static str],
) -> Result<Vec<Item>, String> {
    let mut texts = Vec::new();
    let mut others = Vec::new();
    let mut placeholders = false;
    let mut null = false;
    for v in values {
        let (s, ph) = scalar(v).map_err(|e| e.message())?;
        placeholders |= ph;
        match s {
            Scalar::Str(_) => texts.push(s),
            Scalar::Null => null = true,
            other => others.push(other),
        }
    }
    let text_mods = text_modifiers(None, false, cased, placeholders, last_mods);
    let mut items = Vec::new();
    // The spec forbids `null` inside a value list: it is an item of its own.
    let null_item = || Item::new(field, last_mods.to_vec(), vec![Scalar::Null]);
    if null && values.len() > 1 {
        let rest: Vec<Value> = values
            .iter()
            .filter(|v| **v != Value::Null)
            .cloned()
            .collect();
        let mut items = value_items(field, &rest, cased, last_mods)?;
        items.push(null_item());
        return Ok(items);
    }
    if text_mods.len() == last_mods.len() {
        // No string-only modifier: one item keeps the author's order.
        let all: Vec<Scalar> = values
            .iter()
            .map(|v| scalar(v).map(|(s, _)| s))
            .collect::<Result<_, TextError>>()
            .map_err(|e| e.message())?;
        items.push(Item::new(field, last_mods.to_vec(), all));
        return Ok(items);
    }
    if !texts.is_empty() {
        items.push(Item::new(field, text_mods, texts));
    }
    if !others.is_empty() {
        items.push(Item::new(field, last_mods.to_vec(), others));
    }
    if null {
        items.push(null_item());
    }
    Ok(items)
}

/// The modifiers of a string item, in the order Vigil writes them.
fn text_modifiers(
    shape: Option<&'static str>,
    all: bool,
    cased: bool,
    placeholders: bool,
    last: &[&'static str],
) -> Vec<&'static str> {
    let mut m: Vec<&'static str> = shape.into_iter().collect();
    if all {
        m.push("all");
    }
    if cased {
        m.push("cased");
    }
    if placeholders {
        m.push("expand");
    }
    m.extend_from_slice(last);
    m
}

/// The modifier that adds a shape's wildcards.
fn modifier(s: Shape) -> Option<&'static str> {
    match s {
        Shape::Contains => Some("contains"),
        Shape::StartsWith => Some("startswith"),
        Shape::EndsWith => Some("endswith"),
        Shape::Exact | Shape::General => None,
    }
}

/// Items for wildcard patterns: any of them, or all with `all`.
fn like_items(field: &str, patterns: &[Text], all: bool, cased: bool) -> Result<Dnf, String> {
    if patterns.is_empty() {
        return Err("an empty list of patterns matches nothing".into());
    }
    let shaped: Vec<(Shape, Text)> = patterns.iter().map(Text::shape).collect();
    // Groups of patterns written with one modifier, in first-seen order.
    let mut groups: Vec<(Shape, Vec<Text>)> = Vec::new();
    let same_shape = shaped.iter().all(|(s, _)| *s == shaped[0].0);
    for (pattern, (s, inner)) in patterns.iter().zip(&shaped) {
        // "Any of" patterns of different shapes cannot share one key: write
        // them all with their wildcards under the plain field.
        let (s, text) = if !all && !same_shape {
            (Shape::General, pattern.clone())
        } else {
            (*s, inner.clone())
        };
        match groups.iter_mut().find(|g| g.0 == s) {
            Some(g) => g.1.push(text),
            None => groups.push((s, vec![text])),
        }
    }
    let mut conj = Vec::new();
    for (s, texts) in groups {
        let mut values = Vec::new();
        let mut placeholders = false;
        for t in &texts {
            let st = sigma_text(t).map_err(|e| e.message())?;
            placeholders |= st.placeholders;
            values.push(Scalar::Str(st.text));
        }
        let mods = text_modifiers(
            modifier(s),
            all && values.len() > 1,
            cased,
            placeholders,
            &[],
        );
        conj.push(Item::new(field, mods, values));
    }
    Ok(vec![conj])
}

/// Items for regular expressions, grouped by their flags.
fn regex_items(field: &str, patterns: &[Regex], all: bool) -> Result<Dnf, String> {
    if patterns.is_empty() {
        return Err("an empty list of regular expressions matches nothing".into());
    }
    let mut groups: Vec<(Vec<&'static str>, Vec<Scalar>)> = Vec::new();
    for r in patterns {
        let Some(src) = r.pattern.as_literal() else {
            return Err("a regular expression with a parameter cannot be written in Sigma (`re` values are taken verbatim); set it with --param".into());
        };
        let mut mods = vec!["re"];
        if r.flags.ignore_case {
            mods.push("i");
        }
        if r.flags.multiline {
            mods.push("m");
        }
        if r.flags.dot_all {
            mods.push("s");
        }
        match groups.iter_mut().find(|g| g.0 == mods) {
            Some(g) => g.1.push(Scalar::Str(src)),
            None => groups.push((mods, vec![Scalar::Str(src)])),
        }
    }
    let items: Vec<Item> = groups
        .into_iter()
        .map(|(mut mods, values)| {
            if all && values.len() > 1 {
                mods.push("all");
            }
            Item::new(field, mods, values)
        })
        .collect();
    Ok(if all {
        vec![items]
    } else {
        alternatives(items)
    })
}

//! The values of one detection item → IR tests, per modifier mode.

use super::Cx;
use super::detection::or;
use super::encode;
use super::modifiers::{Mode, Modifier, Plan, name};
use super::strings::SigmaStr;
use super::yaml::{Node, Typed};
use crate::diagnostic::codes;
use crate::ir::{FieldRef, Filter, List, Ordering, Pred, Test, Text, Value};
use crate::source::Span;

/// A value of a plain-mode item.
enum Atom {
    /// `null`: the field is missing.
    Null,
    /// A number or boolean, compared as such.
    Scalar(Value),
    /// Text alternatives of one value (several after `windash` or
    /// `base64offset`).
    Texts(Vec<Text>),
}

/// The texts of a keyword value after the string modifiers.
pub fn keyword_texts(cx: &mut Cx, node: &Node, transforms: &[Modifier]) -> Option<Vec<Text>> {
    let s = match node.typed() {
        Some(Typed::Str(s)) => SigmaStr::parse(s),
        Some(Typed::Int(_) | Typed::Float(..) | Typed::Bool(_)) => {
            SigmaStr::literal(node.as_text().unwrap_or(""))
        }
        _ => {
            cx.error(
                codes::SIGMA,
                node.span,
                format!("a keyword must be text, not {}", node.describe()),
                "not a keyword",
                "remove the value or quote it",
            );
            return None;
        }
    };
    texts(cx, node, s, transforms)
}

/// Applies the string modifiers in order; returns the alternatives.
fn texts(cx: &mut Cx, node: &Node, s: SigmaStr, transforms: &[Modifier]) -> Option<Vec<Text>> {
    let mut s = s;
    if cx.auth0 {
        for n in s.template_params() {
            cx.template_param(&n, node.span);
        }
    }
    let mut alts = vec![s];
    for &m in transforms {
        let mut next = Vec::with_capacity(alts.len());
        for mut a in alts {
            match m {
                Modifier::Contains => a.contains(),
                Modifier::StartsWith => a.startswith(),
                Modifier::EndsWith => a.endswith(),
                Modifier::Utf16(k) => a = encode::utf16(&a, k),
                Modifier::Expand => {
                    for n in a.expand_placeholders() {
                        cx.placeholder(&n, node.span);
                    }
                }
                Modifier::Base64 | Modifier::Base64Offset => {
                    let encoded = if m == Modifier::Base64 {
                        encode::base64(&a).map(|x| vec![x])
                    } else {
                        encode::base64offset(&a)
                    };
                    let Some(encoded) = encoded else {
                        cx.error(
                            codes::SIGMA,
                            node.span,
                            format!("`{}` cannot encode a value with wildcards", name(m)),
                            "has `*`, `?` or a placeholder",
                            format!("put `contains`/`startswith`/`endswith` after `{}`", name(m)),
                        );
                        return None;
                    };
                    next.extend(encoded);
                    continue;
                }
                Modifier::WinDash => match encode::windash(&a) {
                    Ok(v) => {
                        next.extend(v);
                        continue;
                    }
                    Err(n) => {
                        cx.error(
                            codes::SIGMA_UNSUPPORTED,
                            node.span,
                            format!(
                                "`windash` would expand {n} dashes into {} alternatives",
                                5u64.saturating_pow(n as u32)
                            ),
                            "too many dashes",
                            format!(
                                "split the value: windash expands at most {} dashes",
                                encode::WINDASH_MAX
                            ),
                        );
                        return None;
                    }
                },
                _ => {}
            }
            next.push(a);
        }
        alts = next;
    }
    let mut out = Vec::with_capacity(alts.len());
    for a in alts {
        match a.into_text() {
            Some(t) => out.push(t),
            None => {
                cx.error(
                    codes::SIGMA,
                    node.span,
                    "UTF-16 bytes are not text a query can search for",
                    "wide/utf16 without base64",
                    "follow `wide`/`utf16*` with `base64` or `base64offset`",
                );
                return None;
            }
        }
    }
    Some(out)
}

fn pred(field: &FieldRef, test: Test, span: Span) -> Filter {
    Filter::Pred(Pred {
        field: field.clone(),
        test,
        span,
    })
}

/// ORs the filters, or ANDs them with `all`.
fn link(items: Vec<Filter>, all: bool) -> Filter {
    if all { Filter::and(items) } else { or(items) }
}

/// The tests of an item on `field`.
pub fn field_item(
    cx: &mut Cx,
    field: &FieldRef,
    plan: &Plan,
    nodes: &[&Node],
    span: Span,
) -> Option<Filter> {
    if nodes.is_empty() {
        // `field: []` means null, as in pySigma.
        return Some(pred(field, Test::IsNull, span));
    }
    match &plan.mode {
        Mode::Plain(transforms) => plain(cx, field, plan, transforms, nodes, span),
        Mode::Regex { flags, transforms } => {
            let mut pats = Vec::with_capacity(nodes.len());
            for n in nodes {
                pats.push(super::regex::regex(cx, n, *flags, transforms)?);
            }
            Some(pred(
                field,
                Test::Regex {
                    patterns: List::commas(pats),
                    all: plan.all,
                },
                span,
            ))
        }
        Mode::Cidr => {
            let mut items = Vec::with_capacity(nodes.len());
            for n in nodes {
                let text = text_value(cx, n, "a CIDR range such as 10.0.0.0/8")?;
                if let Err(why) = super::cidr::check_cidr(&text) {
                    cx.error(
                        codes::SIGMA,
                        n.span,
                        format!("`{text}` is not a valid CIDR range: {why}"),
                        "invalid CIDR",
                        "write an address and prefix length with the host bits zero, such as 10.0.0.0/8",
                    );
                    return None;
                }
                items.push(Value::str(text));
            }
            Some(if plan.all && items.len() > 1 {
                let tests = items
                    .into_iter()
                    .map(|v| {
                        pred(
                            field,
                            Test::Cidr {
                                ranges: List::commas(vec![v]),
                            },
                            span,
                        )
                    })
                    .collect();
                Filter::and(tests)
            } else {
                pred(
                    field,
                    Test::Cidr {
                        ranges: List::commas(items),
                    },
                    span,
                )
            })
        }
        Mode::Exists => {
            let [n] = nodes else {
                cx.error(
                    codes::SIGMA,
                    nodes[1].span,
                    "`exists` takes one value, true or false",
                    "second value",
                    "write `field|exists: true` or `field|exists: false`",
                );
                return None;
            };
            // YAML 1.1 booleans (`yes`/`no`, `on`/`off`), which pySigma's
            // YAML reader takes as true/false and SigmaHQ authors write.
            let plain = n
                .as_scalar()
                .filter(|s| s.style == crate::sigma::yaml::Style::Plain && !s.tagged_str)
                .map(|s| s.text.to_ascii_lowercase());
            let yaml11 = match plain.as_deref() {
                Some("yes" | "y" | "on") => Some(true),
                Some("no" | "n" | "off") => Some(false),
                _ => None,
            };
            if let Some(b) = yaml11
                && !matches!(n.typed(), Some(Typed::Bool(_)))
            {
                cx.warning(
                    codes::SIGMA,
                    n.span,
                    format!(
                        "`exists: {}` is read as `{b}` (a YAML 1.1 boolean)",
                        n.as_text().unwrap_or("")
                    ),
                    "YAML 1.1 boolean",
                    format!("write `field|exists: {b}`"),
                );
            }
            let value = match n.typed() {
                Some(Typed::Bool(b)) => Some(b),
                _ => yaml11,
            };
            match value {
                Some(true) => Some(pred(field, Test::Exists, span)),
                Some(false) => Some(Filter::Not(Box::new(pred(field, Test::Exists, span)))),
                None => {
                    cx.error(
                        codes::SIGMA,
                        n.span,
                        format!("`exists` takes true or false, not {}", n.describe()),
                        "not a boolean",
                        "write `field|exists: true` or `field|exists: false`",
                    );
                    None
                }
            }
        }
        Mode::FieldRef => {
            let mut tests = Vec::with_capacity(nodes.len());
            for n in nodes {
                let other = text_value(cx, n, "a field name")?;
                if other.contains(['*', '?']) {
                    cx.error(
                        codes::SIGMA,
                        n.span,
                        "a field reference cannot hold wildcards",
                        "wildcard",
                        "name one field",
                    );
                    return None;
                }
                let other = cx.field(&other);
                tests.push(pred(field, Test::FieldEq { other }, span));
            }
            Some(link(tests, plan.all))
        }
        Mode::Compare(op) => {
            let mut tests = Vec::with_capacity(nodes.len());
            for n in nodes {
                let value = number(cx, n, *op)?;
                tests.push(pred(field, Test::Cmp { op: *op, value }, span));
            }
            Some(link(tests, plan.all))
        }
    }
}

/// Plain values: equality, wildcard patterns, null.
fn plain(
    cx: &mut Cx,
    field: &FieldRef,
    plan: &Plan,
    transforms: &[Modifier],
    nodes: &[&Node],
    span: Span,
) -> Option<Filter> {
    let mut atoms = Vec::with_capacity(nodes.len());
    for n in nodes {
        let typed = n.typed();
        let atom = match typed {
            Some(Typed::Str(s)) => Atom::Texts(texts(cx, n, SigmaStr::parse(s), transforms)?),
            Some(Typed::Int(_) | Typed::Float(..)) if !transforms.is_empty() => {
                Atom::Texts(texts(cx, n, SigmaStr::literal(n.as_text()?), transforms)?)
            }
            Some(Typed::Int(i)) => Atom::Scalar(Value::Int(i)),
            Some(Typed::Float(f, t)) => Atom::Scalar(Value::Float(f, t.to_string())),
            Some(Typed::Bool(_) | Typed::Null) if !transforms.is_empty() => {
                cx.error(
                    codes::SIGMA,
                    n.span,
                    format!(
                        "`{}` applies to text, not {}",
                        name(transforms[0]),
                        n.describe()
                    ),
                    "not text",
                    "quote the value to search for it as text",
                );
                return None;
            }
            Some(Typed::Bool(b)) => Atom::Scalar(Value::Bool(b)),
            _ => Atom::Null,
        };
        atoms.push(atom);
    }
    let cased = plan.cased;
    if plan.all {
        let single_texts: Option<Vec<Text>> = atoms
            .iter()
            .map(|a| match a {
                Atom::Texts(t) if t.len() == 1 => Some(t[0].clone()),
                _ => None,
            })
            .collect();
        if let Some(patterns) = single_texts
            && patterns.len() > 1
            && patterns.iter().any(Text::has_wildcards)
        {
            return Some(pred(
                field,
                Test::Like {
                    patterns: List::commas(patterns),
                    all: true,
                    cased,
                },
                span,
            ));
        }
        let tests = atoms
            .into_iter()
            .map(|a| any_of(field, vec![a], cased, span))
            .collect();
        return Some(Filter::and(tests));
    }
    Some(any_of(field, atoms, cased, span))
}

/// A test that holds if any of the atoms matches.
fn any_of(field: &FieldRef, atoms: Vec<Atom>, cased: bool, span: Span) -> Filter {
    let mut null = false;
    let mut scalars = Vec::new();
    let mut texts = Vec::new();
    for a in atoms {
        match a {
            Atom::Null => null = true,
            Atom::Scalar(v) => scalars.push(v),
            Atom::Texts(t) => texts.extend(t),
        }
    }
    // The lists are kept in the IR for the whole run: no spare capacity.
    texts.shrink_to_fit();
    let mut tests = Vec::new();
    if texts.iter().any(Text::has_wildcards) {
        tests.push(pred(
            field,
            Test::Like {
                patterns: List::commas(texts),
                all: false,
                cased,
            },
            span,
        ));
    } else {
        scalars.extend(texts.into_iter().map(Value::Str));
    }
    match scalars.len() {
        0 => {}
        1 => tests.push(pred(
            field,
            Test::Eq {
                value: scalars.pop().unwrap_or(Value::Null),
                cased,
            },
            span,
        )),
        _ => tests.push(pred(
            field,
            Test::In {
                values: List::commas({
                    scalars.shrink_to_fit();
                    scalars
                }),
                cased,
            },
            span,
        )),
    }
    if null {
        tests.push(pred(field, Test::IsNull, span));
    }
    or(tests)
}

/// A value that must be text (numbers are taken as written).
pub fn text_value(cx: &mut Cx, n: &Node, what: &str) -> Option<String> {
    match n.typed() {
        Some(Typed::Str(s)) => Some(s.to_string()),
        Some(Typed::Int(_) | Typed::Float(..)) => n.as_text().map(str::to_string),
        _ => {
            cx.error(
                codes::SIGMA,
                n.span,
                format!("expected {what}, not {}", n.describe()),
                "wrong kind of value",
                "quote the value",
            );
            None
        }
    }
}

/// A number for `gt`/`gte`/`lt`/`lte` (a quoted number is accepted).
fn number(cx: &mut Cx, n: &Node, op: Ordering) -> Option<Value> {
    match n.typed() {
        Some(Typed::Int(i)) => return Some(Value::Int(i)),
        Some(Typed::Float(f, t)) => return Some(Value::Float(f, t.to_string())),
        Some(Typed::Str(s)) => match super::yaml::resolve_plain(s.trim()) {
            Typed::Int(i) => return Some(Value::Int(i)),
            Typed::Float(f, t) => return Some(Value::Float(f, t.to_string())),
            _ => {}
        },
        _ => {}
    }
    let op = match op {
        Ordering::Lt => "lt",
        Ordering::Le => "lte",
        Ordering::Gt => "gt",
        Ordering::Ge => "gte",
    };
    cx.error(
        codes::SIGMA,
        n.span,
        format!("`{op}` compares numbers, not {}", n.describe()),
        "not a number",
        "give a number such as 5 or 2.5",
    );
    None
}

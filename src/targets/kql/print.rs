//! The KQL printer: a filter over Elastic fields as a KQL query.
//!
//! KQL binds `not` tighter than `and`, and `and` tighter than `or`; `not`
//! applies to one sub-query, so `not not x` needs parentheses. The printer
//! adds parentheses only where that order needs them and keeps the author's.
//!
//! What KQL cannot express is an error pointing at the test; where it
//! expresses a test with another meaning (case-sensitive keywords, analyzed
//! text, string ranges) it warns.

use std::sync::Arc;

use super::quote::{field as field_name, quoted, trims, unquoted};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Keyword, Ordering, Test, Text, TextPart, Value};
use crate::source::{SourceFile, Span};
use crate::targets::elastic::{EField, EFilter, FieldType, Leaf, Source, is_cidr};

const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const ATOM: u8 = 4;

/// Prints filters and collects what it noticed.
pub(super) struct Printer<'a> {
    pub(super) file: &'a Arc<SourceFile>,
    /// Errors and warnings, in the order found.
    pub diags: Vec<Diagnostic>,
}

impl<'a> Printer<'a> {
    pub(super) fn new(file: &'a Arc<SourceFile>) -> Self {
        Printer {
            file,
            diags: Vec::new(),
        }
    }

    /// A whole query.
    pub(super) fn query(&mut self, f: &EFilter) -> String {
        match f {
            // Kibana reads an empty query as "every document".
            EFilter::True => String::new(),
            other => self.prec(other, 0).0,
        }
    }

    fn prec(&mut self, f: &EFilter, min: u8) -> (String, u8) {
        let (text, prec) = match f {
            EFilter::True => ("*:*".to_string(), ATOM),
            EFilter::And(items) => (self.join(items, AND, " and "), AND),
            EFilter::Or(items) => (self.join(items, OR, " or "), OR),
            // `not` takes a sub-query: anything but a single test needs
            // parentheses (`not not x` does not parse).
            EFilter::Not(x) => (format!("not {}", self.prec(x, ATOM).0), NOT),
            EFilter::Group(x) => (format!("({})", self.prec(x, 0).0), ATOM),
            EFilter::Keyword(k) => (self.keyword(k), ATOM),
            EFilter::Leaf(l) => self.leaf(l),
        };
        if prec < min {
            (format!("({text})"), ATOM)
        } else {
            (text, prec)
        }
    }

    fn join(&mut self, items: &[EFilter], prec: u8, sep: &str) -> String {
        items
            .iter()
            .map(|x| self.prec(x, prec).0)
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn keyword(&mut self, k: &Keyword) -> String {
        self.warn(
            k.span,
            "KQL searches free text in the index's default fields (`index.query.default_field`), word by word on text fields",
            "full-text term",
        );
        self.pattern(&k.text, k.span).unwrap_or_default()
    }

    /// One test; a test on a field inside a `nested` field is wrapped in
    /// `parent:{ ... }`.
    fn leaf(&mut self, l: &Leaf) -> (String, u8) {
        if let Source::Nested { parent, rest } = &l.field.source {
            let mut inner = l.clone();
            inner.field = EField {
                name: rest.clone(),
                source: Source::Plain,
                ..l.field.clone()
            };
            let (text, _) = self.leaf(&inner);
            return (format!("{}:{{ {text} }}", field_name(parent)), ATOM);
        }
        if matches!(l.field.ty, FieldType::Flattened | FieldType::Nested) {
            self.error(
                l.span,
                format!(
                    "`{}` is stored as the {} field `{}`: test one of its keys, such as `{}.x`",
                    l.written,
                    if l.field.ty == FieldType::Flattened {
                        "flattened"
                    } else {
                        "nested"
                    },
                    l.field.name,
                    l.written
                ),
                "a whole object",
                None,
            );
            return (String::new(), ATOM);
        }
        let f = field_name(&l.field.name);
        match &l.test {
            Test::Eq {
                value: Value::Null, ..
            }
            | Test::IsNull => (format!("not {f}: *"), NOT),
            Test::Ne {
                value: Value::Null, ..
            }
            | Test::Exists => (format!("{f}: *"), ATOM),
            Test::Eq { value, cased } => {
                self.check_case(l, *cased, std::slice::from_ref(value));
                let v = self.value(l, value);
                (format!("{f}: {v}"), ATOM)
            }
            Test::Ne { value, cased } => {
                self.check_case(l, *cased, std::slice::from_ref(value));
                let v = self.value(l, value);
                (format!("{f}: * and not {f}: {v}"), AND)
            }
            Test::In { values, cased } => {
                self.check_case(l, *cased, &values.items);
                let vs: Vec<String> = values.iter().map(|v| self.value(l, v)).collect();
                (one_or_list(&f, vs, " or "), ATOM)
            }
            Test::Like {
                patterns,
                all,
                cased,
            } => {
                self.check_pattern_type(l);
                let ps: Vec<String> = if l.field.ty == FieldType::Text {
                    patterns
                        .iter()
                        .map(|t| self.text_pattern(l, t).unwrap_or_default())
                        .collect()
                } else {
                    let as_values: Vec<Value> =
                        patterns.iter().map(|t| Value::Str(t.clone())).collect();
                    self.check_case(l, *cased, &as_values);
                    patterns
                        .iter()
                        .map(|t| self.pattern(t, l.span).unwrap_or_default())
                        .collect()
                };
                (
                    one_or_list(&f, ps, if *all { " and " } else { " or " }),
                    ATOM,
                )
            }
            Test::Regex { .. } => {
                self.error(
                    l.span,
                    "KQL has no regular expressions",
                    "regular expression",
                    Some("use a wildcard pattern (`like`), or compile to ES|QL (`--target esql`)"),
                );
                (String::new(), ATOM)
            }
            Test::Cidr { ranges } => (self.cidr(l, &f, &ranges.items), ATOM),
            Test::Cmp { op, value } => {
                self.check_range(l, value);
                let op = match op {
                    Ordering::Lt => "<",
                    Ordering::Le => "<=",
                    Ordering::Gt => ">",
                    Ordering::Ge => ">=",
                };
                let v = self.value(l, value);
                (format!("{f} {op} {v}"), ATOM)
            }
            Test::FieldEq { other } => {
                self.error(
                    l.span,
                    format!(
                        "KQL cannot compare two fields (`{}` and `{}`)",
                        l.written, other.path
                    ),
                    "field against field",
                    Some("compile to ES|QL (`--target esql`), which can"),
                );
                (String::new(), ATOM)
            }
        }
    }

    /// A value to compare with: exact text is always quoted (so `*` and
    /// keywords in it are literal); numbers and booleans are bare.
    fn value(&mut self, l: &Leaf, v: &Value) -> String {
        self.check_value_type(l, v);
        match v {
            Value::Str(t) => quoted(&t.display()),
            Value::Int(i) => i.to_string(),
            Value::Float(_, text) => text.clone(),
            Value::Bool(b) => b.to_string(),
            // Only reached inside lists; a lone null is handled as a test.
            Value::Null => "null".to_string(),
            // KQL has no parameters: the placeholder stays, quoted, for
            // whoever deploys the query to fill in.
            Value::Param(n) => quoted(&format!("{{{n}}}")),
        }
    }

    /// A wildcard pattern: quoted when it has no wildcard, else unquoted
    /// with its literal text escaped.
    fn pattern(&mut self, t: &Text, span: Span) -> Option<String> {
        if !t.has_wildcards() {
            return Some(quoted(&t.display()));
        }
        let mut out = String::new();
        let mut lit = String::new();
        for p in &t.parts {
            match p {
                TextPart::Lit(s) => lit.push_str(s),
                TextPart::Param(n) => lit.push_str(&format!("{{{n}}}")),
                TextPart::AnyString => {
                    out.push_str(&unquoted(&lit));
                    lit.clear();
                    out.push('*');
                }
                TextPart::AnyChar => {
                    self.error(
                        span,
                        "KQL has no single-character wildcard (`?` is a literal character in KQL)",
                        "`?` wildcard",
                        Some("use `*`, which matches more, only if that is what you mean; or compile to ES|QL (`--target esql`)"),
                    );
                    return None;
                }
            }
        }
        out.push_str(&unquoted(&lit));
        let whole = t.display();
        if trims(&whole) {
            self.error(
                span,
                "KQL trims spaces at the ends of a wildcard value, so this pattern cannot be written",
                "starts or ends with whitespace",
                Some("compile to ES|QL (`--target esql`)"),
            );
            return None;
        }
        Some(out)
    }

    /// A wildcard pattern on a text field, which KQL matches word by word:
    /// a single-word pattern matches words; text between leading and
    /// trailing wildcards becomes a phrase; anything else has no KQL form.
    fn text_pattern(&mut self, l: &Leaf, t: &Text) -> Option<String> {
        let name = &l.field.name;
        let inner: &[TextPart] = {
            let parts = &t.parts[..];
            let start = usize::from(matches!(parts.first(), Some(TextPart::AnyString)));
            let end = parts.len()
                - usize::from(
                    parts.len() > start && matches!(parts.last(), Some(TextPart::AnyString)),
                );
            &parts[start..end]
        };
        let words_only = t.parts.iter().all(|p| match p {
            TextPart::Lit(s) => s.chars().all(|c| c.is_alphanumeric() || c == '_'),
            _ => true,
        });
        if words_only {
            self.warn(
                l.span,
                &format!("`{name}` is a text field in this profile: KQL matches this pattern against each word of it (case-insensitively), not against the whole value"),
                "matched word by word",
            );
            return self.pattern(t, l.span);
        }
        if let [TextPart::Lit(phrase)] = inner {
            self.warn(
                l.span,
                &format!("`{name}` is a text field in this profile: KQL matches the words \"{phrase}\" as a phrase anywhere in it (case-insensitively), not this pattern against the whole value"),
                "matched as a phrase",
            );
            return Some(quoted(phrase));
        }
        self.error(
            l.span,
            format!("`{name}` is a text field in this profile: KQL matches wildcards against single words, so this pattern (several words, or wildcards inside) cannot be written"),
            "pattern on a text field",
            Some("compile to ES|QL (`--target esql`), which matches the whole value"),
        );
        None
    }

    fn cidr(&mut self, l: &Leaf, f: &str, ranges: &[Value]) -> String {
        if l.field.ty != FieldType::Ip {
            self.error(
                l.span,
                format!(
                    "`{}` is not mapped as an IP address in this profile (`{}` is {}), so KQL cannot test a CIDR range on it",
                    l.written,
                    l.field.name,
                    l.field.ty.describe()
                ),
                "CIDR test",
                Some("compile to ES|QL (`--target esql`), which converts with TO_IP"),
            );
            return String::new();
        }
        let mut vs = Vec::new();
        for r in ranges {
            match r {
                Value::Str(t) if t.as_literal().is_some_and(|s| is_cidr(&s)) => {
                    vs.push(quoted(&t.display()))
                }
                Value::Str(t) if t.has_params() => vs.push(quoted(&t.display())),
                Value::Param(n) => vs.push(quoted(&format!("{{{n}}}"))),
                other => {
                    self.error(
                        l.span,
                        format!("`{}` is not a CIDR range", value_text(other)),
                        "CIDR test",
                        Some("write ranges such as \"10.0.0.0/8\""),
                    );
                }
            }
        }
        one_or_list(f, vs, " or ")
    }

    pub(super) fn error(
        &mut self,
        span: Span,
        msg: impl Into<String>,
        label: &str,
        help: Option<&str>,
    ) {
        let mut d = Diagnostic::error(codes::UNSUPPORTED, msg)
            .with_label(span, label)
            .in_file(self.file);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    pub(super) fn warn(&mut self, span: Span, msg: &str, label: &str) {
        self.diags.push(
            Diagnostic::warning(codes::SEMANTICS_DIFFER, msg)
                .with_label(span, label)
                .in_file(self.file),
        );
    }
}

/// `f: v`, or `f: (v1 or v2)` for several values.
fn one_or_list(f: &str, values: Vec<String>, sep: &str) -> String {
    if values.len() == 1 {
        format!("{f}: {}", values[0])
    } else {
        format!("{f}: ({})", values.join(sep))
    }
}

pub(super) fn value_text(v: &Value) -> String {
    match v {
        Value::Str(t) => t.display(),
        Value::Int(i) => i.to_string(),
        Value::Float(_, s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Param(n) => format!("{{{n}}}"),
    }
}

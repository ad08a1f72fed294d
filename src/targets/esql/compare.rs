//! How a field is compared with a value in ES|QL, by mapping type.
//!
//! ES|QL is strictly typed: a keyword field cannot be compared with a
//! number, an IP field with arbitrary text. Vigil's filters compare text as
//! text (case-insensitively unless `cased`), numbers as numbers in ordering
//! tests, and a test that cannot hold is simply false. So each comparison is
//! written for the field's type: folded with `TO_LOWER`, converted with
//! `TO_IP`/`TO_DOUBLE`/`TO_STRING`, or with the value converted instead.

use super::Printer;
use super::quote::string;
use crate::ir::{ParamType, Text, TextPart, Value};
use crate::targets::elastic::{FieldType, Leaf, has_case};

/// The two sides of a comparison.
pub(super) struct Operands {
    /// The field side (`x`, `TO_LOWER(x)`, ...).
    pub lhs: String,
    /// The value side.
    pub rhs: String,
    /// The comparison can be null although the field is present (a
    /// conversion that fails), so a negation must treat null as false.
    pub extra_null: bool,
}

/// A value as the comparison sees it.
enum V {
    Text(Text),
    Num(String),
    Bool(bool),
    Param(String, ParamType),
}

impl Printer<'_> {
    /// The operands of `x <op> value` for test `l` (field expression `x`).
    /// `ordering` is set for `<`, `<=`, `>`, `>=`, which never fold case.
    pub(super) fn operands(
        &mut self,
        l: &Leaf,
        x: &str,
        value: &Value,
        cased: bool,
        ordering: bool,
    ) -> Operands {
        let v = match value {
            Value::Str(t) => V::Text(t.clone()),
            Value::Int(i) => V::Num(i.to_string()),
            Value::Float(_, text) => V::Num(text.clone()),
            Value::Bool(b) => V::Bool(*b),
            Value::Param(n) => V::Param(n.clone(), self.param_type(n)),
            // Null is a presence test, handled by the caller.
            Value::Null => V::Text(Text::lit("")),
        };
        let fold = !cased && !l.exact && !ordering && has_case(value);
        let plain = |lhs: &str, rhs: String| Operands {
            lhs: lhs.to_string(),
            rhs,
            extra_null: false,
        };
        let as_string = |me: &mut Self, t: &Text| {
            let f = fold && has_case(&Value::Str(t.clone()));
            Operands {
                lhs: lower_if(f, &format!("TO_STRING({x})")),
                rhs: me.text(t, f),
                extra_null: false,
            }
        };
        let ty = l.field.ty;
        let stringish = matches!(
            ty,
            FieldType::Keyword | FieldType::Text | FieldType::Unknown
        );
        match v {
            V::Text(t) => match ty {
                _ if stringish => Operands {
                    lhs: lower_if(fold, x),
                    rhs: self.text(&t, fold),
                    extra_null: false,
                },
                FieldType::Ip => match t.as_literal() {
                    Some(s) if s.parse::<std::net::IpAddr>().is_ok() => {
                        plain(x, format!("TO_IP({})", string(&s)))
                    }
                    None => plain(x, format!("TO_IP({})", self.text(&t, false))),
                    Some(_) => as_string(self, &t),
                },
                FieldType::Number => match t.as_literal() {
                    Some(s) if is_number(&s) => plain(x, s),
                    None => plain(x, format!("TO_DOUBLE({})", self.text(&t, false))),
                    Some(_) => as_string(self, &t),
                },
                FieldType::Boolean => match t.as_literal().map(|s| s.to_ascii_lowercase()) {
                    Some(s) if s == "true" || s == "false" => plain(x, s),
                    None => plain(x, format!("TO_BOOLEAN({})", self.text(&t, false))),
                    Some(_) => as_string(self, &t),
                },
                _ => Operands {
                    lhs: x.to_string(),
                    rhs: format!("TO_DATETIME({})", self.text(&t, false)),
                    extra_null: true,
                },
            },
            V::Num(n) => match ty {
                FieldType::Keyword | FieldType::Text if ordering => Operands {
                    lhs: format!("TO_DOUBLE({x})"),
                    rhs: n,
                    extra_null: true,
                },
                FieldType::Keyword | FieldType::Text => plain(x, string(&n)),
                FieldType::Unknown | FieldType::Number => plain(x, n),
                // Vigil's times are epoch seconds, as in SPL.
                FieldType::Date => plain(&format!("TO_DOUBLE({x}) / 1000"), n),
                _ => plain(&format!("TO_STRING({x})"), string(&n)),
            },
            V::Bool(b) => match ty {
                FieldType::Boolean | FieldType::Unknown => plain(x, b.to_string()),
                FieldType::Keyword | FieldType::Text => {
                    plain(&lower_if(!cased, x), string(&b.to_string()))
                }
                _ => plain(&format!("TO_STRING({x})"), string(&b.to_string())),
            },
            V::Param(name, pty) => {
                let p = self.param(&name);
                match (pty, ty) {
                    (ParamType::String, _) if stringish => Operands {
                        lhs: lower_if(fold, x),
                        rhs: lower_if(fold, &p),
                        extra_null: false,
                    },
                    (_, FieldType::Ip) => plain(x, format!("TO_IP({p})")),
                    (_, FieldType::Number) => plain(x, format!("TO_DOUBLE({p})")),
                    (_, FieldType::Boolean) => plain(x, format!("TO_BOOLEAN({p})")),
                    (ParamType::Number, FieldType::Date) => {
                        plain(&format!("TO_DOUBLE({x}) / 1000"), p)
                    }
                    (_, FieldType::Date) => Operands {
                        lhs: x.to_string(),
                        rhs: format!("TO_DATETIME({p})"),
                        extra_null: true,
                    },
                    (ParamType::Number, FieldType::Keyword | FieldType::Text) if ordering => {
                        Operands {
                            lhs: format!("TO_DOUBLE({x})"),
                            rhs: p,
                            extra_null: true,
                        }
                    }
                    (_, FieldType::Unknown) => plain(x, p),
                    (ParamType::Bool, _) => plain(&lower_if(!cased, x), format!("TO_STRING({p})")),
                    _ => plain(x, format!("TO_STRING({p})")),
                }
            }
        }
    }

    /// A text value as an ES|QL string expression: a literal, a parameter
    /// (`?name`), or `CONCAT` of both; lower-cased when `fold`.
    pub(super) fn text(&mut self, t: &Text, fold: bool) -> String {
        if let Some(lit) = t.as_literal() {
            return string(&if fold { lit.to_lowercase() } else { lit });
        }
        let mut parts = Vec::new();
        for p in &t.parts {
            match p {
                TextPart::Lit(s) => parts.push(string(s)),
                TextPart::Param(n) => parts.push(self.param(n)),
                // Wildcards have no place in a compared value; keep them as
                // the characters they stand for.
                TextPart::AnyString => parts.push(string("*")),
                TextPart::AnyChar => parts.push(string("?")),
            }
        }
        let joined = if parts.len() == 1 {
            parts.remove(0)
        } else {
            format!("CONCAT({})", parts.join(", "))
        };
        lower_if(fold, &joined)
    }
}

fn lower_if(fold: bool, x: &str) -> String {
    if fold {
        format!("TO_LOWER({x})")
    } else {
        x.to_string()
    }
}

/// True for numbers ES|QL can read as written.
fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

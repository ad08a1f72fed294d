//! Where a KQL test would not mean what the filter means: values a typed
//! field cannot hold (Elasticsearch would reject the query), wildcards on
//! fields that take none, and the case and range semantics of keyword and
//! text fields.

use super::print::{Printer, value_text};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::Value;
use crate::targets::elastic::{FieldType, Leaf, has_case};

impl Printer<'_> {
    /// Warns where KQL compares case-sensitively but the test ignores case.
    pub(super) fn check_case(&mut self, l: &Leaf, cased: bool, values: &[Value]) {
        if l.field.ty == FieldType::Text {
            self.warn(
                l.span,
                &format!(
                    "`{}` is a text field in this profile: KQL matches its words (case-insensitively) anywhere in the value, not the whole value",
                    l.field.name
                ),
                "matched as words",
            );
            return;
        }
        if cased || l.exact || !l.field.ty.is_keyword_like() {
            return;
        }
        if values.iter().any(has_case) {
            self.diags.push(
                Diagnostic::warning(
                    codes::SEMANTICS_DIFFER,
                    format!(
                        "KQL compares the keyword field `{}` case-sensitively; this test ignores case",
                        l.field.name
                    ),
                )
                .with_label(l.span, "case-insensitive test")
                .with_help("write `cased` if the value's case is exact, or compile to ES|QL (`--target esql`), which folds case")
                .in_file(self.file),
            );
        }
    }

    pub(super) fn check_pattern_type(&mut self, l: &Leaf) {
        if matches!(
            l.field.ty,
            FieldType::Ip | FieldType::Number | FieldType::Date | FieldType::Boolean
        ) {
            self.error(
                l.span,
                format!(
                    "KQL cannot match wildcards on `{}`, which is {}",
                    l.field.name,
                    l.field.ty.describe()
                ),
                "wildcard pattern",
                Some(if l.field.ty == FieldType::Ip {
                    "test a range with `cidr`, or compile to ES|QL (`--target esql`)"
                } else {
                    "compile to ES|QL (`--target esql`)"
                }),
            );
        }
    }

    pub(super) fn check_range(&mut self, l: &Leaf, v: &Value) {
        let numeric = matches!(v, Value::Int(_) | Value::Float(..));
        if numeric && l.field.ty.is_keyword_like() {
            self.warn(
                l.span,
                &format!(
                    "`{}` is a keyword field: KQL compares it as text (\"10\" < \"9\"), not as a number",
                    l.field.name
                ),
                "compared as text",
            );
        }
    }

    /// Values a typed field cannot hold make Elasticsearch reject the whole
    /// query; report them here instead.
    pub(super) fn check_value_type(&mut self, l: &Leaf, v: &Value) {
        let text = match v {
            Value::Str(t) if t.has_params() => return,
            Value::Param(_) | Value::Null => return,
            other => value_text(other),
        };
        let ok = match l.field.ty {
            FieldType::Ip => text.parse::<std::net::IpAddr>().is_ok(),
            FieldType::Number => text.parse::<f64>().is_ok(),
            FieldType::Boolean => matches!(text.as_str(), "true" | "false"),
            _ => true,
        };
        if !ok {
            self.error(
                l.span,
                format!(
                    "`{}` is {} in this profile; `{text}` is not such a value and Elasticsearch would reject the query",
                    l.field.name,
                    l.field.ty.describe()
                ),
                "value of the wrong type",
                None,
            );
        }
    }
}

//! Syntax errors: pest's expectations turned into readable diagnostics.

use super::Rule;
use crate::diagnostic::{Diagnostic, codes};
use crate::source::Span;

/// Converts a pest error to a diagnostic: an everyday mistake explained
/// (see [`super::hints`]), else a readable list of expectations.
pub(super) fn syntax_error(e: pest::error::Error<Rule>, text: &str) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let span = match e.location {
        InputLocation::Pos(p) => Span::new(p, p + 1),
        InputLocation::Span((s, end)) => Span::new(s, end.max(s + 1)),
    };
    let (message, label) = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().filter_map(|r| rule_name(*r)).collect();
            names.sort_unstable();
            names.dedup();
            if names.is_empty() {
                ("syntax error".to_string(), "unexpected here".to_string())
            } else {
                (
                    format!("syntax error: expected {}", join_or(&names)),
                    format!("expected {}", join_or(&names)),
                )
            }
        }
        ErrorVariant::CustomError { message } => (message.clone(), "here".to_string()),
    };
    if let Some(h) = super::hints::explain(text, span.start) {
        return Diagnostic::error(codes::SYNTAX, h.message)
            .with_label(h.span, h.label)
            .with_help(h.help);
    }
    Diagnostic::error(codes::SYNTAX, message)
        .with_label(span, label)
        .with_help("see the language reference in docs/language.md")
}

fn join_or(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Human names for the rules that can appear in "expected ..." messages.
fn rule_name(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::EOI => "end of file",
        Rule::expr | Rule::or_expr | Rule::and_expr | Rule::not_expr | Rule::predicate => {
            "an expression"
        }
        Rule::sum | Rule::product | Rule::unary => "a value",
        Rule::stage | Rule::query => "`|` and a stage",
        Rule::field | Rule::field_path | Rule::field_list => "a field name",
        Rule::string | Rule::string_lit | Rule::raw_string => "a string",
        Rule::number | Rule::integer => "a number",
        Rule::meta_value | Rule::meta_list | Rule::meta_map => "a metadata value",
        Rule::meta_key | Rule::meta_entry => "a metadata key",
        Rule::param_decl | Rule::kw_param => "`param`",
        Rule::param_type => "a parameter type (string, number, bool)",
        Rule::param_name => "a parameter name",
        Rule::cmp_op => "a comparison operator",
        Rule::compare | Rule::in_list | Rule::text_test | Rule::is_null | Rule::exists => {
            "an operator"
        }
        Rule::value_list => "a parenthesised list",
        Rule::kw_as | Rule::alias => "`as`",
        Rule::kw_by | Rule::by_clause => "`by`",
        Rule::aggregate | Rule::agg_fn | Rule::agg_list => "an aggregate (count, dc, values, ...)",
        Rule::option | Rule::option_name => "an option (name=value)",
        Rule::sep => "`,`",
        Rule::kw_search | Rule::search_head => "`search`",
        _ => return None,
    })
}

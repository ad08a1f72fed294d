//! Completion: stages after `|`, functions, keywords, declared parameters
//! inside `{`, and field names from the Auth0 schema.

use lsp_types::{CompletionItem, CompletionItemKind};

use super::vocab::{KEYWORDS, STAGES, stage_doc};
use crate::ir::Func;

/// The completions at byte `offset` of `text`.
pub fn at(text: &str, offset: usize) -> Vec<CompletionItem> {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let (_, word) = super::text::word_at(before, before.len());
    let prefix = &before[..before.len() - word.len()];
    let item = |label: &str, kind, detail: Option<String>| CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    };
    if prefix.ends_with('{') {
        return declared_params(text)
            .into_iter()
            .map(|p| item(&p, CompletionItemKind::VARIABLE, Some("parameter".into())))
            .collect();
    }
    if prefix.trim_end().ends_with('|') {
        return STAGES
            .iter()
            .map(|(s, _)| {
                item(
                    s,
                    CompletionItemKind::KEYWORD,
                    stage_doc(s).map(str::to_string),
                )
            })
            .collect();
    }
    let mut out: Vec<CompletionItem> = Func::ALL
        .iter()
        .map(|f| {
            item(
                f.name(),
                CompletionItemKind::FUNCTION,
                Some(f.signature().into()),
            )
        })
        .collect();
    out.extend(
        KEYWORDS
            .iter()
            .map(|k| item(k, CompletionItemKind::KEYWORD, None)),
    );
    out.extend(
        crate::schema::auth0()
            .fields()
            .iter()
            .map(|f| item(f.path, CompletionItemKind::FIELD, Some(f.ty.to_string()))),
    );
    out.retain(|i| i.label.starts_with(word));
    out
}

/// The names of the `param` declarations of a document (by text, so a
/// half-typed file still offers them).
pub fn declared_params(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("param "))
        .filter_map(|rest| {
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

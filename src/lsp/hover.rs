//! Hover: what a stage or function does, a field's type and description
//! from the Auth0 log schemas.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::text::{range, word_at};
use super::vocab::stage_doc;
use crate::ir::Func;
use crate::schema::Lookup;
use crate::source::Span;

/// The hover at byte `offset` of `text`.
pub fn at(text: &str, offset: usize) -> Option<Hover> {
    let (start, word) = word_at(text, offset);
    if word.is_empty() {
        return None;
    }
    let after = text[start + word.len()..].trim_start();
    let before = text[..start].trim_end();
    let value = if before.ends_with('|') && stage_doc(word).is_some() {
        format!(
            "**{word}** (stage)\n\n{}",
            stage_doc(word).unwrap_or_default()
        )
    } else if let Some(f) = Func::from_name(word).filter(|_| after.starts_with('(')) {
        format!("**{}** (function)\n\n`{}`", f.name(), f.signature())
    } else {
        match crate::schema::auth0().lookup(word) {
            Lookup::Known(f) => {
                let (n, codes) = f.event_types.split_once(':').unwrap_or(("?", ""));
                format!(
                    "**{}**: `{}`\n\n{}\n\nIn {n} Auth0 event type(s): {codes}",
                    f.path, f.ty, f.description
                )
            }
            Lookup::Open(f) => format!(
                "**{word}**: below `{}`, an object the Auth0 schemas do not detail",
                f.path
            ),
            Lookup::Unknown => return None,
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(range(text, Span::new(start, start + word.len()))),
    })
}

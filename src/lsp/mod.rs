//! `vigil lsp`: a Language Server Protocol server on standard input and
//! output. It calls the same readers, lowering, checks and formatter as the
//! command line; one file per request kind.

mod completion;
mod definition;
mod diagnostics;
mod formatting;
mod hover;
pub mod text;
mod vocab;

use std::collections::HashMap;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{Completion, Formatting, GotoDefinition, HoverRequest, Request as _};
use lsp_types::{
    CompletionOptions, CompletionParams, CompletionResponse, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DocumentFormattingParams,
    GotoDefinitionParams, GotoDefinitionResponse, HoverParams, HoverProviderCapability, Location,
    OneOf, PublishDiagnosticsParams, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};

/// Open documents by URI.
type Docs = HashMap<String, (Uri, String)>;

/// Runs the server until the client shuts it down.
pub fn serve() -> Result<(), String> {
    let (conn, io) = Connection::stdio();
    let caps = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["|".into(), "{".into(), ".".into()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    let caps = serde_json::to_value(caps).map_err(|e| e.to_string())?;
    conn.initialize(caps).map_err(|e| e.to_string())?;
    let mut docs = Docs::new();
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                if conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    break;
                }
                let resp = respond(&docs, req);
                send(&conn, Message::Response(resp))?;
            }
            Message::Notification(n) => {
                if let Some(uri) = update(&mut docs, n) {
                    publish(&conn, &docs, &uri)?;
                }
            }
            Message::Response(_) => {}
        }
    }
    drop(conn);
    io.join().map_err(|e| e.to_string())
}

fn send(conn: &Connection, msg: Message) -> Result<(), String> {
    conn.sender.send(msg).map_err(|e| e.to_string())
}

/// A document's name for the readers: its path, which chooses the reader.
fn name_of(uri: &str) -> &str {
    uri.strip_prefix("file://").unwrap_or(uri)
}

/// Applies a document notification; returns the URI whose diagnostics changed.
fn update(docs: &mut Docs, n: Notification) -> Option<String> {
    match n.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let p: DidOpenTextDocumentParams = serde_json::from_value(n.params).ok()?;
            let key = p.text_document.uri.as_str().to_string();
            docs.insert(key.clone(), (p.text_document.uri, p.text_document.text));
            Some(key)
        }
        DidChangeTextDocument::METHOD => {
            let p: DidChangeTextDocumentParams = serde_json::from_value(n.params).ok()?;
            let key = p.text_document.uri.as_str().to_string();
            // Full sync: the last change is the whole text.
            let text = p.content_changes.into_iter().last()?.text;
            docs.insert(key.clone(), (p.text_document.uri, text));
            Some(key)
        }
        DidCloseTextDocument::METHOD => {
            let p: DidCloseTextDocumentParams = serde_json::from_value(n.params).ok()?;
            docs.remove(p.text_document.uri.as_str());
            None
        }
        _ => None,
    }
}

fn publish(conn: &Connection, docs: &Docs, key: &str) -> Result<(), String> {
    let Some((uri, text)) = docs.get(key) else {
        return Ok(());
    };
    let params = PublishDiagnosticsParams {
        uri: uri.clone(),
        diagnostics: diagnostics::of(name_of(key), text),
        version: None,
    };
    let value = serde_json::to_value(params).map_err(|e| e.to_string())?;
    send(
        conn,
        Message::Notification(Notification::new(PublishDiagnostics::METHOD.into(), value)),
    )
}

/// The response to one request (null for unknown documents, an error for
/// unknown methods).
fn respond(docs: &Docs, req: Request) -> Response {
    let id = req.id.clone();
    let doc = |uri: &Uri| docs.get(uri.as_str()).map(|(_, t)| t.as_str());
    let result = match req.method.as_str() {
        Completion::METHOD => serde_json::from_value::<CompletionParams>(req.params)
            .ok()
            .and_then(|p| {
                let tp = p.text_document_position;
                let text = doc(&tp.text_document.uri)?;
                let items = completion::at(text, text::offset(text, tp.position));
                serde_json::to_value(CompletionResponse::Array(items)).ok()
            }),
        HoverRequest::METHOD => serde_json::from_value::<HoverParams>(req.params)
            .ok()
            .and_then(|p| {
                let tp = p.text_document_position_params;
                let text = doc(&tp.text_document.uri)?;
                serde_json::to_value(hover::at(text, text::offset(text, tp.position))?).ok()
            }),
        GotoDefinition::METHOD => serde_json::from_value::<GotoDefinitionParams>(req.params)
            .ok()
            .and_then(|p| {
                let tp = p.text_document_position_params;
                let text = doc(&tp.text_document.uri)?;
                let span = definition::at(text, text::offset(text, tp.position))?;
                let loc = Location {
                    uri: tp.text_document.uri.clone(),
                    range: text::range(text, span),
                };
                serde_json::to_value(GotoDefinitionResponse::Scalar(loc)).ok()
            }),
        Formatting::METHOD => serde_json::from_value::<DocumentFormattingParams>(req.params)
            .ok()
            .and_then(|p| {
                let key = p.text_document.uri.as_str();
                let text = doc(&p.text_document.uri)?;
                serde_json::to_value(formatting::edits(name_of(key), text)).ok()
            }),
        _ => {
            return Response::new_err(
                id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("vigil lsp does not handle {}", req.method),
            );
        }
    };
    Response::new_ok(id, result.unwrap_or(serde_json::Value::Null))
}

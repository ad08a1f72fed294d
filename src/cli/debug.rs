//! `vigil debug ast|ir FILE`.

use std::path::Path;
use std::process::ExitCode;

use super::DebugStage;
use super::report::{emit, fail, out};
use crate::load::{VIGIL_EXT, load_file};

/// Prints the requested representation as JSON.
pub fn run(stage: DebugStage, path: &Path) -> ExitCode {
    match stage {
        DebugStage::Ast => {
            if path.extension().and_then(|e| e.to_str()) != Some(VIGIL_EXT) {
                fail("`debug ast` reads Vigil (.vigil) files; use `debug ir` for Sigma rules");
                return ExitCode::from(2);
            }
            let text = match crate::limits::read_text(path) {
                Ok(t) => t,
                Err(e) => {
                    fail(&format!("{}: {e}", path.display()));
                    return ExitCode::from(1);
                }
            };
            match crate::syntax::parse_file(&text) {
                Ok(ast) => {
                    out(&format!("{}\n", to_json(&ast)));
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    let file = crate::source::SourceFile::new(path.display().to_string(), text);
                    emit(&[d.in_file(&file)]);
                    ExitCode::from(1)
                }
            }
        }
        DebugStage::Ir => {
            let loaded = load_file(path);
            emit(&loaded.diagnostics);
            if loaded.diagnostics.iter().any(|d| d.is_error()) {
                return ExitCode::from(1);
            }
            for det in &loaded.detections {
                out(&format!("{}\n", to_json(det)));
            }
            ExitCode::SUCCESS
        }
    }
}

fn to_json(v: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

//! `vigil debug ast|ir FILE`.

use std::path::Path;
use std::process::ExitCode;

use super::DebugStage;
use super::report::{emit, fail, out};
use crate::load::{VIGIL_EXT, load_file};

/// Prints the requested representation as JSON.
pub fn run(stage: DebugStage, path: &Path) -> ExitCode {
    if !crate::load::is_stdin(path) && !path.is_file() {
        fail(&format!("{}: no such file", path.display()));
        return ExitCode::from(super::EXIT_USAGE);
    }
    match stage {
        DebugStage::Ast => {
            if path.extension().and_then(|e| e.to_str()) != Some(VIGIL_EXT) {
                fail("`debug ast` reads Vigil (.vigil) files; use `debug ir` for Sigma rules");
                return ExitCode::from(super::EXIT_USAGE);
            }
            let text = match crate::limits::read_text(path) {
                Ok(t) => t,
                Err(e) => {
                    fail(&format!("{}: {e}", path.display()));
                    return ExitCode::from(super::EXIT_ERRORS);
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
                    ExitCode::from(super::EXIT_ERRORS)
                }
            }
        }
        DebugStage::Ir => {
            let loaded = load_file(path);
            emit(&loaded.diagnostics);
            if loaded.diagnostics.iter().any(|d| d.is_error()) {
                return ExitCode::from(super::EXIT_ERRORS);
            }
            for det in &loaded.detections {
                out(&format!("{}\n", to_json(det)));
            }
            ExitCode::SUCCESS
        }
    }
}

/// Pretty JSON whose indentation stops growing past [`MAX_INDENT`] levels:
/// indenting every level makes the output grow with the square of the
/// nesting depth (a 200 KB rule of 100,000 nested `not` gave gigabytes).
fn to_json(v: &impl serde::Serialize) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, CappedIndent::default());
    match v.serialize(&mut ser) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => format!("{{\"error\": \"{e}\"}}"),
    }
}

/// Nesting levels that are indented; deeper ones keep the last indent.
const MAX_INDENT: usize = 32;

/// serde_json's pretty formatter, with indentation capped at
/// [`MAX_INDENT`] levels so output stays linear in the input.
#[derive(Default)]
struct CappedIndent {
    depth: usize,
    has_value: bool,
}

impl CappedIndent {
    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.depth.min(MAX_INDENT) {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(c)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        self.has_value = true;
        w.write_all(c)
    }

    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for CappedIndent {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_serde_pretty_until_the_indent_cap() {
        let v = serde_json::json!({"a": [1, {"b": []}], "c": {}});
        assert_eq!(to_json(&v), serde_json::to_string_pretty(&v).unwrap());
        let nest = |n: usize| {
            let mut v = serde_json::json!(1);
            for _ in 0..n {
                v = serde_json::json!([v]);
            }
            v
        };
        let text = to_json(&nest(1000));
        // Linear: 1,000 levels, each at most a bracket and 32 indents.
        assert!(
            text.len() < 1000 * 2 * (MAX_INDENT * 2 + 3),
            "{}",
            text.len()
        );
        // Still JSON (serde_json reads at most 128 levels).
        let back: serde_json::Value = serde_json::from_str(&to_json(&nest(100))).unwrap();
        assert_eq!(back, nest(100));
    }
}

//! `vigil lsp` driven over stdio as an editor drives it: initialize,
//! didOpen, didChange, completion, hover, definition, formatting, shutdown;
//! and every prefix of a few detections typed into it without a crash.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("vigil lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut s = Server {
            child,
            stdin,
            stdout,
            next_id: 0,
        };
        let init = s.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        assert!(
            init["capabilities"]["hoverProvider"]
                .as_bool()
                .unwrap_or(false),
            "{init}"
        );
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn read(&mut self) -> Value {
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            let n = self.stdout.read_line(&mut line).expect("read header");
            assert!(n > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().expect("length");
            }
        }
        let mut body = vec![0; len];
        self.stdout.read_exact(&mut body).expect("body");
        serde_json::from_slice(&body).expect("json")
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.read();
            if m["id"] == json!(id) {
                assert!(m.get("error").is_none(), "{m}");
                return m["result"].clone();
            }
        }
    }

    /// The next diagnostics published.
    fn diagnostics(&mut self) -> Vec<Value> {
        loop {
            let m = self.read();
            if m["method"] == "textDocument/publishDiagnostics" {
                return m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "vigil", "version": 1, "text": text}}),
        );
        self.diagnostics()
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics()
    }

    fn at(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            method,
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
    }

    fn stop(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.is_null());
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("exits");
        assert!(status.success(), "{status}");
    }
}

const URI: &str = "file:///tmp/t.vigil";

#[test]
fn an_editor_session() {
    let mut s = Server::start();
    let text = "title: \"t\"\nlogsource: {product: \"auth0\"}\nparam thr: number = 3\nsearch tpye == \"f\"\n";
    let diags = s.open(URI, text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "vigil::schema");
    assert_eq!(diags[0]["severity"], 2);
    assert_eq!(
        diags[0]["range"]["start"],
        json!({"line": 3, "character": 7})
    );
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("did you mean `type`?")
    );

    let text = "title: \"t\"\nlogsource: {product: \"auth0\"}\nparam thr: number = 3\nsearch type == \"f\"\n| stats count as n by ip\n| where n > {thr}\n| ";
    let diags = s.change(URI, 2, text);
    assert!(!diags.is_empty(), "a half-typed stage is an error");
    // After `| `: the stages.
    let items = s.at("textDocument/completion", URI, 6, 2);
    let labels: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"stats") && labels.contains(&"where"),
        "{labels:?}"
    );

    let text = "title: \"t\"\nlogsource: {product: \"auth0\"}\nparam thr: number = 3\nsearch type == \"f\"\n| stats count as n by ip\n| where n > {thr}\n";
    assert!(s.change(URI, 3, text).is_empty());
    // Inside `{`: the declared parameters.
    let items = s.at("textDocument/completion", URI, 5, 13);
    assert_eq!(items[0]["label"], "thr", "{items}");
    // A field prefix: schema fields.
    let items = s.at("textDocument/completion", URI, 3, 9);
    let labels: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"type"), "{labels:?}");

    // Hover: a field's type and description, a stage's documentation.
    let h = s.at("textDocument/hover", URI, 3, 8);
    let v = h["contents"]["value"].as_str().unwrap_or("");
    assert!(
        v.contains("**type**: `string`") && v.contains("166 Auth0 event type"),
        "{v}"
    );
    let h = s.at("textDocument/hover", URI, 4, 4);
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("Aggregates rows"),
        "{h}"
    );

    // Go to the parameter's declaration.
    let d = s.at("textDocument/definition", URI, 5, 14);
    assert_eq!(
        d["range"]["start"],
        json!({"line": 2, "character": 6}),
        "{d}"
    );

    // Formatting through `vigil fmt`.
    let messy = "title: \"t\"\nsearch   type == \"f\"\n|stats count by ip\n";
    s.change(URI, 4, messy);
    let edits = s.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(
        edits[0]["newText"], "title: \"t\"\n\nsearch type == \"f\"\n| stats count by ip\n",
        "{edits}"
    );
    // Sigma rules get diagnostics too.
    let d = s.open("file:///tmp/r.yml", "title: x\nlogsource: {product: windows}\ndetection:\n  sel: {EventID: 1}\n  condition: sell\n");
    assert!(!d.is_empty(), "{d:?}");
    s.stop();
}

#[test]
fn every_prefix_of_some_detections_is_served_without_a_crash() {
    let mut s = Server::start();
    let root = common::root();
    for (n, file) in [
        "detections/risk_for_mfa_push_fatigue.vigil",
        "detections/credential_stuffing_signals.vigil",
        "detections/grant_mgn_api_scopes.vigil",
        "tests/fixtures/sigma-correlations/temporal_ordered.yml",
    ]
    .iter()
    .enumerate()
    {
        let text = std::fs::read_to_string(root.join(file)).expect("read");
        let ext = if file.ends_with(".yml") {
            "yml"
        } else {
            "vigil"
        };
        let uri = format!("file:///tmp/p{n}.{ext}");
        s.open(&uri, "");
        // Every prefix, as typed one character at a time.
        let ends: Vec<usize> = (0..=text.len())
            .filter(|i| text.is_char_boundary(*i))
            .collect();
        for (v, end) in ends.iter().enumerate() {
            let prefix = &text[..*end];
            s.change(&uri, v as i64 + 2, prefix);
            if v % 25 == 0 {
                let p = vigil::lsp::text::position(prefix, prefix.len());
                s.at("textDocument/completion", &uri, p.line, p.character);
                s.at(
                    "textDocument/hover",
                    &uri,
                    p.line,
                    p.character.saturating_sub(1),
                );
            }
        }
    }
    s.stop();
}

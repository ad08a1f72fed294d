//! Event input: NDJSON, JSON arrays, pretty-printed streams, log-stream
//! envelopes, gzip; malformed input gives diagnostics with file and line
//! and never a panic.

use std::io::Write;
use std::path::{Path, PathBuf};

use vigil::eval::input::read_all;

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vigil-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

fn types(path: &Path) -> (Vec<String>, Vec<String>) {
    let (events, diags) = read_all(path);
    (
        events
            .iter()
            .map(|e| e.json()["type"].as_str().unwrap_or("?").to_string())
            .collect(),
        diags.iter().map(|d| d.one_line()).collect(),
    )
}

const NDJSON: &str = "{\"type\":\"s\",\"date\":\"2025-07-11T10:00:00Z\"}\n{\"type\":\"f\"}\n";

#[test]
fn ndjson_arrays_streams_and_envelopes() {
    let (t, d) = types(&temp_file("a.ndjson", NDJSON.as_bytes()));
    assert_eq!((t, d), (vec!["s".to_string(), "f".to_string()], vec![]));

    let array =
        "[\n  {\"type\": \"s\"},\n  {\"type\": \"f\", \"details\": {\"a\": [1, \"]\"]}}\n]\n";
    let (t, d) = types(&temp_file("b.json", array.as_bytes()));
    assert_eq!((t, d), (vec!["s".to_string(), "f".to_string()], vec![]));

    let pretty = "{\n  \"type\": \"s\"\n}\n{\n  \"type\": \"f\"\n}\n";
    let (t, _) = types(&temp_file("c.json", pretty.as_bytes()));
    assert_eq!(t, ["s", "f"]);

    let envelopes = "{\"log_id\":\"1\",\"data\":{\"type\":\"s\"}}\n{\"log_id\":\"2\",\"data\":{\"type\":\"f\",\"log_id\":\"2\"}}\n";
    let (events, _) = read_all(&temp_file("d.ndjson", envelopes.as_bytes()));
    assert_eq!(
        *events[0].json(),
        serde_json::json!({"type": "s", "log_id": "1"})
    );
    assert_eq!(events[1].json()["type"], "f");
}

#[test]
fn gzip_is_detected_by_its_magic_bytes() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(NDJSON.as_bytes()).expect("gzip");
    let bytes = gz.finish().expect("gzip");
    // The name does not say .gz: the bytes do.
    let (t, d) = types(&temp_file("e.ndjson", &bytes));
    assert_eq!((t, d), (vec!["s".to_string(), "f".to_string()], vec![]));
}

#[test]
fn malformed_events_are_reported_with_file_and_line() {
    let text = "{\"type\":\"s\"}\n{\"type\": oops}\n[1]\n\n{\"type\":\"f\"}\n";
    let path = temp_file("f.ndjson", text.as_bytes());
    let (t, d) = types(&path);
    assert_eq!(t, ["s", "f"]);
    let name = path.display().to_string();
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d[0].starts_with(&format!(
            "{name}:2:10: error[vigil::eval::events]: malformed JSON"
        )),
        "{}",
        d[0]
    );
    assert!(
        d[1].starts_with(&format!(
            "{name}:3:1: error[vigil::eval::events]: expected an event (a JSON object), found an array"
        )),
        "{}",
        d[1]
    );
    let (events, diags) = read_all(&temp_file("g.json", b"[{\"type\":\"s\"}, {\"type\":"));
    assert_eq!(events.len(), 1);
    assert!(
        diags[0].message.contains("ends inside"),
        "{}",
        diags[0].message
    );
}

#[test]
fn garbage_never_panics() {
    // Deterministic garbage: bytes from a simple generator, some of them
    // JSON-ish, fed as a file; reading must end with diagnostics only.
    let mut rng = vigil::synth::SplitMix64::new(99);
    let alphabet = b"{}[]\",:0123456789abc \n\\\xff\x1f\x8b";
    for round in 0..50 {
        let len = 1 + rng.below(400) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
            .collect();
        let path = temp_file(&format!("garbage-{round}.json"), &bytes);
        let _ = read_all(&path);
    }
    let (events, diags) = read_all(Path::new("/nonexistent/vigil/events.ndjson"));
    assert!(events.is_empty());
    assert!(
        diags[0].message.contains("No such file"),
        "{}",
        diags[0].message
    );
}

#[test]
fn synthetic_events_read_back_in_every_layout() {
    use vigil::synth::{Layout, write_events};
    let mut counts = Vec::new();
    for (i, layout) in [Layout::Ndjson, Layout::Array, Layout::Envelope]
        .into_iter()
        .enumerate()
    {
        let mut out = Vec::new();
        write_events(&mut out, 200, 5, 1.75e9, layout).expect("write");
        let (events, diags) = read_all(&temp_file(&format!("synth-{i}.json"), &out));
        assert!(diags.is_empty(), "{diags:?}");
        assert!(
            events
                .iter()
                .all(|e| e.time.is_some() && e.json().get("type").is_some())
        );
        counts.push(events.len());
    }
    assert_eq!(counts, [200, 200, 200]);
}

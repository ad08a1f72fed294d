//! The files the Splunk reader takes: `.spl` searches, `savedsearches.conf`
//! and (with `--from splunk`) YAML detections whose search is a field.

use std::path::Path;
use std::sync::Arc;

use super::yaml::ScalarMap;
use super::{Macros, conf, config, read_search};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Detection, Meta};
use crate::source::SourceFile;

/// True if the path is read by the Splunk reader: a `.spl` file, a
/// `savedsearches.conf`, or (with `--from splunk`) a YAML file.
pub fn is_spl_input(p: &Path) -> bool {
    let ext = p.extension().and_then(|e| e.to_str());
    ext == Some("spl")
        || p.file_name().and_then(|n| n.to_str()) == Some("savedsearches.conf")
        || (config().from_splunk && matches!(ext, Some("yml" | "yaml")))
}

/// Reads one SPL input.
pub fn load(file: Arc<SourceFile>) -> (Vec<Detection>, Vec<Diagnostic>) {
    let macros = &config().macros;
    let path = Path::new(&file.name);
    let ext = path.extension().and_then(|e| e.to_str());
    let one = |r: Result<Detection, Diagnostic>| match r {
        Ok(d) => (vec![d], Vec::new()),
        Err(e) => (Vec::new(), vec![e]),
    };
    match ext {
        Some("spl") => one(read_search(&file, 0, &file.text, spl_meta(&file), macros)),
        Some("conf") => saved_searches(&file, macros),
        _ => one(yaml_field(&file, macros)),
    }
}

/// Metadata of a `.spl` file: `key: value` lines in its leading ```
/// comments; the title defaults to the file name, the id to one derived
/// from the path.
fn spl_meta(file: &SourceFile) -> Meta {
    let path = Path::new(&file.name);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let mut meta = Meta {
        title: Some(stem.replace('_', " ")),
        id: Some(stable_id(&file.name)),
        ..Meta::default()
    };
    let mut rest = file.text.trim_start();
    while let Some(body) = rest.strip_prefix("```") {
        let Some(end) = body.find("```") else { break };
        for line in body[..end].lines() {
            if let Some((k, v)) = line.split_once(':') {
                set_meta(&mut meta, k.trim(), v.trim());
            }
        }
        rest = body[end + 3..].trim_start();
    }
    meta
}

fn set_meta(meta: &mut Meta, key: &str, value: &str) {
    let v = Some(value.to_string());
    match key {
        "title" | "name" => meta.title = v,
        "id" => meta.id = v,
        "description" => meta.description = v,
        "level" => meta.level = v,
        "status" => meta.status = v,
        "author" => meta.author = v,
        "date" => meta.date = v,
        "tags" => {
            meta.tags = value
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        }
        _ => {}
    }
}

/// A UUID-shaped id that depends only on the path (FNV-1a, twice).
fn stable_id(path: &str) -> String {
    let h = |seed: u64| {
        path.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let (a, b) = (h(0xcbf2_9ce4_8422_2325), h(0x84222325_cbf29ce4));
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Every stanza of a `savedsearches.conf` that has a `search`.
fn saved_searches(file: &Arc<SourceFile>, macros: &Macros) -> (Vec<Detection>, Vec<Diagnostic>) {
    let mut dets = Vec::new();
    let mut diags = Vec::new();
    for st in conf::stanzas(&file.text) {
        let (Some(search), Some(at)) = (st.get("search"), st.offset("search")) else {
            continue;
        };
        let mut meta = Meta {
            title: Some(st.name.clone()),
            id: Some(stable_id(&format!("{}#{}", file.name, st.name))),
            description: st.get("description").map(str::to_string),
            ..Meta::default()
        };
        // Splunk's severities 1-6 (debug ... fatal) as Sigma levels.
        meta.level = st.get("alert.severity").and_then(|s| match s.trim() {
            "1" | "2" => Some("informational".to_string()),
            "3" => Some("low".into()),
            "4" => Some("medium".into()),
            "5" => Some("high".into()),
            "6" => Some("critical".into()),
            _ => None,
        });
        let mut schedule = serde_json::Map::new();
        if let Some(cron) = st.get("cron_schedule") {
            schedule.insert("cron".into(), cron.into());
        }
        if let Some(w) = st
            .get("dispatch.earliest_time")
            .and_then(|e| e.trim().strip_prefix('-'))
            .and_then(|w| crate::ir::Duration::parse(w.split('@').next().unwrap_or(w)))
        {
            schedule.insert("window".into(), w.to_string().into());
        }
        if !schedule.is_empty() {
            meta.extra.insert("schedule".into(), schedule.into());
        }
        // The `\` continuations were joined; spans stay exact only when
        // there were none, so continued searches are read from a copy.
        let raw = &file.text[at..];
        let result = if raw.starts_with(search) {
            read_search(file, at, search, meta, macros)
        } else {
            let copy = SourceFile::new(format!("{} [{}]", file.name, st.name), search);
            read_search(&copy, 0, search, meta, macros)
        };
        match result {
            Ok(d) => dets.push(d),
            Err(e) => diags.push(e),
        }
    }
    (dets, diags)
}

/// A YAML detection whose search is its `splunk:` (Auth0 catalog) or
/// `search:` (security_content) field.
fn yaml_field(file: &Arc<SourceFile>, macros: &Macros) -> Result<Detection, Diagnostic> {
    let doc: serde_json::Value = serde_saphyr::from_str(&file.text).map_err(|e| {
        Diagnostic::error(codes::YAML, format!("not a YAML document: {e}")).in_file(file)
    })?;
    let Some(search) = ["splunk", "search"]
        .iter()
        .find_map(|k| doc.get(k).and_then(|v| v.as_str()))
    else {
        return Err(Diagnostic::error(
            codes::META,
            "no `splunk:` or `search:` field holding a Splunk search",
        )
        .in_file(file)
        .with_help("--from splunk reads YAML detections whose SPL sits in one of those fields"));
    };
    let text = |k: &str| doc.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let mut meta = Meta {
        id: text("id").or_else(|| Some(stable_id(&file.name))),
        title: text("title").or_else(|| text("name")),
        status: text("status"),
        description: text("description"),
        author: text("author"),
        date: text("date"),
        modified: text("modified"),
        level: text("level"),
        ..Meta::default()
    };
    if let Some(tags) = doc.get("tags").and_then(|t| t.as_array()) {
        meta.tags = tags
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect();
    }
    let spl = SourceFile::new(format!("{} (search)", file.name), search);
    let result = read_search(&spl, 0, search, meta, macros);
    // Spans count bytes of the field's decoded text; mapped back, they
    // point at the YAML file's own lines. Without a map (a scalar the walk
    // cannot pair with its source), they point into the search.
    let Some(map) = search_node(&file.text).and_then(|n| ScalarMap::new(&file.text, &n)) else {
        return result;
    };
    match result {
        Ok(mut det) => {
            map.detection(&mut det, file);
            Ok(det)
        }
        Err(d) => Err(map.diagnostic(d, file)),
    }
}

/// The `splunk:` or `search:` node of a YAML detection, with its place in
/// the text.
fn search_node(text: &str) -> Option<crate::sigma::yaml::Node<'_>> {
    let (docs, _) = crate::sigma::yaml::parse_stream(text);
    let root = docs.into_iter().next()?.root?;
    ["splunk", "search"]
        .iter()
        .find_map(|k| root.get(k).filter(|n| n.as_text().is_some()).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_searches_become_detections() {
        let text = "[Brute force]\nsearch = index=main action=failure \\\n| stats count by user\n\
                    description = many failures\nalert.severity = 5\ncron_schedule = */5 * * * *\n\
                    dispatch.earliest_time = -1h\n\n[No search]\ndescription = x\n";
        let file = SourceFile::new("app/savedsearches.conf", text);
        let (dets, diags) = load(file);
        assert!(
            diags.is_empty(),
            "{:?}",
            diags.iter().map(|d| d.one_line()).collect::<Vec<_>>()
        );
        assert_eq!(dets.len(), 1);
        let d = &dets[0];
        assert_eq!(d.meta.title.as_deref(), Some("Brute force"));
        assert_eq!(d.meta.level.as_deref(), Some("high"));
        assert_eq!(d.meta.extra["schedule"]["cron"], "*/5 * * * *");
        assert_eq!(d.meta.extra["schedule"]["window"], "1h");
        assert_eq!(
            d.meta.logsource.get("index").map(String::as_str),
            Some("main")
        );
        assert_eq!(d.pipeline.len(), 1);
    }

    #[test]
    fn spl_metadata_comes_from_leading_comments() {
        let text = "```title: Many failures\nlevel: low\ntags: a, b```\nindex=main x=1";
        let (dets, _) = load(SourceFile::new("dir/many.spl", text));
        let m = &dets[0].meta;
        assert_eq!(m.title.as_deref(), Some("Many failures"));
        assert_eq!(m.level.as_deref(), Some("low"));
        assert_eq!(m.tags, vec!["a".to_string(), "b".to_string()]);
        let (dets, _) = load(SourceFile::new("dir/many_failures.spl", "x=1"));
        assert_eq!(dets[0].meta.title.as_deref(), Some("many failures"));
        assert_eq!(dets[0].meta.id, Some(stable_id("dir/many_failures.spl")));
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(stable_id("a.spl"), stable_id("a.spl"));
        assert_ne!(stable_id("a.spl"), stable_id("b.spl"));
        assert_eq!(stable_id("a.spl").len(), 36);
    }
}

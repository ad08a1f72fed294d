//! Splunk's own library (`../shared/corpora/splunk-security-content`): every
//! live event search (not `| tstats`, 718) read with security_content's
//! macros, then compiled to ES|QL and KQL (`--filter-only`). Prints the
//! table of refusal reasons that README.md shows; no search may panic, and
//! every refusal is a diagnostic naming the construct. Skipped when the
//! corpus is absent.
//!
//! ```sh
//! cargo test --test spl_security_content -- --nocapture
//! ```

mod common;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use vigil::ir::Meta;
use vigil::profile::Profile;
use vigil::source::SourceFile;
use vigil::spl::Macros;
use vigil::targets::{Options, Target};

/// The share of searches that must import and compile to both targets.
const MIN_RATE: f64 = 0.75;

/// The live event searches: (file, search).
pub fn live_searches(root: &std::path::Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    vigil::load::walk_files(&root.join("detections"), &mut |p| files.push(p)).expect("corpus");
    files
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "deprecated"))
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let doc: serde_json::Value = serde_saphyr::from_str(&text).ok()?;
            let search = doc.get("search")?.as_str()?.to_string();
            (!search.trim_start().starts_with('|')).then_some((p, search))
        })
        .collect()
}

fn compile(
    det: &vigil::ir::Detection,
    target: Target,
    profile: &Profile,
) -> Result<String, String> {
    compile_with(det, target, profile, true)
}

fn compile_with(
    det: &vigil::ir::Detection,
    target: Target,
    profile: &Profile,
    filter_only: bool,
) -> Result<String, String> {
    let opts = Options {
        filter_only,
        comments: false,
        params: BTreeMap::new(),
        stack_version: None,
    };
    target
        .backend()
        .compile(det, profile, &opts)
        .map(|c| c.query)
        .map_err(|d| {
            d.iter()
                .find(|d| d.is_error())
                .map(|d| d.one_line())
                .unwrap_or_default()
        })
}

/// A refusal's message without its location.
fn reason(line: &str) -> String {
    let msg = line.split_once(": error").map_or(line, |(_, m)| m);
    msg.split_once("]: ").map_or(msg, |(_, m)| m).to_string()
}

#[test]
fn security_content_imports() {
    let Some(corpora) = common::corpora() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    let root = corpora.join("splunk-security-content");
    let mut macros = Macros::default();
    let skipped = macros.load(&root.join("macros")).expect("macros");
    eprintln!(
        "macros: {} read, {} skipped: {skipped:?}",
        macros.len(),
        skipped.len()
    );
    let searches = live_searches(&root);
    let esql = Profile::builtin("elastic-plain").expect("profile");
    let mut imported = 0;
    let mut compiled = 0;
    // Imported searches whose whole pipeline compiles to ES|QL (not only
    // the filter): reported, not asserted.
    let mut pipelines = 0;
    let mut panics = Vec::new();
    let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
    let mut target_errors: BTreeMap<String, usize> = BTreeMap::new();
    let out_dir = std::env::var_os("VIGIL_SPL_OUT").map(PathBuf::from);
    for (path, search) in &searches {
        let file = SourceFile::new(path.display().to_string(), search.as_str());
        let result = catch_unwind(AssertUnwindSafe(|| {
            let det = vigil::spl::read_search(&file, 0, search, Meta::default(), &macros)
                .map_err(|d| d.one_line())?;
            let e = compile(&det, Target::Esql, &esql);
            let k = compile(&det, Target::Kql, &esql);
            let whole = compile_with(&det, Target::Esql, &esql, false).is_ok();
            Ok::<_, String>((e, k, whole))
        }));
        match result {
            Err(_) => panics.push(path.display().to_string()),
            Ok(Err(why)) => *refusals.entry(reason(&why)).or_default() += 1,
            Ok(Ok((e, k, whole))) => {
                imported += 1;
                pipelines += usize::from(whole);
                match (e, k) {
                    (Ok(e), Ok(k)) => {
                        compiled += 1;
                        if let Some(dir) = &out_dir {
                            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
                            std::fs::create_dir_all(dir).expect("out dir");
                            std::fs::write(dir.join(format!("{stem}.esql")), e).expect("write");
                            std::fs::write(dir.join(format!("{stem}.kql")), k).expect("write");
                        }
                    }
                    (Err(why), _) | (_, Err(why)) => {
                        *target_errors.entry(reason(&why)).or_default() += 1
                    }
                }
            }
        }
    }
    let total = searches.len();
    eprintln!("security_content live event searches: {total}");
    eprintln!(
        "imported: {imported}; compiled to ES|QL and KQL (--filter-only): {compiled} ({:.1}%)",
        100.0 * compiled as f64 / total as f64
    );
    eprintln!("of those imported, the whole pipeline compiles to ES|QL: {pipelines}");
    let mut rows: Vec<(&String, &usize)> = refusals.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    eprintln!("| refused because | searches |\n|---|---:|");
    for (why, n) in rows {
        eprintln!("| {why} | {n} |");
    }
    for (why, n) in &target_errors {
        eprintln!("target: {n} × {why}");
    }
    assert!(panics.is_empty(), "panics: {panics:?}");
    assert_eq!(total, 718, "the corpus has 718 live event searches");
    assert!(
        compiled as f64 >= MIN_RATE * total as f64,
        "only {compiled} of {total} import and compile"
    );
}

/// The labels of `spl-samples/index.tsv` (importable / should-refuse)
/// against what the reader does: every one agrees.
#[test]
fn spl_samples_labels() {
    let Some(corpora) = common::corpora() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    let dir = corpora.join("spl-samples");
    let mut macros = Macros::default();
    macros.load(&dir.join("macros")).expect("macros");
    let index = std::fs::read_to_string(dir.join("index.tsv")).expect("index.tsv");
    let (mut agree, mut total) = (0, 0);
    let mut disagree = Vec::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(name), Some(expected), Some(tier)) = (cols.first(), cols.get(3), cols.get(5))
        else {
            continue;
        };
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).expect("sample");
        let file = SourceFile::new(path.display().to_string(), text.as_str());
        let got = catch_unwind(AssertUnwindSafe(|| {
            vigil::spl::read_search(&file, 0, &text, Meta::default(), &macros)
                .map_err(|d| d.one_line())
        }))
        .expect("no panic");
        total += 1;
        let imported = got.is_ok();
        if imported == (*expected == "importable") {
            agree += 1;
        } else {
            disagree.push(format!(
                "{name} ({tier}): labelled {expected}, {}",
                match got {
                    Ok(_) => "imported".to_string(),
                    Err(e) => format!("refused: {}", reason(&e)),
                }
            ));
        }
    }
    eprintln!("spl-samples: {agree}/{total} agree with their labels");
    for d in &disagree {
        eprintln!("  {d}");
    }
    assert_eq!(total, 60);
    assert!(disagree.is_empty(), "{disagree:#?}");
}

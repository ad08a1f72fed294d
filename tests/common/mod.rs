//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod canon;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vigil::diagnostic::Diagnostic;
use vigil::ir::Detection;
use vigil::profile::Profile;
use vigil::targets::{Options, Target};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The messages of the errors among `diags`, one per line.
pub fn error_messages(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the `vigil` binary from the crate root, without colour.
pub fn vigil(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("vigil runs")
}

/// `../shared/corpora` if it exists (tests that need it skip otherwise).
pub fn corpora() -> Option<PathBuf> {
    let p = root().join("../shared/corpora");
    p.is_dir().then_some(p)
}

/// Loads the one detection of a file, panicking with rendered diagnostics.
pub fn load(path: &Path) -> Detection {
    let loaded = vigil::load::load_file(path);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(vigil::diagnostic::render_plain)
        .collect();
    assert!(
        errors.is_empty(),
        "{}:\n{}",
        path.display(),
        errors.join("\n")
    );
    loaded.detections.into_iter().next().expect("one detection")
}

/// Parses and lowers Vigil source text (the file name decides the reader).
pub fn load_str(name: &str, text: &str) -> (Option<Detection>, Vec<Diagnostic>) {
    let loaded = vigil::load::load_text(Path::new(name), text.to_string());
    (loaded.detections.into_iter().next(), loaded.diagnostics)
}

/// Compiles with the target's default profile and no parameters.
pub fn compile(det: &Detection, target: Target) -> Result<String, Vec<Diagnostic>> {
    compile_with(det, target, &BTreeMap::new(), false)
}

/// Compiles with parameters and options.
pub fn compile_with(
    det: &Detection,
    target: Target,
    params: &BTreeMap<String, String>,
    filter_only: bool,
) -> Result<String, Vec<Diagnostic>> {
    let profile = Profile::load(target.default_profile()).expect("default profile");
    let mut det = det.clone();
    let diags = vigil::ir::params::substitute(&mut det, params);
    if diags.iter().any(|d| d.is_error()) {
        return Err(diags);
    }
    let opts = Options {
        filter_only,
        comments: true,
        params: params.clone(),
        ..Default::default()
    };
    target
        .backend()
        .compile(&det, &profile, &opts)
        .map(|c| c.query)
}

/// Compiles Vigil source text to SPL, panicking on errors.
pub fn spl(text: &str) -> String {
    let (det, diags) = load_str("test.vigil", text);
    let det = det.unwrap_or_else(|| {
        panic!(
            "{}",
            diags
                .iter()
                .map(vigil::diagnostic::render_plain)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    compile(&det, Target::Splunk).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(vigil::diagnostic::render_plain)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// Normalises a search for comparison "modulo whitespace and ``` comments":
/// comments are removed; outside double-quoted strings whitespace is kept
/// only where it separates two word characters (as one space); inside
/// strings runs of whitespace become one space.
pub fn normalize(query: &str) -> String {
    let without_comments = strip_triple_backtick_comments(query);
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut pending_space = false;
    for c in without_comments.chars() {
        if in_string {
            if c.is_whitespace() {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
                continue;
            }
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            let prev_word = out.chars().last().is_some_and(is_word);
            if prev_word && is_word(c) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
        if c == '"' {
            in_string = true;
        }
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Removes every ```...``` comment (an unterminated one runs to the end).
pub fn strip_triple_backtick_comments(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("```") {
        out.push_str(&rest[..start]);
        out.push(' ');
        match rest[start + 3..].find("```") {
            Some(end) => rest = &rest[start + 3 + end + 3..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// A token of SPL, enough to check that escaping kept a value in one piece.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A double-quoted string, unescaped.
    Str(String),
    /// A single-quoted field name, unquoted.
    Field(String),
    /// A bare word.
    Word(String),
    /// Punctuation or operator.
    Punct(String),
}

/// Splits SPL into tokens the way Splunk's lexer separates them: quoted
/// strings with `\\` and `\"` escapes, single-quoted field names, words,
/// and punctuation.
pub fn spl_tokens(s: &str) -> Vec<Tok> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' {
            let mut v = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\'
                    && i + 1 < chars.len()
                    && (chars[i + 1] == c || chars[i + 1] == '\\')
                {
                    v.push(chars[i + 1]);
                    i += 2;
                } else {
                    v.push(chars[i]);
                    i += 1;
                }
            }
            assert!(i < chars.len(), "unterminated string in {s}");
            i += 1;
            out.push(if c == '"' { Tok::Str(v) } else { Tok::Field(v) });
        } else if c.is_alphanumeric() || "_.{}*-@:/".contains(c) {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || "_.{}*-@:/".contains(chars[i]))
            {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["!=", "<=", ">=", "=="].contains(&two.as_str()) {
                out.push(Tok::Punct(two));
                i += 2;
            } else {
                out.push(Tok::Punct(c.to_string()));
                i += 1;
            }
        }
    }
    out
}

/// A sample value for every declared parameter: `10` for numbers, `true`
/// for booleans, `example-<name>` for strings.
pub fn sample_params(det: &Detection) -> BTreeMap<String, String> {
    det.params
        .iter()
        .map(|p| {
            let v = match p.ty {
                vigil::ir::ParamType::Number => "10".to_string(),
                vigil::ir::ParamType::Bool => "true".to_string(),
                vigil::ir::ParamType::String => format!("example-{}", p.name),
            };
            (p.name.clone(), v)
        })
        .collect()
}

/// Clears every span of a detection's parts, so two detections compare
/// equal exactly when everything but source positions is equal.
pub fn clear_spans(det: &mut Detection) {
    use vigil::ir::{AggArg, Expr, Filter, Stage, StageKind};
    use vigil::source::Span;
    fn filter(f: &mut Filter) {
        match f {
            Filter::True => {}
            Filter::And(v) | Filter::Or(v) => v.iter_mut().for_each(filter),
            Filter::Not(x) | Filter::Group(x) => filter(x),
            Filter::Pred(p) => p.span = Span::default(),
            Filter::Keyword(k) => k.span = Span::default(),
        }
    }
    fn expr(e: &mut Expr) {
        match e {
            Expr::Field(_) | Expr::Lit(_) => {}
            Expr::Binary { lhs, rhs, .. } => {
                expr(lhs);
                expr(rhs);
            }
            Expr::And(v) | Expr::Or(v) => v.iter_mut().for_each(expr),
            Expr::Not(x) | Expr::Neg(x) | Expr::Group(x) => expr(x),
            Expr::In { expr: x, list, .. } => {
                expr(x);
                list.items.iter_mut().for_each(expr);
            }
            Expr::Call { args, span, .. } => {
                *span = Span::default();
                args.iter_mut().for_each(expr);
            }
            Expr::Matches(f) => filter(f),
        }
    }
    fn stages(v: &mut [Stage]) {
        for s in v {
            s.span = Span::default();
            match &mut s.kind {
                StageKind::Eval { assignments } => {
                    assignments.iter_mut().for_each(|a| expr(&mut a.value))
                }
                StageKind::Where { cond } => expr(cond),
                StageKind::Search { filter: f } => filter(f),
                StageKind::Stats { aggregates, .. } => {
                    for a in aggregates.items.iter_mut() {
                        if let Some(AggArg::Expr(e)) = &mut a.arg {
                            expr(e);
                        }
                    }
                }
                StageKind::Join { query, .. } => {
                    filter(&mut query.filter);
                    stages(&mut query.stages);
                }
                _ => {}
            }
        }
    }
    filter(&mut det.filter);
    stages(&mut det.pipeline);
    for p in &mut det.params {
        p.span = Span::default();
    }
}

/// Asserts that two detections are equal but for spans and source file.
pub fn assert_same_ir(a: &Detection, b: &Detection, context: &str) {
    let (mut a, mut b) = (a.clone(), b.clone());
    clear_spans(&mut a);
    clear_spans(&mut b);
    assert_eq!(a.meta, b.meta, "metadata differs: {context}");
    assert_eq!(a.params, b.params, "parameters differ: {context}");
    assert_eq!(a.scope, b.scope, "scope differs: {context}");
    assert_eq!(a.filter, b.filter, "filter differs: {context}");
    assert_eq!(a.pipeline, b.pipeline, "pipeline differs: {context}");
}

/// Rules listed under `## <section>` in detections/DEVIATIONS.md, with their
/// reasons (lines of the form ``- `stem`: reason``).
pub fn deviations(section: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("detections/DEVIATIONS.md")).unwrap_or_default();
    let mut out = BTreeMap::new();
    let mut in_section = false;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            in_section = h.trim().eq_ignore_ascii_case(section);
            continue;
        }
        if in_section
            && let Some(rest) = line.strip_prefix("- `")
            && let Some((name, reason)) = rest.split_once('`')
        {
            out.insert(
                name.to_string(),
                reason.trim_start_matches(':').trim().to_string(),
            );
        }
    }
    out
}

/// Compiles with the target's default profile, returning the query and the
/// warnings.
pub fn compile_full(
    det: &Detection,
    target: Target,
    filter_only: bool,
) -> Result<vigil::targets::Compiled, Vec<Diagnostic>> {
    let profile = Profile::load(target.default_profile()).expect("default profile");
    let opts = Options {
        filter_only,
        comments: true,
        ..Default::default()
    };
    target.backend().compile(det, &profile, &opts)
}

/// A diagnostic on one line without the file name (stable in snapshots):
/// `line:col severity[code]: message` plus its labels.
pub fn diagnostic_line(d: &Diagnostic) -> String {
    let sev = match d.severity {
        vigil::diagnostic::Severity::Note => "note",
        vigil::diagnostic::Severity::Warning => "warning",
        vigil::diagnostic::Severity::Error => "error",
    };
    let at = d
        .location()
        .map(|(_, l, c)| format!("{l}:{c} "))
        .unwrap_or_default();
    let labels: Vec<String> = d
        .labels
        .iter()
        .map(|l| {
            let (line, col) = d.file.as_ref().map_or((0, 0), |f| f.line_col(l.span.start));
            format!("{line}:{col} {}", l.text)
        })
        .collect();
    format!(
        "{at}{sev}[{}]: {} [{}]",
        d.code,
        d.message,
        labels.join("; ")
    )
}

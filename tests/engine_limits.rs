//! The SIEMs' documented query limits (issue 11): a detection whose output
//! an engine would refuse is an error at its source naming the limit and
//! the number, never a query that fails when it is deployed. The limits
//! and their sources are in `src/targets/*/limits.rs` and
//! `docs/security.md`, "Engine limits".

mod common;

use common::{compile, load_str};
use vigil::targets::Target;

/// `n` values in one `in` list.
fn values(n: usize) -> String {
    let vs: Vec<String> = (0..n).map(|i| format!("\"v{i}\"")).collect();
    format!(
        "title: \"t\"\nid: \"t\"\n\nsearch user_name in ({})\n",
        vs.join(", ")
    )
}

/// Tests nested `depth` parentheses deep, alternating `and` and `or` so
/// that no level flattens into the one around it.
fn nested(depth: usize) -> String {
    let mut q = "user_name == \"x\"".to_string();
    for i in 0..depth {
        let op = if i % 2 == 0 { "and" } else { "or" };
        q = format!("type == \"t{i}\" {op} ({q})");
    }
    format!("title: \"t\"\nid: \"t\"\n\nsearch {q}\n")
}

/// Joins nested `depth` subsearches deep.
fn joins(depth: usize) -> String {
    let mut q = "search type == \"s\"".to_string();
    for i in 0..depth {
        q = format!("search type == \"s{i}\"\n| join [\n{q}\n]");
    }
    format!("title: \"t\"\nid: \"t\"\n\n{q}\n")
}

/// The error messages of compiling `src` to `target` (empty when it compiles).
/// On a thread with the binary's large stack: the readers recurse once per
/// nesting level, and a test thread's 2 MiB is less than `vigil` runs with.
fn errors(src: &str, target: Target) -> String {
    let src = src.to_string();
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || errors_here(&src, target))
        .unwrap()
        .join()
        .unwrap()
}

fn errors_here(src: &str, target: Target) -> String {
    let (det, diags) = load_str("t.vigil", src);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    match compile(&det.expect("a detection"), target) {
        Ok(_) => String::new(),
        Err(ds) => common::error_messages(&ds),
    }
}

#[test]
fn kql_stays_within_elasticsearchs_clause_count() {
    // The profile splits `user_name` into `user.email`, else `user.name`:
    // n values are 2n + 1 leaf queries (the `not user.email: *` included).
    assert_eq!(errors(&values(511), Target::Kql), "");
    let e = errors(&values(512), Target::Kql);
    assert!(e.contains("would hold 1025 clauses"), "{e}");
    assert!(e.contains("indices.query.bool.max_clause_count"), "{e}");
    assert!(e.contains("1024"), "{e}");
}

#[test]
fn kql_stays_within_elasticsearchs_nesting_depth() {
    assert_eq!(errors(&nested(20), Target::Kql), "");
    let e = errors(&nested(40), Target::Kql);
    assert!(e.contains("indices.query.bool.max_nested_depth"), "{e}");
    assert!(e.contains("at most 30"), "{e}");
    // Other targets take the same filter.
    assert_eq!(errors(&nested(40), Target::Splunk), "");
}

#[test]
fn splunk_joins_stay_within_max_subsearch_depth() {
    assert_eq!(errors(&joins(8), Target::Splunk), "");
    let e = errors(&joins(9), Target::Splunk);
    assert!(e.contains("subsearch 9 levels deep"), "{e}");
    assert!(
        e.contains("`max_subsearch_depth` in limits.conf) runs at most 8"),
        "{e}"
    );
}
